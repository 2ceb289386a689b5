/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: thin archives and GNU ld scripts, which name other
 * files: the first byte chooses a thin archive (members resolved in a
 * fixture directory holding objects, an archive, a script that names the
 * fuzzed one back, a FIFO and a file outside it) or an ld script given to
 * objload_add_library (harness_run_thin_script in fuzz/harness.h).  Seeds:
 * tests/malformed/hostile.py seeds thin_script; see fuzz/run.sh.
 */
#include "fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	objload_status st;

	harness_run_thin_script(data, size, (objload_strategy)(size % 3), NULL, &st, NULL);
	return 0;
}
