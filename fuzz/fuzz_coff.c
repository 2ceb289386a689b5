/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: COFF objects (x86-64, clang --target=x86_64-pc-windows-msvc)
 * and PE DLLs (MinGW gcc, lld-link), both read by the COFF plug-in.
 *
 * Everything goes through the public API as tests/unit/test_malformed.c
 * does (fuzz/harness.h): objload_add_memory, objload_define of the
 * undefined names, objload_link_at into a private buffer.  Mutated code is
 * never executed.  The seed corpus comes from tests/malformed/gen.py
 * --seeds-only --only coff (COFF objects and PE DLLs); see fuzz/run.sh.
 */
#include "fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	objload_status st;

	/* the strategy from the size: every one gets its share, and a crash
	 * replays the same way in the malformed suite (which runs all three) */
	harness_run("fuzz-coff", data, size, (objload_strategy)(size % 3), NULL, &st, NULL);
	return 0;
}
