/* SPDX-License-Identifier: MIT */
/* Strong definitions overriding a subset of the weak ones in defaults.c. */
#include <stdio.h>

#include "hooks.h"

const char *greeting(void)
{
	return "strong greeting";
}

int config_level = 7;
const char *mode_name = "strong mode";

void log_event(const char *what)
{
	static int seq;
	printf("  [strong log #%d] %s\n", ++seq, what);
}
