/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int greet_count;

const char *greeting(const char *who)
{
	static char buf[128];

	greet_count++;
	snprintf(buf, sizeof(buf), "hello, %s, from an object loaded by objload", who);
	return buf;
}
