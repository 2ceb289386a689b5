/* SPDX-License-Identifier: MIT */
/*
 * Opening and reading input files (see core/input.h).
 *
 * Why non-blocking and fstat first: open() of a FIFO without O_NONBLOCK
 * waits for a writer, and read() of one waits for data, so an input
 * named by a user, an ld script or a thin archive could hang a link
 * forever.  O_NONBLOCK makes the open return at once; fstat then refuses
 * anything that is not a regular file before a byte is read.  On a
 * regular file O_NONBLOCK changes nothing.
 *
 * Confinement: a thin archive's member path is resolved beneath the
 * archive's directory with openat2(RESOLVE_BENEATH), which the kernel
 * enforces for "..", absolute paths and symbolic links alike.  Where
 * openat2 is missing (Linux < 5.6) the path is checked lexically and the
 * opened file's real path must lie under the directory's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __has_include
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "core/input.h"

/* Inputs up to this size are read into the heap instead of mapped: read()
 * is one syscall, where mmap, its page faults and the munmap at the end
 * cost three and a VMA. */
#define CORE_READ_MAX (64u * 1024u)

#define INPUT_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

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

/* The descriptor, or -1 with *err an errno value or CORE_INPUT_ESCAPES. */
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
		*err = CORE_INPUT_ESCAPES;
		return -1;
	}
	if (errno != ENOSYS && errno != EPERM) {
		*err = errno;
		return -1;
	}
	/* no openat2 (or a seccomp filter refusing it): the fallback */
#endif
	if (!path_stays_beneath(path)) {
		*err = CORE_INPUT_ESCAPES;
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
	*err = CORE_INPUT_ESCAPES;
	return -1;
}

int core_input_open(int dirfd, const char *path, int beneath, core_input *in)
{
	struct stat st;
	int fd;

	in->fd = -1;
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
		return CORE_INPUT_NOT_REGULAR;
	}
	in->fd = fd;
	in->size = (uint64_t)st.st_size;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	return 0;
}

const char *core_input_strerror(int code)
{
	if (code == CORE_INPUT_NOT_REGULAR)
		return "not a regular file (a FIFO, device or directory is never read)";
	if (code == CORE_INPUT_ESCAPES)
		return "the path leaves the directory it must stay in";
	return strerror(code);
}

objload_status core_input_bytes(objload_session *s, const char *path,
				const core_input *in, int prefault,
				void **bytes, size_t *len, int *mapped)
{
	size_t n = (size_t)in->size;
	void *p;

	*bytes = NULL;
	*len = 0;
	*mapped = 0;
	if ((uint64_t)n != in->size)
		return core_error(s, OBJLOAD_ERR_NOMEM, "%s: %llu bytes do not fit in memory",
				  path, (unsigned long long)in->size);
	if (n == 0)
		return OBJLOAD_OK;
	if (n <= CORE_READ_MAX) {
		size_t got = 0;

		p = malloc(n);
		if (!p)
			return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", path);
		while (got < n) {
			ssize_t r = pread(in->fd, (char *)p + got, n - got, (off_t)got);

			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				int e = r < 0 ? errno : 0;

				free(p);
				return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path,
						  e ? strerror(e) : "file shrank while read");
			}
			got += (size_t)r;
		}
		*bytes = p;
		*len = n;
		return OBJLOAD_OK;
	}
	/* MAP_POPULATE when every page will be read (headers, symbols,
	 * relocations, section bytes): one call instead of one fault per
	 * 16 pages.  These are file pages, shared with the page cache. */
	p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | (prefault ? MAP_POPULATE : 0), in->fd, 0);
	if (p == MAP_FAILED)
		return core_error(s, OBJLOAD_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
	*bytes = p;
	*len = n;
	*mapped = 1;
	return OBJLOAD_OK;
}

void core_input_release(void *bytes, size_t len, int mapped)
{
	if (mapped)
		munmap(bytes, len);
	else
		free(bytes);
}
