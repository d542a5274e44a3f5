/* ring0-agent.c - the Ring0 guest agent: a single-threaded poll() loop serving the framed protocol on one channel. */
#define _GNU_SOURCE
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum mode { M_PORT, M_PORT_NAME, M_STDIO, M_SOCKET };

static enum mode mode;
static const char *target;
static int in_fd = -1, out_fd = -1;
static struct decoder dec;
static int64_t reconnect_at;
static int backoff_ms = 100;
static int last_open_errno;
static int announced; /* the current connection has carried a frame */
static uint64_t frames_at_connect;
int connected;

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void logmsg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ring0-agent: %s\n", buf);
}

const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{EPERM, "EPERM"},   {ENOENT, "ENOENT"},   {ESRCH, "ESRCH"},       {EINTR, "EINTR"},
		{EIO, "EIO"},       {ENXIO, "ENXIO"},     {E2BIG, "E2BIG"},       {ENOEXEC, "ENOEXEC"},
		{EBADF, "EBADF"},   {ECHILD, "ECHILD"},   {EAGAIN, "EAGAIN"},     {ENOMEM, "ENOMEM"},
		{EACCES, "EACCES"}, {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},       {EEXIST, "EEXIST"},
		{ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},     {EINVAL, "EINVAL"},
		{ENFILE, "ENFILE"}, {EMFILE, "EMFILE"},   {ETXTBSY, "ETXTBSY"},   {ENOSPC, "ENOSPC"},
		{EROFS, "EROFS"},   {EPIPE, "EPIPE"},     {ENAMETOOLONG, "ENAMETOOLONG"},
		{ELOOP, "ELOOP"},   {ETIMEDOUT, "ETIMEDOUT"}, {ECONNREFUSED, "ECONNREFUSED"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	return "EIO";
}

/* No udev in the guest: find /dev/vportNpM through the port's name in sysfs. */
static int find_port(const char *name, char *out, size_t outlen)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int found = -1;
	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		char p[512], buf[256];
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/class/virtio-ports/%s/name", e->d_name);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			n--;
		buf[n] = 0;
		if (strcmp(buf, name) == 0) {
			snprintf(out, outlen, "/dev/%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static int open_channel(void)
{
	char path[300];
	int fd;
	switch (mode) {
	case M_STDIO:
		in_fd = 0;
		out_fd = 1;
		fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
		fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
		return 0;
	case M_PORT_NAME:
		if (find_port(target, path, sizeof(path)) < 0) {
			errno = ENOENT;
			return -1;
		}
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		break;
	case M_PORT:
		fd = open(target, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		break;
	case M_SOCKET: {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		if (strlen(target) >= sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(sa.sun_path, target);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			fd = -1;
		}
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		break;
	}
	default:
		errno = EINVAL;
		return -1;
	}
	if (fd < 0)
		return -1;
	in_fd = out_fd = fd;
	return 0;
}

static void try_connect(void)
{
	if (open_channel() < 0) {
		if (errno != last_open_errno)
			logmsg("cannot open %s: %s; retrying", target ? target : "stdio", strerror(errno));
		last_open_errno = errno;
		reconnect_at = now_ms() + backoff_ms;
		backoff_ms = backoff_ms * 2 > 500 ? 500 : backoff_ms * 2;
		return;
	}
	last_open_errno = 0;
	connected = 1;
	announced = 0;
	frames_at_connect = frames_seen;
	connection_no++;
	dec_reset(&dec);
	send_ready();
}

/* The host went away (EOF, hangup, error): its requests die with it; wait, then reopen. */
static void connection_lost(const char *why)
{
	if (announced)
		logmsg("host connection lost (%s)", why);
	connected = 0;
	out_clear();
	sess_detach_all();
	dec_reset(&dec);
	if (mode == M_STDIO)
		exit(0);
	close(in_fd);
	in_fd = out_fd = -1;
	reconnect_at = now_ms() + backoff_ms;
	backoff_ms = backoff_ms * 2 > 500 ? 500 : backoff_ms * 2;
}

static void read_channel(short revents)
{
	for (int i = 0; i < 16 && connected; i++) {
		uint8_t *p = dec_space(&dec, IO_CHUNK);
		ssize_t n = read(in_fd, p, IO_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* virtio-serial reports a missing host as POLLHUP with nothing to read */
			if (i == 0 && (revents & (POLLHUP | POLLERR)))
				connection_lost("hangup");
			return;
		}
		if (n <= 0) {
			connection_lost(n == 0 ? "EOF" : strerror(errno));
			return;
		}
		dec.len += (size_t)n;
		dec_process(&dec);
		if (n < IO_CHUNK)
			return;
	}
}

static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
	}
}

static void make_instance_id(void)
{
	unsigned char r[16];
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		uint64_t t = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 32);
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(instance_id + 2 * i, 3, "%02x", r[i]);
}

static void usage(FILE *f)
{
	fputs("usage: ring0-agent (--port DEVICE | --port-name NAME | --socket PATH | --stdio)\n"
	      "Serves the Ring0 agent protocol (kernel/agent/PROTOCOL.md) on one channel.\n"
	      "  --port DEVICE     a virtio-serial device such as /dev/vport1p1\n"
	      "  --port-name NAME  the virtio-serial port named NAME (/sys/class/virtio-ports/*/name)\n"
	      "  --socket PATH     connect to a unix socket (reconnects when it closes)\n"
	      "  --stdio           use fds 0 and 1; exit at EOF\n",
	      f);
}

