#!/bin/sh
# Checker for the uring-fio lab, run in the guest from the lab folder: loads null_blk (a null block
# device, /dev/nullb0) if needed, runs jobs/libaio.fio and jobs/io_uring.fio with fio's JSON output,
# and compares their options and results. Unloads null_blk again if it loaded it.
# Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-uring-fio
rm -rf "$work"; mkdir -p "$work"
loaded=0
cleanup() {
  [ $loaded = 1 ] && rmmod null_blk 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }

if ! command -v fio > /dev/null; then
  why='fio is not installed on the host: apt-get install fio (or ring0 setup --test-host), then restart the VM'
  rest libaio-job uring-job same-workload; exit 0
fi
if [ ! -b /dev/nullb0 ]; then
  if ! modprobe null_blk nr_devices=1 2> "$work/modprobe.err"; then
    why="could not load null_blk for /dev/nullb0: $(head -n1 "$work/modprobe.err")"
    rest libaio-job uring-job same-workload; exit 0
  fi
  loaded=1
  i=0; while [ ! -b /dev/nullb0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
fi

for j in libaio io_uring; do
  if [ -f "jobs/$j.fio" ]; then
    fio --output-format=json "jobs/$j.fio" > "$work/$j.json" 2> "$work/$j.err"
    echo $? > "$work/$j.rc"
  fi
done

python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]

def load(engine):
    """(options, read stats) of jobs/<engine>.fio's run, or an error message."""
    path = f'jobs/{engine}.fio'
    if not os.path.exists(path):
        return None, f'{path} is missing: write it (see STEPS.md)'
    rc = open(f'{work}/{engine}.rc').read().strip()
    err = open(f'{work}/{engine}.err').read().strip().splitlines()
    try:
        out = open(f'{work}/{engine}.json').read()
        data = json.loads(out[out.index('{'):])
    except (ValueError, OSError):
        return None, f'fio {path} failed (exit {rc}): {err[0] if err else "no output"}'
    if not data.get('jobs'):
        return None, f'fio {path} ran no job: add a [randread] section'
    job = data['jobs'][0]
    opts = dict(data.get('global options', {}))
    opts.update(job.get('job options', {}))
    if job.get('error') and 'filename' not in opts:
        return None, f'{path} has no filename: the job needs the same [global] section as libaio.fio (filename=/dev/nullb0, direct, rw, bs, iodepth, runtime)'
    if job.get('error'):
        return None, f'fio {path}: the job failed with error {job["error"]} ({err[0] if err else "see fio output"})'
    return (opts, job['read']), None

def problems(engine, opts, read):
    p = []
    if opts.get('ioengine') != engine:
        p.append(f'ioengine is {opts.get("ioengine", "not set (fio then uses psync: plain pread)")}, not {engine}')
    if opts.get('filename') != '/dev/nullb0':
        p.append('filename must be /dev/nullb0')
    if opts.get('direct') != '1':
        p.append('set direct=1 (O_DIRECT: without it libaio blocks in io_submit and the page cache answers)')
    if opts.get('rw') != 'randread':
        p.append('rw must be randread')
    if opts.get('bs', '4k').lower() not in ('4k', '4096', '4ki'):
        p.append('bs must be 4k')
    try:
        depth = int(opts.get('iodepth', '1'))
    except ValueError:
        depth = 1
    if depth < 2:
        p.append('iodepth must be more than 1 (with one request in flight no engine can batch anything); the seed uses 64, 32 is fine here')
    try:
        runtime = float(opts.get('runtime', 'inf').rstrip('s'))
    except ValueError:
        runtime = float('inf')
    if runtime > 2 or opts.get('time_based') not in ('1', ''):
        p.append('keep runtime=1 (at most 2) and time_based=1 so the check stays fast')
    if not p and read.get('iops', 0) <= 0:
        p.append('the job read nothing')
    return p

results = {}
for engine, objective in (('libaio', 'libaio-job'), ('io_uring', 'uring-job')):
    got, err = load(engine)
    if err:
        print(f'FAIL {objective} {err}')
        continue
    opts, read = got
    p = problems(engine, opts, read)
    if p:
        print(f'FAIL {objective} jobs/{engine}.fio: ' + '; '.join(p))
        continue
    results[engine] = (opts, read)
    print(f'PASS {objective} jobs/{engine}.fio: {read["iops"]:.0f} IOPS, mean completion latency {read["clat_ns"]["mean"] / 1000:.1f} us, iodepth {opts["iodepth"]}')

if len(results) < 2:
    print('FAIL same-workload both jobs must run first (objectives "libaio-job" and "uring-job")')
else:
    a, u = results['libaio'], results['io_uring']
    strip = lambda o: {k: v for k, v in o.items() if k != 'ioengine'}
    diff = sorted(k for k in set(strip(a[0])) | set(strip(u[0])) if a[0].get(k) != u[0].get(k))
    if diff:
        print('FAIL same-workload the jobs differ in more than the engine: ' + ', '.join(f'{k} ({a[0].get(k, "unset")} vs {u[0].get(k, "unset")})' for k in diff))
    else:
        ratio = u[1]['iops'] / a[1]['iops']
        print(f'PASS same-workload only the engine differs: io_uring {u[1]["iops"]:.0f} IOPS vs libaio {a[1]["iops"]:.0f} IOPS (x{ratio:.2f}); mean latency {u[1]["clat_ns"]["mean"] / 1000:.1f} us vs {a[1]["clat_ns"]["mean"] / 1000:.1f} us')
PY
