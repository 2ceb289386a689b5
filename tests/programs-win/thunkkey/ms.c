/* SPDX-License-Identifier: MIT */
/* The Microsoft x64 side: main calls both System V functions through
 * calling-convention thunks; 1 * 10 + 2 is 12 only when each call reaches
 * its own function. */
int fA(void);
int fB(void);

int main(void)
{
	return fA() * 10 + fB();
}
