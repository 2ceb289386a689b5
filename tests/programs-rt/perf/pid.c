/* SPDX-License-Identifier: MIT */
/* Prints the process id, so a test can find /tmp/perf-PID.map. */
#include <stdio.h>
#include <unistd.h>

int perf_map_probe(int x)
{
	return x * 3 + 1;
}

int main(void)
{
	printf("%d %d\n", (int)getpid(), perf_map_probe(2));
	return 0;
}
