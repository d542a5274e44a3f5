#!/bin/sh
# Checker for the ebpf-bcc-hello lab, run in the guest from the lab folder: starts hello_bcc.py,
# waits until it has loaded its BPF program, looks for a kprobe on the clone syscall (bpftool perf),
# forks a few processes and looks for the hellos in the script's output. Stops the script at the end.
out=/tmp/ring0-bcc-hello.out
if [ ! -f hello_bcc.py ]; then
  echo "FAIL attaches hello_bcc.py is missing from the lab folder"
  echo "FAIL prints hello_bcc.py is missing from the lab folder"
  exit 0
fi
if [ ! -f /usr/lib/python3/dist-packages/bcc/__init__.py ]; then
  for o in attaches prints; do echo "FAIL $o BCC is not installed on the host (the VM runs the host's): run ring0 setup --test-host or apt-get install python3-bpfcc"; done
  exit 0
fi
# Empty the trace buffer: old lines from earlier runs would look like hellos.
: > /sys/kernel/tracing/trace
python3 -u hello_bcc.py > "$out" 2>&1 &
py=$!

# Ready: it holds a loaded BPF program (an fd whose fdinfo has a prog_id) or reads the trace pipe.
ready() { grep -qs '^prog_id:' /proc/"$py"/fdinfo/* || ls -l /proc/"$py"/fd 2>/dev/null | grep -q trace_pipe; }
# BCC compiles the C text with clang in the VM first: seconds under KVM, longer under emulation.
i=0
while [ $i -lt 75 ] && kill -0 "$py" 2>/dev/null && ! ready; do sleep 1; i=$((i + 1)); done
if kill -0 "$py" 2>/dev/null && ! ready; then
  kill "$py"; wait "$py" 2>/dev/null
  echo "FAIL attaches hello_bcc.py neither loaded a BPF program nor read the trace pipe within 75 s"
  echo "FAIL prints hello_bcc.py never read the trace pipe: print what b.trace_fields() returns"
  exit 0
fi
if ! kill -0 "$py" 2>/dev/null; then
  # A C compile error names its line (/virtual/main.c:LINE:COL: error: ...); else the traceback's end.
  msg=$(grep -m 1 'error:' "$out")
  [ -n "$msg" ] || msg=$(grep -v '^\s*$' "$out" | tail -n 2 | tr '\n' ' ')
  echo "FAIL attaches hello_bcc.py exited before it loaded a BPF program: ${msg:-no output}"
  echo "FAIL prints hello_bcc.py must keep running, reading the trace pipe"
  exit 0
fi
sleep 2
kprobes=$(bpftool -j perf 2>/dev/null | python3 -c '
import json, sys
pid = int(sys.argv[1])
print(" ".join(e.get("func", "?") for e in json.load(sys.stdin) if e.get("pid") == pid and e.get("fd_type") == "kprobe"))' "$py")
case " $kprobes " in
  *sys_clone\ *) echo "PASS attaches hello_bcc.py attached a kprobe to$kprobes" ;;
  "  ") echo "FAIL attaches hello_bcc.py attached no kprobe: b.attach_kprobe(event=b.get_syscall_fnname(\"clone\"), fn_name=\"hello\")" ;;
  *) echo "FAIL attaches hello_bcc.py attached kprobes to$kprobes, not to the clone syscall: use b.get_syscall_fnname(\"clone\")" ;;
esac
for i in 1 2 3 4 5; do /bin/true; sleep 0.2; done
i=0
while [ $i -lt 10 ] && [ "$(grep -c 'Hello, clone!' "$out")" -lt 3 ]; do sleep 1; i=$((i + 1)); done
n=$(grep -c 'Hello, clone!' "$out")
kill "$py" 2>/dev/null; wait "$py" 2>/dev/null
case " $kprobes " in
  *sys_clone\ *) ;;
  *) n=0 ;;
esac
if [ "$n" -ge 3 ]; then
  echo "PASS prints hello_bcc.py printed $n 'Hello, clone!' lines while the checker forked five processes"
else
  echo "FAIL prints hello_bcc.py printed $n 'Hello, clone!' lines of its own (its program must be attached to clone) while the checker forked five processes: call bpf_trace_printk(\"Hello, clone!\\\\n\") in hello() and print what b.trace_fields() returns"
fi
rm -f "$out"
