/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: two objects of different formats linked together
 * (ELF, Mach-O and COFF of one arch in one session): the input is a
 * little-endian u32 length, the first object, then the second
 * (harness_run_mixed in fuzz/harness.h).  Cross-format symbol
 * unification, calling-convention thunks and COMDAT competition get
 * hostile input from both sides.  Seeds: tests/malformed/hostile.py
 * seeds mixed; see fuzz/run.sh.  Mutated code is never executed.
 */
#include "fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	objload_status st;

	harness_run_mixed("fuzz-mixed", data, size, (objload_strategy)(size % 3), NULL, &st, NULL);
	return 0;
}
