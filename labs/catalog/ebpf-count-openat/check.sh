#!/bin/sh
# Checker for the ebpf-count-openat lab, run in the guest after the host loaded the program as
# /sys/fs/bpf/ring0/ebpf-count-openat: PASS/FAIL <objective> <message>.
m=/sys/fs/bpf/ring0/ebpf-count-openat/maps/opens
if [ ! -e "$m" ]; then
  echo "FAIL counts no map named opens is pinned at $m: keep the map's name 'opens'"
  exit 0
fi
total() {
  bpftool -j map dump pinned "$m" | python3 -c '
import json, sys
total = 0
for e in json.load(sys.stdin):
    f = e.get("formatted")
    if isinstance(f, dict) and isinstance(f.get("value"), int):
        total += f["value"]
    elif isinstance(e.get("value"), int):
        total += e["value"]
    elif isinstance(e.get("value"), list):
        total += int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little")
print(total)'
}
before=$(total)
for i in 1 2 3 4 5; do cat /etc/hostname > /dev/null; done
after=$(total)
if [ -z "$before" ] || [ -z "$after" ]; then
  echo "FAIL counts could not read the opens map with bpftool"
elif [ $((after - before)) -ge 5 ]; then
  echo "PASS counts the map counted $((after - before)) openat() calls for five cat runs"
else
  echo "FAIL counts five cat runs moved the count from $before to $after: increment slot 0 of opens in count_openat"
fi
