/* SPDX-License-Identifier: MIT */
/*
 * The interface of a CPU's relocation applier.
 *
 * An arch knows instruction encodings and nothing about containers.  The
 * core hands it, per edge, the values of the formula's letters computed
 * with *target* addresses, and a pointer to the *working* copy of the
 * field; the arch computes the kind's formula, checks that the result
 * fits, and writes it.  The stub, GOT-entry and bind-thunk writers let the
 * core synthesize code without knowing the instruction set.
 */
#ifndef OBJLOAD_ARCH_H
#define OBJLOAD_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "objload/plugin.h"

typedef enum arch_check {
	ARCH_CHECK_ANY,
	ARCH_CHECK_SIGNED,
	ARCH_CHECK_UNSIGNED,
} arch_check;

typedef struct arch_kind {
	const char *name;
	uint8_t width;       /* bytes written */
	arch_check check;
	/* The value must fit in this many bits under `check` (64: any).
	 * Equal to 8 * width for data fields; for an instruction field it
	 * counts the scaled value (an AArch64 ADRP reaches 33 bits). */
	uint8_t range_bits;
	uint32_t flags;      /* OBJLOAD_KF_* */
	const char *formula;
} arch_kind;

/* The letters of a kind's formula, all target addresses. */
typedef struct arch_fixup {
	uint64_t S;    /* symbol (or the stub standing in for it) */
	int64_t A;     /* addend */
	uint64_t P;    /* the field */
	uint64_t GOT;  /* GOT base serving this field */
	uint64_t G;    /* GOT slot holding S */
	uint64_t B;    /* image or section base */
	uint64_t SUB;  /* subtrahend */
	uint64_t Z;    /* the symbol's size */
	/* thread-local kinds (docs/tls.md) */
	uint64_t T;    /* S's offset in its module's thread-local block */
	uint64_t TP;   /* S's offset from the thread pointer, static layout */
	uint64_t M;    /* the module's identity */
} arch_fixup;

/* Code the core synthesizes, as the arch wrote it: position-independent
 * bytes, and where the 64-bit absolute addresses it needs go.  The core
 * fills each slot with an edge of the arch's pointer kind, so synthesized
 * code is relocated like any other block. */
typedef struct arch_code {
	unsigned size;
	unsigned nslots;
	unsigned slot[2];   /* offsets of the addresses, see each writer */
} arch_code;

/* A stub that jumps through a pointer slot placed anywhere (an IFUNC's
 * canonical address, whose slot is filled once its resolver ran): the
 * fields that hold the slot's address, each with its kind and addend. */
typedef struct arch_plt {
	unsigned size;
	unsigned nfields;
	struct {
		unsigned offset, kind;
		int64_t addend;
	} field[2];
} arch_plt;

/*
 * A thread-local access that assumes a fixed distance from the thread
 * pointer (initial-exec, local-exec), rewritten for a process where
 * objload allocates each thread's block itself: the instruction at
 * [start, end) of its section becomes a jump (kind `jump_kind`, its field
 * at `jump_field`) to a trampoline the arch wrote, which asks the
 * descriptor resolver for the variable, does what the instruction did,
 * and jumps back to `end` (field `back` of kind `back_kind`, addend
 * `back_addend`, aimed at `end`).  The trampoline holds a descriptor
 * {resolver, module, offset} at `desc`; its offset is T + `var_addend`.
 */
typedef struct arch_tls_site {
	uint64_t start, end;
	uint64_t jump_field;
	unsigned jump_kind;
	int64_t jump_addend;
	unsigned size;
	unsigned desc;
	unsigned back, back_kind;
	int64_t back_addend;
	int64_t var_addend;
} arch_tls_site;

