// leaks: tracks every live malloc() block per process with uprobes on the C library, so blocks
// never freed show up as leaks in the `outstanding` map (see STEPS.md). It builds and loads as is;
// the bookkeeping on malloc's return and on free is the TODO.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* One live block: which process, which address. (pad keeps the layout explicit: no hidden holes.) */
struct alloc_key {
	u32 pid;
	u32 pad;
	u64 addr;
};

/* malloc's size argument, from its entry to its return, per thread (key: pid_tgid). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u64);
} pending SEC(".maps");

/* Live blocks: {pid, address} -> size. What is still here when a process is done has leaked. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct alloc_key);
	__type(value, u64);
} outstanding SEC(".maps");

/* On malloc's entry: remember the size argument until the call returns. */
SEC("uprobe/libc.so.6:malloc")
int BPF_KPROBE(malloc_enter, size_t size)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 sz = size;

	bpf_map_update_elem(&pending, &id, &sz, BPF_ANY);
	return 0;
}

/* On malloc's return: the size saved at entry plus the returned address make one live block. */
SEC("uretprobe/libc.so.6:malloc")
int BPF_KRETPROBE(malloc_exit, void *ptr)
{
	/* TODO: look up this thread's pending size; if there is one and ptr is not NULL, insert
	 * {pid, ptr} -> size into outstanding; then delete the pending entry. */
	return 0;
}

/* On free: the block is no longer live. */
SEC("uprobe/libc.so.6:free")
int BPF_KPROBE(free_enter, void *ptr)
{
	/* TODO: delete {pid, ptr} from outstanding. */
	return 0;
}
