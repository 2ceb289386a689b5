/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the AArch64 relocation applier (arch/aarch64/aarch64.c)
 * and of the AArch64 relocation table of the ELF plug-in.
 *
 * The host is x86-64, so nothing here executes AArch64 code; what the
 * applier writes is checked three ways instead:
 *   - every kind of include/objload/kinds-aarch64.def has a hand-written
 *     case with the exact instruction word expected (each word was
 *     assembled with `llvm-mc -triple=aarch64 -show-encoding`; the
 *     instruction is written next to it), and a test fails when a kind is
 *     added without one;
 *   - a table below restates, from AAELF64 and the Arm ARM, which bits of
 *     X each kind's field holds; the formula text of every .def row is
 *     evaluated, and the range and alignment edges are derived from the
 *     kind table, and the written word is decoded with this table: the
 *     field holds X[hi:lo] and no bit outside the immediate changed;
 *   - an assembly file with every relocation the ELF plug-in maps is
 *     assembled with llvm-mc and linked at fixed addresses with ld.lld;
 *     the applier, fed the addresses lld chose, must write exactly the
 *     bytes lld wrote.
 * Objects clang compiles for AArch64 under several code models are parsed
 * through the public API, and every relocation readelf lists must be an
 * edge with the kind AAELF64's meaning calls for.  Tools that are missing
 * skip their test with a note.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "objload.h"
#include "objload/plugin.h"
#include "arch/arch.h"
#include "tests/tests.h"
#include "tests/util.h"

