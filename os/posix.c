/* SPDX-License-Identifier: MIT */
/*
 * The POSIX host (os/os.h): Linux on x86-64 and AArch64.
 *
 * Memory is anonymous mmap, protections mprotect; a mapping at an exact
 * address uses MAP_FIXED_NOREPLACE, which never replaces what is there
 * (a kernel older than 4.17 takes it as a hint: the result is checked).
 * Symbols come from the dynamic loader (dlsym(RTLD_DEFAULT), dlopen);
 * which host address is code, and the size of a host data object, from
 * the loaded objects' program headers and dynamic symbol tables.
 *
 * Inputs are opened with O_NONBLOCK (opening a FIFO or a terminal never
 * waits) and fstat refuses anything but a regular file before a byte is
 * read.  A path confined beneath a directory (a thin archive's member) is
 * opened with openat2(RESOLVE_BENEATH), which the kernel enforces for
 * "..", absolute paths and symbolic links alike; where openat2 is missing
 * (Linux < 5.6, or a seccomp filter) the path is checked lexically and the
 * opened file's real path must lie under the directory's.
 *
 * A macOS port starts here: docs/hosts.md lists what changes (MAP_JIT and
 * pthread_jit_write_protect_np in os_map/os_protect, sys_icache_invalidate
 * in os_flush_icache, dyld's images in the symbol functions).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __has_include
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "objload.h"
#include "os/os.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* Linux 5.14 */
#endif
#ifndef MAP_32BIT
#define MAP_32BIT 0              /* only x86-64 has it; the window probe does the rest */
#endif

const char *os_name(void)
{
	return "linux";
}

const char *os_libm_name(void)
{
	return "libm.so.6";
}

int os_is_dir_sep(int c)
{
	return c == '/';
}

/* ---- locks ------------------------------------------------------------------ */

void os_mutex_init(os_mutex *m)
{
	const os_mutex init = OS_MUTEX_INIT;

	*m = init;
}

void os_mutex_lock(os_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void os_mutex_unlock(os_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

int os_thread_key_create(os_thread_key *k, void (*destructor)(void *))
{
	pthread_key_t key;

	if (pthread_key_create(&key, destructor))
		return -1;
	k->key = (uintptr_t)key;
	return 0;
}

void os_thread_key_delete(os_thread_key k)
{
	pthread_key_delete((pthread_key_t)k.key);
}

void *os_thread_key_get(os_thread_key k)
{
	return pthread_getspecific((pthread_key_t)k.key);
}

int os_thread_key_set(os_thread_key k, void *value)
{
	return pthread_setspecific((pthread_key_t)k.key, value) ? -1 : 0;
}

/* ---- memory ---------------------------------------------------------------- */

uint64_t os_page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t os_map_granularity(void)
{
	return os_page_size();
}

static int prot_bits(int prot)
{
	return (prot & OBJLOAD_PROT_READ ? PROT_READ : 0) |
	       (prot & OBJLOAD_PROT_WRITE ? PROT_WRITE : 0) |
	       (prot & OBJLOAD_PROT_EXEC ? PROT_EXEC : 0);
}

void *os_map_at(uint64_t addr, size_t len, unsigned flags)
{
	void *p = mmap((void *)(uintptr_t)addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
		       (flags & OS_MAP_POPULATE ? MAP_POPULATE : 0), -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uint64_t)(uintptr_t)p != addr) {
		munmap(p, len);   /* an old kernel took the address as a hint */
		errno = EEXIST;
		return NULL;
	}
	return p;
}

void *os_map(size_t len, size_t align, unsigned flags)
{
	size_t page = (size_t)os_page_size();
	size_t want = len + (align > page ? align : 0);
	int mflags = MAP_PRIVATE | MAP_ANONYMOUS;
	uint8_t *p, *s;
	uintptr_t start;

	if (want < len)
		return NULL;
	if (flags & OS_MAP_LOW)
		mflags |= MAP_32BIT;
	/* populate only what is kept for sure: no alignment slack */
	if ((flags & OS_MAP_POPULATE) && want == len)
		mflags |= MAP_POPULATE;
	p = mmap(NULL, want, PROT_READ | PROT_WRITE, mflags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (want == len)
		return p;
	/* trim the alignment slack on both sides */
	start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	s = (uint8_t *)start;
	if (s > p)
		munmap(p, (size_t)(s - p));
	if (p + want > s + len)
		munmap(s + len, (size_t)(p + want - (s + len)));
	return s;
}

int os_unmap(void *p, size_t len)
{
	return munmap(p, len);
}

int os_protect(void *p, size_t len, int prot)
{
	return mprotect(p, len, prot_bits(prot));
}

void os_populate(void *p, size_t len)
{
	(void)madvise(p, len, MADV_POPULATE_WRITE);   /* an older kernel faults them in */
}

void os_flush_icache(void *p, size_t len)
{
	__builtin___clear_cache((char *)p, (char *)p + len);
}

void *os_aligned_alloc(size_t size, size_t align)
{
	void *p;

	return posix_memalign(&p, align, size ? size : 1) ? NULL : p;
}

void os_aligned_free(void *p)
{
	free(p);
}

const char *os_error(char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(errno));
	return buf;
}

/* ---- files ----------------------------------------------------------------- */

struct os_dir {
	int fd;
};

#define INPUT_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

int os_dir_open(const char *path, os_dir **out)
{
	os_dir *d = malloc(sizeof(*d));

	*out = NULL;
	if (!d)
		return ENOMEM;
	d->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		int e = errno;

		free(d);
		return e;
	}
	*out = d;
	return 0;
}

