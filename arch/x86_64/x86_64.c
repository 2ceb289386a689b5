/* SPDX-License-Identifier: MIT */
/*
 * x86-64 relocation applier.
 *
 * The psABI describes every relocation with a few letters: S is the
 * address of the symbol, A the addend, P the address of the field being
 * patched, GOT the address of the global offset table and G the address
 * of the GOT slot that holds S.  PC32 writes S + A - P, ABS64 writes
 * S + A, GOTPCREL writes G + A - P, and so on; include/objload/
 * kinds-x86_64.def lists every kind with its formula.  The core computes
 * the letters with target addresses; this file only does arithmetic,
 * range checks and byte encoding.
 *
 * Code reaches code and data through 32-bit displacements: call and jmp
 * rel32, and RIP-relative loads such as `mov foo(%rip), %rax`, reach
 * +-2 GiB.  Loaded code may land further than that from the host
 * functions and data it uses (libc is wherever the host's loader put it).
 * A branch that cannot reach its target goes through a stub near the
 * caller that jumps to an absolute 64-bit address; a GOT-relative address
 * load (`mov foo@GOTPCREL(%rip), %rax`) reads the full address from a GOT
 * slot near the code.  Both are sized by the core before allocation; this
 * file writes them.  A plain `lea foo(%rip)` or PC32 data reference to
 * something out of reach cannot be rescued and is reported as an error.
 *
 * Thread-local storage (arch/x86_64/tls.c): the general-dynamic, local-
 * dynamic and descriptor models call objload's resolvers; initial-exec
 * and local-exec accesses, which assume a fixed distance from %fs, are
 * rewritten into jumps to trampolines that ask the resolver (TLSJUMP32
 * writes the jump).
 *
 * Relaxation: the assembler marks GOT loads it knows the shape of as
 * GOTPCRELX or REX_GOTPCRELX; when their target turns out to be in reach,
 * the core gives such an edge the kind GOTRELAXED32, whose apply rewrites
 * `mov foo@GOTPCREL(%rip)` into `lea foo(%rip)` and calls and jumps
 * through the GOT into direct ones (see x86_64_relax below).  Every other
 * kind writes exactly its field and never touches the instruction.
 *
 * Each kind's value is `target + A - origin`, and the kind's flags say
 * which letters those are (see x86_64_terms_of()).  The unit tests check
 * that this agrees with the formula text of every row of the .def.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/x86_64/x86_64_tls.h"

static const arch_kind x86_64_kinds[] = {
#define OBJLOAD_X86_64_KIND(NAME, WIDTH, CHECK, FLAGS, FORMULA)		\
	[OBJLOAD_X86_64_##NAME] = {					\
		.name = #NAME,						\
		.width = WIDTH,						\
		.check = ARCH_CHECK_##CHECK,				\
		.range_bits = 8 * (WIDTH),				\
		.flags = FLAGS,						\
		.formula = FORMULA,					\
	},
#include "objload/kinds-x86_64.def"
#undef OBJLOAD_X86_64_KIND
};

/* Reject, at compile time, a row of the .def the code below cannot honour. */
#define OBJLOAD_X86_64_KIND(NAME, WIDTH, CHECK, FLAGS, FORMULA)		\
	_Static_assert((WIDTH) == 0 || (WIDTH) == 1 || (WIDTH) == 2 ||	\
		       (WIDTH) == 4 || (WIDTH) == 8,			\
		       #NAME ": width must be 0, 1, 2, 4 or 8");	\
	_Static_assert(ARCH_CHECK_##CHECK != ARCH_CHECK_ANY ||		\
		       (WIDTH) == 0 || (WIDTH) == 8,			\
		       #NAME ": ANY is only meaningful for 8-byte fields");
#include "objload/kinds-x86_64.def"
#undef OBJLOAD_X86_64_KIND

_Static_assert(sizeof(x86_64_kinds) / sizeof(x86_64_kinds[0]) ==
	       OBJLOAD_X86_64_KIND_COUNT, "one arch_kind per kind");

/*
 * The letters of a kind's formula, `target + A - origin`:
 *   target  G for kinds that need a GOT slot (GOTPCREL, GOTSLOT) or a
 *           TLS entry, the GOT itself for PC-relative references to the
 *           GOT base (GOTPC), T, TP or M for the other thread-local
 *           kinds, S otherwise;
 *   origin  P for PC-relative kinds, else GOT for GOT-base kinds (GOTOFF,
 *           GOTSLOT), else B for image- or section-relative ones, else
 *           SUB for deltas, else nothing.
 */
struct x86_64_terms {
	const char *tname;
	uint64_t target;
	const char *oname;      /* NULL: no origin */
	uint64_t origin;
};

static struct x86_64_terms x86_64_terms_of(const arch_kind *k,
					   const arch_fixup *fx)
{
	struct x86_64_terms t = { .tname = "S", .target = fx->S };

	if (k->flags & OBJLOAD_KF_SIZE) {
		t.tname = "Z";
		t.target = fx->Z;
	} else if ((k->flags & OBJLOAD_KF_TLS) && !(k->flags & OBJLOAD_KF_GOT)) {
		/* a thread-local offset, or the module */
		t.tname = k->flags & OBJLOAD_KF_TLSMODULE ? "M" :
			k->flags & OBJLOAD_KF_TPREL ? "TP" : "T";
		t.target = k->flags & OBJLOAD_KF_TLSMODULE ? fx->M :
			k->flags & OBJLOAD_KF_TPREL ? fx->TP : fx->T;
	} else if (k->flags & OBJLOAD_KF_GOT) {
		t.tname = "G";
		t.target = fx->G;
	} else if ((k->flags & OBJLOAD_KF_GOTBASE) &&
		   (k->flags & OBJLOAD_KF_PCREL)) {
		t.tname = "GOT";
		t.target = fx->GOT;
	}

	if (k->flags & OBJLOAD_KF_PCREL) {
		t.oname = "P";
		t.origin = fx->P;
	} else if (k->flags & OBJLOAD_KF_GOTBASE) {
		t.oname = "GOT";
		t.origin = fx->GOT;
	} else if (k->flags & (OBJLOAD_KF_IMAGEBASE | OBJLOAD_KF_SECTIONBASE)) {
		t.oname = "B";
		t.origin = fx->B;
	} else if (k->flags & OBJLOAD_KF_SUB) {
		t.oname = "SUB";
		t.origin = fx->SUB;
	}
	return t;
}

/*
 * Relaxation (psABI "Optimize GOTPCRELX Relocations").  An instruction
 * that reads a symbol's address from its GOT slot,
 *
 *	[REX] 8b /r	mov foo@GOTPCREL(%rip), %reg
 *	ff 15		call *foo@GOTPCREL(%rip)
 *	ff 25		jmp *foo@GOTPCREL(%rip)
 *
 * may, when foo is within +-2 GiB of it, compute the address or branch
 * to it directly instead: mov becomes lea (8d /r, same length), call
 * becomes `addr32 call foo` (67 e8: the prefix keeps the length), and
 * jmp becomes `jmp foo; nop` (e9 rel32 90: the displacement moves one
 * byte back, and counts from one byte earlier).  Only the assembler's
 * GOTPCRELX and REX_GOTPCRELX promise that the bytes before the field
 * are such an instruction, so only they are relaxed; the ModRM byte must
 * say RIP-relative (mod 00, r/m 101).
 */
enum x86_64_got_insn {
	X86_64_NOT_RELAXABLE,
	X86_64_GOT_MOV,
	X86_64_GOT_CALL,
	X86_64_GOT_JMP,
};

static enum x86_64_got_insn x86_64_got_insn(const uint8_t *before, size_t avail)
{
	if (avail < 2)
		return X86_64_NOT_RELAXABLE;
	if (before[-2] == 0x8b && (before[-1] & 0xc7) == 0x05)
		return X86_64_GOT_MOV;
	if (before[-2] == 0xff && before[-1] == 0x15)
		return X86_64_GOT_CALL;
	if (before[-2] == 0xff && before[-1] == 0x25)
		return X86_64_GOT_JMP;
	return X86_64_NOT_RELAXABLE;
}

static unsigned x86_64_relax(unsigned kind, const uint8_t *bytes, uint64_t size,
			     uint64_t offset, unsigned next, uint64_t next_offset,
			     unsigned *next_kind)
{
	(void)next;
	(void)next_offset;
	*next_kind = 0;
	if ((kind != OBJLOAD_X86_64_GOTPCRELX32 && kind != OBJLOAD_X86_64_REXGOTPCRELX32) ||
	    !bytes || offset > size || size - offset < 4)
		return 0;
	return x86_64_got_insn(bytes + offset, (size_t)offset) == X86_64_NOT_RELAXABLE ?
		0 : OBJLOAD_X86_64_GOTRELAXED32;
}

/* Write a relaxed GOT access: the instruction before the field, then the
 * displacement v = S + A - P (P the original field). */
static objload_status x86_64_relax_rewrite(uint8_t *field, uint64_t v, char *err,
					   size_t errlen)
{
	switch (x86_64_got_insn(field, 2)) {
	case X86_64_GOT_MOV:
		field[-2] = 0x8d;                 /* lea */
		arch_put_le(field, v, 4);
		return OBJLOAD_OK;
	case X86_64_GOT_CALL:
		field[-2] = 0x67;                 /* addr32 */
		field[-1] = 0xe8;                 /* call rel32 */
		arch_put_le(field, v, 4);
		return OBJLOAD_OK;
	case X86_64_GOT_JMP:
		/* e9 at field-2, rel32 at field-1 counted from field+3 */
		if ((uint64_t)((int64_t)(int32_t)(uint32_t)(v + 1)) != v + 1) {
			arch_error(err, errlen, "GOTRELAXED32: jmp displacement 0x%" PRIx64
				   " does not fit in signed 32 bits", v + 1);
			return OBJLOAD_ERR_RANGE;
		}
		field[-2] = 0xe9;
		arch_put_le(field - 1, v + 1, 4);
		field[3] = 0x90;                  /* nop */
		return OBJLOAD_OK;
	case X86_64_NOT_RELAXABLE:
		break;
	}
	arch_error(err, errlen, "GOTRELAXED32: the bytes before the field are not a "
		   "RIP-relative mov, call or jmp through the GOT");
	return OBJLOAD_ERR_FORMAT;
}

static objload_status x86_64_apply(unsigned kind, uint8_t *field,
				   const arch_fixup *fx, char *err,
				   size_t errlen)
{
	const arch_kind *k;
	struct x86_64_terms t;
	uint64_t v, amag;
	char origin[32];

	if (kind >= OBJLOAD_X86_64_KIND_COUNT) {
		arch_error(err, errlen, "unknown x86-64 relocation kind %u",
			   kind);
		return OBJLOAD_ERR_ARGUMENT;
	}
	k = &x86_64_kinds[kind];
	if (kind == OBJLOAD_X86_64_TLS) {
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

	t = x86_64_terms_of(k, fx);
	v = t.target + (uint64_t)fx->A - t.origin;
	if (arch_fits(k, v)) {
		if (kind == OBJLOAD_X86_64_GOTRELAXED32)
			return x86_64_relax_rewrite(field, v, err, errlen);
		if (kind == OBJLOAD_X86_64_TLSJUMP32)
			field[-1] = 0xe9;   /* jmp rel32 to the trampoline */
		arch_put_le(field, v, k->width);
		return OBJLOAD_OK;
	}

	/* |A| without negating INT64_MIN. */
	amag = fx->A < 0 ? UINT64_C(0) - (uint64_t)fx->A : (uint64_t)fx->A;
	origin[0] = '\0';
	if (t.oname)
		snprintf(origin, sizeof(origin), " %s=0x%" PRIx64, t.oname,
			 t.origin);
	arch_error(err, errlen,
		   "value 0x%" PRIx64 " (%s=0x%" PRIx64 " A=%s0x%" PRIx64
		   "%s) does not fit in %s %u bits",
		   v, t.tname, t.target, fx->A < 0 ? "-" : "", amag, origin,
		   k->check == ARCH_CHECK_SIGNED ? "signed" : "unsigned",
		   8u * k->width);
	return OBJLOAD_ERR_RANGE;
}

/* Only PC-relative kinds reach anything; BRANCH32 reaches +-2 GiB. */
static int x86_64_branch_reaches(unsigned kind, uint64_t P, uint64_t S,
				 int64_t A)
{
	const arch_kind *k;

	if (kind >= OBJLOAD_X86_64_KIND_COUNT)
		return 0;
	k = &x86_64_kinds[kind];
	if (!(k->flags & OBJLOAD_KF_PCREL) || k->width == 0)
		return 0;
	return arch_fits(k, S + (uint64_t)A - P);
}

/*
 * Stub: `jmp *0(%rip)` reads its destination from the eight bytes that
 * follow it, so the stub is position-independent, clobbers no register
 * and reaches the whole address space.
 *
 *	ff 25 00 00 00 00	jmp *0(%rip)
 *	<8 bytes>		.quad dest
 *	cc cc			int3 padding
 */
enum {
	X86_64_STUB_SIZE = 16,
	X86_64_STUB_ALIGN = 16,
};

static const uint8_t x86_64_jmp_rip[] = { 0xff, 0x25, 0x00, 0x00, 0x00, 0x00 };

_Static_assert(sizeof(x86_64_jmp_rip) + 8 <= X86_64_STUB_SIZE,
	       "stub encoding fits in X86_64_STUB_SIZE");

static void x86_64_stub(uint8_t *work, arch_code *out)
{
	memset(work, 0xcc, X86_64_STUB_SIZE);
	memcpy(work, x86_64_jmp_rip, sizeof(x86_64_jmp_rip));
	memset(work + sizeof(x86_64_jmp_rip), 0, 8);
	out->size = X86_64_STUB_SIZE;
	out->nslots = 1;
	out->slot[0] = sizeof(x86_64_jmp_rip);
}

/*
 * Bind thunk: put `bound` in the SysV integer argument register that
 * follows the caller's nargs arguments, then jump to fn, which returns
 * straight to the caller.
 *
 *	f3 0f 1e fa		endbr64 (a NOP without CET; makes the thunk
 *				a valid indirect-branch target with IBT)
 *	REX.W B8+r <imm64>	movabs $bound, %rdi/%rsi/%rdx/%rcx/%r8/%r9
 *	ff 25 00 00 00 00	jmp *0(%rip)
 *	<8 bytes>		.quad fn
 *	cc ...			int3 padding
 *
 * The jump goes through memory rather than a scratch register so that
 * %rax is left alone: it carries the vector-register count (%al) into
 * variadic functions.
 */
static const uint8_t x86_64_endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* movabs $imm64, reg: REX.W (+B for r8..r15), then B8 + low 3 bits. */
static const uint8_t x86_64_movabs_arg[6][2] = {
	{ 0x48, 0xbf },         /* %rdi */
	{ 0x48, 0xbe },         /* %rsi */
	{ 0x48, 0xba },         /* %rdx */
	{ 0x48, 0xb9 },         /* %rcx */
	{ 0x49, 0xb8 },         /* %r8 */
	{ 0x49, 0xb9 },         /* %r9 */
};

enum {
	X86_64_BIND_THUNK_CODE = sizeof(x86_64_endbr64) + 2 + 8 +
				 sizeof(x86_64_jmp_rip) + 8,
	X86_64_BIND_THUNK_SIZE = (X86_64_BIND_THUNK_CODE + 15) & ~15,
};

static objload_status x86_64_bind_thunk(uint8_t *work, unsigned nargs,
				       arch_code *out)
{
	uint8_t *p = work;

	if (!work || nargs >= sizeof(x86_64_movabs_arg) /
			      sizeof(x86_64_movabs_arg[0]))
		return OBJLOAD_ERR_ARGUMENT;

	memset(work, 0xcc, X86_64_BIND_THUNK_SIZE);
	memcpy(p, x86_64_endbr64, sizeof(x86_64_endbr64));
	p += sizeof(x86_64_endbr64);
	memcpy(p, x86_64_movabs_arg[nargs], 2);
	p += 2;
	out->slot[1] = (unsigned)(p - work);     /* bound */
	memset(p, 0, 8);
	p += 8;
	memcpy(p, x86_64_jmp_rip, sizeof(x86_64_jmp_rip));
	p += sizeof(x86_64_jmp_rip);
	out->slot[0] = (unsigned)(p - work);     /* fn */
	memset(p, 0, 8);
	out->size = X86_64_BIND_THUNK_SIZE;
	out->nslots = 2;
	return OBJLOAD_OK;
}

/*
 * Calling-convention thunks between System V (the host's) and Microsoft
 * x64 (COFF objects).  Both are generic: they move up to six integer or
 * pointer arguments between the conventions' registers and stack slots,
 * and pass xmm0-xmm3 through untouched, which is right for functions
 * whose floating-point arguments are all doubles (sqrt, pow, atan2) and
 * wrong for mixed integer/double argument lists (ldexp, frexp: the
 * bridge in abi/ms_x64 wraps those).  Not supported: more than six
 * arguments, variadic callees (the bridge wraps printf and friends),
 * structures passed or returned by value, long double.  The result comes
 * back in rax or xmm0 in both conventions.
 *
 * Microsoft x64 code calling a System V function (MS -> SysV):
 *   the callee may clobber rdi, rsi and xmm6-xmm15, which the Microsoft
 *   caller expects preserved, so the thunk saves them in its own frame;
 *   arguments 1-4 move rcx, rdx, r8, r9 -> rdi, rsi, rdx, rcx, and 5-6
 *   are read from the caller's stack (above its return address and the
 *   32-byte shadow space) into r8, r9.  %al (the vector-register count a
 *   System V variadic callee reads) is set to 0.
 *
 *	f3 0f 1e fa		endbr64
 *	57 56			push %rdi; push %rsi
 *	48 81 ec a8 00 00 00	sub $168, %rsp (16-aligned again)
 *	66 [44] 0f 7f 84 24 d32	movdqa %xmm6..15, 0..144(%rsp)
 *	48 89 cf; 48 89 d6	mov %rcx, %rdi; mov %rdx, %rsi
 *	4c 89 c2; 4c 89 c9	mov %r8, %rdx; mov %r9, %rcx
 *	4c 8b 84 24 e0 00 00 00	mov 224(%rsp), %r8 (argument 5)
 *	4c 8b 8c 24 e8 00 00 00	mov 232(%rsp), %r9 (argument 6)
 *	49 bb <8 bytes>		movabs $dest, %r11
 *	31 c0; 41 ff d3		xor %eax, %eax; call *%r11
 *	66 [44] 0f 6f ...	movdqa back, add $168, pop, pop, ret
 *
 * System V code calling a Microsoft x64 function (SysV -> MS):
 *   the Microsoft callee preserves everything System V needs preserved
 *   (rbx, rbp, r12-r15) and more; it may use the 32 bytes above its
 *   return address as shadow space and expects rsp 16-aligned at the
 *   call.  The thunk reserves 56 bytes (32 shadow + arguments 5 and 6 +
 *   8 to realign), moves rdi, rsi, rdx, rcx -> rcx, rdx, r8, r9 and
 *   r8, r9 -> the stack slots of arguments 5 and 6.
 */
enum {
	X86_64_CC_THUNK_SIZE = 320,
	X86_64_MS_SAVE = 168,   /* xmm6-15 (160) + 8 to realign */
};

struct x86_64_emit {
	uint8_t *p;
	uint8_t *end;
	uint8_t *start;
	unsigned dest_slot;   /* where the destination's imm64 went */
};

static void x86_64_emit(struct x86_64_emit *e, const uint8_t *b, size_t n)
{
	if ((size_t)(e->end - e->p) < n) {
		e->p = e->end + 1;   /* overflow marker: checked by the caller */
		return;
	}
	memcpy(e->p, b, n);
	e->p += n;
}

static void x86_64_emit_le(struct x86_64_emit *e, uint64_t v, unsigned width)
{
	uint8_t le[8];

	if (e->p > e->end)
		return;
	arch_put_le(le, v, width);
	x86_64_emit(e, le, width);
}

/* movdqa %xmmN, disp32(%rsp) (store) or movdqa disp32(%rsp), %xmmN. */
static void x86_64_emit_xmm_spill(struct x86_64_emit *e, unsigned n, uint32_t disp,
				  int load)
{
	uint8_t b[5];
	size_t k = 0;

	if (e->p > e->end)
		return;
	b[k++] = 0x66;
	if (n >= 8)
		b[k++] = 0x44;   /* REX.R */
	b[k++] = 0x0f;
	b[k++] = load ? 0x6f : 0x7f;
	x86_64_emit(e, b, k);
	b[0] = (uint8_t)(0x84 | (n & 7) << 3);   /* mod 10, r/m 100: SIB */
	b[1] = 0x24;                              /* base rsp */
	x86_64_emit(e, b, 2);
	x86_64_emit_le(e, disp, 4);
}

static void x86_64_ms_to_sysv(struct x86_64_emit *e)
{
	static const uint8_t prologue[] = {
		0x57, 0x56,                               /* push %rdi; push %rsi */
		0x48, 0x81, 0xec, X86_64_MS_SAVE, 0, 0, 0, /* sub $168, %rsp */
	};
	/* arguments 5, 6: caller's rsp + 8 (return) + 32 (shadow) = entry
	 * rsp + 40, and entry rsp = rsp + 168 + 16 */
	static const uint8_t args[] = {
		0x4c, 0x8b, 0x84, 0x24, X86_64_MS_SAVE + 16 + 40, 0, 0, 0, /* mov ..,%r8 */
		0x4c, 0x8b, 0x8c, 0x24, X86_64_MS_SAVE + 16 + 48, 0, 0, 0, /* mov ..,%r9 */
		0x48, 0x89, 0xcf,       /* mov %rcx, %rdi */
		0x48, 0x89, 0xd6,       /* mov %rdx, %rsi */
		0x4c, 0x89, 0xc2,       /* mov %r8, %rdx -- before r8 is reloaded */
		0x4c, 0x89, 0xc9,       /* mov %r9, %rcx */
	};
	static const uint8_t call[] = {
		0x31, 0xc0,             /* xor %eax, %eax */
		0x41, 0xff, 0xd3,       /* call *%r11 */
	};
	static const uint8_t epilogue[] = {
		0x48, 0x81, 0xc4, X86_64_MS_SAVE, 0, 0, 0, /* add $168, %rsp */
		0x5e, 0x5f, 0xc3,       /* pop %rsi; pop %rdi; ret */
	};
	static const uint8_t movabs_r11[] = { 0x49, 0xbb };

	x86_64_emit(e, x86_64_endbr64, sizeof(x86_64_endbr64));
	x86_64_emit(e, prologue, sizeof(prologue));
	for (unsigned n = 6; n < 16; n++)
		x86_64_emit_xmm_spill(e, n, (n - 6) * 16, 0);
	/* r8/r9 hold arguments 3/4 and must reach rdx/rcx before arguments
	 * 5/6 are loaded into them: emit the register moves first */
	x86_64_emit(e, args + 16, sizeof(args) - 16);
	x86_64_emit(e, args, 16);
	x86_64_emit(e, movabs_r11, sizeof(movabs_r11));
	e->dest_slot = (unsigned)(e->p - e->start);
	x86_64_emit_le(e, 0, 8);
	x86_64_emit(e, call, sizeof(call));
	for (unsigned n = 6; n < 16; n++)
		x86_64_emit_xmm_spill(e, n, (n - 6) * 16, 1);
	x86_64_emit(e, epilogue, sizeof(epilogue));
}

static void x86_64_sysv_to_ms(struct x86_64_emit *e)
{
	static const uint8_t body[] = {
		0x48, 0x83, 0xec, 0x38,                 /* sub $56, %rsp */
		0x4c, 0x89, 0x44, 0x24, 0x20,           /* mov %r8, 32(%rsp) */
		0x4c, 0x89, 0x4c, 0x24, 0x28,           /* mov %r9, 40(%rsp) */
		0x49, 0x89, 0xd0,                       /* mov %rdx, %r8 */
		0x49, 0x89, 0xc9,                       /* mov %rcx, %r9 */
		0x48, 0x89, 0xf9,                       /* mov %rdi, %rcx */
		0x48, 0x89, 0xf2,                       /* mov %rsi, %rdx */
		0x48, 0xb8,                             /* movabs $dest, %rax */
	};
	static const uint8_t tail[] = {
		0xff, 0xd0,                             /* call *%rax */
		0x48, 0x83, 0xc4, 0x38,                 /* add $56, %rsp */
		0xc3,                                   /* ret */
	};

	x86_64_emit(e, x86_64_endbr64, sizeof(x86_64_endbr64));
	x86_64_emit(e, body, sizeof(body));
	e->dest_slot = (unsigned)(e->p - e->start);
	x86_64_emit_le(e, 0, 8);
	x86_64_emit(e, tail, sizeof(tail));
}

static objload_status x86_64_cc_thunk(uint8_t *work, objload_callconv from,
				     objload_callconv to, arch_code *out)
{
	struct x86_64_emit e = { .p = work, .end = work + X86_64_CC_THUNK_SIZE,
				 .start = work };

	if (!work)
		return OBJLOAD_ERR_ARGUMENT;
	if (!((from == OBJLOAD_CC_MS_X64 && to == OBJLOAD_CC_SYSV) ||
	      (from == OBJLOAD_CC_SYSV && to == OBJLOAD_CC_MS_X64)))
		return OBJLOAD_ERR_UNSUPPORTED;   /* nothing written */
	memset(work, 0xcc, X86_64_CC_THUNK_SIZE);
	if (from == OBJLOAD_CC_MS_X64)
		x86_64_ms_to_sysv(&e);
	else
		x86_64_sysv_to_ms(&e);
	if (e.p > e.end)
		return OBJLOAD_ERR_ARGUMENT;
	out->size = X86_64_CC_THUNK_SIZE;
	out->nslots = 1;
	out->slot[0] = e.dest_slot;
	return OBJLOAD_OK;
}

/*
 * Implicit addends (Mach-O, COFF and ELF SHT_REL keep the addend in the
 * field): every x86-64 field is a little-endian integer of the kind's
 * width, and narrower than 8 bytes it is read as signed.  A 32-bit field
 * holds -4 for `foo - 4` whether the kind then checks the result as
 * signed or unsigned (COFF ADDR32NB of a symbol minus 4 is still a
 * valid image-relative address); a 64-bit field is the addend as is.
 */
static objload_status x86_64_read_addend(unsigned kind, const uint8_t *field,
					 int64_t *addend)
{
	const arch_kind *k;
	uint64_t v = 0;

	if (kind >= OBJLOAD_X86_64_KIND_COUNT || !field || !addend)
		return OBJLOAD_ERR_ARGUMENT;
	k = &x86_64_kinds[kind];
	for (unsigned i = 0; i < k->width; i++)
		v |= (uint64_t)field[i] << (8 * i);
	if (k->width && k->width < 8) {
		unsigned shift = 64 - 8u * k->width;

		*addend = (int64_t)(v << shift) >> shift;
	} else {
		*addend = (int64_t)v;
	}
	return OBJLOAD_OK;
}

/* Would a PC-relative kind at P reach S + A? */
static int x86_64_reaches(unsigned kind, uint64_t P, uint64_t S, int64_t A)
{
	const arch_kind *k;

	if (kind >= OBJLOAD_X86_64_KIND_COUNT)
		return 0;
	k = &x86_64_kinds[kind];
	if (!(k->flags & OBJLOAD_KF_PCREL) || k->width == 0)
		return 0;
	/* the relaxed jmp counts from one byte earlier */
	if (kind == OBJLOAD_X86_64_GOTRELAXED32)
		return arch_fits(k, S + (uint64_t)A - P) &&
		       arch_fits(k, S + (uint64_t)A - P + 1);
	return arch_fits(k, S + (uint64_t)A - P);
}

/*
 * Nothing to do: x86 keeps instruction fetch coherent with stores in
 * hardware (Intel SDM vol. 3A, 11.6 "Self-modifying code"), and loaded
 * code is only entered by a jump or call after the mprotect that makes
 * it executable.
 */
static void x86_64_flush_icache(void *start, size_t len)
{
	(void)start;
	(void)len;
}

const arch_ops arch_x86_64 = {
	.name = "x86_64",
	.id = OBJLOAD_ARCH_X86_64,
	.pointer_size = 8,
	.little_endian = 1,
	.kinds = x86_64_kinds,
	.nkinds = OBJLOAD_X86_64_KIND_COUNT,
	.apply = x86_64_apply,
	.branch_reaches = x86_64_branch_reaches,
	.reaches = x86_64_reaches,
	.read_addend = x86_64_read_addend,
	.pointer_kind = OBJLOAD_X86_64_ABS64,
	.stub_size = X86_64_STUB_SIZE,
	.stub_align = X86_64_STUB_ALIGN,
	.branch_addend_bias = -4,
	.stub = x86_64_stub,
	.bind_thunk_size = X86_64_BIND_THUNK_SIZE,
	.bind_thunk = x86_64_bind_thunk,
	.cc_thunk_size = X86_64_CC_THUNK_SIZE,
	.cc_thunk = x86_64_cc_thunk,
	.relax = x86_64_relax,
	.flush_icache = x86_64_flush_icache,
	.plt_size = X86_64_PLT_SIZE,
	.plt = x86_64_plt,
	.tls_offset_kind = OBJLOAD_X86_64_TLSOFF64,
	.tls_tpoff_kind = OBJLOAD_X86_64_TPOFF64,
	.tls_below_tp = 1,
	.tls_tcb_size = 0,
	.tls_static_desc_size = X86_64_TLS_STATIC_DESC_SIZE,
	.tls_static_desc = x86_64_tls_static_desc,
	.tls_desc_resolver = X86_64_TLS_DESC_RESOLVER,
	.tls_get_addr = X86_64_TLS_GET_ADDR,
	.tls_save_size = X86_64_TLS_SAVE_SIZE,
	.tls_tramp_size = X86_64_TLS_TRAMP_SIZE,
	.tls_rewrite = x86_64_tls_rewrite,
	.tlv_thunk_size = X86_64_TLV_THUNK_SIZE,
	.tlv_thunk = x86_64_tlv_thunk,
};
