/* SPDX-License-Identifier: MIT */
/*
 * The in-process benchmark: objload's own cost with no process start.
 *
 *   inproc RUNS INPUT...
 *
 * Loads and links the same inputs RUNS times in this one process through
 * the library API, each time in a new session: objload_add_file for each
 * input (objects and archives; an archive gives only the members the link
 * needs), objload_keep("main") as `objload run` does, objload_link (which
 * runs no code of the inputs but their constructors), then
 * objload_session_free.  Load + link is timed with the monotonic clock
 * (wall) and with the thread's CPU clock (CPU: what the other jobs of a
 * shared machine do not add); the phases with the CPU clock too, read by
 * passes added at the pipeline's points (objload_add_pass), so that a
 * phase is not charged for the time the machine gave to someone else:
 *
 *   parse     objload_add_file of every input
 *   resolve   archive members, resolution, edges     (to AFTER_RESOLVE)
 *   plan      strategies, tables, layout             (to AFTER_LAYOUT)
 *   allocate  mapping and copying contents           (to AFTER_ALLOCATE)
 *   relocate  relaxation and every fixup             (to AFTER_FIXUP)
 *
 * Prints one line of key=value pairs, medians over the runs: runs, link_ms
 * (wall), link_min_ms, cpu_ms, relocations, relocate_us, relocs_per_s
 * (from the relocate phase's CPU time), members (archive members loaded),
 * parse_us, resolve_us, plan_us, allocate_us.
 *
 * bench/run.sh builds it against the library of the build tree.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "objload.h"

enum { T_START, T_PARSED, T_RESOLVED, T_PLANNED, T_ALLOCATED, T_RELOCATED, T_END, T_COUNT };

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n ? v[n / 2] : 0;
}

/* A pass that only reads the clock into its slot. */
static objload_status mark(objload_session *s, void *ctx)
{
	(void)s;
	*(uint64_t *)ctx = now_ns(CLOCK_THREAD_CPUTIME_ID);
	return OBJLOAD_OK;
}

/* One load + link; 0 on success, with the metrics, the wall time and the
 * CPU clock at each point. */
static int one_run(int nin, char **in, objload_metrics *m, uint64_t *wall,
		   uint64_t t[T_COUNT])
{
	static const objload_pass_point points[] = {
		OBJLOAD_PASS_AFTER_RESOLVE, OBJLOAD_PASS_AFTER_LAYOUT,
		OBJLOAD_PASS_AFTER_ALLOCATE, OBJLOAD_PASS_AFTER_FIXUP,
	};
	objload_session *s;
	uint64_t w0;
	int rc = 0;

	if (objload_session_new(&s))
		return -1;
	for (int p = 0; p < 4 && !rc; p++)
		rc = objload_add_pass(s, points[p], "bench-clock", mark, &t[T_RESOLVED + p]) != OBJLOAD_OK;
	w0 = now_ns(CLOCK_MONOTONIC);
	t[T_START] = now_ns(CLOCK_THREAD_CPUTIME_ID);
	for (int i = 0; i < nin && !rc; i++)
		rc = objload_add_file(s, in[i]) != OBJLOAD_OK;
	t[T_PARSED] = now_ns(CLOCK_THREAD_CPUTIME_ID);
	if (!rc)
		rc = objload_keep(s, "main") != OBJLOAD_OK || objload_link(s) != OBJLOAD_OK;
	t[T_END] = now_ns(CLOCK_THREAD_CPUTIME_ID);
	*wall = now_ns(CLOCK_MONOTONIC) - w0;
	if (rc)
		fprintf(stderr, "inproc: %s\n", objload_errmsg(s));
	else
		rc = objload_get_metrics(s, m) != OBJLOAD_OK;
	objload_session_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	uint64_t *wall, *cpu, *phase[T_COUNT], wall_min = UINT64_MAX, t[T_COUNT];
	objload_metrics m;

	if (runs < 1) {
		fprintf(stderr, "usage: inproc RUNS INPUT...\n");
		return 2;
	}
	wall = calloc((size_t)runs, sizeof(*wall));
	cpu = calloc((size_t)runs, sizeof(*cpu));
	for (int p = 0; p < T_COUNT; p++)
		if (!(phase[p] = calloc((size_t)runs, sizeof(uint64_t))))
			return 1;
	if (!wall || !cpu)
		return 1;
	/* one run first, not counted: the files in the page cache, the
	 * host's libraries resolved */
	if (one_run(argc - 2, argv + 2, &m, &wall[0], t))
		return 1;
	for (int r = 0; r < runs; r++) {
		if (one_run(argc - 2, argv + 2, &m, &wall[r], t))
			return 1;
		if (wall[r] < wall_min)
			wall_min = wall[r];
		cpu[r] = t[T_END] - t[T_START];
		for (int p = T_PARSED; p <= T_RELOCATED; p++)
			phase[p][r] = t[p] - t[p - 1];
	}
	{
		uint64_t reloc = median(phase[T_RELOCATED], (size_t)runs);

		printf("runs=%d link_ms=%.3f link_min_ms=%.3f cpu_ms=%.3f relocations=%llu "
		       "relocate_us=%.1f relocs_per_s=%.1fM members=%llu parse_us=%.1f "
		       "resolve_us=%.1f plan_us=%.1f allocate_us=%.1f\n",
		       runs, median(wall, (size_t)runs) / 1e6, wall_min / 1e6,
		       median(cpu, (size_t)runs) / 1e6, (unsigned long long)m.relocations,
		       reloc / 1e3, reloc ? m.relocations / (reloc / 1e9) / 1e6 : 0.0,
		       (unsigned long long)m.archive_members,
		       median(phase[T_PARSED], (size_t)runs) / 1e3,
		       median(phase[T_RESOLVED], (size_t)runs) / 1e3,
		       median(phase[T_PLANNED], (size_t)runs) / 1e3,
		       median(phase[T_ALLOCATED], (size_t)runs) / 1e3);
	}
	return 0;
}
