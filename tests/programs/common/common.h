/* SPDX-License-Identifier: MIT */
#ifndef COMMON_COMMON_H
#define COMMON_COMMON_H

void count_value(int v);
int read_counter(void);
int read_initialised(void);
void fill_grow(void);
int grow_checksum(void);
int read_aligned_block(int i);
int same_objects(const int *c, const int *h, const int *ie);

#endif
