/* proto.c - frame headers, the resynchronizing inbound decoder and the batched outbound queue. */
#include "agent.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff): makes a false header while resynchronizing unlikely. */
uint16_t r0_crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xffff;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void frame_header(uint8_t h[R0_HDR], uint32_t jlen, uint32_t blen)
{
	memcpy(h, R0_MAGIC, 4);
	h[4] = R0_VERSION;
	h[5] = 0;
	put32(h + 6, jlen);
	put32(h + 10, blen);
	uint16_t crc = r0_crc16(h, 14);
	h[14] = (uint8_t)crc;
	h[15] = (uint8_t)(crc >> 8);
}

/* ---- inbound ---- */

void dec_reset(struct decoder *d)
{
	d->len = 0;
	d->skip = 0;
	d->garbage = 0;
}

uint8_t *dec_space(struct decoder *d, size_t want)
{
	if (d->cap - d->len < want) {
		size_t cap = d->cap ? d->cap : 2 * IO_CHUNK;
		while (cap - d->len < want)
			cap *= 2;
		uint8_t *p = realloc(d->buf, cap);
		if (!p) {
			logmsg("out of memory");
			abort();
		}
		d->buf = p;
		d->cap = cap;
	}
	return d->buf + d->len;
}

/* Offset of the first byte that may start a header (a full magic, or a magic prefix at the end). */
static size_t find_magic(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const uint8_t *r = memchr(p + i, R0_MAGIC0, n - i);
		if (!r)
			return n;
		i = (size_t)(r - p);
		size_t m = n - i < 4 ? n - i : 4;
		if (memcmp(p + i, R0_MAGIC, m) == 0)
			return i;
		i++;
	}
	return n;
}

static void report_garbage(struct decoder *d)
{
	if (d->garbage) {
		send_error(0, "BAD_FRAME", "skipped %zu bytes that are not a valid frame", d->garbage);
		d->garbage = 0;
	}
}

void dec_process(struct decoder *d)
{
	size_t pos = 0;
	while (connected) {
		if (d->skip) {
			size_t n = d->len - pos;
			if (n > d->skip)
				n = (size_t)d->skip;
			pos += n;
			d->skip -= n;
			if (d->skip)
				break;
		}
		size_t avail = d->len - pos;
		if (!avail)
			break;
		size_t m = find_magic(d->buf + pos, avail);
		d->garbage += m;
		pos += m;
		if (d->len - pos < R0_HDR)
			break;
		const uint8_t *h = d->buf + pos;
		uint16_t crc = (uint16_t)(h[14] | h[15] << 8);
		if (r0_crc16(h, 14) != crc) {
			d->garbage++;
			pos++;
			continue;
		}
		report_garbage(d);
		uint32_t jlen = get32(h + 6), blen = get32(h + 10);
		uint64_t total = (uint64_t)R0_HDR + jlen + blen;
		if (h[4] != R0_VERSION) {
			send_error(0, "UNSUPPORTED_VERSION", "frame version %u; this agent speaks version %u", h[4], R0_VERSION);
			d->skip = total;
			continue;
		}
		if (jlen > R0_MAX_JSON || blen > R0_MAX_BIN) {
			send_error(0, "FRAME_TOO_LARGE", "frame of %u JSON + %u binary bytes exceeds %u + %u", jlen, blen,
				   R0_MAX_JSON, R0_MAX_BIN);
			d->skip = total;
			continue;
		}
		if (jlen < 2) {
			send_error(0, "BAD_FRAME", "frame without a JSON object");
			d->skip = total;
			continue;
		}
		if (d->len - pos < total)
			break;
		/* Requests already read stay buffered while the host is not taking replies: one read can
		 * hold hundreds of small requests whose replies are megabytes each. */
		if (out_reply_bytes() >= REPLY_LIMIT)
			break;
		handle_frame(h + R0_HDR, jlen, h + R0_HDR + jlen, blen);
		pos += (size_t)total;
	}
	report_garbage(d);
	if (!connected)
		return;
	if (pos) {
		memmove(d->buf, d->buf + pos, d->len - pos);
		d->len -= pos;
	}
}

