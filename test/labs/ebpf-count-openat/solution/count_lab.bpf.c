// Reference solution of the ebpf-count-openat lab (used by the test suite).
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
	u32 key = 0;
	u64 *count = bpf_map_lookup_elem(&opens, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}
