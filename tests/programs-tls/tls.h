/* SPDX-License-Identifier: MIT */
/* Thread-local variables defined in tlsdef.c, used from tlsuse.c. */
extern __thread int counter;
extern _Thread_local int table[64];
extern _Thread_local long zeroed[8];

int bump_local(int i);
int get_hits(void);
int *counter_address(void);
char first_letter(void);
