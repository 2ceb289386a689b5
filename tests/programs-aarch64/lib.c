/* SPDX-License-Identifier: MIT */
/* The second object of the AArch64 test program. */
extern int counter;

int lib_counter = 10;
__INTPTR_TYPE__ lib_table[4] = { 0, 1, (__INTPTR_TYPE__)&counter, 3 };

int lib_scale(int x)
{
	return x * 7;
}

int lib_sum(const int *v, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}
