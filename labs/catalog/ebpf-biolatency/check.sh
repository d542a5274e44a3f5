#!/bin/sh
# Checker for the ebpf-biolatency lab, run in the guest after the host loaded biolat.bpf.o (pinned as
# /sys/fs/bpf/ring0/ebpf-biolatency). The VM has no disk: null_blk makes two (nullb0, nullb1) whose
# requests complete after 1 ms (timer mode); 200 direct reads go to nullb0 and 50 to nullb1, then
# the `hist` map must show them per device in the ~1 ms log2 slots. Removes null_blk and the pins.
pins=/sys/fs/bpf/ring0/ebpf-biolatency
m=$pins/maps/hist
cleanup() { rmmod null_blk 2>/dev/null; rm -rf "$pins"; }
if [ ! -e "$m" ]; then
  echo "FAIL per-device no map named hist is pinned at $m: keep the map's name 'hist'"
  echo "FAIL slots no map named hist to read"
  cleanup; exit 0
fi
rmmod null_blk 2>/dev/null
if ! modprobe null_blk nr_devices=2 irqmode=2 completion_nsec=1000000; then
  echo "FAIL per-device could not load the null_blk module in the VM to make test disks"
  echo "FAIL slots could not load the null_blk module in the VM to make test disks"
  cleanup; exit 0
fi
dump() { bpftool -j map dump pinned "$m"; }
dump > /tmp/r0bio.before
dd if=/dev/nullb0 of=/dev/null bs=4k count=200 iflag=direct 2>/dev/null
dd if=/dev/nullb1 of=/dev/null bs=4k count=50 iflag=direct 2>/dev/null
dump > /tmp/r0bio.after
python3 - /tmp/r0bio.before /tmp/r0bio.after "$(cat /sys/block/nullb0/dev)" "$(cat /sys/block/nullb1/dev)" <<'PY'
import json, sys


def num(v):
    return v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little")


def hist(path):
    """{(dev, slot): count} from bpftool -j map dump (BTF-formatted, or raw key bytes dev, slot)."""
    try:
        entries = json.load(open(path))
    except ValueError:
        return None
    out = {}
    for e in entries:
        f = e.get("formatted")
        if isinstance(f, dict) and isinstance(f.get("key"), dict):
            k = (f["key"].get("dev"), f["key"].get("slot"))
            out[k] = num(f["value"])
        else:
            raw = bytes(int(b, 16) for b in e["key"])
            out[(int.from_bytes(raw[:4], "little"), int.from_bytes(raw[4:8], "little"))] = num(e["value"])
    return out


def devt(s):
    major, minor = (int(x) for x in s.split(":"))
    return major << 20 | minor


before, after = hist(sys.argv[1]), hist(sys.argv[2])
if before is None or after is None:
    print("FAIL per-device could not dump the hist map with bpftool")
    print("FAIL slots could not dump the hist map with bpftool")
    sys.exit(0)
d0, d1 = devt(sys.argv[3]), devt(sys.argv[4])
delta = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0) > 0}
per = {d0: {}, d1: {}}
for (dev, slot), n in delta.items():
    if dev in per:
        per[dev][slot] = n
n0, n1 = sum(per[d0].values()), sum(per[d1].values())
others = sorted({dev for dev, _ in delta} - {d0, d1})
if n0 >= 200 and n1 >= 50:
    print(f"PASS per-device hist counted {n0} requests for nullb0 ({sys.argv[3]}) and {n1} for nullb1 ({sys.argv[4]}) under their own dev_t")
elif not delta:
    print(f"FAIL per-device hist did not change while 250 reads went to nullb0 and nullb1: record the issue time in rq_issue and count each completed request in rq_complete")
else:
    print(f"FAIL per-device for 200 reads of nullb0 and 50 of nullb1, hist counted {n0} under nullb0's dev_t {d0} and {n1} under nullb1's {d1}" + (f" (and some under {others}: is dev the disk's major << 20 | first_minor?)" if others else ""))
total = n0 + n1
if total:
    slow = sum(n for dev in (d0, d1) for s, n in per[dev].items() if 9 <= s <= 16)
    shape = ", ".join(f"slot {s}: {n}" for s, n in sorted(per[d0].items()))
    if slow >= 0.9 * total:
        print(f"PASS slots requests that take 1 ms land in slots 9-16 (512 us to 131 ms, emulation is slow); nullb0: {shape}")
    else:
        print(f"FAIL slots the test disks complete each request after 1 ms = 1000 us, which is slot 9 (512-1023 us) or a little more, but nullb0 shows {shape}: slot = log2 of the latency in microseconds (ns / 1000)")
else:
    print("FAIL slots no request of nullb0 or nullb1 was counted, so there are no slots to check")
PY
rm -f /tmp/r0bio.before /tmp/r0bio.after
cleanup
