/* SPDX-License-Identifier: MIT */
/* Numerical helpers; f may be a host libm function handed in by pointer. */
#include <math.h>
#include <stdio.h>

#include "numeric.h"

double simpson(double (*f)(double), double a, double b, int n)
{
	double h = (b - a) / n;
	double sum = f(a) + f(b);
	for (int i = 1; i < n; i++)
		sum += f(a + i * h) * (i % 2 ? 4.0 : 2.0);
	return sum * h / 3.0;
}

double newton_sqrt(double x)
{
	if (x == 0.0)
		return 0.0;
	double r = x > 1.0 ? x : 1.0;
	for (int i = 0; i < 100; i++) {
		double next = 0.5 * (r + x / r);
		if (fabs(next - r) <= 1e-15 * next)
			return next;
		r = next;
	}
	return r;
}

void projectile_table(double speed, double g)
{
	const double deg = acos(-1.0) / 180.0;
	for (int angle = 15; angle <= 75; angle += 15) {
		double a = angle * deg;
		double range = speed * speed * sin(2.0 * a) / g;
		double peak = pow(speed * sin(a), 2.0) / (2.0 * g);
		double flight = 2.0 * speed * sin(a) / g;
		printf("angle %2d: range %8.4f m, peak %7.4f m, flight %6.4f s\n",
		       angle, range, peak, flight);
	}
}
