/* SPDX-License-Identifier: MIT */
/* Data aligned far above a page: the loader must honour it as ld does. */
#include "align.h"

__attribute__((aligned(65536))) int table64k[16] = { 3, 1, 4, 1, 5, 9, 2, 6 };
__attribute__((aligned(1 << 20))) char zeros1m[4096];
__attribute__((aligned(8192))) const char text8k[] = "eight KiB aligned";
/* a pointer to it, so the loader relocates something into aligned data */
const char *const text8k_ptr = text8k;
