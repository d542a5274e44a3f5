/* pins.c - `unload` and `list`: walk Ring0's pin directories, detach and remove pins, describe what is behind them. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"

#define DEFAULT_PIN_ROOT "/sys/fs/bpf/ring0"

int mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) && errno != EEXIST ? -1 : 0;
}

void pin_name(char *dst, size_t n, const char *name)
{
	snprintf(dst, n, "%s", name);
	for (char *s = dst; *s; s++)
		if (*s == '.' || *s == '/')
			*s = '_';
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted entry names of a directory (without . and ..); NULL-terminated, or NULL if it cannot be read. */
static char **entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	size_t n = 0, cap = 16;
	char **v = malloc(cap * sizeof *v);
	struct dirent *e;
	while (v && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof *v);
			if (!nv)
				abort();
			v = nv;
		}
		v[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (!v)
		abort();
	qsort(v, n, sizeof *v, cmp_str);
	v[n] = NULL;
	return v;
}

static void free_entries(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* tc/IFINDEX_DIR_HANDLE_PRIORITY_PROG: detach the filter the loader attached. */
static void tc_detach(const char *name)
{
	int ifindex;
	unsigned int handle, prio;
	char dir[16];
	if (sscanf(name, "%d_%15[a-z]_%u_%u_", &ifindex, dir, &handle, &prio) != 4)
		return;
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = strcmp(dir, "egress") ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = prio);
	bpf_tc_detach(&hook, &opts);
}

static int remove_sub(const char *dir, const char *sub, struct jw *w, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	struct stat st;
	if (lstat(path, &st))
		return 0;
	int bad = 0;
	if (S_ISDIR(st.st_mode)) {
		char **v = entries(path);
		for (char **p = v; p && *p; p++) {
			char f[PATH_MAX + 256];
			snprintf(f, sizeof f, "%s/%s", path, *p);
			if (!strcmp(sub, "tc"))
				tc_detach(*p);
			if (unlink(f) == 0) {
				jw_str(w, NULL, f);
			} else if (!bad) {
				bad = 1;
				snprintf(err, errlen, "cannot remove %s: %s", f, strerror(errno));
			}
		}
		free_entries(v);
		if (rmdir(path) && !bad) {
			bad = 1;
			snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		}
	} else if (unlink(path) == 0) {
		jw_str(w, NULL, path);
	} else if (!bad) {
		bad = 1;
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
	}
	return bad;
}

int remove_pin_dir(const char *dir, struct jw *w, char *err, size_t errlen)
{
	int bad = 0;
	err[0] = '\0';
	/* Links and tc filters first, so programs detach before their maps go. */
	const char *first[] = {"tc", "links", "progs", "maps"};
	for (size_t i = 0; i < 4; i++)
		bad |= remove_sub(dir, first[i], w, err, errlen);
	char **v = entries(dir);
	for (char **p = v; p && *p; p++)
		bad |= remove_sub(dir, *p, w, err, errlen);
	free_entries(v);
	if (rmdir(dir) && errno != ENOENT && !bad) {
		bad = 1;
		snprintf(err, errlen, "cannot remove %s: %s", dir, strerror(errno));
	}
	return bad;
}

unsigned int prog_id(int fd)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof info;
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

unsigned int map_id(int fd)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof info;
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

void jw_map_info(struct jw *w, int fd)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	const char *t = libbpf_bpf_map_type_str(info.type);
	jw_int(w, "id", info.id);
	jw_str(w, "type", t ? t : "unknown");
	jw_str(w, "kernelName", info.name);
	jw_int(w, "keySize", info.key_size);
	jw_int(w, "valueSize", info.value_size);
	jw_int(w, "maxEntries", info.max_entries);
}

void jw_prog_info(struct jw *w, int fd)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	const char *t = libbpf_bpf_prog_type_str(info.type);
	char tag[2 * BPF_TAG_SIZE + 1];
	for (int i = 0; i < BPF_TAG_SIZE; i++)
		snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);
	jw_int(w, "id", info.id);
	jw_str(w, "type", t ? t : "unknown");
	jw_str(w, "kernelName", info.name);
	jw_str(w, "tag", tag);
}

