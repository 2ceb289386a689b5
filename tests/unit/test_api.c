/* SPDX-License-Identifier: MIT */
/*
 * Suite "api": the public API's edges, as a library user meets them.
 *
 *   - every function given a NULL session returns OBJLOAD_ERR_ARGUMENT (or
 *     0 / NULL for the counters and getters) instead of crashing;
 *   - NULL arguments leave a message that names the function, replacing
 *     the previous error;
 *   - after a failed link, out-of-order calls say that the link failed,
 *     with its message, and that a new session is needed;
 *   - objload_set_log: each category reports what it promises (inputs,
 *     archive members with the symbol and the file that pulled them in,
 *     bindings to an image, a definition and the host library that
 *     defines the symbol, the hand-over to loaded code), only the
 *     categories asked for, control bytes escaped;
 *   - objload_write_map writes to a FILE *.
 *
 * Objects are compiled with gcc into a temporary directory.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

TU_SUITE_TMPDIR(api_dir, "api", api_init, api_clean)

#define API_CHECK(cond, ...) \
	tu_check_at("api", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* dir/name (one of 8 rotating buffers) */
static const char *api_path(const char *name)
{
	static char buf[8][512];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", api_dir, name);
	return b;
}

/* Writes NAME.c and compiles it to NAME.o; 1 on success. */
static int api_compile(const char *name, const char *src, const char *flags)
{
	char *c = tu_fmt("%s/%s.c", api_dir, name);
	int ok = tu_write_text(c, src) == 0 &&
		 tu_sh("cd '%s' && gcc -O2 %s -c %s.c -o %s.o", api_dir, flags ? flags : "",
		       name, name) == 0;

	free(c);
	return ok;
}

/* ---- NULL sessions and arguments ------------------------------------------------- */

static void test_null_session(void)
{
	static const uint8_t bytes[4] = { 0 };
	objload_metrics m;
	void *p = NULL;
	int st = 0;
	objload_segment_info si;
	objload_piece_info pi;
	objload_archive_info ai;
	const void *img;
	size_t len;

	API_CHECK(objload_set_strategy(NULL, OBJLOAD_STRATEGY_WHOLE) == OBJLOAD_ERR_ARGUMENT,
		  "set_strategy");
	API_CHECK(objload_set_memory_manager(NULL, objload_mmap_memory_manager(), NULL) ==
		  OBJLOAD_ERR_ARGUMENT, "set_memory_manager");
	API_CHECK(objload_define(NULL, "x", 1) == OBJLOAD_ERR_ARGUMENT, "define");
	API_CHECK(objload_set_arch(NULL, "x86_64") == OBJLOAD_ERR_ARGUMENT, "set_arch");
	API_CHECK(objload_set_host_lookup(NULL, 0) == OBJLOAD_ERR_ARGUMENT, "set_host_lookup");
	API_CHECK(objload_set_log(NULL, OBJLOAD_LOG_ALL, NULL, NULL) == OBJLOAD_ERR_ARGUMENT,
		  "set_log");
	API_CHECK(objload_add_file(NULL, "x.o") == OBJLOAD_ERR_ARGUMENT, "add_file");
	API_CHECK(objload_add_memory(NULL, "m", bytes, sizeof(bytes)) == OBJLOAD_ERR_ARGUMENT,
		  "add_memory");
	API_CHECK(objload_add_library(NULL, "m") == OBJLOAD_ERR_ARGUMENT, "add_library");
	API_CHECK(objload_add_search_dir(NULL, "/") == OBJLOAD_ERR_ARGUMENT, "add_search_dir");
	API_CHECK(objload_set_whole_archive(NULL, 1) == OBJLOAD_ERR_ARGUMENT, "set_whole_archive");
	API_CHECK(objload_load_plugin(NULL, "bfd") == OBJLOAD_ERR_ARGUMENT, "load_plugin");
	API_CHECK(objload_set_format(NULL, "elf") == OBJLOAD_ERR_ARGUMENT, "set_format");
	API_CHECK(objload_register_format(NULL, NULL) == OBJLOAD_ERR_ARGUMENT, "register_format");
	API_CHECK(objload_link(NULL) == OBJLOAD_ERR_ARGUMENT, "link");
	API_CHECK(objload_link_at(NULL, 0x1000) == OBJLOAD_ERR_ARGUMENT, "link_at");
	API_CHECK(objload_lookup(NULL, "main", &p) == OBJLOAD_ERR_ARGUMENT, "lookup");
	API_CHECK(objload_run_main(NULL, NULL, 0, NULL, &st) == OBJLOAD_ERR_ARGUMENT, "run_main");
	API_CHECK(objload_get_metrics(NULL, &m) == OBJLOAD_ERR_ARGUMENT, "get_metrics");
	API_CHECK(objload_get_flat_image(NULL, &img, &len) == OBJLOAD_ERR_ARGUMENT,
		  "get_flat_image");
	API_CHECK(objload_write_map(NULL, stderr) == OBJLOAD_ERR_ARGUMENT, "write_map");
	API_CHECK(objload_get_segment(NULL, 0, &si) == OBJLOAD_ERR_ARGUMENT, "get_segment");
	API_CHECK(objload_get_piece(NULL, 0, &pi) == OBJLOAD_ERR_ARGUMENT, "get_piece");
	API_CHECK(objload_get_archive_info(NULL, 0, &ai) == OBJLOAD_ERR_ARGUMENT,
		  "get_archive_info");
	API_CHECK(objload_image_count(NULL) == 0 && objload_get_image(NULL, 0) == NULL &&
		  objload_segment_count(NULL) == 0 && objload_piece_count(NULL) == 0 &&
		  objload_jump_count(NULL) == 0 && objload_archive_count(NULL) == 0,
		  "counters and getters of no session: 0 and NULL");
	API_CHECK(objload_errmsg(NULL) != NULL, "errmsg(NULL) is a string");
	objload_session_free(NULL);
	API_CHECK(objload_session_new(NULL) == OBJLOAD_ERR_ARGUMENT, "session_new(NULL)");
}

