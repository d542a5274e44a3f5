// Reference solution of the ebpf-biolatency lab (used by the test suite).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define MINORBITS 20 /* the kernel's dev_t: major << 20 | minor */

char LICENSE[] SEC("license") = "GPL";

struct hist_key {
	u32 dev;
	u32 slot;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct hist_key);
	__type(value, u64);
} hist SEC(".maps");

static __always_inline u32 log2_u32(u32 v)
{
	u32 shift, r;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline u32 slot_of(u64 v)
{
	u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

static __always_inline u32 dev_of(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return (u32)BPF_CORE_READ(disk, major) << MINORBITS | BPF_CORE_READ(disk, first_minor);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue, struct request *rq)
{
	u64 key = (u64)rq, now = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &key, &now, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	u64 key = (u64)rq, one = 1, *t0, *count;
	struct hist_key hk = {};

	t0 = bpf_map_lookup_elem(&start, &key);
	if (!t0)
		return 0;
	hk.dev = dev_of(rq);
	hk.slot = slot_of((bpf_ktime_get_ns() - *t0) / 1000);
	bpf_map_delete_elem(&start, &key);
	count = bpf_map_lookup_elem(&hist, &hk);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&hist, &hk, &one, BPF_NOEXIST);
	return 0;
}
