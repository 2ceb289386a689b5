/* SPDX-License-Identifier: MIT */
/*
 * A crash inside the allocator: the program becomes multi-threaded (so
 * glibc's malloc takes its arena lock), overwrites the size of the heap's
 * top chunk through an overflowing write, and asks for a block that must
 * come from the top chunk.  glibc sees the corrupted size and aborts while
 * it holds the lock.  A crash report whose stack walk allocates would then
 * wait for that lock forever; objload run's must end, of SIGABRT.  The
 * 1,024 functions give the object that many FDEs, so that the unwinder's
 * first search sorts a table too large for malloc's lock-free caches.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F1(n) int f##n(int x); int f##n(int x) { return x * 3 + 1; }
#define F4(n) F1(n##0) F1(n##1) F1(n##2) F1(n##3)
#define F16(n) F4(n##0) F4(n##1) F4(n##2) F4(n##3)
#define F64(n) F16(n##0) F16(n##1) F16(n##2) F16(n##3)
#define F256(n) F64(n##0) F64(n##1) F64(n##2) F64(n##3)
F256(0) F256(1) F256(2) F256(3)

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	char *p;
	size_t corrupt = ~(size_t)15;

	if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 2;
	printf("about to corrupt the heap\n");   /* stdout's buffer first */
	fflush(stdout);
	p = malloc(4000);   /* a size no freed block serves: cut from the top */
	if (!p)
		return 2;
	/* the top chunk's size field follows the block's usable bytes */
	memcpy(p + malloc_usable_size(p), &corrupt, sizeof(corrupt));
	p = malloc(100000);   /* beyond the tcache and the bins, below the mmap threshold: from the top */
	printf("not reached: %p\n", (void *)p);
	return 0;
}
