/* SPDX-License-Identifier: MIT */
/*
 * KERNEL32 for Windows DLLs loaded on a Linux host: what MinGW's and
 * MSVC's DLL start-up code and common DLLs import, each function with the
 * Microsoft x64 convention and Windows' documented behaviour, over POSIX.
 *
 *   errors          GetLastError, SetLastError: a DWORD per thread and
 *                   session (a pthread key of the session);
 *   TLS and FLS     TlsAlloc/Free/GetValue/SetValue, FlsAlloc/Free/
 *                   GetValue/SetValue: slots of the session, each a
 *                   pthread key (an FLS callback runs, through a
 *                   convention thunk, when a thread with a value exits);
 *   locks           Initialize(Ex/AndSpinCount)/Enter/TryEnter/Leave/
 *                   DeleteCriticalSection: CRITICAL_SECTION (40 bytes)
 *                   holds a recursive pthread mutex (40 bytes on glibc);
 *                   InitializeSListHead zeroes the list head;
 *   time            Sleep, SleepEx, GetTickCount(64), QueryPerformance-
 *                   Counter/Frequency (10 MHz, as current Windows),
 *                   GetSystemTimeAsFileTime and its Precise twin (100 ns
 *                   units since 1601);
 *   process         GetCurrentProcess(Id), GetCurrentThread(Id),
 *                   ExitProcess (exit(): the program's and the DLLs'
 *                   exit-time functions run), TerminateProcess of the
 *                   current process (_exit), IsDebuggerPresent (FALSE),
 *                   IsProcessorFeaturePresent, DisableThreadLibraryCalls,
 *                   Encode/DecodePointer (the identity: any pair of
 *                   inverse functions satisfies their contract),
 *                   OutputDebugStringA/W (no debugger listens: nothing);
 *   modules         GetModuleHandleA/W, LoadLibraryA/W, LoadLibraryExA/W,
 *                   GetProcAddress (by name and by ordinal), FreeLibrary,
 *                   GetModuleFileNameA/W over the modules of the session
 *                   (abi/bridge.h) -- a module is never loaded from disk --
 *                   and "kernel32.dll", whose procedures are this layer's;
 *                   GetModuleHandle(NULL) names the program, which is no
 *                   module here: NULL with ERROR_MOD_NOT_FOUND;
 *   exceptions      SetUnhandledExceptionFilter keeps the filter per
 *                   session and returns the previous one;
 *                   UnhandledExceptionFilter answers
 *                   EXCEPTION_CONTINUE_SEARCH: there is no structured
 *                   exception handling on this host;
 *   memory, code pages: kernel32_mem.c, kernel32_nls.c.
 *
 * Wide strings (the W functions) are UTF-16, converted with
 * kernel32_nls.c.  Handles are what Windows' are: the current process is
 * (HANDLE)-1, the current thread (HANDLE)-2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "abi/win32/win32.h"

/* ---- the session's state ---------------------------------------------- */

#define W32_TLS_SLOTS 1088   /* TLS_MINIMUM_AVAILABLE + the expansion slots */
#define W32_FLS_SLOTS 128
#define W32_TLS_OUT_OF_INDEXES 0xffffffffu

struct w32_slots {
	pthread_key_t key[W32_TLS_SLOTS];
	uint8_t used[W32_TLS_SLOTS];
	size_t n;               /* capacity: W32_TLS_SLOTS or W32_FLS_SLOTS */
};

struct win32_state {
	pthread_mutex_t lock;
	pthread_key_t last_error;
	struct w32_slots tls, fls;
	void *filter;           /* SetUnhandledExceptionFilter */
	struct win32_regions regions;
};

static const int w32_state_key;   /* its address names the state */

static int w32_state_init(void *p)
{
	struct win32_state *st = p;

	if (pthread_mutex_init(&st->lock, NULL))
		return -1;
	if (pthread_key_create(&st->last_error, NULL)) {
		pthread_mutex_destroy(&st->lock);
		return -1;
	}
	st->tls.n = W32_TLS_SLOTS;
	st->fls.n = W32_FLS_SLOTS;
	return 0;
}

