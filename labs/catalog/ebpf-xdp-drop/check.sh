#!/bin/sh
# Checker for the ebpf-xdp-drop lab, run in the guest after setup.sh made the veth pair and the host
# loaded the program onto r0xdp0 (pinned as /sys/fs/bpf/ring0/ebpf-xdp-drop): pings from the
# namespace r0xdp with 10.200.0.2 out of and then in the `blocked` map. Removes the namespace, the
# veth pair and the pins at the end.
pins=/sys/fs/bpf/ring0/ebpf-xdp-drop
m=$pins/maps/blocked
key="10 200 0 2"
cleanup() { ip netns del r0xdp 2>/dev/null; ip link del r0xdp0 2>/dev/null; rm -rf "$pins"; }
ping_ok() { ip netns exec r0xdp /run/ring0/busybox ping -c 3 -w 4 -q 10.200.0.1 > /dev/null 2>&1; }
drops() {
  bpftool -j map lookup pinned "$m" key $key 2>/dev/null | python3 -c '
import json, sys
try:
    e = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
f = e.get("formatted")
if isinstance(f, dict) and isinstance(f.get("value"), int):
    print(f["value"])
elif isinstance(e.get("value"), list):
    print(int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little"))'
}

if [ ! -e "$m" ]; then
  echo "FAIL passes no map named blocked is pinned at $m: keep the map's name 'blocked'"
  echo "FAIL drops no map named blocked to put 10.200.0.2 in"
  cleanup; exit 0
fi
bpftool map delete pinned "$m" key $key 2>/dev/null
if ping_ok; then
  echo "PASS passes with the map empty, 10.200.0.2 pings 10.200.0.1 through the XDP program"
else
  echo "FAIL passes with nothing in blocked, ping from 10.200.0.2 to 10.200.0.1 got no reply: return XDP_PASS for every packet whose source is not in the map (and for non-IPv4 ones: ARP)"
fi

if ! bpftool map update pinned "$m" key $key value 0 0 0 0 0 0 0 0; then
  echo "FAIL drops could not add 10.200.0.2 to blocked: keep its key u32 (the address) and value u64 (the drop count)"
  cleanup; exit 0
fi
if ping_ok; then
  echo "FAIL drops with 10.200.0.2 in blocked, its pings still get replies: look ip->saddr up in blocked and return XDP_DROP when it is there"
else
  n=$(drops)
  bpftool map delete pinned "$m" key $key
  if [ -z "$n" ] || [ "$n" -lt 1 ]; then
    echo "FAIL drops pings from 10.200.0.2 were dropped but its value in blocked stayed ${n:-unreadable}: count each drop with __sync_fetch_and_add on the value"
  elif ping_ok; then
    echo "PASS drops pings from 10.200.0.2 were dropped ($n packets counted) while it was in blocked, and get through again once removed"
  else
    echo "FAIL drops after removing 10.200.0.2 from blocked, its pings are still dropped: drop only addresses found in the map"
  fi
fi
cleanup
