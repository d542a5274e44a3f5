/* json.h - minimal strict JSON reader for the agent protocol (no dependencies); the writer is ../common/jw.h. */
#ifndef R0_JSON_H
#define R0_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "../common/jw.h"

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

#endif
