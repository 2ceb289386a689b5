# SPDX-License-Identifier: MIT
# Every x86-64 Mach-O relocation form objload maps, with known answers
# (tests/unit/test_macho.c, test_macho_addends).  Assembled with
# llvm-mc -triple=x86_64-apple-macos11 -filetype=obj.
#
# L_near and L_far are assembler temporaries at the start of their
# sections with no symbol before them, so references to them are
# section-relative (r_extern 0); _ext is undefined (r_extern 1).

	.section __TEXT,__text,regular,pure_instructions
	.globl _code
_code:
	leaq	_ext(%rip), %rax          # SIGNED extern           A = -4
	leaq	_ext+8(%rip), %rax        # SIGNED extern +8        A = 4
	movb	$12, _ext(%rip)           # SIGNED_1 extern         A = -5
	movw	$12, _ext(%rip)           # SIGNED_2 extern         A = -6
	movl	$12, _ext(%rip)           # SIGNED_4 extern         A = -8
	leaq	L_far+16(%rip), %rax      # SIGNED section          A = 16 - 4
	movb	$12, L_far+16(%rip)       # SIGNED_1 section        A = 16 - 5
	movl	$12, L_far+32(%rip)       # SIGNED_4 section        A = 32 - 8
	callq	_ext                      # BRANCH                  A = -4
	movq	_ext@GOTPCREL(%rip), %rax # GOT_LOAD                A = -4
	retq

	.section __DATA,__const
L_far:
	.space	64

	.section __DATA,__data
L_near:
	.quad	_ext                      # UNSIGNED 8 extern       A = 0
	.quad	_ext + 24                 # UNSIGNED 8 extern       A = 24
	.quad	L_far + 40                # UNSIGNED 8 section      A = 40
	.quad	_data_end - _code         # SUBTRACTOR 8, both extern   A = 0
	.long	_data_end - _code + 5     # SUBTRACTOR 4, both extern   A = 5
	.quad	L_far + 8 - L_near        # SUBTRACTOR 8, both sections A = 8
	.long	_ext@GOTPCREL             # GOT (data): G - (P + 4)  A = -4
	.globl	_data_end
_data_end:
	.quad	0

.subsections_via_symbols