void os_dir_close(os_dir *d)
{
	if (!d)
		return;
	close(d->fd);
	free(d);
}

/* No "..", no absolute path: the lexical half of confinement. */
static int path_stays_beneath(const char *path)
{
	const char *p = path;

	if (path[0] == '/' || !path[0])
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

/* The real path of an open descriptor, through /proc. */
static int fd_realpath(int fd, char *out, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len - 1);
	if (n < 0 || (size_t)n >= len - 1)
		return -1;
	out[n] = '\0';
	return 0;
}

/* The descriptor, or -1 with *err an errno value or OS_FILE_ESCAPES. */
static int open_beneath(int dirfd, const char *path, int *err)
{
	char dir[PATH_MAX], file[PATH_MAX];
	size_t dl;
	int fd;

#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how how;
	long r;

	memset(&how, 0, sizeof(how));
	how.flags = INPUT_OPEN_FLAGS;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (r >= 0)
		return (int)r;
	if (errno == EXDEV) {
		*err = OS_FILE_ESCAPES;
		return -1;
	}
	if (errno != ENOSYS && errno != EPERM) {
		*err = errno;
		return -1;
	}
	/* no openat2 (or a seccomp filter refusing it): the fallback */
#endif
	if (!path_stays_beneath(path)) {
		*err = OS_FILE_ESCAPES;
		return -1;
	}
	fd = openat(dirfd, path, INPUT_OPEN_FLAGS);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	dl = 0;
	if (!fd_realpath(dirfd, dir, sizeof(dir)) && !fd_realpath(fd, file, sizeof(file))) {
		dl = strlen(dir);
		if (strncmp(file, dir, dl) == 0 && (dl == 1 || file[dl] == '/'))
			return fd;
	}
	close(fd);
	*err = OS_FILE_ESCAPES;
	return -1;
}

int os_file_open(const os_dir *dir, const char *path, int beneath, os_file *f)
{
	int dirfd = dir ? dir->fd : AT_FDCWD;
	struct stat st;
	int fd;

	f->fd = -1;
	if (beneath) {
		int err = 0;

		fd = open_beneath(dirfd, path, &err);
		if (fd < 0)
			return err;
	} else {
		fd = openat(dirfd, path, INPUT_OPEN_FLAGS);
		if (fd < 0)
			return errno;
	}
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return OS_FILE_NOT_REGULAR;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	return 0;
}

