/* SPDX-License-Identifier: MIT */
/*
 * Sessions: the public entry points, error reporting, the format
 * registry and reading inputs.  All state hangs off the session; there is
 * no global mutable state anywhere in objload.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/core.h"
#include "core/input.h"
#include "core/log.h"
#include "core/plugins.h"
#include "formats/formats.h"
#include "os/os.h"


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

/* Length of the UTF-8 sequence at p (n bytes left) that encodes a
 * printable character, or 0 when the bytes are not one (an invalid or
 * overlong sequence, a surrogate, or a C1 control U+0080..U+009F, which
 * some terminals obey as ESC). */
static size_t utf8_printable(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/*
 * Messages are one line of text, and many carry names taken from the
 * input (symbols, sections, members, paths).  Any control byte in the
 * formatted message therefore came from the input: it is written as \xNN
 * so that a name can neither drive the terminal (ESC sequences) nor forge
 * a line of its own (a newline followed by "objload: ...").  Valid UTF-8
 * text is kept as it is.
 */
static void escape_message(char *out, size_t outlen, const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t k = 0, n = strlen(in);

	for (size_t i = 0; i < n && k + 1 < outlen;) {
		size_t u = p[i] >= 0x80 ? utf8_printable(p + i, n - i) : 0;

		if (u) {
			if (k + u >= outlen)
				break;
			memcpy(out + k, p + i, u);
			k += u;
			i += u;
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			out[k++] = (char)p[i++];
		} else {
			if (k + 4 >= outlen)
				break;
			snprintf(out + k, 5, "\\x%02x", p[i++]);
			k += 4;
		}
	}
	out[k] = '\0';
}

objload_status core_verror(objload_session *s, objload_status st,
			   const char *fmt, va_list ap)
{
	char raw[CORE_ERRMSG_MAX];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);

	/* a call out of order after a failed link says why */
	if (st == OBJLOAD_ERR_STATE && n >= 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - (size_t)n, "%s", core_log_link_failure(s));
	escape_message(s->errmsg, sizeof(s->errmsg), raw);
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

/* The caps a new session starts with (include/objload.h). */
static const uint64_t default_limits[OBJLOAD_LIMIT_COUNT] = {
	[OBJLOAD_LIMIT_ZEROFILL] = 4ull << 30,
	[OBJLOAD_LIMIT_MAPPED] = 8ull << 30,
	[OBJLOAD_LIMIT_SECTIONS] = 1u << 20,
};

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
	return os_now_ns();
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
	if (os_random(&s->stack_chk_guard, sizeof(s->stack_chk_guard)))
		s->stack_chk_guard = (uintptr_t)core_now_ns() * 0x9e3779b97f4a7c15ull;
	s->stack_chk_guard &= ~(uintptr_t)0xff;   /* a NUL stops string overruns */
	s->dso_key = &s->dso_handle;
	memcpy(s->limits, default_limits, sizeof(s->limits));
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

		core_input_release(ci->mapping, ci->mapping_len, ci->mapped);
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
	os_lib_close(s->libm);
	free(s);
}

const char *objload_errmsg(const objload_session *s)
{
	return s ? s->errmsg : "no session";
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

int core_probe_import(objload_session *s, const uint8_t *bytes, size_t len,
		      const objload_format **format, const char **name,
		      char *err, size_t errlen)
{
	const objload_format *f;
	size_t nbuiltin = sizeof(builtin_formats) / sizeof(builtin_formats[0]);

	for (size_t i = 0; i < nbuiltin + s->nextra_formats; i++) {
		int rc;

		f = i < nbuiltin ? builtin_formats[i] : s->extra_formats[i - nbuiltin];
		if (s->forced_format && f != s->forced_format)
			continue;
		if (!f->import_member)
			continue;
		rc = f->import_member(bytes, len, name, err, errlen);
		if (rc) {
			*format = f;
			return rc < 0 ? -1 : 1;
		}
	}
	return 0;
}

/* ---- resource caps ----------------------------------------------------- */


const char *objload_limit_name(objload_limit limit)
{
	switch (limit) {
	case OBJLOAD_LIMIT_ZEROFILL: return "zerofill";
	case OBJLOAD_LIMIT_MAPPED: return "mapped";
	case OBJLOAD_LIMIT_SECTIONS: return "sections";
	case OBJLOAD_LIMIT_COUNT: break;
	}
	return "?";
}

objload_status objload_set_limit(objload_session *s, objload_limit limit,
				 uint64_t value)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if ((unsigned)limit >= OBJLOAD_LIMIT_COUNT)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "unknown limit %d", (int)limit);
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->limits[limit] = value;
	return OBJLOAD_OK;
}

