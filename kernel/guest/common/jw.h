/* jw.h - the guest programs' growable byte buffer and JSON writer (agent and BPF loader). */
#ifndef R0_JW_H
#define R0_JW_H

#include <stddef.h>
#include <stdint.h>

/* realloc that aborts on failure (every allocation here is bounded by the protocol). */
void *xrealloc(void *p, size_t n);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid (overlong, surrogate, > U+10FFFF). */
int utf8_seq(const unsigned char *p, size_t n);

/* Growable byte buffer. Allocation failure aborts: every buffer here is bounded by the protocol. */
struct sb {
	char *p;
	size_t len, cap;
};
void sb_reserve(struct sb *b, size_t extra);
void sb_put(struct sb *b, const void *s, size_t n);
void sb_putc(struct sb *b, char c);
void sb_free(struct sb *b);
void sb_consume(struct sb *b, size_t n); /* drops n bytes from the front */

/*
 * JSON writer: keys are NULL inside arrays. Zero-initialised, the next value is the document itself
 * (jw_obj(w, NULL) or jw_arr(w, NULL)); jw_begin does that for an object.
 */
struct jw {
	struct sb b;
	int depth;
	char close[16];
	uint8_t first[16];
};
void jw_begin(struct jw *w); /* starts the document as an object */
void jw_str(struct jw *w, const char *k, const char *v); /* v NULL writes null */
void jw_strn(struct jw *w, const char *k, const char *v, size_t n);
void jw_int(struct jw *w, const char *k, int64_t v);
void jw_bool(struct jw *w, const char *k, int v);
void jw_null(struct jw *w, const char *k);
void jw_obj(struct jw *w, const char *k);
void jw_arr(struct jw *w, const char *k);
void jw_end(struct jw *w); /* closes the innermost object or array */
void jw_raw(struct jw *w, const char *k, const char *json); /* a value that is already JSON */
const char *jw_cstr(struct jw *w); /* the text so far, NUL-terminated */
void jw_print(struct jw *w); /* writes the document and a newline to stdout, then frees it */

#endif
