/* SPDX-License-Identifier: MIT */
#ifndef WEAK_HOOKS_H
#define WEAK_HOOKS_H

const char *greeting(void);
int fallback_value(void);
void log_event(const char *what);
void report_from_defaults(void);

extern int config_level;
extern int retry_limit;
extern const char *mode_name;

/* Weak undefined references: nothing defines these, so they stay NULL. */
extern int objload_test_optional_hook(int) __attribute__((weak));
extern int objload_test_optional_var __attribute__((weak));
extern const char objload_test_optional_table[] __attribute__((weak));

#endif
