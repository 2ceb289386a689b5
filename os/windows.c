/* SPDX-License-Identifier: MIT */
/*
 * The Windows host (os/os.h): objload.exe built by mingw-w64 for Windows
 * x86-64 (tested under wine64).
 *
 * Memory is VirtualAlloc (reserved and committed at once, read-write),
 * protections VirtualProtect, release VirtualFree.  A mapping begins on
 * the 64 KiB allocation granularity, so os_map_granularity says so and the
 * memory managers align groups to it; pages stay 4 KiB.  VirtualAlloc at
 * an address fails when anything is reserved there, which is exactly
 * os_map_at's contract.  An aligned mapping is found by reserving
 * len + align, releasing it and reserving the aligned part again (another
 * thread may take it in between: then it tries again).  One VirtualProtect
 * covers one reservation only, so os_protect walks the reservations of
 * its range.
 *
 * Symbols: the process's global scope is the program's own exports, the
 * C runtime objload.exe is linked with (msvcrt.dll, docs/hosts.md says
 * why), and the system DLLs it has loaded, asked in that order with
 * GetProcAddress; then the parts of the MinGW runtime that are static
 * libraries, not DLL exports (__mingw_vfprintf and its kin, which
 * MinGW-compiled objects call), from a table here.
 *
 * Files are opened with _open (binary) and mapped with CreateFileMapping.
 * A path confined beneath a directory (a thin archive's member) is
 * checked lexically (no drive, no root, no "..") and its final path must
 * lie under the directory's (GetFinalPathNameByHandle resolves links).
 *
 * No fork: os_child_start fails with ENOSYS and `objload compare` says so.
 * Fatal faults are reported from an unhandled-exception filter.
 */
#define WIN32_LEAN_AND_MEAN
#define _CRT_RAND_S          /* rand_s: the system's random numbers */
#include <windows.h>
#include <psapi.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <math.h>
#include <shellapi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "objload.h"
#include "os/os.h"

const char *os_name(void)
{
	return "windows";
}

const char *os_libm_name(void)
{
	return NULL;   /* msvcrt.dll has libm too */
}

int os_is_dir_sep(int c)
{
	return c == '/' || c == '\\';
}

/* ---- locks ------------------------------------------------------------------ */

/* An SRWLOCK is one pointer, all zero when free (SRWLOCK_INIT). */
void os_mutex_init(os_mutex *m)
{
	m->srwlock = NULL;
}

void os_mutex_lock(os_mutex *m)
{
	AcquireSRWLockExclusive((PSRWLOCK)&m->srwlock);
}

void os_mutex_unlock(os_mutex *m)
{
	ReleaseSRWLockExclusive((PSRWLOCK)&m->srwlock);
}

/* Fiber-local storage: FlsAlloc's callback runs at thread exit, as a
 * pthread key's destructor does. */
int os_thread_key_create(os_thread_key *k, void (*destructor)(void *))
{
	DWORD i = FlsAlloc((PFLS_CALLBACK_FUNCTION)destructor);

	if (i == FLS_OUT_OF_INDEXES)
		return -1;
	k->key = i;
	return 0;
}

void os_thread_key_delete(os_thread_key k)
{
	FlsFree((DWORD)k.key);
}

void *os_thread_key_get(os_thread_key k)
{
	return FlsGetValue((DWORD)k.key);
}

int os_thread_key_set(os_thread_key k, void *value)
{
	return FlsSetValue((DWORD)k.key, value) ? 0 : -1;
}

/* ---- memory ---------------------------------------------------------------- */

uint64_t os_page_size(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return si.dwPageSize;
}

uint64_t os_map_granularity(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return si.dwAllocationGranularity;
}

static DWORD page_protection(int prot)
{
	int x = prot & OBJLOAD_PROT_EXEC, w = prot & OBJLOAD_PROT_WRITE;

	if (x)
		return w ? PAGE_EXECUTE_READWRITE : (prot & OBJLOAD_PROT_READ) ?
			PAGE_EXECUTE_READ : PAGE_EXECUTE;
	if (w)
		return PAGE_READWRITE;
	return prot & OBJLOAD_PROT_READ ? PAGE_READONLY : PAGE_NOACCESS;
}

