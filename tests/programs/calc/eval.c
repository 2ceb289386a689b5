/* SPDX-License-Identifier: MIT */
/*
 * Evaluator for calc: variables in a chained hash table that grows with
 * realloc, user functions, and builtins reached through a table of function
 * pointers.  Arithmetic wraps (done on uint64_t) so nothing is undefined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

struct var {
	char name[32];
	int64_t value;
	struct var *next;
};

struct func {
	struct stmt def;
	struct func *next;
};

struct env {
	struct var **buckets;
	size_t nbuckets, count;
	struct func *funcs;
	int depth;
	/* Parameters of the innermost user-function call. */
	const struct stmt *frame_def;
	const int64_t *frame_args;
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

struct env *env_new(void)
{
	struct env *env = calloc(1, sizeof(*env));
	if (!env)
		abort();
	env->nbuckets = 4;
	env->buckets = calloc(env->nbuckets, sizeof(*env->buckets));
	if (!env->buckets)
		abort();
	return env;
}

void env_free(struct env *env)
{
	for (size_t i = 0; i < env->nbuckets; i++) {
		struct var *v = env->buckets[i];
		while (v) {
			struct var *next = v->next;
			free(v);
			v = next;
		}
	}
	free(env->buckets);
	while (env->funcs) {
		struct func *next = env->funcs->next;
		free_node(env->funcs->def.body);
		free(env->funcs);
		env->funcs = next;
	}
	free(env);
}

static void grow(struct env *env)
{
	size_t n = env->nbuckets * 2;
	struct var **b = calloc(n, sizeof(*b));
	if (!b)
		abort();
	for (size_t i = 0; i < env->nbuckets; i++) {
		struct var *v = env->buckets[i];
		while (v) {
			struct var *next = v->next;
			size_t slot = fnv1a(v->name) & (n - 1);
			v->next = b[slot];
			b[slot] = v;
			v = next;
		}
	}
	free(env->buckets);
	env->buckets = b;
	env->nbuckets = n;
}

int env_set(struct env *env, const char *name, int64_t value)
{
	size_t slot = fnv1a(name) & (env->nbuckets - 1);
	for (struct var *v = env->buckets[slot]; v; v = v->next)
		if (!strcmp(v->name, name)) {
			v->value = value;
			return 0;
		}
	struct var *v = calloc(1, sizeof(*v));
	if (!v)
		abort();
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->value = value;
	v->next = env->buckets[slot];
	env->buckets[slot] = v;
	if (++env->count > env->nbuckets * 3 / 4)
		grow(env);
	return 1;
}

int env_get(const struct env *env, const char *name, int64_t *value)
{
	size_t slot = fnv1a(name) & (env->nbuckets - 1);
	for (struct var *v = env->buckets[slot]; v; v = v->next)
		if (!strcmp(v->name, name)) {
			*value = v->value;
			return 1;
		}
	return 0;
}

void env_define(struct env *env, struct stmt *def)
{
	for (struct func *f = env->funcs; f; f = f->next)
		if (!strcmp(f->def.name, def->name)) {
			free_node(f->def.body);
			f->def = *def;
			def->body = NULL;
			return;
		}
	struct func *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->def = *def;
	def->body = NULL;
	f->next = env->funcs;
	env->funcs = f;
}

static int cmp_var(const void *a, const void *b)
{
	const struct var *x = *(const struct var *const *)a;
	const struct var *y = *(const struct var *const *)b;
	return strcmp(x->name, y->name);
}

void env_dump(const struct env *env)
{
	struct var **all = malloc(env->count * sizeof(*all));
	size_t n = 0;
	if (!all)
		abort();
	for (size_t i = 0; i < env->nbuckets; i++)
		for (struct var *v = env->buckets[i]; v; v = v->next)
			all[n++] = v;
	qsort(all, n, sizeof(*all), cmp_var);
	printf("%zu variables in %zu buckets:\n", n, env->nbuckets);
	for (size_t i = 0; i < n; i++)
		printf("  %-10s = %lld\n", all[i]->name, (long long)all[i]->value);
	free(all);
}

/* ---- builtins ---- */

static int64_t b_min(const int64_t *a) { return a[0] < a[1] ? a[0] : a[1]; }
static int64_t b_max(const int64_t *a) { return a[0] > a[1] ? a[0] : a[1]; }
static int64_t b_abs(const int64_t *a) { return a[0] < 0 ? -a[0] : a[0]; }

static int64_t b_gcd(const int64_t *a)
{
	uint64_t x = (uint64_t)b_abs(&a[0]), y = (uint64_t)b_abs(&a[1]);
	while (y) {
		uint64_t t = x % y;
		x = y;
		y = t;
	}
	return (int64_t)x;
}

