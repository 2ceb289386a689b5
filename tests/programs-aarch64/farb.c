/* SPDX-License-Identifier: MIT */
/* The other half of fara.c. */
extern char far_gap[];
int far_a(int x);

int far_b(int x)
{
	return x > 0 ? far_a(x - 1) + 2 : far_gap[x];
}
