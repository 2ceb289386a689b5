/* SPDX-License-Identifier: MIT */
/* fwd's functions are base_value under other names.  The MSVC-target
 * build compiles none of them (FORWARDED): fwd.def forwards its exports
 * to base.dll, by name and by ordinal. */
#ifdef _WIN32
#define API __declspec(dllexport)
#else
#define API __attribute__((visibility("default")))
#endif

int base_value(void);

#ifndef FORWARDED
API int fwd_value(void)
{
	return base_value();
}

API int fwd_ordinal(void)
{
	return base_value();
}
#endif
