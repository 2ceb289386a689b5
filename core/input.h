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

#include "core/core.h"
#include "os/os.h"

/* An opened regular file (size, and dev/ino: its identity). */
typedef os_file core_input;

/* Open `path` (relative to `dir` when not NULL; with `beneath`, resolved
 * strictly inside that directory: no absolute path, no "..", no symbolic
 * link that leaves it).  0, or an errno value or OS_FILE_NOT_REGULAR or
 * OS_FILE_ESCAPES; on success the caller closes it (core_input_close). */
int core_input_open(const os_dir *dir, const char *path, int beneath, core_input *in);
void core_input_close(core_input *in);

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
 * object (core/session.c).  Closes the input; the session owns the bytes. */
objload_status core_add_input(objload_session *s, const char *path, core_input *in);

/* Release what core_input_bytes returned. */
void core_input_release(void *bytes, size_t len, int mapped);

#endif
