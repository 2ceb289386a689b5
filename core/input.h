/* SPDX-License-Identifier: MIT */
/*
 * Opening and reading input files: the one way objload touches a file it
 * was given or found (an object, an archive, a thin archive's member, a
 * library or a linker script).
 *
 * Every input is opened with O_NONBLOCK (opening a FIFO or a terminal
 * never waits) and checked with fstat before a byte is read: only a
 * regular file is read, so a FIFO, a device or a directory is an error,
 * never a hang.  A thin archive's members are opened beneath the
 * archive's directory when the session's policy confines them
 * (docs/archives.md).
 */
#ifndef OBJLOAD_INPUT_H
#define OBJLOAD_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"

/* An opened regular file. */
typedef struct core_input {
	int fd;
	uint64_t size;
	dev_t dev;
	ino_t ino;
} core_input;

/* What core_input_open refuses besides errno values. */
#define CORE_INPUT_NOT_REGULAR (-1)   /* a FIFO, device, directory, ... */
#define CORE_INPUT_ESCAPES (-2)       /* leaves the directory it must stay in */

/* Open `path` (relative to `dirfd` when not AT_FDCWD; with `beneath`,
 * resolved strictly inside that directory: no absolute path, no "..",
 * no symbolic link that leaves it).  0, or an errno value or one of the
 * codes above; on success in->fd is open and the caller closes it. */
int core_input_open(int dirfd, const char *path, int beneath, core_input *in);

/* The text for a code of core_input_open. */
const char *core_input_strerror(int code);

/* The file's bytes: up to CORE_READ_MAX read into the heap (*mapped 0),
 * larger files mapped read-only (*mapped 1); an empty file gives NULL, 0.
 * `prefault` maps every page at once (the whole file will be read).
 * Closes nothing.  On error the message names `path`. */
objload_status core_input_bytes(objload_session *s, const char *path,
				const core_input *in, int prefault,
				void **bytes, size_t *len, int *mapped);

/* Read an opened input and add it to the session as an archive or an
 * object (core/session.c).  Closes in->fd; the session owns the bytes. */
objload_status core_add_input(objload_session *s, const char *path, core_input *in);

/* Release what core_input_bytes returned. */
void core_input_release(void *bytes, size_t len, int mapped);

#endif
