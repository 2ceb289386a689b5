/* SPDX-License-Identifier: MIT */
/*
 * args: argc/argv as handed over by the loader (argv[0] differs between the
 * native and the loaded run, so it is only checked, never printed), options
 * after "--" passed through untouched, and a non-zero return value from main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_number(const char *s, long *out)
{
	char *end;
	if (!*s)
		return 0;
	*out = strtol(s, &end, 10);
	return *end == '\0';
}

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	printf("argv[0] present=%d nonempty=%d\n", argv[0] != NULL,
	       argv[0] != NULL && argv[0][0] != '\0');
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);

	long sum = 0;
	int numbers = 0, options = 0;
	size_t total_len = 0;
	for (int i = 1; i < argc; i++) {
		long v;
		size_t len = strlen(argv[i]);
		total_len += len;
		printf("argv[%d] len=%zu [%s]", i, len, argv[i]);
		if (is_number(argv[i], &v)) {
			sum += v;
			numbers++;
			printf(" number");
		} else if (argv[i][0] == '-') {
			options++;
			printf(" option");
		}
		printf("\n");
	}
	printf("numbers=%d sum=%ld options=%d total_len=%zu\n", numbers, sum,
	       options, total_len);

	/* The strings must be writable, as in a native process. */
	if (argc > 1) {
		argv[1][0] = 'J';
		printf("modified argv[1]=%s\n", argv[1]);
	}
	fprintf(stderr, "args: returning 3\n");
	return 3;
}