#ifndef OBJLOAD_BIN
#define OBJLOAD_BIN "./objload"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An assertion whose failure message says which kind or value failed. */
#define CHECK_MSG(cond, ...) \
	tu_check_at("arch_aarch64", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

static const arch_ops *const a64 = &arch_aarch64;

/* ---- What each kind's field is, restated from the architecture --------- */

/* Bits h..l set. */
#define BITS(h, l) ((uint32_t)(((UINT64_C(1) << ((h) - (l) + 1)) - 1) << (l)))

enum cls {
	C_NONE,   /* nothing written */
	C_DATA,   /* WIDTH bytes of X */
	C_ADR,    /* ADR/ADRP: immhi 23:5, immlo 30:29 */
	C_IMM12,  /* ADD imm / LD/ST unsigned offset: 21:10 */
	C_IMM26,  /* B/BL: 25:0 */
	C_IMM19,  /* B.cond/CBZ/CBNZ: 23:5 */
	C_IMM14,  /* TBZ/TBNZ: 18:5 */
	C_IMM16,  /* MOVZ/MOVK: 20:5 */
};

struct spec {
	unsigned kind;
	enum cls cls;
	unsigned lo, hi;   /* the field holds X[hi:lo] */
	int aligned;       /* X[lo-1:0] must be 0 */
	uint64_t step;     /* X moves in steps of this (pages: 4096) */
	uint32_t insn;     /* a real instruction with the field, imm 0 */
	const char *text;  /* that instruction */
};

static const struct spec specs[] = {
	{ OBJLOAD_AARCH64_NONE, C_NONE, 0, 0, 0, 1, 0, "" },
	{ OBJLOAD_AARCH64_ABS64, C_DATA, 0, 63, 0, 1, 0, ".xword" },
	{ OBJLOAD_AARCH64_ABS32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_ABS16, C_DATA, 0, 15, 0, 1, 0, ".hword" },
	{ OBJLOAD_AARCH64_PREL64, C_DATA, 0, 63, 0, 1, 0, ".xword" },
	{ OBJLOAD_AARCH64_PREL32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_PREL16, C_DATA, 0, 15, 0, 1, 0, ".hword" },
	{ OBJLOAD_AARCH64_ADR_PAGE21, C_ADR, 12, 32, 0, 4096, 0x90000003,
	  "adrp x3, 0" },
	{ OBJLOAD_AARCH64_ADR_PAGE21_NC, C_ADR, 12, 32, 0, 4096, 0x90000003,
	  "adrp x3, 0" },
	{ OBJLOAD_AARCH64_ADR_LO21, C_ADR, 0, 20, 0, 1, 0x10000001,
	  "adr x1, 0" },
	{ OBJLOAD_AARCH64_ADD_LO12, C_IMM12, 0, 11, 0, 1, 0x91000020,
	  "add x0, x1, #0" },
	{ OBJLOAD_AARCH64_LDST8_LO12, C_IMM12, 0, 11, 0, 1, 0x39400022,
	  "ldrb w2, [x1]" },
	{ OBJLOAD_AARCH64_LDST16_LO12, C_IMM12, 1, 11, 1, 2, 0x79400022,
	  "ldrh w2, [x1]" },
	{ OBJLOAD_AARCH64_LDST32_LO12, C_IMM12, 2, 11, 1, 4, 0xb9400022,
	  "ldr w2, [x1]" },
	{ OBJLOAD_AARCH64_LDST64_LO12, C_IMM12, 3, 11, 1, 8, 0xf9400022,
	  "ldr x2, [x1]" },
	{ OBJLOAD_AARCH64_LDST128_LO12, C_IMM12, 4, 11, 1, 16, 0x3dc00022,
	  "ldr q2, [x1]" },
	{ OBJLOAD_AARCH64_LDST_LO12_AUTO, C_IMM12, 3, 11, 1, 8, 0xf9400022,
	  "ldr x2, [x1]" },
	{ OBJLOAD_AARCH64_CALL26, C_IMM26, 2, 27, 1, 4, 0x94000000, "bl 0" },
	{ OBJLOAD_AARCH64_JUMP26, C_IMM26, 2, 27, 1, 4, 0x14000000, "b 0" },
	{ OBJLOAD_AARCH64_CONDBR19, C_IMM19, 2, 20, 1, 4, 0x54000001,
	  "b.ne 0" },
	{ OBJLOAD_AARCH64_TSTBR14, C_IMM14, 2, 15, 1, 4, 0xb7080005,
	  "tbnz x5, #33, 0" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G0, C_IMM16, 0, 15, 0, 1, 0xd2800000,
	  "movz x0, #0" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G0_NC, C_IMM16, 0, 15, 0, 1, 0xf2800000,
	  "movk x0, #0" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G1, C_IMM16, 16, 31, 0, 1, 0xd2a00000,
	  "movz x0, #0, lsl #16" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G1_NC, C_IMM16, 16, 31, 0, 1, 0xf2a00000,
	  "movk x0, #0, lsl #16" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G2, C_IMM16, 32, 47, 0, 1, 0xd2c00000,
	  "movz x0, #0, lsl #32" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G2_NC, C_IMM16, 32, 47, 0, 1, 0xf2c00000,
	  "movk x0, #0, lsl #32" },
	{ OBJLOAD_AARCH64_MOVW_UABS_G3, C_IMM16, 48, 63, 0, 1, 0xf2e00000,
	  "movk x0, #0, lsl #48" },
	{ OBJLOAD_AARCH64_GOT_PAGE21, C_ADR, 12, 32, 0, 4096, 0x90000003,
	  "adrp x3, 0" },
	{ OBJLOAD_AARCH64_GOT_LO12, C_IMM12, 3, 11, 1, 8, 0xf9400022,
	  "ldr x2, [x1]" },
	/* rewritten to "add x2, x1, #lo12": test_kind_bytes and
	 * test_relaxation check it, the generic tests skip it */
	{ OBJLOAD_AARCH64_GOT_LO12_RELAXED, C_IMM12, 0, 11, 0, 1, 0xf9400022,
	  "ldr x2, [x1]" },
	{ OBJLOAD_AARCH64_GOT_PCREL32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_IMAGEREL32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_SECREL32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_SECREL_LO12A, C_IMM12, 0, 11, 0, 1, 0x91000020,
	  "add x0, x1, #0" },
	{ OBJLOAD_AARCH64_SECREL_HI12A, C_IMM12, 12, 23, 0, 1, 0x91400020,
	  "add x0, x1, #0, lsl #12" },
	{ OBJLOAD_AARCH64_SECREL_LO12L, C_IMM12, 2, 11, 1, 4, 0xb9400022,
	  "ldr w2, [x1]" },
	{ OBJLOAD_AARCH64_DELTA32, C_DATA, 0, 31, 0, 1, 0, ".word" },
	{ OBJLOAD_AARCH64_DELTA64, C_DATA, 0, 63, 0, 1, 0, ".xword" },
	{ OBJLOAD_AARCH64_TLS, C_NONE, 0, 0, 0, 1, 0, "" },
	{ OBJLOAD_AARCH64_TLSOFF64, C_DATA, 0, 63, 0, 1, 0, ".xword" },
	{ OBJLOAD_AARCH64_TPOFF64, C_DATA, 0, 63, 0, 1, 0, ".xword" },
	{ OBJLOAD_AARCH64_TLSLE_HI12, C_IMM12, 12, 23, 0, 4096, 0x91400020,
	  "add x0, x1, #0, lsl #12" },
	{ OBJLOAD_AARCH64_TLSLE_LO12, C_IMM12, 0, 11, 0, 1, 0x91000020,
	  "add x0, x1, #0" },
	{ OBJLOAD_AARCH64_TLSLE_LO12_NC, C_IMM12, 0, 11, 0, 1, 0x91000020,
	  "add x0, x1, #0" },
	{ OBJLOAD_AARCH64_TLSIE_PAGE21, C_ADR, 12, 32, 0, 4096, 0x90000003,
	  "adrp x3, 0" },
	{ OBJLOAD_AARCH64_TLSIE_LO12, C_IMM12, 3, 11, 1, 8, 0xf9400022,
	  "ldr x2, [x1]" },
	{ OBJLOAD_AARCH64_TLSDESC_PAGE21, C_ADR, 12, 32, 0, 4096, 0x90000003,
	  "adrp x3, 0" },
	{ OBJLOAD_AARCH64_TLSDESC_LD64_LO12, C_IMM12, 3, 11, 1, 8, 0xf9400022,
	  "ldr x2, [x1]" },
	{ OBJLOAD_AARCH64_TLSDESC_ADD_LO12, C_IMM12, 0, 11, 0, 1, 0x91000020,
	  "add x0, x1, #0" },
	{ OBJLOAD_AARCH64_TLSDESC_CALL, C_NONE, 0, 0, 0, 1, 0, "" },
};

static const struct spec *spec_of(unsigned kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
		if (specs[i].kind == kind)
			return &specs[i];
	return NULL;
}

static const arch_kind *kind_of(unsigned kind)
{
	return &a64->kinds[kind];
}

static uint32_t imm_mask(enum cls c)
{
	switch (c) {
	case C_NONE:
	case C_DATA:
		break;
	case C_ADR:
		return BITS(23, 5) | BITS(30, 29);
	case C_IMM12:
		return BITS(21, 10);
	case C_IMM26:
		return BITS(25, 0);
	case C_IMM19:
		return BITS(23, 5);
	case C_IMM14:
		return BITS(18, 5);
	case C_IMM16:
		return BITS(20, 5);
	}
	return 0;
}

/* The unsigned contents of an instruction's immediate field. */
static uint64_t imm_of(enum cls c, uint32_t insn)
{
	switch (c) {
	case C_NONE:
	case C_DATA:
		break;
	case C_ADR:
		return (uint64_t)((insn >> 5) & 0x7ffff) << 2 |
		       ((insn >> 29) & 3);
	case C_IMM12:
		return (insn >> 10) & 0xfff;
	case C_IMM26:
		return insn & 0x3ffffff;
	case C_IMM19:
		return (insn >> 5) & 0x7ffff;
	case C_IMM14:
		return (insn >> 5) & 0x3fff;
	case C_IMM16:
		return (insn >> 5) & 0xffff;
	}
	return 0;
}

/* X[hi:lo]. */
static uint64_t bits_of(uint64_t X, unsigned hi, unsigned lo)
{
	uint64_t v = X >> lo;
	unsigned n = hi - lo + 1;

	return n >= 64 ? v : v & ((UINT64_C(1) << n) - 1);
}

/* ---- Applying ------------------------------------------------------------ */

/*
 * Fields sit at an odd offset inside a buffer of guard bytes, so every
 * write is unaligned and a stray byte shows.  An instruction kind finds
 * its instruction there first.
 */
enum {
	GUARD = 0xa5,
	FIELD_OFF = 3,
	BUF_SIZE = 16,
	ERR_SIZE = 256,
};

struct applied {
	objload_status status;
	uint8_t before[BUF_SIZE];
	uint8_t buf[BUF_SIZE];
	char err[ERR_SIZE];
};

static struct applied run_insn(unsigned kind, uint32_t insn,
			       const arch_fixup *fx)
{
	struct applied r;

	memset(r.buf, GUARD, sizeof(r.buf));
	memset(r.err, 0, sizeof(r.err));
	if (insn)
		tu_put_le(r.buf + FIELD_OFF, 4, insn);
	memcpy(r.before, r.buf, sizeof(r.buf));
	r.status = a64->apply(kind, r.buf + FIELD_OFF, fx, r.err,
			      sizeof(r.err));
	return r;
}

/* Apply with the kind's own instruction from the spec table. */
static struct applied run_apply(unsigned kind, const arch_fixup *fx)
{
	const struct spec *s = spec_of(kind);

	return run_insn(kind, s ? s->insn : 0, fx);
}

static int same_outside(const struct applied *r, size_t from, size_t to)
{
	return memcmp(r->buf, r->before, from) == 0 &&
	       memcmp(r->buf + to, r->before + to, BUF_SIZE - to) == 0;
}

/*
 * The field holds X as the spec says, and nothing else changed: not the
 * bytes around the field, not the opcode or registers of the instruction.
 */
static void check_written(const struct applied *r, unsigned kind, uint64_t X)
{
	const struct spec *s = spec_of(kind);
	const arch_kind *k = kind_of(kind);
	uint32_t insn, before;

	CHECK_MSG(r->status == OBJLOAD_OK, "%s X=0x%" PRIx64 ": status %d (%s)",
		  k->name, X, r->status, r->err);
	if (r->status != OBJLOAD_OK || !s)
		return;
	CHECK_MSG(same_outside(r, FIELD_OFF, FIELD_OFF + k->width),
		  "%s X=0x%" PRIx64 ": bytes outside the field untouched",
		  k->name, X);
	if (s->cls == C_DATA) {
		CHECK_MSG(tu_get_le(r->buf + FIELD_OFF, k->width) ==
			  bits_of(X, 8u * k->width - 1, 0),
			  "%s: field holds 0x%" PRIx64 ", got 0x%" PRIx64,
			  k->name, X, tu_get_le(r->buf + FIELD_OFF, k->width));
		return;
	}
	insn = (uint32_t)tu_get_le(r->buf + FIELD_OFF, 4);
	before = (uint32_t)tu_get_le(r->before + FIELD_OFF, 4);
	CHECK_MSG((insn & ~imm_mask(s->cls)) == (before & ~imm_mask(s->cls)),
		  "%s X=0x%" PRIx64 ": only the immediate of %s changed "
		  "(0x%08" PRIx32 " -> 0x%08" PRIx32 ")", k->name, X, s->text,
		  before, insn);
	CHECK_MSG(imm_of(s->cls, insn) == bits_of(X, s->hi, s->lo),
		  "%s: %s holds X[%u:%u] of 0x%" PRIx64 " = 0x%" PRIx64
		  ", got 0x%" PRIx64, k->name, s->text, s->hi, s->lo, X,
		  bits_of(X, s->hi, s->lo), imm_of(s->cls, insn));
}

/* An error: nothing written, the status and the message as expected. */
static void check_refused(const struct applied *r, unsigned kind,
			  objload_status status, const char *needle,
			  uint64_t X)
{
	const char *name = kind_of(kind)->name;

	CHECK_MSG(r->status == status, "%s X=0x%" PRIx64 ": status %d, want %d",
		  name, X, r->status, status);
	CHECK_MSG(memcmp(r->buf, r->before, BUF_SIZE) == 0,
		  "%s X=0x%" PRIx64 ": nothing written on error", name, X);
	CHECK_MSG(strstr(r->err, needle) != NULL,
		  "%s X=0x%" PRIx64 ": message \"%s\" has \"%s\"", name, X,
		  r->err, needle);
}

/* ---- The formula text of the .def, evaluated independently ------------ */

struct formula {
	const char *p;
	const arch_fixup *fx;
	int uses_a;
	int ok;
};

static int formula_letter(const char *p, size_t n, const arch_fixup *fx,
			  uint64_t *v)
{
	const struct {
		const char *name;
		uint64_t value;
	} letters[] = {
		{ "S", fx->S }, { "A", (uint64_t)fx->A }, { "P", fx->P },
		{ "GOT", fx->GOT }, { "G", fx->G }, { "B", fx->B },
		{ "SUB", fx->SUB }, { "T", fx->T }, { "TP", fx->TP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(letters); i++) {
		if (strlen(letters[i].name) == n &&
		    strncmp(p, letters[i].name, n) == 0) {
			*v = letters[i].value;
			return 1;
		}
	}
	return 0;
}

static void formula_space(struct formula *f)
{
	while (*f->p == ' ')
		f->p++;
}

static uint64_t formula_sum(struct formula *f);

/* term: LETTER | Page(sum) */
static uint64_t formula_term(struct formula *f)
{
	uint64_t v = 0;
	size_t n;

	formula_space(f);
	if (strncmp(f->p, "Page(", 5) == 0) {
		f->p += 5;
		v = formula_sum(f) & ~UINT64_C(0xfff);
		formula_space(f);
		if (*f->p != ')')
			f->ok = 0;
		else
			f->p++;
		return v;
	}
	n = strspn(f->p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (!n || !formula_letter(f->p, n, f->fx, &v))
		f->ok = 0;
	if (n == 1 && *f->p == 'A')
		f->uses_a = 1;
	f->p += n;
	return v;
}

/* sum: term (('+' | '-') term)*, modulo 2^64 */
static uint64_t formula_sum(struct formula *f)
{
	uint64_t v = formula_term(f);

	for (;;) {
		formula_space(f);
		if (*f->p == '+') {
			f->p++;
			v += formula_term(f);
		} else if (*f->p == '-') {
			f->p++;
			v -= formula_term(f);
		} else {
			return v;
		}
	}
}

/*
 * X of "Page(S + A) - Page(P), ADRP ...": the text before the first comma.
 * Returns 0 when the text is not such a formula ("nothing").
 */
static int eval_formula(const char *text, const arch_fixup *fx, uint64_t *out,
			int *uses_a)
{
	struct formula f = { .p = text, .fx = fx, .ok = 1 };
	uint64_t v = formula_sum(&f);

	formula_space(&f);
	if (!f.ok || (*f.p && *f.p != ','))
		return 0;
	*out = v;
	if (uses_a)
		*uses_a = f.uses_a;
	return 1;
}

/*
 * A fixup whose formula gives X = v: the letters are page-aligned and far
 * apart, and the addend (or, for a formula without one, G) absorbs the
 * difference; v - X0 is a whole number of pages for the page kinds.
 */
static arch_fixup fixup_for(unsigned kind, uint64_t v)
{
	arch_fixup fx = {
		.S = 0x40000000, .P = 0x40100000, .GOT = 0x40180000,
		.G = 0x40200000, .B = 0x3ff00000, .SUB = 0x40300000,
	};
	uint64_t v0 = 0;
	int uses_a = 0;

	CHECK_MSG(eval_formula(kind_of(kind)->formula, &fx, &v0, &uses_a),
		  "%s: formula parses", kind_of(kind)->name);
	if (uses_a)
		fx.A = tu_as_i64(v - v0);
	else
		fx.G += v - v0;
	return fx;
}

/* ---- Every kind: the exact word or bytes for a representative value ---- */

struct kind_case {
	unsigned kind;
	arch_fixup fx;
	objload_status status;
	uint64_t want;   /* the field afterwards, little-endian */
};

static const struct kind_case kind_cases[] = {
	{ OBJLOAD_AARCH64_NONE, { .S = 0x1234, .A = 1, .P = 0x1000 },
	  OBJLOAD_OK, 0 },
	{ OBJLOAD_AARCH64_ABS64, { .S = 0x1122334455667788, .A = 0x10 },
	  OBJLOAD_OK, 0x1122334455667798 },
	{ OBJLOAD_AARCH64_ABS32, { .S = 0x12345000, .A = 0x678 },
	  OBJLOAD_OK, 0x12345678 },
	{ OBJLOAD_AARCH64_ABS16, { .S = 0xbe00, .A = 0xef },
	  OBJLOAD_OK, 0xbeef },
	{ OBJLOAD_AARCH64_PREL64, { .S = 0x1000, .A = -4, .P = 0x7fff00002000 },
	  OBJLOAD_OK, 0xffff8000ffffeffc },
	{ OBJLOAD_AARCH64_PREL32, { .S = 0x400000, .P = 0x401000 },
	  OBJLOAD_OK, 0xfffff000 },
	{ OBJLOAD_AARCH64_PREL16, { .S = 0x1000, .A = -2, .P = 0x1100 },
	  OBJLOAD_OK, 0xfefe },
	/* adrp x3, #0x2345000 */
	{ OBJLOAD_AARCH64_ADR_PAGE21, { .S = 0x12345678, .P = 0x10000ff0 },
	  OBJLOAD_OK, 0xb0011a23 },
	/* Page(S) - Page(P) = 0xfffffffff000, X[32:12] all ones:
	 * adrp x3, #-4096 */
	{ OBJLOAD_AARCH64_ADR_PAGE21_NC, { .S = 0x100000000000, .P = 0x1000 },
	  OBJLOAD_OK, 0xf0ffffe3 },
	/* adr x1, #-0xfffc */
	{ OBJLOAD_AARCH64_ADR_LO21, { .S = 0x10000, .A = 8, .P = 0x20004 },
	  OBJLOAD_OK, 0x10f80021 },
	/* add x0, x1, #0x688 */
	{ OBJLOAD_AARCH64_ADD_LO12, { .S = 0x12345678, .A = 0x10 },
	  OBJLOAD_OK, 0x911a2020 },
	/* ldrb w2, [x1, #0x567] */
	{ OBJLOAD_AARCH64_LDST8_LO12, { .S = 0x4567 }, OBJLOAD_OK, 0x39559c22 },
	/* ldrh w2, [x1, #0x566] */
	{ OBJLOAD_AARCH64_LDST16_LO12, { .S = 0x4566 }, OBJLOAD_OK, 0x794acc22 },
	/* ldr w2, [x1, #0x564] */
	{ OBJLOAD_AARCH64_LDST32_LO12, { .S = 0x4564 }, OBJLOAD_OK, 0xb9456422 },
	/* ldr x2, [x1, #0x568] */
	{ OBJLOAD_AARCH64_LDST64_LO12, { .S = 0x4568 }, OBJLOAD_OK, 0xf942b422 },
	/* ldr q2, [x1, #0x570] */
	{ OBJLOAD_AARCH64_LDST128_LO12, { .S = 0x4560, .A = 0x10 },
	  OBJLOAD_OK, 0x3dc15c22 },
	/* ldr x2, [x1, #0x568]: the scale 8 read from the instruction */
	{ OBJLOAD_AARCH64_LDST_LO12_AUTO, { .S = 0x4568 }, OBJLOAD_OK,
	  0xf942b422 },
	/* bl #0x100000 */
	{ OBJLOAD_AARCH64_CALL26, { .S = 0x500000, .P = 0x400000 },
	  OBJLOAD_OK, 0x94040000 },
	/* b #-0x10 */
	{ OBJLOAD_AARCH64_JUMP26, { .S = 0x3ffff0, .P = 0x400000 },
	  OBJLOAD_OK, 0x17fffffc },
	/* b.ne #0x1000 */
	{ OBJLOAD_AARCH64_CONDBR19, { .S = 0x401000, .P = 0x400000 },
	  OBJLOAD_OK, 0x54008001 },
	/* tbnz x5, #33, #-0x100 */
	{ OBJLOAD_AARCH64_TSTBR14, { .S = 0x3fff00, .P = 0x400000 },
	  OBJLOAD_OK, 0xb70ff805 },
	/* movz x0, #0xbeef */
	{ OBJLOAD_AARCH64_MOVW_UABS_G0, { .S = 0xbeef }, OBJLOAD_OK, 0xd297dde0 },
	/* movk x0, #0xdef0 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G0_NC, { .S = 0x123456789abcdef0 },
	  OBJLOAD_OK, 0xf29bde00 },
	/* movz x0, #0xcafe, lsl #16 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G1, { .S = 0xcafe0000, .A = 0x1234 },
	  OBJLOAD_OK, 0xd2b95fc0 },
	/* movk x0, #0x9abc, lsl #16 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G1_NC, { .S = 0x123456789abcdef0 },
	  OBJLOAD_OK, 0xf2b35780 },
	/* movz x0, #0x7fff, lsl #32 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G2, { .S = 0x7fff00000000 },
	  OBJLOAD_OK, 0xd2cfffe0 },
	/* movk x0, #0x5678, lsl #32 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G2_NC, { .S = 0x123456789abcdef0 },
	  OBJLOAD_OK, 0xf2cacf00 },
	/* movk x0, #0x1234, lsl #48 */
	{ OBJLOAD_AARCH64_MOVW_UABS_G3, { .S = 0x123456789abcdef0 },
	  OBJLOAD_OK, 0xf2e24680 },
	/* adrp x3, #0x101000: the page of the slot, not of S */
	{ OBJLOAD_AARCH64_GOT_PAGE21,
	  { .S = 0x1234, .G = 0x7f0000201008, .P = 0x7f0000100000 },
	  OBJLOAD_OK, 0xb0000803 },
	/* ldr x2, [x1, #8] */
	{ OBJLOAD_AARCH64_GOT_LO12, { .S = 0x1234, .G = 0x7f0000201008 },
	  OBJLOAD_OK, 0xf9400422 },
	/* ldr x2, [x1, #:got_lo12:] becomes add x2, x1, #0x678 */
	{ OBJLOAD_AARCH64_GOT_LO12_RELAXED, { .S = 0x12345678, .G = 0x7f0000201008 },
	  OBJLOAD_OK, 0x9119e022 },
	{ OBJLOAD_AARCH64_GOT_PCREL32,
	  { .S = 0x1234, .G = 0x602010, .A = 4, .P = 0x601000 },
	  OBJLOAD_OK, 0x1014 },
	{ OBJLOAD_AARCH64_IMAGEREL32,
	  { .S = 0x140001234, .A = 0x10, .B = 0x140000000, .P = 0x140002000 },
	  OBJLOAD_OK, 0x1244 },
	{ OBJLOAD_AARCH64_SECREL32, { .S = 0x2010, .B = 0x2000, .P = 0x9000 },
	  OBJLOAD_OK, 0x10 },
	/* add x0, x1, #0x456 */
	{ OBJLOAD_AARCH64_SECREL_LO12A, { .S = 0x403456, .B = 0x400000 },
	  OBJLOAD_OK, 0x91115820 },
	/* add x0, x1, #3, lsl #12 */
	{ OBJLOAD_AARCH64_SECREL_HI12A, { .S = 0x403456, .B = 0x400000 },
	  OBJLOAD_OK, 0x91400c20 },
	/* ldr w2, [x1, #0x458] */
	{ OBJLOAD_AARCH64_SECREL_LO12L, { .S = 0x403458, .B = 0x400000 },
	  OBJLOAD_OK, 0xb9445822 },
	{ OBJLOAD_AARCH64_DELTA32,
	  { .S = 0x3000, .SUB = 0x1000, .A = -0x10, .P = 0x5000 },
	  OBJLOAD_OK, 0x1ff0 },
	{ OBJLOAD_AARCH64_DELTA64,
	  { .S = 0x1000, .SUB = 0x2000, .A = 8, .P = 0x3000 },
	  OBJLOAD_OK, 0xfffffffffffff008 },
	{ OBJLOAD_AARCH64_TLS, { .S = 0x1000, .P = 0x2000 },
	  OBJLOAD_ERR_UNSUPPORTED, 0 },
	/* thread-local: T and TP are what the core computed, S (the template
	 * copy's address) unused */
	{ OBJLOAD_AARCH64_TLSOFF64, { .S = 0x7000, .T = 0x120, .A = 4 },
	  OBJLOAD_OK, 0x124 },
	{ OBJLOAD_AARCH64_TPOFF64, { .S = 0x7000, .TP = 0x130, .A = 8 },
	  OBJLOAD_OK, 0x138 },
	/* add x0, x1, #0x12, lsl #12 */
	{ OBJLOAD_AARCH64_TLSLE_HI12, { .S = 0x7000, .TP = 0x12345 },
	  OBJLOAD_OK, 0x91404820 },
	/* add x0, x1, #0x345 */
	{ OBJLOAD_AARCH64_TLSLE_LO12, { .S = 0x7000, .TP = 0x345 },
	  OBJLOAD_OK, 0x910d1420 },
	{ OBJLOAD_AARCH64_TLSLE_LO12_NC, { .S = 0x7000, .TP = 0x12345 },
	  OBJLOAD_OK, 0x910d1420 },
	/* adrp x3 of the slot's page; ldr x2, [x1, #8] */
	{ OBJLOAD_AARCH64_TLSIE_PAGE21,
	  { .S = 0x7000, .G = 0x7f0000201008, .P = 0x7f0000100000 },
	  OBJLOAD_OK, 0xb0000803 },
	{ OBJLOAD_AARCH64_TLSIE_LO12, { .S = 0x7000, .G = 0x7f0000201008 },
	  OBJLOAD_OK, 0xf9400422 },
	{ OBJLOAD_AARCH64_TLSDESC_PAGE21,
	  { .S = 0x7000, .G = 0x7f0000201008, .P = 0x7f0000100000 },
	  OBJLOAD_OK, 0xb0000803 },
	{ OBJLOAD_AARCH64_TLSDESC_LD64_LO12, { .S = 0x7000, .G = 0x7f0000201008 },
	  OBJLOAD_OK, 0xf9400422 },
	/* add x0, x1, #8 */
	{ OBJLOAD_AARCH64_TLSDESC_ADD_LO12, { .S = 0x7000, .G = 0x7f0000201008 },
	  OBJLOAD_OK, 0x91002020 },
	{ OBJLOAD_AARCH64_TLSDESC_CALL, { .S = 0x7000, .P = 0x2000 },
	  OBJLOAD_OK, 0 },
};

static void test_every_kind_has_a_case(void)
{
	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		size_t found = 0;

		for (size_t i = 0; i < ARRAY_SIZE(kind_cases); i++)
			found += kind_cases[i].kind == kind;
		CHECK_MSG(found > 0, "kind %s has a test case in kind_cases[]",
			  kind_of(kind)->name);
		CHECK_MSG(spec_of(kind) != NULL, "kind %s has a row in specs[]",
			  kind_of(kind)->name);
	}
	CU_ASSERT_EQUAL(ARRAY_SIZE(specs), OBJLOAD_AARCH64_KIND_COUNT);
}

static void test_every_kind_bytes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_cases); i++) {
		const struct kind_case *c = &kind_cases[i];
		const struct spec *s = spec_of(c->kind);
		const arch_kind *k = kind_of(c->kind);
		struct applied r = run_apply(c->kind, &c->fx);
		uint8_t want[8];

		CHECK_MSG(r.status == c->status,
			  "%s: status %d, expected %d (%s)", k->name, r.status,
			  c->status, r.err);
		if (c->status != OBJLOAD_OK || k->width == 0) {
			CHECK_MSG(memcmp(r.buf, r.before, BUF_SIZE) == 0,
				  "%s: nothing written", k->name);
			continue;
		}
		tu_put_le(want, k->width, c->want);
		CHECK_MSG(memcmp(r.buf + FIELD_OFF, want, k->width) == 0,
			  "%s: wrote 0x%" PRIx64 ", want 0x%" PRIx64, k->name,
			  tu_get_le(r.buf + FIELD_OFF, k->width), c->want);
		CHECK_MSG(same_outside(&r, FIELD_OFF, FIELD_OFF + k->width),
			  "%s: bytes outside the field untouched", k->name);
		if (!s || s->cls == C_DATA)
			continue;
		/* An immediate that held garbage is replaced, not or-ed. */
		r = run_insn(c->kind, s->insn | imm_mask(s->cls), &c->fx);
		CHECK_MSG(r.status == OBJLOAD_OK &&
			  tu_get_le(r.buf + FIELD_OFF, 4) == c->want,
			  "%s: a stale immediate is overwritten (0x%08" PRIx64
			  ")", k->name, tu_get_le(r.buf + FIELD_OFF, 4));
	}
}

