/* SPDX-License-Identifier: MIT */
/*
 * The one way objload's robustness tests and fuzzers drive the library
 * with untrusted bytes (tests/unit/test_malformed.c and fuzz/fuzz_*.c
 * include it), so that a fuzzer's crash replays exactly in `make check`.
 *
 * harness_run: a fresh session (host lookup off, the given strategy,
 * archives whole), objload_add_memory, objload_define of every undefined
 * name of the parsed images plus a fixed list of names the seed objects
 * use (so that archive members parsed at link time resolve too), then
 * objload_link_at(HARNESS_BASE): plan, resolve and relocate into a
 * private buffer.  Nothing is ever executed.  A lone archive gets a tiny
 * empty ELF object beside it, because a link needs one object.  After a
 * link the flat image is read through, the metrics and the map are taken.
 *
 * Header-only, static functions: each includer gets its own copy.
 */
#ifndef OBJLOAD_FUZZ_HARNESS_H
#define OBJLOAD_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"

#define HARNESS_BASE 0x10000000ull
#define HARNESS_DEFINE_BASE 0x20000000ull

enum harness_outcome { HARNESS_PARSE_FAILED, HARNESS_LINK_FAILED, HARNESS_LINKED };

/* An ELF x86-64 relocatable object with a null section and .shstrtab. */
static const uint8_t harness_anchor[208] = {
	0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
	0x02, 0x00, 0x01, 0x00, 0x00, 0x2e, 0x73, 0x68, 0x73, 0x74, 0x72, 0x74,
	0x61, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/* Names the seed objects of tests/malformed/gen.py reference, C-level. */
static const char *const harness_names[] = {
	"printf", "puts", "ext_val", "ext_fn", "lt_hook", "atexit", "__cxa_atexit",
	"__dso_handle", "__stack_chk_fail", "__stack_chk_guard", "_fltused",
	"__security_cookie", "__security_check_cookie",
};

static void harness_define_undefined(objload_session *s)
{
	uint64_t k = 0;

	for (size_t i = 0; i < sizeof(harness_names) / sizeof(harness_names[0]); i++)
		objload_define(s, harness_names[i], HARNESS_DEFINE_BASE + 16 * k++);
	for (size_t i = 0; i < objload_image_count(s); i++) {
		const objload_image *img = objload_get_image(s, i);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def == OBJLOAD_DEF_UNDEFINED && sym->cname && sym->cname[0])
				objload_define(s, sym->cname, HARNESS_DEFINE_BASE + 16 * k++);
		}
	}
}

/* Returns the outcome; *status the last status; *msg (when not NULL) a
 * malloc'ed copy of the error message, or NULL on success.  `map` (may be
 * NULL) receives objload_write_map's output. */
static enum harness_outcome harness_run(const char *name, const uint8_t *bytes,
					size_t len, objload_strategy strategy,
					FILE *map, objload_status *status, char **msg)
{
	enum harness_outcome out = HARNESS_PARSE_FAILED;
	objload_session *s;
	objload_status st;

	if (msg)
		*msg = NULL;
	if (objload_session_new(&s) != OBJLOAD_OK) {
		*status = OBJLOAD_ERR_NOMEM;
		return out;
	}
	objload_set_host_lookup(s, 0);
	objload_set_strategy(s, strategy);
	objload_set_whole_archive(s, 1);
	st = objload_add_memory(s, name, bytes, len);
	if (st == OBJLOAD_OK && objload_image_count(s) == 0)
		st = objload_add_memory(s, "<anchor>", harness_anchor, sizeof(harness_anchor));
	if (st == OBJLOAD_OK) {
		out = HARNESS_LINK_FAILED;
		harness_define_undefined(s);
		st = objload_link_at(s, HARNESS_BASE);
		if (st == OBJLOAD_OK) {
			const void *flat;
			size_t flen;
			objload_metrics m;
			volatile uint8_t sum = 0;

			out = HARNESS_LINKED;
			if (objload_get_flat_image(s, &flat, &flen) == OBJLOAD_OK)
				for (size_t i = 0; i < flen; i++)
					sum ^= ((const uint8_t *)flat)[i];
			(void)sum;
			objload_get_metrics(s, &m);
			if (map)
				objload_write_map(s, map);
		}
	}
	*status = st;
	if (st != OBJLOAD_OK && msg)
		*msg = strdup(objload_errmsg(s));
	objload_session_free(s);
	return out;
}

#endif
