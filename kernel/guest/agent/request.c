/* request.c - reads and validates a request's fields (numbers, flags, target session, spawn arguments). */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 4096
#define MAX_ENV 4096

static void req_free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void req_free_spawn(struct spawn_req *rq)
{
	req_free_strv(rq->argv);
	req_free_strv(rq->env_set);
	req_free_strv(rq->env_unset);
	free(rq->cwd);
	memset(rq, 0, sizeof(*rq));
}

/* Optional integer field: 0 ok (default kept when absent), -1 invalid. */
int req_u64(const struct jdoc *d, const char *key, int64_t max, int64_t *out)
{
	int t = json_get(d, 0, key);
	if (t < 0 || d->t[t].type == J_NULL)
		return 0;
	int64_t v;
	if (json_int(d, t, &v) < 0 || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int req_bool(const struct jdoc *d, const char *key, int *out)
{
	int t = json_get(d, 0, key);
	if (t < 0 || d->t[t].type == J_NULL)
		return 0;
	if (d->t[t].type != J_TRUE && d->t[t].type != J_FALSE)
		return -1;
	*out = d->t[t].type == J_TRUE;
	return 0;
}

uint32_t req_target(const struct jdoc *d, uint32_t id)
{
	int64_t t = 0;
	if (req_u64(d, "target", UINT32_MAX, &t) < 0 || !t) {
		send_error(id, "BAD_REQUEST", "target must be the id of a running exec or stream");
		return 0;
	}
	return (uint32_t)t;
}

/* Parses argv, cwd, env, clearEnv; sends the error reply itself and returns -1 on bad input. */
int req_parse_spawn(const struct jdoc *d, uint32_t id, struct spawn_req *rq)
{
	memset(rq, 0, sizeof(*rq));
	int a = json_get(d, 0, "argv");
	if (a < 0 || d->t[a].type != J_ARR || d->t[a].count == 0 || d->t[a].count > MAX_ARGS) {
		send_error(id, "BAD_REQUEST", "argv must be a non-empty array of strings");
		return -1;
	}
	rq->argv = calloc(d->t[a].count + 1, sizeof(char *));
	for (uint32_t i = (uint32_t)a + 1, k = 0; k < d->t[a].count; k++, i = d->t[i].next) {
		rq->argv[k] = json_strdup(d, (int)i, NULL);
		if (!rq->argv[k]) {
			send_error(id, "BAD_REQUEST", "argv[%u] is not a string without NUL characters", k);
			return -1;
		}
	}
	if (!rq->argv[0][0]) {
		send_error(id, "BAD_REQUEST", "argv[0] is empty");
		return -1;
	}
	int c = json_get(d, 0, "cwd");
	if (c >= 0 && d->t[c].type != J_NULL) {
		rq->cwd = json_strdup(d, c, NULL);
		if (!rq->cwd || !rq->cwd[0]) {
			send_error(id, "BAD_REQUEST", "cwd must be a non-empty string");
			return -1;
		}
	}
	int e = json_get(d, 0, "env");
	if (e >= 0 && d->t[e].type != J_NULL) {
		uint32_t n = d->t[e].count;
		if (d->t[e].type != J_OBJ || n > MAX_ENV) {
			send_error(id, "BAD_REQUEST", "env must be an object of strings (or null to unset)");
			return -1;
		}
		rq->env_set = calloc(n + 1, sizeof(char *));
		rq->env_unset = calloc(n + 1, sizeof(char *));
		size_t ns = 0, nu = 0;
		for (uint32_t i = (uint32_t)e + 1, k = 0; k < n; k++, i = d->t[i + 1].next) {
			size_t kl, vl;
			char *key = json_strdup(d, (int)i, &kl);
			if (!key || !kl || memchr(key, '=', kl)) {
				free(key);
				send_error(id, "BAD_REQUEST", "env names must be non-empty and contain no '='");
				return -1;
			}
			if (d->t[i + 1].type == J_NULL) {
				rq->env_unset[nu++] = key;
				continue;
			}
			char *val = json_strdup(d, (int)i + 1, &vl);
			if (!val) {
				send_error(id, "BAD_REQUEST", "env value of %.64s must be a string or null", key);
				free(key);
				return -1;
			}
			char *kv = malloc(kl + vl + 2);
			if (!kv)
				abort();
			memcpy(kv, key, kl);
			kv[kl] = '=';
			memcpy(kv + kl + 1, val, vl + 1);
			free(key);
			free(val);
			rq->env_set[ns++] = kv;
		}
	}
	if (req_bool(d, "clearEnv", &rq->clear_env) < 0) {
		send_error(id, "BAD_REQUEST", "clearEnv must be a boolean");
		return -1;
	}
	return 0;
}
