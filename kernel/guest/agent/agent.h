/* agent.h - shared declarations of the ring0 guest agent (framing, sessions, requests, connection). */
#ifndef R0_AGENT_H
#define R0_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"

#define AGENT_VERSION "1.0.0"

/* Frame header (see kernel/agent/PROTOCOL.md): magic, version, flags, JSON length, binary length, CRC. */
#define R0_MAGIC0 'R'
#define R0_MAGIC "R0AG"
#define R0_VERSION 1
#define R0_HDR 16
#define R0_MAX_JSON (1u << 20)
#define R0_MAX_BIN (4u << 20)

#define IO_CHUNK 65536                  /* pipe reads and port writes */
#define SESS_OUT_LIMIT (256u << 10)     /* queued output per exec before its pipes are paused */
#define DROP_LIMIT (8u << 20)           /* queued data above which stream records are dropped */
#define REPLY_LIMIT (8u << 20)          /* queued replies (frames of no session) above which the port is not read */
#define STDIN_LIMIT (16u << 20)         /* pending stdin bytes per exec */
#define STDIN_TOTAL_LIMIT (64u << 20)   /* pending stdin bytes of all execs */
#define MAX_SESSIONS 256
#define MAX_RECORD 65536                /* stream records longer than this are truncated */
#define LINGER_MS 200                   /* after exit, how long to wait for EOF from grandchildren */
#define CLOSE_KILL_MS 2000              /* stream.close: SIGTERM, then SIGKILL after this */
#define DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

int64_t now_ms(void);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errno_name(int e);

/* ---- sessions (sess.c) ---- */

enum skind { S_EXEC, S_STREAM };

struct stdin_wait {
	uint32_t req;
	uint64_t end; /* reply once this many bytes were written */
};

struct session {
	struct session *next;
	uint32_t id; /* request id; 0 once detached (no more frames) */
	enum skind kind;
	pid_t pid; /* also the process group */
	int out_fd, err_fd, in_fd;
	int exited, status, timed_out, done;
	int64_t deadline, linger_until, kill_at;
	size_t queued; /* bytes of this session's frames waiting in the outbound queue */

	/* stdin */
	struct sb inbuf;
	uint64_t in_written, in_total;
	struct stdin_wait *waits;
	size_t nwaits, capwaits;
	int in_eof;       /* close stdin once the buffer is written */
	uint32_t eof_req; /* request to answer when stdin is closed */

	/* stream */
	uint64_t credits, delivered, dropped, truncated;
	struct sb line;
	int line_over;
	struct sb batch;
	uint32_t batch_n;
};

extern struct session *sessions;

struct spawn_req {
	char **argv;
	char *cwd;
	char **env_set; /* "K=V" */
	char **env_unset;
	int clear_env;
	int stdin_pipe;
};

struct session *sess_find(uint32_t id);
int sess_count(void);
/* Returns a new session, or NULL with errno set and *stage naming what failed. */
struct session *sess_spawn(enum skind kind, uint32_t id, const struct spawn_req *rq, const char **stage);
void sess_reap(void);
void sess_read(struct session *s, int fd);
void sess_write_stdin(struct session *s);
int sess_stdin_add(struct session *s, uint32_t req, const void *p, size_t n, int eof);
void sess_timers(int64_t now);
int64_t sess_next_timer(void);
void sess_finish_ready(void);
void sess_flush_batches(void);
void sess_stream_close(struct session *s, uint32_t req);
void sess_detach(struct session *s, int sig);
void sess_detach_all(void);
void sess_gc(void);
/* request.c: a request's fields; req_target and req_parse_spawn answer a bad one with an error reply themselves. */
void req_free_spawn(struct spawn_req *rq);
int req_u64(const struct jdoc *d, const char *key, int64_t max, int64_t *out);
int req_bool(const struct jdoc *d, const char *key, int *out);
uint32_t req_target(const struct jdoc *d, uint32_t id);
int req_parse_spawn(const struct jdoc *d, uint32_t id, struct spawn_req *rq);
/* Shared by sess.c and sess_io.c only. */
void sess_close_fd(int *fd);
void sess_stream_flush(struct session *s);
void sess_drain_close(struct session *s, int *fd);
void sess_stdin_close(struct session *s, int err);
void sess_stdin_drop(struct session *s);
int sig_from_name(const char *name);
const char *sig_name(int sig);

/* ---- framing and the outbound queue (proto.c) ---- */

uint16_t r0_crc16(const uint8_t *p, size_t n);
void frame_header(uint8_t h[R0_HDR], uint32_t jlen, uint32_t blen);

struct decoder {
	uint8_t *buf;
	size_t len, cap;
	uint64_t skip;  /* bytes of a rejected frame still to discard */
	size_t garbage; /* bytes skipped while looking for a header, not yet reported */
};
void dec_reset(struct decoder *d);
uint8_t *dec_space(struct decoder *d, size_t want);
void dec_process(struct decoder *d); /* calls handle_frame / send_error */

/* Queues a frame; owner (may be NULL) is charged for its bytes until they reach the port. */
void send_frame(struct session *owner, const struct sb *json, const void *bin, size_t blen);
void send_jw(struct session *owner, struct jw *w, const void *bin, size_t blen); /* ends and frees w */
void send_error(uint32_t id, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void send_ok(uint32_t id);
int out_pending(void);
size_t out_reply_bytes(void); /* queued frames that belong to no session */
size_t out_data_bytes(void);
int out_flush(int fd); /* 0, or -1 when the connection is broken */
void out_clear(void);
extern int connected;

/* ---- requests (ops.c) ---- */

void handle_frame(const uint8_t *json, size_t jlen, const uint8_t *bin, size_t blen);
void send_ready(void);
extern char instance_id[33];
extern uint64_t connection_no;
extern uint64_t frames_seen; /* frames handled, valid or not */

#endif
