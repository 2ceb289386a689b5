/* SPDX-License-Identifier: MIT */
/*
 * The thread environment block a Windows DLL's code reads through %gs.
 *
 * On Windows x64 the GS segment of every thread points at its TEB, and
 * start-up code reads it directly: MinGW's _CRT_INIT and MSVC's
 * __scrt_acquire_startup_lock use NtCurrentTeb()->NtTib.StackBase (%gs:8,
 * through the Self pointer at %gs:0x30) as the thread's identity for the
 * start-up lock; MSVC's __chkstk reads the stack limit at %gs:0x10.  A
 * Linux thread's GS base is 0 (glibc keeps its own thread pointer in FS),
 * so such a read would fault.
 *
 * win32_thread_enter gives the calling thread a TEB of the session before
 * the core calls a DLL's start-up code on it (abi/ms_x64's call_attach),
 * and points its GS base at it (arch_prctl(ARCH_SET_GS)); the thread keeps
 * it for the code it runs afterwards (main, calls into the DLL).  The TEB
 * holds what such code reads: NtTib.StackBase and StackLimit (this
 * thread's stack), Self, ClientId (process and thread id), and a zeroed
 * PEB; the rest is zero.  TEBs are the session's: a pthread key finds the
 * calling thread's, and they are unmapped with the session.  Threads that
 * never entered this way (created by the host, or through pthread_create)
 * have none: DLL code that reads %gs there faults, as noted in
 * docs/pe-dlls.md.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <asm/prctl.h>

#include "abi/win32/win32.h"

enum {
	TEB_STACK_BASE = 0x08,
	TEB_STACK_LIMIT = 0x10,
	TEB_SELF = 0x30,
	TEB_PROCESS_ID = 0x40,
	TEB_THREAD_ID = 0x48,
	TEB_PEB = 0x60,
	TEB_SIZE = 0x2000,         /* the x64 TEB is 0x1838 bytes */
	PEB_OFFSET = TEB_SIZE,     /* a zeroed PEB after it */
	TEB_MAP = TEB_SIZE + 0x1000,
};

struct win32_tebs {
	pthread_mutex_t lock;
	pthread_key_t key;         /* the calling thread's TEB */
	void **teb;
	size_t n, cap;
};

static const int w32_tebs_key;

static int tebs_init(void *p)
{
	struct win32_tebs *t = p;

	if (pthread_mutex_init(&t->lock, NULL))
		return -1;
	if (pthread_key_create(&t->key, NULL)) {
		pthread_mutex_destroy(&t->lock);
		return -1;
	}
	return 0;
}

static void tebs_release(void *p)
{
	struct win32_tebs *t = p;
	unsigned long gs = 0;

	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
	for (size_t i = 0; i < t->n; i++) {
		/* this thread no longer points at a TEB that goes */
		if (gs == (uintptr_t)t->teb[i])
			syscall(SYS_arch_prctl, ARCH_SET_GS, 0ul);
		munmap(t->teb[i], TEB_MAP);
	}
	free(t->teb);
	pthread_key_delete(t->key);
	pthread_mutex_destroy(&t->lock);
}

static void put64(uint8_t *teb, unsigned off, uint64_t v)
{
	memcpy(teb + off, &v, sizeof(v));
}

/* A TEB for the calling thread; NULL when memory runs out. */
static uint8_t *teb_new(struct win32_tebs *t)
{
	pthread_attr_t a;
	void *stack = NULL;
	size_t size = 0;
	uint8_t *teb = mmap(NULL, TEB_MAP, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (teb == MAP_FAILED)
		return NULL;
	pthread_mutex_lock(&t->lock);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;
		void **n = realloc(t->teb, cap * sizeof(*n));

		if (!n) {
			pthread_mutex_unlock(&t->lock);
			munmap(teb, TEB_MAP);
			return NULL;
		}
		t->teb = n;
		t->cap = cap;
	}
	t->teb[t->n++] = teb;
	pthread_mutex_unlock(&t->lock);
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &stack, &size);
		pthread_attr_destroy(&a);
	}
	put64(teb, TEB_STACK_BASE, (uintptr_t)stack + size);
	put64(teb, TEB_STACK_LIMIT, (uintptr_t)stack);
	put64(teb, TEB_SELF, (uintptr_t)teb);
	put64(teb, TEB_PROCESS_ID, (uint64_t)getpid());
	put64(teb, TEB_THREAD_ID, (uint64_t)syscall(SYS_gettid));
	put64(teb, TEB_PEB, (uintptr_t)teb + PEB_OFFSET);
	pthread_setspecific(t->key, teb);
	return teb;
}

int win32_thread_enter(objload_session *s)
{
	struct win32_tebs *t = bridge_session_state(s, &w32_tebs_key, sizeof(*t), tebs_init,
						    tebs_release);
	uint8_t *teb;
	unsigned long gs = 0;

	if (!t)
		return -1;
	teb = pthread_getspecific(t->key);
	if (!teb && !(teb = teb_new(t)))
		return -1;
	if (syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) == 0 && gs == (uintptr_t)teb)
		return 0;
	return syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)(uintptr_t)teb) ? -1 : 0;
}
