/* SPDX-License-Identifier: MIT */
/*
 * One load of a shared library, timed, for bench/shared_lib.sh:
 *
 *   shared_lib MODE PATH SYMBOL
 *
 * MODE objload-memory: the file is read into a buffer first (not timed),
 * then objload_add_memory + objload_link + objload_lookup — what dlopen
 * cannot do; objload-file: objload_add_file + link + lookup; dlopen:
 * dlopen(PATH, RTLD_NOW | RTLD_LOCAL) + dlsym.  SYMBOL names a function
 * `const char *(void)` (zlibVersion, sqlite3_libversion) that is called
 * once to show the library works.  Prints "NS RSS_KB RESULT": the time of
 * the load and lookup in nanoseconds, how much the process's resident set
 * grew (VmRSS, kB) across it, and what the function returned.  One
 * process per load, so nothing is cached between runs but the page cache.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "objload.h"

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = buf ? (size_t)n : 0;
	return buf;
}

int main(int argc, char **argv)
{
	const char *(*fn)(void) = NULL;
	objload_session *s = NULL;
	void *bytes = NULL, *h = NULL;
	size_t len = 0;
	long long t0, t1;
	long r0, r1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s objload-memory|objload-file|dlopen PATH SYMBOL\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "objload-memory") == 0 && !(bytes = read_file(argv[2], &len))) {
		perror(argv[2]);
		return 1;
	}
	r0 = rss_kb();
	t0 = now_ns();
	if (strcmp(argv[1], "dlopen") == 0) {
		h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
		if (h)
			*(void **)&fn = dlsym(h, argv[3]);
	} else if (objload_session_new(&s) == OBJLOAD_OK &&
		   (bytes ? objload_add_memory(s, argv[2], bytes, len) :
		    objload_add_file(s, argv[2])) == OBJLOAD_OK &&
		   objload_link(s) == OBJLOAD_OK) {
		objload_lookup(s, argv[3], (void **)&fn);
	}
	t1 = now_ns();
	r1 = rss_kb();
	if (!fn) {
		fprintf(stderr, "%s: %s\n", argv[2], s ? objload_errmsg(s) : dlerror());
		return 1;
	}
	printf("%lld %ld %s\n", t1 - t0, r1 - r0, fn());
	/* the process ends here: its exit unloads both alike */
	fflush(stdout);
	return 0;
}
