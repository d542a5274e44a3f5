/* json.c - strict JSON tokenizer and string decoding (the writer is ../common/jw.c). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reader ---- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


static int add_tok(struct jdoc *d, uint8_t type, size_t start, size_t end)
{
	if (d->n == d->cap) {
		if (d->cap >= (1u << 24))
			return -1;
		d->cap = d->cap ? d->cap * 2 : 64;
		d->t = xrealloc(d->t, d->cap * sizeof(*d->t));
	}
	struct jtok *t = &d->t[d->n];
	t->type = type;
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	t->count = 0;
	t->next = d->n + 1;
	return (int)d->n++;
}

static int p_value(struct jdoc *d, size_t *pos, int depth);

static void skip_ws(const struct jdoc *d, size_t *pos)
{
	while (*pos < d->len && is_ws(d->s[*pos]))
		(*pos)++;
}

static int p_string(struct jdoc *d, size_t *pos)
{
	const unsigned char *s = (const unsigned char *)d->s;
	size_t i = *pos + 1, start = i;
	while (i < d->len) {
		unsigned char c = s[i];
		if (c == '"') {
			if (add_tok(d, J_STR, start, i) < 0)
				return -1;
			*pos = i + 1;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (i + 1 >= d->len)
				return -1;
			unsigned char e = s[i + 1];
			if (e == 'u') {
				if (i + 6 > d->len)
					return -1;
				for (int k = 2; k < 6; k++)
					if (hexval((char)s[i + k]) < 0)
						return -1;
				i += 6;
			} else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
				   e == 'r' || e == 't') {
				i += 2;
			} else {
				return -1;
			}
			continue;
		}
		int n = utf8_seq(s + i, d->len - i);
		if (!n)
			return -1;
		i += (size_t)n;
	}
	return -1;
}

static int p_number(struct jdoc *d, size_t *pos)
{
	const char *s = d->s;
	size_t i = *pos, n = d->len;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return -1;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return -1;
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (add_tok(d, J_NUM, *pos, i) < 0)
		return -1;
	*pos = i;
	return 0;
}

static int p_literal(struct jdoc *d, size_t *pos, const char *lit, uint8_t type)
{
	size_t l = strlen(lit);
	if (d->len - *pos < l || memcmp(d->s + *pos, lit, l) != 0)
		return -1;
	if (add_tok(d, type, *pos, *pos + l) < 0)
		return -1;
	*pos += l;
	return 0;
}

static int p_container(struct jdoc *d, size_t *pos, int depth, int obj)
{
	char closer = obj ? '}' : ']';
	int me = add_tok(d, obj ? J_OBJ : J_ARR, *pos, *pos);
	if (me < 0)
		return -1;
	(*pos)++;
	skip_ws(d, pos);
	uint32_t count = 0;
	if (*pos < d->len && d->s[*pos] == closer) {
		(*pos)++;
	} else {
		for (;;) {
			skip_ws(d, pos);
			if (obj) {
				if (*pos >= d->len || d->s[*pos] != '"' || p_string(d, pos) < 0)
					return -1;
				skip_ws(d, pos);
				if (*pos >= d->len || d->s[*pos] != ':')
					return -1;
				(*pos)++;
			}
			if (p_value(d, pos, depth + 1) < 0)
				return -1;
			count++;
			skip_ws(d, pos);
			if (*pos >= d->len)
				return -1;
			if (d->s[*pos] == ',') {
				(*pos)++;
				continue;
			}
			if (d->s[*pos] != closer)
				return -1;
			(*pos)++;
			break;
		}
	}
	d->t[me].count = count;
	d->t[me].end = (uint32_t)*pos;
	d->t[me].next = d->n;
	return 0;
}

static int p_value(struct jdoc *d, size_t *pos, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -1;
	skip_ws(d, pos);
	if (*pos >= d->len)
		return -1;
	switch (d->s[*pos]) {
	case '{':
		return p_container(d, pos, depth, 1);
	case '[':
		return p_container(d, pos, depth, 0);
	case '"':
		return p_string(d, pos);
	case 't':
		return p_literal(d, pos, "true", J_TRUE);
	case 'f':
		return p_literal(d, pos, "false", J_FALSE);
	case 'n':
		return p_literal(d, pos, "null", J_NULL);
	default:
		return p_number(d, pos);
	}
}

int json_parse(struct jdoc *d, const char *s, size_t len)
{
	memset(d, 0, sizeof(*d));
	if (len >= UINT32_MAX)
		return -1;
	d->s = s;
	d->len = len;
	size_t pos = 0;
	if (p_value(d, &pos, 0) < 0)
		return -1;
	skip_ws(d, &pos);
	return pos == len ? 0 : -1;
}

void json_free(struct jdoc *d)
{
	free(d->t);
	d->t = NULL;
	d->n = d->cap = 0;
}

static int key_eq(const struct jdoc *d, int tok, const char *key)
{
	const struct jtok *t = &d->t[tok];
	size_t l = t->end - t->start, kl = strlen(key);
	if (!memchr(d->s + t->start, '\\', l))
		return l == kl && memcmp(d->s + t->start, key, l) == 0;
	size_t dl;
	char *k = json_strdup(d, tok, &dl);
	int eq = k && dl == kl && memcmp(k, key, kl) == 0;
	free(k);
	return eq;
}

int json_get(const struct jdoc *d, int obj, const char *key)
{
	if (obj < 0 || (uint32_t)obj >= d->n || d->t[obj].type != J_OBJ)
		return -1;
	uint32_t i = (uint32_t)obj + 1;
	for (uint32_t k = 0; k < d->t[obj].count; k++) {
		if (key_eq(d, (int)i, key))
			return (int)i + 1;
		i = d->t[i + 1].next;
	}
	return -1;
}

int json_int(const struct jdoc *d, int tok, int64_t *out)
{
	if (tok < 0 || d->t[tok].type != J_NUM)
		return -1;
	const char *p = d->s + d->t[tok].start, *e = d->s + d->t[tok].end;
	int neg = 0;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	uint64_t v = 0;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1; /* fraction or exponent */
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static unsigned hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

char *json_strdup(const struct jdoc *d, int tok, size_t *outlen)
{
	if (tok < 0 || d->t[tok].type != J_STR)
		return NULL;
	const char *p = d->s + d->t[tok].start, *e = d->s + d->t[tok].end;
	/* Escapes never expand: \uXXXX (6 bytes) yields at most 3, a surrogate pair (12) yields 4. */
	char *out = xrealloc(NULL, (size_t)(e - p) + 1), *o = out;
	while (p < e) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		char c = p[1];
		p += 2;
		switch (c) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp = hex4(p);
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
				unsigned lo = hex4(p + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd; /* lone surrogate */
			if (cp == 0) {
				free(out);
				return NULL;
			}
			o += put_utf8(o, cp);
			break;
		}
		default: *o++ = c; break; /* " \ / */
		}
	}
	*o = 0;
	if (memchr(out, 0, (size_t)(o - out))) {
		free(out);
		return NULL;
	}
	if (outlen)
		*outlen = (size_t)(o - out);
	return out;
}

int json_streq(const struct jdoc *d, int tok, const char *lit)
{
	if (tok < 0 || d->t[tok].type != J_STR)
		return 0;
	return key_eq(d, tok, lit);
}
