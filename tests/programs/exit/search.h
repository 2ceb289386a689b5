/* SPDX-License-Identifier: MIT */
#ifndef EXIT_SEARCH_H
#define EXIT_SEARCH_H

extern int deepest;
int search(int x, int y, int depth);

#endif
