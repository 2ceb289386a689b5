/* SPDX-License-Identifier: MIT */
/*
 * libm: math functions resolved from the host's libm -- a Simpson integration
 * of sin, Newton square roots checked against sqrt, powers, rounding, and a
 * projectile table.  Inputs come from volatile data so the calls really
 * happen at run time; results are printed with a precision well inside what
 * every correct libm agrees on.
 */
#include <math.h>
#include <stdio.h>

#include "numeric.h"

static volatile double inputs[] = { 0.0, 0.5, 1.0, 2.0, 2.5, 10.0, 1e-3, 123.456 };
#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))

static double integrand(double x)
{
	return sin(x);
}

int main(void)
{
	double pi = 4.0 * atan(inputs[2]);
	printf("pi=%.12f\n", pi);

	for (int n = 4; n <= 64; n *= 4)
		printf("simpson sin 0..pi n=%d: %.10f\n", n,
		       simpson(integrand, 0.0, pi, n));
	printf("simpson cos 0..pi/2 n=32: %.10f\n", simpson(cos, 0.0, pi / 2, 32));
	printf("simpson exp 0..1 n=32: %.10f (e-1=%.10f)\n",
	       simpson(exp, 0.0, 1.0, 32), exp(inputs[2]) - 1.0);

	for (size_t i = 0; i < NINPUTS; i++) {
		double x = inputs[i];
		double s = sqrt(x), nr = newton_sqrt(x);
		printf("x=%-8g sqrt=%.9f newton=%.9f agree=%d floor=%g ceil=%g "
		       "round=%g\n",
		       x, s, nr, fabs(s - nr) < 1e-12 * (1.0 + s), floor(x * 3.3),
		       ceil(x * 3.3), round(x * 0.5 + 0.25));
	}

	for (int k = -3; k <= 3; k++) {
		double b = inputs[4] + k * 0.25;
		printf("pow(%.2f,%d)=%.9g pow(%.2f,0.5)=%.9f exp2=%.6f log10=%.9f\n", b,
		       k, pow(b, k), b, pow(b, 0.5), exp2(b), log10(b));
	}

	printf("fmod=%.6f hypot=%.9f atan2=%.9f tanh=%.9f cbrt=%.9f\n",
	       fmod(inputs[7], 7.0), hypot(3.0 * inputs[3], 4.0 * inputs[3]),
	       atan2(-inputs[2], -inputs[3]), tanh(inputs[1]), cbrt(inputs[7]));

	projectile_table(20.0, 9.81);
	return 0;
}
