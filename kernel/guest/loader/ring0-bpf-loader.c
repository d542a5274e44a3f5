/* ring0-bpf-loader.c - entry point: dispatches load/unload/list, captures libbpf's messages, writes failure replies. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "loader.h"

#define LOG_CAP (1 << 20)

static char *logbuf;
static size_t loglen;
static int verbose;

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[8192];
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	/* The verifier log is reported on its own (verifierLog); skip libbpf's copy of it. */
	if (strstr(line, "-- BEGIN PROG LOAD LOG --"))
		return 0;
	fputs(line, stderr);
	if (!logbuf)
		logbuf = calloc(1, LOG_CAP);
	if (logbuf && loglen + (size_t)n < LOG_CAP) {
		memcpy(logbuf + loglen, line, (size_t)n);
		loglen += (size_t)n;
		logbuf[loglen] = '\0';
	}
	return 0;
}

const char *errstr(int err)
{
	static char buf[256];
	if (err < 0)
		err = -err;
	if (libbpf_strerror(err, buf, sizeof buf))
		snprintf(buf, sizeof buf, "%s", strerror(err));
	return buf;
}

const char *libbpf_log(void) { return logbuf ? logbuf : ""; }
void libbpf_log_verbose(int on) { verbose = on; }

char *libbpf_last_prog(void)
{
	char *found = NULL;
	for (const char *p = libbpf_log(); (p = strstr(p, "prog '")); p++) {
		const char *s = p + 6, *e = strchr(s, '\'');
		if (!e)
			break;
		free(found);
		found = strndup(s, (size_t)(e - s));
	}
	return found;
}

void fail(const char *stage, const char *program, const char *verifier_log, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct jw w = {0};
	jw_obj(&w, NULL);
	jw_bool(&w, "ok", 0);
	jw_str(&w, "stage", stage);
	jw_str(&w, "error", msg);
	if (program)
		jw_str(&w, "program", program);
	if (verifier_log && *verifier_log)
		jw_str(&w, "verifierLog", verifier_log);
	if (*libbpf_log())
		jw_str(&w, "libbpfLog", libbpf_log());
	jw_end(&w);
	jw_print(&w);
	exit(strcmp(stage, "usage") == 0 ? 2 : 1);
}

static const char usage[] =
	"usage: ring0-bpf-loader load OBJ.bpf.o --pin-dir DIR [--iface IFNAME] [--uprobe-target PATH] [--log-level N] [--no-attach] [--verbose]\n"
	"       ring0-bpf-loader unload --pin-dir DIR\n"
	"       ring0-bpf-loader list [--pin-root DIR]   (default /sys/fs/bpf/ring0)\n"
	"       ring0-bpf-loader stream --id ID|--pinned PATH [--count N] [--duration-ms MS] [--pages N] [--discard]\n"
	"       ring0-bpf-loader map-btf --id ID|--pinned PATH   (raw BTF of the map or of a program using it)\n";

int main(int argc, char **argv)
{
	libbpf_set_print(print_cb);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		if (argc < 2)
			fail("usage", NULL, NULL, "missing command (load, unload or list)");
		return 0;
	}
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (!strcmp(argv[1], "unload"))
		return cmd_unload(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "stream"))
		return cmd_stream(argc - 2, argv + 2);
	if (!strcmp(argv[1], "map-btf"))
		return cmd_map_btf(argc - 2, argv + 2);
	fputs(usage, stderr);
	fail("usage", NULL, NULL, "unknown command '%s' (load, unload, list, stream or map-btf)", argv[1]);
}
