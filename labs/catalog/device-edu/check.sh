#!/bin/sh
# Checker for the device-edu lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Needs QEMU's edu device (1234:11e8); Ring0 refuses to run it on a VM started without --device edu.
t=/tmp/r0-edu
drv=/sys/bus/pci/drivers/edu_lab
rm -rf $t; mkdir -p $t
all="enumerates bar0 factorial interrupt unloads"
pcidev=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x11e8 ] && pcidev=$d && break
done
if [ -z "$pcidev" ]; then
  for o in $all; do echo "FAIL $o the VM has no edu device (PCI 1234:11e8): restart it with ring0 vm stop && ring0 vm start --device edu"; done
  exit 0
fi
slot=${pcidev##*/}
rmmod edu_lab 2>/dev/null
dmesg -C
if ! insmod edu_lab.ko 2>$t/insmod.err; then
  for o in $all; do echo "FAIL $o insmod edu_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
d=$drv/$slot
if [ ! -e $d ]; then
  for o in enumerates bar0 factorial interrupt; do echo "FAIL $o edu_lab did not bind to the edu device at $slot: fill edu_ids with PCI_DEVICE(0x1234, 0x11e8) so the PCI core calls edu_probe for it$(dmesg | grep -m1 'edu_lab.*probe' | sed 's/^/ (/; s/$/)/')"; done
else
  echo "PASS enumerates edu_lab is bound to the edu device at $slot ($(cat $pcidev/vendor):$(cat $pcidev/device))"
  id=$(cat $d/id 2>&1)
  case "$id" in
    0x010000ed) echo "PASS bar0 the ID register in BAR0 reads $id (edu version 1.0)" ;;
    0x00000000) echo "FAIL bar0 the id file says $id: map BAR0 in edu_probe (pcim_iomap_regions, pcim_iomap_table) and read it with ioread32(edu->bar + EDU_ID) in id_show" ;;
    *) echo "FAIL bar0 the id file says '$id', expected 0x010000ed (edu v1.0): read the 32-bit register at offset 0 of BAR0" ;;
  esac
  before=$(cat $d/irqs 2>/dev/null || echo 0)
  res=""
  for n in 10 12 0; do
    if echo $n > $d/factorial 2>$t/w.err; then res="$res $n!=$(cat $d/factorial)"; else res="$res $n!:$(sed 's/.*: //' $t/w.err)"; fi
  done
  after=$(cat $d/irqs 2>/dev/null || echo 0)
  if [ "$res" = " 10!=3628800 12!=479001600 0!=1" ]; then
    echo "PASS factorial the device computed$res"
  else
    echo "FAIL factorial expected 10!=3628800 12!=479001600 0!=1, got$res: in factorial_store write STATUS_IRQ_FACTORIAL to EDU_STATUS, n to EDU_FACTORIAL, wait for the interrupt, read EDU_FACTORIAL"
  fi
  line=$(grep 'edu_lab' /proc/interrupts | head -1)
  if [ -z "$line" ]; then
    echo "FAIL interrupt no edu_lab line in /proc/interrupts: request_irq(edu->irq, edu_irq, IRQF_SHARED, \"edu_lab\", edu) in edu_probe"
  elif [ $((after - before)) -lt 3 ]; then
    echo "FAIL interrupt the driver counted $((after - before)) interrupts for 3 factorials: in edu_irq read EDU_IRQ_STATUS, ack it through EDU_IRQ_ACK, count it in edu->irqs and complete(&edu->done)"
  else
    echo "PASS interrupt $((after - before)) interrupts handled for 3 factorials ($(echo $line | awk '{print "irq " $1 " " $NF}'))"
  fi
fi
if ! rmmod edu_lab 2>$t/rmmod.err; then
  echo "FAIL unloads rmmod edu_lab failed: $(cat $t/rmmod.err)"
elif grep -q 'edu_lab' /proc/interrupts; then
  echo "FAIL unloads after rmmod, /proc/interrupts still lists edu_lab: free_irq() and pci_free_irq_vectors() in edu_remove"
elif dmesg | grep -qE 'BUG:|Oops|WARNING:.*edu_lab'; then
  echo "FAIL unloads the kernel complained: $(dmesg | grep -E 'BUG:|Oops|WARNING:.*edu_lab' | head -1)"
elif [ -e $drv ]; then
  echo "FAIL unloads $drv is still there after rmmod"
else
  echo "PASS unloads rmmod unbound the driver and released its interrupt"
fi
rm -rf $t
