/* ops.c - decodes request frames and runs the operations: hello, ping, exec, stdin, kill, readFile, stream.*. */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

char instance_id[33];
uint64_t connection_no;
uint64_t frames_seen;

#define DEFAULT_CREDITS 1024
#define DEFAULT_READ_MAX (1u << 20)

static void hello_fields(struct jw *w)
{
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	jw_int(w, "protocol", R0_VERSION);
	jw_str(w, "agent", "ring0-agent/" AGENT_VERSION);
	jw_str(w, "kernel", u.release);
	jw_str(w, "machine", u.machine);
	jw_int(w, "pid", getpid());
	jw_str(w, "instance", instance_id);
	jw_int(w, "connection", (int64_t)connection_no);
}

void send_ready(void)
{
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", 0);
	jw_str(&w, "ev", "ready");
	hello_fields(&w);
	send_jw(NULL, &w, NULL, 0);
}

static void op_hello(const struct jdoc *d, uint32_t id)
{
	int v = json_get(d, 0, "versions");
	if (v >= 0) {
		int ok = 0;
		if (d->t[v].type != J_ARR) {
			send_error(id, "BAD_REQUEST", "versions must be an array of integers");
			return;
		}
		for (uint32_t i = (uint32_t)v + 1, k = 0; k < d->t[v].count; k++, i = d->t[i].next) {
			int64_t n;
			if (json_int(d, (int)i, &n) == 0 && n == R0_VERSION)
				ok = 1;
		}
		if (!ok) {
			send_error(id, "UNSUPPORTED_VERSION", "this agent speaks protocol version %d only", R0_VERSION);
			return;
		}
	}
	if (!id)
		return;
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", id);
	jw_bool(&w, "ok", 1);
	hello_fields(&w);
	jw_arr(&w, "features");
	static const char *features[] = {"exec", "stdin", "kill", "readFile", "stream"};
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		jw_str(&w, NULL, features[i]);
	jw_end(&w);
	jw_obj(&w, "limits");
	jw_int(&w, "maxJson", R0_MAX_JSON);
	jw_int(&w, "maxBinary", R0_MAX_BIN);
	jw_int(&w, "maxSessions", MAX_SESSIONS);
	jw_int(&w, "maxRecord", MAX_RECORD);
	jw_end(&w);
	send_jw(NULL, &w, NULL, 0);
}

static void op_spawn(const struct jdoc *d, uint32_t id, enum skind kind, const uint8_t *bin, size_t blen)
{
	struct spawn_req rq;
	int64_t timeout = 0, credits = DEFAULT_CREDITS;
	if (!id) {
		send_error(0, "BAD_REQUEST", "exec and stream.open need a non-zero id");
		return;
	}
	if (sess_find(id)) {
		send_error(id, "DUPLICATE_ID", "request %u is still running", id);
		return;
	}
	if (sess_count() >= MAX_SESSIONS) {
		send_error(id, "TOO_MANY", "at most %d processes may run at once", MAX_SESSIONS);
		return;
	}
	if (req_parse_spawn(d, id, &rq) < 0)
		goto out;
	if (req_u64(d, "timeoutMs", INT64_MAX / 4, &timeout) < 0) {
		send_error(id, "BAD_REQUEST", "timeoutMs must be a non-negative integer");
		goto out;
	}
	if (kind == S_STREAM && req_u64(d, "credits", (int64_t)1 << 40, &credits) < 0) {
		send_error(id, "BAD_REQUEST", "credits must be a non-negative integer");
		goto out;
	}
	int st = json_get(d, 0, "stdin");
	if (st >= 0 && d->t[st].type != J_NULL) {
		if (!json_streq(d, st, "pipe")) {
			send_error(id, "BAD_REQUEST", "stdin must be \"pipe\" when given (initial input goes in the binary payload)");
			goto out;
		}
		rq.stdin_pipe = 1;
	}
	const char *stage;
	struct session *s = sess_spawn(kind, id, &rq, &stage);
	if (!s) {
		int e = errno;
		send_error(id, errno_name(e), "%s %s: %s", stage, strcmp(stage, "chdir") == 0 ? rq.cwd : rq.argv[0],
			   strerror(e));
		goto out;
	}
	if (timeout)
		s->deadline = now_ms() + timeout;
	s->credits = (uint64_t)credits;
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", id);
	jw_str(&w, "ev", "started");
	jw_int(&w, "pid", s->pid);
	send_jw(s, &w, NULL, 0);
	sess_stdin_add(s, 0, bin, blen, !rq.stdin_pipe);
out:
	req_free_spawn(&rq);
}

