# SPDX-License-Identifier: MIT
# Test input for the ELF plug-in: relocation types compilers rarely emit,
# a COMDAT section group and a plain (non-COMDAT) group.  Assembled at test
# time by gcc (GNU as) and clang (integrated assembler).

	.text
	.globl	asm_entry
	.type	asm_entry, @function
asm_entry:
	leaq	_GLOBAL_OFFSET_TABLE_(%rip), %rax
	movq	asm_data@GOTPCREL(%rip), %rax
	call	inline_helper@PLT
	call	plain_member
	movabsq	$asm_counter@GOTOFF, %rax
	ret
	.size	asm_entry, .-asm_entry

# A COMDAT group, as C++ emits for an inline function.
	.section	.text.inline_helper,"axG",@progbits,inline_helper,comdat
	.weak	inline_helper
	.type	inline_helper, @function
inline_helper:
	movl	asm_counter(%rip), %eax
	ret
	.size	inline_helper, .-inline_helper

# A group without GRP_COMDAT: its member loads like any section.
	.section	.text.plain_member,"axG",@progbits,plain_group
	.globl	plain_member
plain_member:
	ret

	.data
	.globl	asm_data
asm_data:
	.quad	asm_entry
	.long	asm_entry
	.long	asm_entry - .
	.quad	asm_entry - .
	.word	asm_entry
	.byte	asm_entry
	.word	asm_entry - .
	.byte	asm_entry - .
	.reloc	., R_X86_64_PC32, _GLOBAL_OFFSET_TABLE_-4
	.long	0
	.reloc	., R_X86_64_NONE, asm_entry
	.quad	asm_entry@GOTOFF
	.quad	asm_entry@GOT
	.quad	asm_entry@PLTOFF
	.long	asm_entry@GOT
	.quad	-12345
	.quad	_GLOBAL_OFFSET_TABLE_ - .
	.reloc	., R_X86_64_64, 16
	.quad	0
	.reloc	., R_X86_64_32S, -16
	.long	0
asm_counter:
	.long	1

	.section	.note.GNU-stack,"",@progbits
