/* load.c - `load`: open, load (capturing verifier logs), attach every program, pin maps/links/programs, report JSON. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"

/* Per program: only the pages the kernel writes are ever touched, so a big buffer is cheap. */
#define PROG_LOG_SIZE (16u << 20)
#define OBJ_LOG_SIZE (1u << 20)
#define MAX_PROGS 256

struct loaded {
	struct bpf_program *prog;
	struct attach_res r;
	char *log;
	char link_pin[PATH_MAX];
	char prog_pin[PATH_MAX];
	/* tc: attached by hand (no links for tc on 6.1) */
	int tc;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts tco;
};

static struct loaded progs[MAX_PROGS];
static int nprogs;

static void detach_all(void)
{
	for (int i = 0; i < nprogs; i++) {
		if (progs[i].r.link)
			bpf_link__destroy(progs[i].r.link);
		progs[i].r.link = NULL;
		if (progs[i].tc) {
			struct bpf_tc_opts d = {.sz = sizeof d, .handle = progs[i].tco.handle, .priority = progs[i].tco.priority};
			bpf_tc_detach(&progs[i].hook, &d);
			progs[i].tc = 0;
		}
	}
}

static int dir_in_use(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int used = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			used = 1;
	closedir(d);
	return used;
}

static int skip_line(const char *s, size_t n)
{
	static const char *const noise[] = {"processed ", "verification time", "stack depth", "-- END", "Validating ", "mark_precise", "func#", "last_idx"};
	if (n == 0)
		return 1;
	for (size_t i = 0; i < sizeof noise / sizeof *noise; i++)
		if (!strncmp(s, noise[i], strlen(noise[i])))
			return 1;
	return 0;
}

/* The verifier's reason is its last line before the statistics. */
static void reason_line(const char *log, char *dst, size_t n)
{
	size_t end = strlen(log);
	dst[0] = '\0';
	while (end) {
		while (end && log[end - 1] == '\n')
			end--;
		size_t start = end;
		while (start && log[start - 1] != '\n')
			start--;
		if (!skip_line(log + start, end - start)) {
			snprintf(dst, n, "%.*s", (int)(end - start), log + start);
			return;
		}
		end = start;
	}
}

static void last_warning(char *dst, size_t n)
{
	const char *log = libbpf_log();
	size_t end = strlen(log);
	while (end && log[end - 1] == '\n')
		end--;
	size_t start = end;
	while (start && log[start - 1] != '\n')
		start--;
	snprintf(dst, n, "%.*s", (int)(end - start), log + start);
}

static void first_warning(char *dst, size_t n)
{
	const char *log = libbpf_log();
	if (!strncmp(log, "libbpf: ", 8))
		log += 8;
	snprintf(dst, n, "%.*s", (int)strcspn(log, "\n"), log);
}

static void __attribute__((noreturn)) load_failed(int err, const char *objlog)
{
	char *name = libbpf_last_prog();
	struct loaded *bad = NULL;
	for (int i = 0; i < nprogs && !bad; i++)
		if (name && !strcmp(bpf_program__name(progs[i].prog), name))
			bad = &progs[i];
	for (int i = 0; i < nprogs && !bad; i++)
		if (bpf_program__autoload(progs[i].prog) && bpf_program__fd(progs[i].prog) < 0 && progs[i].log[0])
			bad = &progs[i];
	const char *vlog = bad && bad->log[0] ? bad->log : objlog;
	const char *prog = bad ? bpf_program__name(bad->prog) : name;

	char why[1024], warn[1024], msg[3072];
	reason_line(vlog, why, sizeof why);
	/* Without a verifier log, libbpf's first warning is the cause; the later ones are "failed to load". */
	first_warning(warn, sizeof warn);
	if (bad && bad->log[0])
		snprintf(msg, sizeof msg, "program '%s' was rejected by the verifier (%s): %s", prog, errstr(err), why);
	else if (*warn)
		snprintf(msg, sizeof msg, "loading failed: %s", warn);
	else
		snprintf(msg, sizeof msg, "loading failed: %s", errstr(err));

	size_t l = strlen(msg);
	if (strstr(vlog, "GPL-restricted") || strstr(vlog, "GPL-compatible") || strstr(vlog, "non-GPL"))
		snprintf(msg + l, sizeof msg - l, " (the object's license is not GPL-compatible: it calls a GPL-only helper; add char LICENSE[] SEC(\"license\") = \"GPL\";)");
	else if (strstr(libbpf_log(), "failed to find kernel BTF type ID") || strstr(libbpf_log(), "failed to find BTF"))
		snprintf(msg + l, sizeof msg - l, " (the running kernel's BTF has no such function or type: check the name, and that vmlinux.h was generated for this kernel)");
	else if (err == EPERM)
		snprintf(msg + l, sizeof msg - l, " (loading BPF needs root or CAP_BPF+CAP_PERFMON)");
	fail("load", prog, vlog, "%s", msg);
}

