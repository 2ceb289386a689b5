/* SPDX-License-Identifier: MIT */
/*
 * bounds: a registration table the linker builds.  Three objects put
 * entries in the section "objl_cmds"; main walks them from the start to
 * the end the linker defines (bounds.h: __start_objl_cmds and
 * __stop_objl_cmds for ELF, section$start$__DATA$objl_cmds and
 * section$end$... for Mach-O).  The entries are sorted by name before
 * printing, since the order across objects is the linker's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"

static int twice(int x)
{
	return 2 * x;
}

REGISTER_CMD(twice, twice);

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cmd *)a)->name, ((const struct cmd *)b)->name);
}

int main(void)
{
	size_t n = (size_t)(cmds_stop - cmds_start);
	struct cmd *sorted = malloc(n * sizeof(*sorted));
	int total = 0;

	if (!sorted)
		return 1;
	memcpy(sorted, cmds_start, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_name);
	printf("%zu commands\n", n);
	for (size_t i = 0; i < n; i++) {
		int v = sorted[i].run(10);

		printf("%s(10) = %d\n", sorted[i].name, v);
		total += v;
	}
	free(sorted);
	return total % 256;
}
