/* The suites of the objload test program; each file registers its own. */
#ifndef OBJLOAD_TESTS_H
#define OBJLOAD_TESTS_H

int objload_test_register_arch_x86_64(void);
int objload_test_register_elf(void);
int objload_test_register_e2e(void);

#endif
