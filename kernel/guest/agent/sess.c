/* sess.c - exec and stream sessions: fork/exec in a process group, completion, timers (I/O is sess_io.c). */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct session *sessions;

static const struct {
	int sig;
	const char *name;
} signals[] = {
	{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},     {SIGILL, "SIGILL"},
	{SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},       {SIGFPE, "SIGFPE"},
	{SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},     {SIGUSR2, "SIGUSR2"},
	{SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},     {SIGCHLD, "SIGCHLD"},
	{SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},     {SIGTTIN, "SIGTTIN"},
	{SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},     {SIGXFSZ, "SIGXFSZ"},
	{SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"}, {SIGIO, "SIGIO"},
	{SIGPWR, "SIGPWR"},   {SIGSYS, "SIGSYS"},
};

int sig_from_name(const char *name)
{
	const char *n = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(signals[i].name + 3, n) == 0)
			return signals[i].sig;
	return -1;
}

const char *sig_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

struct session *sess_find(uint32_t id)
{
	if (!id)
		return NULL;
	for (struct session *s = sessions; s; s = s->next)
		if (!s->done && s->id == id)
			return s;
	return NULL;
}

int sess_count(void)
{
	int n = 0;
	for (struct session *s = sessions; s; s = s->next)
		n++;
	return n;
}

void sess_close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct exec_fail {
	int stage; /* 1 chdir, 2 exec */
	int err;
};

static void __attribute__((noreturn)) child(const struct spawn_req *rq, int in, int out, int err, int ep)
{
	struct exec_fail f = {1, 0};
	sigset_t none;
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* The agent keeps fds 0-2 occupied, so these fds are >= 3 and dup2 clears close-on-exec. */
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (rq->cwd && chdir(rq->cwd) < 0)
		goto fail;
	if (rq->clear_env)
		clearenv();
	for (char **e = rq->env_unset; e && *e; e++)
		unsetenv(*e);
	for (char **e = rq->env_set; e && *e; e++)
		putenv(*e);
	if (!getenv("PATH"))
		setenv("PATH", DEFAULT_PATH, 1);
	f.stage = 2;
	execvp(rq->argv[0], rq->argv);
fail:
	f.err = errno;
	if (write(ep, &f, sizeof(f)) < 0) {
		/* nothing to report to */
	}
	_exit(127);
}

struct session *sess_spawn(enum skind kind, uint32_t id, const struct spawn_req *rq, const char **stage)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, ep[2] = {-1, -1};
	*stage = "pipe";
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0)
		goto fail;
	*stage = "fork";
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0)
		child(rq, in[0], out[1], err[1], ep[1]);
	sess_close_fd(&in[0]);
	sess_close_fd(&out[1]);
	sess_close_fd(&err[1]);
	sess_close_fd(&ep[1]);
	setpgid(pid, pid); /* both sides set it, so a kill right after spawn reaches the group */

	/* The error pipe closes on a successful exec; otherwise it carries the child's errno. */
	struct exec_fail f;
	ssize_t n;
	do
		n = read(ep[0], &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	sess_close_fd(&ep[0]);
	if (n == (ssize_t)sizeof(f)) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		sess_close_fd(&in[1]);
		sess_close_fd(&out[0]);
		sess_close_fd(&err[0]);
		*stage = f.stage == 1 ? "chdir" : "exec";
		errno = f.err;
		return NULL;
	}

	struct session *s = calloc(1, sizeof(*s));
	if (!s) {
		logmsg("out of memory");
		abort();
	}
	s->kind = kind;
	s->id = id;
	s->pid = pid;
	s->in_fd = in[1];
	s->out_fd = out[0];
	s->err_fd = err[0];
	set_nonblock(s->in_fd);
	set_nonblock(s->out_fd);
	set_nonblock(s->err_fd);
	s->next = sessions;
	sessions = s;
	return s;

fail:;
	int e = errno;
	sess_close_fd(&in[0]);
	sess_close_fd(&in[1]);
	sess_close_fd(&out[0]);
	sess_close_fd(&out[1]);
	sess_close_fd(&err[0]);
	sess_close_fd(&err[1]);
	sess_close_fd(&ep[0]);
	sess_close_fd(&ep[1]);
	errno = e;
	return NULL;
}

void sess_reap(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (struct session *s = sessions; s; s = s->next) {
			if (s->pid == pid && !s->exited) {
				s->exited = 1;
				s->status = st;
				s->linger_until = now_ms() + LINGER_MS;
				break;
			}
		}
	}
}

/* ---- completion ---- */

