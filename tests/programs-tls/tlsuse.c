/* SPDX-License-Identifier: MIT */
/*
 * Four threads each increment the thread-locals of tlsdef.c 1000 times:
 * every thread must see only its own copies, starting from the
 * initialisers, and the main thread's must stay untouched.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "tls.h"

#define NTHREADS 4
#define ROUNDS 1000

struct result {
	long counter, sum, zero, bumped;
	int same_address;
	char letter;
};

static struct result results[NTHREADS];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct result *r = &results[id];
	long sum = 0;

	counter += id * 100;
	for (int i = 0; i < ROUNDS; i++) {
		counter++;
		table[i & 63] += 1;
		zeroed[i & 7] += 2;
	}
	for (int i = 0; i < 64; i++)
		sum += table[i];
	r->counter = counter;
	r->sum = sum;
	r->zero = zeroed[3];
	r->bumped = bump_local(id + 1);
	r->same_address = counter_address() == &counter;
	r->letter = first_letter();
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		printf("thread %d: counter %ld, table sum %ld, zeroed[3] %ld, bump %ld, "
		       "same address %d, letter %c\n", i, results[i].counter, results[i].sum,
		       results[i].zero, results[i].bumped, results[i].same_address,
		       results[i].letter);
	printf("main: counter %d, table[10] %d, table[63] %d, zeroed[3] %ld, hits %d, letter %c\n",
	       counter, table[10], table[63], zeroed[3], get_hits(), first_letter());
	return counter == 5 ? 0 : 1;
}
