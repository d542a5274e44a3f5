/* fuzz_agent.c - libFuzzer entry for the guest agent's parsers (json.c, proto.c's frame decoder),
 * built by test/fuzz/native.ts with -fsanitize=fuzzer,address,undefined. Not part of the agent. */
#include "../agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int connected = 1;
static size_t frames;

void logmsg(const char *fmt, ...)
{
	(void)fmt;
}

/* The agent's real handler spawns processes; here every frame's JSON goes through the reader and
 * its accessors, which is what handle_frame does first with untrusted bytes. */
static void exercise_json(const uint8_t *p, size_t n)
{
	struct jdoc d;
	if (json_parse(&d, (const char *)p, n) == 0) {
		static const char *keys[] = { "id", "op", "argv", "env", "cwd", "path", "data", "" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			int t = json_get(&d, 0, keys[k]);
			if (t < 0)
				continue;
			int64_t v;
			(void)json_int(&d, t, &v);
			(void)json_streq(&d, t, "exec");
			size_t len;
			free(json_strdup(&d, t, &len));
		}
		for (uint32_t t = 0; t < d.n; t++) {
			size_t len;
			free(json_strdup(&d, (int)t, &len));
		}
	}
	json_free(&d); /* after a failed parse too, as handle_frame does */
}

void handle_frame(const uint8_t *json, size_t jlen, const uint8_t *bin, size_t blen)
{
	(void)bin;
	(void)blen;
	frames++;
	exercise_json(json, jlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	exercise_json(data, size);
	/* The same bytes through the decoder, in two chunks split at a point taken from the input. */
	struct decoder dec;
	memset(&dec, 0, sizeof(dec));
	dec_reset(&dec);
	size_t cut = size ? data[0] % (size + 1) : 0;
	const uint8_t *parts[2] = { data, data + cut };
	size_t lens[2] = { cut, size - cut };
	for (int i = 0; i < 2; i++) {
		if (!lens[i])
			continue; /* the agent always asks dec_space for a whole read buffer */
		uint8_t *space = dec_space(&dec, lens[i]);
		memcpy(space, parts[i], lens[i]);
		dec.len += lens[i];
		dec_process(&dec);
	}
	out_clear();
	free(dec.buf);
	return 0;
}
