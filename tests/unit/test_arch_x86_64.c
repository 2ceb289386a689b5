/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the x86-64 relocation applier (arch/x86_64/x86_64.c) and
 * of the arch registry and names (arch/arch.c).
 *
 * Every kind of include/objload/kinds-x86_64.def gets a hand-written case
 * with the exact bytes expected, and a test fails when a kind is added
 * without one.  Range checks are exercised at the edges of every checked
 * kind, derived from the kind table.  The formula text of every row is
 * evaluated independently and compared with what the applier writes.
 * Stubs and bind thunks are written into a page and executed.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "tests/tests.h"
#include "tests/util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An assertion whose failure message says which kind or value failed. */
#define CHECK_MSG(cond, ...) \
	tu_check_at("arch_x86_64", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/*
 * Fields are written at an odd offset inside a buffer filled with a guard
 * byte, so every write is unaligned and a stray byte is seen.
 */
enum {
	GUARD = 0xa5,
	FIELD_OFF = 3,
	BUF_SIZE = 16,
	ERR_SIZE = 200,
};

struct applied {
	objload_status status;
	uint8_t buf[BUF_SIZE];
	char err[ERR_SIZE];
};

static struct applied run_apply(unsigned kind, const arch_fixup *fx)
{
	struct applied r;

	memset(r.buf, GUARD, sizeof(r.buf));
	memset(r.err, 0, sizeof(r.err));
	r.status = arch_x86_64.apply(kind, r.buf + FIELD_OFF, fx, r.err,
				     sizeof(r.err));
	return r;
}

/* buf[from..to) still holds the guard byte. */
static int untouched(const uint8_t *buf, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (buf[i] != GUARD)
			return 0;
	return 1;
}

static const arch_kind *kind_of(unsigned kind)
{
	return &arch_x86_64.kinds[kind];
}

/*
 * The written field is `width` bytes of v, little-endian, and nothing else
 * in the buffer changed.
 */
static void check_written(const struct applied *r, unsigned kind, uint64_t v)
{
	const arch_kind *k = kind_of(kind);
	uint8_t want[8];

	tu_put_le(want, k->width, v);
	CHECK_MSG(r->status == OBJLOAD_OK, "%s 0x%" PRIx64 ": status %d (%s)",
		  k->name, v, r->status, r->err);
	CHECK_MSG(memcmp(r->buf + FIELD_OFF, want, k->width) == 0,
		  "%s: field holds 0x%" PRIx64, k->name, v);
	CHECK_MSG(untouched(r->buf, 0, FIELD_OFF) &&
		  untouched(r->buf, FIELD_OFF + k->width, BUF_SIZE),
		  "%s 0x%" PRIx64 ": bytes outside the field untouched",
		  k->name, v);
}

static void check_range_error(const struct applied *r, unsigned kind,
			      uint64_t v)
{
	const char *name = kind_of(kind)->name;

	CHECK_MSG(r->status == OBJLOAD_ERR_RANGE,
		  "%s 0x%" PRIx64 ": OBJLOAD_ERR_RANGE, got %d", name, v,
		  r->status);
	CHECK_MSG(untouched(r->buf, 0, BUF_SIZE),
		  "%s 0x%" PRIx64 ": nothing written on overflow", name, v);
	CHECK_MSG(strstr(r->err, "does not fit") != NULL,
		  "%s 0x%" PRIx64 ": message \"%s\"", name, v, r->err);
}

/* ---- The formula text of the .def, evaluated independently ------------ */

static int formula_letter(const char *p, size_t n, const arch_fixup *fx,
			  uint64_t *v)
{
	const struct {
		const char *name;
		uint64_t value;
	} letters[] = {
		{ "S", fx->S }, { "A", (uint64_t)fx->A }, { "P", fx->P },
		{ "GOT", fx->GOT }, { "G", fx->G }, { "B", fx->B },
		{ "SUB", fx->SUB }, { "Z", fx->Z },
		{ "T", fx->T }, { "TP", fx->TP }, { "M", fx->M },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(letters); i++) {
		if (strlen(letters[i].name) == n &&
		    strncmp(p, letters[i].name, n) == 0) {
			*v = letters[i].value;
			return 1;
		}
	}
	return 0;
}

/*
 * Evaluate "S + A - P", "G - GOT + A", ... modulo 2^64.  Text after a
 * comma is commentary.  Returns 0 when the text is not such a formula
 * ("nothing").
 */
static int eval_formula(const char *text, const arch_fixup *fx, uint64_t *out)
{
	const char *p = text;
	uint64_t v = 0, term;
	int negate = 0, want_term = 1;
	size_t n;

	while (*p && *p != ',') {
		if (*p == ' ') {
			p++;
		} else if (!want_term) {
			if (*p != '+' && *p != '-')
				return 0;
			negate = *p++ == '-';
			want_term = 1;
		} else {
			n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			if (!n || !formula_letter(p, n, fx, &term))
				return 0;
			v = negate ? v - term : v + term;
			p += n;
			want_term = 0;
		}
	}
	if (want_term)
		return 0;
	*out = v;
	return 1;
}

/* ---- Every kind: exact bytes for a representative value ---------------- */

struct kind_case {
	unsigned kind;
	arch_fixup fx;
	objload_status status;
	unsigned n;             /* bytes expected, = the kind's width */
	uint8_t bytes[8];
};

#define BYTES(...)							\
	.n = sizeof((uint8_t[]){ __VA_ARGS__ }), .bytes = { __VA_ARGS__ }

static const struct kind_case kind_cases[] = {
	{ OBJLOAD_X86_64_NONE, { .S = 0x1234, .A = 1, .P = 0x1000 },
	  OBJLOAD_OK, .n = 0 },
	{ OBJLOAD_X86_64_ABS64, { .S = 0x1122334455667788, .A = 0x10 },
	  OBJLOAD_OK, BYTES(0x98, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ OBJLOAD_X86_64_ABS32, { .S = 0x12345000, .A = 0x678 },
	  OBJLOAD_OK, BYTES(0x78, 0x56, 0x34, 0x12) },
	{ OBJLOAD_X86_64_ABS32S, { .S = 0xffffffff80001000, .A = -0x10 },
	  OBJLOAD_OK, BYTES(0xf0, 0x0f, 0x00, 0x80) },
	{ OBJLOAD_X86_64_ABS16, { .S = 0xbe00, .A = 0xef },
	  OBJLOAD_OK, BYTES(0xef, 0xbe) },
	{ OBJLOAD_X86_64_ABS8, { .S = 0x80, .A = 0x7f },
	  OBJLOAD_OK, BYTES(0xff) },
	{ OBJLOAD_X86_64_PC64, { .S = 0x1000, .A = -4, .P = 0x7fff00002000 },
	  OBJLOAD_OK, BYTES(0xfc, 0xef, 0xff, 0xff, 0x00, 0x80, 0xff, 0xff) },
	{ OBJLOAD_X86_64_PC32, { .S = 0x400000, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0xfc, 0xef, 0xff, 0xff) },
	{ OBJLOAD_X86_64_PC16, { .S = 0x1000, .A = -2, .P = 0x1100 },
	  OBJLOAD_OK, BYTES(0xfe, 0xfe) },
	{ OBJLOAD_X86_64_PC8, { .S = 0x1000, .A = -1, .P = 0x1010 },
	  OBJLOAD_OK, BYTES(0xef) },
	{ OBJLOAD_X86_64_BRANCH32, { .S = 0x500000, .A = -4, .P = 0x400000 },
	  OBJLOAD_OK, BYTES(0xfc, 0xff, 0x0f, 0x00) },
	{ OBJLOAD_X86_64_GOTPCREL32,
	  { .S = 0x7f1234567000, .G = 0x602010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x20, 0x00) },
	{ OBJLOAD_X86_64_GOTPCRELX32,
	  { .S = 0x7f1234567000, .G = 0x602010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x20, 0x00) },
	{ OBJLOAD_X86_64_REXGOTPCRELX32,
	  { .S = 0x7f1234567000, .G = 0x401000, .A = -4, .P = 0x602010 },
	  OBJLOAD_OK, BYTES(0xec, 0xef, 0xdf, 0xff) },
	/* the bytes before the field (guards) are no instruction it can
	 * rewrite: refused, nothing written (test_relaxation has real ones) */
	{ OBJLOAD_X86_64_GOTRELAXED32, { .S = 0x401100, .A = -4, .P = 0x401000 },
	  OBJLOAD_ERR_FORMAT, .n = 0 },
	{ OBJLOAD_X86_64_SIZE32, { .S = 0x401000, .Z = 0x120, .A = 8 },
	  OBJLOAD_OK, BYTES(0x28, 0x01, 0x00, 0x00) },
	{ OBJLOAD_X86_64_SIZE64, { .S = 0x401000, .Z = 0x120, .A = -0x20 },
	  OBJLOAD_OK, BYTES(0x00, 0x01, 0, 0, 0, 0, 0, 0) },
	{ OBJLOAD_X86_64_GOTPCREL64,
	  { .S = 0x1234, .G = 0x7fff00000010, .P = 0x1000 },
	  OBJLOAD_OK, BYTES(0x10, 0xf0, 0xff, 0xff, 0xfe, 0x7f, 0x00, 0x00) },
	{ OBJLOAD_X86_64_GOTPC32,
	  { .S = 0x1234, .GOT = 0x602000, .A = 3, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x03, 0x10, 0x20, 0x00) },
	{ OBJLOAD_X86_64_GOTPC64,
	  { .S = 0x1234, .GOT = 0x602000, .P = 0x700000 },
	  OBJLOAD_OK, BYTES(0x00, 0x20, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff) },
	{ OBJLOAD_X86_64_GOTOFF64,
	  { .S = 0x601000, .A = 8, .GOT = 0x602000, .P = 0x1234 },
	  OBJLOAD_OK, BYTES(0x08, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff) },
	{ OBJLOAD_X86_64_GOTSLOT64,
	  { .S = 0x1234, .G = 0x602018, .GOT = 0x602000, .P = 0x4321 },
	  OBJLOAD_OK, BYTES(0x18, 0, 0, 0, 0, 0, 0, 0) },
	{ OBJLOAD_X86_64_GOTSLOT32,
	  { .S = 0x1234, .G = 0x602020, .GOT = 0x602000, .A = 4 },
	  OBJLOAD_OK, BYTES(0x24, 0x00, 0x00, 0x00) },
	{ OBJLOAD_X86_64_IMAGEREL32,
	  { .S = 0x140001234, .A = 0x10, .B = 0x140000000, .P = 0x140002000 },
	  OBJLOAD_OK, BYTES(0x44, 0x12, 0x00, 0x00) },
	{ OBJLOAD_X86_64_SECREL32, { .S = 0x2010, .B = 0x2000, .P = 0x9000 },
	  OBJLOAD_OK, BYTES(0x10, 0x00, 0x00, 0x00) },
	{ OBJLOAD_X86_64_DELTA64,
	  { .S = 0x1000, .SUB = 0x2000, .A = 8, .P = 0x3000 },
	  OBJLOAD_OK, BYTES(0x08, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff) },
	{ OBJLOAD_X86_64_DELTA32,
	  { .S = 0x3000, .SUB = 0x1000, .A = -0x10, .P = 0x5000 },
	  OBJLOAD_OK, BYTES(0xf0, 0x1f, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TLS, { .S = 0x1000, .P = 0x2000 },
	  OBJLOAD_ERR_UNSUPPORTED, .n = 0 },
	/* thread-local: T, TP and M are what the core computed; S is the
	 * template copy's address, which none of them uses */
	{ OBJLOAD_X86_64_TLSOFF32, { .S = 0x7000, .T = 0x120, .A = 4 },
	  OBJLOAD_OK, BYTES(0x24, 0x01, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TLSOFF64, { .S = 0x7000, .T = 0x120, .A = -0x20 },
	  OBJLOAD_OK, BYTES(0x00, 0x01, 0, 0, 0, 0, 0, 0) },
	{ OBJLOAD_X86_64_TLSMOD64, { .S = 0x7000, .M = 0x7f0011223344 },
	  OBJLOAD_OK, BYTES(0x44, 0x33, 0x22, 0x11, 0x00, 0x7f, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TPOFF32, { .S = 0x7000, .TP = 0xfffffffffffffef0, .A = 8 },
	  OBJLOAD_OK, BYTES(0xf8, 0xfe, 0xff, 0xff) },
	{ OBJLOAD_X86_64_TPOFF64, { .S = 0x7000, .TP = 0xfffffffffffffef0 },
	  OBJLOAD_OK, BYTES(0xf0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff) },
	{ OBJLOAD_X86_64_GOTTPOFF32, { .S = 0x7000, .G = 0x402010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TLSGD32, { .S = 0x7000, .G = 0x402010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TLSLD32, { .S = 0x7000, .G = 0x400ff0, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0xec, 0xff, 0xff, 0xff) },
	{ OBJLOAD_X86_64_TLSDESC32, { .S = 0x7000, .G = 0x402010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x00, 0x00) },
	{ OBJLOAD_X86_64_TLSDESCCALL, { .S = 0x7000, .P = 0x401000 },
	  OBJLOAD_OK, .n = 0 },
	/* writes the jmp opcode before its field: test_tls_jump */
	{ OBJLOAD_X86_64_TLSJUMP32, { .S = 0x7000, .G = 0x402010, .A = -4, .P = 0x401000 },
	  OBJLOAD_OK, BYTES(0x0c, 0x10, 0x00, 0x00) },
};

static void test_every_kind_has_a_case(void)
{
	unsigned kind;
	size_t i, found;

	for (kind = 0; kind < arch_x86_64.nkinds; kind++) {
		found = 0;
		for (i = 0; i < ARRAY_SIZE(kind_cases); i++)
			found += kind_cases[i].kind == kind;
		CHECK_MSG(found > 0, "kind %s has a test case in kind_cases[]",
			  kind_of(kind)->name);
	}
}

static void test_every_kind_bytes(void)
{
	const struct kind_case *c;
	const arch_kind *k;
	struct applied r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kind_cases); i++) {
		c = &kind_cases[i];
		k = kind_of(c->kind);
		r = run_apply(c->kind, &c->fx);
		CHECK_MSG(r.status == c->status,
			  "%s: status %d, expected %d (%s)", k->name, r.status,
			  c->status, r.err);
		CHECK_MSG(c->status != OBJLOAD_OK || c->n == k->width,
			  "%s: the case expects %u bytes, the kind is %u wide",
			  k->name, c->n, k->width);
		CHECK_MSG(memcmp(r.buf + FIELD_OFF, c->bytes, c->n) == 0,
			  "%s: exact bytes written", k->name);
		if (c->kind == OBJLOAD_X86_64_TLSJUMP32) {
			CHECK_MSG(r.buf[FIELD_OFF - 1] == 0xe9 &&
				  untouched(r.buf, 0, FIELD_OFF - 1) &&
				  untouched(r.buf, FIELD_OFF + c->n, BUF_SIZE),
				  "%s: jmp rel32, nothing else written", k->name);
			continue;
		}
		CHECK_MSG(untouched(r.buf, 0, FIELD_OFF) &&
			  untouched(r.buf, FIELD_OFF + c->n, BUF_SIZE),
			  "%s: bytes outside the field untouched", k->name);
	}
}

/*
 * The applier derives each kind's letters from its flags; the .def also
 * states the formula as text.  They must agree, for every kind, with
 * letters chosen so that no two plausible formulas give the same value.
 */
static void test_formula_text_agrees(void)
{
	static const arch_fixup sets[] = {
		{ .S = 0x61, .A = 5, .P = 0x23, .GOT = 0x17, .G = 0x4d,
		  .B = 0x0b, .SUB = 0x3b, .Z = 0x71, .T = 0x2f, .TP = 0x83,
		  .M = 0x95 },
		{ .S = 0x35, .A = -3, .P = 0x52, .GOT = 0x0e, .G = 0x27,
		  .B = 0x30, .SUB = 0x18, .Z = 0x09, .T = 0x44, .TP = 0x13,
		  .M = 0x3d },
	};
	const arch_kind *k;
	struct applied r;
	uint64_t want;
	unsigned kind;
	size_t i;
	int ok;

	for (kind = 0; kind < arch_x86_64.nkinds; kind++) {
		k = kind_of(kind);
		/* a rewriting kind needs its instruction: test_relaxation */
		if (k->width == 0 || (k->flags & OBJLOAD_KF_REWRITES))
			continue;
		for (i = 0; i < ARRAY_SIZE(sets); i++) {
			ok = eval_formula(k->formula, &sets[i], &want);
			CHECK_MSG(ok, "%s: formula \"%s\" parses", k->name,
				  k->formula);
			if (!ok)
				continue;
			r = run_apply(kind, &sets[i]);
			check_written(&r, kind, want);
		}
	}
}

/* ---- Range checks ------------------------------------------------------ */

/* A fixup whose formula value is v: every formula adds A exactly once. */
static arch_fixup fixup_for(unsigned kind, uint64_t v)
{
	arch_fixup fx = {
		.S = 0x401000, .P = 0x400000, .GOT = 0x600000,
		.G = 0x600010, .B = 0x400000, .SUB = 0x400800,
	};
	uint64_t v0 = 0;

	CHECK_MSG(eval_formula(kind_of(kind)->formula, &fx, &v0),
		  "%s: formula parses", kind_of(kind)->name);
	fx.A = tu_as_i64(v - v0);
	return fx;
}

/* The edges of every checked kind, derived from its width and check. */
static void test_range_edges_every_kind(void)
{
	const arch_kind *k;
	arch_fixup fx;
	struct applied r;
	uint64_t pass[2], fail[2], v;
	unsigned kind, bits;
	size_t i;

	for (kind = 0; kind < arch_x86_64.nkinds; kind++) {
		k = kind_of(kind);
		if (k->width == 0 || k->width == 8 || (k->flags & OBJLOAD_KF_REWRITES))
			continue;
		bits = 8u * k->width;
		CHECK_MSG(k->check != ARCH_CHECK_ANY,
			  "%s: narrow kinds are range-checked", k->name);
		/* The lowest and highest values fit, one past does not. */
		if (k->check == ARCH_CHECK_SIGNED) {
			pass[0] = UINT64_C(0) - (UINT64_C(1) << (bits - 1));
			pass[1] = (UINT64_C(1) << (bits - 1)) - 1;
		} else {
			pass[0] = 0;
			pass[1] = (UINT64_C(1) << bits) - 1;
		}
		fail[0] = pass[0] - 1;
		fail[1] = pass[1] + 1;

		for (i = 0; i < 2; i++) {
			v = pass[i];
			fx = fixup_for(kind, v);
			r = run_apply(kind, &fx);
			check_written(&r, kind, v);

			v = fail[i];
			fx = fixup_for(kind, v);
			r = run_apply(kind, &fx);
			check_range_error(&r, kind, v);
			CHECK_MSG(strstr(r.err, k->check == ARCH_CHECK_SIGNED ?
					 "signed" : "unsigned") != NULL,
				  "%s: message names the check: %s", k->name,
				  r.err);
		}
	}
}

/* 8-byte kinds take every 64-bit value. */
static void test_range_any_width8(void)
{
	static const uint64_t values[] = {
		0, 1, UINT64_C(0x7fffffffffffffff),
		UINT64_C(0x8000000000000000), UINT64_MAX,
	};
	arch_fixup fx;
	struct applied r;
	unsigned kind;
	size_t i;

	for (kind = 0; kind < arch_x86_64.nkinds; kind++) {
		if (kind_of(kind)->width != 8)
			continue;
		for (i = 0; i < ARRAY_SIZE(values); i++) {
			fx = fixup_for(kind, values[i]);
			r = run_apply(kind, &fx);
			check_written(&r, kind, values[i]);
		}
	}
}

static void test_pc32_edges(void)
{
	const uint64_t P = 0x10000000;
	arch_fixup fx = { .P = P, .A = -4 };
	struct applied r;

	/* S + A - P = INT32_MAX */
	fx.S = P + INT32_MAX + 4;
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\xff\xff\xff\x7f", 4), 0);

	fx.S += 1;
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x80000000 (S=0x90000004 A=-0x4 "
			       "P=0x10000000) does not fit in signed 32 bits");

	/* S + A - P = INT32_MIN */
	fx.S = P - UINT64_C(0x80000000) + 4;
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\x00\x00\x00\x80", 4), 0);

	fx.S -= 1;
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "0xffffffff7fffffff"));

	/* Far host function from code at the bottom of the address space. */
	fx.S = 0x7f0012345678;
	fx.P = 0x400000;
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
}

static void test_abs32_edges(void)
{
	arch_fixup fx = { .P = 0x1234 };
	struct applied r;

	fx.S = 0xffffffff;
	r = run_apply(OBJLOAD_X86_64_ABS32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\xff\xff\xff\xff", 4), 0);

	fx.S = 0xfffffff0;
	fx.A = 0x10;    /* 0x100000000 */
	r = run_apply(OBJLOAD_X86_64_ABS32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x100000000 (S=0xfffffff0 "
			       "A=0x10) does not fit in unsigned 32 bits");

	fx.S = 0x10;
	fx.A = -0x11;   /* -1 */
	r = run_apply(OBJLOAD_X86_64_ABS32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));

	fx.S = 0;
	fx.A = 0;
	r = run_apply(OBJLOAD_X86_64_ABS32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\0\0\0\0", 4), 0);
}

static void test_abs32s_edges(void)
{
	arch_fixup fx = { .P = 0x1234 };
	struct applied r;

	fx.S = 0xffffffff80000000;
	r = run_apply(OBJLOAD_X86_64_ABS32S, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\x00\x00\x00\x80", 4), 0);

	fx.S = 0x7fffffff;
	r = run_apply(OBJLOAD_X86_64_ABS32S, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(r.buf + FIELD_OFF, "\xff\xff\xff\x7f", 4), 0);

	fx.S = 0x80000000;
	r = run_apply(OBJLOAD_X86_64_ABS32S, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));

	fx.S = 0xffffffff7fffffff;
	r = run_apply(OBJLOAD_X86_64_ABS32S, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));
}

/* Wrapping intermediate values and extreme addends: no UB, no truncation. */
static void test_extreme_values(void)
{
	arch_fixup fx = { .S = UINT64_MAX, .A = 1 };
	struct applied r;

	r = run_apply(OBJLOAD_X86_64_ABS64, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(tu_get_le(r.buf + FIELD_OFF, 8), 0);

	fx = (arch_fixup){ .S = 0, .A = INT64_MIN, .P = UINT64_MAX };
	r = run_apply(OBJLOAD_X86_64_PC64, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);
	CU_ASSERT_EQUAL(tu_get_le(r.buf + FIELD_OFF, 8),
			UINT64_C(0x8000000000000001));

	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "A=-0x8000000000000000"));

	fx = (arch_fixup){ .S = UINT64_MAX, .A = INT64_MAX, .P = 0 };
	r = run_apply(OBJLOAD_X86_64_PC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	r = run_apply(OBJLOAD_X86_64_ABS8, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
}

/* The message shows the letters the kind uses. */
static void test_message_letters(void)
{
	arch_fixup fx = {
		.S = 0x1000, .G = 0x7f0000000000, .GOT = 0x7f0000000000,
		.P = 0x400000, .B = 0x140000000, .SUB = 0x7f0000000000,
	};
	struct applied r;

	r = run_apply(OBJLOAD_X86_64_GOTPCREL32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(G=0x7f0000000000 A=0x0 "
				      "P=0x400000)"));

	r = run_apply(OBJLOAD_X86_64_GOTPC32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(GOT=0x7f0000000000 A=0x0 "
				      "P=0x400000)"));

	r = run_apply(OBJLOAD_X86_64_IMAGEREL32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(S=0x1000 A=0x0 "
				      "B=0x140000000)"));

	r = run_apply(OBJLOAD_X86_64_DELTA32, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "SUB=0x7f0000000000"));
}

static void test_bad_kinds_and_buffers(void)
{
	arch_fixup fx = { .S = 0x1000, .P = 0x2000 };
	struct applied r;
	uint8_t buf[8] = { 0 };
	char tiny[8];

	r = run_apply(OBJLOAD_X86_64_KIND_COUNT, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_ARGUMENT);
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));
	CU_ASSERT(r.err[0] != '\0');

	r = run_apply(UINT32_MAX, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_ARGUMENT);

	r = run_apply(OBJLOAD_X86_64_TLS, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_UNSUPPORTED);
	CU_ASSERT_STRING_EQUAL(r.err,
			       "thread-local storage in a form objload does not support");
	CU_ASSERT(untouched(r.buf, 0, BUF_SIZE));

	/* NONE writes nothing, whatever the arguments. */
	CU_ASSERT_EQUAL(arch_x86_64.apply(OBJLOAD_X86_64_NONE, NULL, NULL,
					  NULL, 0), OBJLOAD_OK);

	/* No message buffer, or one too small: status only, no overrun. */
	fx.S = 0x100000000;
	CU_ASSERT_EQUAL(arch_x86_64.apply(OBJLOAD_X86_64_ABS32, buf, &fx,
					  NULL, 0), OBJLOAD_ERR_RANGE);
	memset(tiny, 'x', sizeof(tiny));
	CU_ASSERT_EQUAL(arch_x86_64.apply(OBJLOAD_X86_64_ABS32, buf, &fx,
					  tiny, 4), OBJLOAD_ERR_RANGE);
	CU_ASSERT_EQUAL(tiny[3], '\0');
	CU_ASSERT_EQUAL(tiny[4], 'x');
	CU_ASSERT_EQUAL(arch_x86_64.apply(OBJLOAD_X86_64_ABS32, NULL, &fx,
					  NULL, 0), OBJLOAD_ERR_ARGUMENT);
}

/* ---- Branch reach ------------------------------------------------------ */

static void test_branch_reaches(void)
{
	const arch_ops *a = &arch_x86_64;
	const unsigned br = OBJLOAD_X86_64_BRANCH32;
	const uint64_t P = 0x40000000;
	arch_fixup fx = { .P = P, .A = -4 };
	struct applied r;
	uint64_t S;

	CU_ASSERT_TRUE(a->branch_reaches(br, P, P + INT32_MAX + 4, -4));
	CU_ASSERT_FALSE(a->branch_reaches(br, P, P + INT32_MAX + 5, -4));
	CU_ASSERT_TRUE(a->branch_reaches(br, P, P - 0x80000000 + 4, -4));
	CU_ASSERT_FALSE(a->branch_reaches(br, P, P - 0x80000000 + 3, -4));
	CU_ASSERT_FALSE(a->branch_reaches(br, 0x400000, 0x7f0012345678, -4));
	CU_ASSERT_TRUE(a->branch_reaches(br, 0x7f0012345678,
					 0x7f0012300000, -4));
	CU_ASSERT_FALSE(a->branch_reaches(br, 0, UINT64_MAX, INT64_MIN));

	/* Reach agrees with what apply accepts. */
	for (S = P + INT32_MAX + 2; S < P + INT32_MAX + 7; S++) {
		fx.S = S;
		r = run_apply(br, &fx);
		CU_ASSERT_EQUAL(a->branch_reaches(br, P, S, -4),
				r.status == OBJLOAD_OK);
	}

	/* Only PC-relative kinds reach anything. */
	CU_ASSERT_FALSE(a->branch_reaches(OBJLOAD_X86_64_ABS64, P, P, 0));
	CU_ASSERT_FALSE(a->branch_reaches(OBJLOAD_X86_64_NONE, P, P, 0));
	CU_ASSERT_FALSE(a->branch_reaches(OBJLOAD_X86_64_KIND_COUNT, P, P, 0));
}

/* ---- Generated code, executed ------------------------------------------ */

static uint8_t *map_rw(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Writable while written, then read+execute: never both. */
static int make_rx(uint8_t *page, size_t len)
{
	arch_x86_64.flush_icache(page, len);
	return mprotect(page, len, PROT_READ | PROT_EXEC) == 0;
}

static long stub_target_a(long x)
{
	return 3 * x + 1;
}

static long stub_target_b(long x)
{
	return x - 1000;
}

static uint64_t addr_of(void (*fn)(void))
{
	return (uint64_t)(uintptr_t)fn;
}

/* Synthesized code as the core makes it: the arch's bytes, then each
 * slot's address written through the pointer kind. */
static void fill_slots(const arch_ops *a, uint8_t *work, const arch_code *code,
		       const uint64_t *values)
{
	CU_ASSERT_EQUAL(arch_fill_slots(a, work, code, values), OBJLOAD_OK);
}

static void stub_to(const arch_ops *a, uint8_t *work, uint64_t dest)
{
	arch_code code;

	a->stub(work, &code);
	CU_ASSERT_EQUAL(code.size, a->stub_size);
	CU_ASSERT_EQUAL(code.nslots, 1);
	fill_slots(a, work, &code, &dest);
}

static objload_status bind_thunk_to(const arch_ops *a, uint8_t *work, uint64_t fn,
				    uint64_t bound, unsigned nargs)
{
	arch_code code;
	uint64_t values[2] = { fn, bound };
	objload_status st = a->bind_thunk(work, nargs, &code);

	if (!st)
		fill_slots(a, work, &code, values);
	return st;
}

static __attribute__((unused)) objload_status cc_thunk_to(const arch_ops *a, uint8_t *work,
							    uint64_t dest, objload_callconv from,
							    objload_callconv to)
{
	arch_code code;
	objload_status st = a->cc_thunk(work, from, to, &code);

	if (!st)
		fill_slots(a, work, &code, &dest);
	return st;
}

static void test_stub(void)
{
	const arch_ops *a = &arch_x86_64;
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t dest_a = addr_of((void (*)(void))stub_target_a);
	uint64_t dest_b = addr_of((void (*)(void))stub_target_b);
	long (*fn)(long);
	uint8_t *page;

	CU_ASSERT_EQUAL(a->stub_size, 16);
	CU_ASSERT_EQUAL(a->stub_align, 16);

	page = map_rw(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0, len);
	stub_to(a, page, dest_a);
	stub_to(a, page + 16, dest_b);

	CU_ASSERT_EQUAL(memcmp(page, "\xff\x25\0\0\0\0", 6), 0);
	CU_ASSERT_EQUAL(tu_get_le(page + 6, 8), dest_a);
	CU_ASSERT_EQUAL(memcmp(page + 14, "\xcc\xcc", 2), 0);
	CU_ASSERT_EQUAL(tu_get_le(page + 16 + 6, 8), dest_b);
	CU_ASSERT_EQUAL(page[32], 0);   /* nothing past the stub */

	CU_ASSERT_TRUE_FATAL(make_rx(page, len));
	fn = (long (*)(long))(uintptr_t)page;
	CU_ASSERT_EQUAL(fn(14), 43);
	fn = (long (*)(long))(uintptr_t)(page + 16);
	CU_ASSERT_EQUAL(fn(14), -986);
	munmap(page, len);
}

static void test_got_entry(void)
{
	uint8_t buf[BUF_SIZE];

	arch_fixup fx = { .S = 0x0102030405060708 };

	/* a GOT entry is a pointer-sized field of the pointer kind */
	memset(buf, GUARD, sizeof(buf));
	CU_ASSERT_EQUAL(arch_x86_64.apply(arch_x86_64.pointer_kind, buf + FIELD_OFF, &fx,
					  NULL, 0), OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(buf + FIELD_OFF,
			       "\x08\x07\x06\x05\x04\x03\x02\x01", 8), 0);
	CU_ASSERT(untouched(buf, 0, FIELD_OFF));
	CU_ASSERT(untouched(buf, FIELD_OFF + 8, BUF_SIZE));
}

/*
 * Bound functions take the context after nargs integer arguments and
 * return the context's address plus the arguments as decimal digits
 * (first argument lowest), so a lost or misplaced argument shows as a
 * wrong value rather than a crash.
 */
static long bound0(void *c)
{
	return (long)(uintptr_t)c;
}

static long bound1(long a, void *c)
{
	return bound0(c) + a;
}

static long bound2(long a, long b, void *c)
{
	return bound0(c) + a + 10 * b;
}

static long bound3(long a, long b, long d, void *c)
{
	return bound0(c) + a + 10 * b + 100 * d;
}

static long bound4(long a, long b, long d, long e, void *c)
{
	return bound0(c) + a + 10 * b + 100 * d + 1000 * e;
}

static long bound5(long a, long b, long d, long e, long f, void *c)
{
	return bound0(c) + a + 10 * b + 100 * d + 1000 * e + 10000 * f;
}

/* A callback that really uses its context. */
struct counter {
	long total;
};

static long counter_add(long a, void *ctx)
{
	struct counter *c = ctx;

	c->total += a;
	return c->total;
}

/* Call the thunk at code as a function of nargs arguments 1, 2, ... */
static long call_bound(const uint8_t *code, unsigned nargs)
{
	uintptr_t p = (uintptr_t)code;

	switch (nargs) {
	case 0:
		return ((long (*)(void))p)();
	case 1:
		return ((long (*)(long))p)(1);
	case 2:
		return ((long (*)(long, long))p)(1, 2);
	case 3:
		return ((long (*)(long, long, long))p)(1, 2, 3);
	case 4:
		return ((long (*)(long, long, long, long))p)(1, 2, 3, 4);
	case 5:
		return ((long (*)(long, long, long, long, long))p)(1, 2, 3, 4,
								   5);
	}
	return -1;
}

static void test_bind_thunk(void)
{
	static void (*const targets[])(void) = {
		(void (*)(void))bound0, (void (*)(void))bound1,
		(void (*)(void))bound2, (void (*)(void))bound3,
		(void (*)(void))bound4, (void (*)(void))bound5,
	};
	const arch_ops *a = &arch_x86_64;
	const unsigned size = a->bind_thunk_size;
	const unsigned ntargets = ARRAY_SIZE(targets);
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	struct counter counter = { .total = 1000 };
	uint64_t bound = (uint64_t)(uintptr_t)&counter;
	uint8_t scratch[64], *page, *add;
	long want, got, digit, (*g)(long);
	unsigned n, i;
	int all_ok = 1;

	CU_ASSERT(size >= 16 && size % 16 == 0);
	CU_ASSERT_FATAL(size * (ntargets + 1) <= len);

	/* One register past the SysV argument registers: refused, untouched. */
	memset(scratch, GUARD, sizeof(scratch));
	CU_ASSERT_EQUAL(bind_thunk_to(a, scratch, addr_of(targets[0]), bound, 6),
			OBJLOAD_ERR_ARGUMENT);
	CU_ASSERT(untouched(scratch, 0, sizeof(scratch)));

	page = map_rw(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0, len);
	for (n = 0; n < ntargets; n++)
		CU_ASSERT_EQUAL(bind_thunk_to(a, page + n * size, addr_of(targets[n]),
					      bound, n), OBJLOAD_OK);
	add = page + ntargets * size;
	CU_ASSERT_EQUAL(bind_thunk_to(a, add, addr_of((void (*)(void))counter_add),
				      bound, 1), OBJLOAD_OK);

	/* nargs 1: the context goes to %rsi (movabs = 48 be imm64). */
	CU_ASSERT_EQUAL(memcmp(page + size + 4, "\x48\xbe", 2), 0);
	CU_ASSERT_EQUAL(tu_get_le(page + size + 6, 8), bound);
	/* nargs 5: %r9 (49 b9). */
	CU_ASSERT_EQUAL(memcmp(page + 5 * size + 4, "\x49\xb9", 2), 0);
	/* endbr64 (4) + movabs (10) + jmp (6) + .quad (8), then int3. */
	for (i = 28; i < size; i++)
		CU_ASSERT_EQUAL(page[size + i], 0xcc);

	CU_ASSERT_TRUE_FATAL(make_rx(page, len));

	for (n = 0; n < ntargets; n++) {
		want = (long)(uintptr_t)&counter;
		for (i = 0, digit = 1; i < n; i++, digit *= 10)
			want += (long)(i + 1) * digit;
		got = call_bound(page + n * size, n);
		all_ok &= got == want;
		CHECK_MSG(got == want,
			  "bind thunk with %u arguments passes them all", n);
	}

	/*
	 * long counter_add(long a, void *ctx) called as long g(long a); only
	 * once the context is known to arrive, since it is dereferenced.
	 */
	if (all_ok) {
		g = (long (*)(long))(uintptr_t)add;
		CU_ASSERT_EQUAL(g(42), 1042);
		CU_ASSERT_EQUAL(g(-2), 1040);
		CU_ASSERT_EQUAL(counter.total, 1040);
	}
	munmap(page, len);
}

/* ---- Descriptor, registry and names ------------------------------------ */

static void test_ops(void)
{
	const arch_ops *a = &arch_x86_64;
	unsigned kind;

	CU_ASSERT_STRING_EQUAL(a->name, "x86_64");
	CU_ASSERT_EQUAL(a->id, OBJLOAD_ARCH_X86_64);
	CU_ASSERT_EQUAL(a->pointer_size, 8);
	CU_ASSERT_TRUE(a->little_endian);
	CU_ASSERT_EQUAL(a->nkinds, OBJLOAD_X86_64_KIND_COUNT);
	CU_ASSERT_PTR_NOT_NULL(a->apply);
	CU_ASSERT_PTR_NOT_NULL(a->branch_reaches);
	CU_ASSERT_PTR_NOT_NULL(a->stub);
	CU_ASSERT_PTR_NOT_NULL(a->bind_thunk);
	CU_ASSERT_PTR_NOT_NULL(a->read_addend);
	CU_ASSERT_PTR_NOT_NULL(a->reaches);
	CU_ASSERT_EQUAL(a->pointer_kind, OBJLOAD_X86_64_ABS64);
	CU_ASSERT_PTR_NOT_NULL(a->flush_icache);

	for (kind = 0; kind < a->nkinds; kind++) {
		const arch_kind *k = kind_of(kind);

		CHECK_MSG(k->name && k->formula, "kind %u has name and formula",
			  kind);
		CHECK_MSG(k->check != ARCH_CHECK_ANY || k->width == 0 ||
			  k->width == 8, "%s: ANY only on 8-byte fields",
			  k->name);
	}
}

static void test_names(void)
{
	unsigned kind;

	CU_ASSERT_PTR_EQUAL(arch_lookup(OBJLOAD_ARCH_X86_64), &arch_x86_64);
	CU_ASSERT_PTR_NULL(arch_lookup(OBJLOAD_ARCH_UNKNOWN));

	CU_ASSERT_STRING_EQUAL(objload_arch_name(OBJLOAD_ARCH_X86_64),
			       "x86_64");
	CU_ASSERT_STRING_EQUAL(objload_arch_name(OBJLOAD_ARCH_AARCH64),
			       "aarch64");
	CU_ASSERT_STRING_EQUAL(objload_arch_name(OBJLOAD_ARCH_UNKNOWN),
			       "unknown");
	CU_ASSERT_STRING_EQUAL(objload_arch_name((objload_arch_id)99),
			       "unknown");

	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						 OBJLOAD_X86_64_NONE), "NONE");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						 OBJLOAD_X86_64_PC32), "PC32");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						 OBJLOAD_X86_64_GOTPCREL32),
			       "GOTPCREL32");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						 OBJLOAD_X86_64_TLS), "TLS");
	for (kind = 0; kind < OBJLOAD_X86_64_KIND_COUNT; kind++)
		CU_ASSERT_PTR_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						      kind),
				    kind_of(kind)->name);
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_X86_64,
						 OBJLOAD_X86_64_KIND_COUNT),
			       "?");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_UNKNOWN, 0),
			       "?");
}

