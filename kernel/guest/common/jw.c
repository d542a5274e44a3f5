/* jw.c - the guest programs' growable buffer and JSON writer (escaping, nesting, commas), shared by
 * the agent and the BPF loader. */
#include "jw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("ring0: out of memory\n", stderr);
		abort();
	}
	return q;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid (overlong, surrogate, > U+10FFFF). */
int utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;
		if (c == 0xed && p[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* ---- buffers ---- */

void sb_reserve(struct sb *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < extra)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void sb_put(struct sb *b, const void *s, size_t n)
{
	if (!n)
		return;
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void sb_putc(struct sb *b, char c)
{
	sb_put(b, &c, 1);
}

void sb_free(struct sb *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void sb_consume(struct sb *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

/* ---- writer ---- */

static void put_escaped(struct sb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			sb_put(b, e, 6);
			i++;
		} else if (c < 0x80) {
			sb_putc(b, (char)c);
			i++;
		} else {
			int l = utf8_seq(p + i, n - i);
			if (l) {
				sb_put(b, p + i, (size_t)l);
				i += (size_t)l;
			} else {
				sb_put(b, "\\ufffd", 6); /* invalid UTF-8 byte */
				i++;
			}
		}
	}
	sb_putc(b, '"');
}

/* Comma and key before a value; a value at depth 0 is the document itself. */
static void jw_key(struct jw *w, const char *k)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			sb_putc(&w->b, ',');
		w->first[w->depth] = 0;
	}
	if (k) {
		put_escaped(&w->b, k, strlen(k));
		sb_putc(&w->b, ':');
	}
}

void jw_begin(struct jw *w)
{
	memset(w, 0, sizeof(*w));
	jw_obj(w, NULL);
}

void jw_strn(struct jw *w, const char *k, const char *v, size_t n)
{
	jw_key(w, k);
	put_escaped(&w->b, v, n);
}

void jw_str(struct jw *w, const char *k, const char *v)
{
	if (!v) {
		jw_null(w, k);
		return;
	}
	jw_strn(w, k, v, strlen(v));
}

void jw_int(struct jw *w, const char *k, int64_t v)
{
	char num[24];
	jw_key(w, k);
	int n = snprintf(num, sizeof(num), "%lld", (long long)v);
	sb_put(&w->b, num, (size_t)n);
}

void jw_bool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	sb_put(&w->b, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w, const char *k)
{
	jw_key(w, k);
	sb_put(&w->b, "null", 4);
}

static void jw_open(struct jw *w, const char *k, char open, char close)
{
	jw_key(w, k);
	if (w->depth + 1 >= (int)sizeof(w->close))
		abort(); /* writer misuse: nesting is fixed by the code, never by input */
	sb_putc(&w->b, open);
	w->depth++;
	w->close[w->depth] = close;
	w->first[w->depth] = 1;
}

void jw_obj(struct jw *w, const char *k)
{
	jw_open(w, k, '{', '}');
}

void jw_arr(struct jw *w, const char *k)
{
	jw_open(w, k, '[', ']');
}

void jw_end(struct jw *w)
{
	if (w->depth == 0)
		abort(); /* writer misuse, as above */
	sb_putc(&w->b, w->close[w->depth]);
	w->depth--;
}

void jw_raw(struct jw *w, const char *k, const char *json)
{
	jw_key(w, k);
	sb_put(&w->b, json, strlen(json));
}

const char *jw_cstr(struct jw *w)
{
	sb_reserve(&w->b, 1);
	w->b.p[w->b.len] = '\0';
	return w->b.p;
}

void jw_print(struct jw *w)
{
	sb_putc(&w->b, '\n');
	fwrite(w->b.p, 1, w->b.len, stdout);
	fflush(stdout);
	sb_free(&w->b);
}
