#!/usr/bin/env python3
# Reference solution of the ebpf-bcc-hello lab (used by the test suite).
from bcc import BPF

program = r"""
int hello(void *ctx)
{
    bpf_trace_printk("Hello, clone!\n");
    return 0;
}
"""

b = BPF(text=program)
b.attach_kprobe(event=b.get_syscall_fnname("clone"), fn_name="hello")
print("Tracing clone()... Ctrl-C to stop", flush=True)

while True:
    try:
        (task, pid, cpu, flags, ts, msg) = b.trace_fields()
    except KeyboardInterrupt:
        break
    print(f"{ts:.6f} {task.decode(errors='replace')} {pid}: {msg.decode(errors='replace')}", flush=True)