int os_file_read_at(const os_file *f, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(f->fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return errno;
		if (r == 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

void *os_file_map(const os_file *f, size_t len, int prefault)
{
	/* MAP_POPULATE when every page will be read: one call instead of
	 * one fault per 16 pages.  File pages, shared with the page cache. */
	void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | (prefault ? MAP_POPULATE : 0),
		       f->fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void os_file_unmap(void *p, size_t len)
{
	munmap(p, len);
}

void os_file_close(os_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

const char *os_strerror(int err)
{
	return strerror(err);
}

os_path_kind os_path_kind_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return OS_PATH_NONE;
	if (S_ISREG(st.st_mode))
		return OS_PATH_FILE;
	if (S_ISDIR(st.st_mode))
		return OS_PATH_DIR;
	return OS_PATH_OTHER;
}

const char *os_path_unsafe(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	if (st.st_mode & S_IWOTH)
		return "any user may write to it";
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return "it belongs to neither root nor the user running objload";
	return NULL;
}

int os_path_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int os_realpath(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];

	if (!realpath(path, buf) || strlen(buf) >= len)
		return -1;
	strcpy(out, buf);
	return 0;
}

int os_dir_each(const char *dir, int (*fn)(void *ctx, const char *name), void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (fn(ctx, de->d_name))
			break;
	closedir(d);
	return 0;
}

/* ---- the host's libraries and symbols ------------------------------------- */

/* dl_iterate_phdr: is a module whose file name is `name` loaded? */
static int module_named(struct dl_phdr_info *info, size_t size, void *name)
{
	const char *slash = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
	const char *base = slash ? slash + 1 : info->dlpi_name;

	(void)size;
	return base && strcmp(base, name) == 0;
}

void *os_lib_open(const char *path, unsigned flags, char *err, size_t errlen)
{
	void *h;

	/* a bare file name the process has not loaded: the list of modules
	 * says so at once, where RTLD_NOLOAD alone still looks for the
	 * file along the search path */
	if ((flags & OS_LIB_NOLOAD) && !strchr(path, '/') &&
	    !dl_iterate_phdr(module_named, (void *)(uintptr_t)path)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: not loaded", path);
		return NULL;
	}
	dlerror();
	h = dlopen(path, (flags & OS_LIB_LAZY ? RTLD_LAZY : RTLD_NOW) | RTLD_LOCAL |
			 (flags & OS_LIB_NOLOAD ? RTLD_NOLOAD : 0));
	if (!h && err && errlen) {
		const char *e = dlerror();

		snprintf(err, errlen, "%s", e ? e : "cannot open");
	}
	return h;
}

void *os_lib_symbol(void *lib, const char *name)
{
	return dlsym(lib, name);
}

void os_lib_close(void *lib)
{
	if (lib)
		dlclose(lib);
}

void *os_host_symbol(const char *name)
{
	dlerror();
	return dlsym(RTLD_DEFAULT, name);
}

struct code_query {
	uint64_t addr;
	int is_code;
};

static int find_code_segment(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct code_query *q = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && q->addr >= start &&
		    q->addr - start < ph->p_memsz) {
			q->is_code = (ph->p_flags & PF_X) != 0;
			return 1;
		}
	}
	return 0;
}

/* (A function's address may be an IFUNC's implementation, which has no
 * exported symbol of its own: the segment says.) */
int os_host_address_is_code(uint64_t addr)
{
	struct code_query q = { .addr = addr, .is_code = 0 };

	dl_iterate_phdr(find_code_segment, &q);
	return q.is_code;
}

/* The number of entries of a dynamic symbol table, from DT_HASH or, when
 * only DT_GNU_HASH is there, from the highest symbol its chains reach. */
static size_t dynsym_count(const ElfW(Word) *hash, const uint32_t *gnu)
{
	uint32_t nbuckets, symoffset, bloom, last = 0;
	const uint32_t *buckets, *chain;

	if (hash)
		return hash[1];
	if (!gnu)
		return 0;
	nbuckets = gnu[0];
	symoffset = gnu[1];
	bloom = gnu[2];
	buckets = gnu + 4 + bloom * (sizeof(ElfW(Addr)) / 4);
	chain = buckets + nbuckets;
	for (uint32_t b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return (size_t)last + 1;
}

/* From the dynamic symbol table of the object holding it.  (dladdr1 may
 * name another symbol at the same address, such as a size-0 __bss_start.) */
int os_host_object_size(uint64_t addr, const char *name, uint64_t *size)
{
	struct link_map *lm = NULL;
	const ElfW(Sym) *symtab = NULL;
	const ElfW(Word) *hash = NULL;
	const uint32_t *gnu = NULL;
	const char *strtab = NULL;
	Dl_info info;
	size_t n;

	if (!dladdr1((void *)(uintptr_t)addr, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return 0;
	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++) {
		ElfW(Addr) p = d->d_un.d_ptr;

		/* glibc relocates these in place; be safe if it did not */
		if (p < lm->l_addr)
			p += lm->l_addr;
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_HASH: hash = (const ElfW(Word) *)p; break;
		case DT_GNU_HASH: gnu = (const uint32_t *)p; break;
		default: break;
		}
	}
	if (!symtab || !strtab)
		return 0;
	n = dynsym_count(hash, gnu);
	for (size_t i = 0; i < n; i++) {
		const ElfW(Sym) *sym = &symtab[i];

		if (sym->st_shndx == SHN_UNDEF || !sym->st_size ||
		    lm->l_addr + sym->st_value != addr ||
		    strcmp(strtab + sym->st_name, name) != 0)
			continue;
		*size = sym->st_size;
		return 1;
	}
	return 0;
}

const char *os_host_file_of(const void *p, char *buf, size_t len)
{
	Dl_info info;

	if (dladdr(p, &info) && info.dli_fname && info.dli_fname[0]) {
		snprintf(buf, len, "%s", info.dli_fname);
		return buf;
	}
	return NULL;
}

const char *os_host_symbol_at(const void *p)
{
	Dl_info di;

	if (dladdr(p, &di) && di.dli_sname && di.dli_saddr == p)
		return di.dli_sname;
	return NULL;
}

int os_self_file(char *buf, size_t len, int *is_library)
{
	struct link_map *map = NULL;
	char file[PATH_MAX];
	Dl_info info;
	ssize_t n;
	/* a data pointer to one of our functions, as dladdr wants */
	void *self = (void *)(uintptr_t)&os_self_file;

	if (!dladdr1(self, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return -1;
	if (map->l_name && map->l_name[0]) {
		/* a shared library: its path as loaded */
		*is_library = 1;
		return os_realpath(map->l_name, buf, len);
	}
	*is_library = 0;
	n = readlink("/proc/self/exe", file, sizeof(file) - 1);
	if (n <= 0 || (size_t)n >= len)
		return -1;
	file[n] = '\0';
	strcpy(buf, file);
	return 0;
}

/* ---- time, identity, randomness -------------------------------------------- */

uint64_t os_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int os_random(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* "TracerPid:" in /proc/self/status is not 0. */
int os_debugger_attached(void)
{
	char buf[2048];
	const char *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	return p && strtol(p + 10, NULL, 10) != 0;
}

uint64_t os_hwcap(void)
{
	return getauxval(AT_HWCAP);
}

long os_pid(void)
{
	return (long)getpid();
}

int os_perf_map_path(char *buf, size_t len)
{
	return snprintf(buf, len, "/tmp/perf-%ld.map", os_pid()) < (int)len ? 0 : -1;
}

/* ---- exit-time handlers ------------------------------------------------------ */

extern int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);
extern void __cxa_finalize(void *dso);
extern int __cxa_at_quick_exit(void (*fn)(void *), void *dso);
extern int __register_atfork(void (*prepare)(void), void (*parent)(void),
			     void (*child)(void), void *dso);

int os_atexit(void (*fn)(void *), void *arg, void *dso)
{
	return __cxa_atexit(fn, arg, dso) ? -1 : 0;
}

void os_finalize(void *dso)
{
	__cxa_finalize(dso);
}

int os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso)
{
	return __register_atfork(prepare, parent, child, dso) ? -1 : 0;
}

int os_at_quick_exit(void (*fn)(void), void *dso)
{
	return __cxa_at_quick_exit((void (*)(void *))(void (*)(void))fn, dso) ? -1 : 0;
}

/* ---- signals ----------------------------------------------------------------- */

void os_signals_reset(int (*is_ours)(void *ctx, void *handler), void *ctx)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 &&
		    is_ours(ctx, (void *)(uintptr_t)sa.sa_handler)) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			sigaction(sig, &sa, NULL);
		}
	}
}

