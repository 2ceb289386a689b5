/* SPDX-License-Identifier: MIT */
/* 160 MiB of zero-fill between fara.c and farb.c (see fara.c). */
char far_gap[160 << 20];
