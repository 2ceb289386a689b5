/* SPDX-License-Identifier: MIT */
#ifndef SWITCH_VM_H
#define SWITCH_VM_H

#include <stdint.h>

/* Opcodes are dense on purpose: the interpreter's switch becomes a jump
 * table at -O2 (absolute entries without PIC, relative entries with PIC). */
enum opcode {
	OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_ROT,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_ABS,
	OP_AND, OP_OR, OP_XOR, OP_NOT, OP_SHL, OP_SHR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_JMP, OP_JZ, OP_JNZ, OP_LOAD, OP_STORE, OP_INC, OP_DEC,
	OP_PRINT, OP_EMIT, OP_CALL, OP_RET, OP_MIN, OP_MAX, OP_NOP,
	OP_COUNT
};

struct vm_result {
	int64_t top;
	long steps;
	int error;
};

struct vm_result vm_run(const int64_t *code, int len, long max_steps);
const char *opcode_name(int op);

#endif