uint64_t objload_get_limit(const objload_session *s, objload_limit limit)
{
	return s && (unsigned)limit < OBJLOAD_LIMIT_COUNT ? s->limits[limit] : 0;
}

static uint64_t add_saturated(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* What one more image adds to the session's zero-fill and sections.
 * Commons are counted at their own size each (an upper bound: the link
 * merges those of one name). */
/* The zero-fill of one image, and its largest piece for the message. */
struct zerofill_sum {
	uint64_t total, largest;
	const char *what;
};

static void zerofill_add(struct zerofill_sum *z, uint64_t size, const char *name)
{
	z->total = add_saturated(z->total, size);
	if (size > z->largest) {
		z->largest = size;
		z->what = name;
	}
}

static objload_status check_image_limits(objload_session *s, const objload_image *img)
{
	struct zerofill_sum z = { 0, 0, NULL };
	uint64_t sections, total;

	for (uint32_t i = 0; i < img->nsections; i++)
		if (img->sections[i].role == OBJLOAD_ROLE_ZEROFILL)
			zerofill_add(&z, img->sections[i].size, img->sections[i].name);
	for (uint32_t i = 0; i < img->nsymbols; i++)
		if (img->symbols[i].def == OBJLOAD_DEF_COMMON)
			zerofill_add(&z, img->symbols[i].size, img->symbols[i].name);
	sections = s->sections_total + img->nsections;
	if (sections > s->limits[OBJLOAD_LIMIT_SECTIONS])
		return core_error(s, OBJLOAD_ERR_NOMEM,
				  "%s: %u sections bring the session to %llu, above the limit of %llu "
				  "(objload_set_limit OBJLOAD_LIMIT_SECTIONS, --limit=sections=N)",
				  img->path, img->nsections, (unsigned long long)sections,
				  (unsigned long long)s->limits[OBJLOAD_LIMIT_SECTIONS]);
	total = add_saturated(s->zerofill_total, z.total);
	if (total > s->limits[OBJLOAD_LIMIT_ZEROFILL])
		return core_error(s, OBJLOAD_ERR_NOMEM,
				  "%s: %llu bytes of zero-fill (the largest: %s, %llu bytes) bring the session to %llu, "
				  "above the limit of %llu (objload_set_limit OBJLOAD_LIMIT_ZEROFILL, --limit=zerofill=N)",
				  img->path, (unsigned long long)z.total, z.what ? z.what : "?",
				  (unsigned long long)z.largest, (unsigned long long)total,
				  (unsigned long long)s->limits[OBJLOAD_LIMIT_ZEROFILL]);
	s->sections_total = sections;
	s->zerofill_total = total;
	return OBJLOAD_OK;
}

objload_status core_check_mapped_limit(objload_session *s, const char *file)
{
	const objload_alloc_request *req = &s->request;
	uint64_t page = os_page_size(), total = 0;

	for (size_t i = 0; i < req->ngroups; i++)
		total = add_saturated(total, add_saturated(req->groups[i].span, page - 1) &
					     ~(page - 1));
	if (total <= s->limits[OBJLOAD_LIMIT_MAPPED])
		return OBJLOAD_OK;
	return core_error(s, OBJLOAD_ERR_NOMEM,
			  "%s: the link needs %llu bytes of memory (%zu segments), above the limit of %llu "
			  "(objload_set_limit OBJLOAD_LIMIT_MAPPED, --limit=mapped=N)",
			  file, (unsigned long long)total, req->nsegments,
			  (unsigned long long)s->limits[OBJLOAD_LIMIT_MAPPED]);
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
		core_input_release(mapping, mapping_len, mapped);   /* or NULL */
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
			core_input_release(mapping, mapping_len, mapped);   /* or NULL */
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
	if (st == OBJLOAD_OK)
		st = check_image_limits(s, img);
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

objload_status core_add_input(objload_session *s, const char *path, core_input *in)
{
	void *bytes;
	size_t len;
	int mapped;
	objload_status st = core_input_bytes(s, path, in, 1, &bytes, &len, &mapped);

	core_input_close(in);
	if (st)
		return st;
	/* the session owns the bytes from here, also on error */
	if (core_archive_probe(bytes, len))
		return core_archive_add(s, path, bytes, len, bytes, len, mapped);
	return core_add_image(s, path, bytes, len, bytes, len, mapped);
}

objload_status objload_add_file(objload_session *s, const char *path)
{
	core_input in;
	int rc;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!path)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "objload_add_file: no path (NULL)");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	core_log(s, OBJLOAD_LOG_FILES, "input %s", path);
	rc = core_input_open(NULL, path, 0, &in);
	if (rc)
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, core_input_strerror(rc));
	return core_add_input(s, path, &in);
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
