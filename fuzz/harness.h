/* SPDX-License-Identifier: MIT */
/*
 * The one way objload's robustness tests and fuzzers drive the library
 * with untrusted bytes (tests/unit/test_malformed.c and fuzz/fuzz_*.c
 * include it), so that a fuzzer's crash replays exactly in `make check`.
 *
 * harness_run: a fresh session (host lookup off, the given strategy,
 * archives whole; harness_session), objload_add_memory, then
 * (harness_finish, for harnesses that add their inputs otherwise)
 * objload_define of every undefined
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

/* A fresh session as every harness uses it: host lookup off, the given
 * strategy, archives whole.  In the fuzzers (HARNESS_FUZZER_CAPS, set by
 * `make fuzz`), caps of 64 MiB zero-fill and 256 MiB mapped: a 100-byte
 * file may declare a 600 MiB .bss, which objload accepts by default (it is
 * never committed until touched) but which the flat image links and the
 * harness checksums byte by byte, seconds per input under the sanitizers,
 * so libFuzzer reported such inputs as timeouts.  The malformed suite
 * replays the same inputs with the default caps.  NULL when out of memory. */
static objload_session *harness_session(objload_strategy strategy)
{
	objload_session *s;

	if (objload_session_new(&s) != OBJLOAD_OK)
		return NULL;
	objload_set_host_lookup(s, 0);
#ifdef HARNESS_FUZZER_CAPS
	objload_set_limit(s, OBJLOAD_LIMIT_ZEROFILL, 64u << 20);
	objload_set_limit(s, OBJLOAD_LIMIT_MAPPED, 256u << 20);
#endif
	objload_set_strategy(s, strategy);
	objload_set_whole_archive(s, 1);
	return s;
}

/* After the inputs were added to `s` with status `st`: the anchor when no
 * object came, the definitions, objload_link_at, the flat image read
 * through, the metrics and the map.  Returns the outcome; *status the
 * last status; *msg (when not NULL) a malloc'ed copy of the error
 * message, or NULL on success.  Frees the session. */