struct pslot {
	struct session *s;
	int fd;
};

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--stdio")) {
			mode = M_STDIO;
			target = NULL;
		} else if ((!strcmp(a, "--port") || !strcmp(a, "--port-name") || !strcmp(a, "--socket")) && i + 1 < argc) {
			mode = !strcmp(a, "--port") ? M_PORT : !strcmp(a, "--port-name") ? M_PORT_NAME : M_SOCKET;
			target = argv[++i];
		} else if (!strcmp(a, "--version")) {
			printf("ring0-agent %s (protocol %d)\n", AGENT_VERSION, R0_VERSION);
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (mode != M_STDIO && !target) {
		usage(stderr);
		return 2;
	}

	ensure_std_fds();
	if (!getenv("PATH"))
		setenv("PATH", DEFAULT_PATH, 1);
	make_instance_id();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		logmsg("signalfd: %s", strerror(errno));
		return 1;
	}

	struct pollfd *pfd = NULL;
	struct pslot *slot = NULL;
	size_t cap = 0;
	for (;;) {
		int64_t now = now_ms();
		if (!connected && now >= reconnect_at)
			try_connect();

		size_t need = 3 + 3 * (size_t)sess_count();
		if (need > cap) {
			cap = need * 2;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			slot = realloc(slot, cap * sizeof(*slot));
			if (!pfd || !slot) {
				logmsg("out of memory");
				abort();
			}
		}
		size_t n = 0;
		pfd[n] = (struct pollfd){.fd = sfd, .events = POLLIN};
		slot[n++] = (struct pslot){NULL, sfd};
		int port_slot = -1, out_slot = -1;
		if (connected) {
			short ev = out_reply_bytes() < REPLY_LIMIT ? POLLIN : 0;
			if (out_fd == in_fd) {
				if (out_pending())
					ev |= POLLOUT;
				port_slot = out_slot = (int)n;
				pfd[n] = (struct pollfd){.fd = in_fd, .events = ev};
				slot[n++] = (struct pslot){NULL, in_fd};
			} else {
				port_slot = (int)n;
				pfd[n] = (struct pollfd){.fd = in_fd, .events = ev};
				slot[n++] = (struct pslot){NULL, in_fd};
				out_slot = (int)n;
				pfd[n] = (struct pollfd){.fd = out_fd, .events = out_pending() ? POLLOUT : 0};
				slot[n++] = (struct pslot){NULL, out_fd};
			}
		}
		for (struct session *s = sessions; s; s = s->next) {
			int open_out = s->kind == S_STREAM || s->queued < SESS_OUT_LIMIT;
			if (s->out_fd >= 0 && open_out) {
				pfd[n] = (struct pollfd){.fd = s->out_fd, .events = POLLIN};
				slot[n++] = (struct pslot){s, s->out_fd};
			}
			if (s->err_fd >= 0 && s->queued < SESS_OUT_LIMIT) {
				pfd[n] = (struct pollfd){.fd = s->err_fd, .events = POLLIN};
				slot[n++] = (struct pslot){s, s->err_fd};
			}
			if (s->in_fd >= 0 && s->in_written < s->in_total) {
				pfd[n] = (struct pollfd){.fd = s->in_fd, .events = POLLOUT};
				slot[n++] = (struct pslot){s, s->in_fd};
			}
		}

		int64_t wake = sess_next_timer();
		if (!connected && reconnect_at < wake)
			wake = reconnect_at;
		int timeout = -1;
		if (wake != INT64_MAX)
			timeout = wake <= now ? 0 : (wake - now > 60000 ? 60000 : (int)(wake - now));
		int r = poll(pfd, n, timeout);
		if (r < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			return 1;
		}

		if (r > 0 && pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
					sess_detach_all();
					return 0;
				}
			}
			sess_reap();
		}
		uint64_t conn = connection_no;
		if (r > 0 && port_slot >= 0 && connected) {
			short re = pfd[port_slot].revents;
			if (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
				read_channel(re);
			if (connected && out_slot != port_slot && (pfd[out_slot].revents & (POLLERR | POLLNVAL)))
				connection_lost("output closed");
		}
		if (r > 0) {
			for (size_t i = 1; i < n; i++) {
				struct session *s = slot[i].s;
				if (!s || !pfd[i].revents)
					continue;
				/* A session may have been detached (fds closed) while handling an earlier slot. */
				if (slot[i].fd == s->in_fd)
					sess_write_stdin(s);
				else if (slot[i].fd == s->out_fd || slot[i].fd == s->err_fd)
					sess_read(s, slot[i].fd);
			}
		}
		sess_timers(now_ms());
		sess_finish_ready();
		sess_flush_batches();
		if (connected && conn == connection_no && out_pending() && out_flush(out_fd) < 0)
			connection_lost(strerror(errno));
		/* Resume requests that dec_process left buffered once replies have drained. */
		if (connected && dec.len && out_reply_bytes() < REPLY_LIMIT)
			dec_process(&dec);
		if (connected && !announced && frames_seen != frames_at_connect) {
			announced = 1; /* a real host is talking: reconnect quickly next time */
			backoff_ms = 100;
		}
		sess_gc();
	}
}
