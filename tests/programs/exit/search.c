/* SPDX-License-Identifier: MIT */
/* A depth-first walk that gives up by calling exit() from deep inside. */
#include <stdio.h>
#include <stdlib.h>

#include "search.h"

int deepest;
static unsigned char visited[5][5];

static void give_up(int x, int y, int depth)
{
	printf("giving up at (%d,%d), depth %d\n", x, y, depth);
	fprintf(stderr, "exit: calling exit(5) from depth %d\n", depth);
	exit(5);
}

int search(int x, int y, int depth)
{
	if (x < 0 || y < 0 || x >= 5 || y >= 5 || visited[y][x])
		return 0;
	visited[y][x] = 1;
	if (depth > deepest)
		deepest = depth;
	printf("%*s(%d,%d)\n", depth * 2, "", x, y);
	if (depth == 6)
		give_up(x, y, depth);
	int r = search(x + 1, y, depth + 1) || search(x, y + 1, depth + 1) ||
		search(x - 1, y, depth + 1) || search(x, y - 1, depth + 1);
	visited[y][x] = 0;
	return r;
}
