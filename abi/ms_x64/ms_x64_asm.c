/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft x64 runtime routines that cannot be written in C: the
 * stack probe a compiler calls before a frame larger than a page, and
 * setjmp/longjmp with the Microsoft x64 register file.
 *
 * ms_x64_chkstk (__chkstk, ___chkstk_ms): %rax holds the frame size;
 * touch each page from the caller's stack pointer down to rsp - rax so
 * that guard pages are met in order, and preserve every register but the
 * flags (MinGW's ___chkstk_ms contract; MSVC's __chkstk allows r10/r11
 * to change, a subset of this).  %rsp is not moved: the caller subtracts.
 *
 * ms_x64_setjmp(buf, frame): saves the Microsoft x64 callee-saved state
 * (rbx, rbp, rdi, rsi, r12-r15, the caller's rsp and return address,
 * xmm6-xmm15) in the first 240 bytes of the 256-byte jmp_buf; `frame` (the
 * frame MSVC's unwinder would use) is ignored: objload's longjmp does no
 * SEH unwinding, like a C longjmp.  ms_x64_longjmp(buf, val) restores
 * that state and returns val (1 when val is 0) from the setjmp.
 */
#include "abi/ms_x64/ms_x64.h"

__asm__(
	".text\n"
	".p2align 4\n"
	".globl ms_x64_chkstk\n"
	".hidden ms_x64_chkstk\n"
	".type ms_x64_chkstk, @function\n"
	"ms_x64_chkstk:\n"
	"	pushq %rcx\n"
	"	pushq %rax\n"
	"	cmpq $0x1000, %rax\n"
	"	leaq 24(%rsp), %rcx\n"
	"	jb 2f\n"
	"1:	subq $0x1000, %rcx\n"
	"	orq $0, (%rcx)\n"
	"	subq $0x1000, %rax\n"
	"	cmpq $0x1000, %rax\n"
	"	ja 1b\n"
	"2:	subq %rax, %rcx\n"
	"	orq $0, (%rcx)\n"
	"	popq %rax\n"
	"	popq %rcx\n"
	"	ret\n"
	".size ms_x64_chkstk, .-ms_x64_chkstk\n"

	".p2align 4\n"
	".globl ms_x64_setjmp\n"
	".hidden ms_x64_setjmp\n"
	".type ms_x64_setjmp, @function\n"
	"ms_x64_setjmp:\n"
	"	movq %rbx, 0(%rcx)\n"
	"	movq %rbp, 8(%rcx)\n"
	"	movq %rdi, 16(%rcx)\n"
	"	movq %rsi, 24(%rcx)\n"
	"	movq %r12, 32(%rcx)\n"
	"	movq %r13, 40(%rcx)\n"
	"	movq %r14, 48(%rcx)\n"
	"	movq %r15, 56(%rcx)\n"
	"	leaq 8(%rsp), %rax\n"
	"	movq %rax, 64(%rcx)\n"
	"	movq (%rsp), %rax\n"
	"	movq %rax, 72(%rcx)\n"
	"	movdqu %xmm6, 80(%rcx)\n"
	"	movdqu %xmm7, 96(%rcx)\n"
	"	movdqu %xmm8, 112(%rcx)\n"
	"	movdqu %xmm9, 128(%rcx)\n"
	"	movdqu %xmm10, 144(%rcx)\n"
	"	movdqu %xmm11, 160(%rcx)\n"
	"	movdqu %xmm12, 176(%rcx)\n"
	"	movdqu %xmm13, 192(%rcx)\n"
	"	movdqu %xmm14, 208(%rcx)\n"
	"	movdqu %xmm15, 224(%rcx)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	".size ms_x64_setjmp, .-ms_x64_setjmp\n"

	".p2align 4\n"
	".globl ms_x64_longjmp\n"
	".hidden ms_x64_longjmp\n"
	".type ms_x64_longjmp, @function\n"
	"ms_x64_longjmp:\n"
	"	movl %edx, %eax\n"
	"	testl %eax, %eax\n"
	"	jnz 1f\n"
	"	movl $1, %eax\n"
	"1:	movq 0(%rcx), %rbx\n"
	"	movq 8(%rcx), %rbp\n"
	"	movq 16(%rcx), %rdi\n"
	"	movq 24(%rcx), %rsi\n"
	"	movq 32(%rcx), %r12\n"
	"	movq 40(%rcx), %r13\n"
	"	movq 48(%rcx), %r14\n"
	"	movq 56(%rcx), %r15\n"
	"	movdqu 80(%rcx), %xmm6\n"
	"	movdqu 96(%rcx), %xmm7\n"
	"	movdqu 112(%rcx), %xmm8\n"
	"	movdqu 128(%rcx), %xmm9\n"
	"	movdqu 144(%rcx), %xmm10\n"
	"	movdqu 160(%rcx), %xmm11\n"
	"	movdqu 176(%rcx), %xmm12\n"
	"	movdqu 192(%rcx), %xmm13\n"
	"	movdqu 208(%rcx), %xmm14\n"
	"	movdqu 224(%rcx), %xmm15\n"
	"	movq 64(%rcx), %rsp\n"
	"	jmpq *72(%rcx)\n"
	".size ms_x64_longjmp, .-ms_x64_longjmp\n"
	".previous\n");
