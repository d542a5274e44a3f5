#!/bin/sh
# Checker for the ebpf-map-types lab, run in the guest after the host loaded maps_lab.bpf.o (pinned
# as /sys/fs/bpf/ring0/ebpf-map-types): runs 40 execs of a program named r0maps-probe and reads each
# map with bpftool -j; the ring buffer is consumed directly (mmap of the pinned map). Unpins at the end.
pins=/sys/fs/bpf/ring0/ebpf-map-types
ln -sf /bin/true /tmp/r0maps-probe
python3 - "$pins/maps" <<'PY'
import ctypes, json, mmap, os, struct, subprocess, sys

maps = sys.argv[1]
PROBE, RUNS = "r0maps-probe", 40


def report(ok, objective, msg):
    print(f"{'PASS' if ok else 'FAIL'} {objective} {msg}", flush=True)


def bpftool(*args):
    r = subprocess.run(["bpftool", "-j", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError((r.stderr or r.stdout).strip().splitlines()[-1] if (r.stderr or r.stdout).strip() else f"bpftool {' '.join(args)} failed")
    return json.loads(r.stdout or "null")


def as_int(v):
    if isinstance(v, int):
        return v
    if isinstance(v, list):
        return int.from_bytes(bytes(int(b, 16) for b in v), "little")
    raise ValueError(f"unexpected value {v!r}")


def as_name(k):
    if isinstance(k, str):
        return k.split("\0")[0]
    if isinstance(k, list):
        b = bytes(int(x, 16) if isinstance(x, str) else x for x in k)
        return b.split(b"\0")[0].decode(errors="replace")
    return str(k)


def entries(name):
    """[(key, value or [per-CPU values])] of a pinned map, decoded with BTF when bpftool gives it."""
    out = []
    for e in bpftool("map", "dump", "pinned", f"{maps}/{name}") or []:
        f = e.get("formatted") or e
        if "values" in f:
            out.append((f["key"], [as_int(c["value"]) for c in f["values"]]))
        else:
            out.append((f["key"], as_int(f["value"])))
    return out


def map_type(name):
    return bpftool("map", "show", "pinned", f"{maps}/{name}")


names = {"exec_total": "array", "exec_percpu": "percpu_array", "exec_by_comm": "percpu_hash", "recent": "lru_hash", "events": "ringbuf"}
info, missing = {}, []
for n, t in names.items():
    try:
        info[n] = map_type(n)
    except (RuntimeError, ValueError) as e:
        missing.append(n)
        continue
    if info[n].get("type") != t:
        missing.append(n)
        info[n]["wrong"] = t
objectives = {"exec_total": "array", "exec_percpu": "percpu-array", "exec_by_comm": "percpu-hash", "recent": "lru-hash", "events": "ringbuf"}
for n in missing:
    got = info.get(n)
    report(False, objectives[n], f"map {n} must be a {names[n]} map, but it is {got['type']}" if got else f"no map named {n} is pinned under {maps}: keep the map names of the starter")


def total(name):
    return sum(sum(v) if isinstance(v, list) else v for _, v in entries(name))


def by_comm():
    return {as_name(k): sum(v) if isinstance(v, list) else v for k, v in entries("exec_by_comm")}


try:
    before_total = total("exec_total") if "exec_total" not in missing else 0
    before_percpu = total("exec_percpu") if "exec_percpu" not in missing else 0
    before_comm = by_comm().get(PROBE, 0) if "exec_by_comm" not in missing else 0
except (RuntimeError, ValueError) as e:
    for n in objectives.values():
        report(False, n, f"could not read the maps with bpftool: {e}")
    sys.exit(0)

pids = []
for _ in range(RUNS):
    p = subprocess.Popen([f"/tmp/{PROBE}"])
    pids.append(p.pid)
    p.wait()

if "exec_total" not in missing:
    d = total("exec_total") - before_total
    report(d >= RUNS, "array", f"exec_total[0] went up by {d} for {RUNS} execs" if d >= RUNS else f"exec_total[0] went up by {d} for {RUNS} execs: add one to slot 0 atomically")

if "exec_percpu" not in missing:
    vals = entries("exec_percpu")
    d = total("exec_percpu") - before_percpu
    ncpu = len(vals[0][1]) if vals and isinstance(vals[0][1], list) else 0
    if d >= RUNS:
        report(True, "percpu-array", f"exec_percpu[0] summed over {ncpu} CPU copies went up by {d} for {RUNS} execs")
    else:
        report(False, "percpu-array", f"exec_percpu[0], summed over its {ncpu} per-CPU copies, went up by {d} for {RUNS} execs: add one to slot 0 (TODO 2)")

if "exec_by_comm" not in missing:
    d = by_comm().get(PROBE, 0) - before_comm
    if d >= RUNS:
        report(True, "percpu-hash", f"exec_by_comm['{PROBE}'] summed over CPUs went up by {d} for {RUNS} execs")
    else:
        report(False, "percpu-hash", f"exec_by_comm['{PROBE}'] went up by {d} for {RUNS} execs of {PROBE}: count each exec under its comm (TODO 3)")

if "recent" not in missing:
    keys = {as_int(k) for k, _ in entries("recent")}
    cap = info["recent"].get("max_entries", 0)
    if pids[-1] in keys and pids[0] not in keys and len(keys) <= cap:
        report(True, "lru-hash", f"recent holds {len(keys)} of at most {cap} pids: the last exec's pid {pids[-1]} is there, the first one's ({pids[0]}) was evicted")
    elif pids[-1] not in keys:
        report(False, "lru-hash", f"the pid of the last exec ({pids[-1]}) is not in recent: insert every exec's pid (TODO 4)")
    else:
        report(False, "lru-hash", f"recent still holds the pid of the first of {RUNS} execs ({pids[0]}): it must be an LRU hash of at most 16 entries that evicts old pids")


def ringbuf_records(path, size):
    """Consumes every record in a pinned BPF ring buffer: BPF_OBJ_GET, then mmap as libbpf does."""
    libc = ctypes.CDLL(None, use_errno=True)
    cpath = ctypes.create_string_buffer(os.fsencode(path))
    attr = ctypes.create_string_buffer(struct.pack("QII", ctypes.addressof(cpath), 0, 0) + bytes(112))
    fd = libc.syscall(321, 7, attr, len(attr.raw))  # bpf(BPF_OBJ_GET)
    if fd < 0:
        raise OSError(ctypes.get_errno(), f"BPF_OBJ_GET {path}: {os.strerror(ctypes.get_errno())}")
    try:
        page = mmap.PAGESIZE
        cons = mmap.mmap(fd, page, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=0)
        prod = mmap.mmap(fd, page + 2 * size, mmap.MAP_SHARED, mmap.PROT_READ, offset=page)
        cpos = struct.unpack_from("Q", cons, 0)[0]
        ppos = struct.unpack_from("Q", prod, 0)[0]
        out = []
        while cpos < ppos:
            hdr, _ = struct.unpack_from("II", prod, page + (cpos & (size - 1)))
            if hdr & (1 << 31):  # still being written
                break
            length = hdr & ~((1 << 31) | (1 << 30))
            if not hdr & (1 << 30):  # not discarded
                start = page + ((cpos + 8) & (size - 1))
                out.append(bytes(prod[start:start + length]))
            cpos += (length + 8 + 7) & ~7
        struct.pack_into("Q", cons, 0, cpos)
        return out
    finally:
        os.close(fd)


if "events" not in missing:
    try:
        recs = ringbuf_records(f"{maps}/events", info["events"]["max_entries"])
        mine = [r for r in recs if len(r) >= 20 and struct.unpack_from("I", r, 0)[0] in pids and as_name(list(r[4:20])) == PROBE]
        if len(mine) >= RUNS:
            report(True, "ringbuf", f"read {len(recs)} records from the events ring buffer, {len(mine)} of them for the {RUNS} execs of {PROBE} with their pids")
        else:
            report(False, "ringbuf", f"read {len(recs)} records from the events ring buffer, {len(mine)} of them {{pid, comm}} of the {RUNS} execs of {PROBE}: reserve, fill and submit a struct event per exec (TODO 5)")
    except OSError as e:
        report(False, "ringbuf", f"could not read the events ring buffer: {e}")
PY
rm -rf "$pins" /tmp/r0maps-probe
