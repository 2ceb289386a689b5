/* SPDX-License-Identifier: MIT */
/* An indirect function: its address is what the resolver returns. */
static int impl(void) { return 42; }
static int (*resolve(void))(void) { return impl; }
int ifunc_get(void) __attribute__((ifunc("resolve")));