static void attach_tc(struct loaded *lp, const char *iface, int egress)
{
	struct attach_res *r = &lp->r;
	if (!iface) {
		snprintf(r->error, sizeof r->error, "tc program '%s' needs a network interface: pass --iface IFNAME (e.g. lo)", bpf_program__name(lp->prog));
		return;
	}
	unsigned int ifindex = if_nametoindex(iface);
	if (!ifindex) {
		snprintf(r->error, sizeof r->error, "no network interface '%s' in the guest (%s)", iface, errstr(errno));
		return;
	}
	memset(&lp->hook, 0, sizeof lp->hook);
	lp->hook.sz = sizeof lp->hook;
	lp->hook.ifindex = (int)ifindex;
	lp->hook.attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS;
	int err = bpf_tc_hook_create(&lp->hook);
	if (err && err != -EEXIST) {
		snprintf(r->error, sizeof r->error, "creating the clsact qdisc on %s failed: %s", iface, errstr(err));
		return;
	}
	memset(&lp->tco, 0, sizeof lp->tco);
	lp->tco.sz = sizeof lp->tco;
	lp->tco.prog_fd = bpf_program__fd(lp->prog);
	err = bpf_tc_attach(&lp->hook, &lp->tco);
	if (err) {
		snprintf(r->error, sizeof r->error, "attaching tc %s on %s failed: %s", egress ? "egress" : "ingress", iface, errstr(err));
		return;
	}
	lp->tc = 1;
}

static void __attribute__((noreturn)) pin_failed(const char *pin_dir, const char *what, int err)
{
	char e[256];
	struct jw scratch = {0};
	detach_all();
	jw_arr(&scratch, NULL);
	remove_pin_dir(pin_dir, &scratch, e, sizeof e);
	sb_free(&scratch.b);
	fail("pin", NULL, NULL, "pinning %s failed: %s", what, errstr(err));
}