/*
 * The .def states each formula as text; evaluate it with two sets of
 * letters (chosen so that every kind is in range and aligned, and no two
 * plausible formulas agree) and decode what the applier wrote.
 */
static void test_formula_text_agrees(void)
{
	static const arch_fixup sets[] = {
		{ .S = 0x8340, .A = 0x30, .P = 0x4000, .GOT = 0x5000,
		  .G = 0x6000, .B = 0x2000, .SUB = 0x1000, .T = 0x120, .TP = 0x230 },
		{ .S = 0x5000, .A = -0x10, .P = 0x7000, .GOT = 0x2000,
		  .G = 0x3008, .B = 0x1000, .SUB = 0x9000, .T = 0x460, .TP = 0x370 },
	};

	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		const arch_kind *k = kind_of(kind);

		if (k->width == 0 || (k->flags & OBJLOAD_KF_REWRITES))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
			arch_fixup fx = sets[i];
			uint64_t X;
			int uses_a = 0, ok;
			struct applied r;

			ok = eval_formula(k->formula, &fx, &X, &uses_a);
			CHECK_MSG(ok, "%s: formula \"%s\" parses", k->name,
				  k->formula);
			if (!ok)
				continue;
			if (!uses_a)
				fx.A = 0;   /* the GOT kinds take no addend */
			r = run_apply(kind, &fx);
			check_written(&r, kind, X);
		}
	}
}

/* ---- Range and alignment ----------------------------------------------- */

/*
 * The edges of every checked kind, derived from range_bits and check: the
 * lowest and highest X that fit, in the kind's steps, are written exactly;
 * one step past either is refused and nothing is written.
 */
static void test_range_edges_every_kind(void)
{
	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		const arch_kind *k = kind_of(kind);
		const struct spec *s = spec_of(kind);
		uint64_t pass[2], fail[2], step, half;
		unsigned bits = k->range_bits;
		char bitstr[16];

		if (k->width == 0 || bits >= 64 || !s)
			continue;
		CHECK_MSG(k->check != ARCH_CHECK_ANY,
			  "%s: a kind with range_bits < 64 is checked", k->name);
		step = s->step;
		if (k->check == ARCH_CHECK_SIGNED) {
			half = UINT64_C(1) << (bits - 1);
			pass[0] = UINT64_C(0) - half;
			pass[1] = half - step;
		} else {
			pass[0] = 0;
			pass[1] = (UINT64_C(1) << bits) - step;
		}
		fail[0] = pass[0] - step;
		fail[1] = pass[1] + step;
		snprintf(bitstr, sizeof(bitstr), " %u bits", bits);

		for (size_t i = 0; i < 2; i++) {
			arch_fixup fx = fixup_for(kind, pass[i]);
			struct applied r = run_apply(kind, &fx);

			check_written(&r, kind, pass[i]);
			fx = fixup_for(kind, fail[i]);
			r = run_apply(kind, &fx);
			check_refused(&r, kind, OBJLOAD_ERR_RANGE, "does not fit",
				      fail[i]);
			CHECK_MSG(strstr(r.err, k->check == ARCH_CHECK_SIGNED ?
					 "signed" : "unsigned") &&
				  strstr(r.err, bitstr),
				  "%s: message names the check: %s", k->name,
				  r.err);
		}
	}
}

/* Unchecked kinds take any X and keep the bits their field holds. */
static void test_unchecked_take_anything(void)
{
	static const uint64_t values[] = {
		0, UINT64_C(0x7ffffffffffff000), UINT64_C(0x8000000000000000),
		UINT64_C(0xfffffffffffff000), UINT64_C(0x123456789abc0000),
	};

	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		const arch_kind *k = kind_of(kind);

		if (k->width == 0 || k->range_bits < 64 || (k->flags & OBJLOAD_KF_REWRITES))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
			arch_fixup fx = fixup_for(kind, values[i]);
			struct applied r = run_apply(kind, &fx);

			check_written(&r, kind, values[i]);
		}
	}
}

/*
 * A scaled field cannot hold the low bits: an X that is not a multiple of
 * the scale is refused, whichever bit is set, and never rounded.
 */
static void test_alignment_every_kind(void)
{
	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		const struct spec *s = spec_of(kind);
		char want[48];

		if (!s || !s->aligned || s->lo == 0)
			continue;
		snprintf(want, sizeof(want), "not a multiple of %u",
			 1u << s->lo);
		for (unsigned bit = 0; bit < s->lo; bit++) {
			uint64_t X = 0x100 + (UINT64_C(1) << bit);
			arch_fixup fx = fixup_for(kind, X);
			struct applied r = run_apply(kind, &fx);

			check_refused(&r, kind, OBJLOAD_ERR_RANGE, want, X);
		}
		/* The aligned neighbour is fine. */
		{
			arch_fixup fx = fixup_for(kind, 0x100);
			struct applied r = run_apply(kind, &fx);

			check_written(&r, kind, 0x100);
		}
	}
}

