/* SPDX-License-Identifier: MIT */
/*
 * weak: weak definitions overridden by strong ones in another object, weak
 * definitions nobody overrides, and weak undefined references that must
 * resolve to NULL (not to some host symbol, and not be an error).
 */
#include <stdio.h>

#include "hooks.h"

static int call_hook(int x)
{
	if (objload_test_optional_hook)
		return objload_test_optional_hook(x);
	return -x;
}

int main(void)
{
	printf("greeting: %s\n", greeting());
	printf("fallback_value: %d\n", fallback_value());
	printf("config_level=%d retry_limit=%d mode=%s\n", config_level,
	       retry_limit, mode_name);
	log_event("main starting");
	report_from_defaults();

	config_level++;
	retry_limit += 10;
	report_from_defaults();

	printf("optional hook %s, call_hook(5)=%d\n",
	       objload_test_optional_hook ? "present" : "absent", call_hook(5));
	printf("optional var %s\n",
	       &objload_test_optional_var ? "present" : "absent");
	printf("optional table %s\n",
	       objload_test_optional_table ? "present" : "absent");
	log_event("main done");
	return 0;
}
