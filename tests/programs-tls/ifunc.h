/* SPDX-License-Identifier: MIT */
/* An IFUNC (add) and a local one (twice) defined in ifunc.c. */
int add(int a, int b);
int (*add_address(void))(int, int);
int use_twice(int a);
const char *add_picked(void);
const char *twice_picked(void);
