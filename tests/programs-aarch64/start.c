/* SPDX-License-Identifier: MIT */
/*
 * Freestanding start-up for the AArch64 test images: objload links this
 * with the program for a fixed address, the test wraps the flat image in
 * an ELF executable and qemu-aarch64 runs it on Linux.  The same source
 * is compiled as ELF, Mach-O and COFF: the code is plain AArch64, and the
 * system calls are Linux's (svc #0, number in x8) whatever the object
 * format says about the target system.
 */
int main(void);

static long long sys3(long long nr, long long a, long long b, long long c)
{
	register long long x8 __asm__("x8") = nr;
	register long long x0 __asm__("x0") = a;
	register long long x1 __asm__("x1") = b;
	register long long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

void out(int c)
{
	char ch = (char)c;

	sys3(64, 1, (long long)&ch, 1);      /* write(1, &ch, 1) */
}

void _start(void)
{
	sys3(93, main(), 0, 0);         /* exit(main()) */
	for (;;)
		;
}