typedef struct arch_ops {
	const char *name;
	objload_arch_id id;
	unsigned pointer_size;
	int little_endian;
	const arch_kind *kinds;
	unsigned nkinds;

	/* The kind of a pointer-sized absolute address (S + A): what GOT
	 * entries, import slots and the slots of synthesized code hold. */
	unsigned pointer_kind;

	/* Write kind `kind` at `field` (working address).  On a value that
	 * does not fit, or a misaligned one, write nothing, put the reason in
	 * err and return OBJLOAD_ERR_RANGE. */
	objload_status (*apply)(unsigned kind, uint8_t *field,
				const arch_fixup *fx, char *err, size_t errlen);
	/* Does a branch kind at P reach S + A without a stub? */
	int (*branch_reaches)(unsigned kind, uint64_t P, uint64_t S, int64_t A);
	/* Would any PC-relative kind at P reach S + A (its value fit)? */
	int (*reaches)(unsigned kind, uint64_t P, uint64_t S, int64_t A);
	/* The addend a field holds when the format's relocations carry none
	 * (REL-style implicit addends: Mach-O, COFF): what the field
	 * contributes to the formula, in bytes, for kind `kind`.  `field`
	 * has the kind's width.  OBJLOAD_ERR_FORMAT when the field cannot
	 * hold that kind (an LD/ST kind on another instruction),
	 * OBJLOAD_ERR_UNSUPPORTED when the kind has no implicit form. */
	objload_status (*read_addend)(unsigned kind, const uint8_t *field,
				      int64_t *addend);

	/* A stub: stub_size bytes that transfer control to the address in
	 * slot 0, from anywhere. */
	unsigned stub_size;
	unsigned stub_align;
	/* The addend a branch kind has when it targets exactly its symbol
	 * (x86-64 PLT32: -4, the field is 4 bytes before the next
	 * instruction; AArch64 CALL26: 0).  A stub jumps to S + A - bias and
	 * the branch to it is written with A = bias. */
	int64_t branch_addend_bias;
	void (*stub)(uint8_t *work, arch_code *out);
	/* A helper that calls fn(a0, ..., a[nargs-1], bound) given
	 * a0..a[nargs-1]; slot 0 is fn, slot 1 is bound; nargs below the
	 * arch's count of integer argument registers. */
	unsigned bind_thunk_size;
	objload_status (*bind_thunk)(uint8_t *work, unsigned nargs, arch_code *out);
	/* Optional: a thunk of cc_thunk_size bytes that, called with
	 * convention `from`, calls the address in slot 0 with convention
	 * `to` and returns its result.  Generic: integer and pointer
	 * arguments only (the arch's comment says how many).
	 * OBJLOAD_ERR_UNSUPPORTED when the pair is not one it can bridge. */
	unsigned cc_thunk_size;
	objload_status (*cc_thunk)(uint8_t *work, objload_callconv from,
				   objload_callconv to, arch_code *out);

	/* Optional: relaxation.  An edge of kind `kind` lies at `offset` in
	 * a section whose original bytes are bytes[0, size).  When the
	 * instruction around the field can reach the target directly instead
	 * of through a GOT entry, return the kind that does so (applying it
	 * rewrites the instruction as well as the field); else 0.  For a
	 * sequence relaxed as a pair (AArch64 ADRP + LDR), `next` and
	 * `next_offset` are the following edge of the section (kind 0 when
	 * none), and *next_kind receives its new kind; the pair is relaxed
	 * only when both are. */
	unsigned (*relax)(unsigned kind, const uint8_t *bytes, uint64_t size,
			  uint64_t offset, unsigned next, uint64_t next_offset,
			  unsigned *next_kind);
	/* Make freshly written code visible to instruction fetch. */
	void (*flush_icache)(void *start, size_t len);

	/* Optional: IFUNCs.  A stub of plt_size bytes jumping through a
	 * pointer slot. */
	unsigned plt_size;
	void (*plt)(uint8_t *work, arch_plt *out);

	/* Thread-local storage (docs/tls.md).  The 64-bit kinds that hold
	 * T + A and TP + A (pairs, descriptors, slots). */
	unsigned tls_offset_kind, tls_tpoff_kind;
	/* The static layout of an image linked for an address: the
	 * template's offset from the thread pointer is -roundup(size, align)
	 * when tls_below_tp (x86-64), else roundup(tls_tcb_size, align). */
	int tls_below_tp;
	unsigned tls_tcb_size;
	/* A descriptor resolver for the static layout: returns the
	 * descriptor's second word (the TP offset). */
	unsigned tls_static_desc_size;
	void (*tls_static_desc)(uint8_t *work, arch_code *out);
	/* In a running process: the host routines (NULL when this build
	 * does not run this arch's code).  tls_desc_resolver follows the
	 * arch's TLS descriptor convention for a descriptor {resolver,
	 * module, offset} and returns the address minus the thread pointer;
	 * tls_get_addr is __tls_get_addr for a pair {module, offset}. */
	const void *tls_desc_resolver;
	const void *tls_get_addr;
	/* Bytes of register state tls_desc_resolver saves around the C
	 * code (the arch's meaning: 0 is its smallest form); a module
	 * holds it at offset 0 for the resolver. */
	uint64_t (*tls_save_size)(void);
	/* Rewrite the access of thread-local edge `kind` at `offset` of a
	 * section whose original bytes are bytes[0, size) (see
	 * arch_tls_site); the trampoline goes to `tramp`, which holds
	 * tls_tramp_size bytes.  OBJLOAD_ERR_UNSUPPORTED with the reason in
	 * err when the instruction is not one the arch can redirect. */
	unsigned tls_tramp_size;
	objload_status (*tls_rewrite)(unsigned kind, const uint8_t *bytes, uint64_t size,
				      uint64_t offset, int64_t addend, uint8_t *tramp,
				      arch_tls_site *out, char *err, size_t errlen);
	/* Mach-O's _tlv_bootstrap: called with a thread-local variable's
	 * descriptor {thunk, key, offset}, returns the variable's address for
	 * the calling thread; slot 0 is the descriptor resolver, slot 1 the
	 * module. */
	unsigned tlv_thunk_size;
	void (*tlv_thunk)(uint8_t *work, arch_code *out);
} arch_ops;

const arch_ops *arch_lookup(objload_arch_id id);

/* Helpers every applier shares (arch/arch.c). */
/* Does v, the value of kind k, fit in k->range_bits under k->check?  A
 * SIGNED field of n bits holds [-2^(n-1), 2^(n-1)): exactly the v for
 * which v + 2^(n-1) wraps into [0, 2^n). */
int arch_fits(const arch_kind *k, uint64_t v);
/* Write the low `width` bytes of v little-endian (the field may be
 * unaligned). */
void arch_put_le(uint8_t *field, uint64_t v, unsigned width);
/* Fill the slots of code the arch wrote (a stub, a helper, a thunk) with
 * the absolute addresses values[0..code->nslots), as the core's pointer
 * edges do in a link: for code made outside one (run-time callbacks). */
objload_status arch_fill_slots(const arch_ops *a, uint8_t *work, const arch_code *code,
			       const uint64_t *values);
/* Format a message into err[0..errlen) (nothing when err is NULL). */
void arch_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

extern const arch_ops arch_x86_64;
extern const arch_ops arch_aarch64;

#endif