#define FATAL_STACK_SIZE (128 * 1024)

/* The crash reporter of the process: a signal handler has nowhere else
 * to find it.  Set once by os_fatal_handler, read only by the handler. */
static void (*fatal_report)(const os_fatal *f);

static const struct {
	int sig;
	const char *name;
} fatal_signals[] = {
	{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGILL, "SIGILL" },
	{ SIGFPE, "SIGFPE" }, { SIGABRT, "SIGABRT" }, { SIGTRAP, "SIGTRAP" },
	{ SIGSYS, "SIGSYS" },
};

static uint64_t interrupted_pc(const void *uctx)
{
	const ucontext_t *uc = uctx;

#if defined(__x86_64__)
	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uint64_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

/* The signal being reported, for the walk's alarm. */
static volatile sig_atomic_t fatal_signal_now;

/* Dies of `sig` with its default action, from inside a handler of it
 * (where it is blocked). */
static void die_of(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	_exit(128 + sig);   /* not reached for the signals reported */
}

/* The walk did not return in OS_FATAL_WALK_SECONDS. */
static void walk_alarm(int sig)
{
	static const char msg[] = "objload: backtrace abandoned: the stack walk did not return "
				  "(the crash interrupted the memory allocator or the unwinder)\n";

	(void)sig;
	os_write_stderr(msg, sizeof(msg) - 1);
	die_of(fatal_signal_now);
}

/* glibc's backtrace() walks the frames with libgcc's unwinder through the
 * signal frame and the .eh_frame tables objload registered.  Its first
 * search sorts the tables, and the sort allocates: a crash inside the
 * allocator would make it wait forever for the lock, so an alarm bounds
 * it. */
static int fatal_walk(void **frames, int max)
{
	struct sigaction alarm_action;
	int n;

	memset(&alarm_action, 0, sizeof(alarm_action));
	alarm_action.sa_handler = walk_alarm;
	sigemptyset(&alarm_action.sa_mask);
	sigaction(SIGALRM, &alarm_action, NULL);
	alarm(OS_FATAL_WALK_SECONDS);
	n = backtrace(frames, max);
	alarm(0);
	return n;
}

/* The handler is reset to the default action when it runs
 * (SA_RESETHAND): a fault in it, or the faulting instruction executed
 * again on return, ends the process with the original signal; a signal
 * that was sent rather than caused (kill, raise, abort) is raised again. */
static void fatal_handler(int sig, siginfo_t *si, void *uctx)
{
	os_fatal f = { .sig = sig, .name = NULL, .pc = interrupted_pc(uctx), .walk = fatal_walk };

	fatal_signal_now = sig;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (fatal_signals[i].sig == sig)
			f.name = fatal_signals[i].name;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		f.has_addr = 1;
		f.addr = (uint64_t)(uintptr_t)si->si_addr;
	}
	if (fatal_report)
		fatal_report(&f);
	if (si->si_code <= 0)
		raise(sig);   /* sent, not caused: delivered again on return */
}

