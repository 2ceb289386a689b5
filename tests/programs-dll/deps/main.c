/* SPDX-License-Identifier: MIT */
/* Calls the libraries; declared without dllimport, so COFF builds call
 * them directly. */
#include "../crt.h"

int user_value(void);
int fwd_value(void);
int fwd_ordinal(void);

int main(void)
{
	printf("main: user_value() = %d\n", user_value());
	printf("main: fwd_value() = %d, fwd_ordinal() = %d\n", fwd_value(), fwd_ordinal());
	return 0;
}
