#!/bin/sh
# Checker for the ebpf-uprobe-malloc lab, run in the guest after setup.sh built /tmp/r0leaky and the
# host loaded leaks.bpf.o (pinned as /sys/fs/bpf/ring0/ebpf-uprobe-malloc): runs r0leaky (ten
# malloc(4242), seven freed) and counts its blocks left in `outstanding`. Unpins at the end.
pins=/sys/fs/bpf/ring0/ebpf-uprobe-malloc
m=$pins/maps/outstanding
cleanup() { rm -rf "$pins" /tmp/r0leaky; }
if [ ! -x /tmp/r0leaky ]; then
  echo "FAIL mallocs the lab's test program /tmp/r0leaky was not built (setup failed)"
  echo "FAIL frees the lab's test program /tmp/r0leaky was not built (setup failed)"
  cleanup; exit 0
fi
if [ ! -e "$m" ]; then
  echo "FAIL mallocs no map named outstanding is pinned at $m: keep the map's name 'outstanding'"
  echo "FAIL frees no map named outstanding to look in"
  cleanup; exit 0
fi
pid=$(/tmp/r0leaky)
bpftool -j map dump pinned "$m" > /tmp/r0leaky.json 2>/tmp/r0leaky.err
python3 - "$pid" /tmp/r0leaky.json <<'PY'
import json, sys

pid = int(sys.argv[1])
try:
    entries = json.load(open(sys.argv[2]))
except ValueError:
    entries = None


def num(v):
    return v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little")


if not isinstance(entries, list):
    print("FAIL mallocs could not dump the outstanding map with bpftool")
    print("FAIL frees could not dump the outstanding map with bpftool")
    sys.exit(0)
mine = []
for e in entries:
    f = e.get("formatted")
    if isinstance(f, dict) and isinstance(f.get("key"), dict):
        k, v = f["key"], num(f["value"])
        if k.get("pid") == pid:
            mine.append(v)
    else:  # no BTF: key bytes are pid (4), pad (4), addr (8)
        raw = bytes(int(b, 16) for b in e["key"])
        if int.from_bytes(raw[:4], "little") == pid:
            mine.append(num(e["value"]))
ours = [v for v in mine if v == 4242]
if ours:
    print(f"PASS mallocs outstanding recorded r0leaky's (pid {pid}) 4242-byte blocks with their sizes")
else:
    print(f"FAIL mallocs outstanding holds no 4242-byte block of r0leaky (pid {pid}), which malloc'd ten: on malloc's return, insert {{pid, ptr}} -> the size saved at entry ({len(entries)} entries in the map)")
if len(ours) == 3:
    print("PASS frees exactly the 3 blocks r0leaky never freed are left in outstanding: the 7 freed ones were removed")
elif len(ours) > 3:
    print(f"FAIL frees {len(ours)} of r0leaky's 4242-byte blocks are left in outstanding, but it freed 7 of its 10: delete {{pid, ptr}} from outstanding in free_enter")
elif not ours:
    print("FAIL frees no block of r0leaky was recorded, so none can be removed: make objective mallocs pass first, then delete {pid, ptr} from outstanding in free_enter")
else:
    print(f"FAIL frees only {len(ours)} of r0leaky's 4242-byte blocks are left in outstanding, but it leaked 3 of 10: remove a block only when free() gets its address")
PY
rm -f /tmp/r0leaky.json /tmp/r0leaky.err
cleanup
