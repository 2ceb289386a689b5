/* SPDX-License-Identifier: MIT */
/* Thread-local data: a PT_TLS segment. */
__thread int tls_counter = 5;
int tls_next(void) { return ++tls_counter; }