static void w32_slots_release(struct w32_slots *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->used[i])
			pthread_key_delete(t->key[i]);
}

static void w32_state_release(void *p)
{
	struct win32_state *st = p;

	w32_slots_release(&st->tls);
	w32_slots_release(&st->fls);
	win32_regions_release(&st->regions);
	pthread_key_delete(st->last_error);
	pthread_mutex_destroy(&st->lock);
}

struct win32_state *win32_state(objload_session *s)
{
	return bridge_session_state(s, &w32_state_key, sizeof(struct win32_state),
				    w32_state_init, w32_state_release);
}

struct win32_regions *win32_state_regions(struct win32_state *st)
{
	return &st->regions;
}

void win32_lock(struct win32_state *st)
{
	pthread_mutex_lock(&st->lock);
}

void win32_unlock(struct win32_state *st)
{
	pthread_mutex_unlock(&st->lock);
}

/* ---- errors ----------------------------------------------------------- */

void win32_set_error(objload_session *s, uint32_t code)
{
	struct win32_state *st = win32_state(s);

	if (st)
		pthread_setspecific(st->last_error, (void *)(uintptr_t)code);
}

static uint32_t w32_GetLastError(objload_session *s)
{
	struct win32_state *st = win32_state(s);

	return st ? (uint32_t)(uintptr_t)pthread_getspecific(st->last_error) : 0;
}

static void w32_SetLastError(uint32_t code, objload_session *s)
{
	win32_set_error(s, code);
}

/* ---- TLS and FLS slots ------------------------------------------------ */

static uint32_t w32_slot_alloc(objload_session *s, struct win32_state *st,
			       struct w32_slots *t, void (*dtor)(void *))
{
	uint32_t i;

	win32_lock(st);
	for (i = 0; i < t->n && t->used[i]; i++)
		;
	if (i < t->n && pthread_key_create(&t->key[i], dtor) == 0)
		t->used[i] = 1;
	else
		i = W32_TLS_OUT_OF_INDEXES;
	win32_unlock(st);
	if (i == W32_TLS_OUT_OF_INDEXES)
		win32_set_error(s, WIN_ERROR_NO_MORE_ITEMS);
	return i;
}

/* The key of slot i, or 0 (with ERROR_INVALID_PARAMETER) when i is not
 * allocated. */
static int w32_slot_key(objload_session *s, struct w32_slots *t, uint32_t i,
			pthread_key_t *key)
{
	if (i >= t->n || !__atomic_load_n(&t->used[i], __ATOMIC_ACQUIRE)) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return 0;
	}
	*key = t->key[i];
	return 1;
}

/* The TLS (fls 0) or FLS (fls 1) slots of session s; NULL when out of
 * memory. */
static struct w32_slots *w32_slots(objload_session *s, int fls)
{
	struct win32_state *st = win32_state(s);

	return !st ? NULL : fls ? &st->fls : &st->tls;
}

static int w32_slot_free(objload_session *s, int fls, uint32_t i)
{
	struct win32_state *st = win32_state(s);
	struct w32_slots *t = w32_slots(s, fls);
	int ok = 0;

	if (!t)
		return 0;
	win32_lock(st);
	if (i < t->n && t->used[i]) {
		pthread_key_delete(t->key[i]);
		__atomic_store_n(&t->used[i], 0, __ATOMIC_RELEASE);
		ok = 1;
	}
	win32_unlock(st);
	if (!ok)
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
	return ok;
}

/* TlsGetValue, FlsGetValue: the calling thread's value; the last error is
 * cleared, so that a NULL value is told from a failure. */
static void *w32_slot_get(objload_session *s, int fls, uint32_t i)
{
	struct w32_slots *t = w32_slots(s, fls);
	pthread_key_t k;

	if (!t || !w32_slot_key(s, t, i, &k))
		return NULL;
	win32_set_error(s, WIN_ERROR_SUCCESS);
	return pthread_getspecific(k);
}

