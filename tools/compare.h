/* SPDX-License-Identifier: MIT */
/* `objload compare`: see tools/compare.c. */
#ifndef OBJLOAD_TOOLS_COMPARE_H
#define OBJLOAD_TOOLS_COMPARE_H

int objload_compare_main(int argc, char **argv);

extern const char objload_compare_usage[];

#endif