void os_fatal_handler(void (*report)(const os_fatal *f))
{
	static void *stack;   /* the alternate stack, for the process's life */
	stack_t ss = { 0 };
	struct sigaction sa;
	void *warm[2];

	fatal_report = report;
	if (!stack && !(stack = malloc(FATAL_STACK_SIZE)))
		return;
	ss.ss_sp = stack;
	ss.ss_size = FATAL_STACK_SIZE;
	if (sigaltstack(&ss, NULL))
		return;
	(void)backtrace(warm, 2);   /* loads libgcc_s now, not in the handler */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fatal_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i].sig, &sa, NULL);
}

void os_write_stderr(const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(STDERR_FILENO, buf, len);

		if (w <= 0)
			break;
		buf += w;
		len -= (size_t)w;
	}
}

/* ---- child processes ------------------------------------------------------- */

int os_child_start(os_child *c, void (*fn)(void *ctx, int fd), void *ctx)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		setpgid(0, 0);   /* the parent kills the whole group on a timeout */
		fn(ctx, fds[1]);
		_exit(120);
	}
	setpgid(pid, pid);
	close(fds[1]);
	c->pid = pid;
	c->report_fd = fds[0];
	return 0;
}

char *os_child_read_report(os_child *c, uint64_t deadline_ns, int *timed_out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);

	*timed_out = 0;
	while (buf) {
		struct pollfd pfd = { .fd = c->report_fd, .events = POLLIN };
		int wait_ms = -1, pr;
		ssize_t n;

		if (deadline_ns) {
			uint64_t now = os_now_ns();

			if (now >= deadline_ns) {
				*timed_out = 1;
				break;
			}
			wait_ms = (int)((deadline_ns - now) / 1000000) + 1;
		}
		pr = poll(&pfd, 1, wait_ms);
		if (pr <= 0)
			continue;   /* EINTR, or the deadline test above ends it */
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(c->report_fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int os_child_wait(os_child *c, uint64_t deadline_ns, int kill_now, os_child_status *st)
{
	pid_t pid = (pid_t)c->pid;
	int wstatus = 0, timed_out = kill_now;

	memset(st, 0, sizeof(*st));
	if (c->report_fd >= 0)
		close(c->report_fd);
	c->report_fd = -1;
	if (kill_now) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	for (;;) {
		pid_t w = waitpid(pid, &wstatus, timed_out ? 0 : WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (!timed_out && deadline_ns && os_now_ns() >= deadline_ns) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			continue;
		}
		if (w == 0) {
			struct timespec nap = { 0, 2000000 };

			nanosleep(&nap, NULL);
		}
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	st->timed_out = timed_out;
	if (WIFEXITED(wstatus)) {
		st->exited = 1;
		st->code = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		st->signaled = 1;
		st->sig = WTERMSIG(wstatus);
	}
	return 0;
}

void os_args_utf8(int *argc, char ***argv)
{
	(void)argc;   /* bytes as the caller gave them */
	(void)argv;
}

void os_stdio_binary(void)
{
	/* POSIX streams have no text mode */
}

int os_fatal_handler_installed(void)
{
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
		struct sigaction sa;

		if (sigaction(fatal_signals[i].sig, NULL, &sa) == 0 &&
		    ((sa.sa_flags & SA_SIGINFO) ||
		     (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)))
			return 1;
	}
	return 0;
}

void os_fatal_signals_default(void)
{
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i].sig, SIG_DFL);
}

void os_silence_stdio(void)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
}

FILE *os_fdopen_write(int fd)
{
	return fdopen(fd, "w");
}

const char *os_signal_text(int sig)
{
	return strsignal(sig);
}
