/* SPDX-License-Identifier: MIT */
#ifndef LIBM_NUMERIC_H
#define LIBM_NUMERIC_H

double simpson(double (*f)(double), double a, double b, int n);
double newton_sqrt(double x);
void projectile_table(double speed, double g);

#endif
