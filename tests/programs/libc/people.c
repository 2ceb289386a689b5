/* SPDX-License-Identifier: MIT */
/* Struct sorting with qsort and lookup with bsearch, comparators in this object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people.h"

struct person {
	char name[16];
	int age;
	double height;
};

static struct person people[] = {
	{ "mallory", 41, 1.73 }, { "alice", 30, 1.65 }, { "eve", 25, 1.70 },
	{ "bob", 35, 1.80 },     { "trent", 52, 1.77 }, { "carol", 30, 1.60 },
	{ "dave", 19, 1.91 },    { "peggy", 25, 1.55 },
};

#define NPEOPLE (sizeof(people) / sizeof(people[0]))

static int by_name(const void *a, const void *b)
{
	const struct person *p = a, *q = b;
	return strcmp(p->name, q->name);
}

static int by_age_then_name(const void *a, const void *b)
{
	const struct person *p = a, *q = b;
	if (p->age != q->age)
		return p->age - q->age;
	return strcmp(p->name, q->name);
}

void people_sort_and_print(void)
{
	qsort(people, NPEOPLE, sizeof(people[0]), by_age_then_name);
	printf("by age:");
	for (size_t i = 0; i < NPEOPLE; i++)
		printf(" %s(%d)", people[i].name, people[i].age);
	printf("\n");

	qsort(people, NPEOPLE, sizeof(people[0]), by_name);
	double sum = 0;
	printf("by name:");
	for (size_t i = 0; i < NPEOPLE; i++) {
		printf(" %s", people[i].name);
		sum += people[i].height;
	}
	printf("\nmean height %.4f\n", sum / NPEOPLE);

	const char *wanted[] = { "eve", "zed", "alice", "trent" };
	for (size_t i = 0; i < 4; i++) {
		struct person key;
		snprintf(key.name, sizeof(key.name), "%s", wanted[i]);
		struct person *p =
			bsearch(&key, people, NPEOPLE, sizeof(people[0]), by_name);
		if (p)
			printf("lookup %s: age %d height %.2f\n", wanted[i], p->age,
			       p->height);
		else
			printf("lookup %s: not found\n", wanted[i]);
	}
}
