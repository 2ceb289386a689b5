/* SPDX-License-Identifier: MIT */
/*
 * Opening and reading input files (see core/input.h).
 *
 * Why non-blocking and fstat first: open() of a FIFO without O_NONBLOCK
 * waits for a writer, and read() of one waits for data, so an input
 * named by a user, an ld script or a thin archive could hang a link
 * forever.  O_NONBLOCK makes the open return at once; fstat then refuses
 * anything that is not a regular file before a byte is read.  On a
 * regular file O_NONBLOCK changes nothing.  The host layer (os_file_open)
 * does both, and confines a thin archive's member path beneath the
 * archive's directory (openat2(RESOLVE_BENEATH) on Linux; os/ says how).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"

/* Inputs up to this size are read into the heap instead of mapped: read()
 * is one syscall, where mmap, its page faults and the munmap at the end
 * cost three and a VMA. */
#define CORE_READ_MAX (64u * 1024u)

int core_input_open(const os_dir *dir, const char *path, int beneath, core_input *in)
{
	return os_file_open(dir, path, beneath, in);
}

void core_input_close(core_input *in)
{
	os_file_close(in);
}

const char *core_input_strerror(int code)
{
	if (code == OS_FILE_NOT_REGULAR)
		return "not a regular file (a FIFO, device or directory is never read)";
	if (code == OS_FILE_ESCAPES)
		return "the path leaves the directory it must stay in";
	return os_strerror(code);
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
		int e;

		p = malloc(n);
		if (!p)
			return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", path);
		e = os_file_read_at(in, p, n, 0);
		if (e) {
			free(p);
			return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path,
					  e > 0 ? os_strerror(e) : "file shrank while read");
		}
		*bytes = p;
		*len = n;
		return OBJLOAD_OK;
	}
	/* prefault when every page will be read (headers, symbols,
	 * relocations, section bytes) */
	p = os_file_map(in, n, prefault);
	if (!p) {
		char why[128];

		return core_error(s, OBJLOAD_ERR_IO, "%s: cannot map: %s", path,
				  os_error(why, sizeof(why)));
	}
	*bytes = p;
	*len = n;
	*mapped = 1;
	return OBJLOAD_OK;
}

void core_input_release(void *bytes, size_t len, int mapped)
{
	if (mapped)
		os_file_unmap(bytes, len);
	else
		free(bytes);
}
