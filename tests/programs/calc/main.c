/* SPDX-License-Identifier: MIT */
/*
 * calc: runs a script through the lexer, parser and evaluator, then a
 * sorting and hashing workload (word counts in an open-addressing table,
 * merge sort checked against qsort).  Errors in the script are reported on
 * stderr and evaluation continues.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

static const char script[] =
	"# arithmetic and precedence\n"
	"1 + 2 * 3;\n"
	"(1 + 2) * 3;\n"
	"2 ^ 3 ^ 2;          # right associative: 2^9\n"
	"-2 ^ 2;\n"
	"17 / 5; 17 % 5; -17 / 5; -17 % 5;\n"
	"x = 6 * 7;\n"
	"y = x - 2 * (x / 3);\n"
	"z = x > y ? x - y : y - x;\n"
	"big = 2 ^ 62 + (2 ^ 62 - 1);\n"
	"big + 1;            # wraps around\n"
	"!0 + !5 + (3 <= 3) + (3 != 3) + (1 && 0) + (0 || 7);\n"
	"# builtins\n"
	"gcd(1071, 462); min(x, y); max(-x, -y); abs(-12345);\n"
	"isqrt(1000000007); clamp(250, 0, 100); clamp(-5, 0, 100);\n"
	"# user functions, recursion\n"
	"fn sq(a) = a * a;\n"
	"fn fact(n) = n <= 1 ? 1 : n * fact(n - 1);\n"
	"fn fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2);\n"
	"fn ack(m, n) = m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1));\n"
	"fn collatz(n, steps) = n == 1 ? steps : collatz(n % 2 ? 3 * n + 1 : n / 2, steps + 1);\n"
	"sq(x) + sq(y);\n"
	"fact(20);\n"
	"fib(20);\n"
	"ack(2, 3);\n"
	"collatz(27, 0);\n"
	"fn sq(a) = a * a * a;  # redefinition\n"
	"sq(3);\n"
	"# errors, each reported and skipped\n"
	"1 / (x - 42);\n"
	"undefined_var + 1;\n"
	"nosuch(1);\n"
	"gcd(1);\n"
	"fact(1000);\n"
	"3 + * 4;\n"
	"(1 + 2;\n"
	"5 = 6;\n"
	"1 $ 2;\n"
	"after_errors = x + y + z;\n"
	"v0 = 0; v1 = 1; v2 = 2; v3 = 3; v4 = 4; v5 = 5; v6 = 6; v7 = 7;\n"
	"total = v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7;\n";

static void run_script(void)
{
	struct lexer lx;
	struct stmt st;
	char err[160];
	int r, n = 0, errors = 0;
	struct env *env = env_new();

	lex_init(&lx, script);
	while ((r = parse_stmt(&lx, &st, err, sizeof(err))) != 0) {
		n++;
		if (r < 0) {
			fprintf(stderr, "syntax error: %s\n", err);
			errors++;
			continue;
		}
		if (st.kind == S_DEF) {
			printf("[%2d] line %2d: defined %s/%d (%d nodes)\n", n, st.line,
			       st.name, st.nparams, count_nodes(st.body));
			env_define(env, &st);
			continue;
		}
		int64_t v;
		if (!eval(env, st.body, &v, err, sizeof(err))) {
			fprintf(stderr, "line %d: error: %s\n", st.line, err);
			errors++;
		} else if (st.kind == S_ASSIGN) {
			int fresh = env_set(env, st.name, v);
			printf("[%2d] line %2d: %s %s %lld\n", n, st.line, st.name,
			       fresh ? "=" : ":=", (long long)v);
		} else {
			printf("[%2d] line %2d: %lld\n", n, st.line, (long long)v);
		}
		free_node(st.body);
	}
	printf("%d statements, %d errors\n", n, errors);
	env_dump(env);
	env_free(env);
}

/* ---- sorting and hashing workload ---- */

struct word {
	char text[8];
	int count;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void merge_sort(int *v, int *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(v, tmp, h);
	merge_sort(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_word(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	if (x->count != y->count)
		return y->count - x->count;
	return strcmp(x->text, y->text);
}

static void workload(void)
{
	enum { NWORDS = 20000, TABLE = 4096, NINTS = 30000 };
	static const char syll[][3] = { "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi" };
	struct word *table = calloc(TABLE, sizeof(*table));
	size_t distinct = 0, probes = 0;
	if (!table)
		abort();

	for (int i = 0; i < NWORDS; i++) {
		char w[8];
		uint32_t r = rng();
		/* Skewed: few syllables are much likelier than others. */
		int len = 1 + (int)(r % 3);
		for (int s = 0; s < len; s++) {
			uint32_t pick = (r >> (4 + 6 * s)) & 63;
			const char *sy = syll[pick < 32 ? pick % 2 : pick < 48 ? 2 + pick % 3 : 5 + pick % 3];
			w[2 * s] = sy[0];
			w[2 * s + 1] = sy[1];
		}
		w[2 * len] = '\0';
		uint32_t h = 2166136261u;
		for (const char *c = w; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		size_t slot = h & (TABLE - 1);
		while (table[slot].count && strcmp(table[slot].text, w)) {
			slot = (slot + 1) & (TABLE - 1);
			probes++;
		}
		if (!table[slot].count) {
			memcpy(table[slot].text, w, sizeof(w));
			distinct++;
		}
		table[slot].count++;
	}
	qsort(table, TABLE, sizeof(*table), cmp_word);
	printf("words: %d, distinct %zu, extra probes %zu\n", NWORDS, distinct,
	       probes);
	printf("top 10:");
	for (int i = 0; i < 10; i++)
		printf(" %s=%d", table[i].text, table[i].count);
	printf("\nleast: %s=%d\n", table[distinct - 1].text,
	       table[distinct - 1].count);
	free(table);

	int *a = malloc(NINTS * sizeof(int)), *b = malloc(NINTS * sizeof(int));
	int *tmp = malloc(NINTS * sizeof(int));
	if (!a || !b || !tmp)
		abort();
	for (int i = 0; i < NINTS; i++)
		a[i] = b[i] = (int)(rng() % 100000) - 50000;
	merge_sort(a, tmp, NINTS);
	qsort(b, NINTS, sizeof(int), cmp_int);
	uint64_t check = 1469598103934665603ull;
	for (int i = 0; i < NINTS; i++)
		check = (check ^ (uint32_t)a[i]) * 1099511628211ull;
	printf("sorted %d ints: same=%d min=%d median=%d max=%d fnv=%016llx\n",
	       NINTS, memcmp(a, b, NINTS * sizeof(int)) == 0, a[0], a[NINTS / 2],
	       a[NINTS - 1], (unsigned long long)check);
	free(a);
	free(b);
	free(tmp);
}

int main(void)
{
	run_script();
	workload();
	return 0;
}
