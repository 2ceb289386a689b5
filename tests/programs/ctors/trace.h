/* SPDX-License-Identifier: MIT */
#ifndef CTORS_TRACE_H
#define CTORS_TRACE_H

/* Appends a step to the trace kept in main.c (usable before main runs). */
void trace(const char *step);
extern int ctor_ready;
extern int second_ready;

#endif