/*
 * LDST_LO12_AUTO and SECREL_LO12L read the access size from the
 * instruction: every size of integer and SIMD&FP load and store, PRFM,
 * and ADD (unscaled).  X = 0x7f0 is a multiple of 16, so every form takes
 * it; X = 0x7f8 only the forms of 8 bytes or less, and so on.
 */
static void test_lo12_auto_sizes(void)
{
	static const struct {
		uint32_t insn;
		const char *text;
		unsigned scale;
	} forms[] = {
		{ 0x39400022, "ldrb w2, [x1]", 0 },
		{ 0x39800022, "ldrsb x2, [x1]", 0 },
		{ 0x79400022, "ldrh w2, [x1]", 1 },
		{ 0xb9400022, "ldr w2, [x1]", 2 },
		{ 0xb9800022, "ldrsw x2, [x1]", 2 },
		{ 0xf9400022, "ldr x2, [x1]", 3 },
		{ 0xf9800020, "prfm pldl1keep, [x1]", 3 },
		{ 0x3d400020, "ldr b0, [x1]", 0 },
		{ 0x7d400020, "ldr h0, [x1]", 1 },
		{ 0xbd400020, "ldr s0, [x1]", 2 },
		{ 0xfd400020, "ldr d0, [x1]", 3 },
		{ 0x3dc00022, "ldr q2, [x1]", 4 },
		{ 0x3d800022, "str q2, [x1]", 4 },
		{ 0x91000020, "add x0, x1, #0", 0 },
		{ 0x11000083, "add w3, w4, #0", 0 },
	};
	static const unsigned kinds[] = {
		OBJLOAD_AARCH64_LDST_LO12_AUTO, OBJLOAD_AARCH64_SECREL_LO12L,
	};

	for (size_t n = 0; n < ARRAY_SIZE(kinds); n++) {
		for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
			unsigned kind = kinds[n], sc = forms[i].scale;
			arch_fixup fx;
			struct applied r;
			uint32_t insn;

			/* S + A (- B) = 0x12345 7f0 */
			fx = (arch_fixup){ .S = 0x123457f0, .B = 0x100000 };
			r = run_insn(kind, forms[i].insn, &fx);
			insn = (uint32_t)tu_get_le(r.buf + FIELD_OFF, 4);
			CHECK_MSG(r.status == OBJLOAD_OK &&
				  insn == (forms[i].insn | (0x7f0u >> sc) << 10),
				  "%s on %s: imm12 = 0x7f0 >> %u, got 0x%08" PRIx32
				  " (%s)", kind_of(kind)->name, forms[i].text, sc,
				  insn, r.err);

			/* One byte past a multiple of the access size. */
			if (sc == 0)
				continue;
			fx.S += UINT64_C(1) << (sc - 1);
			r = run_insn(kind, forms[i].insn, &fx);
			check_refused(&r, kind, OBJLOAD_ERR_RANGE,
				      "not a multiple of", fx.S);
		}
	}
}

/* Anything but ADD or a LD/ST with a 12-bit unsigned offset is refused. */
static void test_lo12_auto_refuses_other_instructions(void)
{
	static const struct {
		uint32_t insn;
		const char *text;
	} others[] = {
		{ 0x90000003, "adrp x3, 0" },
		{ 0x94000000, "bl 0" },
		{ 0xd2800000, "movz x0, #0" },
		{ 0xd1000020, "sub x0, x1, #0" },
		{ 0xf8408422, "ldr x2, [x1], #8 (post-index)" },
		{ 0x58000050, "ldr x16, #8 (literal)" },
		{ 0xd503201f, "nop" },
	};
	const arch_fixup fx = { .S = 0x1008, .B = 0x1000 };

	for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
		struct applied r;

		r = run_insn(OBJLOAD_AARCH64_LDST_LO12_AUTO, others[i].insn, &fx);
		check_refused(&r, OBJLOAD_AARCH64_LDST_LO12_AUTO,
			      OBJLOAD_ERR_FORMAT, "is neither an ADD", 0);
		CHECK_MSG(r.status == OBJLOAD_ERR_FORMAT,
			  "LDST_LO12_AUTO refuses %s", others[i].text);
		r = run_insn(OBJLOAD_AARCH64_SECREL_LO12L, others[i].insn, &fx);
		CHECK_MSG(r.status == OBJLOAD_ERR_FORMAT,
			  "SECREL_LO12L refuses %s", others[i].text);
	}
}

/* The exact messages, naming the kind's letters. */
static void test_messages(void)
{
	arch_fixup fx = { .S = 0x90000000, .P = 0x10000000 };
	struct applied r;

	r = run_apply(OBJLOAD_AARCH64_PREL32, &fx);
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x80000000 (S=0x90000000 A=0x0 "
			       "P=0x10000000) does not fit in signed 32 bits");

	/* A call to a host function 0x7f0000000000 away, without a veneer. */
	fx = (arch_fixup){ .S = 0x7f0012345678, .P = 0x400000, .A = 0 };
	r = run_apply(OBJLOAD_AARCH64_CALL26, &fx);
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x7f0011f45678 (S=0x7f0012345678 "
			       "A=0x0 P=0x400000) does not fit in signed 28 bits");

	fx = (arch_fixup){ .S = 0x1000, .P = 0x7f0000000000 };
	r = run_apply(OBJLOAD_AARCH64_ADR_PAGE21, &fx);
	CU_ASSERT_STRING_EQUAL(r.err, "value 0xffff810000001000 (S=0x1000 "
			       "A=0x0 P=0x7f0000000000) does not fit in signed 33 bits");

	fx = (arch_fixup){ .S = 0x4565, .A = -0x10 };
	r = run_apply(OBJLOAD_AARCH64_LDST16_LO12, &fx);
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x4555 (S=0x4565 A=-0x10) is not "
			       "a multiple of 2: the field holds X[11:1]");

	fx = (arch_fixup){ .S = 0x400002, .P = 0x400000 };
	r = run_apply(OBJLOAD_AARCH64_JUMP26, &fx);
	CU_ASSERT_STRING_EQUAL(r.err, "value 0x2 (S=0x400002 A=0x0 P=0x400000) "
			       "is not a multiple of 4: the field holds X[27:2]");

	fx = (arch_fixup){ .S = 0x1000, .G = 0x7f0000000000, .P = 0x400000,
			   .B = 0x1000000000000, .SUB = 0x7f0000000000 };
	r = run_apply(OBJLOAD_AARCH64_GOT_PAGE21, &fx);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(G=0x7f0000000000 A=0x0 "
				      "P=0x400000) does not fit"));
	r = run_apply(OBJLOAD_AARCH64_SECREL_HI12A, &fx);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(S=0x1000 A=0x0 "
				      "B=0x1000000000000) does not fit in unsigned 24 bits"));
	r = run_apply(OBJLOAD_AARCH64_DELTA32, &fx);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "SUB=0x7f0000000000"));
}

/* The GOT slot holds S: a GOT instruction fixup with an addend is refused. */
static void test_got_addend(void)
{
	const arch_fixup fx = { .S = 0x1000, .A = 8, .G = 0x602000,
				.P = 0x400000 };
	struct applied r;

	r = run_apply(OBJLOAD_AARCH64_GOT_PAGE21, &fx);
	check_refused(&r, OBJLOAD_AARCH64_GOT_PAGE21, OBJLOAD_ERR_UNSUPPORTED,
		      "A != 0 is not supported", 0);
	r = run_apply(OBJLOAD_AARCH64_GOT_LO12, &fx);
	check_refused(&r, OBJLOAD_AARCH64_GOT_LO12, OBJLOAD_ERR_UNSUPPORTED,
		      "A != 0 is not supported", 0);
	/* The data form adds A after the slot, like x86-64's GOTPCREL. */
	r = run_apply(OBJLOAD_AARCH64_GOT_PCREL32, &fx);
	check_written(&r, OBJLOAD_AARCH64_GOT_PCREL32, 0x202008);
}

/* Wrapping intermediate values and extreme addends: no UB, no truncation. */
static void test_extreme_values(void)
{
	arch_fixup fx = { .S = UINT64_MAX, .A = 1 };
	struct applied r;

	r = run_apply(OBJLOAD_AARCH64_ABS64, &fx);
	check_written(&r, OBJLOAD_AARCH64_ABS64, 0);
	r = run_apply(OBJLOAD_AARCH64_ADR_PAGE21_NC, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_OK);

	fx = (arch_fixup){ .S = 0, .A = INT64_MIN, .P = UINT64_MAX };
	r = run_apply(OBJLOAD_AARCH64_PREL64, &fx);
	check_written(&r, OBJLOAD_AARCH64_PREL64, UINT64_C(0x8000000000000001));
	r = run_apply(OBJLOAD_AARCH64_CALL26, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "A=-0x8000000000000000"));
	r = run_apply(OBJLOAD_AARCH64_ADR_PAGE21, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);

	fx = (arch_fixup){ .S = UINT64_MAX, .A = INT64_MAX, .P = 0 };
	r = run_apply(OBJLOAD_AARCH64_MOVW_UABS_G2, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_RANGE);
	r = run_apply(OBJLOAD_AARCH64_MOVW_UABS_G3, &fx);
	check_written(&r, OBJLOAD_AARCH64_MOVW_UABS_G3,
		      UINT64_MAX + (uint64_t)INT64_MAX);
}

static void test_bad_kinds_and_buffers(void)
{
	arch_fixup fx = { .S = 0x1000, .P = 0x2000 };
	struct applied r;
	uint8_t buf[8] = { 0 };
	char tiny[8];

	r = run_insn(OBJLOAD_AARCH64_KIND_COUNT, 0, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_ARGUMENT);
	CU_ASSERT(memcmp(r.buf, r.before, BUF_SIZE) == 0);
	CU_ASSERT(r.err[0] != '\0');
	r = run_insn(UINT32_MAX, 0, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_ARGUMENT);

	r = run_apply(OBJLOAD_AARCH64_TLS, &fx);
	CU_ASSERT_EQUAL(r.status, OBJLOAD_ERR_UNSUPPORTED);
	CU_ASSERT_STRING_EQUAL(r.err,
			       "thread-local storage in a form objload does not support");
	CU_ASSERT(memcmp(r.buf, r.before, BUF_SIZE) == 0);

	/* NONE writes nothing, whatever the arguments. */
	CU_ASSERT_EQUAL(a64->apply(OBJLOAD_AARCH64_NONE, NULL, NULL, NULL, 0),
			OBJLOAD_OK);
	/* No message buffer, or one too small: status only, no overrun. */
	fx.S = 0x100000000;
	CU_ASSERT_EQUAL(a64->apply(OBJLOAD_AARCH64_ABS32, buf, &fx, NULL, 0),
			OBJLOAD_ERR_RANGE);
	memset(tiny, 'x', sizeof(tiny));
	CU_ASSERT_EQUAL(a64->apply(OBJLOAD_AARCH64_ABS32, buf, &fx, tiny, 4),
			OBJLOAD_ERR_RANGE);
	CU_ASSERT_EQUAL(tiny[3], '\0');
	CU_ASSERT_EQUAL(tiny[4], 'x');
	CU_ASSERT_EQUAL(a64->apply(OBJLOAD_AARCH64_CALL26, NULL, &fx, NULL, 0),
			OBJLOAD_ERR_ARGUMENT);
	CU_ASSERT_EQUAL(a64->apply(OBJLOAD_AARCH64_CALL26, buf, NULL, NULL, 0),
			OBJLOAD_ERR_ARGUMENT);
}

/* ---- Branch reach ------------------------------------------------------ */

