/* SPDX-License-Identifier: MIT */
/*
 * Suite "win32": the Windows API layer (abi/win32) and the C runtime's
 * start-up entry points of the Microsoft x64 bridge (abi/ms_x64/
 * ms_x64_crt.c), each function called the way a DLL calls it: its address
 * is the one the link binds an import to (bridge_symbol, which gives a
 * session-bound function's thunk page entry), called with the Microsoft
 * x64 convention, and checked against Windows' documented behaviour —
 * results, GetLastError codes, per-thread and per-session state.
 *
 * The module functions (GetModuleHandle, GetProcAddress, LoadLibrary,
 * GetModuleFileName) need a DLL in the session: one is built with MinGW's
 * gcc at suite start.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi/bridge.h"
#include "abi/ms_x64/ms_x64.h"
#include "abi/win32/win32.h"
#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#define W32_CHECK(cond, ...) \
	tu_check_at("win32", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

#define MS __attribute__((ms_abi))

typedef MS uint32_t (*fn_u32_void)(void);
typedef MS void (*fn_void_u32)(uint32_t);
typedef MS void *(*fn_ptr_u32)(uint32_t);
typedef MS int (*fn_int_u32)(uint32_t);
typedef MS int (*fn_int_u32_ptr)(uint32_t, void *);
typedef MS uint32_t (*fn_u32_ptr)(void *);
typedef MS void (*fn_void_ptr)(void *);
typedef MS int (*fn_int_ptr)(void *);
typedef MS void *(*fn_ptr_ptr)(void *);
typedef MS void *(*fn_ptr_ptr_ptr)(void *, const void *);
typedef MS uint64_t (*fn_u64_void)(void);
typedef MS void *(*fn_ptr_void)(void);
typedef MS void *(*fn_alloc)(void *, size_t, uint32_t, uint32_t);
typedef MS int (*fn_free)(void *, size_t, uint32_t);
typedef MS int (*fn_protect)(void *, size_t, uint32_t, uint32_t *);
typedef MS size_t (*fn_query)(const void *, void *, size_t);
typedef MS int (*fn_mb2wc)(uint32_t, uint32_t, const char *, int, uint16_t *, int);
typedef MS int (*fn_wc2mb)(uint32_t, uint32_t, const uint16_t *, int, char *, int,
			   const char *, int *);
typedef MS int (*fn_int_u32_u8)(uint32_t, uint8_t);
typedef MS uint32_t (*fn_filename)(void *, void *, uint32_t);
typedef MS int (*fn_int_ptr_u32)(void *, uint32_t);

enum {
	ERROR_INVALID_HANDLE = 6,
	ERROR_BAD_LENGTH = 24,
	ERROR_INVALID_PARAMETER = 87,
	ERROR_INSUFFICIENT_BUFFER = 122,
	ERROR_MOD_NOT_FOUND = 126,
	ERROR_PROC_NOT_FOUND = 127,
	ERROR_INVALID_ADDRESS = 487,
	ERROR_DYNAMIC_CODE_BLOCKED = 1655,
	PAGE_NOACCESS = 1, PAGE_READONLY = 2, PAGE_READWRITE = 4,
	PAGE_EXECUTE_READ = 0x20, PAGE_EXECUTE_READWRITE = 0x40,
	MEM_COMMIT = 0x1000, MEM_RESERVE = 0x2000, MEM_DECOMMIT = 0x4000,
	MEM_RELEASE = 0x8000, MEM_FREE = 0x10000, MEM_PRIVATE = 0x20000,
	CP_UTF8 = 65001,
};

/* MEMORY_BASIC_INFORMATION, as a DLL sees it. */
struct mbi {
	uint64_t base, alloc_base;
	uint32_t alloc_protect;
	uint16_t partition, pad0;
	uint64_t region_size;
	uint32_t state, protect, type, pad1;
};

static objload_session *w32_s;   /* a session for the bound functions */
static char *w32_dir;            /* the DLL's directory */
static int w32_have_dll;

/* The address a DLL's import of `name` is bound to. */
static void *w32_fn(const char *name)
{
	void *p = bridge_symbol(w32_s, OBJLOAD_CC_MS_X64, name);

	W32_CHECK(p != NULL, "the bridge provides %s", name);
	return p;
}

#define W32_FN(type, name) ((type)w32_fn(name))

static uint32_t w32_last_error(void)
{
	return W32_FN(fn_u32_void, "GetLastError")();
}

static void w32_set_last_error(uint32_t e)
{
	W32_FN(fn_void_u32, "SetLastError")(e);
}