static void put_status(struct session *s, struct jw *w)
{
	if (WIFEXITED(s->status)) {
		jw_int(w, "exitCode", WEXITSTATUS(s->status));
		jw_null(w, "signal");
	} else if (WIFSIGNALED(s->status)) {
		const char *n = sig_name(WTERMSIG(s->status));
		jw_null(w, "exitCode");
		if (n)
			jw_str(w, "signal", n);
		else
			jw_int(w, "signal", WTERMSIG(s->status));
	} else {
		jw_null(w, "exitCode");
		jw_null(w, "signal");
	}
}

static void stream_end(struct session *s, const char *reason, uint32_t reply_to)
{
	sess_stream_flush(s);
	struct jw w;
	jw_begin(&w);
	jw_int(&w, "id", s->id);
	jw_bool(&w, "ok", 1);
	jw_str(&w, "ev", "end");
	jw_str(&w, "reason", reason);
	jw_int(&w, "delivered", (int64_t)s->delivered);
	jw_int(&w, "dropped", (int64_t)s->dropped);
	jw_int(&w, "truncated", (int64_t)s->truncated);
	if (s->exited)
		put_status(s, &w);
	else {
		jw_null(&w, "exitCode");
		jw_null(&w, "signal");
	}
	jw_bool(&w, "timedOut", s->timed_out);
	send_jw(s, &w, NULL, 0);
	if (reply_to) {
		jw_begin(&w);
		jw_int(&w, "id", reply_to);
		jw_bool(&w, "ok", 1);
		jw_int(&w, "delivered", (int64_t)s->delivered);
		jw_int(&w, "dropped", (int64_t)s->dropped);
		jw_int(&w, "truncated", (int64_t)s->truncated);
		send_jw(NULL, &w, NULL, 0);
	}
}

static void finish(struct session *s)
{
	if (s->in_fd >= 0 || s->nwaits || s->eof_req)
		sess_stdin_close(s, EPIPE);
	if (s->kind == S_STREAM) {
		stream_end(s, "exit", 0);
	} else {
		struct jw w;
		jw_begin(&w);
		jw_int(&w, "id", s->id);
		jw_bool(&w, "ok", 1);
		jw_str(&w, "ev", "exit");
		put_status(s, &w);
		jw_bool(&w, "timedOut", s->timed_out);
		send_jw(s, &w, NULL, 0);
	}
	s->done = 1;
	s->id = 0;
}

void sess_finish_ready(void)
{
	for (struct session *s = sessions; s; s = s->next)
		if (!s->done && s->exited && s->out_fd < 0 && s->err_fd < 0)
			finish(s);
}

void sess_detach(struct session *s, int sig)
{
	if (!s->done) {
		sess_close_fd(&s->out_fd);
		sess_close_fd(&s->err_fd);
		sess_stdin_drop(s);
		s->nwaits = 0;
		s->eof_req = 0;
		s->done = 1;
		s->id = 0;
	}
	if (!s->exited) {
		killpg(s->pid, sig);
		s->kill_at = sig == SIGKILL ? 0 : now_ms() + CLOSE_KILL_MS;
	}
}

void sess_stream_close(struct session *s, uint32_t req)
{
	stream_end(s, "closed", req);
	sess_detach(s, SIGTERM);
}

void sess_detach_all(void)
{
	for (struct session *s = sessions; s; s = s->next)
		sess_detach(s, SIGKILL);
}

void sess_timers(int64_t now)
{
	for (struct session *s = sessions; s; s = s->next) {
		if (!s->exited && s->deadline && now >= s->deadline) {
			s->timed_out = 1;
			s->deadline = 0;
			killpg(s->pid, SIGKILL);
		}
		if (!s->exited && s->kill_at && now >= s->kill_at) {
			s->kill_at = 0;
			killpg(s->pid, SIGKILL);
		}
		if (s->exited && !s->done && now >= s->linger_until && (s->out_fd >= 0 || s->err_fd >= 0)) {
			sess_drain_close(s, &s->out_fd);
			sess_drain_close(s, &s->err_fd);
		}
	}
}

int64_t sess_next_timer(void)
{
	int64_t t = INT64_MAX;
	for (struct session *s = sessions; s; s = s->next) {
		if (!s->exited && s->deadline && s->deadline < t)
			t = s->deadline;
		if (!s->exited && s->kill_at && s->kill_at < t)
			t = s->kill_at;
		if (s->exited && !s->done && (s->out_fd >= 0 || s->err_fd >= 0) && s->linger_until < t)
			t = s->linger_until;
	}
	return t;
}

void sess_gc(void)
{
	struct session **pp = &sessions;
	while (*pp) {
		struct session *s = *pp;
		if (s->done && s->exited && !s->queued) {
			*pp = s->next;
			sb_free(&s->inbuf);
			sb_free(&s->line);
			sb_free(&s->batch);
			free(s->waits);
			free(s);
		} else {
			pp = &s->next;
		}
	}
}