static int w32_slot_set(objload_session *s, int fls, uint32_t i, void *v)
{
	struct w32_slots *t = w32_slots(s, fls);
	pthread_key_t k;

	if (!t || !w32_slot_key(s, t, i, &k))
		return 0;
	if (pthread_setspecific(k, v)) {
		win32_set_error(s, WIN_ERROR_NOT_ENOUGH_MEMORY);
		return 0;
	}
	return 1;
}

static uint32_t w32_TlsAlloc(objload_session *s)
{
	struct win32_state *st = win32_state(s);

	return st ? w32_slot_alloc(s, st, &st->tls, NULL) : W32_TLS_OUT_OF_INDEXES;
}

static int w32_TlsFree(uint32_t i, objload_session *s)
{
	return w32_slot_free(s, 0, i);
}

static void *w32_TlsGetValue(uint32_t i, objload_session *s)
{
	return w32_slot_get(s, 0, i);
}

static int w32_TlsSetValue(uint32_t i, void *v, objload_session *s)
{
	return w32_slot_set(s, 0, i, v);
}

/* FlsAlloc(callback): the callback (Microsoft x64 code) runs with the
 * thread's value when a thread that has one exits. */
static uint32_t w32_FlsAlloc(void *callback, objload_session *s)
{
	struct win32_state *st = win32_state(s);
	void (*dtor)(void *) = NULL;

	if (!st)
		return W32_TLS_OUT_OF_INDEXES;
	if (callback && !(dtor = (void (*)(void *))bridge_callback(s, callback,
								    OBJLOAD_CC_MS_X64))) {
		win32_set_error(s, WIN_ERROR_NOT_ENOUGH_MEMORY);
		return W32_TLS_OUT_OF_INDEXES;
	}
	return w32_slot_alloc(s, st, &st->fls, dtor);
}

static int w32_FlsFree(uint32_t i, objload_session *s)
{
	return w32_slot_free(s, 1, i);
}

static void *w32_FlsGetValue(uint32_t i, objload_session *s)
{
	return w32_slot_get(s, 1, i);
}

static int w32_FlsSetValue(uint32_t i, void *v, objload_session *s)
{
	return w32_slot_set(s, 1, i, v);
}

/* ---- critical sections -------------------------------------------------- */

/* CRITICAL_SECTION: DebugInfo, LockCount, RecursionCount, OwningThread,
 * LockSemaphore, SpinCount: 40 bytes, which the mutex fills. */
_Static_assert(sizeof(pthread_mutex_t) <= 40, "a pthread mutex fits in a CRITICAL_SECTION");

static WIN_API void w32_InitializeCriticalSection(pthread_mutex_t *cs)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(cs, &a);
	pthread_mutexattr_destroy(&a);
}

static WIN_API int w32_InitializeCriticalSectionAndSpinCount(pthread_mutex_t *cs,
							    uint32_t spin)
{
	(void)spin;
	w32_InitializeCriticalSection(cs);
	return 1;
}

static WIN_API int w32_InitializeCriticalSectionEx(pthread_mutex_t *cs, uint32_t spin,
						  uint32_t flags)
{
	(void)spin;
	(void)flags;
	w32_InitializeCriticalSection(cs);
	return 1;
}

static WIN_API void w32_EnterCriticalSection(pthread_mutex_t *cs)
{
	pthread_mutex_lock(cs);
}

static WIN_API int w32_TryEnterCriticalSection(pthread_mutex_t *cs)
{
	return pthread_mutex_trylock(cs) == 0;
}

static WIN_API void w32_LeaveCriticalSection(pthread_mutex_t *cs)
{
	pthread_mutex_unlock(cs);
}

static WIN_API void w32_DeleteCriticalSection(pthread_mutex_t *cs)
{
	pthread_mutex_destroy(cs);
}

/* SLIST_HEADER: 16 bytes, empty when zero. */
static WIN_API void w32_InitializeSListHead(void *head)
{
	memset(head, 0, 16);
}

/* ---- time ------------------------------------------------------------- */

#define W32_INFINITE 0xffffffffu
/* 100 ns units from 1601-01-01 to 1970-01-01 */
#define W32_EPOCH_DELTA 116444736000000000ull
#define W32_QPC_HZ 10000000ull

