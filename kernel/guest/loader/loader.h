/* loader.h - shared declarations of ring0-bpf-loader (commands, failure reply, libbpf log capture). */
#ifndef R0L_LOADER_H
#define R0L_LOADER_H

#include <stddef.h>

#include "../common/jw.h"

struct bpf_program;
struct bpf_link;

int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_map_btf(int argc, char **argv);

/* strerror that also knows libbpf's own codes (4000+). */
const char *errstr(int err);

/* libbpf's warnings and info lines of this run (debug lines too when --log-level > 0). */
const char *libbpf_log(void);
void libbpf_log_verbose(int on);
/* Name in the last "prog 'NAME': ..." line libbpf printed, or NULL. */
char *libbpf_last_prog(void);

/* Prints {ok:false, stage, error, program?, verifierLog?, libbpfLog?} and exits 1 (2 for stage "usage"). */
void fail(const char *stage, const char *program, const char *verifier_log, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* How one program is attached. */
struct attach_res {
	struct bpf_link *link; /* NULL: not attached */
	char kind[32];
	char target[512];
	int has_attach; /* kind/target meaningful */
	char note[512];
	char error[1024]; /* non-empty: attaching failed */
};

struct attach_opts {
	const char *iface;
	const char *uprobe_target;
};

void attach_program(struct bpf_program *prog, const struct attach_opts *o, struct attach_res *r);

/* Pin-dir helpers (pins.c). */
int mkdir_p(const char *dir);
/* Unpins everything under dir (links first, so programs detach) and removes it; names go to w's array. */
int remove_pin_dir(const char *dir, struct jw *w, char *err, size_t errlen);
/* bpffs names must not contain '.' (".rodata" maps): replaced by '_'. */
void pin_name(char *dst, size_t n, const char *name);

/* Map and program details by fd, into the current JSON object. */
void jw_map_info(struct jw *w, int fd);
void jw_prog_info(struct jw *w, int fd);
void jw_link_info(struct jw *w, int fd);
unsigned int prog_id(int fd);
unsigned int map_id(int fd);

#endif
