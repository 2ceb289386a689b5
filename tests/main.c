/* SPDX-License-Identifier: MIT */
/*
 * The objload test program: every CUnit suite in one binary, run by
 * `make check`.  `objload-tests SUITE...` runs only the named suites.
 * Exit status is non-zero when any assertion failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/tests.h"

static const struct {
	const char *name;
	int (*reg)(void);
} suites[] = {
	{ "arch_x86_64", objload_test_register_arch_x86_64 },
	{ "arch_aarch64", objload_test_register_arch_aarch64 },
	{ "elf", objload_test_register_elf },
	{ "e2e", objload_test_register_e2e },
	{ "coff", objload_test_register_coff },
	{ "e2e_coff", objload_test_register_e2e_coff },
	{ "core", objload_test_register_core },
	{ "cli", objload_test_register_cli },
	{ "malformed", objload_test_register_malformed },
	{ "lifetime", objload_test_register_lifetime },
	{ "compare", objload_test_register_compare },
	{ "macho", objload_test_register_macho },
	{ "e2e_macho", objload_test_register_e2e_macho },
	{ "archive", objload_test_register_archive },
	{ "comdat", objload_test_register_comdat },
#ifdef OBJLOAD_TEST_HAVE_BFD
	{ "bfd", objload_test_register_bfd },
#endif
	{ "graph", objload_test_register_graph },
	{ "package", objload_test_register_package },
	{ "api", objload_test_register_api },
	{ "aarch64_link", objload_test_register_aarch64_link },
	{ "e2e_aarch64", objload_test_register_e2e_aarch64 },
	{ "runtime", objload_test_register_runtime },
	{ "libraries", objload_test_register_libraries },
	{ "linked", objload_test_register_linked },
	{ "tls", objload_test_register_tls },
#ifdef OBJLOAD_BRIDGE_MS_X64
	{ "win32", objload_test_register_win32 },
#endif
	{ "e2e_pe", objload_test_register_e2e_pe },
};

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned failed;

#ifdef OBJLOAD_TEST_PLUGIN_PATH
	/* the plug-ins of this build tree, for the library and the tool */
	setenv("OBJLOAD_PLUGIN_PATH", OBJLOAD_TEST_PLUGIN_PATH, 0);
#endif
#ifndef OBJLOAD_TEST_HAVE_BFD
	fprintf(stderr, "suite bfd: not built (configure found no libbfd, or --without-bfd)\n");
#endif
#ifndef OBJLOAD_BRIDGE_MS_X64
	fprintf(stderr, "suite win32: not built (the Windows API layer is part of an x86-64 "
		"Linux host's library only)\n");
#endif
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!wanted(suites[i].name, argc, argv))
			continue;
		if (suites[i].reg()) {
			fprintf(stderr, "cannot register suite %s: %s\n",
				suites[i].name, CU_get_error_msg());
			CU_cleanup_registry();
			return 1;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0) {
		fprintf(stderr, "no test ran\n");
		failed = 1;
	}
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