static void pin_all(struct bpf_object *obj, const char *pin_dir)
{
	char path[PATH_MAX], name[256];
	const char *subs[] = {"maps", "links", "progs"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", pin_dir, subs[i]);
		if (mkdir_p(path))
			pin_failed(pin_dir, path, errno);
	}
	struct bpf_map *map;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__fd(map) < 0)
			continue;
		pin_name(name, sizeof name, bpf_map__name(map));
		snprintf(path, sizeof path, "%s/maps/%s", pin_dir, name);
		int err = bpf_map__pin(map, path);
		if (err)
			pin_failed(pin_dir, path, -err);
	}
	for (int i = 0; i < nprogs; i++) {
		struct loaded *lp = &progs[i];
		if (bpf_program__fd(lp->prog) < 0)
			continue;
		pin_name(name, sizeof name, bpf_program__name(lp->prog));
		snprintf(lp->prog_pin, sizeof lp->prog_pin, "%s/progs/%s", pin_dir, name);
		int err = bpf_program__pin(lp->prog, lp->prog_pin);
		if (err)
			pin_failed(pin_dir, lp->prog_pin, -err);
		if (lp->r.link) {
			snprintf(lp->link_pin, sizeof lp->link_pin, "%s/links/%s", pin_dir, name);
			err = bpf_link__pin(lp->r.link, lp->link_pin);
			if (err)
				pin_failed(pin_dir, lp->link_pin, -err);
		}
		if (lp->tc) {
			/* The name records how to detach: IFINDEX_DIR_HANDLE_PRIORITY_PROG. */
			snprintf(path, sizeof path, "%s/tc", pin_dir);
			if (mkdir_p(path))
				pin_failed(pin_dir, path, errno);
			snprintf(lp->link_pin, sizeof lp->link_pin, "%s/tc/%d_%s_%u_%u_%s", pin_dir, lp->hook.ifindex,
				 lp->hook.attach_point == BPF_TC_EGRESS ? "egress" : "ingress", lp->tco.handle, lp->tco.priority, name);
			if (bpf_obj_pin(bpf_program__fd(lp->prog), lp->link_pin))
				pin_failed(pin_dir, lp->link_pin, errno);
		}
	}
}

