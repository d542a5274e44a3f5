// Reference solution of the ebpf-uprobe-malloc lab (used by the test suite).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct alloc_key {
	u32 pid;
	u32 pad;
	u64 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u64);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct alloc_key);
	__type(value, u64);
} outstanding SEC(".maps");

SEC("uprobe/libc.so.6:malloc")
int BPF_KPROBE(malloc_enter, size_t size)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 sz = size;

	bpf_map_update_elem(&pending, &id, &sz, BPF_ANY);
	return 0;
}

SEC("uretprobe/libc.so.6:malloc")
int BPF_KRETPROBE(malloc_exit, void *ptr)
{
	u64 id = bpf_get_current_pid_tgid();
	struct alloc_key key = { .pid = id >> 32, .addr = (u64)ptr };
	u64 *size = bpf_map_lookup_elem(&pending, &id);

	if (!size)
		return 0;
	if (ptr)
		bpf_map_update_elem(&outstanding, &key, size, BPF_ANY);
	bpf_map_delete_elem(&pending, &id);
	return 0;
}

SEC("uprobe/libc.so.6:free")
int BPF_KPROBE(free_enter, void *ptr)
{
	struct alloc_key key = { .pid = bpf_get_current_pid_tgid() >> 32, .addr = (u64)ptr };

	bpf_map_delete_elem(&outstanding, &key);
	return 0;
}
