// biolat: a block-I/O latency histogram per device, from the block layer's tracepoints (see STEPS.md):
// the time from a request's issue to the driver until its completion, in log2 buckets of
// microseconds. It builds and loads as is; timing the requests is the TODO.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define MINORBITS 20 /* the kernel's dev_t: major << 20 | minor */

char LICENSE[] SEC("license") = "GPL";

/* One histogram bucket: device (dev_t) and log2 slot: slot s counts latencies in [2^s, 2^(s+1)) us. */
struct hist_key {
	u32 dev;
	u32 slot;
};

/* Issue time of each request in flight, keyed by its struct request address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, u64);
} start SEC(".maps");

/* The histograms: {dev, slot} -> number of requests. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct hist_key);
	__type(value, u64);
} hist SEC(".maps");

/* floor(log2(v)) without loops (the verifier likes straight code): 1 -> 0, 1000 -> 9, 2048 -> 11. */
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

/* The request's disk as a dev_t, as in /sys/block/<disk>/dev (major:minor). */
static __always_inline u32 dev_of(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return (u32)BPF_CORE_READ(disk, major) << MINORBITS | BPF_CORE_READ(disk, first_minor);
}

/* A request goes to the driver. tp_btf: the tracepoint's arguments, typed through the kernel's BTF. */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue, struct request *rq)
{
	/* TODO: store bpf_ktime_get_ns() in start under the request's address ((u64)rq). */
	return 0;
}

/* The request completed. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	/* TODO: look up the request's issue time in start (none: it was issued before we loaded);
	 * latency in microseconds = (now - issue) / 1000; add one to hist under
	 * {dev_of(rq), slot_of(latency)} (insert 1 when the bucket is new); delete the start entry. */
	return 0;
}
