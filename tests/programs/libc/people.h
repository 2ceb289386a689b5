/* SPDX-License-Identifier: MIT */
#ifndef LIBC_PEOPLE_H
#define LIBC_PEOPLE_H

void people_sort_and_print(void);

#endif