static void test_branch_reaches(void)
{
	static const struct {
		unsigned kind;
		uint64_t reach;  /* X in [-reach, reach) */
	} branches[] = {
		{ OBJLOAD_AARCH64_CALL26, UINT64_C(128) << 20 },
		{ OBJLOAD_AARCH64_JUMP26, UINT64_C(128) << 20 },
		{ OBJLOAD_AARCH64_CONDBR19, UINT64_C(1) << 20 },
		{ OBJLOAD_AARCH64_TSTBR14, UINT64_C(32) << 10 },
	};
	const uint64_t P = 0x40000000;

	for (size_t i = 0; i < ARRAY_SIZE(branches); i++) {
		unsigned kind = branches[i].kind;
		uint64_t reach = branches[i].reach;
		const char *name = kind_of(kind)->name;

		CHECK_MSG(a64->branch_reaches(kind, P, P + reach - 4, 0),
			  "%s reaches +%" PRIx64 " - 4", name, reach);
		CHECK_MSG(!a64->branch_reaches(kind, P, P + reach, 0),
			  "%s does not reach +%" PRIx64, name, reach);
		CHECK_MSG(a64->branch_reaches(kind, P, P - reach, 0),
			  "%s reaches -%" PRIx64, name, reach);
		CHECK_MSG(!a64->branch_reaches(kind, P, P - reach - 4, 0),
			  "%s does not reach -%" PRIx64 " - 4", name, reach);
		/* The addend counts; a misaligned target is never reached. */
		CHECK_MSG(a64->branch_reaches(kind, P, P + reach, -4),
			  "%s: S + A is what must be in reach", name);
		CHECK_MSG(!a64->branch_reaches(kind, P, P + 0x102, 0),
			  "%s: a misaligned target is not reached", name);

		/* Reach agrees with what apply accepts. */
		for (uint64_t S = P + reach - 8; S < P + reach + 8; S += 2) {
			arch_fixup fx = { .S = S, .P = P };
			struct applied r = run_apply(kind, &fx);

			CHECK_MSG(a64->branch_reaches(kind, P, S, 0) ==
				  (r.status == OBJLOAD_OK),
				  "%s: reach and apply agree at S=0x%" PRIx64,
				  name, S);
		}
	}
	/* The veneer covers only calls and tail calls. */
	for (unsigned kind = 0; kind < a64->nkinds; kind++)
		CHECK_MSG(!(kind_of(kind)->flags & OBJLOAD_KF_STUB) ==
			  (kind != OBJLOAD_AARCH64_CALL26 &&
			   kind != OBJLOAD_AARCH64_JUMP26),
			  "%s: STUB flag only on CALL26 and JUMP26",
			  kind_of(kind)->name);
	/* Only branches reach anything. */
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_ADR_PAGE21, P, P, 0));
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_PREL32, P, P, 0));
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_ABS64, P, P, 0));
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_NONE, P, P, 0));
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_KIND_COUNT, P, P, 0));
	CU_ASSERT_FALSE(a64->branch_reaches(OBJLOAD_AARCH64_CALL26, 0,
					    UINT64_MAX, INT64_MIN));
}

/* ---- Generated code ---------------------------------------------------- */

/* ldr xt, label: where it loads from, from its own address. */
static int decode_ldr_literal(uint32_t insn, uint64_t at, unsigned *rt,
			      uint64_t *from)
{
	uint64_t imm19 = (insn >> 5) & 0x7ffff;

	if ((insn & 0xff000000) != 0x58000000)
		return 0;
	*rt = insn & 31;
	*from = at + (imm19 << 2);   /* all offsets here are positive */
	return 1;
}

/* br xn: which register. */
static int decode_br(uint32_t insn, unsigned *rn)
{
	if ((insn & 0xfffffc1f) != 0xd61f0000)
		return 0;
	*rn = (insn >> 5) & 31;
	return 1;
}

/* The core's way with synthesized code: the arch's bytes, then the
 * addresses (values[i] for slot i) written through the pointer kind. */
static objload_status a64_fill(uint8_t *work, const arch_code *code,
			       const uint64_t *values)
{
	return arch_fill_slots(a64, work, code, values);
}

static objload_status a64_bind(uint8_t *buf, uint64_t fn, uint64_t bound, unsigned nargs)
{
	arch_code code;
	uint64_t values[2] = { fn, bound };
	objload_status st = a64->bind_thunk(buf, nargs, &code);

	return st ? st : a64_fill(buf, &code, values);
}

static void test_stub(void)
{
	uint8_t page[64];
	arch_code code;
	const uint64_t at = 0x7f0000001000, dest = 0x0000555512345678;
	unsigned rt = 99, rn = 99;
	uint64_t from = 0;

	CU_ASSERT_EQUAL(a64->stub_size, 16);
	CU_ASSERT_EQUAL(a64->stub_align, 16);

	memset(page, GUARD, sizeof(page));
	a64->stub(page + 16, &code);
	CU_ASSERT_EQUAL(code.size, 16);
	CU_ASSERT_EQUAL(code.nslots, 1);
	CU_ASSERT_EQUAL(a64_fill(page + 16, &code, &dest), OBJLOAD_OK);
	/* ldr x16, #8; br x16; .quad dest */
	CU_ASSERT_EQUAL(tu_get_le(page + 16, 4), 0x58000050);
	CU_ASSERT_EQUAL(tu_get_le(page + 20, 4), 0xd61f0200);
	CU_ASSERT_EQUAL(tu_get_le(page + 24, 8), dest);
	CU_ASSERT_EQUAL(page[15], GUARD);
	CU_ASSERT_EQUAL(page[32], GUARD);

	/* What the CPU would do: x16 <- [at + 8] = dest, then br x16. */
	CU_ASSERT_TRUE(decode_ldr_literal((uint32_t)tu_get_le(page + 16, 4), at,
					  &rt, &from));
	CU_ASSERT_EQUAL(rt, 16);
	CU_ASSERT_EQUAL(from, at + 8);
	CU_ASSERT_EQUAL(tu_get_le(page + 16 + (from - at), 8), dest);
	CU_ASSERT_TRUE(decode_br((uint32_t)tu_get_le(page + 20, 4), &rn));
	CU_ASSERT_EQUAL(rn, 16);

	/* Position-independent: the same bytes wherever it is. */
	{
		uint8_t other[16];

		a64->stub(other, &code);
		CU_ASSERT_EQUAL(a64_fill(other, &code, &dest), OBJLOAD_OK);
		CU_ASSERT_EQUAL(memcmp(other, page + 16, 16), 0);
	}
}

static void test_got_entry(void)
{
	uint8_t buf[BUF_SIZE];

	/* a GOT entry is a field of the pointer kind */
	memset(buf, GUARD, sizeof(buf));
	CU_ASSERT_EQUAL(a64->apply(a64->pointer_kind, buf + FIELD_OFF,
				   &(arch_fixup){ .S = 0x0102030405060708 }, NULL, 0),
			OBJLOAD_OK);
	CU_ASSERT_EQUAL(memcmp(buf + FIELD_OFF,
			       "\x08\x07\x06\x05\x04\x03\x02\x01", 8), 0);
	CU_ASSERT_EQUAL(buf[FIELD_OFF - 1], GUARD);
	CU_ASSERT_EQUAL(buf[FIELD_OFF + 8], GUARD);
}

static void test_bind_thunk(void)
{
	const unsigned size = a64->bind_thunk_size;
	const uint64_t at = 0x7f0000002000, fn = 0x555500001234,
		       bound = 0x7ffe12345678;
	uint8_t buf[64];

	CU_ASSERT_EQUAL(size, 32);
	CU_ASSERT_FATAL(size <= sizeof(buf));

	/* x8 and up are not argument registers: refused, untouched. */
	memset(buf, GUARD, sizeof(buf));
	CU_ASSERT_EQUAL(a64_bind(buf, fn, bound, 8), OBJLOAD_ERR_ARGUMENT);
	for (size_t i = 0; i < sizeof(buf); i++)
		CU_ASSERT_EQUAL(buf[i], GUARD);
	CU_ASSERT_EQUAL(a64_bind(NULL, fn, bound, 0), OBJLOAD_ERR_ARGUMENT);

	for (unsigned n = 0; n < 8; n++) {
		unsigned rt = 99, rn = 99;
		uint64_t from = 0;

		memset(buf, GUARD, sizeof(buf));
		CU_ASSERT_EQUAL(a64_bind(buf, fn, bound, n), OBJLOAD_OK);
		/* bti c; ldr x<n>, #12; ldr x16, #16; br x16 */
		CU_ASSERT_EQUAL(tu_get_le(buf, 4), 0xd503245f);
		CU_ASSERT_EQUAL(tu_get_le(buf + 4, 4), 0x58000060 | n);
		CU_ASSERT_EQUAL(tu_get_le(buf + 8, 4), 0x58000090);
		CU_ASSERT_EQUAL(tu_get_le(buf + 12, 4), 0xd61f0200);
		CU_ASSERT_EQUAL(tu_get_le(buf + 16, 8), bound);
		CU_ASSERT_EQUAL(tu_get_le(buf + 24, 8), fn);
		CU_ASSERT_EQUAL(buf[size], GUARD);

		/* x<n> <- bound, x16 <- fn, jump to x16. */
		CHECK_MSG(decode_ldr_literal((uint32_t)tu_get_le(buf + 4, 4),
					     at + 4, &rt, &from) &&
			  rt == n && tu_get_le(buf + (from - at), 8) == bound,
			  "nargs %u: x%u receives bound", n, n);
		CHECK_MSG(decode_ldr_literal((uint32_t)tu_get_le(buf + 8, 4),
					     at + 8, &rt, &from) &&
			  rt == 16 && tu_get_le(buf + (from - at), 8) == fn,
			  "nargs %u: x16 receives fn", n);
		CHECK_MSG(decode_br((uint32_t)tu_get_le(buf + 12, 4), &rn) &&
			  rn == 16, "nargs %u: br x16", n);
	}
}

static void test_flush_icache(void)
{
	uint8_t buf[64] = { 0 };

	/* A no-op on x86-64; must accept any range, and an empty one. */
	a64->flush_icache(buf, sizeof(buf));
	a64->flush_icache(buf, 0);
	a64->flush_icache(NULL, 0);
	CU_ASSERT_EQUAL(buf[0], 0);
}

/* ---- Descriptor, registry and names ------------------------------------ */

static void test_ops(void)
{
	CU_ASSERT_STRING_EQUAL(a64->name, "aarch64");
	CU_ASSERT_EQUAL(a64->id, OBJLOAD_ARCH_AARCH64);
	CU_ASSERT_EQUAL(a64->pointer_size, 8);
	CU_ASSERT_TRUE(a64->little_endian);
	CU_ASSERT_EQUAL(a64->nkinds, OBJLOAD_AARCH64_KIND_COUNT);
	CU_ASSERT_PTR_NOT_NULL(a64->apply);
	CU_ASSERT_PTR_NOT_NULL(a64->branch_reaches);
	CU_ASSERT_PTR_NOT_NULL(a64->stub);
	CU_ASSERT_PTR_NOT_NULL(a64->bind_thunk);
	CU_ASSERT_PTR_NOT_NULL(a64->read_addend);
	CU_ASSERT_PTR_NOT_NULL(a64->reaches);
	CU_ASSERT_EQUAL(a64->pointer_kind, OBJLOAD_AARCH64_ABS64);
	CU_ASSERT_PTR_NOT_NULL(a64->flush_icache);

	for (unsigned kind = 0; kind < a64->nkinds; kind++) {
		const arch_kind *k = kind_of(kind);
		const struct spec *s = spec_of(kind);

		CHECK_MSG(k->name && k->formula, "kind %u has name and formula",
			  kind);
		CHECK_MSG(k->check != ARCH_CHECK_ANY || k->range_bits == 64,
			  "%s: unchecked kinds have range_bits 64", k->name);
		if (!s)
			continue;
		/* Data is WIDTH bytes; every instruction is one word, and a
		 * checked field's reach ends where its bits do. */
		if (s->cls == C_DATA)
			CHECK_MSG(k->range_bits == 8 * k->width ||
				  k->check == ARCH_CHECK_ANY,
				  "%s: a data kind's reach is its width", k->name);
		else if (s->cls != C_NONE)
			CHECK_MSG(k->width == 4, "%s: an instruction is 4 bytes",
				  k->name);
		if (s->cls != C_NONE && s->cls != C_DATA &&
		    k->check != ARCH_CHECK_ANY)
			CHECK_MSG(k->range_bits == s->hi + 1,
				  "%s: range_bits %u is X[%u:%u]'s reach", k->name,
				  k->range_bits, s->hi, s->lo);
		if (s->cls == C_NONE)
			CHECK_MSG(k->width == 0, "%s writes nothing", k->name);
	}
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_TLS)->flags & OBJLOAD_KF_TLS);
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_GOT_PAGE21)->flags & OBJLOAD_KF_GOT);
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_GOT_LO12)->flags & OBJLOAD_KF_GOT);
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_IMAGEREL32)->flags & OBJLOAD_KF_IMAGEBASE);
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_SECREL_LO12L)->flags &
		  OBJLOAD_KF_SECTIONBASE);
	CU_ASSERT(kind_of(OBJLOAD_AARCH64_DELTA64)->flags & OBJLOAD_KF_SUB);
}

