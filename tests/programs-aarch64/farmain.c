/* SPDX-License-Identifier: MIT */
/* Runs far.c: far_a(5) bounces between two code sections 160 MiB apart. */
int far_a(int x);

int main(void)
{
	return far_a(5);        /* 7 */
}