static void op_stdin(const struct jdoc *d, uint32_t id, const uint8_t *bin, size_t blen)
{
	uint32_t target = req_target(d, id);
	int eof = 0;
	if (!target)
		return;
	if (req_bool(d, "eof", &eof) < 0) {
		send_error(id, "BAD_REQUEST", "eof must be a boolean");
		return;
	}
	struct session *s = sess_find(target);
	if (!s) {
		send_error(id, "NO_SUCH_ID", "no running exec with id %u", target);
		return;
	}
	int e = sess_stdin_add(s, id, bin, blen, eof);
	if (e == EPIPE)
		send_error(id, "EPIPE", "stdin of %u is closed", target);
	else if (e == EAGAIN)
		send_error(id, "EAGAIN", "too much stdin is pending (%u MiB for %u, %u MiB in all)", STDIN_LIMIT >> 20, target, STDIN_TOTAL_LIMIT >> 20);
	else if (!blen && !eof && id)
		send_ok(id);
}

static void op_kill(const struct jdoc *d, uint32_t id)
{
	uint32_t target = req_target(d, id);
	if (!target)
		return;
	int sig = SIGTERM;
	int t = json_get(d, 0, "signal");
	if (t >= 0 && d->t[t].type == J_STR) {
		char *n = json_strdup(d, t, NULL);
		sig = n ? sig_from_name(n) : -1;
		free(n);
	} else if (t >= 0 && d->t[t].type != J_NULL) {
		int64_t v;
		sig = json_int(d, t, &v) == 0 && v >= 0 && v < 65 ? (int)v : -1;
	}
	if (sig < 0) {
		send_error(id, "BAD_REQUEST", "unknown signal");
		return;
	}
	struct session *s = sess_find(target);
	if (!s) {
		send_error(id, "NO_SUCH_ID", "no running exec with id %u", target);
		return;
	}
	if (killpg(s->pid, sig) < 0 && errno != ESRCH) {
		int e = errno;
		send_error(id, errno_name(e), "kill: %s", strerror(e));
		return;
	}
	if (id)
		send_ok(id);
}

