/* SPDX-License-Identifier: MIT */
/*
 * Sessions: the public entry points, error reporting, the format
 * registry and reading inputs.  All state hangs off the session; there is
 * no global mutable state anywhere in objload.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/archive.h"
#include "core/core.h"
#include "core/log.h"
#include "core/plugins.h"
#include "formats/formats.h"


/* The compiled-in formats, probed in this order. */
static const objload_format *const builtin_formats[] = {
	&objload_format_elf,
	&objload_format_macho,
	&objload_format_coff,
};

const char *objload_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = OBJLOAD_VERSION_MAJOR;
	if (minor)
		*minor = OBJLOAD_VERSION_MINOR;
	if (patch)
		*patch = OBJLOAD_VERSION_PATCH;
	return OBJLOAD_VERSION_STRING;
}

const char *objload_status_name(objload_status st)
{
	switch (st) {
	case OBJLOAD_OK: return "ok";
	case OBJLOAD_ERR_IO: return "I/O error";
	case OBJLOAD_ERR_FORMAT: return "malformed input";
	case OBJLOAD_ERR_UNSUPPORTED: return "unsupported";
	case OBJLOAD_ERR_UNDEFINED: return "undefined symbols";
	case OBJLOAD_ERR_RANGE: return "relocation out of range";
	case OBJLOAD_ERR_NOMEM: return "out of memory";
	case OBJLOAD_ERR_STATE: return "call out of order";
	case OBJLOAD_ERR_ARGUMENT: return "bad argument";
	case OBJLOAD_ERR_DUPLICATE: return "duplicate symbol";
	}
	return "unknown status";
}

const char *objload_strategy_name(objload_strategy st)
{
	switch (st) {
	case OBJLOAD_STRATEGY_AUTO: return "auto";
	case OBJLOAD_STRATEGY_WHOLE: return "whole";
	case OBJLOAD_STRATEGY_SECTION: return "section";
	}
	return "?";
}

const char *objload_phase_name(objload_phase p)
{
	static const char *const names[OBJLOAD_PHASE_COUNT] = {
		[OBJLOAD_PHASE_PARSE] = "parse",
		[OBJLOAD_PHASE_PLAN] = "plan",
		[OBJLOAD_PHASE_RESOLVE] = "resolve",
		[OBJLOAD_PHASE_ALLOCATE] = "allocate",
		[OBJLOAD_PHASE_COPY] = "copy",
		[OBJLOAD_PHASE_RELOCATE] = "relocate",
		[OBJLOAD_PHASE_FINALIZE] = "finalize",
	};
	return (unsigned)p < OBJLOAD_PHASE_COUNT ? names[p] : "?";
}

objload_status core_verror(objload_session *s, objload_status st,
			   const char *fmt, va_list ap)
{
	int n = vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);

	/* a call out of order after a failed link says why */
	if (st == OBJLOAD_ERR_STATE && n >= 0 && (size_t)n < sizeof(s->errmsg))
		snprintf(s->errmsg + n, sizeof(s->errmsg) - (size_t)n, "%s",
			 core_log_link_failure(s));
	return st;
}

objload_status core_error(objload_session *s, objload_status st,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_verror(s, st, fmt, ap);
	va_end(ap);
	return st;
}

objload_arch_id core_host_arch(void)
{
#if defined(__x86_64__)
	return OBJLOAD_ARCH_X86_64;
#elif defined(__aarch64__)
	return OBJLOAD_ARCH_AARCH64;
#else
	return OBJLOAD_ARCH_UNKNOWN;
#endif
}

uint64_t core_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

objload_status objload_session_new(objload_session **out)
{
	objload_session *s;

	if (!out)
		return OBJLOAD_ERR_ARGUMENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return OBJLOAD_ERR_NOMEM;
	s->mm = objload_mmap_memory_manager();
	s->host_lookup = 1;
	s->relax = 1;
	lg_free(&s->g);   /* an empty graph */
	if (getrandom(&s->stack_chk_guard, sizeof(s->stack_chk_guard), 0) !=
	    (ssize_t)sizeof(s->stack_chk_guard))
		s->stack_chk_guard = (uintptr_t)core_now_ns() * 0x9e3779b97f4a7c15ull;
	s->stack_chk_guard &= ~(uintptr_t)0xff;   /* a NUL stops string overruns */
	s->dso_key = &s->dso_handle;
	*out = s;
	return OBJLOAD_OK;
}