void jw_link_info(struct jw *w, int fd)
{
	struct bpf_link_info info = {0};
	char tp[256] = "";
	__u32 len = sizeof info;
	info.raw_tracepoint.tp_name = (__u64)(unsigned long)tp;
	info.raw_tracepoint.tp_name_len = sizeof tp;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	const char *t = libbpf_bpf_link_type_str(info.type);
	jw_int(w, "id", info.id);
	jw_str(w, "type", t ? t : "unknown");
	jw_int(w, "progId", info.prog_id);
	if (info.type == BPF_LINK_TYPE_RAW_TRACEPOINT)
		jw_str(w, "tracepoint", tp);
	if (info.type == BPF_LINK_TYPE_XDP) {
		char ifname[IF_NAMESIZE] = "";
		jw_str(w, "iface", if_indextoname(info.xdp.ifindex, ifname) ? ifname : NULL);
	}
	if (info.type == BPF_LINK_TYPE_TRACING) {
		const char *at = libbpf_bpf_attach_type_str(info.tracing.attach_type);
		jw_str(w, "attachType", at ? at : "unknown");
		jw_int(w, "targetBtfId", info.tracing.target_btf_id);
	}
}

static const char *pin_dir_arg(int argc, char **argv, const char *flag, const char *dflt)
{
	const char *v = dflt;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], flag) && i + 1 < argc)
			v = argv[++i];
		else
			fail("usage", NULL, NULL, "unknown or incomplete option '%s' (expected %s DIR)", argv[i], flag);
	}
	if (!v || v[0] != '/')
		fail("usage", NULL, NULL, "%s with an absolute path is required", flag);
	return v;
}

int cmd_unload(int argc, char **argv)
{
	const char *dir = pin_dir_arg(argc, argv, "--pin-dir", NULL);
	struct stat st;
	if (lstat(dir, &st))
		fail("unload", NULL, NULL, "%s: %s (nothing loaded under that name)", dir, strerror(errno));
	char err[PATH_MAX + 128];
	struct jw removed = {0};
	jw_arr(&removed, NULL);
	int bad = remove_pin_dir(dir, &removed, err, sizeof err);
	jw_end(&removed);

	struct jw w = {0};
	jw_obj(&w, NULL);
	jw_bool(&w, "ok", !bad);
	jw_str(&w, "pinDir", dir);
	if (bad)
		jw_str(&w, "error", err);
	jw_raw(&w, "removed", jw_cstr(&removed));
	jw_end(&w);
	jw_print(&w);
	sb_free(&removed.b);
	return bad ? 1 : 0;
}

static void list_kind(struct jw *w, const char *dir, const char *sub, const char *key)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	char **v = entries(path);
	jw_arr(w, key);
	for (char **p = v; p && *p; p++) {
		char f[PATH_MAX + 256];
		snprintf(f, sizeof f, "%s/%s", path, *p);
		jw_obj(w, NULL);
		jw_str(w, "name", *p);
		jw_str(w, "pinned", f);
		int fd = bpf_obj_get(f);
		if (fd < 0) {
			jw_str(w, "error", strerror(errno));
		} else {
			if (!strcmp(sub, "maps"))
				jw_map_info(w, fd);
			else if (!strcmp(sub, "links"))
				jw_link_info(w, fd);
			else
				jw_prog_info(w, fd);
			close(fd);
		}
		jw_end(w);
	}
	jw_end(w);
	free_entries(v);
}

int cmd_list(int argc, char **argv)
{
	const char *root = pin_dir_arg(argc, argv, "--pin-root", DEFAULT_PIN_ROOT);
	struct jw w = {0};
	jw_obj(&w, NULL);
	jw_bool(&w, "ok", 1);
	jw_str(&w, "pinRoot", root);
	jw_arr(&w, "objects");
	char **v = entries(root);
	for (char **p = v; p && *p; p++) {
		char dir[PATH_MAX];
		struct stat st;
		snprintf(dir, sizeof dir, "%s/%s", root, *p);
		if (lstat(dir, &st) || !S_ISDIR(st.st_mode))
			continue;
		jw_obj(&w, NULL);
		jw_str(&w, "name", *p);
		jw_str(&w, "pinDir", dir);
		list_kind(&w, dir, "progs", "programs");
		list_kind(&w, dir, "links", "links");
		list_kind(&w, dir, "maps", "maps");
		list_kind(&w, dir, "tc", "tcFilters");
		jw_end(&w);
	}
	free_entries(v);
	jw_end(&w);
	jw_end(&w);
	jw_print(&w);
	return 0;
}
