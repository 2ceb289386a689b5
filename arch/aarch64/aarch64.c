/* SPDX-License-Identifier: MIT */
/*
 * AArch64 relocation applier.
 *
 * AAELF64, "ELF for the Arm 64-bit Architecture", states each relocation
 * as a value X in the letters S (symbol), A (addend), P (the place being
 * patched) and G (the GOT slot holding S), and says which bits of X go
 * into which field: R_AARCH64_CALL26 puts X[27:2] of S + A - P in a BL's
 * imm26.  Mach-O and COFF arm64 name the same fields differently; every
 * format maps its types to the kinds of include/objload/kinds-aarch64.def
 * and this file does the arithmetic, the checks and the encoding for all
 * of them.
 *
 * Instructions are 32 bits, so no instruction holds an address.  Code
 * reaches data in two steps: ADRP puts the 4 KiB page of S + A, relative
 * to the page of the ADRP itself, in a register (Page(S + A) - Page(P),
 * 21 bits of pages: +-4 GiB), and the ADD or load/store that follows adds
 * the low 12 bits, X[11:0], as its unsigned immediate.  A load or store
 * scales that immediate by its access size, so an 8-byte LDR holds
 * X[11:3] and X[2:0] must be zero: a misaligned lo12 is an error, not a
 * rounding.  The two halves of a pair are separate relocations; only the
 * ADRP half has a range to check.
 *
 * B and BL hold a 26-bit word offset: +-128 MiB.  Loaded code may sit
 * further than that from the host's libraries, so a call or tail call
 * (CALL26, JUMP26) that cannot reach goes through a veneer near the
 * caller that loads the destination into x16 and branches to it; the
 * procedure-call standard reserves x16 and x17 (IP0, IP1) for exactly
 * such veneers.  B.cond, CBZ and TBZ reach +-1 MiB and +-32 KiB; they
 * stay inside a function and get no veneer.
 *
 * Position-independent code loads the address of a symbol defined
 * elsewhere from a GOT slot: ADRP of the slot's page, then an 8-byte LDR
 * of the slot.  The core makes the slots near the code.  When the symbol
 * turns out to be within the ADRP's reach, the pair is relaxed as linkers
 * do (aarch64_relax): the ADRP takes the page of S instead of G, and the
 * LDR becomes an ADD of S's low 12 bits to the same register.
 *
 * Unlike x86, AArch64 does not keep instruction fetch coherent with data
 * stores: code written through the data cache may not be seen by the
 * instruction cache until both are synchronised (clean the data cache to
 * the point of unification, invalidate the instruction cache, then an
 * ISB), so flush_icache is a real operation here.
 *
 * Every X is computed modulo 2^64, checked against the kind's range and
 * alignment, and only then written; the instruction's opcode and
 * registers are kept, only its immediate field changes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"

static const arch_kind aarch64_kinds[] = {
#define OBJLOAD_AARCH64_KIND(NAME, WIDTH, CHECK, RANGE_BITS, FLAGS, FORMULA) \
	[OBJLOAD_AARCH64_##NAME] = {					\
		.name = #NAME,						\
		.width = WIDTH,						\
		.check = ARCH_CHECK_##CHECK,				\
		.range_bits = RANGE_BITS,				\
		.flags = FLAGS,						\
		.formula = FORMULA,					\
	},
#include "objload/kinds-aarch64.def"
#undef OBJLOAD_AARCH64_KIND
};

/* Reject, at compile time, a row of the .def the code below cannot honour. */
#define OBJLOAD_AARCH64_KIND(NAME, WIDTH, CHECK, RANGE_BITS, FLAGS, FORMULA) \
	_Static_assert((WIDTH) == 0 || (WIDTH) == 2 || (WIDTH) == 4 ||	\
		       (WIDTH) == 8, #NAME ": width must be 0, 2, 4 or 8"); \
	_Static_assert((RANGE_BITS) > 0 && (RANGE_BITS) <= 64,		\
		       #NAME ": range_bits must be 1..64");		\
	_Static_assert(ARCH_CHECK_##CHECK != ARCH_CHECK_ANY ||		\
		       (RANGE_BITS) == 64,				\
		       #NAME ": an unchecked kind has range_bits 64");
#include "objload/kinds-aarch64.def"
#undef OBJLOAD_AARCH64_KIND

_Static_assert(sizeof(aarch64_kinds) / sizeof(aarch64_kinds[0]) ==
	       OBJLOAD_AARCH64_KIND_COUNT, "one arch_kind per kind");

/* ---- Fields ------------------------------------------------------------- */

/* Where X goes.  The masks are the immediate bits of the instruction. */
enum aarch64_field {
	A64_DATA,        /* WIDTH bytes of X, little-endian */
	A64_ADR,         /* ADR, ADRP: immlo 30:29, immhi 23:5 */
	A64_IMM12,       /* ADD (immediate), LD/ST unsigned offset: 21:10 */
	A64_IMM12_AUTO,  /* the same, the scale read from the instruction */
	A64_IMM26,       /* B, BL: 25:0 */
	A64_IMM19,       /* B.cond, CBZ, CBNZ: 23:5 */
	A64_IMM14,       /* TBZ, TBNZ: 18:5 */
	A64_IMM16,       /* MOVZ, MOVK: 20:5 */
};

/*
 * How a kind's X is computed and stored: the field receives X[hi:lo]
 * (lo is the scale for A64_IMM12_AUTO, known only from the instruction),
 * `aligned` requires X[lo-1:0] = 0, `page` makes X = Page(target + A) -
 * Page(origin), and `no_addend` requires A = 0.
 */
struct aarch64_form {
	enum aarch64_field field;
	uint8_t lo, hi;
	uint8_t aligned;
	uint8_t page;
	uint8_t no_addend;
};

/*
 * One case per kind and no default, so that -Wswitch (-Wall -Werror)
 * fails the build when the .def gains a kind this file does not encode.
 */
static struct aarch64_form aarch64_form_of(enum objload_aarch64_kind kind)
{
	const struct aarch64_form data = { .field = A64_DATA, .hi = 63 };
	const struct aarch64_form lo12 = { .field = A64_IMM12, .hi = 11 };
	const struct aarch64_form auto12 = { .field = A64_IMM12_AUTO, .hi = 11,
					     .aligned = 1 };
	const struct aarch64_form page21 = { .field = A64_ADR, .lo = 12,
					     .hi = 32, .page = 1 };
	struct aarch64_form f = data;

	switch (kind) {
	case OBJLOAD_AARCH64_NONE:
	case OBJLOAD_AARCH64_TLS:
	case OBJLOAD_AARCH64_TLSDESC_CALL:
	case OBJLOAD_AARCH64_TLSOFF64:
	case OBJLOAD_AARCH64_TPOFF64:
	case OBJLOAD_AARCH64_ABS64:
	case OBJLOAD_AARCH64_ABS32:
	case OBJLOAD_AARCH64_ABS16:
	case OBJLOAD_AARCH64_PREL64:
	case OBJLOAD_AARCH64_PREL32:
	case OBJLOAD_AARCH64_PREL16:
	case OBJLOAD_AARCH64_GOT_PCREL32:
	case OBJLOAD_AARCH64_IMAGEREL32:
	case OBJLOAD_AARCH64_SECREL32:
	case OBJLOAD_AARCH64_DELTA32:
	case OBJLOAD_AARCH64_DELTA64:
	case OBJLOAD_AARCH64_KIND_COUNT:
		break;
	case OBJLOAD_AARCH64_ADR_PAGE21:
	case OBJLOAD_AARCH64_ADR_PAGE21_NC:
		f = page21;
		break;
	case OBJLOAD_AARCH64_GOT_PAGE21:
	case OBJLOAD_AARCH64_TLSIE_PAGE21:
	case OBJLOAD_AARCH64_TLSDESC_PAGE21:
		f = page21;
		f.no_addend = 1;
		break;
	case OBJLOAD_AARCH64_TLSLE_HI12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 12, .hi = 23 };
		break;
	case OBJLOAD_AARCH64_TLSLE_LO12:
	case OBJLOAD_AARCH64_TLSLE_LO12_NC:
		f = lo12;
		break;
	case OBJLOAD_AARCH64_TLSDESC_ADD_LO12:
		f = lo12;
		f.no_addend = 1;
		break;
	case OBJLOAD_AARCH64_ADR_LO21:
		f = (struct aarch64_form){ .field = A64_ADR, .hi = 20 };
		break;
	case OBJLOAD_AARCH64_ADD_LO12:
	case OBJLOAD_AARCH64_LDST8_LO12:
	case OBJLOAD_AARCH64_SECREL_LO12A:
	case OBJLOAD_AARCH64_GOT_LO12_RELAXED:
		f = lo12;
		break;
	case OBJLOAD_AARCH64_LDST16_LO12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 1, .hi = 11,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_LDST32_LO12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 2, .hi = 11,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_LDST64_LO12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 3, .hi = 11,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_LDST128_LO12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 4, .hi = 11,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_GOT_LO12:
	case OBJLOAD_AARCH64_TLSIE_LO12:
	case OBJLOAD_AARCH64_TLSDESC_LD64_LO12:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 3, .hi = 11,
					   .aligned = 1, .no_addend = 1 };
		break;
	case OBJLOAD_AARCH64_SECREL_HI12A:
		f = (struct aarch64_form){ .field = A64_IMM12, .lo = 12, .hi = 23 };
		break;
	case OBJLOAD_AARCH64_LDST_LO12_AUTO:
	case OBJLOAD_AARCH64_SECREL_LO12L:
		f = auto12;
		break;
	case OBJLOAD_AARCH64_CALL26:
	case OBJLOAD_AARCH64_JUMP26:
		f = (struct aarch64_form){ .field = A64_IMM26, .lo = 2, .hi = 27,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_CONDBR19:
		f = (struct aarch64_form){ .field = A64_IMM19, .lo = 2, .hi = 20,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_TSTBR14:
		f = (struct aarch64_form){ .field = A64_IMM14, .lo = 2, .hi = 15,
					   .aligned = 1 };
		break;
	case OBJLOAD_AARCH64_MOVW_UABS_G0:
	case OBJLOAD_AARCH64_MOVW_UABS_G0_NC:
		f = (struct aarch64_form){ .field = A64_IMM16, .lo = 0, .hi = 15 };
		break;
	case OBJLOAD_AARCH64_MOVW_UABS_G1:
	case OBJLOAD_AARCH64_MOVW_UABS_G1_NC:
		f = (struct aarch64_form){ .field = A64_IMM16, .lo = 16, .hi = 31 };
		break;
	case OBJLOAD_AARCH64_MOVW_UABS_G2:
	case OBJLOAD_AARCH64_MOVW_UABS_G2_NC:
		f = (struct aarch64_form){ .field = A64_IMM16, .lo = 32, .hi = 47 };
		break;
	case OBJLOAD_AARCH64_MOVW_UABS_G3:
		f = (struct aarch64_form){ .field = A64_IMM16, .lo = 48, .hi = 63 };
		break;
	}
	return f;
}

/* The immediate bits of each instruction field. */
static uint32_t aarch64_field_mask(enum aarch64_field field)
{
	switch (field) {
	case A64_DATA:
		break;
	case A64_ADR:
		return UINT32_C(0x60ffffe0);
	case A64_IMM12:
	case A64_IMM12_AUTO:
		return UINT32_C(0x003ffc00);
	case A64_IMM26:
		return UINT32_C(0x03ffffff);
	case A64_IMM19:
		return UINT32_C(0x00ffffe0);
	case A64_IMM14:
		return UINT32_C(0x0007ffe0);
	case A64_IMM16:
		return UINT32_C(0x001fffe0);
	}
	return 0;
}

/* Put the field value v (already X[hi:lo]) into insn's immediate. */
static uint32_t aarch64_encode(enum aarch64_field field, uint32_t insn,
			       uint32_t v)
{
	uint32_t imm;

	switch (field) {
	case A64_DATA:
		break;
	case A64_ADR:
		imm = ((v & 3) << 29) | ((v >> 2) << 5);
		return (insn & ~aarch64_field_mask(field)) |
		       (imm & aarch64_field_mask(field));
	case A64_IMM12:
	case A64_IMM12_AUTO:
		imm = v << 10;
		return (insn & ~aarch64_field_mask(field)) |
		       (imm & aarch64_field_mask(field));
	case A64_IMM26:
		return (insn & ~aarch64_field_mask(field)) |
		       (v & aarch64_field_mask(field));
	case A64_IMM19:
	case A64_IMM14:
	case A64_IMM16:
		imm = v << 5;
		return (insn & ~aarch64_field_mask(field)) |
		       (imm & aarch64_field_mask(field));
	}
	return insn;
}

/*
 * The scale of a 12-bit unsigned immediate, from the instruction itself:
 *   LD/ST (unsigned offset), bits 29:27 = 111, 25:24 = 01: the access is
 *     2^size bytes (size = bits 31:30), except that a SIMD&FP access
 *     (V, bit 26) with opc<1> (bit 23) set and size 00 is 16 bytes (LDR Q,
 *     STR Q); PRFM has size 11 and scales by 8;
 *   ADD/ADDS (immediate), bits 30 = 0, 28:23 = 100010: unscaled.
 * Anything else is not an instruction a lo12 fixup can patch.
 */
static int aarch64_imm12_scale(uint32_t insn, unsigned *scale)
{
	if ((insn & UINT32_C(0x3b000000)) == UINT32_C(0x39000000)) {
		*scale = insn >> 30;
		if (*scale == 0 &&
		    (insn & UINT32_C(0x04800000)) == UINT32_C(0x04800000))
			*scale = 4;
		return 1;
	}
	if ((insn & UINT32_C(0x5f800000)) == UINT32_C(0x11000000)) {
		*scale = 0;
		return 1;
	}
	return 0;
}

#define A64_ADD_X_IMM UINT32_C(0x91000000)  /* add xd, xn, #imm12: 21:10, rn 9:5, rd 4:0 */

/* LDR (immediate, unsigned offset), 64-bit: 1111 1001 01 imm12 rn rt. */
static int aarch64_is_ldr_x_uimm(uint32_t insn)
{
	return (insn & UINT32_C(0xffc00000)) == UINT32_C(0xf9400000);
}

/* ADRP: 1 immlo 10000 immhi rd. */
static int aarch64_is_adrp(uint32_t insn)
{
	return (insn & UINT32_C(0x9f000000)) == UINT32_C(0x90000000);
}

/* ---- Arithmetic ----------------------------------------------------------- */

static uint32_t aarch64_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The letters of a kind's formula: X = target + A - origin, or
 * Page(target + A) - Page(origin) for the ADRP kinds.
 *   target  G for kinds that need a GOT slot or a TLS entry, TP or T for
 *           the other thread-local kinds, S otherwise;
 *   origin  P for PC-relative kinds, else B for image- or
 *           section-relative ones, else SUB for deltas, else nothing.
 */
struct aarch64_terms {
	const char *tname;
	uint64_t target;
	const char *oname;      /* NULL: no origin */
	uint64_t origin;
};

static struct aarch64_terms aarch64_terms_of(const arch_kind *k,
					     const arch_fixup *fx)
{
	struct aarch64_terms t = { .tname = "S", .target = fx->S };

	if (k->flags & OBJLOAD_KF_GOT) {
		t.tname = "G";
		t.target = fx->G;
	} else if (k->flags & OBJLOAD_KF_TLS) {
		t.tname = k->flags & OBJLOAD_KF_TPREL ? "TP" : "T";
		t.target = k->flags & OBJLOAD_KF_TPREL ? fx->TP : fx->T;
	}
	if (k->flags & OBJLOAD_KF_PCREL) {
		t.oname = "P";
		t.origin = fx->P;
	} else if (k->flags & (OBJLOAD_KF_IMAGEBASE | OBJLOAD_KF_SECTIONBASE)) {
		t.oname = "B";
		t.origin = fx->B;
	} else if (k->flags & OBJLOAD_KF_SUB) {
		t.oname = "SUB";
		t.origin = fx->SUB;
	}
	return t;
}

static uint64_t aarch64_page(uint64_t v)
{
	return v & ~UINT64_C(0xfff);
}

static uint64_t aarch64_value(const struct aarch64_form *f,
			      const struct aarch64_terms *t, int64_t A)
{
	if (f->page)
		return aarch64_page(t->target + (uint64_t)A) -
		       aarch64_page(t->origin);
	return t->target + (uint64_t)A - t->origin;
}

/* "S=0x1000 A=-0x4 P=0x2000", for messages. */
static void aarch64_letters(char *out, size_t len,
			    const struct aarch64_terms *t, int64_t A)
{
	/* |A| without negating INT64_MIN. */
	uint64_t amag = A < 0 ? UINT64_C(0) - (uint64_t)A : (uint64_t)A;
	int n;

	n = snprintf(out, len, "%s=0x%" PRIx64 " A=%s0x%" PRIx64, t->tname,
		     t->target, A < 0 ? "-" : "", amag);
	if (t->oname && n >= 0 && (size_t)n < len)
		snprintf(out + n, len - (size_t)n, " %s=0x%" PRIx64, t->oname,
			 t->origin);
}

static objload_status aarch64_apply(unsigned kind, uint8_t *field,
				    const arch_fixup *fx, char *err,
				    size_t errlen)
{
	const arch_kind *k;
	struct aarch64_form f;
	struct aarch64_terms t;
	uint64_t X, fv;
	uint32_t insn = 0;
	unsigned lo;
	char letters[96];

	if (kind >= OBJLOAD_AARCH64_KIND_COUNT) {
		arch_error(err, errlen, "unknown AArch64 relocation kind %u",
			    kind);
		return OBJLOAD_ERR_ARGUMENT;
	}
	k = &aarch64_kinds[kind];
	if (kind == OBJLOAD_AARCH64_TLS) {
		arch_error(err, errlen,
			    "thread-local storage in a form objload does not support");
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	if (k->width == 0)
		return OBJLOAD_OK;
	if (!field || !fx) {
		arch_error(err, errlen, "%s: no field or no fixup values",
			    k->name);
		return OBJLOAD_ERR_ARGUMENT;
	}

	f = aarch64_form_of((enum objload_aarch64_kind)kind);
	t = aarch64_terms_of(k, fx);
	if (kind == OBJLOAD_AARCH64_GOT_LO12_RELAXED) {
		uint32_t ldr = aarch64_get32(field);

		if (!aarch64_is_ldr_x_uimm(ldr)) {
			arch_error(err, errlen, "%s: instruction 0x%08" PRIx32
				    " is not the 64-bit LDR of a GOT slot", k->name, ldr);
			return OBJLOAD_ERR_FORMAT;
		}
		/* LDR xT, [xN, #imm] -> ADD xT, xN, #imm: same registers */
		arch_put_le(field, A64_ADD_X_IMM | (ldr & 0x3ffu), 4);
	}
	aarch64_letters(letters, sizeof(letters), &t, fx->A);
	if (f.no_addend && fx->A != 0) {
		arch_error(err, errlen,
			    "%s (%s): the GOT slot holds S, a GOT reference to S + A with A != 0 is not supported",
			    k->name, letters);
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	X = aarch64_value(&f, &t, fx->A);

	lo = f.lo;
	if (f.field != A64_DATA) {
		insn = aarch64_get32(field);
		if (f.field == A64_IMM12_AUTO && !aarch64_imm12_scale(insn, &lo)) {
			arch_error(err, errlen,
				    "%s: instruction 0x%08" PRIx32 " is neither an ADD (immediate) nor a load/store with an unsigned 12-bit offset",
				    k->name, insn);
			return OBJLOAD_ERR_FORMAT;
		}
	}

	if (!arch_fits(k, X)) {
		arch_error(err, errlen,
			    "value 0x%" PRIx64 " (%s) does not fit in %s %u bits",
			    X, letters,
			    k->check == ARCH_CHECK_SIGNED ? "signed" : "unsigned",
			    (unsigned)k->range_bits);
		return OBJLOAD_ERR_RANGE;
	}
	if (f.aligned && lo && (X & ((UINT64_C(1) << lo) - 1))) {
		arch_error(err, errlen,
			    "value 0x%" PRIx64 " (%s) is not a multiple of %u: the field holds X[%u:%u]",
			    X, letters, 1u << lo, (unsigned)f.hi, lo);
		return OBJLOAD_ERR_RANGE;
	}

	if (f.field == A64_DATA) {
		arch_put_le(field, X, k->width);
		return OBJLOAD_OK;
	}
	/* X[hi:lo]; hi - lo < 32 for every instruction field. */
	fv = (X >> lo) & ((UINT64_C(1) << (f.hi - lo + 1)) - 1);
	arch_put_le(field, aarch64_encode(f.field, insn, (uint32_t)fv), 4);
	return OBJLOAD_OK;
}

/* The low `bits` bits of v, sign-extended. */
static int64_t aarch64_sext(uint64_t v, unsigned bits)
{
	unsigned shift = 64 - bits;

	return (int64_t)(v << shift) >> shift;
}

/*
 * The implicit addend of a field, for formats whose relocations carry
 * none (REL-style: COFF arm64).  Each instruction field holds the addend
 * in the units the field's own fixup writes, with one exception that the
 * Microsoft and LLVM tools agree on: an ADRP's immediate holds the addend
 * in *bytes* (a signed 21-bit value added to S before Page() is taken),
 * not in pages.  So:
 *   ADR, ADRP              sext(immhi:immlo), bytes
 *   ADD imm12              imm12
 *   LD/ST imm12            imm12 << s, s the access size (from the kind,
 *                          or from the instruction for the AUTO kinds)
 *   SECREL_HI12A           imm12 << 12 (the field holds X[23:12])
 *   B, BL / B.cond / TBZ   sext(imm26 / imm19 / imm14) << 2
 *   MOVZ/MOVK              imm16 << the group's shift
 *   data                   the field, sign-extended when narrower than 8
 *                          bytes (a .word foo - 4 holds -4), as x86-64
 *                          reads its fields
 */
static objload_status aarch64_read_addend(unsigned kind, const uint8_t *field,
					  int64_t *addend)
{
	const arch_kind *k;
	struct aarch64_form f;
	uint32_t insn;
	unsigned scale;
	uint64_t v = 0;

	if (kind >= OBJLOAD_AARCH64_KIND_COUNT || !field || !addend)
		return OBJLOAD_ERR_ARGUMENT;
	k = &aarch64_kinds[kind];
	*addend = 0;
	if (k->width == 0)
		return OBJLOAD_OK;
	f = aarch64_form_of((enum objload_aarch64_kind)kind);
	if (f.field == A64_DATA) {
		for (unsigned i = 0; i < k->width; i++)
			v |= (uint64_t)field[i] << (8 * i);
		*addend = aarch64_sext(v, 8u * k->width);
		return OBJLOAD_OK;
	}
	insn = aarch64_get32(field);
	switch (f.field) {
	case A64_DATA:
		break;
	case A64_ADR:
		*addend = aarch64_sext(((insn >> 29) & 3) | ((insn >> 5) & 0x7ffff) << 2,
				       21);
		break;
	case A64_IMM12:
		*addend = (int64_t)((uint64_t)((insn >> 10) & 0xfff) << f.lo);
		break;
	case A64_IMM12_AUTO:
		if (!aarch64_imm12_scale(insn, &scale))
			return OBJLOAD_ERR_FORMAT;
		*addend = (int64_t)((uint64_t)((insn >> 10) & 0xfff) << scale);
		break;
	case A64_IMM26:
		*addend = aarch64_sext(insn & 0x3ffffff, 26) * 4;
		break;
	case A64_IMM19:
		*addend = aarch64_sext((insn >> 5) & 0x7ffff, 19) * 4;
		break;
	case A64_IMM14:
		*addend = aarch64_sext((insn >> 5) & 0x3fff, 14) * 4;
		break;
	case A64_IMM16:
		*addend = (int64_t)((uint64_t)((insn >> 5) & 0xffff) << f.lo);
		break;
	}
	return OBJLOAD_OK;
}

/*
 * Does a branch at P reach S + A, in range and word-aligned?  Only the
 * branch kinds reach anything; only CALL26 and JUMP26 have a veneer to
 * fall back on.
 */
static int aarch64_branch_reaches(unsigned kind, uint64_t P, uint64_t S,
				  int64_t A)
{
	struct aarch64_form f;
	uint64_t X;

	if (kind >= OBJLOAD_AARCH64_KIND_COUNT)
		return 0;
	f = aarch64_form_of((enum objload_aarch64_kind)kind);
	if (f.field != A64_IMM26 && f.field != A64_IMM19 &&
	    f.field != A64_IMM14)
		return 0;
	X = S + (uint64_t)A - P;
	return arch_fits(&aarch64_kinds[kind], X) && (X & 3) == 0;
}

/* ---- Generated code ------------------------------------------------------ */

/* The instructions the writers below use, with their operand fields 0. */
#define A64_LDR_X_LITERAL UINT32_C(0x58000000) /* ldr xt, label: imm19 23:5, rt 4:0 */
#define A64_BR UINT32_C(0xd61f0000)            /* br xn: rn 9:5 */
#define A64_BTI_C UINT32_C(0xd503245f)         /* bti c (a hint: NOP without BTI) */
#define A64_X16 16u                            /* IP0, the veneer scratch register */

static uint32_t aarch64_ldr_literal(unsigned rt, unsigned offset)
{
	return A64_LDR_X_LITERAL | (offset / 4) << 5 | rt;
}

/*
 * Veneer: load the destination from the literal that follows and branch
 * to it.  Position-independent; clobbers only x16, which AAPCS64 lets a
 * veneer clobber; reaches the whole address space.
 *
 *	58000050	ldr x16, #8
 *	d61f0200	br x16
 *	<8 bytes>	.quad dest
 */
enum {
	AARCH64_STUB_SIZE = 16,
	AARCH64_STUB_ALIGN = 16,
};

static void aarch64_stub(uint8_t *work, arch_code *out)
{
	arch_put_le(work, aarch64_ldr_literal(A64_X16, 8), 4);
	arch_put_le(work + 4, A64_BR | A64_X16 << 5, 4);
	memset(work + 8, 0, 8);
	out->size = AARCH64_STUB_SIZE;
	out->nslots = 1;
	out->slot[0] = 8;
}

/*
 * Bind thunk: put `bound` in the argument register that follows the
 * caller's nargs arguments (x0..x7) and branch to fn, which returns
 * straight to the caller.
 *
 *	d503245f	bti c (a NOP without BTI; a valid target for the
 *			caller's BLR where pages are BTI-guarded)
 *	58000060|n	ldr x<nargs>, #12	(the first literal)
 *	58000090	ldr x16, #16		(the second literal)
 *	d61f0200	br x16
 *	<8 bytes>	.quad bound
 *	<8 bytes>	.quad fn
 */
enum {
	AARCH64_BIND_THUNK_SIZE = 32,
	AARCH64_ARG_REGS = 8,
};

static objload_status aarch64_bind_thunk(uint8_t *work, unsigned nargs,
					 arch_code *out)
{
	if (!work || nargs >= AARCH64_ARG_REGS)
		return OBJLOAD_ERR_ARGUMENT;

	arch_put_le(work, A64_BTI_C, 4);
	arch_put_le(work + 4, aarch64_ldr_literal(nargs, 16 - 4), 4);
	arch_put_le(work + 8, aarch64_ldr_literal(A64_X16, 24 - 8), 4);
	arch_put_le(work + 12, A64_BR | A64_X16 << 5, 4);
	memset(work + 16, 0, 16);
	out->size = AARCH64_BIND_THUNK_SIZE;
	out->nslots = 2;
	out->slot[0] = 24;   /* fn */
	out->slot[1] = 16;   /* bound */
	return OBJLOAD_OK;
}

/*
 * Would a PC-relative kind at P reach S + A: does its X fit?  (For ADRP
 * kinds X counts pages; for branches it must also be word-aligned.)
 */
static int aarch64_reaches(unsigned kind, uint64_t P, uint64_t S, int64_t A)
{
	const arch_kind *k;
	struct aarch64_form f;
	struct aarch64_terms t = { .target = S, .origin = P };
	uint64_t X;

	if (kind >= OBJLOAD_AARCH64_KIND_COUNT)
		return 0;
	k = &aarch64_kinds[kind];
	if (!(k->flags & OBJLOAD_KF_PCREL) || k->width == 0)
		return 0;
	f = aarch64_form_of((enum objload_aarch64_kind)kind);
	X = aarch64_value(&f, &t, A);
	if (f.aligned && f.lo && (X & ((UINT64_C(1) << f.lo) - 1)))
		return 0;
	return arch_fits(k, X);
}

/*
 * Relaxation of a GOT load, ADRP xN, :got:foo then LDR xT, [xN,
 * :got_lo12:foo] right after it: when foo is within the ADRP's reach,
 * ADRP xN, foo then ADD xT, xN, :lo12:foo compute the address without
 * the slot.  Only that exact adjacent pair, with the LDR's base the
 * ADRP's register, is rewritten (the registers and the order stay).
 */
static unsigned aarch64_relax(unsigned kind, const uint8_t *bytes, uint64_t size,
			      uint64_t offset, unsigned next, uint64_t next_offset,
			      unsigned *next_kind)
{
	uint32_t adrp, ldr;

	*next_kind = 0;
	if (kind != OBJLOAD_AARCH64_GOT_PAGE21 || next != OBJLOAD_AARCH64_GOT_LO12 ||
	    !bytes || next_offset != offset + 4 || offset > size || size - offset < 8)
		return 0;
	adrp = aarch64_get32(bytes + offset);
	ldr = aarch64_get32(bytes + offset + 4);
	if (!aarch64_is_adrp(adrp) || !aarch64_is_ldr_x_uimm(ldr) ||
	    ((ldr >> 5) & 31) != (adrp & 31))
		return 0;
	*next_kind = OBJLOAD_AARCH64_GOT_LO12_RELAXED;
	return OBJLOAD_AARCH64_ADR_PAGE21;
}

/*
 * Make the instructions just written visible to instruction fetch: the
 * compiler's builtin cleans the data cache and invalidates the
 * instruction cache over the range (DC CVAU, IC IVAU, DSB, ISB on
 * AArch64; nothing on x86, where objload may write AArch64 code for
 * another machine).
 */
static void aarch64_flush_icache(void *start, size_t len)
{
	char *p = start;

	if (!p || !len)
		return;
	__builtin___clear_cache(p, p + len);
}

/*
 * A descriptor resolver for the static TLS layout of an image linked for
 * an address (glibc's _dl_tlsdesc_return): the descriptor's second word
 * is the variable's offset from TPIDR_EL0.
 *
 *	f9400400	ldr x0, [x0, #8]
 *	d65f03c0	ret
 */
enum { AARCH64_TLS_STATIC_DESC_SIZE = 8, AARCH64_PLT_SIZE = 24 };

static void aarch64_tls_static_desc(uint8_t *work, arch_code *out)
{
	arch_put_le(work, UINT32_C(0xf9400400), 4);
	arch_put_le(work + 4, UINT32_C(0xd65f03c0), 4);
	out->size = AARCH64_TLS_STATIC_DESC_SIZE;
	out->nslots = 0;
}

/*
 * An IFUNC's canonical address: a jump through its slot, which may be
 * anywhere (the slot is writable data, the stub code beside its callers),
 * through x16 and x17 (IP0, IP1: the registers veneers may use).
 *
 *	58000090	ldr x16, 16 (the literal below)
 *	f9400211	ldr x17, [x16]
 *	d61f0220	br x17
 *	d503201f	nop
 *	<8 bytes>	.quad slot
 */
static void aarch64_plt(uint8_t *work, arch_plt *out)
{
	arch_put_le(work, UINT32_C(0x58000090), 4);
	arch_put_le(work + 4, UINT32_C(0xf9400211), 4);
	arch_put_le(work + 8, UINT32_C(0xd61f0220), 4);
	arch_put_le(work + 12, UINT32_C(0xd503201f), 4);
	arch_put_le(work + 16, 0, 8);
	out->size = AARCH64_PLT_SIZE;
	out->nfields = 1;
	out->field[0].offset = 16;
	out->field[0].kind = OBJLOAD_AARCH64_ABS64;
	out->field[0].addend = 0;
}

const arch_ops arch_aarch64 = {
	.name = "aarch64",
	.id = OBJLOAD_ARCH_AARCH64,
	.pointer_size = 8,
	.little_endian = 1,
	.kinds = aarch64_kinds,
	.nkinds = OBJLOAD_AARCH64_KIND_COUNT,
	.apply = aarch64_apply,
	.branch_reaches = aarch64_branch_reaches,
	.reaches = aarch64_reaches,
	.read_addend = aarch64_read_addend,
	.pointer_kind = OBJLOAD_AARCH64_ABS64,
	.stub_size = AARCH64_STUB_SIZE,
	.stub_align = AARCH64_STUB_ALIGN,
	.branch_addend_bias = 0,
	.stub = aarch64_stub,
	.bind_thunk_size = AARCH64_BIND_THUNK_SIZE,
	.bind_thunk = aarch64_bind_thunk,
	.relax = aarch64_relax,
	.flush_icache = aarch64_flush_icache,
	.plt_size = AARCH64_PLT_SIZE,
	.plt = aarch64_plt,
	.tls_offset_kind = OBJLOAD_AARCH64_TLSOFF64,
	.tls_tpoff_kind = OBJLOAD_AARCH64_TPOFF64,
	.tls_below_tp = 0,
	.tls_tcb_size = 16,
	.tls_static_desc_size = AARCH64_TLS_STATIC_DESC_SIZE,
	.tls_static_desc = aarch64_tls_static_desc,
	/* in a running process: no resolvers yet (issue 14) */
};
