/* SPDX-License-Identifier: MIT */
#include "bounds.h"

static int plus_one(int x)
{
	return x + 1;
}

REGISTER_CMD(plus_one, plus_one);
