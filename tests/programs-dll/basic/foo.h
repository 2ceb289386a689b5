/* SPDX-License-Identifier: MIT */
/* The interface of the foo library: a DLL on Windows, a shared object on
 * Linux. */
#ifndef FOO_H
#define FOO_H

#if defined(_WIN32) && defined(FOO_BUILD)
#define FOO_API __declspec(dllexport)
#elif defined(_WIN32)
#define FOO_API __declspec(dllimport)
#else
#define FOO_API __attribute__((visibility("default")))
#endif

FOO_API extern int foo_counter;
FOO_API int foo_add(int a, int b);
FOO_API int foo_sorted_median(int *v, int n);
FOO_API const char *foo_banner(void);
FOO_API double foo_scale(double x, double k);

#endif
