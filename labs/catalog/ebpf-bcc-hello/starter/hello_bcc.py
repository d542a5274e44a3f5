#!/usr/bin/env python3
# hello_bcc.py: BCC's "hello world": a kprobe on the clone() system call that says hello through the
# kernel's trace pipe, and the Python side that loads it and prints what arrives (see STEPS.md).
# Run it in the VM: python3 hello_bcc.py   (Ctrl-C stops it)
from bcc import BPF

# The kernel half, in C. BCC compiles it with clang when the script starts (against the running
# kernel's headers in /lib/modules/$(uname -r)/build) and loads it through the bpf() system call.
program = r"""
int hello(void *ctx)
{
    // TODO: say hello: bpf_trace_printk("Hello, clone!\n");
    return 0;
}
"""

b = BPF(text=program)
# TODO: attach hello() to a kprobe on the clone system call. Its kernel function name depends on the
# architecture (__x64_sys_clone here): b.get_syscall_fnname("clone") finds it.
print("Tracing clone()... Ctrl-C to stop", flush=True)

# The user half: read the lines bpf_trace_printk wrote to /sys/kernel/debug/tracing/trace_pipe.
while True:
    try:
        (task, pid, cpu, flags, ts, msg) = b.trace_fields()
    except KeyboardInterrupt:
        break
    print(f"{ts:.6f} {task.decode(errors='replace')} {pid}: {msg.decode(errors='replace')}", flush=True)