static void test_names(void)
{
	CU_ASSERT_PTR_EQUAL(arch_lookup(OBJLOAD_ARCH_AARCH64), &arch_aarch64);
	CU_ASSERT_PTR_EQUAL(arch_lookup(OBJLOAD_ARCH_X86_64), &arch_x86_64);
	CU_ASSERT_STRING_EQUAL(objload_arch_name(OBJLOAD_ARCH_AARCH64),
			       "aarch64");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_AARCH64,
						 OBJLOAD_AARCH64_CALL26),
			       "CALL26");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_AARCH64,
						 OBJLOAD_AARCH64_ADR_PAGE21),
			       "ADR_PAGE21");
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_AARCH64,
						 OBJLOAD_AARCH64_LDST_LO12_AUTO),
			       "LDST_LO12_AUTO");
	for (unsigned kind = 0; kind < OBJLOAD_AARCH64_KIND_COUNT; kind++)
		CU_ASSERT_PTR_EQUAL(objload_kind_name(OBJLOAD_ARCH_AARCH64, kind),
				    kind_of(kind)->name);
	CU_ASSERT_STRING_EQUAL(objload_kind_name(OBJLOAD_ARCH_AARCH64,
						 OBJLOAD_AARCH64_KIND_COUNT),
			       "?");
}

/* ---- Against real tools --------------------------------------------------- */

/* The suite's scratch directory (CUnit suites have no context pointer). */
TU_SUITE_TMPDIR(a64_tmp, "a64", a64_suite_init, a64_suite_cleanup)

/*
 * What each R_AARCH64_* type must become, stated from AAELF64's meaning
 * of the type, independently of the plug-in's table.
 */
static const struct {
	const char *type;
	unsigned kind;
} expected_kinds[] = {
	{ "R_AARCH64_NONE", OBJLOAD_AARCH64_NONE },
	{ "R_AARCH64_ABS64", OBJLOAD_AARCH64_ABS64 },
	{ "R_AARCH64_ABS32", OBJLOAD_AARCH64_ABS32 },
	{ "R_AARCH64_ABS16", OBJLOAD_AARCH64_ABS16 },
	{ "R_AARCH64_PREL64", OBJLOAD_AARCH64_PREL64 },
	{ "R_AARCH64_PREL32", OBJLOAD_AARCH64_PREL32 },
	{ "R_AARCH64_PREL16", OBJLOAD_AARCH64_PREL16 },
	{ "R_AARCH64_ADR_PREL_PG_HI21", OBJLOAD_AARCH64_ADR_PAGE21 },
	{ "R_AARCH64_ADR_PREL_PG_HI21_NC", OBJLOAD_AARCH64_ADR_PAGE21_NC },
	{ "R_AARCH64_ADR_PREL_LO21", OBJLOAD_AARCH64_ADR_LO21 },
	{ "R_AARCH64_ADD_ABS_LO12_NC", OBJLOAD_AARCH64_ADD_LO12 },
	{ "R_AARCH64_LDST8_ABS_LO12_NC", OBJLOAD_AARCH64_LDST8_LO12 },
	{ "R_AARCH64_LDST16_ABS_LO12_NC", OBJLOAD_AARCH64_LDST16_LO12 },
	{ "R_AARCH64_LDST32_ABS_LO12_NC", OBJLOAD_AARCH64_LDST32_LO12 },
	{ "R_AARCH64_LDST64_ABS_LO12_NC", OBJLOAD_AARCH64_LDST64_LO12 },
	{ "R_AARCH64_LDST128_ABS_LO12_NC", OBJLOAD_AARCH64_LDST128_LO12 },
	{ "R_AARCH64_CALL26", OBJLOAD_AARCH64_CALL26 },
	{ "R_AARCH64_JUMP26", OBJLOAD_AARCH64_JUMP26 },
	{ "R_AARCH64_CONDBR19", OBJLOAD_AARCH64_CONDBR19 },
	{ "R_AARCH64_TSTBR14", OBJLOAD_AARCH64_TSTBR14 },
	{ "R_AARCH64_MOVW_UABS_G0", OBJLOAD_AARCH64_MOVW_UABS_G0 },
	{ "R_AARCH64_MOVW_UABS_G0_NC", OBJLOAD_AARCH64_MOVW_UABS_G0_NC },
	{ "R_AARCH64_MOVW_UABS_G1", OBJLOAD_AARCH64_MOVW_UABS_G1 },
	{ "R_AARCH64_MOVW_UABS_G1_NC", OBJLOAD_AARCH64_MOVW_UABS_G1_NC },
	{ "R_AARCH64_MOVW_UABS_G2", OBJLOAD_AARCH64_MOVW_UABS_G2 },
	{ "R_AARCH64_MOVW_UABS_G2_NC", OBJLOAD_AARCH64_MOVW_UABS_G2_NC },
	{ "R_AARCH64_MOVW_UABS_G3", OBJLOAD_AARCH64_MOVW_UABS_G3 },
	{ "R_AARCH64_ADR_GOT_PAGE", OBJLOAD_AARCH64_GOT_PAGE21 },
	{ "R_AARCH64_LD64_GOT_LO12_NC", OBJLOAD_AARCH64_GOT_LO12 },
	{ "R_AARCH64_TLSLE_ADD_TPREL_HI12", OBJLOAD_AARCH64_TLSLE_HI12 },
	{ "R_AARCH64_TLSLE_ADD_TPREL_LO12", OBJLOAD_AARCH64_TLSLE_LO12 },
	{ "R_AARCH64_TLSLE_ADD_TPREL_LO12_NC", OBJLOAD_AARCH64_TLSLE_LO12_NC },
	{ "R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21", OBJLOAD_AARCH64_TLSIE_PAGE21 },
	{ "R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC", OBJLOAD_AARCH64_TLSIE_LO12 },
	{ "R_AARCH64_TLSDESC_ADR_PAGE21", OBJLOAD_AARCH64_TLSDESC_PAGE21 },
	{ "R_AARCH64_TLSDESC_LD64_LO12", OBJLOAD_AARCH64_TLSDESC_LD64_LO12 },
	{ "R_AARCH64_TLSDESC_ADD_LO12", OBJLOAD_AARCH64_TLSDESC_ADD_LO12 },
	{ "R_AARCH64_TLSDESC_CALL", OBJLOAD_AARCH64_TLSDESC_CALL },
};

static int expected_kind(const char *type, unsigned *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(expected_kinds); i++)
		if (strcmp(expected_kinds[i].type, type) == 0) {
			*kind = expected_kinds[i].kind;
			return 1;
		}
	/* The other TLS types (GD, LD, MOVW and LDST forms): the catch-all. */
	if (strncmp(type, "R_AARCH64_TLS", 13) == 0) {
		*kind = OBJLOAD_AARCH64_TLS;
		return 1;
	}
	return 0;
}

static int role_loaded(objload_section_role role)
{
	return role != OBJLOAD_ROLE_DEBUG && role != OBJLOAD_ROLE_NOLOAD;
}

/*
 * Every relocation `readelf -rW` lists for a loaded section is exactly one
 * edge with the expected kind, and there are no other edges.  Counts the
 * kinds seen into seen[].
 */
static void check_edges_against_readelf(const char *what, const char *obj,
					const objload_image *img,
					unsigned *seen)
{
	char cmd[512], target[256] = "", *out, *line, *save = NULL;
	size_t matched = 0;
	int st;

	snprintf(cmd, sizeof(cmd), "readelf -rW '%s' 2>&1", obj);
	out = tu_capture(cmd, &st);
	CHECK_MSG(out && st == 0, "%s: readelf -rW runs", what);
	if (!out)
		return;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long off, info;
		char type[64];
		unsigned want, found = 0, kind = 0;
		int sec;

		if (sscanf(line, "Relocation section '.rela%255[^']'",
			   target) == 1)
			continue;
		if (sscanf(line, "%llx %llx %63s", &off, &info, type) != 3 ||
		    strncmp(type, "R_AARCH64_", 10) != 0)
			continue;
		sec = tu_find_section(img, target);
		if (sec < 0 || !role_loaded(img->sections[sec].role))
			continue;
		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];

			if (ed->section == (uint32_t)sec && ed->offset == off &&
			    ed->native_type == (uint32_t)(info & 0xffffffff)) {
				found++;
				kind = ed->kind;
			}
		}
		CHECK_MSG(found == 1, "%s: %s at %s+0x%llx is %u edges, want 1",
			  what, type, target, off, found);
		if (found != 1)
			continue;
		matched++;
		if (!expected_kind(type, &want)) {
			CHECK_MSG(0, "%s: %s at %s+0x%llx: no expected kind",
				  what, type, target, off);
			continue;
		}
		CHECK_MSG(kind == want, "%s: %s at %s+0x%llx is %s, want %s",
			  what, type, target, off,
			  objload_kind_name(OBJLOAD_ARCH_AARCH64, kind),
			  objload_kind_name(OBJLOAD_ARCH_AARCH64, want));
		if (seen && kind < OBJLOAD_AARCH64_KIND_COUNT)
			seen[kind]++;
	}
	CHECK_MSG(matched == img->nedges,
		  "%s: %zu edges, %zu relocations of loaded sections", what,
		  img->nedges, matched);
	free(out);
}

/*
 * Every relocation the ELF plug-in maps, in instructions and data, with
 * section-symbol and symbol targets, addends, a GOT pair, branches across
 * 112 MiB, and absolute symbols for the checked MOVW groups.
 */
static const char golden_asm[] =
	"\t.text\n"
	"\t.globl\t_start\n"
	"_start:\n"
	"\tadrp\tx0, data_sym\n"
	"\tadd\tx0, x0, :lo12:data_sym\n"
	"\tadrp\tx1, data_sym+0x1234\n"
	"\tadd\tx1, x1, :lo12:data_sym+0x1234\n"
	"\tadrp\tx7, :pg_hi21_nc:data_q\n"
	"\tldrb\tw2, [x1, :lo12:data_b]\n"
	"\tldrh\tw2, [x1, :lo12:data_h]\n"
	"\tldr\tw2, [x1, :lo12:data_w]\n"
	"\tldr\tx2, [x1, :lo12:data_x]\n"
	"\tldr\tq2, [x1, :lo12:data_q]\n"
	"\tstr\tq2, [x1, :lo12:data_q+16]\n"
	"\tldr\td2, [x1, :lo12:data_x]\n"
	"\tldrsw\tx2, [x1, :lo12:data_w]\n"
	"\tprfm\tpldl1keep, [x1, :lo12:data_x]\n"
	"\tadr\tx3, near_fn\n"
	"\tadr\tx3, near_fn+12\n"
	"\tadrp\tx3, local_data+4\n"
	"\tadd\tx3, x3, :lo12:local_data+4\n"
	"\tadrp\tx4, :got:ext_data\n"
	"\tldr\tx4, [x4, :got_lo12:ext_data]\n"
	"\tbl\tfar_fn\n"
	"\tb\tfar_fn\n"
	"\tb.ne\tnear_fn\n"
	"\tcbz\tx0, near_fn\n"
	"\ttbz\tw0, #3, near_fn\n"
	"\ttbnz\tx0, #40, near_fn\n"
	"\tmovz\tx5, #:abs_g3:data_sym\n"
	"\tmovk\tx5, #:abs_g2_nc:data_sym\n"
	"\tmovk\tx5, #:abs_g1_nc:data_sym\n"
	"\tmovk\tx5, #:abs_g0_nc:data_sym\n"
	"\tmovz\tx6, #:abs_g0:small_abs\n"
	"\tmovz\tx6, #:abs_g1:mid_abs\n"
	"\tmovz\tx6, #:abs_g2:big_abs\n"
	"\tmovk\tx6, #:abs_g1_nc:big_abs\n"
	"\tret\n"
	"\t.globl\tnear_fn\n"
	"near_fn:\n"
	"\tret\n"
	"\t.section far_code,\"ax\",@progbits\n"
	"\t.globl\tfar_fn\n"
	"far_fn:\n"
	"\tb\t_start\n"
	"\tbl\tnear_fn\n"
	"\tadrp\tx0, data_sym\n"
	"\tret\n"
	"\t.data\n"
	"\t.p2align 4\n"
	"\t.globl\tdata_sym\n"
	"data_sym:\n"
	"\t.xword\tdata_sym+8\n"
	"\t.xword\tfar_fn\n"
	"\t.word\tdata_sym\n"
	"\t.word\tsmall_abs\n"
	"\t.hword\tsmall_abs\n"
	"\t.hword\t0\n"
	"\t.xword\tfar_fn - .\n"
	"\t.word\tfar_fn - .\n"
	"\t.word\t_start - . + 0x10\n"
	"\t.hword\tnear_fn - .\n"
	"\t.p2align 4\n"
	"\t.globl\tdata_b, data_h, data_w, data_x, data_q\n"
	"data_b:\t.byte 1\n"
	"\t.p2align 1\n"
	"data_h:\t.hword 2\n"
	"\t.p2align 2\n"
	"data_w:\t.word 3\n"
	"\t.p2align 3\n"
	"data_x:\t.xword 4\n"
	"\t.p2align 4\n"
	"data_q:\t.xword 5, 6, 7, 8\n"
	"\t.globl\text_data\n"
	"ext_data:\n"
	"\t.xword\t0\n"
	"local_data:\n"
	"\t.word\t1, 2\n";