static void report(struct bpf_object *obj, const char *object, const char *pin_dir, int log_level)
{
	char path[PATH_MAX], name[256];
	struct jw w = {0};
	jw_obj(&w, NULL);
	jw_bool(&w, "ok", 1);
	jw_str(&w, "object", object);
	jw_str(&w, "pinDir", pin_dir);
	jw_arr(&w, "programs");
	for (int i = 0; i < nprogs; i++) {
		struct loaded *lp = &progs[i];
		const char *t = libbpf_bpf_prog_type_str(bpf_program__type(lp->prog));
		int fd = bpf_program__fd(lp->prog);
		jw_obj(&w, NULL);
		jw_str(&w, "name", bpf_program__name(lp->prog));
		jw_str(&w, "section", bpf_program__section_name(lp->prog));
		jw_str(&w, "type", t ? t : "unknown");
		if (fd >= 0)
			jw_int(&w, "id", prog_id(fd));
		else
			jw_null(&w, "id");
		if (lp->r.has_attach) {
			jw_obj(&w, "attach");
			jw_str(&w, "kind", lp->r.kind);
			jw_str(&w, "target", lp->r.target);
			jw_end(&w);
		} else {
			jw_null(&w, "attach");
		}
		jw_bool(&w, "attached", lp->r.link != NULL || lp->tc);
		if (lp->r.note[0])
			jw_str(&w, "note", lp->r.note);
		jw_str(&w, "pinned", lp->prog_pin[0] ? lp->prog_pin : NULL);
		jw_str(&w, "link", lp->link_pin[0] ? lp->link_pin : NULL);
		if (log_level > 0 && lp->log[0])
			jw_str(&w, "verifierLog", lp->log);
		jw_end(&w);
	}
	jw_end(&w);
	jw_arr(&w, "maps");
	struct bpf_map *map;
	bpf_object__for_each_map(map, obj) {
		int fd = bpf_map__fd(map);
		if (fd < 0)
			continue;
		const char *t = libbpf_bpf_map_type_str(bpf_map__type(map));
		pin_name(name, sizeof name, bpf_map__name(map));
		snprintf(path, sizeof path, "%s/maps/%s", pin_dir, name);
		jw_obj(&w, NULL);
		jw_str(&w, "name", bpf_map__name(map));
		jw_str(&w, "type", t ? t : "unknown");
		jw_int(&w, "id", map_id(fd));
		jw_int(&w, "keySize", bpf_map__key_size(map));
		jw_int(&w, "valueSize", bpf_map__value_size(map));
		jw_int(&w, "maxEntries", bpf_map__max_entries(map));
		jw_str(&w, "pinned", path);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	jw_print(&w);
}

int cmd_load(int argc, char **argv)
{
	const char *object = NULL, *pin_dir = NULL;
	struct attach_opts ao = {0};
	int log_level = 0, no_attach = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int has = i + 1 < argc;
		if (!strcmp(a, "--pin-dir") && has)
			pin_dir = argv[++i];
		else if (!strcmp(a, "--iface") && has)
			ao.iface = argv[++i];
		else if (!strcmp(a, "--uprobe-target") && has)
			ao.uprobe_target = argv[++i];
		else if (!strcmp(a, "--log-level") && has)
			log_level = atoi(argv[++i]);
		else if (!strcmp(a, "--no-attach"))
			no_attach = 1; /* verify only: load, report, pin nothing (the fds close on exit) */
		else if (!strcmp(a, "--verbose"))
			libbpf_log_verbose(1);
		else if (a[0] == '-' && a[1] == '-')
			fail("usage", NULL, NULL, "unknown or incomplete option '%s'", a);
		else if (!object)
			object = a;
		else
			fail("usage", NULL, NULL, "more than one object file ('%s', '%s')", object, a);
	}
	if (!object)
		fail("usage", NULL, NULL, "load: missing OBJ.bpf.o");
	if (!pin_dir || pin_dir[0] != '/')
		fail("usage", NULL, NULL, "load: --pin-dir with an absolute path (e.g. /sys/fs/bpf/ring0/NAME) is required");
	if (log_level < 0 || log_level > 7)
		fail("usage", NULL, NULL, "--log-level must be 0-7 (1 and 2: instructions, 4: statistics only; or-ed)");
	if (!no_attach && dir_in_use(pin_dir))
		fail("pin", NULL, NULL, "%s already holds pinned objects: unload it first", pin_dir);

	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &rl); /* only matters before memcg accounting (5.11) */

	char *objlog = calloc(1, OBJ_LOG_SIZE);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .kernel_log_buf = objlog, .kernel_log_size = OBJ_LOG_SIZE);
	struct bpf_object *obj = bpf_object__open_file(object, &oo);
	if (!obj) {
		int err = errno;
		char warn[1024];
		last_warning(warn, sizeof warn);
		fail("open", NULL, NULL, "cannot open %s: %s%s%s", object, errstr(err), *warn ? "; " : "", warn);
	}

	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		if (nprogs == MAX_PROGS)
			fail("open", NULL, NULL, "%s has more than %d programs", object, MAX_PROGS);
		struct loaded *lp = &progs[nprogs++];
		lp->prog = prog;
		lp->log = malloc(PROG_LOG_SIZE);
		if (!lp->log)
			fail("open", NULL, NULL, "out of memory");
		lp->log[0] = '\0';
		bpf_program__set_log_buf(prog, lp->log, PROG_LOG_SIZE);
		if (log_level)
			bpf_program__set_log_level(prog, (__u32)log_level);
	}
	if (nprogs == 0)
		fail("open", NULL, NULL, "%s has no BPF programs (no SEC(\"...\") functions)", object);

	if (bpf_object__load(obj))
		load_failed(errno, objlog);

	for (int i = 0; i < nprogs && !no_attach; i++) {
		struct loaded *lp = &progs[i];
		if (!bpf_program__autoload(lp->prog)) {
			snprintf(lp->r.note, sizeof lp->r.note, "autoload disabled: not loaded");
			continue;
		}
		attach_program(lp->prog, &ao, &lp->r);
		if (!lp->r.error[0] && !strcmp(lp->r.kind, "tc"))
			attach_tc(lp, ao.iface, strstr(lp->r.target, ":egress") != NULL);
		if (lp->r.error[0]) {
			detach_all();
			fail("attach", bpf_program__name(lp->prog), NULL, "%s", lp->r.error);
		}
	}

	if (!no_attach)
		pin_all(obj, pin_dir);
	report(obj, object, pin_dir, log_level);
	return 0;
}
