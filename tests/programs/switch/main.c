/* SPDX-License-Identifier: MIT */
/*
 * switch: dense switches compiled to jump tables -- a bytecode interpreter,
 * an opcode-name switch returning string literals, and a character
 * classifier over 'a'..'z' in this object.
 */
#include <stdio.h>

#include "vm.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* Prints the first 15 Fibonacci numbers, leaves the 16th on the stack. */
static const int64_t fib[] = {
	OP_PUSH, 0, OP_STORE, 0,      /* a = 0 */
	OP_PUSH, 1, OP_STORE, 1,      /* b = 1 */
	OP_PUSH, 15, OP_STORE, 2,     /* n = 15 */
	/* 12: loop */
	OP_LOAD, 0, OP_PRINT,
	OP_LOAD, 0, OP_LOAD, 1, OP_ADD, /* a + b */
	OP_LOAD, 1, OP_STORE, 0,       /* a = b */
	OP_STORE, 1,                   /* b = a + b */
	OP_DEC, 2, OP_LOAD, 2, OP_JNZ, 12,
	OP_LOAD, 0, OP_HALT,
};

/* gcd(1071, 462) via a subroutine, then primes below 60 by trial division.
 * Each label comment gives the index of the word that follows it. */
static const int64_t gcd_primes[] = {
	OP_PUSH, 1071, OP_PUSH, 462, OP_CALL, 40, OP_PRINT,
	OP_PUSH, 2, OP_STORE, 3,                   /* p = 2 */
	/* 11: outer */
	OP_PUSH, 2, OP_STORE, 4,                   /* d = 2 */
	/* 15: inner -- d * d > p means p is prime */
	OP_LOAD, 4, OP_DUP, OP_MUL, OP_LOAD, 3, OP_GT, OP_JNZ, 35,
	OP_LOAD, 3, OP_LOAD, 4, OP_MOD, OP_JZ, 50, /* divisible: next p */
	OP_INC, 4, OP_JMP, 15,
	/* 35: prime */
	OP_LOAD, 3, OP_PRINT, OP_JMP, 50,
	/* 40: gcd(a, b) with a, b on the stack, returns with gcd on top */
	OP_DUP, OP_JZ, 48,
	OP_SWAP, OP_OVER, OP_MOD, OP_JMP, 40,
	/* 48: */
	OP_POP, OP_RET,
	/* 50: next */
	OP_INC, 3, OP_LOAD, 3, OP_PUSH, 60, OP_LT, OP_JNZ, 11,
	OP_PUSH, -7, OP_ABS, OP_PUSH, 3, OP_SHL, OP_PUSH, 5, OP_XOR,
	OP_PUSH, 100, OP_MIN, OP_PUSH, 50, OP_MAX, OP_NEG, OP_HALT,
};

static const int64_t hello[] = {
	OP_PUSH, 'h', OP_EMIT, OP_PUSH, 'i', OP_EMIT, OP_PUSH, '\n', OP_EMIT,
	OP_PUSH, 6, OP_PUSH, 7, OP_OVER, OP_OVER, OP_ROT, OP_SUB, OP_ROT, OP_MUL,
	OP_SWAP, OP_DIV, OP_PUSH, 1, OP_AND, OP_PUSH, 6, OP_OR, OP_NOT,
	OP_PUSH, 9, OP_PUSH, 9, OP_EQ, OP_PUSH, 2, OP_NE, OP_PUSH, 1, OP_LE,
	OP_PUSH, 1, OP_GE, OP_PUSH, 64, OP_PUSH, 2, OP_SHR, OP_ADD, OP_HALT,
};

static const int64_t broken[] = { OP_PUSH, 1, OP_ADD, OP_HALT };
static const int64_t bad_op[] = { OP_PUSH, 1, 99 };
static const int64_t spin[] = { OP_NOP, OP_JMP, 0 };

static const char *classify(char c)
{
	switch (c) {
	case 'a': case 'e': case 'i': case 'o': case 'u':
		return "vowel";
	case 'y':
		return "sometimes";
	case 'b': case 'c': case 'd': case 'f': case 'g': case 'h':
		return "early";
	case 'j': case 'k': case 'l': case 'm': case 'n':
		return "middle";
	case 'p': case 'q': case 'r': case 's': case 't':
		return "late";
	case 'v': case 'w': case 'x': case 'z':
		return "rare";
	default:
		return "other";
	}
}

static void run(const char *name, const int64_t *code, int len)
{
	printf("%s:", name);
	struct vm_result r = vm_run(code, len, 100000);
	printf("\n  -> top=%lld steps=%ld error=%d\n", (long long)r.top, r.steps,
	       r.error);
}

int main(void)
{
	run("fib", fib, (int)N(fib));
	run("gcd+primes", gcd_primes, (int)N(gcd_primes));
	run("hello", hello, (int)N(hello));
	run("underflow", broken, (int)N(broken));
	run("bad opcode", bad_op, (int)N(bad_op));
	run("spin", spin, (int)N(spin));

	int histogram[OP_COUNT] = { 0 };
	for (size_t i = 0; i < N(gcd_primes); i++)
		if (gcd_primes[i] >= 0 && gcd_primes[i] < OP_COUNT)
			histogram[gcd_primes[i]]++;
	printf("names:");
	for (int op = 0; op <= OP_COUNT; op++)
		printf(" %s", opcode_name(op));
	printf("\nhistogram:");
	for (int op = 0; op < OP_COUNT; op++)
		if (histogram[op])
			printf(" %s=%d", opcode_name(op), histogram[op]);
	printf("\n");

	const char *text = "the quick brown fox jumps over a lazy dog, yes!";
	int counts[6] = { 0 };
	const char *kinds[6] = { "vowel", "sometimes", "early", "middle", "late", "rare" };
	for (const char *p = text; *p; p++) {
		const char *k = classify(*p);
		for (int i = 0; i < 6; i++)
			if (k == kinds[i] || (k[0] == kinds[i][0] && k[1] == kinds[i][1]))
				counts[i]++;
	}
	for (int i = 0; i < 6; i++)
		printf("%s=%d ", kinds[i], counts[i]);
	printf("other=%s\n", classify('!'));
	return 0;
}