/* Where lld put things: sections and symbols of the linked file. */
struct linked_section {
	char name[64];
	uint64_t addr, off, size;
};

struct linked {
	struct linked_section sec[32];
	unsigned nsec;
	struct {
		char name[64];
		uint64_t addr;
	} sym[64];
	unsigned nsym;
	uint8_t *bytes;
	size_t len;
};

static int linked_load(struct linked *lk, const char *exe)
{
	char cmd[512], *out, *line, *save = NULL;
	int st;

	memset(lk, 0, sizeof(*lk));
	snprintf(cmd, sizeof(cmd), "readelf -SW '%s'", exe);
	out = tu_capture(cmd, &st);
	if (!out || st) {
		free(out);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct linked_section *s = &lk->sec[lk->nsec];
		const char *p = strchr(line, ']');
		char type[32];

		if (!p || lk->nsec == ARRAY_SIZE(lk->sec) ||
		    sscanf(p + 1, "%63s %31s %" SCNx64 " %" SCNx64 " %" SCNx64,
			   s->name, type, &s->addr, &s->off, &s->size) != 5)
			continue;
		lk->nsec++;
	}
	free(out);

	snprintf(cmd, sizeof(cmd), "llvm-nm '%s'", exe);
	out = tu_capture(cmd, &st);
	if (!out || st) {
		free(out);
		return -1;
	}
	save = NULL;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char t;

		if (lk->nsym == ARRAY_SIZE(lk->sym) ||
		    sscanf(line, "%" SCNx64 " %c %63s", &lk->sym[lk->nsym].addr,
			   &t, lk->sym[lk->nsym].name) != 3)
			continue;
		lk->nsym++;
	}
	free(out);
	lk->bytes = tu_read_file(exe, &lk->len);
	return lk->bytes ? 0 : -1;
}

static const struct linked_section *linked_section(const struct linked *lk,
						   const char *name)
{
	for (unsigned i = 0; i < lk->nsec; i++)
		if (strcmp(lk->sec[i].name, name) == 0)
			return &lk->sec[i];
	return NULL;
}

static int linked_symbol(const struct linked *lk, const char *name,
			 uint64_t *addr)
{
	for (unsigned i = 0; i < lk->nsym; i++)
		if (strcmp(lk->sym[i].name, name) == 0) {
			*addr = lk->sym[i].addr;
			return 1;
		}
	return 0;
}

/* The address lld gave an edge's target. */
static int linked_target(const struct linked *lk, const objload_image *img,
			 uint32_t symbol, uint64_t *S)
{
	const objload_symbol *sym = &img->symbols[symbol];
	const struct linked_section *ls;

	if (sym->type == OBJLOAD_SYM_SECTION && sym->def == OBJLOAD_DEF_SECTION) {
		ls = linked_section(lk, img->sections[sym->section].name);
		if (!ls)
			return 0;
		*S = ls->addr + sym->value;
		return 1;
	}
	return linked_symbol(lk, sym->name, S);
}

/* The GOT slot lld made for S. */
static int linked_got_slot(const struct linked *lk, uint64_t S, uint64_t *G)
{
	const struct linked_section *got = linked_section(lk, ".got");

	if (!got || got->off > lk->len || lk->len - got->off < got->size)
		return 0;
	for (uint64_t o = 0; o + 8 <= got->size; o += 8)
		if (tu_get_le(lk->bytes + got->off + o, 8) == S) {
			*G = got->addr + o;
			return 1;
		}
	return 0;
}

static void test_lld_agreement(void)
{
	char src[128], obj[128], exe[128], cmd[1024];
	unsigned seen[OBJLOAD_AARCH64_KIND_COUNT] = { 0 };
	struct tu_loaded l;
	struct linked lk;
	size_t compared = 0;

	if (!tu_have_tool("llvm-mc") || !tu_have_tool("ld.lld") ||
	    !tu_have_tool("llvm-nm") || !tu_have_tool("readelf")) {
		fprintf(stderr, "\n  llvm-mc, ld.lld, llvm-nm or readelf missing ");
		CU_FAIL("llvm-mc, ld.lld, llvm-nm or readelf missing (tools/install-deps.sh installs it)");
		return;
	}
	snprintf(src, sizeof(src), "%s/golden.s", a64_tmp);
	snprintf(obj, sizeof(obj), "%s/golden.o", a64_tmp);
	snprintf(exe, sizeof(exe), "%s/golden", a64_tmp);
	CU_ASSERT_FATAL(tu_write_text(src, golden_asm) == 0);
	snprintf(cmd, sizeof(cmd),
		 "llvm-mc -triple=aarch64-linux-gnu -filetype=obj -o '%s' '%s' 2>&1",
		 obj, src);
	CU_ASSERT_FATAL(tu_sh_ok("%s", cmd));
	/* --no-relax: lld would otherwise turn the GOT load into an ADD. */
	snprintf(cmd, sizeof(cmd),
		 "ld.lld --no-relax -static -e _start "
		 "--section-start=.text=0x210000 --section-start=.data=0x214000 "
		 "--section-start=far_code=0x7200000 "
		 "--defsym=small_abs=0x1234 --defsym=mid_abs=0xcafe1234 "
		 "--defsym=big_abs=0x7fff12345678 -o '%s' '%s' 2>&1", exe, obj);
	CU_ASSERT_FATAL(tu_sh_ok("%s", cmd));
	CU_ASSERT_FATAL(linked_load(&lk, exe) == 0);

	tu_load_file(&l, obj, NULL);
	CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
	CHECK_MSG(l.img != NULL, "golden.o loads: %s", l.msg);
	if (!l.img) {
		tu_unload(&l);
		free(lk.bytes);
		return;
	}
	check_edges_against_readelf("golden.o", obj, l.img, seen);

	for (size_t e = 0; e < l.img->nedges; e++) {
		const objload_edge *ed = &l.img->edges[e];
		const objload_section *sec = &l.img->sections[ed->section];
		const arch_kind *k = kind_of(ed->kind);
		const struct linked_section *ls = linked_section(&lk, sec->name);
		arch_fixup fx = { .A = ed->addend };
		uint8_t field[8];
		char err[ERR_SIZE] = "";
		objload_status st;
		const uint8_t *want;
		unsigned auto_kind = 0;

		if (!k->width)
			continue;
		CHECK_MSG(ls && ed->symbol != OBJLOAD_NO_INDEX &&
			  ed->offset + k->width <= sec->size &&
			  ls->off + ed->offset + k->width <= lk.len,
			  "edge %zu (%s) at %s+0x%" PRIx64 " is in the linked file",
			  e, k->name, sec->name, ed->offset);
		if (!ls || ed->symbol == OBJLOAD_NO_INDEX ||
		    ed->offset + k->width > sec->size ||
		    ls->off + ed->offset + k->width > lk.len)
			continue;
		fx.P = ls->addr + ed->offset;
		CHECK_MSG(linked_target(&lk, l.img, ed->symbol, &fx.S),
			  "%s: lld's address of %s", k->name,
			  l.img->symbols[ed->symbol].name);
		if ((k->flags & OBJLOAD_KF_GOT))
			CHECK_MSG(linked_got_slot(&lk, fx.S, &fx.G),
				  "%s: lld's GOT slot for 0x%" PRIx64, k->name,
				  fx.S);
		want = lk.bytes + ls->off + ed->offset;
		memcpy(field, sec->bytes + ed->offset, k->width);
		st = a64->apply(ed->kind, field, &fx, err, sizeof(err));
		CHECK_MSG(st == OBJLOAD_OK && memcmp(field, want, k->width) == 0,
			  "%s at %s+0x%" PRIx64 " (S=0x%" PRIx64 " A=%" PRId64
			  " P=0x%" PRIx64 "): wrote 0x%" PRIx64 ", lld 0x%" PRIx64
			  " %s", k->name, sec->name, ed->offset, fx.S, fx.A,
			  fx.P, tu_get_le(field, k->width), tu_get_le(want, k->width),
			  err);
		compared++;

		/* The size-agnostic lo12 of Mach-O and COFF agrees. */
		switch (ed->kind) {
		case OBJLOAD_AARCH64_ADD_LO12:
		case OBJLOAD_AARCH64_LDST8_LO12:
		case OBJLOAD_AARCH64_LDST16_LO12:
		case OBJLOAD_AARCH64_LDST32_LO12:
		case OBJLOAD_AARCH64_LDST64_LO12:
		case OBJLOAD_AARCH64_LDST128_LO12:
			auto_kind = OBJLOAD_AARCH64_LDST_LO12_AUTO;
			break;
		default:
			break;
		}
		if (!auto_kind)
			continue;
		memcpy(field, sec->bytes + ed->offset, 4);
		st = a64->apply(auto_kind, field, &fx, err, sizeof(err));
		CHECK_MSG(st == OBJLOAD_OK && memcmp(field, want, 4) == 0,
			  "LDST_LO12_AUTO in place of %s at %s+0x%" PRIx64
			  ": 0x%08" PRIx64 ", lld 0x%08" PRIx64 " %s", k->name,
			  sec->name, ed->offset, tu_get_le(field, 4),
			  tu_get_le(want, 4), err);
	}
	CU_ASSERT(compared >= 40);

	/* Every kind an ELF file can carry was exercised, except TLS (the
	 * tls suite checks those values in a link: lld's static layout
	 * relaxes them) */
	for (size_t i = 0; i < ARRAY_SIZE(expected_kinds); i++) {
		unsigned kind = expected_kinds[i].kind;

		if (kind == OBJLOAD_AARCH64_NONE || (kind_of(kind)->flags & OBJLOAD_KF_TLS))
			continue;
		CHECK_MSG(seen[kind] > 0, "golden.s exercises %s (%s)",
			  kind_of(kind)->name, expected_kinds[i].type);
	}
	tu_unload(&l);
	free(lk.bytes);
}

/*
 * C compiled by clang for AArch64 under each code model: every
 * relocation is an edge of the right kind.
 */
static const char cross_c[] =
	"extern int ext_int;\n"
	"extern char ext_chars[];\n"
	"extern short ext_short;\n"
	"extern long ext_long;\n"
	"extern void ext_fn(int);\n"
	"extern int ext_other(int);\n"
	"long double gld = 2.0L;\n"
	"static double s_double = 1.5;\n"
	"static float s_float = 2.5f;\n"
	"char buf[64];\n"
	"int (*fptr)(int) = ext_other;\n"
	"static const char *const strs[] = { \"a\", \"b\", \"c\" };\n"
	"__thread int tls_counter;\n"
	"static int helper(int x) { return x * 7 + ext_int; }\n"
	"int calls(int x) { ext_fn(x); return helper(x) + ext_int; }\n"
	"int tail(int x) { return ext_other(x + 1); }\n"
	"char getc_(int i) { return ext_chars[i]; }\n"
	"extern char ext_char;\n"
	"char getc1(void) { return ext_char; }\n"
	"short gs(void) { return ext_short; }\n"
	"long gl(void) { return ext_long; }\n"
	"double gd(void) { return s_double * s_float; }\n"
	"long double gq(void) { return gld; }\n"
	"void *addr(void) { return &buf[3]; }\n"
	"const char *pick(int i) { return strs[i]; }\n"
	"int bump(void) { return ++tls_counter; }\n"
	"int sw(int x) {\n"
	"\tswitch (x) {\n"
	"\tcase 0: return ext_other(1); case 1: return 7;\n"
	"\tcase 2: return ext_int; case 3: return 17; case 4: return 1;\n"
	"\tcase 5: return ext_other(5); case 6: return 99; case 7: return 3;\n"
	"\tdefault: return -1;\n"
	"\t}\n"
	"}\n";