void *os_map_at(uint64_t addr, size_t len, unsigned flags)
{
	void *p;

	(void)flags;   /* committed memory is zero-filled on first touch */
	if (addr % os_map_granularity()) {
		SetLastError(ERROR_INVALID_ADDRESS);
		return NULL;
	}
	p = VirtualAlloc((void *)(uintptr_t)addr, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (p && (uint64_t)(uintptr_t)p != addr) {
		VirtualFree(p, 0, MEM_RELEASE);
		SetLastError(ERROR_INVALID_ADDRESS);
		return NULL;
	}
	return p;
}

void *os_map(size_t len, size_t align, unsigned flags)
{
	uint64_t grain = os_map_granularity();

	(void)flags;   /* no MAP_32BIT: the managers probe the window */
	if (align <= grain)
		return VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	for (int tries = 0; tries < 16; tries++) {
		uint8_t *probe = VirtualAlloc(NULL, len + align, MEM_RESERVE, PAGE_NOACCESS);
		uintptr_t start;
		void *p;

		if (!probe)
			return NULL;
		start = ((uintptr_t)probe + align - 1) & ~(uintptr_t)(align - 1);
		VirtualFree(probe, 0, MEM_RELEASE);
		p = os_map_at(start, len, flags);
		if (p)
			return p;
	}
	return NULL;
}

int os_unmap(void *p, size_t len)
{
	(void)len;   /* a reservation is released whole */
	return VirtualFree(p, 0, MEM_RELEASE) ? 0 : -1;
}

int os_protect(void *p, size_t len, int prot)
{
	uint8_t *at = p, *end = at + len;

	while (at < end) {
		MEMORY_BASIC_INFORMATION mbi;
		uint8_t *region_end;
		DWORD old;
		size_t n;

		if (!VirtualQuery(at, &mbi, sizeof(mbi)))
			return -1;
		region_end = (uint8_t *)mbi.BaseAddress + mbi.RegionSize;
		n = (size_t)((region_end < end ? region_end : end) - at);
		if (!VirtualProtect(at, n, page_protection(prot), &old))
			return -1;
		at += n;
	}
	return 0;
}

void os_populate(void *p, size_t len)
{
	WIN32_MEMORY_RANGE_ENTRY r = { p, len };

	(void)PrefetchVirtualMemory(GetCurrentProcess(), 1, &r, 0);
}

void os_flush_icache(void *p, size_t len)
{
	FlushInstructionCache(GetCurrentProcess(), p, len);
}

static const char *win_error_text(DWORD code, char *buf, size_t len)
{
	DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
				 NULL, code, 0, buf, (DWORD)len, NULL);

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == '.'))
		buf[--n] = '\0';
	if (!n)
		snprintf(buf, len, "Windows error %lu", (unsigned long)code);
	return buf;
}

void *os_aligned_alloc(size_t size, size_t align)
{
	return _aligned_malloc(size ? size : 1, align);
}

void os_aligned_free(void *p)
{
	_aligned_free(p);
}

const char *os_error(char *buf, size_t len)
{
	DWORD code = GetLastError();

	if (!code && errno)
		return snprintf(buf, len, "%s", strerror(errno)), buf;
	return win_error_text(code, buf, len);
}

/* ---- files ----------------------------------------------------------------- */

struct os_dir {
	char path[MAX_PATH];
};

int os_dir_open(const char *path, os_dir **out)
{
	DWORD attr = GetFileAttributesA(path);
	os_dir *d;

	*out = NULL;
	if (attr == INVALID_FILE_ATTRIBUTES)
		return ENOENT;
	if (!(attr & FILE_ATTRIBUTE_DIRECTORY))
		return ENOTDIR;
	d = malloc(sizeof(*d));
	if (!d)
		return ENOMEM;
	if (snprintf(d->path, sizeof(d->path), "%s", path) >= (int)sizeof(d->path)) {
		free(d);
		return ENAMETOOLONG;
	}
	*out = d;
	return 0;
}

void os_dir_close(os_dir *d)
{
	free(d);
}