/* ---- Calling-convention thunks, executed ------------------------------- */

/* (x86-64 code and registers: compiled and run on an x86-64 host only) */
#if defined(__x86_64__)

/* System V targets of MS -> SysV thunks; the second clobbers every
 * register the Microsoft caller expects preserved. */
static long cc_sysv6(long a, long b, long c, long d, long e, long f)
{
	return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

static long cc_sysv_clobber(long a, long b)
{
	__asm__ volatile("mov $-1, %%rdi; mov $-1, %%rsi; pcmpeqd %%xmm6, %%xmm6;"
			 "pcmpeqd %%xmm9, %%xmm9; pcmpeqd %%xmm15, %%xmm15"
			 ::: "rdi", "rsi", "xmm6", "xmm9", "xmm15");
	return a - b;
}

static double cc_sysv_pow2(double x, double y)
{
	return x * 100 + y;
}

/* Microsoft x64 targets of SysV -> MS thunks. */
static TU_MS_ABI long cc_ms6(long a, long b, long c, long d, long e, long f)
{
	return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

/* Formats a double, which the host's printf does with aligned SSE
 * stores (a misaligned stack faults), and at -O0 spills its argument to
 * its shadow space as Microsoft x64 allows. */
static TU_MS_ABI __attribute__((noinline)) long cc_ms_shadow(long a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.1f", (double)a / 2);
	return a + (long)strlen(buf);
}

/* Call an MS -> SysV thunk from code that keeps values in rdi, rsi and
 * xmm6 / xmm9 / xmm15 across the call, and report whether they
 * survived.  The red zone is stepped over. */
static long cc_call_ms_preserving(uint64_t thunk, long a, long b, int *kept)
{
	register uint64_t rdi __asm__("rdi") = 0x1111;
	register uint64_t rsi __asm__("rsi") = 0x2222;
	register double x6 __asm__("xmm6") = 6.5;
	register double x9 __asm__("xmm9") = 9.5;
	register double x15 __asm__("xmm15") = 15.5;
	register long rcx __asm__("rcx") = a;
	register long rdx __asm__("rdx") = b;
	long ret;

	__asm__ volatile("lea -128(%%rsp), %%rsp; push %%rbx; mov %%rsp, %%rbx;"
			 "and $-16, %%rsp; sub $32, %%rsp; call *%[t]; mov %%rbx, %%rsp;"
			 "pop %%rbx; lea 128(%%rsp), %%rsp"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+x"(x6), "+x"(x9), "+x"(x15),
			   "+c"(rcx), "+d"(rdx)
			 : [t] "r"(thunk)
			 : "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
			   "xmm5", "memory", "cc");
	*kept = rdi == 0x1111 && rsi == 0x2222 && x6 == 6.5 && x9 == 9.5 && x15 == 15.5;
	return ret;
}

static void test_cc_thunks(void)
{
	const arch_ops *a = &arch_x86_64;
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	unsigned sz = a->cc_thunk_size;
	uint8_t *page, scratch[8];
	int kept = 0;

	CU_ASSERT_FATAL(a->cc_thunk != NULL);
	CU_ASSERT_FATAL(sz >= 16 && sz % 16 == 0 && 6 * sz <= len);
	CU_ASSERT_EQUAL(cc_thunk_to(a, scratch, 0, OBJLOAD_CC_SYSV, OBJLOAD_CC_SYSV),
			OBJLOAD_ERR_UNSUPPORTED);
	page = map_rw(len);
	CU_ASSERT_FATAL(page != NULL);
	CU_ASSERT_EQUAL(cc_thunk_to(a, page, addr_of((void (*)(void))cc_sysv6),
					  OBJLOAD_CC_MS_X64, OBJLOAD_CC_SYSV), OBJLOAD_OK);
	CU_ASSERT_EQUAL(cc_thunk_to(a, page + sz, addr_of((void (*)(void))cc_sysv_clobber),
					  OBJLOAD_CC_MS_X64, OBJLOAD_CC_SYSV), OBJLOAD_OK);
	CU_ASSERT_EQUAL(cc_thunk_to(a, page + 2 * sz, addr_of((void (*)(void))cc_sysv_pow2),
					  OBJLOAD_CC_MS_X64, OBJLOAD_CC_SYSV), OBJLOAD_OK);
	CU_ASSERT_EQUAL(cc_thunk_to(a, page + 3 * sz, addr_of((void (*)(void))cc_ms6),
					  OBJLOAD_CC_SYSV, OBJLOAD_CC_MS_X64), OBJLOAD_OK);
	CU_ASSERT_EQUAL(cc_thunk_to(a, page + 4 * sz, addr_of((void (*)(void))cc_ms_shadow),
					  OBJLOAD_CC_SYSV, OBJLOAD_CC_MS_X64), OBJLOAD_OK);
	CU_ASSERT_FATAL(make_rx(page, len));

	/* MS x64 caller, six arguments (two on the stack) */
	CU_ASSERT_EQUAL(((TU_MS_ABI long (*)(long, long, long, long, long, long))
			 (uintptr_t)page)(1, 2, 3, 4, 5, 6), 654321);
	/* rdi, rsi, xmm6-15 survive a System V callee that clobbers them */
	CU_ASSERT_EQUAL(cc_call_ms_preserving((uint64_t)(uintptr_t)(page + sz), 50, 8, &kept), 42);
	CU_ASSERT(kept);
	/* all-double arguments pass through xmm0/xmm1 */
	CU_ASSERT_EQUAL(((TU_MS_ABI double (*)(double, double))
			 (uintptr_t)(page + 2 * sz))(1.5, 0.25), 150.25);
	/* System V caller, six arguments into rcx, rdx, r8, r9 and the stack */
	CU_ASSERT_EQUAL(((long (*)(long, long, long, long, long, long))(uintptr_t)(page + 3 * sz))
			(1, 2, 3, 4, 5, 6), 654321);
	/* shadow space is the thunk's, and the stack is 16-aligned */
	CU_ASSERT_EQUAL(((long (*)(long))(uintptr_t)(page + 4 * sz))(7), 10);
	munmap(page, len);
}
#endif

int objload_test_register_arch_x86_64(void)
{
	static const struct tu_test tests[] = {
		{ "every kind has a test case", test_every_kind_has_a_case },
		{ "every kind: exact bytes", test_every_kind_bytes },
		{ "formula text agrees with applier",
		  test_formula_text_agrees },
		{ "range edges of every checked kind",
		  test_range_edges_every_kind },
		{ "8-byte kinds take any value", test_range_any_width8 },
		{ "PC32 edges", test_pc32_edges },
		{ "ABS32 edges", test_abs32_edges },
		{ "ABS32S edges", test_abs32s_edges },
		{ "extreme values", test_extreme_values },
		{ "message names the kind's letters", test_message_letters },
		{ "bad kinds and buffers", test_bad_kinds_and_buffers },
		{ "branch reach", test_branch_reaches },
		{ "stub executes", test_stub },
		{ "GOT entry", test_got_entry },
		{ "bind thunk executes", test_bind_thunk },
		{ "arch_ops descriptor", test_ops },
		{ "arch and kind names", test_names },
#if defined(__x86_64__)
		{ "calling-convention thunks execute", test_cc_thunks },
#endif
	};
	return tu_add_suite("arch_x86_64", NULL, NULL, tests, TU_COUNT(tests));
}
