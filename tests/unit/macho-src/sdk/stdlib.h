/* SPDX-License-Identifier: MIT */
#ifndef _STDLIB_H_
#define _STDLIB_H_
#include <stddef.h>
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff
typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
void *malloc(size_t);
void *calloc(size_t, size_t);
void *realloc(void *, size_t);
void free(void *);
void abort(void) __attribute__((noreturn));
void exit(int) __attribute__((noreturn));
int atexit(void (*)(void));
int atoi(const char *);
long atol(const char *);
long strtol(const char *restrict, char **restrict, int);
unsigned long strtoul(const char *restrict, char **restrict, int);
long long strtoll(const char *restrict, char **restrict, int);
double strtod(const char *restrict, char **restrict);
int abs(int) __attribute__((const));
long labs(long) __attribute__((const));
div_t div(int, int) __attribute__((const));
void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
void *bsearch(const void *, const void *, size_t, size_t,
	      int (*)(const void *, const void *));
char *getenv(const char *);
unsigned long long strtoull(const char *restrict, char **restrict, int);
long long atoll(const char *);
float strtof(const char *restrict, char **restrict);
double atof(const char *);
int rand(void);
void srand(unsigned);
void qsort_r(void *, size_t, size_t, void *, int (*)(void *, const void *, const void *));
void *reallocf(void *, size_t);
const char *getprogname(void);
#endif
