/* stream.c - `stream`: reads a ring buffer or perf event array map and prints one hex line per record
 * (stdout), with ready/lost/end reports as '#' JSON lines on stderr; `map-btf`: the BTF describing a map. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"

struct reader {
	int perf;
	int discard;
	unsigned long long records, bytes, lost, limit;
	/* Output is built here and written with write(2): under TCG, stdio's per-call locking and
	 * per-byte formatting dominate the cost of a record. */
	char *out;
	size_t len, cap;
	int out_err;
};

#define OUT_FLUSH (192u << 10)

static volatile sig_atomic_t stop;
static unsigned short hexpair[256];

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void flush_out(struct reader *r)
{
	size_t off = 0;
	while (off < r->len && !r->out_err) {
		ssize_t n = write(STDOUT_FILENO, r->out + off, r->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r->out_err = 1;
		else
			off += (size_t)n;
	}
	r->len = 0;
}

static void emit(struct reader *r, int cpu, const void *data, unsigned int size)
{
	r->records++;
	r->bytes += size;
	if (r->limit && r->records >= r->limit)
		stop = 1;
	if (r->discard || r->out_err)
		return;
	size_t need = 2 * (size_t)size + 16;
	if (r->len + need > r->cap) {
		flush_out(r);
		if (need > r->cap) {
			char *p = realloc(r->out, need + OUT_FLUSH);
			if (!p) {
				r->out_err = 1;
				return;
			}
			r->out = p;
			r->cap = need + OUT_FLUSH;
		}
	}
	char *o = r->out + r->len;
	if (cpu >= 0)
		o += sprintf(o, "%d:", cpu);
	const unsigned char *b = data;
	for (unsigned int i = 0; i < size; i++, o += 2)
		memcpy(o, &hexpair[b[i]], 2);
	*o++ = '\n';
	r->len = (size_t)(o - r->out);
	if (r->len >= OUT_FLUSH)
		flush_out(r);
}

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	emit(ctx, -1, data, (unsigned int)size);
	return stop ? 1 : 0; /* a positive return stops this consume round */
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	emit(ctx, cpu, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct reader *r = ctx;
	r->lost += cnt;
	fprintf(stderr, "#lost {\"cpu\":%d,\"count\":%llu}\n", cpu, (unsigned long long)cnt);
	fflush(stderr);
}

/* --id N or --pinned PATH → a map fd; fails with a usage/open error otherwise. */
static int open_map(int argc, char **argv, int *i, int *fd)
{
	if (!strcmp(argv[*i], "--id") && *i + 1 < argc) {
		char *end;
		unsigned long id = strtoul(argv[++*i], &end, 10);
		if (*end || !id)
			fail("usage", NULL, NULL, "--id needs a map id");
		*fd = bpf_map_get_fd_by_id((__u32)id);
		if (*fd < 0)
			fail("open", NULL, NULL, "no BPF map with id %lu: %s", id, errstr(errno));
		return 1;
	}
	if (!strcmp(argv[*i], "--pinned") && *i + 1 < argc) {
		const char *p = argv[++*i];
		*fd = bpf_obj_get(p);
		if (*fd < 0)
			fail("open", NULL, NULL, "cannot open the pinned map %s: %s", p, errstr(errno));
		return 1;
	}
	return 0;
}

int cmd_stream(int argc, char **argv)
{
	int fd = -1;
	struct reader r = {0};
	unsigned long long duration_ms = 0;
	size_t pages = 64;
	for (int i = 0; i < argc; i++) {
		if (open_map(argc, argv, &i, &fd))
			continue;
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			r.limit = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--duration-ms") && i + 1 < argc)
			duration_ms = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			pages = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--discard"))
			r.discard = 1;
		else
			fail("usage", NULL, NULL, "stream: unexpected argument '%s'", argv[i]);
	}
	if (fd < 0)
		fail("usage", NULL, NULL, "stream needs --id ID or --pinned PATH");
	if (!pages || (pages & (pages - 1)))
		fail("usage", NULL, NULL, "--pages must be a power of two");

	struct bpf_map_info info = {0};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		fail("open", NULL, NULL, "cannot read the map's info: %s", errstr(errno));

	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 256; i++)
		memcpy(&hexpair[i], (char[2]){hex[i >> 4], hex[i & 15]}, 2);
	r.cap = OUT_FLUSH + 4096;
	r.out = malloc(r.cap);
	if (!r.out)
		fail("open", NULL, NULL, "out of memory");

	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	const char *type;
	if (info.type == BPF_MAP_TYPE_RINGBUF) {
		type = "ringbuf";
		rb = ring_buffer__new(fd, on_ringbuf, &r, NULL);
		if (!rb)
			fail("open", NULL, NULL, "ring_buffer__new on map %u: %s", info.id, errstr(errno));
	} else if (info.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		type = "perf_event_array";
		r.perf = 1;
		pb = perf_buffer__new(fd, pages, on_perf, on_lost, &r, NULL);
		if (!pb)
			fail("open", NULL, NULL, "perf_buffer__new on map %u: %s", info.id, errstr(errno));
	} else {
		fail("usage", NULL, NULL, "map %u (%s) is of type %s: only ringbuf and perf_event_array maps stream records", info.id, info.name,
		     libbpf_bpf_map_type_str(info.type) ? libbpf_bpf_map_type_str(info.type) : "unknown");
	}
	fprintf(stderr, "#ready {\"id\":%u,\"name\":\"%s\",\"type\":\"%s\",\"maxEntries\":%u}\n", info.id, info.name, type, info.max_entries);
	fflush(stderr);

	unsigned long long t0 = now_ns(), deadline = duration_ms ? t0 + duration_ms * 1000000ull : 0;
	int err = 0;
	while (!stop && !r.out_err) {
		err = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR)
			break;
		err = 0;
		flush_out(&r);
		if (deadline && now_ns() >= deadline)
			break;
	}
	/* What is already in the buffer still counts (and is delivered) before the end report. */
	if (!r.out_err && !(r.limit && r.records >= r.limit)) {
		if (rb)
			ring_buffer__consume(rb);
		else
			perf_buffer__consume(pb);
	}
	flush_out(&r);
	unsigned long long elapsed = now_ns() - t0;
	fprintf(stderr, "#end {\"records\":%llu,\"bytes\":%llu,\"lost\":%llu,\"elapsedNs\":%llu,\"outputError\":%s%s%s%s}\n", r.records, r.bytes, r.lost, elapsed,
		r.out_err ? "true" : "false", err ? ",\"error\":\"" : "", err ? errstr(err) : "", err ? "\"" : "");
	fflush(stderr);
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	free(r.out);
	return err ? 1 : 0;
}

