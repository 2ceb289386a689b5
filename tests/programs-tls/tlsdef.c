/* SPDX-License-Identifier: MIT */
/*
 * The definitions: an initialised __thread int, a 64-element
 * _Thread_local array with initialisers, a zero-filled array, and static
 * thread-locals only this object reaches (local-exec, or local-dynamic
 * with -fPIC).
 */
#include "tls.h"

__thread int counter = 5;
_Thread_local int table[64] = { 1, 2, 3, [10] = 42, [63] = 7 };
_Thread_local long zeroed[8];
static __thread int hits;
static _Thread_local char name[16] = "tls";

int bump_local(int i)
{
	hits++;
	table[i & 63] += i;
	name[0] = (char)('a' + hits % 26);
	return ++counter + hits;
}

int get_hits(void)
{
	return hits;
}

int *counter_address(void)
{
	return &counter;
}

char first_letter(void)
{
	return name[0];
}
