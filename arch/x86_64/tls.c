/* SPDX-License-Identifier: MIT */
/*
 * x86-64 thread-local storage in a running process, and IFUNC stubs.
 *
 * The psABI's thread-local models (Drepper, "ELF Handling For
 * Thread-Local Storage"; the x86-64 psABI's TLS chapter) reach a
 * variable in four ways.  General dynamic (TLSGD) passes a {module,
 * offset} pair to __tls_get_addr; local dynamic (TLSLD + DTPOFF32) asks
 * for the module's block once and adds offsets; TLSDESC calls through a
 * descriptor whose function returns the variable's address minus %fs:0
 * and preserves every other register.  Those three ask at run time, so
 * objload answers them itself: its __tls_get_addr and its descriptor
 * resolver (below) find the calling thread's block in the session (core/
 * tls.c), making it on first use.
 *
 * Initial exec and local exec do not ask.  They assume the variable sits
 * at a fixed distance from the thread pointer, the same in every thread,
 * which holds only for the static TLS area the C library laid out before
 * the program started:
 *
 *	mov x@gottpoff(%rip), %reg      (IE: the distance from a GOT slot)
 *	add x@gottpoff(%rip), %reg
 *	mov %fs:x@tpoff, %eax           (LE: the distance in the instruction)
 *	addl %edi, %fs:x@tpoff(,%rdx,4)
 *	mov $x@tpoff, %rcx; ... %fs:(%rcx)
 *	mov %fs:0, %rax; lea x@tpoff(%rax), %rax
 *
 * objload's blocks are allocated later, anywhere, per thread, so no such
 * distance exists.  Each such instruction is rewritten instead: its first
 * five bytes become `jmp trampoline`, and the trampoline (one per access,
 * next to the code) computes the distance for the calling thread with the
 * descriptor resolver, does what the instruction did with it, and jumps
 * back to the next instruction.  The instruction forms:
 *
 *   load, add   REX.W 8b/03 /r RIP-relative (IE), REX.W c7 /0 or 81 /0
 *               register-direct, REX.W 05 (LE immediates): the register
 *               gets (or adds) the distance;
 *   memory      any instruction with a memory operand %fs:disp32 (no
 *               base, any index), or `lea disp32(%base), %reg` with
 *               REX.W: copied into the trampoline with a scratch register
 *               holding the distance as its base (or index) and the
 *               displacement 0.
 *
 * The trampoline keeps every register, the flags and the caller's red
 * zone (the 128 bytes below %rsp a leaf function may use):
 *
 *	lea -128(%rsp), %rsp; push %rax (a slot); pushfq; push %rax
 *	lea desc(%rip), %rax; call *(%rax)     rax = address - %fs:0
 *	mov %rax, 16(%rsp); pop %rax; popfq    the slot holds it
 *	load/add:  mov/add (%rsp), %reg; lea 136(%rsp), %rsp
 *	memory:    xchg %r, (%rsp); INSN(%r); pop %r; lea 128(%rsp), %rsp
 *	jmp back
 *	desc: .quad resolver, module, offset
 *
 * Finding the instruction's first byte from the relocated field needs
 * care, since x86 code cannot be decoded backwards in general.  The IE
 * and immediate forms have fixed layouts.  A %fs: memory operand has an
 * anchor: GNU as and LLVM's assembler emit the segment prefix first, then
 * the other legacy prefixes, REX or VEX, the opcode, ModRM, SIB; objload
 * accepts the instruction when exactly one reading of the bytes before
 * the ModRM ends at a 0x64 byte, and the opcode is one it knows the
 * immediate size of and that neither uses the stack nor branches.
 * Memory operands based on a register that holds %fs:0 (gcc's
 * -mno-tls-direct-seg-refs) have no such anchor: only lea with REX.W,
 * which clang emits for &x, is accepted.  Everything else is refused with
 * the bytes and the reason, never guessed.
 *
 * The resolvers are assembly at the end of this file: the descriptor
 * resolver saves every register the C code could touch — the integer
 * registers the System V ABI lets a callee clobber and xmm0-15 around
 * the lookup of an existing block, and the whole extended state with
 * XSAVE (FXSAVE without it) around a first touch, which allocates while
 * glibc's memcpy uses AVX — and calls core_tls_desc_fast or
 * core_tls_desc_address.  __tls_get_addr is an ordinary call, but some
 * compilers emit it with the stack misaligned, so it realigns first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/x86_64_tls.h"

/* ---- reading the instruction ------------------------------------------ */

enum x86_64_site_form {
	X86_64_SITE_LOAD,    /* reg = distance */
	X86_64_SITE_ADD,     /* reg += distance */
	X86_64_SITE_MEM,     /* the instruction, with R holding the distance */
};

enum { X86_64_RSP = 4, X86_64_RBP = 5 };

