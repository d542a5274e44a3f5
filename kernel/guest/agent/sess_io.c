/* sess_io.c - a session's I/O: pipe reads, stream records in batches, and stdin with its back-pressure. */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t stdin_pending; /* unwritten stdin bytes of all sessions */

/* ---- streams ---- */

void sess_stream_flush(struct session *s)
{
	if (!s->batch_n)
		return;
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", s->id);
	jw_str(&w, "ev", "records");
	jw_int(&w, "n", s->batch_n);
	jw_int(&w, "delivered", (int64_t)s->delivered);
	jw_int(&w, "dropped", (int64_t)s->dropped);
	send_jw(s, &w, s->batch.p, s->batch.len);
	s->batch.len = 0;
	s->batch_n = 0;
}

static void stream_record(struct session *s, const void *p, size_t n, int truncated)
{
	if (truncated)
		s->truncated++;
	if (s->credits > 0 && connected && s->id && out_data_bytes() < DROP_LIMIT) {
		sb_reserve(&s->batch, n + 1);
		sb_put(&s->batch, p, n);
		sb_putc(&s->batch, '\n');
		s->batch_n++;
		s->credits--;
		s->delivered++;
		if (s->batch.len >= IO_CHUNK - 1024)
			sess_stream_flush(s);
	} else {
		s->dropped++;
	}
}

static void stream_feed(struct session *s, const uint8_t *p, size_t n)
{
	while (n) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (nl && !s->line.len && !s->line_over && take <= MAX_RECORD) {
			stream_record(s, p, take, 0); /* common case: a whole line inside this read */
		} else {
			size_t room = MAX_RECORD - s->line.len;
			if (take > room) {
				sb_put(&s->line, p, room);
				s->line_over = 1;
			} else {
				sb_put(&s->line, p, take);
			}
			if (nl) {
				stream_record(s, s->line.p, s->line.len, s->line_over);
				s->line.len = 0;
				s->line_over = 0;
			}
		}
		if (!nl)
			break;
		p += take + 1;
		n -= take + 1;
	}
}

static void stream_eof(struct session *s)
{
	if (s->line.len || s->line_over) {
		stream_record(s, s->line.p, s->line.len, s->line_over);
		s->line.len = 0;
		s->line_over = 0;
	}
}

void sess_flush_batches(void)
{
	for (struct session *s = sessions; s; s = s->next)
		if (s->kind == S_STREAM && !s->done)
			sess_stream_flush(s);
}

/* ---- pipes ---- */

/* One read from a child's stdout/stderr: 1 data, 0 EOF (fd closed), -1 nothing available. */
static int read_once(struct session *s, int fd)
{
	static uint8_t buf[IO_CHUNK];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	int is_out = fd == s->out_fd;
	if (n <= 0) {
		sess_close_fd(is_out ? &s->out_fd : &s->err_fd);
		if (is_out && s->kind == S_STREAM)
			stream_eof(s);
		return 0;
	}
	if (s->kind == S_STREAM && is_out) {
		stream_feed(s, buf, (size_t)n);
	} else if (s->id) {
		struct jw w;
		jw_begin(&w);
		jw_int(&w, "id", s->id);
		jw_str(&w, "ev", is_out ? "stdout" : "stderr");
		send_jw(s, &w, buf, (size_t)n);
	}
	return 1;
}

void sess_read(struct session *s, int fd)
{
	read_once(s, fd);
}

/* After the child exited: take what is already in the pipe (bounded), then close it. */
void sess_drain_close(struct session *s, int *fd)
{
	for (int i = 0; i < 256 && *fd >= 0; i++)
		if (read_once(s, *fd) < 0)
			break;
	sess_close_fd(fd);
	if (fd == &s->out_fd && s->kind == S_STREAM)
		stream_eof(s);
}

/* ---- stdin ---- */

static size_t in_off(const struct session *s)
{
	return (size_t)(s->in_total - s->in_written) <= s->inbuf.len ? s->inbuf.len - (size_t)(s->in_total - s->in_written) : 0;
}

static void stdin_answer(struct session *s)
{
	size_t k = 0;
	while (k < s->nwaits && s->waits[k].end <= s->in_written) {
		if (s->id)
			send_ok(s->waits[k].req);
		k++;
	}
	if (k) {
		memmove(s->waits, s->waits + k, (s->nwaits - k) * sizeof(*s->waits));
		s->nwaits -= k;
	}
}

void sess_stdin_close(struct session *s, int err)
{
	sess_close_fd(&s->in_fd);
	for (size_t k = 0; k < s->nwaits; k++)
		if (s->id)
			send_error(s->waits[k].req, "EPIPE", "the process closed its input: %s", strerror(err));
	s->nwaits = 0;
	if (s->eof_req && s->id)
		send_ok(s->eof_req);
	s->eof_req = 0;
	sb_free(&s->inbuf);
	stdin_pending -= s->in_total - s->in_written;
	s->in_written = s->in_total;
}

void sess_write_stdin(struct session *s)
{
	while (s->in_fd >= 0 && s->in_written < s->in_total) {
		size_t off = in_off(s);
		ssize_t w = write(s->in_fd, s->inbuf.p + off, s->inbuf.len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			sess_stdin_close(s, errno);
			return;
		}
		s->in_written += (uint64_t)w;
		stdin_pending -= (uint64_t)w;
	}
	if (s->in_written == s->in_total)
		s->inbuf.len = 0;
	else if (in_off(s) > s->inbuf.len / 2)
		sb_consume(&s->inbuf, in_off(s));
	stdin_answer(s);
	if (s->in_fd >= 0 && s->in_eof && s->in_written == s->in_total)
		sess_stdin_close(s, EPIPE);
}

/* 0, or an errno for the reply: EPIPE (stdin closed), EAGAIN (too much pending). */
int sess_stdin_add(struct session *s, uint32_t req, const void *p, size_t n, int eof)
{
	if (s->in_fd < 0 || s->in_eof)
		return EPIPE;
	if (s->in_total - s->in_written + n > STDIN_LIMIT || stdin_pending + n > STDIN_TOTAL_LIMIT)
		return EAGAIN;
	sb_put(&s->inbuf, p, n);
	s->in_total += n;
	stdin_pending += n;
	if (eof) {
		s->in_eof = 1;
		s->eof_req = req;
	} else if (req) {
		if (s->nwaits == s->capwaits) {
			s->capwaits = s->capwaits ? s->capwaits * 2 : 8;
			s->waits = realloc(s->waits, s->capwaits * sizeof(*s->waits));
			if (!s->waits) {
				logmsg("out of memory");
				abort();
			}
		}
		s->waits[s->nwaits].req = req;
		s->waits[s->nwaits].end = s->in_total;
		s->nwaits++;
	}
	sess_write_stdin(s);
	return 0;
}

/* Forgets a session's unwritten stdin (it is being detached). */
void sess_stdin_drop(struct session *s)
{
	sess_close_fd(&s->in_fd);
	stdin_pending -= s->in_total - s->in_written;
	s->in_written = s->in_total;
}
