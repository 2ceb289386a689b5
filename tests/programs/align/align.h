/* SPDX-License-Identifier: MIT */
#ifndef ALIGN_H
#define ALIGN_H

extern int table64k[16];
extern char zeros1m[4096];
extern const char text8k[];
extern const char *const text8k_ptr;
int sum_table(void);

#endif