/* The BTF id that describes a map: its own, else that of a program using it (ring buffers have none). */
static __u32 btf_for_map(int fd, struct bpf_map_info *out)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	*out = info;
	if (info.btf_id)
		return info.btf_id;
	__u32 id = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		int pfd = bpf_prog_get_fd_by_id(id);
		if (pfd < 0)
			continue;
		__u32 ids[64];
		struct bpf_prog_info pi = {0};
		pi.nr_map_ids = 64;
		pi.map_ids = (__u64)(unsigned long)ids;
		len = sizeof pi;
		int ok = !bpf_obj_get_info_by_fd(pfd, &pi, &len);
		close(pfd);
		if (!ok || !pi.btf_id)
			continue;
		for (__u32 k = 0; k < pi.nr_map_ids && k < 64; k++)
			if (ids[k] == info.id)
				return pi.btf_id;
	}
	return 0;
}

int cmd_map_btf(int argc, char **argv)
{
	int fd = -1;
	for (int i = 0; i < argc; i++)
		if (!open_map(argc, argv, &i, &fd))
			fail("usage", NULL, NULL, "map-btf: unexpected argument '%s'", argv[i]);
	if (fd < 0)
		fail("usage", NULL, NULL, "map-btf needs --id ID or --pinned PATH");
	struct bpf_map_info info = {0};
	__u32 btf_id = btf_for_map(fd, &info);
	if (!btf_id) {
		fprintf(stderr, "map %u has no BTF, and no program with BTF uses it\n", info.id);
		return 3;
	}
	/* Key/value type ids are only meaningful in the map's own BTF. */
	int own = info.btf_id == btf_id;
	fprintf(stderr, "#map {\"id\":%u,\"btfId\":%u,\"own\":%s,\"keyTypeId\":%u,\"valueTypeId\":%u}\n", info.id, btf_id, own ? "true" : "false",
		own ? info.btf_key_type_id : 0, own ? info.btf_value_type_id : 0);
	struct btf *btf = btf__load_from_kernel_by_id(btf_id);
	if (!btf) {
		fprintf(stderr, "cannot load BTF %u: %s\n", btf_id, errstr(errno));
		return 1;
	}
	__u32 size = 0;
	const void *raw = btf__raw_data(btf, &size);
	int ok = raw && fwrite(raw, 1, size, stdout) == size && !fflush(stdout);
	btf__free(btf);
	return ok ? 0 : 1;
}
