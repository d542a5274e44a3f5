// maps_lab: five map types on one event, every exec() (see STEPS.md). It builds and loads as is;
// only the array is filled in: the other four are yours.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COMM_LEN 16

char LICENSE[] SEC("license") = "GPL";

struct event {
	u32 pid;
	char comm[COMM_LEN];
};

/* 1. Array: fixed slots indexed 0..max_entries-1, preallocated, one copy shared by all CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exec_total SEC(".maps");

/* 2. Per-CPU array: the same slots, but one copy per CPU: no atomics needed, user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exec_percpu SEC(".maps");

/* 3. Per-CPU hash: any key (here the process name), one value per CPU per key. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, char[COMM_LEN]);
	__type(value, u64);
} exec_by_comm SEC(".maps");

/* 4. LRU hash: when full, an insert evicts the least recently used entry instead of failing. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} recent SEC(".maps");

/* 5. Ring buffer: a stream of records to user space, shared by all CPUs, in order. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int on_exec(void *ctx)
{
	u32 key = 0;
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 one = 1, now = bpf_ktime_get_ns();
	char comm[COMM_LEN] = {};
	struct event *e;
	u64 *v;

	bpf_get_current_comm(comm, sizeof(comm));

	v = bpf_map_lookup_elem(&exec_total, &key);
	if (v)
		__sync_fetch_and_add(v, 1);

	/* TODO 2: add one to slot 0 of exec_percpu. Each CPU has its own copy: a plain += is safe. */

	/* TODO 3: count this exec in exec_by_comm under the key comm: look it up and add one, or insert
	 * `one` with BPF_NOEXIST when the name is new. */

	/* TODO 4: remember this pid in recent, with now as the value (bpf_map_update_elem, BPF_ANY). */

	/* TODO 5: reserve a struct event in events (bpf_ringbuf_reserve; NULL when the buffer is
	 * full), fill in pid and comm, and bpf_ringbuf_submit it. */
	return 0;
}