static const char w32_dll_src[] =
	"__declspec(dllexport) int foo_value = 42;\n"
	"__declspec(dllexport) int foo_add(int a, int b) { return a + b; }\n";

static int w32_init(void)
{
	char *src;

	if (objload_session_new(&w32_s) != OBJLOAD_OK)
		return -1;
	w32_dir = tu_mkdtemp("win32");
	if (!w32_dir)
		return -1;
	src = tu_fmt("%s/foo.c", w32_dir);
	w32_have_dll = tu_have_tool("x86_64-w64-mingw32-gcc") &&
		       tu_write_text(src, w32_dll_src) == 0 &&
		       tu_sh("cd '%s' && x86_64-w64-mingw32-gcc -O2 -shared foo.c -o foo.dll",
			     w32_dir) == 0;
	free(src);
	return 0;
}

static int w32_clean(void)
{
	objload_session_free(w32_s);
	w32_s = NULL;
	tu_rm_tmpdir(&w32_dir);
	return 0;
}

/* ---- errors ---------------------------------------------------------------- */

static void *w32_thread_error(void *arg)
{
	uint32_t *out = arg;

	out[0] = w32_last_error();       /* a new thread starts at 0 */
	w32_set_last_error(7);
	out[1] = w32_last_error();
	return NULL;
}

static void test_last_error(void)
{
	uint32_t seen[2] = { 99, 99 };
	objload_session *other;
	pthread_t t;

	w32_set_last_error(1234);
	W32_CHECK(w32_last_error() == 1234, "GetLastError gives what SetLastError set");
	pthread_create(&t, NULL, w32_thread_error, seen);
	pthread_join(t, NULL);
	W32_CHECK(seen[0] == 0 && seen[1] == 7, "another thread has its own last error (%u, %u)",
		  seen[0], seen[1]);
	W32_CHECK(w32_last_error() == 1234, "this thread's is unchanged by it");
	if (objload_session_new(&other) == OBJLOAD_OK) {
		fn_u32_void get = (fn_u32_void)bridge_symbol(other, OBJLOAD_CC_MS_X64,
							     "GetLastError");

		W32_CHECK(get && get() == 0, "another session's last error is its own");
		objload_session_free(other);
	}
}

/* ---- TLS and FLS slots ------------------------------------------------------ */

static uint32_t w32_tls_index;

static void *w32_thread_tls(void *arg)
{
	void **out = arg;

	*out = W32_FN(fn_ptr_u32, "TlsGetValue")(w32_tls_index);
	return NULL;
}

static void test_tls(void)
{
	fn_ptr_u32 get = W32_FN(fn_ptr_u32, "TlsGetValue");
	fn_int_u32_ptr set = W32_FN(fn_int_u32_ptr, "TlsSetValue");
	fn_int_u32 tfree = W32_FN(fn_int_u32, "TlsFree");
	void *other = (void *)1;
	int x;
	pthread_t t;

	w32_tls_index = W32_FN(fn_u32_void, "TlsAlloc")();
	W32_CHECK(w32_tls_index != 0xffffffffu, "TlsAlloc gives a slot");
	w32_set_last_error(5);
	W32_CHECK(get(w32_tls_index) == NULL && w32_last_error() == 0,
		  "a new slot holds NULL and TlsGetValue clears the last error");
	W32_CHECK(set(w32_tls_index, &x) && get(w32_tls_index) == &x, "TlsSetValue, TlsGetValue");
	pthread_create(&t, NULL, w32_thread_tls, &other);
	pthread_join(t, NULL);
	W32_CHECK(other == NULL, "another thread's value is its own");
	W32_CHECK(tfree(w32_tls_index), "TlsFree");
	W32_CHECK(get(w32_tls_index) == NULL && w32_last_error() == ERROR_INVALID_PARAMETER,
		  "a freed slot: ERROR_INVALID_PARAMETER (%u)", w32_last_error());
	W32_CHECK(!tfree(w32_tls_index) && !set(4000, &x) &&
		  w32_last_error() == ERROR_INVALID_PARAMETER, "bad slots are refused");
}

static MS void w32_fls_callback(void *v)
{
	*(int *)v = 42;
}

static uint32_t w32_fls_index;

static void *w32_thread_fls(void *arg)
{
	W32_FN(fn_int_u32_ptr, "FlsSetValue")(w32_fls_index, arg);
	return NULL;
}

