/* json.h - minimal strict JSON reader and writer for the agent protocol (no dependencies). */
#ifndef R0_JSON_H
#define R0_JSON_H

#include <stddef.h>
#include <stdint.h>

/*
 * Hand-written on purpose: the agent is a small static binary. The reader validates the whole
 * document (grammar, UTF-8, nesting depth) into a flat token array over the input bytes and
 * decodes strings only on access; any deviation makes json_parse fail, never overflow.
 */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jtok {
	uint8_t type;
	uint32_t start, end; /* byte range in the input; strings exclude the quotes */
	uint32_t next;       /* index of the first token after this token's subtree */
	uint32_t count;      /* arrays: elements; objects: key/value pairs */
};

struct jdoc {
	const char *s;
	size_t len;
	struct jtok *t;
	uint32_t n, cap;
};

#define JSON_MAX_DEPTH 32

int json_parse(struct jdoc *d, const char *s, size_t len); /* 0, or -1 on any error */
void json_free(struct jdoc *d);
int json_get(const struct jdoc *d, int obj, const char *key); /* value token or -1 */
int json_int(const struct jdoc *d, int tok, int64_t *out);     /* 0 if an integer in range */
/* Decoded, NUL-terminated, malloc'd; NULL unless a string without U+0000. */
char *json_strdup(const struct jdoc *d, int tok, size_t *outlen);
int json_streq(const struct jdoc *d, int tok, const char *lit);

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

/* JSON object writer: keys are NULL inside arrays. */
struct jw {
	struct sb b;
	int depth;
	char close[16];
	uint8_t first[16];
};
void jw_begin(struct jw *w);
void jw_str(struct jw *w, const char *k, const char *v); /* v NULL writes null */
void jw_strn(struct jw *w, const char *k, const char *v, size_t n);
void jw_int(struct jw *w, const char *k, int64_t v);
void jw_bool(struct jw *w, const char *k, int v);
void jw_null(struct jw *w, const char *k);
void jw_obj(struct jw *w, const char *k);
void jw_arr(struct jw *w, const char *k);
void jw_end(struct jw *w);

#endif
