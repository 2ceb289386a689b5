/* SPDX-License-Identifier: MIT */
#include <stdio.h>

__declspec(dllimport) int winapi_report(void);

int main(void)
{
	printf("winapi_report() = %d\n", winapi_report());
	return 0;
}
