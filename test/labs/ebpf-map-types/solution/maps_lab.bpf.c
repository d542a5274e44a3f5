// Reference solution of the ebpf-map-types lab (used by the test suite).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COMM_LEN 16

char LICENSE[] SEC("license") = "GPL";

struct event {
	u32 pid;
	char comm[COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exec_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exec_percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, char[COMM_LEN]);
	__type(value, u64);
} exec_by_comm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} recent SEC(".maps");

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

	v = bpf_map_lookup_elem(&exec_percpu, &key);
	if (v)
		*v += 1;

	v = bpf_map_lookup_elem(&exec_by_comm, comm);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&exec_by_comm, comm, &one, BPF_NOEXIST);

	bpf_map_update_elem(&recent, &pid, &now, BPF_ANY);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = pid;
		__builtin_memcpy(e->comm, comm, sizeof(comm));
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}