/* No drive, no root, no "..": the lexical half of confinement. */
static int path_stays_beneath(const char *path)
{
	const char *p = path;

	if (!path[0] || os_is_dir_sep(path[0]) || strchr(path, ':'))
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/\\");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p && os_is_dir_sep(*p))
			p++;
	}
	return 1;
}

/* The final path of an open file or directory handle (links resolved). */
static int handle_path(HANDLE h, char *out, size_t len)
{
	DWORD n = GetFinalPathNameByHandleA(h, out, (DWORD)len, FILE_NAME_NORMALIZED);

	return n == 0 || n >= len ? -1 : 0;
}

static int file_beneath_dir(int fd, const char *dir)
{
	char d[MAX_PATH * 2], f[MAX_PATH * 2];
	HANDLE dh = CreateFileA(dir, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	size_t dl;
	int ok = 0;

	if (dh == INVALID_HANDLE_VALUE)
		return 0;
	if (!handle_path(dh, d, sizeof(d)) &&
	    !handle_path((HANDLE)_get_osfhandle(fd), f, sizeof(f))) {
		dl = strlen(d);
		ok = _strnicmp(f, d, dl) == 0 && os_is_dir_sep(f[dl]);
	}
	CloseHandle(dh);
	return ok;
}

int os_file_open(const os_dir *dir, const char *path, int beneath, os_file *f)
{
	char full[MAX_PATH * 2];
	struct _stat64 st;
	BY_HANDLE_FILE_INFORMATION info;
	const char *name = path;
	int fd;

	f->fd = -1;
	if (beneath && !path_stays_beneath(path))
		return OS_FILE_ESCAPES;
	if (dir) {
		if (snprintf(full, sizeof(full), "%s/%s", dir->path, path) >= (int)sizeof(full))
			return ENAMETOOLONG;
		name = full;
	}
	/* A device name (NUL, CON) or a directory is never read. */
	if (GetFileAttributesA(name) != INVALID_FILE_ATTRIBUTES &&
	    (GetFileAttributesA(name) & FILE_ATTRIBUTE_DIRECTORY))
		return OS_FILE_NOT_REGULAR;
	fd = _open(name, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
	if (fd < 0)
		return errno;
	if (_fstat64(fd, &st) < 0) {
		int e = errno;

		_close(fd);
		return e;
	}
	if (!(st.st_mode & _S_IFREG) || GetFileType((HANDLE)_get_osfhandle(fd)) != FILE_TYPE_DISK) {
		_close(fd);
		return OS_FILE_NOT_REGULAR;
	}
	if (beneath && dir && !file_beneath_dir(fd, dir->path)) {
		_close(fd);
		return OS_FILE_ESCAPES;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->dev = f->ino = 0;
	if (GetFileInformationByHandle((HANDLE)_get_osfhandle(fd), &info)) {
		f->dev = info.dwVolumeSerialNumber;
		f->ino = (uint64_t)info.nFileIndexHigh << 32 | info.nFileIndexLow;
	}
	return 0;
}

int os_file_read_at(const os_file *f, void *buf, size_t len, uint64_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(f->fd);
	size_t got = 0;

	while (got < len) {
		OVERLAPPED ov = { 0 };
		DWORD want = len - got > 0x40000000u ? 0x40000000u : (DWORD)(len - got), n = 0;

		ov.Offset = (DWORD)(off + got);
		ov.OffsetHigh = (DWORD)((off + got) >> 32);
		if (!ReadFile(h, (char *)buf + got, want, &n, &ov))
			return GetLastError() == ERROR_HANDLE_EOF ? -1 : EIO;
		if (n == 0)
			return -1;
		got += n;
	}
	return 0;
}

void *os_file_map(const os_file *f, size_t len, int prefault)
{
	HANDLE m = CreateFileMappingA((HANDLE)_get_osfhandle(f->fd), NULL, PAGE_READONLY, 0, 0, NULL);
	void *p;

	if (!m)
		return NULL;
	p = MapViewOfFile(m, FILE_MAP_READ, 0, 0, len);
	CloseHandle(m);   /* the view keeps the mapping */
	if (p && prefault)
		os_populate(p, len);
	return p;
}

void os_file_unmap(void *p, size_t len)
{
	(void)len;
	UnmapViewOfFile(p);
}

void os_file_close(os_file *f)
{
	if (f->fd >= 0)
		_close(f->fd);
	f->fd = -1;
}

const char *os_strerror(int err)
{
	return strerror(err);
}

os_path_kind os_path_kind_of(const char *path)
{
	DWORD attr = GetFileAttributesA(path);

	if (attr == INVALID_FILE_ATTRIBUTES)
		return OS_PATH_NONE;
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return OS_PATH_DIR;
	if (attr & FILE_ATTRIBUTE_DEVICE)
		return OS_PATH_OTHER;
	return OS_PATH_FILE;
}

const char *os_path_unsafe(const char *path)
{
	(void)path;   /* ACLs, not modes: the installer's business */
	return NULL;
}

int os_path_readable(const char *path)
{
	return _access(path, 4) == 0;
}

int os_realpath(const char *path, char *out, size_t len)
{
	DWORD n;

	if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES)
		return -1;
	n = GetFullPathNameA(path, (DWORD)len, out, NULL);
	return n == 0 || n >= len ? -1 : 0;
}

int os_dir_each(const char *dir, int (*fn)(void *ctx, const char *name), void *ctx)
{
	char pattern[MAX_PATH * 2];
	WIN32_FIND_DATAA fd;
	HANDLE h;

	if (snprintf(pattern, sizeof(pattern), "%s\\*", dir) >= (int)sizeof(pattern))
		return -1;
	h = FindFirstFileA(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	do {
		if (fn(ctx, fd.cFileName))
			break;
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	return 0;
}

/* ---- the host's libraries and symbols ------------------------------------- */

void *os_lib_open(const char *path, unsigned flags, char *err, size_t errlen)
{
	HMODULE h;

	if (flags & OS_LIB_NOLOAD) {
		/* a counted reference to a module already loaded */
		if (!GetModuleHandleExA(0, path, &h))
			h = NULL;
	} else {
		h = LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	}
	if (!h && err && errlen)
		win_error_text(GetLastError(), err, errlen);
	return (void *)h;
}

void *os_lib_symbol(void *lib, const char *name)
{
	FARPROC p = GetProcAddress((HMODULE)lib, name);
	void *v;

	memcpy(&v, &p, sizeof(v));
	return v;
}

void os_lib_close(void *lib)
{
	if (lib)
		FreeLibrary((HMODULE)lib);
}

/* Statically linked parts of the MinGW C runtime that MinGW-compiled
 * objects call (libmingwex.a): no DLL exports them, so objload.exe lists
 * the copies it carries.  Taking their address links them in. */
extern int __mingw_vfprintf(FILE *, const char *, va_list);
extern int __mingw_vsnprintf(char *, size_t, const char *, va_list);
extern int __mingw_vsprintf(char *, const char *, va_list);
extern int __mingw_vprintf(const char *, va_list);
extern int __mingw_printf(const char *, ...);
extern int __mingw_fprintf(FILE *, const char *, ...);
extern int __mingw_sprintf(char *, const char *, ...);
extern int __mingw_snprintf(char *, size_t, const char *, ...);
extern int __mingw_vfscanf(FILE *, const char *, va_list);
extern int __mingw_vsscanf(const char *, const char *, va_list);
/* MinGW's main() calls __main to run the program's constructors; it
 * has run them for objload.exe already, and objload runs the objects' */
extern void __main(void);

/* C99's <math.h> beyond what msvcrt.dll has, from libmingwex.a */
#define MINGW_MATH(X) X(round) X(trunc) X(exp2) X(log2) X(cbrt) X(hypot) X(fmin) \
	X(fmax) X(fdim) X(remainder) X(nearbyint) X(rint) X(expm1) X(log1p) \
	X(asinh) X(acosh) X(atanh) X(erf) X(erfc) X(tgamma) X(lgamma) X(fma) \
	X(copysign) X(nextafter) X(scalbn) X(logb) X(ilogb) X(remquo) \
	X(roundf) X(truncf) X(sqrtf) X(fabsf) X(floorf) X(ceilf) X(sinf) X(cosf) \
	X(expf) X(logf) X(powf)
#define MINGW_MATH_ENTRY(f) { #f, (void *)f },

static const struct {
	const char *name;
	void *addr;
} mingw_static[] = {
	MINGW_MATH(MINGW_MATH_ENTRY)
	{ "__mingw_vfprintf", (void *)__mingw_vfprintf },
	{ "__mingw_vsnprintf", (void *)__mingw_vsnprintf },
	{ "__mingw_vsprintf", (void *)__mingw_vsprintf },
	{ "__mingw_vprintf", (void *)__mingw_vprintf },
	{ "__mingw_printf", (void *)__mingw_printf },
	{ "__mingw_fprintf", (void *)__mingw_fprintf },
	{ "__mingw_sprintf", (void *)__mingw_sprintf },
	{ "__mingw_snprintf", (void *)__mingw_snprintf },
	{ "__mingw_vfscanf", (void *)__mingw_vfscanf },
	{ "__mingw_vsscanf", (void *)__mingw_vsscanf },
	/* libmsvcrt.a's stand-in for UCRT's stream table (<stdio.h>) */
	{ "__acrt_iob_func", (void *)__acrt_iob_func },
	{ "__main", (void *)__main },
};

/* The modules of the global scope after the program, in order. */
static const char *const scope_dlls[] = {
	"msvcrt.dll", "kernel32.dll", "kernelbase.dll", "ntdll.dll", "user32.dll",
	"advapi32.dll", "ws2_32.dll",
};

void *os_host_symbol(const char *name)
{
	void *p = os_lib_symbol(GetModuleHandleA(NULL), name);

	for (size_t i = 0; !p && i < sizeof(scope_dlls) / sizeof(scope_dlls[0]); i++) {
		HMODULE h = GetModuleHandleA(scope_dlls[i]);

		if (h)
			p = os_lib_symbol(h, name);
	}
	for (size_t i = 0; !p && i < sizeof(mingw_static) / sizeof(mingw_static[0]); i++)
		if (strcmp(mingw_static[i].name, name) == 0)
			p = mingw_static[i].addr;
	return p;
}

int os_host_address_is_code(uint64_t addr)
{
	MEMORY_BASIC_INFORMATION mbi;

	if (!VirtualQuery((void *)(uintptr_t)addr, &mbi, sizeof(mbi)) || mbi.State != MEM_COMMIT)
		return 0;
	return (mbi.Protect & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE |
			       PAGE_EXECUTE_WRITECOPY)) != 0;
}

int os_host_object_size(uint64_t addr, const char *name, uint64_t *size)
{
	(void)addr;   /* PE exports carry no sizes */
	(void)name;
	(void)size;
	return 0;
}

static HMODULE module_of(const void *p)
{
	HMODULE h = NULL;

	if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
				GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)p, &h))
		return NULL;
	return h;
}

