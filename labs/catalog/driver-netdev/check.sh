#!/bin/sh
# Checker for the driver-netdev lab, run in the guest from the lab folder: loads netdev_lab.ko, brings
# r0net0 up with an address, sends 5 UDP datagrams to a neighbour on its subnet and compares the
# driver's own count with the interface statistics. Prints PASS/FAIL <objective> <message>.
t=/tmp/r0-netdev
rm -rf $t; mkdir -p $t
rmmod netdev_lab 2>/dev/null
dmesg -C
if ! insmod netdev_lab.ko 2>$t/insmod.err; then
  for o in registers transmits counts unloads; do echo "FAIL $o insmod netdev_lab.ko failed: $(cat $t/insmod.err) — allocate and register the device in netdev_lab_init (TODO 3)"; done
  exit 0
fi
if [ ! -e /sys/class/net/r0net0 ]; then
  for o in registers transmits counts; do echo "FAIL $o insmod worked but there is no r0net0 in /sys/class/net: alloc_netdev(0, \"r0net%d\", NET_NAME_ENUM, r0net_setup) + register_netdev"; done
else
  ip link set r0net0 up 2>$t/ip.err && ip addr add 10.99.0.1/24 dev r0net0 2>>$t/ip.err
  if [ "$(cat /sys/class/net/r0net0/operstate)" = down ] || [ -s $t/ip.err ]; then
    echo "FAIL registers r0net0 exists but did not come up: $(head -n1 $t/ip.err) (operstate $(cat /sys/class/net/r0net0/operstate))"
  else
    echo "PASS registers r0net0 is registered and up with 10.99.0.1/24 (MAC $(cat /sys/class/net/r0net0/address))"
  fi
  before=$(cat /sys/class/net/r0net0/statistics/tx_packets)
  python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5): s.sendto(b"ring0 %d" % i, ("10.99.0.2", 9999))' 2>$t/send.err
  sleep 0.5
  tx=$(( $(cat /sys/class/net/r0net0/statistics/tx_packets) - before ))
  mine=$(cat /sys/module/netdev_lab/parameters/xmit_count 2>/dev/null)
  if [ "$tx" -ge 5 ]; then
    echo "PASS transmits the 5 datagrams to 10.99.0.2 went through r0net0's ndo_start_xmit (tx_packets +$tx)"
  elif grep -q 'ARP\|INCOMPLETE' /proc/net/arp 2>/dev/null && ! ip link show r0net0 | grep -q NOARP; then
    echo "FAIL transmits tx_packets went up by $tx for 5 datagrams: without IFF_NOARP the stack waits for an ARP answer nobody gives — set it in r0net_setup (TODO 1)"
  else
    echo "FAIL transmits tx_packets went up by $tx for 5 datagrams: set dev->netdev_ops = &r0net_ops (TODO 1), and in r0net_xmit count the packet, free it and return NETDEV_TX_OK (TODO 2)"
  fi
  if [ -z "$mine" ]; then
    echo "FAIL counts /sys/module/netdev_lab/parameters/xmit_count is missing: keep the module_param_cb from the starter"
  elif [ "$mine" -ge 5 ] && [ "$mine" -ge "$tx" ]; then
    echo "PASS counts the driver counted $mine packets itself (xmit_count), tx_packets $(cat /sys/class/net/r0net0/statistics/tx_packets), tx_bytes $(cat /sys/class/net/r0net0/statistics/tx_bytes)"
  else
    echo "FAIL counts the driver's xmit_count is $mine after 5 datagrams (tx_packets +$tx): atomic_inc(&xmit_count) and update dev->stats in r0net_xmit (TODO 2)"
  fi
fi
if ! rmmod netdev_lab 2>$t/rmmod.err; then
  echo "FAIL unloads rmmod netdev_lab failed: $(cat $t/rmmod.err)"
elif [ -e /sys/class/net/r0net0 ]; then
  echo "FAIL unloads r0net0 is still there after rmmod: unregister_netdev and free_netdev in netdev_lab_exit"
elif dmesg | grep -qE 'BUG:|Oops|WARNING:|unregister_netdevice: waiting'; then
  echo "FAIL unloads the kernel complained: $(dmesg | grep -m1 -E 'BUG:|Oops|WARNING:|unregister_netdevice')"
else
  echo "PASS unloads rmmod removed r0net0 and the kernel logged no warning"
fi
rm -rf $t
