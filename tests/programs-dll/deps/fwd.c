/* SPDX-License-Identifier: MIT */
/* fwd's functions are base_value under other names.  The MSVC-target
 * build compiles none of them (FORWARDED): fwd.def forwards its exports
 * to base.dll, by name and by ordinal. */
#include "../export.h"

int base_value(void);

#ifndef FORWARDED
EXPORT int fwd_value(void)
{
	return base_value();
}

EXPORT int fwd_ordinal(void)
{
	return base_value();
}
#endif
