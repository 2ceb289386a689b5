/* SPDX-License-Identifier: MIT */
/* Runs the accesses of forms.S in the main thread and in two more, each
 * on its own copy of the thread-locals. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

int le_add(int x);
int le_word(void);
int le_index(int i, int v);
double le_double(double d);
double le_vex(double d);
int le_cas(int old, int new_value);
int le_shift(int n);
int le_flags(int x);
long le_redzone(long x);
long le_vector(double d);
long ie_forms(void);

static char out[3][512];

static void *run(void *arg)
{
	int id = (int)(intptr_t)arg;
	char *o = out[id];
	long first = le_vector(2.0 + id);
	int avx;

	__builtin_cpu_init();
	avx = __builtin_cpu_supports("avx") != 0;
	snprintf(o, sizeof(out[0]),
		 "first %ld add %d word %d index %d %d double %.2f vex %.2f cas %d %d "
		 "shift %d flags %d %d redzone %ld ie %ld",
		 first, le_add(id + 1), le_word(), le_index(id, 7 + id), le_index(7, id),
		 le_double(0.25 * id), avx ? le_vex(1.0) : le_double(1.0),
		 le_cas(11 + id, 20), le_cas(99, 1), le_shift(id + 1), le_flags(9),
		 le_flags(1), le_redzone(1000 * id), ie_forms());
	return NULL;
}

int main(void)
{
	pthread_t t[2];

	for (int i = 1; i <= 2; i++)
		if (pthread_create(&t[i - 1], NULL, run, (void *)(intptr_t)i) != 0)
			return 1;
	run((void *)0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 3; i++)
		printf("thread %d: %s\n", i, out[i]);
	return 0;
}
