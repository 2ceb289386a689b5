/* SPDX-License-Identifier: MIT */
/*
 * wxorx: run by objload.exe on a Windows host (tests/hosts/run-e2e.sh),
 * this COFF program asks Windows how the pages of its own code, constant
 * data, data and zero-fill are protected: code read+execute, constants
 * read-only, data read+write, and none writable and executable at once.
 * The expected output is in `expected`.
 */
#include <stdio.h>
#include <windows.h>

static const char constant[64] = "a constant";
static char data[64] = "some data";
static char zero_fill[4096];

static int answer(void)
{
	return 42;
}

static const char *protection(const void *p)
{
	MEMORY_BASIC_INFORMATION m;

	if (!VirtualQuery(p, &m, sizeof(m)))
		return "unknown";
	switch (m.Protect & 0xff) {
	case PAGE_EXECUTE_READ: return "read+execute";
	case PAGE_READONLY: return "read-only";
	case PAGE_READWRITE: return "read+write";
	case PAGE_EXECUTE_READWRITE: return "WRITABLE AND EXECUTABLE";
	case PAGE_EXECUTE_WRITECOPY: return "WRITABLE AND EXECUTABLE (copy)";
	default: return "other";
	}
}

int main(void)
{
	data[0] ^= 1;
	zero_fill[7] = 1;
	printf("code: %s\n", protection((const void *)(UINT_PTR)answer));
	printf("constant: %s\n", protection(constant));
	printf("data: %s\n", protection(data));
	printf("zero-fill: %s\n", protection(zero_fill));
	return answer() + constant[0] - 'a' + data[0] - 'r' + zero_fill[7] - 1;
}