const char *os_host_file_of(const void *p, char *buf, size_t len)
{
	HMODULE h = module_of(p);
	DWORD n;

	if (!h)
		return NULL;
	n = GetModuleFileNameA(h, buf, (DWORD)len);
	return n == 0 || n >= len ? NULL : buf;
}

const char *os_host_symbol_at(const void *p)
{
	(void)p;   /* no reverse lookup of PE exports here */
	return NULL;
}

int os_self_file(char *buf, size_t len, int *is_library)
{
	HMODULE self = module_of((const void *)(uintptr_t)&os_self_file);
	DWORD n;

	if (!self)
		return -1;
	*is_library = self != GetModuleHandleA(NULL);
	n = GetModuleFileNameA(self, buf, (DWORD)len);
	return n == 0 || n >= len ? -1 : 0;
}

/* ---- time, identity, randomness -------------------------------------------- */

uint64_t os_now_ns(void)
{
	LARGE_INTEGER c, f;

	QueryPerformanceCounter(&c);
	QueryPerformanceFrequency(&f);
	return (uint64_t)(c.QuadPart / f.QuadPart) * 1000000000ull +
	       (uint64_t)(c.QuadPart % f.QuadPart) * 1000000000ull / (uint64_t)f.QuadPart;
}

int os_random(void *buf, size_t len)
{
	unsigned char *b = buf;

	for (size_t i = 0; i < len; i += sizeof(unsigned)) {
		unsigned v;

		if (rand_s(&v))
			return -1;
		memcpy(b + i, &v, len - i < sizeof(v) ? len - i : sizeof(v));
	}
	return 0;
}

