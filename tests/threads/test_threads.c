/* SPDX-License-Identifier: MIT */
/*
 * Sessions are independent: THREADS threads each create, load, link, run
 * and free their own sessions at the same time, ITERATIONS times, over the
 * same object files.  Built with -fsanitize=thread by run-tsan.sh (TSan
 * and ASan cannot share a build), so any data race inside objload between
 * two sessions is reported with both stacks.
 *
 *   test_threads A.o B.o C.o
 *
 * A.o and B.o define `int th_work(int)`; C.o defines th_work too, and uses
 * a constructor and libc (snprintf, strlen) through the host.  Each
 * iteration of thread t loads one of them (rotating, so that several
 * threads load the same file at once), alternating the strategy, links it
 * in process (the default mmap manager, symbol resolution through
 * dlsym), calls th_work(t + i) through objload_lookup and checks the
 * result; every fourth iteration also links the same file with
 * objload_link_at for a target address.  Exit status 0 when every result
 * was right (TSan makes it non-zero on a race).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "objload.h"

#define THREADS 4
#define ITERATIONS 150

static const char *th_files[3];
static int th_expect_kind[3] = { 0, 1, 2 };

struct th_arg {
	int id;
	int errors;
};

/* What th_work(x) returns in each of the three objects (see run-tsan.sh). */
static int th_expected(int kind, int x)
{
	switch (kind) {
	case 0: return x * 3 + 1;
	case 1: return x * x + 7;
	default: return x + 4 + 100;   /* strlen of "x=NN" is 4 for 10..99 */
	}
}

static int th_once(int id, int i)
{
	int f = (id + i) % 3, x = 10 + (id * 7 + i) % 80, r;
	objload_session *s;
	void *fn;

	if (objload_session_new(&s) != OBJLOAD_OK)
		return 1;
	if (objload_set_strategy(s, i & 1 ? OBJLOAD_STRATEGY_SECTION : OBJLOAD_STRATEGY_WHOLE) ||
	    objload_add_file(s, th_files[f]) || objload_link(s) ||
	    objload_lookup(s, "th_work", &fn)) {
		fprintf(stderr, "thread %d, iteration %d: %s\n", id, i, objload_errmsg(s));
		objload_session_free(s);
		return 1;
	}
	r = ((int (*)(int))fn)(x);
	objload_session_free(s);
	if (r != th_expected(th_expect_kind[f], x)) {
		fprintf(stderr, "thread %d, iteration %d: %s: th_work(%d) = %d, want %d\n",
			id, i, th_files[f], x, r, th_expected(th_expect_kind[f], x));
		return 1;
	}
	if (i % 4 == 0 && f != 2) {
		const void *flat;
		size_t len;

		if (objload_session_new(&s) != OBJLOAD_OK)
			return 1;
		objload_define(s, "snprintf", 0x7000);
		objload_define(s, "strlen", 0x7010);
		if (objload_add_file(s, th_files[f]) ||
		    objload_link_at(s, 0x40000000ull + 0x100000ull * (uint64_t)id) ||
		    objload_get_flat_image(s, &flat, &len)) {
			fprintf(stderr, "thread %d, iteration %d, link_at: %s\n", id, i,
				objload_errmsg(s));
			objload_session_free(s);
			return 1;
		}
		objload_session_free(s);
	}
	return 0;
}

static void *th_main(void *p)
{
	struct th_arg *a = p;

	for (int i = 0; i < ITERATIONS; i++)
		a->errors += th_once(a->id, i);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	struct th_arg args[THREADS];
	int errors = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: test_threads A.o B.o C.o\n");
		return 2;
	}
	for (int i = 0; i < 3; i++)
		th_files[i] = argv[i + 1];
	for (int i = 0; i < THREADS; i++) {
		args[i].id = i;
		args[i].errors = 0;
		if (pthread_create(&t[i], NULL, th_main, &args[i])) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		errors += args[i].errors;
	}
	printf("test_threads: %d threads x %d iterations: %d errors\n", THREADS,
	       ITERATIONS, errors);
	return errors ? 1 : 0;
}