void objload_session_free(objload_session *s)
{
	if (!s)
		return;
	core_unload(s);
	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		if (ci->mapped)
			munmap(ci->mapping, ci->mapping_len);
		else
			free(ci->mapping);
		core_image_free(img);
	}
	free(s->images);
	/* after the images: members point into the archives' mappings */
	core_libs_free(s);
	core_plugins_free(s);   /* after the images: formats live in plug-ins */
	core_log_free(s);
	for (size_t i = 0; i < s->ndefines; i++)
		free(s->defines[i].name);
	free(s->defines);
	for (size_t i = 0; i < s->nkeeps; i++)
		free(s->keeps[i]);
	free(s->keeps);
	free(s->globals);
	hashmap_free(&s->global_index);
	lg_free(&s->g);
	if (s->libm)
		dlclose(s->libm);
	free(s);
}

const char *objload_errmsg(const objload_session *s)
{
	return s ? s->errmsg : "no session";
}

objload_status objload_set_strategy(objload_session *s, objload_strategy st)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (st != OBJLOAD_STRATEGY_AUTO && st != OBJLOAD_STRATEGY_WHOLE &&
	    st != OBJLOAD_STRATEGY_SECTION)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "unknown strategy %d", st);
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->strategy = st;
	return OBJLOAD_OK;
}

objload_status objload_set_memory_manager(objload_session *s,
					  const objload_memory_manager *mm,
					  void *ctx)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!mm || !mm->allocate || !mm->finalize || !mm->release)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "a memory manager needs allocate, finalize and release");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->mm = mm;
	s->mm_ctx = ctx;
	return OBJLOAD_OK;
}

objload_status objload_set_arch(objload_session *s, const char *name)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!name || strcmp(name, "host") == 0)
		s->wanted_arch = OBJLOAD_ARCH_UNKNOWN;
	else if (strcmp(name, "x86_64") == 0 || strcmp(name, "x86-64") == 0)
		s->wanted_arch = OBJLOAD_ARCH_X86_64;
	else if (strcmp(name, "aarch64") == 0 || strcmp(name, "arm64") == 0)
		s->wanted_arch = OBJLOAD_ARCH_AARCH64;
	else
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "unknown arch '%s' (x86_64, aarch64 or arm64)", name);
	return OBJLOAD_OK;
}

objload_status objload_set_host_lookup(objload_session *s, int enabled)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->host_lookup = enabled != 0;
	return OBJLOAD_OK;
}

objload_status objload_define(objload_session *s, const char *name,
			      uint64_t address)
{
	user_define *n;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!name || !*name)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "objload_define: %s symbol name",
				  name ? "empty" : "no (NULL)");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	for (size_t i = 0; i < s->ndefines; i++) {
		if (strcmp(s->defines[i].name, name) == 0) {
			s->defines[i].address = address;
			return OBJLOAD_OK;
		}
	}
	n = realloc(s->defines, (s->ndefines + 1) * sizeof(*n));
	if (!n)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	s->defines = n;
	n[s->ndefines].name = strdup(name);
	if (!n[s->ndefines].name)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	n[s->ndefines++].address = address;
	return OBJLOAD_OK;
}

objload_status objload_register_format(objload_session *s,
				       const objload_format *f)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!f || !f->name || !f->probe || !f->parse || !f->plan)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "a format needs a name, probe, parse and plan");
	if (f->abi_version != OBJLOAD_PLUGIN_ABI_VERSION)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "format %s was built for plug-in ABI %d, this objload has %d",
				  f->name, f->abi_version, OBJLOAD_PLUGIN_ABI_VERSION);
	if (s->nextra_formats == CORE_MAX_EXTRA_FORMATS)
		return core_error(s, OBJLOAD_ERR_NOMEM, "too many registered formats");
	s->extra_formats[s->nextra_formats++] = f;
	return OBJLOAD_OK;
}

const objload_format *core_probe(objload_session *s, const uint8_t *bytes,
				 size_t len)
{
	if (s->forced_format)   /* objload_set_format: that one only */
		return s->forced_format->probe(bytes, len) ? s->forced_format : NULL;
	for (size_t i = 0; i < sizeof(builtin_formats) / sizeof(builtin_formats[0]); i++)
		if (builtin_formats[i]->probe(bytes, len))
			return builtin_formats[i];
	for (size_t i = 0; i < s->nextra_formats; i++)
		if (s->extra_formats[i]->probe(bytes, len))
			return s->extra_formats[i];
	/* nothing compiled in or loaded claims it: the plug-in path's turn */
	return core_plugins_probe(s, bytes, len);
}