/* ---- outbound ---- */

struct oframe {
	struct oframe *next;
	struct session *owner;
	size_t len, off;
	uint8_t data[];
};

struct outq {
	struct oframe *head, *tail;
	size_t bytes;
};

/* Replies go ahead of session data at frame boundaries, so pings stay fast under bulk output. */
static struct outq q_ctl, q_data;
static struct oframe *cur; /* frame being copied into the staging buffer */
static size_t reply_bytes;
static uint8_t stage[IO_CHUNK];
static size_t stage_len, stage_off;

void send_frame(struct session *owner, const struct sb *json, const void *bin, size_t blen)
{
	if (!connected)
		return;
	size_t len = R0_HDR + json->len + blen;
	struct oframe *f = malloc(sizeof(*f) + len);
	if (!f) {
		logmsg("out of memory");
		abort();
	}
	f->next = NULL;
	f->owner = owner;
	f->len = len;
	f->off = 0;
	frame_header(f->data, (uint32_t)json->len, (uint32_t)blen);
	memcpy(f->data + R0_HDR, json->p, json->len);
	if (blen)
		memcpy(f->data + R0_HDR + json->len, bin, blen);
	struct outq *q = (owner || blen > 4096) ? &q_data : &q_ctl;
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
	q->bytes += len;
	if (owner)
		owner->queued += len;
	else
		reply_bytes += len;
}

void send_jw(struct session *owner, struct jw *w, const void *bin, size_t blen)
{
	jw_end(w);
	send_frame(owner, &w->b, bin, blen);
	sb_free(&w->b);
}

void send_error(uint32_t id, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", id);
	jw_bool(&w, "ok", 0);
	jw_str(&w, "code", code);
	jw_str(&w, "error", msg);
	send_jw(NULL, &w, NULL, 0);
}

void send_ok(uint32_t id)
{
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", id);
	jw_bool(&w, "ok", 1);
	send_jw(NULL, &w, NULL, 0);
}

int out_pending(void)
{
	return cur || q_ctl.head || q_data.head || stage_off < stage_len;
}

size_t out_reply_bytes(void)
{
	return reply_bytes;
}

size_t out_data_bytes(void)
{
	return q_data.bytes;
}

static struct oframe *pop(struct outq *q)
{
	struct oframe *f = q->head;
	if (f) {
		q->head = f->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= f->len;
	}
	return f;
}

static void release(struct oframe *f)
{
	if (f->owner)
		f->owner->queued -= f->len;
	else
		reply_bytes -= f->len;
	free(f);
}

/* Fills the staging buffer from whole frames (a frame may span several writes), then writes it. */
int out_flush(int fd)
{
	for (;;) {
		if (stage_off == stage_len) {
			stage_off = stage_len = 0;
			while (stage_len < sizeof(stage)) {
				if (!cur)
					cur = q_ctl.head ? pop(&q_ctl) : pop(&q_data);
				if (!cur)
					break;
				size_t n = cur->len - cur->off;
				if (n > sizeof(stage) - stage_len)
					n = sizeof(stage) - stage_len;
				memcpy(stage + stage_len, cur->data + cur->off, n);
				cur->off += n;
				stage_len += n;
				if (cur->off == cur->len) {
					release(cur);
					cur = NULL;
				}
			}
			if (!stage_len)
				return 0;
		}
		ssize_t w = write(fd, stage + stage_off, stage_len - stage_off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		stage_off += (size_t)w;
	}
}

void out_clear(void)
{
	struct oframe *f;
	if (cur) {
		release(cur);
		cur = NULL;
	}
	while ((f = pop(&q_ctl)))
		release(f);
	while ((f = pop(&q_data)))
		release(f);
	stage_len = stage_off = 0;
}