static int64_t b_isqrt(const int64_t *a)
{
	if (a[0] <= 0)
		return 0;
	int64_t lo = 0, hi = 3037000499; /* floor(sqrt(INT64_MAX)) */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo + 1) / 2;
		if (mid <= a[0] / mid)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int64_t b_clamp(const int64_t *a)
{
	return a[0] < a[1] ? a[1] : a[0] > a[2] ? a[2] : a[0];
}

static const struct builtin {
	const char *name;
	int arity;
	int64_t (*fn)(const int64_t *args);
} builtins[] = {
	{ "min", 2, b_min },     { "max", 2, b_max },
	{ "abs", 1, b_abs },     { "gcd", 2, b_gcd },
	{ "isqrt", 1, b_isqrt }, { "clamp", 3, b_clamp },
};

static int64_t ipow(int64_t base, int64_t e)
{
	uint64_t r = 1, b = (uint64_t)base;
	if (e < 0)
		return base == 1 ? 1 : 0;
	while (e) {
		if (e & 1)
			r *= b;
		b *= b;
		e >>= 1;
	}
	return (int64_t)r;
}

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return 0; } while (0)

static int call(struct env *env, const struct node *n, int64_t *out,
		char *err, size_t errlen)
{
	int64_t args[MAX_ARGS] = { 0 };
	for (int i = 0; i < n->nargs; i++)
		if (!eval(env, n->kid[i], &args[i], err, errlen))
			return 0;

	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, n->name))
			continue;
		if (builtins[i].arity != n->nargs)
			ERR("%s() takes %d arguments, not %d", n->name,
			    builtins[i].arity, n->nargs);
		*out = builtins[i].fn(args);
		return 1;
	}
	for (const struct func *f = env->funcs; f; f = f->next) {
		if (strcmp(f->def.name, n->name))
			continue;
		if (f->def.nparams != n->nargs)
			ERR("%s() takes %d arguments, not %d", n->name,
			    f->def.nparams, n->nargs);
		if (env->depth >= 200)
			ERR("recursion too deep in %s()", n->name);
		const struct stmt *saved_def = env->frame_def;
		const int64_t *saved_args = env->frame_args;
		env->frame_def = &f->def;
		env->frame_args = args;
		env->depth++;
		int ok = eval(env, f->def.body, out, err, errlen);
		env->depth--;
		env->frame_def = saved_def;
		env->frame_args = saved_args;
		return ok;
	}
	ERR("unknown function %s()", n->name);
}

int eval(struct env *env, const struct node *n, int64_t *out, char *err,
	 size_t errlen)
{
	int64_t a, b;

	switch (n->kind) {
	case N_NUM:
		*out = n->num;
		return 1;
	case N_VAR:
		if (env->frame_def)
			for (int i = 0; i < env->frame_def->nparams; i++)
				if (!strcmp(env->frame_def->params[i], n->name)) {
					*out = env->frame_args[i];
					return 1;
				}
		if (!env_get(env, n->name, out))
			ERR("unknown variable %s", n->name);
		return 1;
	case N_UNARY:
		if (!eval(env, n->kid[0], &a, err, errlen))
			return 0;
		*out = n->op == T_MINUS ? (int64_t)(0 - (uint64_t)a) : !a;
		return 1;
	case N_TERNARY:
		if (!eval(env, n->kid[0], &a, err, errlen))
			return 0;
		return eval(env, n->kid[a ? 1 : 2], out, err, errlen);
	case N_CALL:
		return call(env, n, out, err, errlen);
	case N_BINARY:
		break;
	}

	if (!eval(env, n->kid[0], &a, err, errlen))
		return 0;
	/* Short-circuit operators look at the right side only when needed. */
	if (n->op == T_AND && !a) {
		*out = 0;
		return 1;
	}
	if (n->op == T_OR && a) {
		*out = 1;
		return 1;
	}
	if (!eval(env, n->kid[1], &b, err, errlen))
		return 0;

	switch (n->op) {
	case T_PLUS: *out = (int64_t)((uint64_t)a + (uint64_t)b); break;
	case T_MINUS: *out = (int64_t)((uint64_t)a - (uint64_t)b); break;
	case T_STAR: *out = (int64_t)((uint64_t)a * (uint64_t)b); break;
	case T_SLASH:
	case T_PERCENT:
		if (b == 0)
			ERR("division by zero");
		if (b == -1)
			*out = n->op == T_SLASH ? (int64_t)(0 - (uint64_t)a) : 0;
		else
			*out = n->op == T_SLASH ? a / b : a % b;
		break;
	case T_CARET: *out = ipow(a, b); break;
	case T_LT: *out = a < b; break;
	case T_LE: *out = a <= b; break;
	case T_GT: *out = a > b; break;
	case T_GE: *out = a >= b; break;
	case T_EQ: *out = a == b; break;
	case T_NE: *out = a != b; break;
	case T_AND:
	case T_OR: *out = b != 0; break;
	default: ERR("bad operator %s", tok_name(n->op));
	}
	return 1;
}