static uint64_t w32_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static WIN_API void w32_Sleep(uint32_t ms)
{
	struct timespec ts;

	if (ms == W32_INFINITE) {
		for (;;)
			pause();
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000l;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static WIN_API uint32_t w32_SleepEx(uint32_t ms, int alertable)
{
	(void)alertable;   /* no APCs are ever queued here */
	w32_Sleep(ms);
	return 0;
}

static WIN_API uint64_t w32_GetTickCount64(void)
{
	return w32_clock_ns(CLOCK_MONOTONIC) / 1000000ull;
}

static WIN_API uint32_t w32_GetTickCount(void)
{
	return (uint32_t)w32_GetTickCount64();
}

static WIN_API int w32_QueryPerformanceCounter(int64_t *count)
{
	*count = (int64_t)(w32_clock_ns(CLOCK_MONOTONIC) / (1000000000ull / W32_QPC_HZ));
	return 1;
}

static WIN_API int w32_QueryPerformanceFrequency(int64_t *hz)
{
	*hz = (int64_t)W32_QPC_HZ;
	return 1;
}

/* FILETIME: two DWORDs, low first. */
static WIN_API void w32_GetSystemTimeAsFileTime(uint32_t *ft)
{
	uint64_t t = w32_clock_ns(CLOCK_REALTIME) / 100 + W32_EPOCH_DELTA;

	ft[0] = (uint32_t)t;
	ft[1] = (uint32_t)(t >> 32);
}

/* ---- process and thread ------------------------------------------------ */

#define W32_CURRENT_PROCESS ((void *)(intptr_t)-1)
#define W32_CURRENT_THREAD ((void *)(intptr_t)-2)

static WIN_API void *w32_GetCurrentProcess(void)
{
	return W32_CURRENT_PROCESS;
}

static WIN_API void *w32_GetCurrentThread(void)
{
	return W32_CURRENT_THREAD;
}

static WIN_API uint32_t w32_GetCurrentProcessId(void)
{
	return (uint32_t)getpid();
}

static WIN_API uint32_t w32_GetCurrentThreadId(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

static WIN_API void w32_ExitProcess(uint32_t code)
{
	exit((int)code);
}

static int w32_TerminateProcess(void *process, uint32_t code, objload_session *s)
{
	if (process != W32_CURRENT_PROCESS) {
		/* no other process is reachable through this layer */
		win32_set_error(s, WIN_ERROR_INVALID_HANDLE);
		return 0;
	}
	fflush(NULL);
	_exit((int)code);
}

static WIN_API int w32_IsDebuggerPresent(void)
{
	return 0;
}

/* PF_* numbers this host can answer: SSE (6), SSE2 (10), SSE3 (13),
 * RDTSC (8), NX (12), CMPXCHG16B (14): x86-64 has them all but SSE3,
 * which is asked of the CPU.  Everything else, __fastfail (23) included
 * (`int 0x29` means nothing to Linux), is absent. */
static WIN_API int w32_IsProcessorFeaturePresent(uint32_t feature)
{
	switch (feature) {
	case 6: case 8: case 10: case 12: case 14:
		return 1;
	case 13:
		return __builtin_cpu_supports("sse3");
	default:
		return 0;
	}
}

static WIN_API int w32_DisableThreadLibraryCalls(void *module)
{
	(void)module;   /* no DLL_THREAD_ATTACH is ever sent */
	return 1;
}

static WIN_API void *w32_EncodePointer(void *p)
{
	return p;
}

static WIN_API void w32_OutputDebugString(const void *text)
{
	(void)text;
}

/* ---- exceptions --------------------------------------------------------- */

static void *w32_SetUnhandledExceptionFilter(void *filter, objload_session *s)
{
	struct win32_state *st = win32_state(s);
	void *old;

	if (!st)
		return NULL;
	win32_lock(st);
	old = st->filter;
	st->filter = filter;
	win32_unlock(st);
	return old;
}

static WIN_API long w32_UnhandledExceptionFilter(void *pointers)
{
	(void)pointers;
	return 0;   /* EXCEPTION_CONTINUE_SEARCH */
}

/* ---- modules -------------------------------------------------------------- */

/* The pseudo-module standing for this layer: GetProcAddress on it gives
 * the layer's functions. */
static const char w32_kernel32[] = "kernel32.dll";

static int w32_is_kernel32(const char *name)
{
	const char *slash = strrchr(name, '\\');

	if (slash)
		name = slash + 1;
	return strcasecmp(name, "kernel32.dll") == 0 || strcasecmp(name, "kernel32") == 0;
}

/* A module name from a program: its last '\\' or '/' component. */
static const char *w32_file_part(const char *name)
{
	const char *b = strrchr(name, '\\'), *f = strrchr(name, '/');

	if (f > b)
		b = f;
	return b ? b + 1 : name;
}

static void *w32_module(const char *name, objload_session *s)
{
	uint64_t base;

	if (!name) {
		/* the program: objload runs objects, there is no .exe */
		win32_set_error(s, WIN_ERROR_MOD_NOT_FOUND);
		return NULL;
	}
	if (w32_is_kernel32(name))
		return (void *)w32_kernel32;
	if (bridge_find_module(s, w32_file_part(name), &base))
		return (void *)(uintptr_t)base;
	win32_set_error(s, WIN_ERROR_MOD_NOT_FOUND);
	return NULL;
}

/* A wide name as UTF-8 in buf; NULL (ERROR_INVALID_PARAMETER) when it
 * does not convert or fit. */
static const char *w32_narrow(const uint16_t *w, char *buf, size_t len, objload_session *s)
{
	uint32_t err;

	if (!w)
		return NULL;
	if (win32_utf16_to_utf8(w, -1, buf, len, 0, &err) < 0) {
		win32_set_error(s, err);
		return NULL;
	}
	return buf;
}

static void *w32_GetModuleHandleA(const char *name, objload_session *s)
{
	return w32_module(name, s);
}

static void *w32_GetModuleHandleW(const uint16_t *name, objload_session *s)
{
	char buf[PATH_MAX];
	const char *n = w32_narrow(name, buf, sizeof(buf), s);

	return name && !n ? NULL : w32_module(n, s);
}

static void *w32_LoadLibraryA(const char *name, objload_session *s)
{
	if (!name) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return w32_module(name, s);
}

static void *w32_LoadLibraryW(const uint16_t *name, objload_session *s)
{
	char buf[PATH_MAX];
	const char *n = w32_narrow(name, buf, sizeof(buf), s);

	if (!n) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return w32_module(n, s);
}

static void *w32_LoadLibraryExA(const char *name, void *file, uint32_t flags,
				objload_session *s)
{
	(void)file;
	(void)flags;
	return w32_LoadLibraryA(name, s);
}

static void *w32_LoadLibraryExW(const uint16_t *name, void *file, uint32_t flags,
				objload_session *s)
{
	(void)file;
	(void)flags;
	return w32_LoadLibraryW(name, s);
}

static WIN_API int w32_FreeLibrary(void *module)
{
	(void)module;   /* modules live as long as the session */
	return 1;
}

static void *w32_GetProcAddress(void *module, const char *name, objload_session *s)
{
	char ordinal[16];
	void *p;

	if (!module) {
		win32_set_error(s, WIN_ERROR_MOD_NOT_FOUND);
		return NULL;
	}
	if ((uintptr_t)name < 0x10000) {
		/* MAKEINTRESOURCE: an ordinal */
		snprintf(ordinal, sizeof(ordinal), "#%u", (unsigned)(uintptr_t)name);
		name = ordinal;
	}
	if (module == (void *)w32_kernel32)
		p = name == ordinal ? NULL : bridge_symbol(s, OBJLOAD_CC_MS_X64, name);
	else if (!bridge_module_path(s, (uint64_t)(uintptr_t)module)) {
		win32_set_error(s, WIN_ERROR_MOD_NOT_FOUND);
		return NULL;
	} else
		p = bridge_module_symbol(s, (uint64_t)(uintptr_t)module, name);
	if (!p)
		win32_set_error(s, WIN_ERROR_PROC_NOT_FOUND);
	return p;
}

/* The full path of a module (NULL: the program, /proc/self/exe), in buf
 * (PATH_MAX bytes) when it is not the module's own. */
static const char *w32_module_path(void *module, char *buf, size_t len, objload_session *s)
{
	const char *path;
	ssize_t n;

	if (!module) {
		n = readlink("/proc/self/exe", buf, len - 1);
		if (n < 0)
			return NULL;
		buf[n] = '\0';
		return buf;
	}
	if (module == (void *)w32_kernel32)
		return w32_kernel32;
	path = bridge_module_path(s, (uint64_t)(uintptr_t)module);
	if (!path) {
		win32_set_error(s, WIN_ERROR_MOD_NOT_FOUND);
		return NULL;
	}
	/* Windows gives the full path */
	return path[0] == '/' || !realpath(path, buf) ? path : buf;
}

/* GetModuleFileName's result for a path of `len` units into a buffer of
 * `cap`: Windows truncates, terminates and reports
 * ERROR_INSUFFICIENT_BUFFER with the buffer's size. */
static uint32_t w32_fit(size_t len, uint32_t cap, objload_session *s)
{
	if (len < cap)
		return (uint32_t)len;
	win32_set_error(s, WIN_ERROR_INSUFFICIENT_BUFFER);
	return cap;
}

static uint32_t w32_GetModuleFileNameA(void *module, char *buf, uint32_t cap,
				       objload_session *s)
{
	char tmp[PATH_MAX];
	const char *path = w32_module_path(module, tmp, sizeof(tmp), s);
	size_t len;
	uint32_t r;

	if (!path || !buf || !cap)
		return 0;
	len = strlen(path);
	r = w32_fit(len, cap, s);
	memcpy(buf, path, r == cap ? cap - 1 : len);
	buf[r == cap ? cap - 1 : len] = '\0';
	return r;
}

static uint32_t w32_GetModuleFileNameW(void *module, uint16_t *buf, uint32_t cap,
				       objload_session *s)
{
	char tmp[PATH_MAX];
	uint16_t wide[PATH_MAX];
	const char *path = w32_module_path(module, tmp, sizeof(tmp), s);
	uint32_t err, r;
	long len;

	if (!path || !buf || !cap)
		return 0;
	len = win32_utf8_to_utf16(path, (long)strlen(path), wide, PATH_MAX, 0, &err);
	if (len < 0) {
		win32_set_error(s, err);
		return 0;
	}
	r = w32_fit((size_t)len, cap, s);
	memcpy(buf, wide, (r == cap ? cap - 1 : (size_t)len) * sizeof(*buf));
	buf[r == cap ? cap - 1 : (size_t)len] = 0;
	return r;
}

/* ---- tables --------------------------------------------------------------- */

static const bridge_entry w32_plain[] = {
	{ "InitializeCriticalSection", (void *)w32_InitializeCriticalSection },
	{ "InitializeCriticalSectionAndSpinCount",
	  (void *)w32_InitializeCriticalSectionAndSpinCount },
	{ "InitializeCriticalSectionEx", (void *)w32_InitializeCriticalSectionEx },
	{ "EnterCriticalSection", (void *)w32_EnterCriticalSection },
	{ "TryEnterCriticalSection", (void *)w32_TryEnterCriticalSection },
	{ "LeaveCriticalSection", (void *)w32_LeaveCriticalSection },
	{ "DeleteCriticalSection", (void *)w32_DeleteCriticalSection },
	{ "InitializeSListHead", (void *)w32_InitializeSListHead },
	{ "Sleep", (void *)w32_Sleep },
	{ "SleepEx", (void *)w32_SleepEx },
	{ "GetTickCount", (void *)w32_GetTickCount },
	{ "GetTickCount64", (void *)w32_GetTickCount64 },
	{ "QueryPerformanceCounter", (void *)w32_QueryPerformanceCounter },
	{ "QueryPerformanceFrequency", (void *)w32_QueryPerformanceFrequency },
	{ "GetSystemTimeAsFileTime", (void *)w32_GetSystemTimeAsFileTime },
	{ "GetSystemTimePreciseAsFileTime", (void *)w32_GetSystemTimeAsFileTime },
	{ "GetCurrentProcess", (void *)w32_GetCurrentProcess },
	{ "GetCurrentThread", (void *)w32_GetCurrentThread },
	{ "GetCurrentProcessId", (void *)w32_GetCurrentProcessId },
	{ "GetCurrentThreadId", (void *)w32_GetCurrentThreadId },
	{ "ExitProcess", (void *)w32_ExitProcess },
	{ "IsDebuggerPresent", (void *)w32_IsDebuggerPresent },
	{ "IsProcessorFeaturePresent", (void *)w32_IsProcessorFeaturePresent },
	{ "DisableThreadLibraryCalls", (void *)w32_DisableThreadLibraryCalls },
	{ "EncodePointer", (void *)w32_EncodePointer },
	{ "DecodePointer", (void *)w32_EncodePointer },
	{ "OutputDebugStringA", (void *)w32_OutputDebugString },
	{ "OutputDebugStringW", (void *)w32_OutputDebugString },
	{ "UnhandledExceptionFilter", (void *)w32_UnhandledExceptionFilter },
	{ "FreeLibrary", (void *)w32_FreeLibrary },
	{ "GetSystemInfo", (void *)win32_GetSystemInfo },
	{ "MultiByteToWideChar", (void *)win32_MultiByteToWideChar },
	{ "WideCharToMultiByte", (void *)win32_WideCharToMultiByte },
	{ "IsDBCSLeadByte", (void *)win32_IsDBCSLeadByte },
};

void *win32_symbol(const char *name)
{
	return bridge_table_lookup(w32_plain, sizeof(w32_plain) / sizeof(w32_plain[0]), name);
}

const bridge_bound win32_bound[] = {
	{ "GetLastError", (void *)w32_GetLastError, 0 },
	{ "SetLastError", (void *)w32_SetLastError, 1 },
	{ "TlsAlloc", (void *)w32_TlsAlloc, 0 },
	{ "TlsFree", (void *)w32_TlsFree, 1 },
	{ "TlsGetValue", (void *)w32_TlsGetValue, 1 },
	{ "TlsSetValue", (void *)w32_TlsSetValue, 2 },
	{ "FlsAlloc", (void *)w32_FlsAlloc, 1 },
	{ "FlsFree", (void *)w32_FlsFree, 1 },
	{ "FlsGetValue", (void *)w32_FlsGetValue, 1 },
	{ "FlsSetValue", (void *)w32_FlsSetValue, 2 },
	{ "TerminateProcess", (void *)w32_TerminateProcess, 2 },
	{ "SetUnhandledExceptionFilter", (void *)w32_SetUnhandledExceptionFilter, 1 },
	{ "GetModuleHandleA", (void *)w32_GetModuleHandleA, 1 },
	{ "GetModuleHandleW", (void *)w32_GetModuleHandleW, 1 },
	{ "LoadLibraryA", (void *)w32_LoadLibraryA, 1 },
	{ "LoadLibraryW", (void *)w32_LoadLibraryW, 1 },
	{ "LoadLibraryExA", (void *)w32_LoadLibraryExA, 3 },
	{ "LoadLibraryExW", (void *)w32_LoadLibraryExW, 3 },
	{ "GetProcAddress", (void *)w32_GetProcAddress, 2 },
	{ "GetModuleFileNameA", (void *)w32_GetModuleFileNameA, 3 },
	{ "GetModuleFileNameW", (void *)w32_GetModuleFileNameW, 3 },
	{ "VirtualAlloc", (void *)win32_VirtualAlloc, 4 },
	{ "VirtualFree", (void *)win32_VirtualFree, 3 },
	{ "VirtualProtect", (void *)win32_VirtualProtect, 4 },
	{ "VirtualQuery", (void *)win32_VirtualQuery, 3 },
	{ "IsDBCSLeadByteEx", (void *)win32_IsDBCSLeadByteEx, 2 },
	{ NULL, NULL, 0 },
};