static void test_fls(void)
{
	int flag = 0;
	pthread_t t;

	w32_fls_index = W32_FN(fn_u32_ptr, "FlsAlloc")((void *)w32_fls_callback);
	W32_CHECK(w32_fls_index != 0xffffffffu, "FlsAlloc with a callback");
	W32_CHECK(W32_FN(fn_int_u32_ptr, "FlsSetValue")(w32_fls_index, &flag) &&
		  W32_FN(fn_ptr_u32, "FlsGetValue")(w32_fls_index) == &flag, "FlsSetValue, FlsGetValue");
	pthread_create(&t, NULL, w32_thread_fls, &flag);
	pthread_join(t, NULL);
	W32_CHECK(flag == 42, "the Microsoft x64 callback ran with the value at thread exit");
	W32_CHECK(W32_FN(fn_int_u32, "FlsFree")(w32_fls_index), "FlsFree");
	W32_CHECK(!W32_FN(fn_int_u32, "FlsFree")(w32_fls_index) &&
		  w32_last_error() == ERROR_INVALID_PARAMETER, "FlsFree twice is refused");
}

/* ---- critical sections -------------------------------------------------------- */

static uint8_t w32_cs[40];

static void *w32_thread_try(void *arg)
{
	*(int *)arg = W32_FN(fn_int_ptr, "TryEnterCriticalSection")(w32_cs);
	if (*(int *)arg)
		W32_FN(fn_void_ptr, "LeaveCriticalSection")(w32_cs);
	return NULL;
}

static void test_critical_section(void)
{
	fn_void_ptr enter = W32_FN(fn_void_ptr, "EnterCriticalSection");
	fn_void_ptr leave = W32_FN(fn_void_ptr, "LeaveCriticalSection");
	uint8_t slist[16];
	int got = -1;
	pthread_t t;

	W32_FN(fn_void_ptr, "InitializeCriticalSection")(w32_cs);
	enter(w32_cs);
	enter(w32_cs);   /* recursive, as Windows' */
	pthread_create(&t, NULL, w32_thread_try, &got);
	pthread_join(t, NULL);
	W32_CHECK(got == 0, "TryEnterCriticalSection fails in another thread while it is held");
	leave(w32_cs);
	leave(w32_cs);
	pthread_create(&t, NULL, w32_thread_try, &got);
	pthread_join(t, NULL);
	W32_CHECK(got == 1, "and succeeds once it is left as often as it was entered");
	W32_FN(fn_void_ptr, "DeleteCriticalSection")(w32_cs);
	W32_CHECK(W32_FN(fn_int_ptr_u32, "InitializeCriticalSectionAndSpinCount")(w32_cs, 4000),
		  "InitializeCriticalSectionAndSpinCount");
	W32_FN(fn_void_ptr, "DeleteCriticalSection")(w32_cs);
	memset(slist, 0xff, sizeof(slist));
	W32_FN(fn_void_ptr, "InitializeSListHead")(slist);
	W32_CHECK(!memcmp(slist, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16),
		  "InitializeSListHead empties the head");
}

/* ---- time ------------------------------------------------------------------------ */

static uint64_t w32_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void test_time(void)
{
	typedef MS int (*fn_qpc)(int64_t *);
	uint64_t t0 = w32_now_ms(), k0, k1;
	int64_t c0, c1, hz = 0;
	uint32_t ft[2];
	uint64_t unix_from_ft;

	k0 = W32_FN(fn_u64_void, "GetTickCount64")();
	W32_FN(fn_qpc, "QueryPerformanceCounter")(&c0);
	W32_FN(fn_void_u32, "Sleep")(30);
	W32_FN(fn_qpc, "QueryPerformanceCounter")(&c1);
	k1 = W32_FN(fn_u64_void, "GetTickCount64")();
	W32_CHECK(w32_now_ms() - t0 >= 30, "Sleep(30) sleeps 30 ms");
	W32_CHECK(k1 - k0 >= 29 && k1 - k0 < 5000, "GetTickCount64 counts milliseconds (%llu)",
		  (unsigned long long)(k1 - k0));
	W32_CHECK((uint32_t)W32_FN(fn_u64_void, "GetTickCount")() - (uint32_t)k1 < 1000,
		  "GetTickCount is its low 32 bits");
	W32_CHECK(W32_FN(fn_qpc, "QueryPerformanceFrequency")(&hz) && hz == 10000000,
		  "QueryPerformanceFrequency is 10 MHz (%lld)", (long long)hz);
	W32_CHECK(c1 - c0 >= 290000 && c1 - c0 < 50000000,
		  "QueryPerformanceCounter counts at that frequency (%lld)", (long long)(c1 - c0));
	W32_FN(fn_void_ptr, "GetSystemTimeAsFileTime")(ft);
	unix_from_ft = (((uint64_t)ft[1] << 32 | ft[0]) - 116444736000000000ull) / 10000000ull;
	W32_CHECK(unix_from_ft + 2 >= (uint64_t)time(NULL) && unix_from_ft <= (uint64_t)time(NULL),
		  "GetSystemTimeAsFileTime counts 100 ns from 1601");
	W32_CHECK(((MS uint32_t (*)(uint32_t, int))w32_fn("SleepEx"))(1, 1) == 0, "SleepEx");
}

