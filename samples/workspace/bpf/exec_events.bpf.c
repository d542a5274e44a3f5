// exec_events: one struct exec_event per exec() into a ring buffer (and a perf event array), plus a
// hash map counting execs per command name. Build with 'ring0 build bpf bpf/exec_events.bpf.c', load
// with 'ring0 load bpf/exec_events.bpf.o', then 'ring0 bpf stream exec_events --json-lines' and
// 'ring0 bpf dump exec_counts'.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct exec_event {
	u64 ts_ns;
	u32 pid;
	u32 ppid;
	u32 uid;
	u32 seq;
	char comm[16];
	char filename[64];
};

/* clang puts only the types of globals and functions in BTF: this global makes struct exec_event
 * part of the object's BTF, so Ring0 can decode the ring buffer's records with it. */
struct exec_event exec_event_type;

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} exec_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} exec_events_perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm_key);
	__type(value, u64);
} exec_counts SEC(".maps");

/* [0]: events the ring buffer had no room for (the kernel does not count them for us). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exec_drops SEC(".maps");

/* Exec number (not atomic across CPUs: clang's default BPF CPU cannot use XADD's result). */
u32 exec_seq;

SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct comm_key key = {};
	struct exec_event *e;
	u64 one = 1, *count;
	u32 zero = 0;
	unsigned int fname_off = ctx->__data_loc_filename & 0xFFFF;

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	count = bpf_map_lookup_elem(&exec_counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&exec_counts, &key, &one, BPF_NOEXIST);

	e = bpf_ringbuf_reserve(&exec_events, sizeof(*e), 0);
	if (!e) {
		u64 *drops = bpf_map_lookup_elem(&exec_drops, &zero);
		if (drops)
			__sync_fetch_and_add(drops, 1);
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (u32)bpf_get_current_uid_gid();
	e->seq = exec_seq++;
	__builtin_memcpy(e->comm, key.comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_perf_event_output(ctx, &exec_events_perf, BPF_F_CURRENT_CPU, e, sizeof(*e));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