objload_status core_add_image(objload_session *s, const char *name,
			      const void *bytes, size_t len, void *mapping,
			      size_t mapping_len, int mapped)
{
	uint64_t t0 = core_now_ns();
	const objload_format *f;
	objload_image *img;
	core_image *ci;
	objload_status st;

	img = core_image_new(s, name);
	if (!img) {
		if (mapped)
			munmap(mapping, mapping_len);
		else
			free(mapping);   /* a read buffer, or NULL */
		return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", name);
	}
	ci = core_of(img);
	ci->forced = s->input_strategy;
	ci->mapping = mapping;
	ci->mapping_len = mapping_len;
	ci->mapped = mapped;
	img->file = bytes;
	img->file_size = len;
	if (s->nimages == s->images_cap) {
		size_t ncap = s->images_cap ? s->images_cap * 2 : 8;
		objload_image **n = realloc(s->images, ncap * sizeof(*n));

		if (!n) {
			if (mapped)
				munmap(mapping, mapping_len);
			else
				free(mapping);   /* a read buffer, or NULL */
			core_image_free(img);
			return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", name);
		}
		s->images = n;
		s->images_cap = ncap;
	}
	/* From here the session owns the image and frees it on any error. */
	s->images[s->nimages++] = img;

	f = core_probe(s, bytes, len);
	if (!f)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: not an object file of any format objload knows", name);
	img->format = f;
	img->wanted_arch = s->wanted_arch;
	st = f->parse(img);
	if (st == OBJLOAD_OK)
		st = core_validate_image(s, img);
	s->metrics.phase_ns[OBJLOAD_PHASE_PARSE] += core_now_ns() - t0;
	s->metrics.images = s->nimages;
	return st;
}

objload_status objload_add_memory(objload_session *s, const char *name,
				  const void *bytes, size_t len)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!bytes && len)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "objload_add_memory: %s: no bytes (NULL)", name ? name : "<memory>");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	core_log(s, OBJLOAD_LOG_FILES, "input %s", name ? name : "<memory>");
	if (core_archive_probe(bytes, len))
		return core_archive_add(s, name ? name : "<memory>", bytes, len,
					NULL, 0, 0);
	return core_add_image(s, name ? name : "<memory>", bytes, len, NULL, 0, 0);
}

/* Inputs up to this size are read into the heap instead of mapped. */
#define CORE_READ_MAX (64u * 1024u)

objload_status objload_add_file(objload_session *s, const char *path)
{
	struct stat stbuf;
	void *map = NULL;
	size_t len;
	int fd;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!path)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "objload_add_file: no path (NULL)");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	core_log(s, OBJLOAD_LOG_FILES, "input %s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &stbuf) < 0) {
		int e = errno;

		close(fd);
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(stbuf.st_mode)) {
		close(fd);
		return core_error(s, OBJLOAD_ERR_IO, "%s: not a regular file", path);
	}
	len = (size_t)stbuf.st_size;
	if (len && len <= CORE_READ_MAX) {
		/* a small file: read() is one syscall, where mmap, its page
		 * faults and the munmap at the end cost three and a VMA */
		size_t got = 0;

		map = malloc(len);
		if (!map) {
			close(fd);
			return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", path);
		}
		while (got < len) {
			ssize_t n = read(fd, (char *)map + got, len - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int e = n < 0 ? errno : EIO;

				free(map);
				close(fd);
				return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path,
						  n < 0 ? strerror(e) : "file shrank while read");
			}
			got += (size_t)n;
		}
		if (!core_archive_probe(map, len)) {
			close(fd);
			/* the image owns the buffer: freed with it */
			return core_add_image(s, path, map, len, map, len, 0);
		}
		/* archives own only mappings: map it as any large file */
		free(map);
		map = NULL;
	}
	if (len) {
		/* MAP_POPULATE: every page is read (headers, symbols,
		 * relocations, section bytes), so map them all in one call
		 * instead of one fault per 16 pages */
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (map == MAP_FAILED) {
			int e = errno;

			close(fd);
			return core_error(s, OBJLOAD_ERR_IO, "%s: cannot map: %s",
					  path, strerror(e));
		}
	}
	close(fd);
	if (core_archive_probe(map, len))
		return core_archive_add(s, path, map, len, map, len, map != NULL);
	return core_add_image(s, path, map, len, map, len, map != NULL);
}

objload_status objload_get_metrics(const objload_session *s, objload_metrics *out)
{
	if (!s || !out)
		return OBJLOAD_ERR_ARGUMENT;
	*out = s->metrics;
	return OBJLOAD_OK;
}

size_t objload_image_count(const objload_session *s)
{
	return s ? s->nimages : 0;
}

const objload_image *objload_get_image(const objload_session *s, size_t i)
{
	return s && i < s->nimages ? s->images[i] : NULL;
}
