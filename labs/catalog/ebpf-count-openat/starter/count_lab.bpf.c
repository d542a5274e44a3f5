// count_lab: counts openat() calls in a one-slot array map (see STEPS.md). It builds and loads as is;
// the counting is the TODO.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	/* TODO: look up slot 0 of `opens` and add one to it, atomically */
	return 0;
}
