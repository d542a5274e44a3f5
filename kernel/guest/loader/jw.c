/* jw.c - JSON writer: escaping, nesting and comma bookkeeping for the loader's reply. */
#include "jw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n + 1)
			cap *= 2;
		char *p = realloc(w->p, cap);
		if (!p)
			abort();
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void puts_(struct jw *w, const char *s) { put(w, s, strlen(s)); }

static void quoted(struct jw *w, const char *s)
{
	put(w, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		char esc[8];
		switch (*c) {
		case '"': puts_(w, "\\\""); break;
		case '\\': puts_(w, "\\\\"); break;
		case '\n': puts_(w, "\\n"); break;
		case '\t': puts_(w, "\\t"); break;
		case '\r': puts_(w, "\\r"); break;
		default:
			if (*c < 0x20 || *c == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", *c);
				puts_(w, esc);
			} else {
				put(w, (const char *)c, 1);
			}
		}
	}
	put(w, "\"", 1);
}

/* Comma and key before a value at the current depth. */
static void lead(struct jw *w, const char *k)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			put(w, ",", 1);
		w->first[w->depth] = 0;
	}
	if (k) {
		quoted(w, k);
		put(w, ":", 1);
	}
}

static void open_(struct jw *w, const char *k, const char *br)
{
	lead(w, k);
	puts_(w, br);
	if (w->depth + 1 >= (int)sizeof w->first)
		abort();
	w->first[++w->depth] = 1;
}

void jw_obj(struct jw *w, const char *k) { open_(w, k, "{"); }
void jw_arr(struct jw *w, const char *k) { open_(w, k, "["); }
void jw_end_obj(struct jw *w) { w->depth--; puts_(w, "}"); }
void jw_end_arr(struct jw *w) { w->depth--; puts_(w, "]"); }

void jw_str(struct jw *w, const char *k, const char *v)
{
	lead(w, k);
	if (v)
		quoted(w, v);
	else
		puts_(w, "null");
}

void jw_int(struct jw *w, const char *k, long long v)
{
	char num[32];
	lead(w, k);
	snprintf(num, sizeof num, "%lld", v);
	puts_(w, num);
}

void jw_bool(struct jw *w, const char *k, int v)
{
	lead(w, k);
	puts_(w, v ? "true" : "false");
}

void jw_null(struct jw *w, const char *k)
{
	lead(w, k);
	puts_(w, "null");
}

void jw_raw(struct jw *w, const char *k, const char *json)
{
	lead(w, k);
	puts_(w, json);
}

void jw_print(struct jw *w)
{
	put(w, "\n", 1);
	fwrite(w->p, 1, w->len, stdout);
	fflush(stdout);
	free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
}
