/* SPDX-License-Identifier: MIT */
/*
 * An IFUNC on an AArch64 host (tests/hosts/run-e2e.sh aarch64): the
 * resolver gets AT_HWCAP as glibc passes it (objload asks os_hwcap) and
 * picks an implementation by Advanced SIMD; the function is called
 * directly and through a pointer taken in the object.  The output must
 * equal the natively linked program's under the same qemu.
 */
#include <stdio.h>
#include <sys/auxv.h>

static unsigned long hwcap_seen;

static int add_plain(int x)
{
	return x + 1;
}

static int add_simd(int x)
{
	return x + 2;
}

static int (*resolve_add(unsigned long hwcap))(int)
{
	hwcap_seen = hwcap;
	return (hwcap & HWCAP_ASIMD) ? add_simd : add_plain;
}

int add(int x) __attribute__((ifunc("resolve_add")));

int main(void)
{
	int (*p)(int) = add;

	printf("add(1) = %d, through a pointer %d, AT_HWCAP %s\n", add(1), p(2),
	       hwcap_seen ? "passed" : "missing");
	return p == add ? 0 : 1;
}
