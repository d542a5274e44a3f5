/* attach.c - attaches one loaded program according to its section: uprobes, XDP and tc by hand, the rest through libbpf. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "loader.h"

static int prefixed(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static const char *after_slash(const char *sec)
{
	const char *s = strchr(sec, '/');
	return s ? s + 1 : "";
}

/* Last line libbpf printed, as extra context for an attach error. */
static void last_libbpf_line(char *dst, size_t n)
{
	const char *log = libbpf_log();
	size_t len = strlen(log);
	while (len && log[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start && log[start - 1] != '\n')
		start--;
	snprintf(dst, n, "%.*s", (int)(len - start), log + start);
}

static void set_error(struct attach_res *r, const char *what, int err)
{
	char last[512];
	last_libbpf_line(last, sizeof last);
	snprintf(r->error, sizeof r->error, "%s: %s%s%s", what, errstr(err), *last ? "; " : "", last);
}

static void attach_uprobe(struct bpf_program *prog, const struct attach_opts *o, struct attach_res *r)
{
	const char *sec = bpf_program__section_name(prog);
	const char *rest = after_slash(sec);
	const char *colon = strrchr(rest, ':');
	char binary[PATH_MAX] = "", func[256] = "";
	int retprobe = prefixed(sec, "uretprobe");

	snprintf(r->kind, sizeof r->kind, "%s", retprobe ? "uretprobe" : "uprobe");
	if (colon) {
		snprintf(binary, sizeof binary, "%.*s", (int)(colon - rest), rest);
		snprintf(func, sizeof func, "%s", colon + 1);
	} else {
		snprintf(func, sizeof func, "%s", *rest ? rest : bpf_program__name(prog));
	}
	if (!*binary && o->uprobe_target)
		snprintf(binary, sizeof binary, "%s", o->uprobe_target);
	r->has_attach = 1;
	snprintf(r->target, sizeof r->target, "%s:%s", binary, func);
	if (!*binary) {
		snprintf(r->error, sizeof r->error,
			 "%s program '%s' (section '%s') needs a binary to probe: pass --uprobe-target PATH or name it in the section, e.g. SEC(\"%s//usr/lib/x86_64-linux-gnu/libc.so.6:%s\")",
			 r->kind, bpf_program__name(prog), sec, r->kind, func);
		return;
	}

	/* "func+0x10", or a bare offset "0x1234" into the binary. */
	long offset = 0;
	char *plus = strchr(func, '+');
	if (plus) {
		*plus = '\0';
		offset = strtol(plus + 1, NULL, 0);
	}
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = retprobe);
	char *end;
	long bare = strtol(func, &end, 0);
	if (*func && !*end)
		offset = bare;
	else
		uo.func_name = func;
	r->link = bpf_program__attach_uprobe_opts(prog, -1, binary, (size_t)offset, &uo);
	if (!r->link) {
		char what[PATH_MAX + 300];
		snprintf(what, sizeof what, "attaching %s to %s failed", r->kind, r->target);
		set_error(r, what, errno);
	}
}

static unsigned int iface_index(const char *kind, const struct attach_opts *o, struct attach_res *r, struct bpf_program *prog)
{
	if (!o->iface) {
		snprintf(r->error, sizeof r->error, "%s program '%s' needs a network interface: pass --iface IFNAME (e.g. lo)", kind,
			 bpf_program__name(prog));
		return 0;
	}
	unsigned int ifindex = if_nametoindex(o->iface);
	if (!ifindex)
		snprintf(r->error, sizeof r->error, "no network interface '%s' in the guest (%s)", o->iface, errstr(errno));
	return ifindex;
}

static void attach_xdp(struct bpf_program *prog, const struct attach_opts *o, struct attach_res *r)
{
	const char *sec = bpf_program__section_name(prog);
	if (strstr(sec, "devmap") || strstr(sec, "cpumap")) {
		snprintf(r->note, sizeof r->note, "XDP program for %s entries: loaded only, not attached to an interface", strstr(sec, "devmap") ? "devmap" : "cpumap");
		return;
	}
	snprintf(r->kind, sizeof r->kind, "xdp");
	snprintf(r->target, sizeof r->target, "%s", o->iface ? o->iface : "");
	r->has_attach = 1;
	unsigned int ifindex = iface_index("XDP", o, r, prog);
	if (!ifindex)
		return;
	r->link = bpf_program__attach_xdp(prog, (int)ifindex);
	if (!r->link) {
		char what[300];
		snprintf(what, sizeof what, "attaching XDP to %s failed", o->iface);
		set_error(r, what, errno);
	}
}

static const char *generic_kind(const char *sec, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(sec, "/"), sec);
	if (!strcmp(buf, "tp"))
		snprintf(buf, n, "tracepoint");
	else if (!strcmp(buf, "raw_tp"))
		snprintf(buf, n, "raw_tracepoint");
	else if (!strcmp(buf, "raw_tp.w"))
		snprintf(buf, n, "raw_tracepoint.w");
	return buf;
}

void attach_program(struct bpf_program *prog, const struct attach_opts *o, struct attach_res *r)
{
	const char *sec = bpf_program__section_name(prog);
	enum bpf_prog_type type = bpf_program__type(prog);
	memset(r, 0, sizeof *r);

	if (type == BPF_PROG_TYPE_KPROBE && (prefixed(sec, "uprobe") || prefixed(sec, "uretprobe"))) {
		attach_uprobe(prog, o, r);
		return;
	}
	if (type == BPF_PROG_TYPE_XDP) {
		attach_xdp(prog, o, r);
		return;
	}
	if (type == BPF_PROG_TYPE_SCHED_CLS) {
		/* tc attachments are not links on this kernel: done by load.c, which records how to detach. */
		snprintf(r->kind, sizeof r->kind, "tc");
		snprintf(r->target, sizeof r->target, "%s:%s", o->iface ? o->iface : "", strstr(sec, "egress") ? "egress" : "ingress");
		r->has_attach = 1;
		return;
	}

	generic_kind(sec, r->kind, sizeof r->kind);
	snprintf(r->target, sizeof r->target, "%s", after_slash(sec));
	size_t logged = strlen(libbpf_log());
	r->link = bpf_program__attach(prog);
	if (r->link) {
		r->has_attach = 1;
		return;
	}
	int err = errno;
	/* EOPNOTSUPP without a libbpf message: no auto-attach for the section; with one, the kernel refused. */
	if ((err == EOPNOTSUPP || err == ENOTSUP) && !strstr(libbpf_log() + logged, "failed to attach")) {
		r->kind[0] = r->target[0] = '\0';
		snprintf(r->note, sizeof r->note, "libbpf has no automatic attach for section '%s' (program type %s): loaded and pinned, not attached", sec,
			 libbpf_bpf_prog_type_str(type) ? libbpf_bpf_prog_type_str(type) : "?");
		return;
	}
	r->has_attach = 1;
	char what[700];
	snprintf(what, sizeof what, "attaching %s '%s' failed", r->kind, r->target);
	set_error(r, what, err);
	if (prefixed(sec, "kprobe.multi") || prefixed(sec, "kretprobe.multi")) {
		size_t l = strlen(r->error);
		snprintf(r->error + l, sizeof r->error - l, " (kprobe.multi needs a kernel with CONFIG_FPROBE; use one kprobe per function)");
	}
	if (type == BPF_PROG_TYPE_LSM) {
		size_t l = strlen(r->error);
		snprintf(r->error + l, sizeof r->error - l, " (BPF LSM programs need 'bpf' in the kernel's active LSMs: boot with lsm=...,bpf)");
	}
}
