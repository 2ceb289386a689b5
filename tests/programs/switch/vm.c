/* SPDX-License-Identifier: MIT */
/* A stack machine whose dispatch is one dense switch. */
#include <stdio.h>

#include "vm.h"

#define STACK 64
#define VARS 16

struct vm_result vm_run(const int64_t *code, int len, long max_steps)
{
	int64_t stack[STACK], vars[VARS] = { 0 };
	int calls[STACK];
	int sp = 0, csp = 0, pc = 0;
	struct vm_result res = { 0, 0, 0 };

#define NEED(n) do { if (sp < (n)) { res.error = 1; goto out; } } while (0)
#define BIN(expr) do { NEED(2); int64_t b = stack[--sp], a = stack[--sp]; \
		stack[sp++] = (expr); } while (0)

	while (pc >= 0 && pc < len && res.steps < max_steps) {
		int64_t op = code[pc++];
		res.steps++;
		if (sp >= STACK - 2) {
			res.error = 2;
			goto out;
		}
		switch (op) {
		case OP_HALT: goto out;
		case OP_PUSH: stack[sp++] = code[pc++]; break;
		case OP_POP: NEED(1); sp--; break;
		case OP_DUP: NEED(1); stack[sp] = stack[sp - 1]; sp++; break;
		case OP_SWAP: {
			NEED(2);
			int64_t t = stack[sp - 1];
			stack[sp - 1] = stack[sp - 2];
			stack[sp - 2] = t;
			break;
		}
		case OP_OVER: NEED(2); stack[sp] = stack[sp - 2]; sp++; break;
		case OP_ROT: {
			NEED(3);
			int64_t t = stack[sp - 3];
			stack[sp - 3] = stack[sp - 2];
			stack[sp - 2] = stack[sp - 1];
			stack[sp - 1] = t;
			break;
		}
		case OP_ADD: BIN(a + b); break;
		case OP_SUB: BIN(a - b); break;
		case OP_MUL: BIN(a * b); break;
		case OP_DIV: BIN(b ? a / b : 0); break;
		case OP_MOD: BIN(b ? a % b : 0); break;
		case OP_NEG: NEED(1); stack[sp - 1] = -stack[sp - 1]; break;
		case OP_ABS: NEED(1); if (stack[sp - 1] < 0) stack[sp - 1] = -stack[sp - 1]; break;
		case OP_AND: BIN(a & b); break;
		case OP_OR: BIN(a | b); break;
		case OP_XOR: BIN(a ^ b); break;
		case OP_NOT: NEED(1); stack[sp - 1] = !stack[sp - 1]; break;
		case OP_SHL: BIN((int64_t)((uint64_t)a << (b & 63))); break;
		case OP_SHR: BIN(a >> (b & 63)); break;
		case OP_EQ: BIN(a == b); break;
		case OP_NE: BIN(a != b); break;
		case OP_LT: BIN(a < b); break;
		case OP_LE: BIN(a <= b); break;
		case OP_GT: BIN(a > b); break;
		case OP_GE: BIN(a >= b); break;
		case OP_JMP: pc = (int)code[pc]; break;
		case OP_JZ: NEED(1); pc = stack[--sp] ? pc + 1 : (int)code[pc]; break;
		case OP_JNZ: NEED(1); pc = stack[--sp] ? (int)code[pc] : pc + 1; break;
		case OP_LOAD: stack[sp++] = vars[code[pc++] & (VARS - 1)]; break;
		case OP_STORE: NEED(1); vars[code[pc++] & (VARS - 1)] = stack[--sp]; break;
		case OP_INC: vars[code[pc++] & (VARS - 1)]++; break;
		case OP_DEC: vars[code[pc++] & (VARS - 1)]--; break;
		case OP_PRINT: NEED(1); printf(" %lld", (long long)stack[--sp]); break;
		case OP_EMIT: NEED(1); putchar((int)stack[--sp]); break;
		case OP_CALL:
			if (csp >= STACK) {
				res.error = 3;
				goto out;
			}
			calls[csp++] = pc + 1;
			pc = (int)code[pc];
			break;
		case OP_RET:
			if (!csp) {
				res.error = 4;
				goto out;
			}
			pc = calls[--csp];
			break;
		case OP_MIN: BIN(a < b ? a : b); break;
		case OP_MAX: BIN(a > b ? a : b); break;
		case OP_NOP: break;
		default:
			res.error = 5;
			goto out;
		}
	}
out:
	res.top = sp ? stack[sp - 1] : 0;
	return res;
#undef BIN
#undef NEED
}

const char *opcode_name(int op)
{
	switch (op) {
	case OP_HALT: return "halt";
	case OP_PUSH: return "push";
	case OP_POP: return "pop";
	case OP_DUP: return "dup";
	case OP_SWAP: return "swap";
	case OP_OVER: return "over";
	case OP_ROT: return "rot";
	case OP_ADD: return "add";
	case OP_SUB: return "sub";
	case OP_MUL: return "mul";
	case OP_DIV: return "div";
	case OP_MOD: return "mod";
	case OP_NEG: return "neg";
	case OP_ABS: return "abs";
	case OP_AND: return "and";
	case OP_OR: return "or";
	case OP_XOR: return "xor";
	case OP_NOT: return "not";
	case OP_SHL: return "shl";
	case OP_SHR: return "shr";
	case OP_EQ: return "eq";
	case OP_NE: return "ne";
	case OP_LT: return "lt";
	case OP_LE: return "le";
	case OP_GT: return "gt";
	case OP_GE: return "ge";
	case OP_JMP: return "jmp";
	case OP_JZ: return "jz";
	case OP_JNZ: return "jnz";
	case OP_LOAD: return "load";
	case OP_STORE: return "store";
	case OP_INC: return "inc";
	case OP_DEC: return "dec";
	case OP_PRINT: return "print";
	case OP_EMIT: return "emit";
	case OP_CALL: return "call";
	case OP_RET: return "ret";
	case OP_MIN: return "min";
	case OP_MAX: return "max";
	case OP_NOP: return "nop";
	default: return "?";
	}
}
