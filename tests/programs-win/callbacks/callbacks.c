/* SPDX-License-Identifier: MIT */
/*
 * Host functions that call back into the program: compiled for Windows
 * (MinGW gcc, clang for the MSVC and MinGW targets) the callbacks are
 * Microsoft x64 functions the Linux C library must call through the
 * bridge's convention thunks.  The same source built natively is the
 * reference.  argv[1] is a directory to walk with ftw.
 */
#include <ftw.h>
#include <pthread.h>
#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int on_exit(void (*fn)(int, void *), void *arg);

static int doubled[4];

static void *worker(void *arg)
{
	int i = *(int *)arg;

	doubled[i] = (i + 1) * 2;
	return (void *)(size_t)(100 + i);
}

static int once_count;

static void init_once(void)
{
	once_count++;
}

static pthread_key_t key;
static int destroyed;

static void destroy_value(void *v)
{
	destroyed += *(int *)v;
}

static void *keyed_worker(void *arg)
{
	pthread_setspecific(key, arg);
	return NULL;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int walked, walked_sum;

static void visit(const void *node, VISIT which, int depth)
{
	(void)depth;
	if (which == postorder || which == leaf) {
		walked++;
		walked_sum += **(int *const *)node;
	}
}

static int files;

static int count_file(const char *path, const struct stat *st, int flag)
{
	(void)st;
	if (flag == FTW_F && strstr(path, "callbacks.c"))
		files++;
	return 0;
}

static void at_exit_handler(void)
{
	printf("atexit handler\n");
}

static void on_exit_handler(int status, void *arg)
{
	printf("on_exit handler: status %d, %s\n", status, (const char *)arg);
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	int idx[4] = { 0, 1, 2, 3 }, seven = 7, sum = 0;
	static int values[] = { 50, 20, 80, 10, 40 };
	void *root = NULL, *ret;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	void (*previous)(int);

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, &idx[i]) != 0)
			return 1;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &ret);
		sum += (int)(size_t)ret;
	}
	printf("threads: %d %d %d %d, returned %d\n", doubled[0], doubled[1], doubled[2],
	       doubled[3], sum);

	pthread_once(&once, init_once);
	pthread_once(&once, init_once);
	printf("pthread_once: %d\n", once_count);

	pthread_key_create(&key, destroy_value);
	pthread_create(&t[0], NULL, keyed_worker, &seven);
	pthread_join(t[0], NULL);
	printf("key destructor: %d\n", destroyed);

	/* the default first: a job started in the background inherits
	 * SIGINT ignored, and the check below is of the bridge, not of how
	 * the test was started */
	signal(SIGINT, SIG_DFL);
	previous = signal(SIGINT, on_signal);
	raise(SIGINT);
	printf("signal: caught %d, previous default %d\n", (int)caught, previous == SIG_DFL);
	previous = signal(SIGINT, SIG_DFL);
	printf("signal: handler returned %d\n", previous == on_signal);

	for (int i = 0; i < 5; i++)
		tsearch(&values[i], &root, cmp_int);
	twalk(root, visit);
	printf("tsearch: walked %d sum %d, find 40: %d\n", walked, walked_sum,
	       **(int **)tfind(&values[4], &root, cmp_int));
	tdelete(&values[0], &root, cmp_int);
	walked = walked_sum = 0;
	twalk(root, visit);
	printf("tdelete: walked %d sum %d\n", walked, walked_sum);

	if (argc > 1) {
		ftw(argv[1], count_file, 4);
		printf("ftw: %d\n", files);
	}
	atexit(at_exit_handler);
	on_exit(on_exit_handler, "registered last, runs first");
	return 3;
}