/* ---- process and thread ---------------------------------------------------------- */

static void test_process(void)
{
	typedef MS int (*fn_term)(void *, uint32_t);
	int status = 0;
	pid_t pid;

	W32_CHECK(W32_FN(fn_u32_void, "GetCurrentProcessId")() == (uint32_t)getpid(),
		  "GetCurrentProcessId");
	W32_CHECK(W32_FN(fn_u32_void, "GetCurrentThreadId")() == (uint32_t)syscall(SYS_gettid),
		  "GetCurrentThreadId");
	W32_CHECK(W32_FN(fn_ptr_void, "GetCurrentProcess")() == (void *)(intptr_t)-1 &&
		  W32_FN(fn_ptr_void, "GetCurrentThread")() == (void *)(intptr_t)-2,
		  "the pseudo-handles of the current process and thread");
	W32_CHECK(((MS int (*)(void))w32_fn("IsDebuggerPresent"))() == 0, "IsDebuggerPresent");
	W32_CHECK(W32_FN(fn_int_u32, "IsProcessorFeaturePresent")(10) == 1 &&
		  W32_FN(fn_int_u32, "IsProcessorFeaturePresent")(23) == 0,
		  "IsProcessorFeaturePresent: SSE2 yes, __fastfail no");
	W32_CHECK(W32_FN(fn_ptr_ptr, "DecodePointer")(W32_FN(fn_ptr_ptr, "EncodePointer")(&status)) ==
		  &status, "DecodePointer undoes EncodePointer");
	W32_CHECK(W32_FN(fn_int_ptr, "DisableThreadLibraryCalls")(NULL), "DisableThreadLibraryCalls");
	W32_FN(fn_void_ptr, "OutputDebugStringA")("nothing listens");
	W32_CHECK(!W32_FN(fn_term, "TerminateProcess")((void *)(intptr_t)1234, 3) &&
		  w32_last_error() == ERROR_INVALID_HANDLE, "TerminateProcess of another process");
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		W32_FN(fn_void_u32, "ExitProcess")(7);
	waitpid(pid, &status, 0);
	W32_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "ExitProcess(7) exits with 7");
	pid = fork();
	if (pid == 0)
		W32_FN(fn_term, "TerminateProcess")((void *)(intptr_t)-1, 9);
	waitpid(pid, &status, 0);
	W32_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9,
		  "TerminateProcess(GetCurrentProcess(), 9) exits with 9");
}

/* ---- virtual memory ---------------------------------------------------------------- */