static enum harness_outcome harness_finish(objload_session *s, objload_status st,
					   FILE *map, objload_status *status, char **msg)
{
	enum harness_outcome out = HARNESS_PARSE_FAILED;

	if (msg)
		*msg = NULL;
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

/* One input: harness_session, objload_add_memory, harness_finish.  `map`
 * (may be NULL) receives objload_write_map's output. */
static enum harness_outcome harness_run(const char *name, const uint8_t *bytes,
					size_t len, objload_strategy strategy,
					FILE *map, objload_status *status, char **msg)
{
	objload_session *s = harness_session(strategy);

	if (!s) {
		if (msg)
			*msg = NULL;
		*status = OBJLOAD_ERR_NOMEM;
		return HARNESS_PARSE_FAILED;
	}
	return harness_finish(s, objload_add_memory(s, name, bytes, len), map, status, msg);
}

/* ---- two inputs of different formats (fuzz/fuzz_mixed.c) ------------------ */

/* The input is a little-endian u32 length L, L bytes of a first object and
 * the rest, a second one; both go into one session and are linked
 * together (seeds pair an ELF, a Mach-O and a COFF object of one arch). */
__attribute__((unused))
static enum harness_outcome harness_run_mixed(const char *name, const uint8_t *bytes,
					      size_t len, objload_strategy strategy, FILE *map,
					      objload_status *status, char **msg)
{
	objload_session *s = harness_session(strategy);
	objload_status st;
	uint32_t first = 0;
	char n1[256], n2[256];

	if (!s) {
		if (msg)
			*msg = NULL;
		*status = OBJLOAD_ERR_NOMEM;
		return HARNESS_PARSE_FAILED;
	}
	if (len >= 4)
		first = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
			(uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
	snprintf(n1, sizeof(n1), "%s#1", name);
	snprintf(n2, sizeof(n2), "%s#2", name);
	if (len < 4 || first > len - 4) {
		st = objload_add_memory(s, name, bytes, len);
	} else {
		st = objload_add_memory(s, n1, bytes + 4, first);
		if (st == OBJLOAD_OK)
			st = objload_add_memory(s, n2, bytes + 4 + first, len - 4 - first);
	}
	return harness_finish(s, st, map, status, msg);
}

/* ---- thin archives and ld scripts (fuzz/fuzz_thin_script.c) ---------------- */

/*
 * A directory of fixtures, made once per process: a.o and sub/b.o (the
 * anchor object), libx.a (an archive of it), libloop.so (a script naming
 * libfz.so, the fuzzed script, back), f.o (a FIFO), and ../outside.o
 * beside the directory.  The input's first byte chooses: bit 0 clear, the
 * rest is a thin archive named DIR/t.a (its members resolve in DIR); set,
 * the rest is the linker script DIR/libfz.so, given to objload_add_library
 * with DIR as a search directory.  Bit 1 allows relative member paths
 * outside DIR.  Messages name files of DIR (the fixtures), not the input.
 */
#include <sys/stat.h>
#include <unistd.h>

__attribute__((unused))
static void harness_write(const char *path, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(bytes, 1, len, f);
		fclose(f);
	}
}

__attribute__((unused))
static const char *harness_fixtures(void)
{
	static char dir[64];
	char path[128], ar[8 + 60 + sizeof(harness_anchor)];
	char parent[] = "/tmp/objload-fuzz-XXXXXX";

	if (dir[0])
		return dir;
	if (!mkdtemp(parent))
		return NULL;
	snprintf(path, sizeof(path), "%s/outside.o", parent);
	harness_write(path, harness_anchor, sizeof(harness_anchor));
	snprintf(dir, sizeof(dir), "%s/d", parent);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a.o", dir);
	harness_write(path, harness_anchor, sizeof(harness_anchor));
	snprintf(path, sizeof(path), "%s/sub/b.o", dir);
	harness_write(path, harness_anchor, sizeof(harness_anchor));
	memcpy(ar, "!<arch>\n", 8);
	snprintf(ar + 8, 61, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", "a.o/", "0", "0", "0", "644",
		 sizeof(harness_anchor));
	memcpy(ar + 68, harness_anchor, sizeof(harness_anchor));
	snprintf(path, sizeof(path), "%s/libx.a", dir);
	harness_write(path, ar, sizeof(ar));
	snprintf(path, sizeof(path), "%s/libloop.so", dir);
	harness_write(path, "GROUP ( libfz.so a.o -lx )\n", 27);
	snprintf(path, sizeof(path), "%s/f.o", dir);
	mkfifo(path, 0644);
	return dir;
}

__attribute__((unused))
static enum harness_outcome harness_run_thin_script(const uint8_t *bytes, size_t len,
						    objload_strategy strategy, FILE *map,
						    objload_status *status, char **msg)
{
	const char *dir = harness_fixtures();
	objload_session *s = dir ? harness_session(strategy) : NULL;
	char path[128];
	objload_status st;

	if (!s) {
		if (msg)
			*msg = NULL;
		*status = OBJLOAD_ERR_NOMEM;
		return HARNESS_PARSE_FAILED;
	}
	objload_set_thin_archive_policy(s, len && (bytes[0] & 2) ? OBJLOAD_THIN_RELATIVE :
						OBJLOAD_THIN_CONFINED);
	if (len == 0 || !(bytes[0] & 1)) {
		snprintf(path, sizeof(path), "%s/t.a", dir);
		st = objload_add_memory(s, path, len ? bytes + 1 : bytes, len ? len - 1 : 0);
	} else {
		snprintf(path, sizeof(path), "%s/libfz.so", dir);
		harness_write(path, bytes + 1, len - 1);
		st = objload_add_search_dir(s, dir);
		if (st == OBJLOAD_OK)
			st = objload_add_library(s, path);
	}
	return harness_finish(s, st, map, status, msg);
}

/* A regression input replays through the harness its fuzzer used, which
 * fuzz/run.sh puts first in its name (FUZZER-KIND-HASH). */
__attribute__((unused))
static enum harness_outcome harness_run_named(const char *name, const uint8_t *bytes,
					      size_t len, objload_strategy strategy,
					      FILE *map, objload_status *status, char **msg)
{
	if (strncmp(name, "mixed-", 6) == 0)
		return harness_run_mixed(name, bytes, len, strategy, map, status, msg);
	if (strncmp(name, "thin_script-", 12) == 0)
		return harness_run_thin_script(bytes, len, strategy, map, status, msg);
	return harness_run(name, bytes, len, strategy, map, status, msg);
}

#endif
