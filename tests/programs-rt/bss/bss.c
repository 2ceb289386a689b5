/* SPDX-License-Identifier: MIT */
/*
 * A 1.5 GiB zero-initialised array of which the program touches two
 * pages: loaded, it must cost those pages, not the array (zero-fill is
 * committed when touched, never before).
 */
#include <stdio.h>

static char big[1536u << 20];

int main(void)
{
	big[12345] = 1;
	big[sizeof(big) - 1] = 2;
	printf("%d\n", big[12345] + big[sizeof(big) - 1] + big[777777]);
	return 0;
}
