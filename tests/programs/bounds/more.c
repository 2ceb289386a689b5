/* SPDX-License-Identifier: MIT */
#include "bounds.h"

static int square(int x)
{
	return x * x;
}

static int negate(int x)
{
	return -x;
}

REGISTER_CMD(square, square);
REGISTER_CMD(negate, negate);
