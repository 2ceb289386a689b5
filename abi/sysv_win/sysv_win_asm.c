/* SPDX-License-Identifier: MIT */
/*
 * setjmp and longjmp for System V x86-64 code on a Windows host, which
 * the Microsoft C runtime's cannot serve: they save and restore the
 * Microsoft register file and unwind with SEH.
 *
 * sysv_win_setjmp(buf) (rdi) saves the System V callee-saved registers
 * rbx, rbp, r12-r15, the caller's rsp and the return address in the first
 * 64 bytes of buf, the layout of glibc's __jmp_buf (without its pointer
 * mangling), so that any glibc jmp_buf (200 bytes) and the macOS SDK's
 * (148 bytes) hold it; the signal mask is neither saved nor restored.
 * sysv_win_longjmp(buf, val) (rdi, esi) restores them and returns val (1
 * when val is 0) from that setjmp.  PE/COFF directives: no .type/.size.
 */
#include "abi/sysv_win/sysv_win.h"

__asm__(
	".text\n"
	".p2align 4\n"
	".globl sysv_win_setjmp\n"
	"sysv_win_setjmp:\n"
	"	movq %rbx, 0(%rdi)\n"
	"	movq %rbp, 8(%rdi)\n"
	"	movq %r12, 16(%rdi)\n"
	"	movq %r13, 24(%rdi)\n"
	"	movq %r14, 32(%rdi)\n"
	"	movq %r15, 40(%rdi)\n"
	"	leaq 8(%rsp), %rax\n"
	"	movq %rax, 48(%rdi)\n"
	"	movq (%rsp), %rax\n"
	"	movq %rax, 56(%rdi)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"

	".p2align 4\n"
	".globl sysv_win_longjmp\n"
	"sysv_win_longjmp:\n"
	"	movl %esi, %eax\n"
	"	testl %eax, %eax\n"
	"	jnz 1f\n"
	"	movl $1, %eax\n"
	"1:	movq 0(%rdi), %rbx\n"
	"	movq 8(%rdi), %rbp\n"
	"	movq 16(%rdi), %r12\n"
	"	movq 24(%rdi), %r13\n"
	"	movq 32(%rdi), %r14\n"
	"	movq 40(%rdi), %r15\n"
	"	movq 48(%rdi), %rsp\n"
	"	jmpq *56(%rdi)\n");