static void test_null_arguments(void)
{
	objload_session *s;
	void *p;

	if (!API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	API_CHECK(objload_add_file(s, NULL) == OBJLOAD_ERR_ARGUMENT &&
		  strstr(objload_errmsg(s), "objload_add_file") != NULL,
		  "add_file(s, NULL) says so: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_define(s, NULL, 1) == OBJLOAD_ERR_ARGUMENT &&
		  strstr(objload_errmsg(s), "objload_define") != NULL,
		  "define(s, NULL) says so: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_add_memory(s, "m", NULL, 8) == OBJLOAD_ERR_ARGUMENT &&
		  strstr(objload_errmsg(s), "objload_add_memory") != NULL,
		  "add_memory(NULL bytes) says so: \"%s\"", objload_errmsg(s));
	/* the previous message must not survive */
	API_CHECK(objload_add_file(s, "/nonexistent/x.o") == OBJLOAD_ERR_IO, "a missing file");
	API_CHECK(objload_lookup(s, NULL, &p) == OBJLOAD_ERR_ARGUMENT &&
		  strstr(objload_errmsg(s), "objload_lookup") != NULL &&
		  !strstr(objload_errmsg(s), "nonexistent"),
		  "lookup(s, NULL) replaces the previous error: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_set_log(s, 1u << 30, NULL, NULL) == OBJLOAD_ERR_ARGUMENT &&
		  strstr(objload_errmsg(s), "log categories"), "set_log: unknown categories: %s",
		  objload_errmsg(s));
	objload_session_free(s);
}

/* ---- a failed link ------------------------------------------------------------------- */

static void test_failed_link(void)
{
	objload_session *s;
	void *p;

	if (!API_CHECK(api_compile("undef", "extern int api_nowhere(void);\n"
				   "int main(void) { return api_nowhere(); }\n", NULL),
		       "gcc compiles undef.c"))
		return;
	if (!API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	API_CHECK(objload_add_file(s, api_path("undef.o")) == OBJLOAD_OK, "add");
	API_CHECK(objload_link(s) == OBJLOAD_ERR_UNDEFINED &&
		  strstr(objload_errmsg(s), "api_nowhere"), "the link fails: %s", objload_errmsg(s));
	API_CHECK(objload_add_file(s, api_path("undef.o")) == OBJLOAD_ERR_STATE &&
		  strstr(objload_errmsg(s), "the link failed") &&
		  strstr(objload_errmsg(s), "api_nowhere") &&
		  strstr(objload_errmsg(s), "create a new session"),
		  "add after a failed link says why not: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_link(s) == OBJLOAD_ERR_STATE &&
		  strstr(objload_errmsg(s), "the link failed") &&
		  strstr(objload_errmsg(s), "api_nowhere"),
		  "a second link says why not: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_lookup(s, "main", &p) == OBJLOAD_ERR_STATE &&
		  strstr(objload_errmsg(s), "create a new session") &&
		  strstr(objload_errmsg(s), "api_nowhere") &&
		  !strstr(objload_errmsg(s) + 1, "(the link failed: the link failed"),
		  "lookup says why, once: \"%s\"", objload_errmsg(s));
	API_CHECK(objload_write_map(s, stderr) == OBJLOAD_ERR_STATE, "no map of a failed link");
	objload_session_free(s);
}

/* ---- the log ----------------------------------------------------------------------------- */

struct api_log {
	char *text;          /* every message, "category: message\n" */
	size_t len;
	FILE *f;
	int raw_control;     /* a control byte reached the callback */
};

static void api_log_fn(void *ctx, objload_log_category c, const char *msg)
{
	struct api_log *l = ctx;

	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			l->raw_control = 1;
	fprintf(l->f, "%s: %s\n", objload_log_category_name(c), msg);
}

static void test_log(void)
{
	static const char lib[] = "int api_lib_value(void) { return 40; }\n";
	static const char use[] =
		"#include <stdio.h>\n"
		"#include <unistd.h>\n"
		"int api_lib_value(void);\n"
		"extern int api_defined;\n"
		"int main(void) { puts(\"api\"); return api_lib_value() + (int)(long)&api_defined +\n"
		"  (getppid() < 0); }\n";
	struct api_log l = { 0 };
	objload_session *s;
	char cmd[1024];
	int status = -1;

	if (!API_CHECK(api_compile("alib", lib, NULL) && api_compile("ause", use, "-fno-pic"),
		       "gcc compiles"))
		return;
	if (!API_CHECK(tu_sh("cd '%s' && rm -f libapi.a && ar rcs libapi.a alib.o", api_dir) == 0,
		       "ar"))
		return;
	l.f = open_memstream(&l.text, &l.len);
	if (!l.f || !API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	API_CHECK(objload_set_log(s, OBJLOAD_LOG_ALL, api_log_fn, &l) == OBJLOAD_OK, "set_log");
	API_CHECK(objload_define(s, "api_defined", 2) == OBJLOAD_OK, "define");
	API_CHECK(objload_add_file(s, api_path("ause.o")) == OBJLOAD_OK &&
		  objload_add_file(s, api_path("libapi.a")) == OBJLOAD_OK, "inputs");
	API_CHECK(objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s));
	API_CHECK(objload_run_main(s, NULL, 0, NULL, &status) == OBJLOAD_OK && status == 42,
		  "runs: %d", status);
	objload_session_free(s);
	fclose(l.f);
	if (!l.text)
		return;
	snprintf(cmd, sizeof(cmd), "files: input %s\n", api_path("ause.o"));
	API_CHECK(strstr(l.text, cmd) != NULL, "files: each input: %s", l.text);
	snprintf(cmd, sizeof(cmd), "files: %s(alib.o) included to satisfy reference by %s (api_lib_value)\n",
		 api_path("libapi.a"), api_path("ause.o"));
	API_CHECK(strstr(l.text, cmd) != NULL, "files: the member, the symbol, the file: %s", l.text);
	snprintf(cmd, sizeof(cmd), "bindings: binding file %s to %s(alib.o): symbol 'api_lib_value'\n",
		 api_path("ause.o"), api_path("libapi.a"));
	API_CHECK(strstr(l.text, cmd) != NULL, "bindings: to an image: %s", l.text);
	API_CHECK(strstr(l.text, "bindings: binding file ") &&
		  /* getppid: no sanitizer runtime intercepts it (puts may
		   * bind to ASan's interceptor in the test program) */
		  strstr(l.text, "libc.so.6: symbol 'getppid'\n"),
		  "bindings: to the host library that defines it: %s", l.text);
	API_CHECK(strstr(l.text, "to a definition (--define): symbol 'api_defined' = 0x2\n") != NULL,
		  "bindings: to a definition: %s", l.text);
	API_CHECK(strstr(l.text, "run: calling the constructors of 2 images\n") != NULL,
		  "run: before loaded code runs: %s", l.text);
	API_CHECK(!l.raw_control, "one line each, no control bytes");
	free(l.text);

	/* only the categories asked for */
	memset(&l, 0, sizeof(l));
	l.f = open_memstream(&l.text, &l.len);
	if (!l.f || !API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	API_CHECK(objload_set_log(s, OBJLOAD_LOG_BINDINGS, api_log_fn, &l) == OBJLOAD_OK, "set_log");
	objload_define(s, "api_defined", 2);
	objload_add_file(s, api_path("ause.o"));
	objload_add_file(s, api_path("libapi.a"));
	API_CHECK(objload_link(s) == OBJLOAD_OK, "link");
	objload_session_free(s);
	fclose(l.f);
	API_CHECK(l.text && strstr(l.text, "bindings: ") && !strstr(l.text, "files: ") &&
		  !strstr(l.text, "run: "), "only bindings: %s", l.text ? l.text : "");
	free(l.text);
	API_CHECK(strcmp(objload_log_category_name(OBJLOAD_LOG_WARNING), "warning") == 0 &&
		  strcmp(objload_log_category_name((objload_log_category)999), "?") == 0,
		  "category names");
}

/* A symbol name with an escape sequence and a newline reaches the log
 * escaped. */
static void test_log_escapes(void)
{
	struct api_log l = { 0 };
	objload_session *s;

	/* objcopy puts the raw bytes into the name (assemblers keep escapes
	 * in quoted operand names literally) */
	if (!API_CHECK(api_compile("escsrc", "extern int api_evil(void);\n"
				   "int main(void) { return api_evil(); }\n", NULL), "gcc"))
		return;
	if (!API_CHECK(tu_sh("cd '%s' && objcopy --redefine-sym "
			     "\"api_evil=$(printf 'ev\\033[2Jil\\nobjload: forged')\" escsrc.o esc.o",
			     api_dir) == 0, "objcopy renames the symbol"))
		return;
	l.f = open_memstream(&l.text, &l.len);
	if (!l.f || !API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	objload_set_log(s, OBJLOAD_LOG_ALL, api_log_fn, &l);
	objload_define(s, "ev\033[2Jil\nobjload: forged", 0x1000);
	API_CHECK(objload_add_file(s, api_path("esc.o")) == OBJLOAD_OK, "add");
	API_CHECK(objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s));
	objload_session_free(s);
	fclose(l.f);
	API_CHECK(!l.raw_control && l.text && strstr(l.text, "ev\\x1b[2Jil\\x0aobjload: forged"),
		  "the name arrives escaped: %s", l.text ? l.text : "");
	free(l.text);
}

static void test_write_map(void)
{
	objload_session *s;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!API_CHECK(api_compile("mapme", "int api_map_me(void) { return 1; }\n"
				   "int main(void) { return api_map_me() - 1; }\n", NULL), "gcc"))
		return;
	if (!API_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	API_CHECK(objload_write_map(s, stdout) == OBJLOAD_ERR_STATE, "no map before the link");
	API_CHECK(objload_add_file(s, api_path("mapme.o")) == OBJLOAD_OK && objload_link(s) == OBJLOAD_OK,
		  "link");
	f = open_memstream(&text, &len);
	API_CHECK(f && objload_write_map(s, f) == OBJLOAD_OK, "write_map(s, FILE *)");
	if (f)
		fclose(f);
	API_CHECK(text && strstr(text, " global api_map_me\n") && strstr(text, " section "),
		  "the map lists sections and symbols: %.400s", text ? text : "");
	API_CHECK(objload_write_map(s, NULL) == OBJLOAD_ERR_ARGUMENT, "write_map(s, NULL)");
	free(text);
	objload_session_free(s);
}

int objload_test_register_api(void)
{
	static const struct tu_test tests[] = {
		{ "a NULL session: no crash, OBJLOAD_ERR_ARGUMENT", test_null_session },
		{ "NULL arguments name the function", test_null_arguments },
		{ "after a failed link: why the session cannot be used", test_failed_link },
		{ "objload_set_log: files, bindings, run; only what is asked", test_log },
		{ "objload_set_log: control bytes escaped", test_log_escapes },
		{ "objload_write_map to a FILE *", test_write_map },
	};

	return tu_add_suite("api", api_init, api_clean, tests, TU_COUNT(tests));
}
