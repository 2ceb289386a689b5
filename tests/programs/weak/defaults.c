/* SPDX-License-Identifier: MIT */
/*
 * Weak defaults.  strong.c overrides some of them; the rest stay in effect.
 * Calls from inside this object must reach the overriding definitions too.
 */
#include <stdio.h>

#include "hooks.h"

__attribute__((weak)) const char *greeting(void)
{
	return "weak greeting (should have been overridden)";
}

__attribute__((weak)) int fallback_value(void)
{
	return 42;
}

__attribute__((weak)) int config_level = 1;      /* overridden: 7 */
__attribute__((weak)) int retry_limit = 3;       /* not overridden */
__attribute__((weak)) const char *mode_name = "weak mode";

__attribute__((weak)) void log_event(const char *what)
{
	printf("  [weak log] %s\n", what);
}

void report_from_defaults(void)
{
	printf("from defaults.c: greeting=\"%s\" fallback=%d level=%d retries=%d mode=%s\n",
	       greeting(), fallback_value(), config_level, retry_limit, mode_name);
	log_event("defaults.c reporting");
}
