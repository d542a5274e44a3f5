#!/bin/sh
# Checker for the ebpf-bpftrace-oneliners lab, run in the guest from the lab folder: runs each .bt
# file with bpftrace around a known workload (bpftrace -c) and looks for it in the output.
work=/tmp/ring0-bpftrace-lab
rm -rf "$work"; mkdir -p "$work"
marker="$work/marker-$$.txt"
echo "opened by the checker" > "$marker"
cat > "$work/workload.sh" <<WORK
echo \$\$ > $work/child.pid
/usr/bin/cat $marker > /dev/null
/usr/bin/cat $marker > /dev/null
/usr/bin/cat $marker > /dev/null
WORK

# run NAME.bt: its stdout in $work/NAME.out, stderr in $work/NAME.err; 0 when bpftrace ran it.
run() {
  rm -f "$work/child.pid"
  if [ ! -s "$1.bt" ]; then echo "$1.bt is missing or empty" > "$work/$1.err"; return 1; fi
  timeout 30 bpftrace -c "/bin/sh $work/workload.sh" "$1.bt" > "$work/$1.out" 2> "$work/$1.err"
}
why() { grep -v '^\s*$' "$work/$1.err" | head -n 2 | tr '\n' ' '; }

if ! command -v bpftrace > /dev/null; then
  for o in opens exits counts; do echo "FAIL $o bpftrace is not installed on the host (the VM runs the host's): run ring0 setup --test-host or apt-get install bpftrace"; done
  exit 0
fi

if run opens; then
  if grep -q "$marker" "$work/opens.out"; then
    echo "PASS opens opens.bt printed $marker, which the workload opened"
  else
    echo "FAIL opens opens.bt ran but never printed $marker, which the workload opened three times: printf the file name with str(args->filename)"
  fi
else
  echo "FAIL opens opens.bt did not run: $(why opens)"
fi

if run exits; then
  child=$(cat "$work/child.pid" 2>/dev/null)
  if [ -n "$child" ] && grep -qw "$child" "$work/exits.out"; then
    echo "PASS exits exits.bt printed PID $child when the workload's shell exited"
  else
    echo "FAIL exits exits.bt ran but did not print PID ${child:-?} of the workload's shell when it exited: printf the builtin pid in the do_exit probe"
  fi
else
  echo "FAIL exits exits.bt did not run: $(why exits)"
fi

if run counts; then
  n=$(sed -n 's/^@[A-Za-z0-9_]*\[cat\]: *\([0-9][0-9]*\)$/\1/p' "$work/counts.out" | head -n 1)
  if [ -n "$n" ] && [ "$n" -ge 3 ]; then
    echo "PASS counts counts.bt counted $n openat() calls by cat (the workload ran cat three times)"
  else
    echo "FAIL counts counts.bt printed no count of at least 3 for cat (the workload ran cat three times): count into a map keyed by comm, @opens[comm] = count()"
  fi
else
  echo "FAIL counts counts.bt did not run: $(why counts)"
fi
rm -rf "$work"