struct x86_64_site {
	enum x86_64_site_form form;
	uint64_t start, end;
	unsigned reg;            /* LOAD, ADD */
	uint8_t insn[24];        /* MEM: the instruction as the trampoline runs it */
	unsigned insn_len;
	unsigned scratch;        /* MEM: R */
};

/* What objload needs to know of an opcode with a ModRM byte. */
struct x86_64_op {
	unsigned imm;            /* immediate bytes after the displacement */
	int reg_is_gpr;          /* ModRM.reg names a general register */
};

static int x86_64_is_rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

static int x86_64_is_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

/*
 * The one-byte opcodes objload redirects: ALU, mov, movsxd, imul, test,
 * xchg, lea, the shift and unary groups, x87 memory operations, inc/dec.
 * Refused: what pushes, pops, calls or jumps (ff /2-/6, 8f), moves to
 * segment registers, and anything else.
 */
static int x86_64_map1(uint8_t op, unsigned reg, int word, struct x86_64_op *o)
{
	unsigned imm_v = word ? 2 : 4;

	o->imm = 0;
	o->reg_is_gpr = 0;
	if (op < 0x40) {
		o->reg_is_gpr = 1;
		return (op & 7) < 4;
	}
	switch (op) {
	case 0x63: case 0x84: case 0x85: case 0x86: case 0x87:
	case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8d:
		o->reg_is_gpr = 1;
		return 1;
	case 0x69:
		o->reg_is_gpr = 1;
		o->imm = imm_v;
		return 1;
	case 0x6b:
		o->reg_is_gpr = 1;
		o->imm = 1;
		return 1;
	case 0x80: case 0x83: case 0xc0: case 0xc1:
		o->imm = 1;
		return 1;
	case 0x81:
		o->imm = imm_v;
		return 1;
	case 0xc6:
		o->imm = 1;
		return reg == 0;
	case 0xc7:
		o->imm = imm_v;
		return reg == 0;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3:
	case 0xd8: case 0xd9: case 0xda: case 0xdb:
	case 0xdc: case 0xdd: case 0xde: case 0xdf:
		return 1;
	case 0xf6:
		o->imm = reg < 2 ? 1 : 0;
		return 1;
	case 0xf7:
		o->imm = reg < 2 ? imm_v : 0;
		return 1;
	case 0xfe: case 0xff:
		return reg < 2;      /* inc, dec */
	default:
		return 0;
	}
}

/*
 * Two-byte opcodes (0F xx), legacy or VEX map 1: SSE/AVX moves and
 * arithmetic, cmov, setcc, bit tests, movzx/movsx, imul, cmpxchg, xadd,
 * popcnt/bsf/bsr, the prefetch and 0F AE groups.  Refused: system
 * instructions, cmpxchg8b/16b (0F C7, it uses rbx), maskmov (0F F7,
 * rdi), and opcodes without a memory form.
 */
static int x86_64_map2(uint8_t op, struct x86_64_op *o)
{
	o->imm = 0;
	o->reg_is_gpr = 0;
	switch (op) {
	case 0x10 ... 0x1f:
	case 0x28 ... 0x2b:
	case 0x2e: case 0x2f:
	case 0x51 ... 0x6f:
	case 0x74 ... 0x76:
	case 0x7c ... 0x7f:
	case 0x90 ... 0x9f:
	case 0xae:
	case 0xd0 ... 0xf6:
	case 0xf8 ... 0xfe:
		return 1;
	case 0x2c: case 0x2d:
	case 0x40 ... 0x4f:
	case 0xa3: case 0xa5: case 0xab: case 0xad: case 0xaf:
	case 0xb0: case 0xb1: case 0xb3: case 0xb6: case 0xb7:
	case 0xb8: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
	case 0xc0: case 0xc1: case 0xc3:
		o->reg_is_gpr = 1;
		return 1;
	case 0xa4: case 0xac:
		o->reg_is_gpr = 1;
		o->imm = 1;
		return 1;
	case 0x70: case 0xba: case 0xc2: case 0xc4: case 0xc6:
		o->imm = 1;
		return 1;
	default:
		return 0;
	}
}

/* 0F 38 xx: no immediate; movbe, crc32 and the BMI group name general
 * registers.  0F 3A xx: one immediate byte. */
static int x86_64_map3(uint8_t op, struct x86_64_op *o)
{
	o->imm = 0;
	o->reg_is_gpr = op >= 0xf0 && op <= 0xf7;
	return 1;
}

static int x86_64_map4(uint8_t op, struct x86_64_op *o)
{
	(void)op;
	o->imm = 1;
	o->reg_is_gpr = 0;
	return 1;
}

