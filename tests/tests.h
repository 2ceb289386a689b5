/* SPDX-License-Identifier: MIT */
/* The suites of the objload test program; each file registers its own
 * and takes the helpers the suites share from tests/util.h. */
#ifndef OBJLOAD_TESTS_H
#define OBJLOAD_TESTS_H

#include <stdint.h>

int objload_test_register_arch_x86_64(void);
int objload_test_register_arch_aarch64(void);
int objload_test_register_elf(void);
int objload_test_register_e2e(void);
int objload_test_register_core(void);
int objload_test_register_cli(void);
int objload_test_register_coff(void);
int objload_test_register_e2e_coff(void);
int objload_test_register_malformed(void);
int objload_test_register_lifetime(void);
int objload_test_register_compare(void);
int objload_test_register_macho(void);
int objload_test_register_e2e_macho(void);
int objload_test_register_archive(void);
int objload_test_register_comdat(void);
int objload_test_register_bfd(void);
int objload_test_register_graph(void);
int objload_test_register_package(void);
int objload_test_register_api(void);

int objload_test_register_aarch64_link(void);
int objload_test_register_e2e_aarch64(void);
int objload_test_register_runtime(void);
int objload_test_register_libraries(void);
int objload_test_register_linked(void);
int objload_test_register_tls(void);
int objload_test_register_win32(void);
int objload_test_register_e2e_pe(void);

/* AArch64 link tests (tests/e2e/test_e2e_aarch64.c): where images are
 * linked, the far code the ELF wrapper adds, the wrapper, and a map
 * lookup (`name` or `_name`; UINT64_MAX when absent). */
#define A64_TEST_BASE UINT64_C(0x10000000)
#define A64_TEST_FAR UINT64_C(0x50000000)
#define A64_TEST_MARKER UINT64_C(0x12345678)
int objload_test_aarch64_wrap(const char *image, uint64_t base, uint64_t entry,
			      const char *out);
uint64_t objload_test_aarch64_map_symbol(const char *map, const char *name);

/* Compiles `srcs` (space-separated names of tests/programs-aarch64/, no
 * .c) with clang for `target` and `opts` into dir, and links them with
 * `objload link --base=A64_TEST_BASE --strategy=STRATEGY` (far_inc at
 * A64_TEST_FAR, marker at A64_TEST_MARKER) into dir/img, its map in
 * dir/map.  0, or -1 after printing the failed step after `ctx`. */
int objload_test_aarch64_build(const char *dir, const char *target, const char *opts,
			       const char *strategy, const char *srcs, const char *ctx);

#endif
