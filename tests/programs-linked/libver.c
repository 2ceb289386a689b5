/* SPDX-License-Identifier: MIT */
/* Two versions of one function: ver_get@VER_1 (the old one, hidden from
 * unversioned lookups) and ver_get@@VER_2 (the default). */
int ver_get_old(void) { return 1; }
int ver_get_new(void) { return 2; }
__asm__(".symver ver_get_old, ver_get@VER_1");
__asm__(".symver ver_get_new, ver_get@@VER_2");