int os_debugger_attached(void)
{
	return IsDebuggerPresent() != 0;
}

uint64_t os_hwcap(void)
{
	return 0;
}

long os_pid(void)
{
	return (long)GetCurrentProcessId();
}

int os_perf_map_path(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;   /* perf(1) is Linux's */
}

/* ---- exit-time handlers ------------------------------------------------------ */

/*
 * The Microsoft C runtime has atexit but no __cxa_finalize: handlers
 * cannot be run early for one module.  So the handlers of every session
 * are one list here, newest first, run by one atexit() hook at exit() or
 * per session by os_finalize.  This is the one piece of process-wide
 * state of the Windows host layer, as the C library's own atexit list is
 * on other hosts; a lock guards it (loaded code may register from
 * several threads).
 */
struct exit_handler {
	void (*fn)(void *);
	void *arg, *dso;
	struct exit_handler *next;
};

static SRWLOCK exit_lock = SRWLOCK_INIT;
static struct exit_handler *exit_handlers;
static int exit_hooked;

/* Unlink the newest handler of dso (any when dso is NULL). */
static struct exit_handler *exit_take(void *dso)
{
	struct exit_handler **pp, *h = NULL;

	AcquireSRWLockExclusive(&exit_lock);
	for (pp = &exit_handlers; *pp; pp = &(*pp)->next)
		if (!dso || (*pp)->dso == dso) {
			h = *pp;
			*pp = h->next;
			break;
		}
	ReleaseSRWLockExclusive(&exit_lock);
	return h;
}

