/* The suites of the objload test program; each file registers its own. */
#ifndef OBJLOAD_TESTS_H
#define OBJLOAD_TESTS_H

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

#endif
