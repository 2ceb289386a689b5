/* SPDX-License-Identifier: MIT */
#ifndef _MATH_H_
#define _MATH_H_
#define HUGE_VAL __builtin_huge_val()
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define M_PI 3.14159265358979323846264338327950288
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf_sign(x)
#define isfinite(x) __builtin_isfinite(x)
double acos(double); double asin(double); double atan(double);
double atan2(double, double); double cos(double); double sin(double);
double tan(double); double cosh(double); double sinh(double);
double tanh(double); double exp(double); double exp2(double);
double log(double); double log10(double); double log2(double);
double pow(double, double); double sqrt(double); double cbrt(double);
double hypot(double, double); double ceil(double); double floor(double);
double round(double); double trunc(double); double fmod(double, double);
double fabs(double); double ldexp(double, int); double frexp(double, int *);
double modf(double, double *);
float sqrtf(float); float sinf(float); float cosf(float);
#endif