void os_finalize(void *dso)
{
	struct exit_handler *h;

	while ((h = exit_take(dso)) != NULL) {
		h->fn(h->arg);   /* may register more: they run in this loop */
		free(h);
	}
}

static void exit_run_all(void)
{
	os_finalize(NULL);
}

int os_atexit(void (*fn)(void *), void *arg, void *dso)
{
	struct exit_handler *h = malloc(sizeof(*h));
	int hook;

	if (!h)
		return -1;
	h->fn = fn;
	h->arg = arg;
	h->dso = dso;
	AcquireSRWLockExclusive(&exit_lock);
	h->next = exit_handlers;
	exit_handlers = h;
	hook = !exit_hooked;
	exit_hooked = 1;
	ReleaseSRWLockExclusive(&exit_lock);
	return hook && atexit(exit_run_all) ? -1 : 0;
}

int os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso)
{
	(void)prepare;
	(void)parent;
	(void)child;
	(void)dso;
	return 0;   /* no fork: the handlers never run */
}

int os_at_quick_exit(void (*fn)(void), void *dso)
{
	(void)fn;
	(void)dso;
	return -1;   /* msvcrt.dll has no quick_exit */
}

/* ---- signals ----------------------------------------------------------------- */

void os_signals_reset(int (*is_ours)(void *ctx, void *handler), void *ctx)
{
	static const int sigs[] = { SIGINT, SIGILL, SIGFPE, SIGSEGV, SIGTERM, SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		void (*h)(int) = signal(sigs[i], SIG_DFL);

		if (h != SIG_ERR && !is_ours(ctx, (void *)(uintptr_t)h))
			signal(sigs[i], h);   /* someone else's: put it back */
	}
}

/* The crash reporter of the process: an exception filter has nowhere
 * else to find it.  Set once by os_fatal_handler. */
static void (*fatal_report)(const os_fatal *f);

static const char *exception_name(DWORD code)
{
	switch (code) {
	case EXCEPTION_ACCESS_VIOLATION: return "EXCEPTION_ACCESS_VIOLATION";
	case EXCEPTION_ILLEGAL_INSTRUCTION: return "EXCEPTION_ILLEGAL_INSTRUCTION";
	case EXCEPTION_INT_DIVIDE_BY_ZERO: return "EXCEPTION_INT_DIVIDE_BY_ZERO";
	case EXCEPTION_STACK_OVERFLOW: return "EXCEPTION_STACK_OVERFLOW";
	case EXCEPTION_BREAKPOINT: return "EXCEPTION_BREAKPOINT";
	case EXCEPTION_PRIV_INSTRUCTION: return "EXCEPTION_PRIV_INSTRUCTION";
	default: return "exception";
	}
}