static void test_virtual_memory(void)
{
	fn_alloc valloc = W32_FN(fn_alloc, "VirtualAlloc");
	fn_free vfree = W32_FN(fn_free, "VirtualFree");
	fn_protect vprotect = W32_FN(fn_protect, "VirtualProtect");
	fn_query vquery = W32_FN(fn_query, "VirtualQuery");
	struct mbi m;
	uint32_t old = 0;
	uint8_t *p, *r;
	uint16_t info[24];

	p = valloc(NULL, 10000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
	W32_CHECK(p && ((uintptr_t)p & 0xffff) == 0, "VirtualAlloc: 64 KiB-aligned (%p)", (void *)p);
	if (!p)
		return;
	W32_CHECK(p[0] == 0 && p[9999] == 0, "committed memory is zero");
	p[10] = 1;
	W32_CHECK(vquery(p + 100, &m, sizeof(m)) == sizeof(m) && m.base == (uintptr_t)p &&
		  m.alloc_base == (uintptr_t)p && m.region_size >= 12288 &&
		  m.state == MEM_COMMIT && m.protect == PAGE_READWRITE && m.type == MEM_PRIVATE,
		  "VirtualQuery: base, allocation base, size, state, protection, type");
	W32_CHECK(vprotect(p, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE,
		  "VirtualProtect gives the old protection (%u)", old);
	W32_CHECK(vquery(p, &m, sizeof(m)) && m.protect == PAGE_READONLY &&
		  m.region_size == 4096, "the page is read-only now, a region of its own");
	W32_CHECK(!vprotect(p, 4096, PAGE_EXECUTE_READWRITE, &old) &&
		  w32_last_error() == ERROR_DYNAMIC_CODE_BLOCKED,
		  "writable and executable is refused (ERROR_DYNAMIC_CODE_BLOCKED)");
	W32_CHECK(vprotect(p, 4096, PAGE_EXECUTE_READ, &old) && old == PAGE_READONLY,
		  "PAGE_EXECUTE_READ");
	W32_CHECK(!vprotect(p, 4096, PAGE_READWRITE, NULL) && w32_last_error() == 998,
		  "no place for the old protection: ERROR_NOACCESS");
	W32_CHECK(!vquery(p, &m, 8) && w32_last_error() == ERROR_BAD_LENGTH,
		  "VirtualQuery into a short buffer: ERROR_BAD_LENGTH");
	W32_CHECK(!vfree(p, 4096, MEM_RELEASE) && w32_last_error() == ERROR_INVALID_PARAMETER,
		  "MEM_RELEASE with a size is refused");
	W32_CHECK(vfree(p, 0, MEM_RELEASE), "VirtualFree(MEM_RELEASE)");
	W32_CHECK(vquery(p, &m, sizeof(m)) && m.state == MEM_FREE, "released memory is MEM_FREE");
	W32_CHECK(!vfree(p, 0, MEM_RELEASE) && w32_last_error() == ERROR_INVALID_ADDRESS,
		  "released twice: ERROR_INVALID_ADDRESS");
	W32_CHECK(!valloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE) &&
		  w32_last_error() == ERROR_DYNAMIC_CODE_BLOCKED, "VirtualAlloc RWX is refused");
	r = valloc(NULL, 1 << 20, MEM_RESERVE, PAGE_NOACCESS);
	W32_CHECK(r && vquery(r, &m, sizeof(m)) && m.state == 0x2000,
		  "a reservation is MEM_RESERVE");
	W32_CHECK(r && valloc(r + 8192, 100, MEM_COMMIT, PAGE_READWRITE) == r + 8192,
		  "committing a page of it");
	if (r) {
		r[8192] = 5;
		W32_CHECK(vfree(r + 8192, 4096, MEM_DECOMMIT) &&
			  vquery(r + 8192, &m, sizeof(m)) && m.state == 0x2000,
			  "MEM_DECOMMIT gives it back to the reservation");
		W32_CHECK(valloc(r + 8192, 100, MEM_COMMIT, PAGE_READWRITE) && r[8192] == 0,
			  "recommitted, it is zero again");
	}
	W32_CHECK(!valloc((void *)0x1000, 100, MEM_COMMIT, PAGE_READWRITE) &&
		  w32_last_error() == ERROR_INVALID_ADDRESS, "committing outside a reservation");
	/* left reserved: the session unmaps it */
	W32_FN(fn_void_ptr, "GetSystemInfo")(info);
	W32_CHECK(info[0] == 9 && (info[2] | (uint32_t)info[3] << 16) == (uint32_t)getpagesize() &&
		  (info[20] | (uint32_t)info[21] << 16) == 65536,
		  "GetSystemInfo: AMD64, the page size, 64 KiB granularity");
}

/* ---- code pages ----------------------------------------------------------------------- */

static void test_code_pages(void)
{
	fn_mb2wc mb2wc = W32_FN(fn_mb2wc, "MultiByteToWideChar");
	fn_wc2mb wc2mb = W32_FN(fn_wc2mb, "WideCharToMultiByte");
	/* h, e-acute, euro, G clef (U+1D11E, a surrogate pair) */
	static const char utf8[] = "h\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e";
	static const uint16_t want[] = { 'h', 0xe9, 0x20ac, 0xd834, 0xdd1e, 0 };
	uint16_t w[8];
	char back[16];

	W32_CHECK(mb2wc(CP_UTF8, 0, utf8, -1, NULL, 0) == 6, "the length with the NUL: 6 units");
	W32_CHECK(mb2wc(CP_UTF8, 0, utf8, -1, w, 8) == 6 && !memcmp(w, want, sizeof(want)),
		  "UTF-8 to UTF-16, a surrogate pair included");
	W32_CHECK(mb2wc(0, 0, utf8, 3, w, 8) == 2 && w[1] == 0xe9,
		  "CP_ACP is UTF-8; an explicit length converts no NUL");
	W32_CHECK(mb2wc(CP_UTF8, 0, utf8, -1, w, 3) == 0, "a buffer too small fails");
	W32_CHECK(mb2wc(CP_UTF8, 0, "a\xff" "b", 3, w, 8) == 3 && w[1] == 0xfffd,
		  "an invalid byte becomes U+FFFD");
	W32_CHECK(mb2wc(CP_UTF8, 8, "a\xff" "b", 3, w, 8) == 0,
		  "MB_ERR_INVALID_CHARS: an invalid byte fails the call");
	W32_CHECK(mb2wc(1252, 0, "a", 1, w, 8) == 0, "a code page other than UTF-8 is refused");
	W32_CHECK(wc2mb(CP_UTF8, 0, want, -1, NULL, 0, NULL, NULL) == 11,
		  "UTF-16 to UTF-8: the length");
	W32_CHECK(wc2mb(CP_UTF8, 0, want, -1, back, 16, NULL, NULL) == 11 &&
		  !strcmp(back, utf8), "UTF-16 to UTF-8: the round trip");
	w[0] = 0xd800;
	w[1] = 'x';
	W32_CHECK(wc2mb(CP_UTF8, 0, w, 2, back, 16, NULL, NULL) == 4 &&
		  !memcmp(back, "\xef\xbf\xbdx", 4), "a lone surrogate becomes U+FFFD");
	W32_CHECK(wc2mb(CP_UTF8, 0x80, w, 2, back, 16, NULL, NULL) == 0,
		  "WC_ERR_INVALID_CHARS: a lone surrogate fails the call");
	W32_CHECK(wc2mb(CP_UTF8, 0, want, -1, back, 16, "?", NULL) == 0,
		  "UTF-8 takes no default character");
	W32_CHECK(!W32_FN(fn_int_u32_u8, "IsDBCSLeadByteEx")(CP_UTF8, 0xe2),
		  "IsDBCSLeadByteEx: UTF-8 has no DBCS lead bytes");
	W32_CHECK(!W32_FN(fn_int_u32_u8, "IsDBCSLeadByteEx")(932, 0x81) &&
		  w32_last_error() == ERROR_INVALID_PARAMETER, "another code page is refused");
	W32_CHECK(!W32_FN(fn_int_u32, "IsDBCSLeadByte")(0x81), "IsDBCSLeadByte");
}

/* ---- modules --------------------------------------------------------------------------- */

static void test_modules(void)
{
	typedef MS void *(*fn_proc)(void *, const char *);
	typedef MS void *(*fn_libex)(const char *, void *, uint32_t);
	objload_session *s = NULL;
	fn_ptr_ptr by_name;
	fn_proc proc;
	void *h, *k32, *foo_add = NULL, *foo_value = NULL;
	static const uint16_t wname[] = { 'F', 'O', 'O', '.', 'D', 'L', 'L', 0 };
	char path[512], small[5];
	uint16_t wpath[512];

	if (!w32_have_dll) {
		CU_FAIL("x86_64-w64-mingw32-gcc could not build the suite's DLL");
		return;
	}
	if (objload_session_new(&s) != OBJLOAD_OK)
		return;
	snprintf(path, sizeof(path), "%s/foo.dll", w32_dir);
	if (!W32_CHECK(objload_add_file(s, path) == OBJLOAD_OK && objload_link(s) == OBJLOAD_OK,
		       "foo.dll links: %s", objload_errmsg(s))) {
		objload_session_free(s);
		return;
	}
	objload_lookup(s, "foo_add", &foo_add);
	objload_lookup(s, "foo_value", &foo_value);
	by_name = (fn_ptr_ptr)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetModuleHandleA");
	proc = (fn_proc)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetProcAddress");
	h = by_name("foo.dll");
	W32_CHECK(h && !memcmp(h, "MZ", 2), "GetModuleHandleA: the module's base, its headers");
	W32_CHECK(by_name("FOO") == h && by_name("C:\\dlls\\Foo.Dll") == h,
		  "names are compared without case, extension or directory");
	W32_CHECK(((fn_ptr_ptr)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetModuleHandleW"))(
			  (void *)wname) == h, "GetModuleHandleW");
	W32_CHECK(proc(h, "foo_add") == foo_add && foo_add, "GetProcAddress by name");
	/* ld numbers exports by name: foo_add #1, foo_value #2 */
	W32_CHECK(proc(h, (const char *)(uintptr_t)1) == foo_add &&
		  proc(h, (const char *)(uintptr_t)2) == foo_value && !proc(h, (const char *)3),
		  "GetProcAddress by ordinal (foo_add is #1, foo_value #2, nothing #3)");
	W32_CHECK(((MS int (*)(int, int))proc(h, "foo_add"))(2, 3) == 5, "and the function runs");
	W32_CHECK(!proc(h, "nope") &&
		  ((fn_u32_void)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetLastError"))() ==
		  ERROR_PROC_NOT_FOUND, "an unknown name: ERROR_PROC_NOT_FOUND");
	W32_CHECK(!by_name("nope.dll") &&
		  ((fn_u32_void)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetLastError"))() ==
		  ERROR_MOD_NOT_FOUND, "an unknown module: ERROR_MOD_NOT_FOUND");
	W32_CHECK(!by_name(NULL), "GetModuleHandle(NULL): there is no .exe");
	W32_CHECK(((fn_ptr_ptr)bridge_symbol(s, OBJLOAD_CC_MS_X64, "LoadLibraryA"))("foo.dll") == h &&
		  ((fn_libex)bridge_symbol(s, OBJLOAD_CC_MS_X64, "LoadLibraryExA"))("foo", NULL, 0) == h &&
		  ((fn_ptr_ptr)bridge_symbol(s, OBJLOAD_CC_MS_X64, "LoadLibraryW"))((void *)wname) == h,
		  "LoadLibrary finds the session's module");
	W32_CHECK(((fn_int_ptr)bridge_symbol(s, OBJLOAD_CC_MS_X64, "FreeLibrary"))(h),
		  "FreeLibrary");
	k32 = by_name("KERNEL32.DLL");
	W32_CHECK(k32 && proc(k32, "GetTickCount") ==
		  bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetTickCount") &&
		  proc(k32, "GetLastError") == bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetLastError"),
		  "GetProcAddress(kernel32) gives this layer's functions");
	memset(path, 0, sizeof(path));
	W32_CHECK(((fn_filename)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetModuleFileNameA"))(
			  h, path, sizeof(path)) == strlen(path) &&
		  strstr(path, "/foo.dll"), "GetModuleFileNameA (%s)", path);
	W32_CHECK(((fn_filename)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetModuleFileNameA"))(
			  h, small, sizeof(small)) == sizeof(small) && small[4] == 0 &&
		  ((fn_u32_void)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetLastError"))() ==
		  ERROR_INSUFFICIENT_BUFFER, "a short buffer: truncated, ERROR_INSUFFICIENT_BUFFER");
	W32_CHECK(((fn_filename)bridge_symbol(s, OBJLOAD_CC_MS_X64, "GetModuleFileNameW"))(
			  h, wpath, 512) == strlen(path) && wpath[strlen(path) - 1] == 'l',
		  "GetModuleFileNameW");
	objload_session_free(s);
}

/* ---- exceptions ------------------------------------------------------------------------ */

static void test_exception_filter(void)
{
	fn_ptr_ptr set = W32_FN(fn_ptr_ptr, "SetUnhandledExceptionFilter");
	int a, b;

	set(NULL);
	W32_CHECK(set(&a) == NULL && set(&b) == &a && set(NULL) == &b,
		  "SetUnhandledExceptionFilter returns the previous filter");
	W32_CHECK(W32_FN(fn_int_ptr, "UnhandledExceptionFilter")(NULL) == 0,
		  "UnhandledExceptionFilter: EXCEPTION_CONTINUE_SEARCH");
}

/* ---- the thread environment block ---------------------------------------------------- */

static void *w32_thread_teb(void *arg)
{
	objload_session *s = NULL;
	uint64_t self = 1, base = 0, *out = arg;

	if (objload_session_new(&s) != OBJLOAD_OK)
		return NULL;
	if (win32_thread_enter(s) == 0) {
		__asm__ volatile("movq %%gs:0x30, %0" : "=r"(self));
		__asm__ volatile("movq %%gs:0x08, %0" : "=r"(base));
		out[0] = self;
		out[1] = base;
		out[2] = (uint64_t)(uintptr_t)&s;
	}
	objload_session_free(s);
	return NULL;
}

static void test_teb(void)
{
	uint64_t got[3] = { 0, 0, 0 };
	pthread_t t;

	pthread_create(&t, NULL, w32_thread_teb, got);
	pthread_join(t, NULL);
	W32_CHECK(got[0] != 0, "%%gs:0x30 is the TEB's Self pointer");
	W32_CHECK(got[1] > got[2] && got[1] - got[2] < (1u << 24),
		  "%%gs:8 is the top of the thread's stack (0x%llx, a local at 0x%llx)",
		  (unsigned long long)got[1], (unsigned long long)got[2]);
}

/* ---- the C runtime's start-up entry points ----------------------------------------- */

static int w32_order[4], w32_norder;

static MS void w32_init_a(void)
{
	w32_order[w32_norder++] = 1;
}

static MS void w32_init_b(void)
{
	w32_order[w32_norder++] = 2;
}

static MS int w32_init_e0(void)
{
	w32_order[w32_norder++] = 3;
	return 0;
}

static MS int w32_init_e5(void)
{
	return 5;
}

static void test_crt(void)
{
	typedef MS void (*fn_initterm)(void *, void *);
	typedef MS int (*fn_initterm_e)(void *, void *);
	typedef MS size_t (*fn_fwrite)(const void *, size_t, size_t, void *);
	void *table[] = { (void *)w32_init_a, NULL, (void *)w32_init_b };
	void *etable[] = { (void *)w32_init_e0, (void *)w32_init_e5, (void *)w32_init_a };
	static const uint16_t wide[] = { 'a', 0x20ac, 'b', 0 };
	uint8_t *iob;
	FILE *f;
	char buf[16] = "";
	int status = 0;
	pid_t pid;

	W32_FN(fn_initterm, "_initterm")(table, table + 3);
	W32_CHECK(w32_norder == 2 && w32_order[0] == 1 && w32_order[1] == 2,
		  "_initterm runs the table in order, skipping NULL");
	w32_norder = 0;
	W32_CHECK(W32_FN(fn_initterm_e, "_initterm_e")(etable, etable + 3) == 5 &&
		  w32_norder == 1, "_initterm_e stops at the first non-zero result");
	W32_CHECK(W32_FN(fn_ptr_void, "_errno")() == (void *)&errno, "_errno is the thread's errno");
	W32_CHECK(((MS size_t (*)(const uint16_t *))w32_fn("wcslen"))(wide) == 3,
		  "wcslen counts 16-bit units");
	W32_CHECK(((MS int (*)(void))w32_fn("___lc_codepage_func"))() == 0 &&
		  ((MS int (*)(void))w32_fn("___mb_cur_max_func"))() == 1,
		  "the C locale: code page 0, one byte per character");
	iob = W32_FN(fn_ptr_void, "__iob_func")();
	W32_CHECK(iob && ms_x64_stream((FILE *)(iob + 48)) == stdout &&
		  ms_x64_stream((FILE *)(iob + 96)) == stderr && ms_x64_stream((FILE *)iob) == stdin,
		  "__iob_func: msvcrt's stdin, stdout, stderr records (48 bytes each)");
	iob[24 + 48 + 1] |= 0x80;   /* MinGW's _lock_file writes the flag */
	W32_CHECK(W32_FN(fn_ptr_void, "__iob_func")() == iob, "one array per session");
	f = tmpfile();
	if (f) {
		W32_CHECK(ms_x64_stream(f) == f, "a host FILE is left as it is");
		W32_FN(fn_fwrite, "fwrite")("abc", 1, 3, f);
		((MS int (*)(int, FILE *))w32_fn("fputc"))('d', f);
		((MS int (*)(const char *, FILE *))w32_fn("fputs"))("ef", f);
		((MS int (*)(FILE *))w32_fn("fflush"))(f);
		rewind(f);
		W32_CHECK(fgets(buf, sizeof(buf), f) && !strcmp(buf, "abcdef"),
			  "fwrite, fputc, fputs, fflush reach the host stream (%s)", buf);
		fclose(f);
	}
	W32_FN(fn_void_u32, "_lock")(17);
	W32_FN(fn_void_u32, "_lock")(17);   /* recursive */
	W32_FN(fn_void_u32, "_unlock")(17);
	W32_FN(fn_void_u32, "_unlock")(17);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		W32_FN(fn_void_u32, "_amsg_exit")(31);
	}
	waitpid(pid, &status, 0);
	W32_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 255,
		  "_amsg_exit ends the program with status 255");
}

int objload_test_register_win32(void)
{
	static const struct tu_test tests[] = {
		{ "GetLastError, SetLastError", test_last_error },
		{ "TlsAlloc, TlsGetValue, TlsSetValue, TlsFree", test_tls },
		{ "FlsAlloc (callback), FlsGetValue, FlsSetValue, FlsFree", test_fls },
		{ "critical sections, InitializeSListHead", test_critical_section },
		{ "Sleep, GetTickCount, QueryPerformanceCounter, GetSystemTimeAsFileTime", test_time },
		{ "process and thread", test_process },
		{ "VirtualAlloc, VirtualProtect, VirtualQuery, VirtualFree, GetSystemInfo",
		  test_virtual_memory },
		{ "MultiByteToWideChar, WideCharToMultiByte, IsDBCSLeadByte(Ex)", test_code_pages },
		{ "GetModuleHandle, GetProcAddress, LoadLibrary, GetModuleFileName", test_modules },
		{ "SetUnhandledExceptionFilter", test_exception_filter },
		{ "the TEB through %gs", test_teb },
		{ "the C runtime's start-up entry points", test_crt },
	};

	return tu_add_suite("win32", w32_init, w32_clean, tests, TU_COUNT(tests));
}
