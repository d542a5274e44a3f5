/* jw.h - tiny growable-buffer JSON writer for the loader's one-object stdout reply. */
#ifndef R0L_JW_H
#define R0L_JW_H

#include <stddef.h>

struct jw {
	char *p;
	size_t len, cap;
	int depth;
	unsigned char first[32];
};

/* Keys are NULL inside arrays. Allocation failure aborts (the loader is short-lived). */
void jw_obj(struct jw *w, const char *k);
void jw_arr(struct jw *w, const char *k);
void jw_end_obj(struct jw *w);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *k, const char *v); /* v NULL writes null */
void jw_int(struct jw *w, const char *k, long long v);
void jw_bool(struct jw *w, const char *k, int v);
void jw_null(struct jw *w, const char *k);
/* A value that is already JSON. */
void jw_raw(struct jw *w, const char *k, const char *json);
/* Writes the document and a newline to stdout, then frees it. */
void jw_print(struct jw *w);

#endif