/* No walk: the filter runs on the faulting thread's stack, but a walk
 * from here would need the unwind tables objload does not register on
 * this host (.pdata); the report names the faulting frame only. */
static int no_walk(void **frames, int max)
{
	(void)frames;
	(void)max;
	return 0;
}

static LONG WINAPI fatal_filter(EXCEPTION_POINTERS *ep)
{
	const EXCEPTION_RECORD *er = ep->ExceptionRecord;
	os_fatal f = { .name = exception_name(er->ExceptionCode), .walk = no_walk };

	f.sig = er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION ? SIGSEGV :
		er->ExceptionCode == EXCEPTION_ILLEGAL_INSTRUCTION ? SIGILL :
		er->ExceptionCode == EXCEPTION_INT_DIVIDE_BY_ZERO ? SIGFPE : SIGABRT;
	f.pc = (uint64_t)(uintptr_t)er->ExceptionAddress;
	if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2) {
		f.has_addr = 1;
		f.addr = (uint64_t)er->ExceptionInformation[1];
	}
	if (fatal_report)
		fatal_report(&f);
	return EXCEPTION_CONTINUE_SEARCH;   /* and the process ends of it */
}

void os_fatal_handler(void (*report)(const os_fatal *f))
{
	fatal_report = report;
	SetUnhandledExceptionFilter(fatal_filter);
}

void os_write_stderr(const char *buf, size_t len)
{
	DWORD n;

	while (len && WriteFile(GetStdHandle(STD_ERROR_HANDLE), buf, (DWORD)len, &n, NULL) && n) {
		buf += n;
		len -= n;
	}
}

/* ---- child processes ------------------------------------------------------- */

int os_child_start(os_child *c, void (*fn)(void *ctx, int fd), void *ctx)
{
	(void)c;
	(void)fn;
	(void)ctx;
	errno = ENOSYS;   /* no fork on Windows */
	return -1;
}

char *os_child_read_report(os_child *c, uint64_t deadline_ns, int *timed_out)
{
	(void)c;
	(void)deadline_ns;
	*timed_out = 0;
	return NULL;
}

int os_child_wait(os_child *c, uint64_t deadline_ns, int kill_now, os_child_status *st)
{
	(void)c;
	(void)deadline_ns;
	(void)kill_now;
	memset(st, 0, sizeof(*st));
	errno = ENOSYS;
	return -1;
}

void os_args_utf8(int *argc, char ***argv)
{
	int n = 0;
	wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
	char **out;

	if (!w)
		return;
	out = calloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; out && i < n; i++) {
		int len = WideCharToMultiByte(CP_UTF8, 0, w[i], -1, NULL, 0, NULL, NULL);

		if (len <= 0 || !(out[i] = malloc((size_t)len)) ||
		    !WideCharToMultiByte(CP_UTF8, 0, w[i], -1, out[i], len, NULL, NULL)) {
			LocalFree(w);
			return;   /* keep the ANSI arguments (the copies are lost) */
		}
	}
	LocalFree(w);
	if (!out)
		return;
	*argc = n;
	*argv = out;
}

void os_stdio_binary(void)
{
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
	_setmode(2, _O_BINARY);
}

int os_fatal_handler_installed(void)
{
	return 0;   /* the report reads the faulting frame only: no walk */
}

void os_fatal_signals_default(void)
{
	static const int sigs[] = { SIGSEGV, SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

void os_silence_stdio(void)
{
	int null = _open("NUL", _O_RDWR);

	if (null >= 0) {
		_dup2(null, 0);
		_dup2(null, 1);
		_dup2(null, 2);
		_close(null);
	}
}

FILE *os_fdopen_write(int fd)
{
	return _fdopen(fd, "w");
}

const char *os_signal_text(int sig)
{
	switch (sig) {
	case SIGSEGV: return "Segmentation fault";
	case SIGILL: return "Illegal instruction";
	case SIGFPE: return "Floating point exception";
	case SIGABRT: return "Aborted";
	case SIGINT: return "Interrupt";
	case SIGTERM: return "Terminated";
	default: return "Unknown signal";
	}
}
