/* SPDX-License-Identifier: MIT */
/*
 * Initial-exec and local-exec accesses in the instruction forms objload
 * rewrites into trampolines (arch/x86_64/tls.c), written out so that
 * each form is certainly there: %fs: operands with prefixes (lock, 66),
 * an index, an immediate after the displacement, SSE and VEX, implicit
 * registers (cmpxchg, shifts by %cl), REX-extended registers, flags and
 * the red zone live across an access, a vector argument across the first
 * access of a thread.  formsmain.c calls them from several threads.
 */
	.section .tdata,"awT",@progbits
	.p2align 4
	.globl tv_int
	.type tv_int, @object
	.size tv_int, 4
tv_int:	.long 10
	.type tv_words, @object
	.size tv_words, 8
tv_words:
	.short 1, 2, 3, 4
	.p2align 3
	.type tv_double, @object
	.size tv_double, 8
tv_double:
	.double 1.5
	.section .tbss,"awT",@nobits
	.p2align 4
	.type tv_arr, @object
	.size tv_arr, 32
tv_arr:	.zero 32

	.text
/* int le_add(int x): lock addl x, then the value */
	.globl le_add
	.type le_add, @function
le_add:
	lock addl %edi, %fs:tv_int@tpoff
	movl %fs:tv_int@tpoff, %eax
	ret
	.size le_add, .-le_add

/* int le_word(void): tv_words[1] += 300 (66 prefix, 16-bit immediate) */
	.globl le_word
	.type le_word, @function
le_word:
	addw $300, %fs:tv_words@tpoff+2
	movzwl %fs:tv_words@tpoff+2, %eax
	ret
	.size le_word, .-le_word

/* int le_index(int i, int v): tv_arr[i] = v; return 3 * tv_arr[i] */
	.globl le_index
	.type le_index, @function
le_index:
	movslq %edi, %rdi
	movl %esi, %fs:tv_arr@tpoff(,%rdi,4)
	imull $3, %fs:tv_arr@tpoff(,%rdi,4), %eax
	ret
	.size le_index, .-le_index

/* double le_double(double d): tv_double += d (SSE) */
	.globl le_double
	.type le_double, @function
le_double:
	addsd %fs:tv_double@tpoff, %xmm0
	movsd %xmm0, %fs:tv_double@tpoff
	ret
	.size le_double, .-le_double

/* double le_vex(double d): the same with VEX encodings (needs AVX) */
	.globl le_vex
	.type le_vex, @function
le_vex:
	vaddsd %fs:tv_double@tpoff, %xmm0, %xmm0
	vmovsd %xmm0, %fs:tv_double@tpoff
	ret
	.size le_vex, .-le_vex

/* int le_cas(int old, int new): 1 when tv_int was old and is now new */
	.globl le_cas
	.type le_cas, @function
le_cas:
	movl %edi, %eax
	lock cmpxchgl %esi, %fs:tv_int@tpoff
	sete %al
	movzbl %al, %eax
	ret
	.size le_cas, .-le_cas

/* int le_shift(int n): tv_int <<= n (by %cl); tv_int */
	.globl le_shift
	.type le_shift, @function
le_shift:
	movl %edi, %ecx
	shll %cl, %fs:tv_int@tpoff
	movl %fs:tv_int@tpoff, %eax
	ret
	.size le_shift, .-le_shift

/* int le_flags(int x): the flags of a compare survive an access */
	.globl le_flags
	.type le_flags, @function
le_flags:
	xorl %eax, %eax
	cmpl $5, %edi
	movq tv_int@gottpoff(%rip), %rdx
	movl %fs:tv_int@tpoff, %ecx
	setg %al
	ret
	.size le_flags, .-le_flags

/* long le_redzone(long x): a leaf function's red zone survives */
	.globl le_redzone
	.type le_redzone, @function
le_redzone:
	movq %rdi, -8(%rsp)
	movq $77, -128(%rsp)
	movslq %fs:tv_int@tpoff, %rax
	addq -8(%rsp), %rax
	addq -128(%rsp), %rax
	ret
	.size le_redzone, .-le_redzone

/* long le_vector(double d): %xmm0 survives the thread's first access */
	.globl le_vector
	.type le_vector, @function
le_vector:
	movslq %fs:tv_int@tpoff, %rax
	cvttsd2si %xmm0, %rdx
	addq %rdx, %rax
	ret
	.size le_vector, .-le_vector

/* long ie_forms(void): IE loads into REX registers, IE add, LE mov and
 * add of immediates, lea off a base holding %fs:0; the sum of
 * tv_int + tv_words[0] seen through each, and it all must agree */
	.globl ie_forms
	.type ie_forms, @function
ie_forms:
	pushq %r12
	movq tv_int@gottpoff(%rip), %r9
	movslq %fs:(%r9), %rax
	movq %fs:0, %r10
	addq tv_int@gottpoff(%rip), %r10
	movslq (%r10), %r11
	addq %r11, %rax
	movq $tv_words@tpoff, %r12
	movzwq %fs:(%r12), %r11
	addq %r11, %rax
	movq %fs:0, %r11
	leaq tv_words@tpoff(%r11), %r11
	movzwq (%r11), %r11
	addq %r11, %rax
	movq %fs:0, %rdx
	movq %rdx, %rcx
	addq $tv_int@tpoff, %rcx
	movslq (%rcx), %r11
	addq %r11, %rax
	popq %r12
	ret
	.size ie_forms, .-ie_forms

	.section .note.GNU-stack,"",@progbits