static void test_clang_cross_check(void)
{
	static const char *const flag_sets[] = {
		"-O2",
		"-O0",
		"-O2 -fno-pic",
		"-O2 -fPIC",
		"-O2 -fPIE",
		"-O2 -mcmodel=large -fno-pic",
		"-O0 -mcmodel=large -fno-pic",
		"-O2 -fPIC -ffunction-sections -fdata-sections",
	};
	unsigned seen[OBJLOAD_AARCH64_KIND_COUNT] = { 0 };
	char src[128], obj[128], cmd[1024];

	if (!tu_have_tool("clang") || !tu_have_tool("readelf")) {
		fprintf(stderr, "\n  clang or readelf missing ");
		CU_FAIL("clang or readelf missing (tools/install-deps.sh installs it)");
		return;
	}
	snprintf(src, sizeof(src), "%s/cross.c", a64_tmp);
	CU_ASSERT_FATAL(tu_write_text(src, cross_c) == 0);
	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++) {
		struct tu_loaded l;
		char what[128];

		snprintf(obj, sizeof(obj), "%s/cross%zu.o", a64_tmp, f);
		snprintf(cmd, sizeof(cmd),
			 "clang --target=aarch64-linux-gnu %s -c -o '%s' '%s' 2>&1",
			 flag_sets[f], obj, src);
		if (f == 0 && !tu_sh_ok("%s", cmd)) {
			fprintf(stderr, "\n  clang cannot target AArch64 ");
			CU_FAIL("clang cannot target AArch64 (tools/install-deps.sh installs it)");
			return;
		}
		if (f > 0)
			CHECK_MSG(tu_sh_ok("%s", cmd), "clang %s compiles", flag_sets[f]);
		snprintf(what, sizeof(what), "clang %s", flag_sets[f]);
		tu_load_file(&l, obj, NULL);
		CHECK_MSG(l.status == OBJLOAD_OK && l.img, "%s: loads: %s", what,
			  l.msg);
		if (l.img) {
			CU_ASSERT_EQUAL(l.img->arch, OBJLOAD_ARCH_AARCH64);
			check_edges_against_readelf(what, obj, l.img, seen);
		}
		tu_unload(&l);
	}
	/* What these flags are known to produce. */
	{
		static const unsigned must[] = {
			OBJLOAD_AARCH64_ABS64, OBJLOAD_AARCH64_PREL32,
			OBJLOAD_AARCH64_ADR_PAGE21, OBJLOAD_AARCH64_ADD_LO12,
			OBJLOAD_AARCH64_LDST8_LO12, OBJLOAD_AARCH64_LDST16_LO12,
			OBJLOAD_AARCH64_LDST32_LO12, OBJLOAD_AARCH64_LDST64_LO12,
			OBJLOAD_AARCH64_LDST128_LO12, OBJLOAD_AARCH64_CALL26,
			OBJLOAD_AARCH64_JUMP26, OBJLOAD_AARCH64_GOT_PAGE21,
			OBJLOAD_AARCH64_GOT_LO12, OBJLOAD_AARCH64_MOVW_UABS_G0_NC,
			OBJLOAD_AARCH64_MOVW_UABS_G1_NC,
			OBJLOAD_AARCH64_MOVW_UABS_G2_NC,
			OBJLOAD_AARCH64_MOVW_UABS_G3, OBJLOAD_AARCH64_TLSLE_HI12,
			OBJLOAD_AARCH64_TLSLE_LO12_NC, OBJLOAD_AARCH64_TLSDESC_PAGE21,
			OBJLOAD_AARCH64_TLSDESC_LD64_LO12, OBJLOAD_AARCH64_TLSDESC_ADD_LO12,
			OBJLOAD_AARCH64_TLSDESC_CALL,
		};

		for (size_t i = 0; i < ARRAY_SIZE(must); i++)
			CHECK_MSG(seen[must[i]] > 0, "clang produced %s",
				  kind_of(must[i])->name);
	}
}

/*
 * The whole chain, executed: objload links a freestanding AArch64 program
 * for a fixed address (`objload link --base`), ld.lld wraps the flat image
 * with a start-up stub and a function 768 MiB away (so the call to it
 * goes through a veneer), and qemu-aarch64 runs it.  main returns 42 only
 * if every load of every width, the GOT, the MOVZ/MOVK sequences, the
 * function pointer and the far call saw the right addresses.
 */
static const char qemu_prog_c[] =
	"extern long far_add(long a, long b);\n"
	"typedef int v4si __attribute__((vector_size(16)));\n"
	"char cbuf[] = \"hello\";\n"
	"short sarr[4] = { 1, 2, 3, 4 };\n"
	"int iarr[4] = { 10, 20, 30, 40 };\n"
	"long larr[2] = { 100, 200 };\n"
	"double dval = 2.5;\n"
	"v4si qval = { 3, 1, 1, 4 };\n"
	"static int twice(int x) { return 2 * x; }\n"
	"int (*fp)(int) = twice;\n"
	"const char *strs[] = { \"ab\", \"cde\" };\n"
	"long compute(void)\n"
	"{\n"
	"\tlong r = cbuf[1] + sarr[2] + iarr[3] + larr[1];\n"
	"\tr += (long)dval + qval[0] + qval[3] + fp(21) + strs[1][2];\n"
	"\treturn r + far_add(1000, 2000);\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\treturn compute() == 101 + 3 + 40 + 200 + 2 + 7 + 42 + 101 + 3000 ?\n"
	"\t       42 : 1;\n"
	"}\n";

static const char qemu_start_s[] =
	"\t.text\n"
	"\t.globl\t_start\n"
	"_start:\n"
	"\tldr\tx16, main_ptr\n"
	"\tblr\tx16\n"
	"\tmov\tx8, #93\n"       /* exit(main's result) */
	"\tsvc\t#0\n"
	"\t.p2align 3\n"
	"main_ptr:\n"
	"\t.xword\tmain_addr\n"
	"\t.section .far,\"ax\",@progbits\n"
	"\t.globl\tfar_add\n"
	"far_add:\n"
	"\tadd\tx0, x0, x1\n"
	"\tret\n";

/* The address the map gives a global symbol: "0x... SIZE global NAME". */
static int map_symbol(const char *map, const char *name, uint64_t *addr)
{
	FILE *f = fopen(map, "r");
	char line[512], kind[32], sym[256];
	uint64_t a, size;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%" SCNx64 " %" SCNu64 " %31s %255s", &a,
			       &size, kind, sym) == 4 &&
			strcmp(kind, "global") == 0 && strcmp(sym, name) == 0;
	fclose(f);
	if (found)
		*addr = a;
	return found;
}

static void test_qemu_runs_linked_image(void)
{
	static const char *const flag_sets[] = {
		"-O2", "-O0", "-O2 -fPIC", "-O1 -fPIE",
		"-O2 -mcmodel=large -fno-pic",
	};
	const char *bin = getenv("OBJLOAD_BIN");
	char src[128], start[128], obj[128], img[128], map[128], imgo[128],
	     starto[128], exe[128], cmd[1536];
	unsigned ran = 0;

	if (!bin)
		bin = tu_objload_bin();
	if (!tu_have_tool("qemu-aarch64") || !tu_have_tool("clang") ||
	    !tu_have_tool("ld.lld") || !tu_have_tool("llvm-objcopy") ||
	    !tu_have_tool("llvm-mc") || access(bin, X_OK) != 0) {
		/* a missing tool fails the test: tools/install-deps.sh
		 * installs them all */
		fprintf(stderr, "\n  qemu-aarch64, clang, ld.lld, llvm-objcopy, llvm-mc or %s missing",
			bin);
		CU_FAIL("qemu-aarch64, clang, ld.lld, llvm-objcopy or llvm-mc is missing");
		return;
	}
	snprintf(src, sizeof(src), "%s/prog.c", a64_tmp);
	snprintf(start, sizeof(start), "%s/start.s", a64_tmp);
	snprintf(obj, sizeof(obj), "%s/prog.o", a64_tmp);
	snprintf(img, sizeof(img), "%s/prog.bin", a64_tmp);
	snprintf(map, sizeof(map), "%s/prog.map", a64_tmp);
	snprintf(imgo, sizeof(imgo), "%s/prog-img.o", a64_tmp);
	snprintf(starto, sizeof(starto), "%s/start.o", a64_tmp);
	snprintf(exe, sizeof(exe), "%s/prog", a64_tmp);
	CU_ASSERT_FATAL(tu_write_text(src, qemu_prog_c) == 0 &&
			tu_write_text(start, qemu_start_s) == 0);
	snprintf(cmd, sizeof(cmd),
		 "llvm-mc -triple=aarch64-linux-gnu -filetype=obj -o '%s' '%s' 2>&1",
		 starto, start);
	CU_ASSERT_FATAL(tu_sh_ok("%s", cmd));

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++) {
		uint64_t main_addr = 0;
		char *out;
		int st;

		snprintf(cmd, sizeof(cmd),
			 "clang --target=aarch64-linux-gnu %s -ffreestanding -fno-builtin "
			 "-fno-stack-protector -c -o '%s' '%s' 2>&1",
			 flag_sets[f], obj, src);
		if (!tu_sh_ok("%s", cmd)) {
			CHECK_MSG(f > 0, "clang %s compiles", flag_sets[f]);
			if (f == 0) {
				fprintf(stderr, "\n  clang cannot target AArch64 ");
				CU_FAIL("clang cannot target AArch64 (tools/install-deps.sh installs it)");
			}
			return;
		}
		/* far_add is 768 MiB from the image: out of BL's reach. */
		snprintf(cmd, sizeof(cmd),
			 "'%s' link --base=0x10000000 --define=far_add=0x40000000 "
			 "--map='%s' -o '%s' '%s' 2>&1", bin, map, img, obj);
		CHECK_MSG(tu_sh_ok("%s", cmd), "%s: objload link --base", flag_sets[f]);
		CHECK_MSG(map_symbol(map, "main", &main_addr), "%s: main in the map",
			  flag_sets[f]);
		snprintf(cmd, sizeof(cmd),
			 "llvm-objcopy -I binary -O elf64-littleaarch64 "
			 "--rename-section=.data=.objimg,alloc,load,contents,code '%s' '%s' 2>&1 && "
			 "ld.lld -static -e _start --section-start=.text=0x400000 "
			 "--section-start=.far=0x40000000 --section-start=.objimg=0x10000000 "
			 "--defsym=main_addr=0x%" PRIx64 " -o '%s' '%s' '%s' 2>&1",
			 img, imgo, main_addr, exe, starto, imgo);
		CHECK_MSG(tu_sh_ok("%s", cmd), "%s: wrapping the image", flag_sets[f]);
		snprintf(cmd, sizeof(cmd), "timeout 20 qemu-aarch64 '%s' 2>&1", exe);
		out = tu_capture(cmd, &st);
		CHECK_MSG(st == 42,
			  "clang %s: the linked program returns 42 under qemu, got status %d %s",
			  flag_sets[f], st, out ? out : "");
		free(out);
		ran++;
	}
	CU_ASSERT_EQUAL(ran, ARRAY_SIZE(flag_sets));
}

/* ---- Suite ------------------------------------------------------------ */

int objload_test_register_arch_aarch64(void)
{
	static const struct tu_test tests[] = {
		{ "every kind has a test case", test_every_kind_has_a_case },
		{ "every kind: exact bytes", test_every_kind_bytes },
		{ "formula text agrees with applier",
		  test_formula_text_agrees },
		{ "range edges of every checked kind",
		  test_range_edges_every_kind },
		{ "unchecked kinds take any value",
		  test_unchecked_take_anything },
		{ "alignment of every scaled kind", test_alignment_every_kind },
		{ "lo12 scale read from the instruction", test_lo12_auto_sizes },
		{ "lo12 AUTO refuses other instructions",
		  test_lo12_auto_refuses_other_instructions },
		{ "messages", test_messages },
		{ "GOT fixups with an addend", test_got_addend },
		{ "extreme values", test_extreme_values },
		{ "bad kinds and buffers", test_bad_kinds_and_buffers },
		{ "branch reach", test_branch_reaches },
		{ "veneer", test_stub },
		{ "GOT entry", test_got_entry },
		{ "bind thunk", test_bind_thunk },
		{ "icache flush", test_flush_icache },
		{ "arch_ops descriptor", test_ops },
		{ "arch and kind names", test_names },
		{ "agrees with ld.lld", test_lld_agreement },
		{ "clang objects: every relocation has its kind",
		  test_clang_cross_check },
		{ "linked image runs under qemu-aarch64",
		  test_qemu_runs_linked_image },
	};
	return tu_add_suite("arch_aarch64", a64_suite_init, a64_suite_cleanup, tests, TU_COUNT(tests));
}