/* One way to read the bytes before a ModRM byte at `m`. */
struct x86_64_reading {
	uint64_t start;          /* the 0x64 prefix */
	uint64_t rex_at;         /* UINT64_MAX: no REX */
	int vex;                 /* 0, 2 or 3 */
	uint64_t vex_at;
	unsigned map;            /* 1: one byte, 2: 0F, 3: 0F 38, 4: 0F 3A */
	uint8_t op;
	int word;                /* 66 without REX.W */
};

/* Walk back from the first opcode byte at `at` over REX (legacy only) and
 * the legacy prefixes to the segment prefix the assembler put first. */
static int x86_64_reading_start(const uint8_t *b, uint64_t at, int legacy,
				struct x86_64_reading *r)
{
	uint64_t p = at;
	int has66 = 0;

	r->rex_at = UINT64_MAX;
	if (legacy && p > 0 && x86_64_is_rex(b[p - 1]))
		r->rex_at = --p;
	for (int n = 0; n < 4 && p > 0 && (legacy ? x86_64_is_prefix(b[p - 1]) :
					     b[p - 1] == 0x67); n++) {
		has66 |= b[p - 1] == 0x66;
		p--;
	}
	if (p == 0 || b[p - 1] != 0x64)
		return 0;
	r->start = p - 1;
	r->word = has66 && !(r->rex_at != UINT64_MAX && (b[r->rex_at] & 8));
	return 1;
}

/* The readings of an instruction whose ModRM byte is at m: legacy with
 * one, two or three opcode bytes, VEX with two or three prefix bytes. */
static unsigned x86_64_readings(const uint8_t *b, uint64_t m, struct x86_64_reading out[5])
{
	unsigned n = 0;
	struct x86_64_reading r;

	memset(&r, 0, sizeof(r));
	if (m >= 2 && b[m - 1] != 0x0f && b[m - 1] != 0xc4 && b[m - 1] != 0xc5 &&
	    !x86_64_is_rex(b[m - 1]) && !x86_64_is_prefix(b[m - 1]) && b[m - 1] != 0x64) {
		r.map = 1;
		r.op = b[m - 1];
		if (x86_64_reading_start(b, m - 1, 1, &r))
			out[n++] = r;
	}
	if (m >= 3 && b[m - 2] == 0x0f && b[m - 1] != 0x38 && b[m - 1] != 0x3a) {
		r.map = 2;
		r.op = b[m - 1];
		if (x86_64_reading_start(b, m - 2, 1, &r))
			out[n++] = r;
	}
	if (m >= 4 && b[m - 3] == 0x0f && (b[m - 2] == 0x38 || b[m - 2] == 0x3a)) {
		r.map = b[m - 2] == 0x38 ? 3 : 4;
		r.op = b[m - 1];
		if (x86_64_reading_start(b, m - 3, 1, &r))
			out[n++] = r;
	}
	if (m >= 4 && b[m - 3] == 0xc5) {
		r.vex = 2;
		r.vex_at = m - 3;
		r.map = 2;
		r.op = b[m - 1];
		if (x86_64_reading_start(b, m - 3, 0, &r))
			out[n++] = r;
	}
	if (m >= 5 && b[m - 4] == 0xc4 && (b[m - 3] & 0x1f) >= 1 && (b[m - 3] & 0x1f) <= 3) {
		r.vex = 3;
		r.vex_at = m - 4;
		r.map = (b[m - 3] & 0x1f) + 1;
		r.op = b[m - 1];
		if (x86_64_reading_start(b, m - 4, 0, &r))
			out[n++] = r;
	}
	for (unsigned i = 0; i < n; i++)
		if (out[i].vex)
			out[i].word = 0;
	return n;
}

/* The scratch register: rsi, rdi or rbx, whichever the instruction does
 * not name (ModRM.reg, the index, VEX.vvvv). */
static int x86_64_pick_scratch(unsigned avoid1, unsigned avoid2, unsigned avoid3,
			       unsigned *out)
{
	static const unsigned candidates[] = { 6, 7, 3 };

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		unsigned c = candidates[i];

		if (c != avoid1 && c != avoid2 && c != avoid3) {
			*out = c;
			return 1;
		}
	}
	return 0;
}