static void op_read_file(const struct jdoc *d, uint32_t id)
{
	int p = json_get(d, 0, "path");
	int64_t max = DEFAULT_READ_MAX;
	char *path = p >= 0 ? json_strdup(d, p, NULL) : NULL;
	if (!path || !path[0]) {
		send_error(id, "BAD_REQUEST", "path must be a non-empty string");
		free(path);
		return;
	}
	if (req_u64(d, "maxBytes", R0_MAX_BIN, &max) < 0) {
		send_error(id, "BAD_REQUEST", "maxBytes must be an integer from 0 to %u", R0_MAX_BIN);
		free(path);
		return;
	}
	/* O_NONBLOCK: a FIFO or an empty trace_pipe must not stall the agent. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat sta;
	if (fd < 0 || fstat(fd, &sta) < 0 || S_ISDIR(sta.st_mode)) {
		int e = fd < 0 ? errno : S_ISDIR(sta.st_mode) ? EISDIR : errno;
		send_error(id, errno_name(e), "%s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		free(path);
		return;
	}
	struct sb b = {0};
	sb_reserve(&b, (size_t)max + 1);
	int err = 0;
	while (b.len <= (size_t)max) {
		ssize_t n = read(fd, b.p + b.len, (size_t)max + 1 - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	if (err) {
		send_error(id, errno_name(err), "%s: %s", path, strerror(err));
	} else if (id) {
		int truncated = b.len > (size_t)max;
		if (truncated)
			b.len = (size_t)max;
		struct jw w;
		jw_begin(&w);
		jw_int(&w, "id", id);
		jw_bool(&w, "ok", 1);
		jw_int(&w, "size", (int64_t)b.len);
		jw_bool(&w, "truncated", truncated);
		send_jw(NULL, &w, b.p, b.len);
	}
	sb_free(&b);
	free(path);
}

static void op_stream_ack(const struct jdoc *d, uint32_t id)
{
	int64_t target = 0, credits = 0;
	if (req_u64(d, "target", UINT32_MAX, &target) < 0 || req_u64(d, "credits", (int64_t)1 << 40, &credits) < 0) {
		if (id)
			send_error(id, "BAD_REQUEST", "stream.ack needs target and credits (non-negative integers)");
		return;
	}
	struct session *s = sess_find((uint32_t)target);
	if (!s || s->kind != S_STREAM) {
		if (id) /* a late ack for a finished stream is normal; only answer when asked */
			send_error(id, "NO_SUCH_ID", "no open stream with id %u", (unsigned)target);
		return;
	}
	s->credits += (uint64_t)credits;
	if (s->credits > ((uint64_t)1 << 40))
		s->credits = (uint64_t)1 << 40;
	if (id)
		send_ok(id);
}

static void op_stream_close(const struct jdoc *d, uint32_t id)
{
	uint32_t target = req_target(d, id);
	if (!target)
		return;
	struct session *s = sess_find(target);
	if (!s || s->kind != S_STREAM) {
		send_error(id, "NO_SUCH_ID", "no open stream with id %u", target);
		return;
	}
	sess_stream_close(s, id);
}

void handle_frame(const uint8_t *json, size_t jlen, const uint8_t *bin, size_t blen)
{
	struct jdoc d;
	frames_seen++;
	if (json_parse(&d, (const char *)json, jlen) < 0 || d.t[0].type != J_OBJ) {
		json_free(&d);
		send_error(0, "BAD_JSON", "the frame's JSON is not a valid UTF-8 JSON object");
		return;
	}
	int64_t id = 0;
	if (req_u64(&d, "id", UINT32_MAX, &id) < 0) {
		send_error(0, "BAD_REQUEST", "id must be an integer from 0 to 4294967295");
		goto out;
	}
	int op = json_get(&d, 0, "op");
	if (op < 0 || d.t[op].type != J_STR) {
		send_error((uint32_t)id, "BAD_REQUEST", "the request has no op");
		goto out;
	}
	uint32_t rid = (uint32_t)id;
	if (json_streq(&d, op, "ping")) {
		if (rid)
			send_ok(rid);
	} else if (json_streq(&d, op, "hello")) {
		op_hello(&d, rid);
	} else if (json_streq(&d, op, "exec")) {
		op_spawn(&d, rid, S_EXEC, bin, blen);
	} else if (json_streq(&d, op, "stdin")) {
		op_stdin(&d, rid, bin, blen);
	} else if (json_streq(&d, op, "kill")) {
		op_kill(&d, rid);
	} else if (json_streq(&d, op, "readFile")) {
		op_read_file(&d, rid);
	} else if (json_streq(&d, op, "stream.open")) {
		op_spawn(&d, rid, S_STREAM, bin, blen);
	} else if (json_streq(&d, op, "stream.ack")) {
		op_stream_ack(&d, rid);
	} else if (json_streq(&d, op, "stream.close")) {
		op_stream_close(&d, rid);
	} else {
		char *name = json_strdup(&d, op, NULL);
		send_error(rid, "UNKNOWN_OP", "unknown op '%.64s'", name ? name : "?");
		free(name);
	}
out:
	json_free(&d);
}