static void x86_64_hex(const uint8_t *b, uint64_t size, uint64_t from, uint64_t to,
		       char *out, size_t len)
{
	size_t k = 0;

	out[0] = 0;
	for (uint64_t i = from; i < to && i < size && k + 4 < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%02x", i > from ? " " : "", b[i]);
}

/* A %fs:disp32 memory operand: ModRM at m (mod 00, r/m 100), SIB at m+1
 * with no base, the field at m+2. */
static objload_status x86_64_read_fs_operand(const uint8_t *b, uint64_t size, uint64_t m,
					     struct x86_64_site *site, char *err, size_t errlen)
{
	struct x86_64_reading rd[5], *r;
	struct x86_64_op op;
	unsigned nr = x86_64_readings(b, m, rd), reg, index, vvvv = 16, k = 0;
	uint8_t modrm = b[m], sib = b[m + 1];
	int ok;
	char hex[64];

	x86_64_hex(b, size, m >= 6 ? m - 6 : 0, m + 2, hex, sizeof(hex));
	if (nr != 1) {
		arch_error(err, errlen, "the instruction before %s cannot be told apart: %s", hex,
			   nr ? "more than one reading" : "no %fs-prefixed instruction ends there");
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	r = &rd[0];
	reg = (modrm >> 3) & 7;
	if (r->rex_at != UINT64_MAX)
		reg |= (b[r->rex_at] & 4u) << 1;
	if (r->vex == 2)
		reg |= (~b[r->vex_at + 1] & 0x80u) >> 4;
	if (r->vex == 3)
		reg |= (~b[r->vex_at + 1] & 0x80u) >> 4;
	if (r->vex)
		vvvv = (~b[r->vex_at + (r->vex == 2 ? 1u : 2u)] >> 3) & 15;
	switch (r->map) {
	case 1: ok = x86_64_map1(r->op, reg & 7, r->word, &op); break;
	case 2: ok = x86_64_map2(r->op, &op); break;
	case 3: ok = x86_64_map3(r->op, &op); break;
	default: ok = x86_64_map4(r->op, &op); break;
	}
	if (r->vex && r->map == 2 && (r->op == 0x70 || r->op == 0xc2 || r->op == 0xc4 ||
				      r->op == 0xc6))
		op.imm = 1;
	if (!ok) {
		x86_64_hex(b, size, r->start, m + 1, hex, sizeof(hex));
		arch_error(err, errlen, "instruction %s (opcode %s%02x) is not one objload redirects",
			   hex, r->map == 1 ? "" : r->map == 2 ? "0f " : r->map == 3 ? "0f 38 " :
			   "0f 3a ", r->op);
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	if (op.reg_is_gpr && reg == X86_64_RSP) {
		arch_error(err, errlen, "the instruction at %s uses %%rsp, which the trampoline moves", hex);
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	index = (sib >> 3) & 7;
	if (r->rex_at != UINT64_MAX)
		index |= (b[r->rex_at] & 2u) << 2;
	if (r->vex == 3)
		index |= (~b[r->vex_at + 1] & 0x40u) >> 3;
	if (!x86_64_pick_scratch(reg, index == X86_64_RSP ? 16 : index, vvvv, &site->scratch)) {
		arch_error(err, errlen, "no scratch register is free in %s", hex);
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	site->start = r->start;
	site->end = m + 2 + 4 + op.imm;
	if (site->end > size) {
		arch_error(err, errlen, "the instruction at %s runs past the section", hex);
		return OBJLOAD_ERR_FORMAT;
	}
	/* the prefixes and opcode, with REX.B (VEX3: B) saying "not r8-r15" */
	for (uint64_t i = r->start; i < m; i++) {
		uint8_t c = b[i];

		if (i == r->rex_at)
			c &= (uint8_t)~1u;
		if (r->vex == 3 && i == r->vex_at + 1)
			c |= 0x20;
		site->insn[k++] = c;
	}
	site->insn[k++] = (uint8_t)(0x80 | (modrm & 0x38) | 4);   /* mod 10, SIB */
	site->insn[k++] = (uint8_t)((sib & 0xf8) | site->scratch); /* base R */
	memset(site->insn + k, 0, 4);                              /* disp32 0 */
	k += 4;
	memcpy(site->insn + k, b + m + 6, op.imm);
	k += op.imm;
	site->insn_len = k;
	site->form = X86_64_SITE_MEM;
	return OBJLOAD_OK;
}

/* `lea disp32(%base[,%index]), %reg` with REX.W, the base holding %fs:0:
 * REX at start, 8d, ModRM with mod 10. */
static objload_status x86_64_read_lea(const uint8_t *b, uint64_t f, uint64_t start,
				      struct x86_64_site *site, char *err, size_t errlen)
{
	uint8_t rex = b[start], modrm = b[start + 2];
	unsigned reg = ((modrm >> 3) & 7) | (rex & 4u) << 1, base, index = 16;
	int has_sib = (modrm & 7) == 4;
	unsigned k = 0;

	base = has_sib ? b[start + 3] & 7 : modrm & 7;
	if (has_sib) {
		index = (b[start + 3] >> 3) & 7;
		if (index != X86_64_RSP || (rex & 2)) {
			arch_error(err, errlen, "lea with a base and an index register");
			return OBJLOAD_ERR_UNSUPPORTED;
		}
	}
	if (!x86_64_pick_scratch(reg, base | (rex & 1u) << 3, 16, &site->scratch)) {
		arch_error(err, errlen, "no scratch register is free");
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	site->start = start;
	site->end = f + 4;
	site->insn[k++] = (uint8_t)(rex & ~2u);                  /* REX.X: R is low */
	site->insn[k++] = 0x8d;
	site->insn[k++] = (uint8_t)(0x80 | (modrm & 0x38) | 4);
	site->insn[k++] = (uint8_t)(site->scratch << 3 | base); /* index R */
	memset(site->insn + k, 0, 4);
	k += 4;
	site->insn_len = k;
	site->form = X86_64_SITE_MEM;
	return OBJLOAD_OK;
}

static int x86_64_is_rex_w(uint8_t b)
{
	return (b & 0xf8) == 0x48;
}

/* The access at field offset f of kind `kind`. */
static objload_status x86_64_read_site(unsigned kind, const uint8_t *b, uint64_t size,
				       uint64_t f, struct x86_64_site *site, char *err,
				       size_t errlen)
{
	char hex[64];

	memset(site, 0, sizeof(*site));
	if (!b || f > size || size - f < 4 || f < 2) {
		arch_error(err, errlen, "the field is not inside the section's bytes");
		return OBJLOAD_ERR_FORMAT;
	}
	if (kind == OBJLOAD_X86_64_GOTTPOFF32) {
		/* REX.W 8b/03, ModRM mod 00 r/m 101 (RIP-relative) */
		if (f >= 3 && x86_64_is_rex_w(b[f - 3]) && (b[f - 2] == 0x8b || b[f - 2] == 0x03) &&
		    (b[f - 1] & 0xc7) == 0x05) {
			site->form = b[f - 2] == 0x8b ? X86_64_SITE_LOAD : X86_64_SITE_ADD;
			site->reg = ((b[f - 1] >> 3) & 7) | (b[f - 3] & 4u) << 1;
			site->start = f - 3;
			site->end = f + 4;
		} else {
			x86_64_hex(b, size, f >= 3 ? f - 3 : 0, f, hex, sizeof(hex));
			arch_error(err, errlen, "initial-exec access %s is not the psABI's movq or addq "
				   "of the GOT slot", hex);
			return OBJLOAD_ERR_UNSUPPORTED;
		}
	} else if (f >= 3 && x86_64_is_rex_w(b[f - 3]) && (b[f - 2] == 0xc7 || b[f - 2] == 0x81) &&
		   (b[f - 1] & 0xf8) == 0xc0) {
		/* mov/add $x@tpoff, %reg (ModRM mod 11, /0) */
		site->form = b[f - 2] == 0xc7 ? X86_64_SITE_LOAD : X86_64_SITE_ADD;
		site->reg = (b[f - 1] & 7u) | (b[f - 3] & 1u) << 3;
		site->start = f - 3;
		site->end = f + 4;
	} else if (x86_64_is_rex_w(b[f - 2]) && b[f - 1] == 0x05) {
		site->form = X86_64_SITE_ADD;    /* add $x@tpoff, %rax */
		site->reg = 0;
		site->start = f - 2;
		site->end = f + 4;
	} else if ((b[f - 2] & 0xc7) == 0x04 && (b[f - 1] & 7) == 5) {
		objload_status st = x86_64_read_fs_operand(b, size, f - 2, site, err, errlen);

		if (st)
			return st;
	} else if (f >= 3 && x86_64_is_rex_w(b[f - 3]) && b[f - 2] == 0x8d &&
		   (b[f - 1] & 0xc0) == 0x80 && (b[f - 1] & 7) != 4) {
		objload_status st = x86_64_read_lea(b, f, f - 3, site, err, errlen);

		if (st)
			return st;
	} else if (f >= 4 && x86_64_is_rex_w(b[f - 4]) && b[f - 3] == 0x8d &&
		   (b[f - 2] & 0xc7) == 0x84) {
		objload_status st = x86_64_read_lea(b, f, f - 4, site, err, errlen);

		if (st)
			return st;
	} else {
		x86_64_hex(b, size, f >= 6 ? f - 6 : 0, f, hex, sizeof(hex));
		arch_error(err, errlen, "local-exec access after %s: not an instruction objload can "
			   "redirect (a %%fs:-relative operand, mov or add of an immediate, or "
			   "lea with REX.W; code built with -mno-tls-direct-seg-refs is not)", hex);
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	if ((site->form != X86_64_SITE_MEM) && site->reg == X86_64_RSP) {
		arch_error(err, errlen, "the access writes %%rsp");
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	return OBJLOAD_OK;
}

/* ---- the trampoline ----------------------------------------------------- */

struct x86_64_out {
	uint8_t *p, *start, *end;
};

static void x86_64_put(struct x86_64_out *o, const uint8_t *b, size_t n)
{
	if ((size_t)(o->end - o->p) < n) {
		o->p = o->end + 1;
		return;
	}
	memcpy(o->p, b, n);
	o->p += n;
}

#define X86_64_PUT(o, ...) \
	x86_64_put(o, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

objload_status x86_64_tls_rewrite(unsigned kind, const uint8_t *bytes, uint64_t size,
				  uint64_t offset, int64_t addend, uint8_t *tramp,
				  arch_tls_site *out, char *err, size_t errlen)
{
	struct x86_64_site site;
	struct x86_64_out o = { tramp, tramp, tramp + X86_64_TLS_TRAMP_SIZE };
	objload_status st;
	unsigned lea_at, desc;

	if (kind != OBJLOAD_X86_64_GOTTPOFF32 && kind != OBJLOAD_X86_64_TPOFF32) {
		arch_error(err, errlen, "%s is not an access objload rewrites",
			   kind < OBJLOAD_X86_64_KIND_COUNT ? "this kind" : "an unknown kind");
		return OBJLOAD_ERR_ARGUMENT;
	}
	st = x86_64_read_site(kind, bytes, size, offset, &site, err, errlen);
	if (st)
		return st;
	memset(tramp, 0xcc, X86_64_TLS_TRAMP_SIZE);
	X86_64_PUT(&o, 0x48, 0x8d, 0x64, 0x24, 0x80);        /* lea -128(%rsp), %rsp */
	X86_64_PUT(&o, 0x50, 0x9c, 0x50);                    /* push rax; pushfq; push rax */
	lea_at = (unsigned)(o.p - o.start);
	X86_64_PUT(&o, 0x48, 0x8d, 0x05, 0, 0, 0, 0);        /* lea desc(%rip), %rax */
	X86_64_PUT(&o, 0xff, 0x10);                          /* call *(%rax) */
	X86_64_PUT(&o, 0x48, 0x89, 0x44, 0x24, 0x10);        /* mov %rax, 16(%rsp) */
	X86_64_PUT(&o, 0x58, 0x9d);                          /* pop %rax; popfq */
	if (site.form == X86_64_SITE_MEM) {
		X86_64_PUT(&o, 0x48, 0x87, (uint8_t)(site.scratch << 3 | 4), 0x24); /* xchg */
		x86_64_put(&o, site.insn, site.insn_len);
		X86_64_PUT(&o, (uint8_t)(0x58 + site.scratch));                    /* pop %R */
		X86_64_PUT(&o, 0x48, 0x8d, 0xa4, 0x24, 0x80, 0x00, 0x00, 0x00);    /* +128 */
	} else {
		/* mov/add (%rsp), %reg */
		X86_64_PUT(&o, (uint8_t)(0x48 | (site.reg & 8u) >> 1),
			   site.form == X86_64_SITE_LOAD ? 0x8b : 0x03,
			   (uint8_t)((site.reg & 7) << 3 | 4), 0x24);
		X86_64_PUT(&o, 0x48, 0x8d, 0xa4, 0x24, 0x88, 0x00, 0x00, 0x00);    /* +136 */
	}
	X86_64_PUT(&o, 0xe9, 0, 0, 0, 0);                    /* jmp back */
	out->back = (unsigned)(o.p - o.start) - 4;
	desc = ((unsigned)(o.p - o.start) + 7) & ~7u;
	o.p = o.start + desc;
	X86_64_PUT(&o, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	if (o.p > o.end) {
		arch_error(err, errlen, "the trampoline does not fit in %u bytes",
			   X86_64_TLS_TRAMP_SIZE);
		return OBJLOAD_ERR_ARGUMENT;
	}
	arch_put_le(tramp + lea_at + 3, (uint64_t)desc - (lea_at + 7), 4);
	out->start = site.start;
	out->end = site.end;
	out->jump_field = site.start + 1;
	out->jump_kind = OBJLOAD_X86_64_TLSJUMP32;
	out->jump_addend = -4;
	out->size = (unsigned)(o.p - o.start);
	out->desc = desc;
	out->back_kind = OBJLOAD_X86_64_PC32;
	out->back_addend = -4;
	/* a GOT slot's displacement is relative to the instruction: the
	 * variable itself has no addend; an immediate or displacement does */
	out->var_addend = kind == OBJLOAD_X86_64_GOTTPOFF32 ? 0 : addend;
	return OBJLOAD_OK;
}

/* ---- small templates ------------------------------------------------------ */

/* A descriptor resolver for the static layout of an image linked for an
 * address: the descriptor's second word is the TP offset (glibc's
 * _dl_tlsdesc_return).  mov 8(%rax), %rax; ret */
void x86_64_tls_static_desc(uint8_t *work, arch_code *out)
{
	static const uint8_t code[] = { 0x48, 0x8b, 0x40, 0x08, 0xc3 };

	memset(work, 0xcc, X86_64_TLS_STATIC_DESC_SIZE);
	memcpy(work, code, sizeof(code));
	out->size = X86_64_TLS_STATIC_DESC_SIZE;
	out->nslots = 0;
}

/*
 * Mach-O's _tlv_bootstrap: `movq _x@TLVP(%rip), %rdi; call *(%rdi)` calls
 * it with the variable's descriptor {thunk, key, offset} in %rdi; it
 * returns the address in %rax and keeps every register but %rax, %rdi
 * and the flags (clang's Darwin TLS call convention).  It builds objload's
 * descriptor {resolver, module, offset} on the stack and calls the
 * resolver with it:
 *
 *	endbr64
 *	push 16(%rdi)
 *	movabs $module, %rax; push %rax
 *	movabs $resolver, %rax; push %rax
 *	mov %rsp, %rax; call *(%rax)         rax = address - %fs:0
 *	add $24, %rsp; add %fs:0, %rax; ret
 */
void x86_64_tlv_thunk(uint8_t *work, arch_code *out)
{
	struct x86_64_out o = { work, work, work + X86_64_TLV_THUNK_SIZE };

	memset(work, 0xcc, X86_64_TLV_THUNK_SIZE);
	X86_64_PUT(&o, 0xf3, 0x0f, 0x1e, 0xfa, 0xff, 0x77, 0x10, 0x48, 0xb8);
	out->slot[1] = (unsigned)(o.p - o.start);
	X86_64_PUT(&o, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x48, 0xb8);
	out->slot[0] = (unsigned)(o.p - o.start);
	X86_64_PUT(&o, 0, 0, 0, 0, 0, 0, 0, 0, 0x50);
	X86_64_PUT(&o, 0x48, 0x89, 0xe0, 0xff, 0x10, 0x48, 0x83, 0xc4, 0x18);
	X86_64_PUT(&o, 0x64, 0x48, 0x03, 0x04, 0x25, 0, 0, 0, 0, 0xc3);
	out->size = X86_64_TLV_THUNK_SIZE;
	out->nslots = 2;
}

/*
 * An IFUNC's canonical address: a jump through its slot, which may be
 * anywhere (the slot is writable data, the stub code beside its callers):
 *
 *	49 bb <8 bytes>		movabs $slot, %r11
 *	41 ff 23		jmp *(%r11)
 *
 * %r11 is free at a call (System V: neither argument nor callee-saved;
 * PLT entries clobber it too).
 */
void x86_64_plt(uint8_t *work, arch_plt *out)
{
	static const uint8_t code[] = { 0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0x23 };

	memset(work, 0xcc, X86_64_PLT_SIZE);
	memcpy(work, code, sizeof(code));
	out->size = X86_64_PLT_SIZE;
	out->nfields = 1;
	out->field[0].offset = 2;
	out->field[0].kind = OBJLOAD_X86_64_ABS64;
	out->field[0].addend = 0;
}

/* ---- the resolvers -------------------------------------------------------- */

#if defined(__x86_64__) && defined(__ELF__)
#include <cpuid.h>

/* The XSAVE area for the state components the OS enabled (CPUID leaf 0Dh,
 * EBX), or 0 without XSAVE: the resolver then uses FXSAVE. */
uint64_t x86_64_tls_save_size(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) ||
	    !__get_cpuid_count(0xd, 0, &a, &b, &c, &d) || b < 576)
		return 0;
	return b;
}
/*
 * x86_64_tls_desc_entry: %rax = descriptor {resolver, module, offset};
 * returns %rax = address - %fs:0, every other register kept (flags not).
 *
 * Fast path: the thread has its block.  core_tls_desc_fast (a lookup of
 * the session's pthread key) is plain baseline C: it may use the integer
 * registers a callee may clobber and SSE registers, never VEX or EVEX
 * instructions, so saving those integer registers and xmm0-15 keeps
 * everything (legacy SSE leaves the upper halves of ymm/zmm alone).
 *
 * Slow path (the thread's first access: its block is allocated and
 * copied, and glibc's memcpy/memset use AVX): the whole extended state
 * is saved with XSAVE, module->save_size (offset 0) being the area the
 * CPU needs, or 0 without XSAVE (then FXSAVE's 512 bytes).  The XSAVE
 * header must be zero before XSAVE writes it, or XRSTOR may fault on
 * stale bytes.
 */
__asm__(
	".text\n"
	".p2align 4\n"
	".globl x86_64_tls_desc_entry\n"
	".hidden x86_64_tls_desc_entry\n"
	".type x86_64_tls_desc_entry, @function\n"
	"x86_64_tls_desc_entry:\n"
	"	endbr64\n"
	"	pushq %rbp\n"
	"	movq %rsp, %rbp\n"
	"	pushq %rdi\n"
	"	pushq %rsi\n"
	"	pushq %rdx\n"
	"	pushq %rcx\n"
	"	pushq %r8\n"
	"	pushq %r9\n"
	"	pushq %r10\n"
	"	pushq %r11\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	movq %rax, %rbx\n"
	"	subq $256, %rsp\n"
	"	andq $-16, %rsp\n"
	"	movdqa %xmm0, 0(%rsp)\n"
	"	movdqa %xmm1, 16(%rsp)\n"
	"	movdqa %xmm2, 32(%rsp)\n"
	"	movdqa %xmm3, 48(%rsp)\n"
	"	movdqa %xmm4, 64(%rsp)\n"
	"	movdqa %xmm5, 80(%rsp)\n"
	"	movdqa %xmm6, 96(%rsp)\n"
	"	movdqa %xmm7, 112(%rsp)\n"
	"	movdqa %xmm8, 128(%rsp)\n"
	"	movdqa %xmm9, 144(%rsp)\n"
	"	movdqa %xmm10, 160(%rsp)\n"
	"	movdqa %xmm11, 176(%rsp)\n"
	"	movdqa %xmm12, 192(%rsp)\n"
	"	movdqa %xmm13, 208(%rsp)\n"
	"	movdqa %xmm14, 224(%rsp)\n"
	"	movdqa %xmm15, 240(%rsp)\n"
	"	movq %rbx, %rdi\n"
	"	call core_tls_desc_fast\n"
	"	movdqa 0(%rsp), %xmm0\n"
	"	movdqa 16(%rsp), %xmm1\n"
	"	movdqa 32(%rsp), %xmm2\n"
	"	movdqa 48(%rsp), %xmm3\n"
	"	movdqa 64(%rsp), %xmm4\n"
	"	movdqa 80(%rsp), %xmm5\n"
	"	movdqa 96(%rsp), %xmm6\n"
	"	movdqa 112(%rsp), %xmm7\n"
	"	movdqa 128(%rsp), %xmm8\n"
	"	movdqa 144(%rsp), %xmm9\n"
	"	movdqa 160(%rsp), %xmm10\n"
	"	movdqa 176(%rsp), %xmm11\n"
	"	movdqa 192(%rsp), %xmm12\n"
	"	movdqa 208(%rsp), %xmm13\n"
	"	movdqa 224(%rsp), %xmm14\n"
	"	movdqa 240(%rsp), %xmm15\n"
	"	testq %rax, %rax\n"
	"	jnz 4f\n"
	"	movq 8(%rbx), %r12\n"
	"	movq (%r12), %r12\n"
	"	testq %r12, %r12\n"
	"	jz 1f\n"
	"	subq %r12, %rsp\n"
	"	andq $-64, %rsp\n"
	"	xorl %eax, %eax\n"
	"	movq %rax, 512(%rsp)\n"
	"	movq %rax, 520(%rsp)\n"
	"	movq %rax, 528(%rsp)\n"
	"	movq %rax, 536(%rsp)\n"
	"	movq %rax, 544(%rsp)\n"
	"	movq %rax, 552(%rsp)\n"
	"	movq %rax, 560(%rsp)\n"
	"	movq %rax, 568(%rsp)\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xsave64 (%rsp)\n"
	"	jmp 2f\n"
	"1:	subq $512, %rsp\n"
	"	andq $-64, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"2:	movq %rbx, %rdi\n"
	"	call core_tls_desc_address\n"
	"	movq %rax, %rbx\n"
	"	testq %r12, %r12\n"
	"	jz 3f\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xrstor64 (%rsp)\n"
	"	movq %rbx, %rax\n"
	"	jmp 4f\n"
	"3:	fxrstor64 (%rsp)\n"
	"	movq %rbx, %rax\n"
	"4:	subq %fs:0, %rax\n"
	"	leaq -80(%rbp), %rsp\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %r11\n"
	"	popq %r10\n"
	"	popq %r9\n"
	"	popq %r8\n"
	"	popq %rcx\n"
	"	popq %rdx\n"
	"	popq %rsi\n"
	"	popq %rdi\n"
	"	popq %rbp\n"
	"	ret\n"
	".size x86_64_tls_desc_entry, .-x86_64_tls_desc_entry\n"

	/* __tls_get_addr(pair): realign the stack, then C */
	".p2align 4\n"
	".globl x86_64_tls_get_addr_entry\n"
	".hidden x86_64_tls_get_addr_entry\n"
	".type x86_64_tls_get_addr_entry, @function\n"
	"x86_64_tls_get_addr_entry:\n"
	"	endbr64\n"
	"	pushq %rbp\n"
	"	movq %rsp, %rbp\n"
	"	andq $-16, %rsp\n"
	"	call core_tls_index_address\n"
	"	leave\n"
	"	ret\n"
	".size x86_64_tls_get_addr_entry, .-x86_64_tls_get_addr_entry\n"
	".text\n");
#endif
