/* SPDX-License-Identifier: MIT */
/*
 * Static archives: the ar container and loading its members on demand.
 *
 * The ar container
 * ----------------
 * An archive starts with "!<arch>\n" (or "!<thin>\n", below) and is a
 * sequence of members, each a 60-byte header followed by its bytes and,
 * when the size is odd, one padding byte ('\n') so the next header starts
 * on an even offset.  The header is text, space-padded:
 *
 *     name[16] date[12] uid[6] gid[6] mode[8] size[10] fmag[2] = "`\n"
 *
 * size is decimal.  Names and special members differ between the
 * dialects:
 *
 *   GNU/SysV  "name/" (the '/' ends a name that may contain spaces);
 *             "/NNN" is a decimal offset into the long-name table "//",
 *             whose entries end in "/\n"; "/" is the symbol index: a
 *             32-bit big-endian count N, N big-endian member offsets,
 *             then N NUL-terminated names; "/SYM64/" is the same with
 *             64-bit fields.
 *   thin      "!<thin>\n": the index and long-name table are in the
 *             archive, the members are not.  A member's (long) name is its
 *             path relative to the archive's directory and its header
 *             size is the file's size; no bytes follow the header.  BSD
 *             names have no place in a thin archive and are refused.
 *   BSD       "#1/NN": the name is the NN bytes that follow the header
 *             (counted in size, NUL-padded).  The index is the member
 *             "__.SYMDEF" or "__.SYMDEF SORTED": a little-endian u32 byte
 *             size of ranlib structs {u32 name offset, u32 member offset},
 *             the structs, a u32 string-table size and the strings
 *             ("__.SYMDEF_64": the same with u64 fields), as
 *             llvm-ar --format=bsd|darwin and cctools write them.
 *   Microsoft lib: GNU naming (names NUL-terminated in "//"); the first
 *             "/" member is the GNU index, the second "/" (little-endian,
 *             member-indexed) is skipped.  Its members may be short import
 *             records, which the COFF plug-in recognises (import_member).
 *
 * Every length the container derives is taken through the bounds-checked
 * reader of formats/reader.h: the archive is a window, each member's
 * bytes a sub-window that exists only if the archive backs all of it, the
 * index, its tables and the long-name table windows inside those.  So no
 * name, table or index is ever read past the bytes that hold it, in any
 * dialect, thin archives included.  Every header, size, name, table and
 * index offset is checked here once, when the archive is added; an index
 * entry must point at a member header.  Members are not copied: a member
 * image points into the archive's bytes (a thin member into its own file,
 * read when first needed: core/input.c, with the session's policy on
 * where the path may lead).
 *
 * Loading members
 * ---------------
 * After the explicitly given objects, a member is loaded when it defines a
 * global symbol that an image references (a non-weak undefined symbol),
 * that no image and no objload_define() defines yet, as a linker does; its
 * own references may pull further members.  Archives are searched in the
 * order they were added and every archive is searched again while any
 * archive loaded something (ld's --start-group semantics over all
 * archives), to a fixed point.  A whole archive loads every object member.
 * objload's runtime helpers (atexit, __dso_handle, __stack_chk_guard: see
 * runtime.c) count as defined: they are what objload provides in place of
 * glibc's libc_nonshared.a, so `-lc` does not load its atexit.oS (whose
 * PC-relative reference to the hidden __dso_handle could not reach the
 * session's handle anyway).
 * Index names are the format's decorated names; the member's format says
 * which C-level name each stands for (objload_format.index_cname: a
 * Mach-O member's "_foo", a COFF member's "__imp_foo" are "foo").  An
 * archive without an index has its object members parsed once to learn
 * what they define.  A short import member is never loaded: the reference
 * it would satisfy (foo, __imp_foo) is left to the host, which provides
 * the function of that name (the DLL's name is not used).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/log.h"
#include "core/input.h"
#include "formats/reader.h"

#define AR_MAGIC "!<arch>\n"
#define AR_THIN_MAGIC "!<thin>\n"
#define AR_MAGIC_LEN 8
#define AR_HDR_LEN 60

typedef enum ar_flavor {
	AR_GNU,
	AR_BSD,
	AR_COFF,
	AR_THIN,
} ar_flavor;

typedef struct ar_member {
	char *name;             /* without padding, GNU '/' or BSD NULs */
	char *display;          /* "ARCHIVE(NAME)" for messages and images */
	uint64_t header;        /* offset of the header in the archive */
	const uint8_t *data;    /* NULL: a thin member not read yet */
	uint64_t size;
	void *thin_bytes;       /* thin: the member file's bytes (owned) */
	size_t thin_len;
	int thin_mapped;
	const objload_format *format;   /* of an object member */
	const objload_format *import_format;  /* of an import record */
	int probed;             /* format (or import) known */
	int import;             /* a short import record */
	const char *import_name;
	int loaded;             /* in the session, or satisfied by the host */
} ar_member;

typedef struct ar_index_entry {
	const char *name;       /* NUL-terminated, inside the archive */
	uint32_t member;
} ar_index_entry;

typedef struct core_archive {
	char *path;
	void *mapping;
	size_t mapping_len;
	int mapped;
	const uint8_t *bytes;
	size_t len;
	ar_flavor flavor;
	int whole;
	objload_thin_policy thin_policy;
	ar_member *members;
	size_t nmembers, members_cap;
	ar_index_entry *index;
	size_t nindex;
	int has_index;
	hashmap names;          /* C-level name -> member */
	int names_built;
	char **pool;            /* owned name keys (archives without index) */
	size_t npool, pool_cap;
	size_t cursor;          /* undefined names already searched */
	size_t loaded;
	objload_strategy forced;   /* the input strategy when it was added */
} core_archive;

/* A table or name found while walking the headers: its window. */
struct ar_tables {
	struct rd_cursor names;     /* "//" (len 0: none) */
	int have_names;
	struct rd_cursor index;
	int index_kind;             /* 0 none, 1 gnu, 2 gnu64, 3 bsd, 4 bsd64 */
	int seen_linker;
};

static const char *flavor_name(ar_flavor f)
{
	switch (f) {
	case AR_GNU: return "gnu";
	case AR_BSD: return "bsd";
	case AR_COFF: return "coff";
	case AR_THIN: return "thin";
	}
	return "?";
}

struct core_libs *core_libs_of(objload_session *s)
{
	if (!s->libs)
		s->libs = calloc(1, sizeof(*s->libs));
	return s->libs;
}

objload_status core_libs_to_change(objload_session *s, struct core_libs **out)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	*out = core_libs_of(s);
	return *out ? OBJLOAD_OK : core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
}

int core_archive_probe(const uint8_t *bytes, size_t len)
{
	return bytes && len >= AR_MAGIC_LEN &&
	       (memcmp(bytes, AR_MAGIC, AR_MAGIC_LEN) == 0 ||
		memcmp(bytes, AR_THIN_MAGIC, AR_MAGIC_LEN) == 0);
}

/* ---- freeing ------------------------------------------------------------ */

static void archive_free(core_archive *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nmembers; i++) {
		free(a->members[i].name);
		free(a->members[i].display);
		if (a->members[i].thin_bytes)
			core_input_release(a->members[i].thin_bytes, a->members[i].thin_len,
					   a->members[i].thin_mapped);
	}
	free(a->members);
	free(a->index);
	hashmap_free(&a->names);
	for (size_t i = 0; i < a->npool; i++)
		free(a->pool[i]);
	free(a->pool);
	if (a->mapping)
		core_input_release(a->mapping, a->mapping_len, a->mapped);
	free(a->path);
	free(a);
}

void core_archives_free(struct core_libs *L)
{
	for (size_t i = 0; i < L->narchives; i++)
		archive_free(L->archives[i]);
	free(L->archives);
	L->archives = NULL;
	L->narchives = L->archives_cap = 0;
}

/* ---- the container ------------------------------------------------------ */

/* A decimal header field: digits, then spaces only.  -1 when malformed. */
static int parse_decimal(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < n && p[i] >= '0' && p[i] <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
		i++;
	}
	if (i == 0)
		return -1;
	for (; i < n; i++)
		if (p[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

/* The header's name field as printable text, for messages. */
static void field_text(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < outlen; i++)
		out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

static int name_is(const uint8_t *field, const char *special)
{
	size_t n = strlen(special);

	if (memcmp(field, special, n) != 0)
		return 0;
	for (size_t i = n; i < 16; i++)
		if (field[i] != ' ')
			return 0;
	return 1;
}

/* A member whose bytes are the archive's tables, inline even when thin. */
static int is_special(const uint8_t *h)
{
	return name_is(h, "/") || name_is(h, "/SYM64/") || name_is(h, "//") ||
	       name_is(h, "__.SYMDEF") || name_is(h, "__.SYMDEF SORTED");
}

static objload_status ar_error(objload_session *s, const core_archive *a,
			       objload_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static objload_status ar_error(objload_session *s, const core_archive *a,
			       objload_status st, const char *fmt, ...)
{
	char msg[CORE_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return core_error(s, st, "%s: %s", a->path, msg);
}

static objload_status ar_nomem(objload_session *s, const core_archive *a)
{
	return ar_error(s, a, OBJLOAD_ERR_NOMEM, "out of memory");
}

static ar_member *add_member(core_archive *a)
{
	if (a->nmembers == a->members_cap) {
		size_t ncap = a->members_cap ? a->members_cap * 2 : 16;
		ar_member *n = realloc(a->members, ncap * sizeof(*n));

		if (!n)
			return NULL;
		a->members = n;
		a->members_cap = ncap;
	}
	memset(&a->members[a->nmembers], 0, sizeof(ar_member));
	return &a->members[a->nmembers++];
}

/* A GNU "/NNN" name from the long-name table. */
static objload_status long_name(objload_session *s, core_archive *a,
				const struct ar_tables *t, const uint8_t *field,
				uint64_t off, char **out)
{
	const uint8_t *table = t->names.p;
	uint64_t num, end, table_len = t->names.len;
	char text[17];

	field_text(field, 16, text, sizeof(text));
	if (!t->have_names)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member at offset 0x%" PRIx64 " is named '%s' but the archive has no long-name table '//' before it",
				off, text);
	if (parse_decimal(field + 1, 15, &num) || num >= table_len)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member at offset 0x%" PRIx64 ": long name '%s' is not an offset inside the %" PRIu64 "-byte long-name table",
				off, text, table_len);
	for (end = num; end < table_len; end++)
		if (table[end] == '\n' || table[end] == '\0')
			break;
	if (end > num && table[end - 1] == '/')
		end--;
	if (end == num)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member at offset 0x%" PRIx64 ": long name '%s' is empty", off, text);
	*out = strndup((const char *)table + num, (size_t)(end - num));
	return *out ? OBJLOAD_OK : ar_nomem(s, a);
}

static int member_cmp(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key;
	const ar_member *m = elem;

	return k < m->header ? -1 : k > m->header;
}

/* Index entry `i` (`name`) points at header offset `off`: find its member
 * (members are in header order). */
static objload_status index_target(objload_session *s, core_archive *a,
				   const char *what, size_t i, const char *name,
				   uint64_t off, uint32_t *member)
{
	const ar_member *m;

	if (off >= a->len)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s entry %zu ('%s') points past the end of the archive (offset 0x%" PRIx64 ", archive size 0x%zx)",
				what, i, name, off, a->len);
	m = a->nmembers ? bsearch(&off, a->members, a->nmembers, sizeof(*m), member_cmp) : NULL;
	if (!m)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s entry %zu ('%s') points at offset 0x%" PRIx64 ", which is not a member header",
				what, i, name, off);
	*member = (uint32_t)(m - a->members);
	return OBJLOAD_OK;
}

static objload_status alloc_index(objload_session *s, core_archive *a, uint64_t count)
{
	if (count > SIZE_MAX / sizeof(*a->index))
		return ar_nomem(s, a);
	a->index = calloc(count ? (size_t)count : 1, sizeof(*a->index));
	return a->index ? OBJLOAD_OK : ar_nomem(s, a);
}

/* The GNU/Microsoft "/" (wide 0) or "/SYM64/" (wide 1) index: a
 * big-endian count, the offsets, then the names one after another. */
static objload_status parse_gnu_index(objload_session *s, core_archive *a,
				      struct rd_cursor idx, int wide)
{
	const char *what = wide ? "symbol index '/SYM64/'" : "symbol index '/'";
	unsigned w = wide ? 8 : 4;
	struct rd_cursor offsets;
	uint64_t count;
	objload_status st;

	if (rd_be(&idx, w, &count))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT, "%s is truncated (%zu bytes)",
				what, idx.len);
	if (rd_array(&idx, count, w, &offsets))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s claims %" PRIu64 " entries, more than its %zu bytes hold",
				what, count, idx.len);
	st = alloc_index(s, a, count);
	if (st)
		return st;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = 0;

		rd_be(&offsets, w, &off);   /* inside: rd_array checked */
		if (rd_cstr(&idx, &a->index[i].name))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"%s: the name of entry %" PRIu64 " runs past the end of the index",
					what, i);
		st = index_target(s, a, what, (size_t)i, a->index[i].name, off,
				  &a->index[i].member);
		if (st)
			return st;
	}
	a->nindex = (size_t)count;
	a->has_index = 1;
	return OBJLOAD_OK;
}

/* BSD "__.SYMDEF" (wide 0) or "__.SYMDEF_64" (wide 1), little-endian: the
 * byte size of the ranlib structs, the structs, the string table's size
 * and the strings. */
static objload_status parse_bsd_index(objload_session *s, core_archive *a,
				      struct rd_cursor idx, int wide)
{
	const char *what = wide ? "symbol index '__.SYMDEF_64'" : "symbol index '__.SYMDEF'";
	unsigned w = wide ? 8 : 4;
	struct rd_cursor entries, strtab;
	uint64_t rsize, ssize, count;
	objload_status st;

	if (rd_get(&idx, w, &rsize))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT, "%s is truncated", what);
	if (rsize % (2 * w) != 0 || rd_window(&idx, rsize, &entries))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s claims %" PRIu64 " bytes of entries, which its %zu bytes do not hold",
				what, rsize, idx.len);
	if (rd_get(&idx, w, &ssize))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s: the string table's size runs past the end of the index", what);
	if (rd_window(&idx, ssize, &strtab))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s: its string table (%" PRIu64 " bytes) runs past the end of the index",
				what, ssize);
	count = rsize / (2 * w);
	st = alloc_index(s, a, count);
	if (st)
		return st;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t strx = 0, off = 0;

		rd_get(&entries, w, &strx);   /* inside: rsize was checked */
		rd_get(&entries, w, &off);
		a->index[i].name = rd_string_at(&strtab, strx);
		if (!a->index[i].name)
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"%s: entry %" PRIu64 " has a name offset %" PRIu64 " outside its %" PRIu64 "-byte string table",
					what, i, strx, ssize);
		st = index_target(s, a, what, (size_t)i, a->index[i].name, off,
				  &a->index[i].member);
		if (st)
			return st;
	}
	a->nindex = (size_t)count;
	a->has_index = 1;
	return OBJLOAD_OK;
}

static objload_status member_probe(objload_session *s, core_archive *a,
				   ar_member *m);

/* A BSD "#1/NN" member: the name is the first NN bytes of `body`; the
 * index members "__.SYMDEF*" become the index, others a member (*name
 * set, `body` moved past the name).  In a thin archive there are no
 * inline member bytes to hold the name: refused. */
static objload_status bsd_member(objload_session *s, core_archive *a,
				 struct ar_tables *t, const uint8_t *h, uint64_t off,
				 struct rd_cursor *body, char **name)
{
	const uint8_t *nbytes;
	uint64_t nlen;
	size_t k;
	char text[17];

	field_text(h, 16, text, sizeof(text));
	if (a->flavor == AR_THIN)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member '%s' at offset 0x%" PRIx64 ": a thin archive has no member bytes to hold a BSD name",
				text, off);
	if (parse_decimal(h + 3, 13, &nlen) || nlen > body->len ||
	    rd_ptr(body, (size_t)nlen, &nbytes))
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member '%s' at offset 0x%" PRIx64 ": BSD name length is not a decimal number within the member's %zu bytes",
				text, off, body->len);
	for (k = 0; k < nlen && nbytes[k]; k++)
		;
	a->flavor = AR_BSD;
	if ((k == 9 && memcmp(nbytes, "__.SYMDEF", 9) == 0) ||
	    (k == 16 && memcmp(nbytes, "__.SYMDEF SORTED", 16) == 0) ||
	    (k == 12 && memcmp(nbytes, "__.SYMDEF_64", 12) == 0) ||
	    (k == 19 && memcmp(nbytes, "__.SYMDEF_64 SORTED", 19) == 0)) {
		rd_window(body, body->len - body->off, &t->index);
		t->index_kind = k == 9 || k == 16 ? 3 : 4;
		return OBJLOAD_OK;
	}
	if (k == 0)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member at offset 0x%" PRIx64 ": empty BSD name", off);
	*name = strndup((const char *)nbytes, k);
	return *name ? OBJLOAD_OK : ar_nomem(s, a);
}

/* A GNU-named member's name: "/NNN" or "name/". */
static objload_status gnu_member_name(objload_session *s, core_archive *a,
				      const struct ar_tables *t, const uint8_t *h,
				      uint64_t off, char **name)
{
	size_t k = 16;

	if (h[0] == '/')
		return long_name(s, a, t, h, off, name);
	while (k > 0 && h[k - 1] == ' ')
		k--;
	if (k > 0 && h[k - 1] == '/')
		k--;
	if (k == 0)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member at offset 0x%" PRIx64 ": empty name", off);
	*name = strndup((const char *)h, k);
	return *name ? OBJLOAD_OK : ar_nomem(s, a);
}

/* A special member (tables): its window becomes the table. */
static void special_member(core_archive *a, struct ar_tables *t, const uint8_t *h,
			   struct rd_cursor body)
{
	if (name_is(h, "/")) {
		if (!t->seen_linker++) {
			t->index = body;
			t->index_kind = 1;
		} else {
			a->flavor = AR_COFF;   /* Microsoft's second linker member */
		}
	} else if (name_is(h, "/SYM64/")) {
		t->index = body;
		t->index_kind = 2;
	} else if (name_is(h, "//")) {
		t->names = body;
		t->have_names = 1;
	} else {   /* __.SYMDEF, __.SYMDEF SORTED */
		t->index = body;
		t->index_kind = 3;
		a->flavor = AR_BSD;
	}
}

static objload_status new_member(objload_session *s, core_archive *a, char *name,
				 uint64_t off, const struct rd_cursor *body, uint64_t size)
{
	int thin = a->flavor == AR_THIN;
	ar_member *m = add_member(a);

	if (!m) {
		free(name);
		return ar_nomem(s, a);
	}
	m->name = name;
	m->header = off;
	m->size = thin ? size : body->len - body->off;
	m->data = thin ? NULL : body->p + body->off;
	if (asprintf(&m->display, "%s(%s)", a->path, name) < 0) {
		m->display = NULL;
		return ar_nomem(s, a);
	}
	/* cheap: the header checks of the format probes; a thin member's
	 * file is read when it is first needed */
	return thin ? OBJLOAD_OK : member_probe(s, a, m);
}

/* Walk every header once; then the index, whose offsets need the members. */
static objload_status parse_container(objload_session *s, core_archive *a)
{
	struct rd_cursor ar = { a->bytes, a->len, AR_MAGIC_LEN };
	struct ar_tables t;
	int thin = a->flavor == AR_THIN;
	objload_status st;

	memset(&t, 0, sizeof(t));
	while (ar.off < ar.len) {
		uint64_t off = ar.off, size, inline_size;
		struct rd_cursor body;
		const uint8_t *h;
		char text[17];
		char *name = NULL;
		int special;

		if (rd_ptr(&ar, AR_HDR_LEN, &h))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"truncated member header at offset 0x%" PRIx64 " (%zu bytes left, a header is 60)",
					off, (size_t)(a->len - off));
		field_text(h, 16, text, sizeof(text));
		if (h[58] != '`' || h[59] != '\n')
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"member '%s' at offset 0x%" PRIx64 ": bad header terminator (not \"`\\n\")",
					text, off);
		if (parse_decimal(h + 48, 10, &size))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"member '%s' at offset 0x%" PRIx64 ": size field '%.10s' is not a decimal number",
					text, off, (const char *)h + 48);
		special = is_special(h);
		/* a thin archive has inline bytes for its tables only */
		inline_size = !thin || special ? size : 0;
		if (rd_window(&ar, inline_size, &body))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"member '%s' at offset 0x%" PRIx64 ": its %" PRIu64 " bytes run past the end of the archive (size 0x%zx)",
					text, off, size, a->len);
		if ((inline_size & 1) && ar.off < ar.len)
			ar.off++;   /* the pad byte; a missing final one is harmless */

		if (special) {
			special_member(a, &t, h, body);
			continue;
		}
		if (memcmp(h, "#1/", 3) == 0)
			st = bsd_member(s, a, &t, h, off, &body, &name);
		else
			st = gnu_member_name(s, a, &t, h, off, &name);
		if (!st && name)
			st = new_member(s, a, name, off, &body, size);
		if (st)
			return st;
	}
	if (!t.index_kind)
		return OBJLOAD_OK;
	if (t.index_kind <= 2)
		return parse_gnu_index(s, a, t.index, t.index_kind == 2);
	return parse_bsd_index(s, a, t.index, t.index_kind == 4);
}

struct want {
	hashmap defined;        /* C-level names something defines */
	const char **undef;     /* referenced, non-weak, in order of discovery */
	size_t nundef, undef_cap;
	size_t absorbed;        /* images whose symbols are in the sets */
};

static objload_status load_member(objload_session *s, core_archive *a,
				  ar_member *m, struct want *w);

/* --whole-archive: every object member joins the session now, as ld
 * loads them where the archive appears. */
static objload_status load_whole(objload_session *s, core_archive *a)
{
	objload_status st = OBJLOAD_OK;

	for (size_t j = 0; j < a->nmembers && !st; j++) {
		ar_member *m = &a->members[j];

		st = member_probe(s, a, m);
		if (!st && !m->loaded && (m->format || m->import))
			st = load_member(s, a, m, NULL);
	}
	return st;
}

objload_status core_archive_add(objload_session *s, const char *path,
				const uint8_t *bytes, size_t len, void *mapping,
				size_t mapping_len, int mapped)
{
	struct core_libs *L = core_libs_of(s);
	core_archive *a = calloc(1, sizeof(*a));
	objload_status st;

	if (!L || !a || !(a->path = strdup(path))) {
		free(a);
		if (mapping)
			core_input_release(mapping, mapping_len, mapped);
		return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory", path);
	}
	a->mapping = mapping;
	a->mapping_len = mapping_len;
	a->mapped = mapped;
	a->bytes = bytes;
	a->len = len;
	a->flavor = memcmp(bytes, AR_THIN_MAGIC, AR_MAGIC_LEN) == 0 ? AR_THIN : AR_GNU;
	a->whole = L->whole_archive;
	a->forced = s->input_strategy;
	a->thin_policy = L->thin_policy;
	st = parse_container(s, a);
	if (!st && L->narchives == L->archives_cap) {
		size_t ncap = L->archives_cap ? L->archives_cap * 2 : 8;
		core_archive **n = realloc(L->archives, ncap * sizeof(*n));

		if (!n)
			st = ar_nomem(s, a);
		else {
			L->archives = n;
			L->archives_cap = ncap;
		}
	}
	if (st) {
		archive_free(a);
		return st;
	}
	L->archives[L->narchives++] = a;
	s->metrics.archives++;
	return a->whole ? load_whole(s, a) : OBJLOAD_OK;
}

/* ---- members -------------------------------------------------------------- */

/* Open a thin member's file under the archive's policy. */
static int open_thin_member(const core_archive *a, const ar_member *m, core_input *in)
{
	const char *slash = strrchr(a->path, '/');
	os_dir *d = NULL;
	char *dir;
	int rc;

	if (m->name[0] == '/') {
		if (a->thin_policy != OBJLOAD_THIN_ANY)
			return OS_FILE_ESCAPES;
		return core_input_open(NULL, m->name, 0, in);
	}
	dir = slash ? strndup(a->path, (size_t)(slash - a->path) + 1) : strdup(".");
	if (!dir)
		return ENOMEM;
	rc = os_dir_open(dir, &d);
	if (!rc)
		rc = core_input_open(d, m->name, a->thin_policy == OBJLOAD_THIN_CONFINED, in);
	os_dir_close(d);
	free(dir);
	return rc;
}

/* The bytes of a member; a thin member's file is read the first time. */
static objload_status member_bytes(objload_session *s, core_archive *a,
				   ar_member *m)
{
	objload_status st;
	core_input in;
	int rc;

	if (m->data || m->size == 0)
		return OBJLOAD_OK;
	rc = open_thin_member(a, m, &in);
	if (rc == OS_FILE_ESCAPES && m->name[0] == '/')
		return ar_error(s, a, OBJLOAD_ERR_IO,
				"thin archive member %s: an absolute path, which the session does not "
				"follow (objload_set_thin_archive_policy, --thin-paths=any allows it)",
				m->name);
	if (rc == OS_FILE_ESCAPES)
		return ar_error(s, a, OBJLOAD_ERR_IO,
				"thin archive member %s leaves the archive's directory, to which the "
				"session confines members (objload_set_thin_archive_policy, "
				"--thin-paths=relative allows it)", m->name);
	if (rc)
		return ar_error(s, a, OBJLOAD_ERR_IO, "thin archive member %s: %s", m->name,
				core_input_strerror(rc));
	if (in.size != m->size) {
		core_input_close(&in);
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"thin archive member %s has %" PRIu64 " bytes, the archive records %" PRIu64,
				m->name, in.size, m->size);
	}
	st = core_input_bytes(s, m->display, &in, 1, &m->thin_bytes, &m->thin_len,
			      &m->thin_mapped);
	core_input_close(&in);
	if (st)
		return st;
	if (m->thin_len != m->size)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"thin archive member %s changed size while read", m->name);
	m->data = m->thin_bytes;
	return OBJLOAD_OK;
}

/* Recognise a member: a format's short import record, or an object. */
static objload_status member_probe(objload_session *s, core_archive *a,
				   ar_member *m)
{
	char err[CORE_ERRMSG_MAX / 2];
	objload_status st;
	int rc;

	if (m->probed)
		return OBJLOAD_OK;
	st = member_bytes(s, a, m);
	if (st)
		return st;
	m->probed = 1;
	err[0] = '\0';
	rc = core_probe_import(s, m->data, (size_t)m->size, &m->import_format,
			       &m->import_name, err, sizeof(err));
	if (rc < 0)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT, "member %s: %s", m->name, err);
	if (rc > 0) {
		m->import = 1;
		return OBJLOAD_OK;
	}
	m->format = core_probe(s, m->data, (size_t)m->size);
	return OBJLOAD_OK;
}

/* The C-level name an index name stands for in its member's format. */
static const char *index_cname(const ar_member *m, const char *name)
{
	const objload_format *f = m->import ? m->import_format : m->format;

	return f && f->index_cname ? f->index_cname(name) : name;
}

static objload_status pool_add(objload_session *s, core_archive *a,
			       const char *name, const char **out)
{
	if (a->npool == a->pool_cap) {
		size_t ncap = a->pool_cap ? a->pool_cap * 2 : 64;
		char **n = realloc(a->pool, ncap * sizeof(*n));

		if (!n)
			return ar_nomem(s, a);
		a->pool = n;
		a->pool_cap = ncap;
	}
	a->pool[a->npool] = strdup(name);
	if (!a->pool[a->npool])
		return ar_nomem(s, a);
	*out = a->pool[a->npool++];
	return OBJLOAD_OK;
}

/* The first definition in archive order wins. */
static objload_status put_name(objload_session *s, core_archive *a,
			       const char *name, uint32_t member)
{
	uint32_t old;

	if (hashmap_intern_str(&a->names, name, member, &old) < 0)
		return ar_nomem(s, a);
	return OBJLOAD_OK;
}

/* An archive without an index: parse each object member once to learn
 * what it defines (the image is dropped again). */
static objload_status scan_member(objload_session *s, core_archive *a, uint32_t mi)
{
	ar_member *m = &a->members[mi];
	objload_image *img;
	objload_status st;

	if (m->import)
		return put_name(s, a, m->import_name, mi);
	if (!m->format)
		return OBJLOAD_OK;   /* not an object: a linker skips it too */
	img = core_image_new(s, m->display);
	if (!img)
		return ar_nomem(s, a);
	img->file = m->data;
	img->file_size = (size_t)m->size;
	img->format = m->format;
	img->wanted_arch = s->wanted_arch;
	st = m->format->parse(img);
	if (!st)
		st = core_validate_image(s, img);
	for (uint32_t j = 0; j < img->nsymbols && !st; j++) {
		const objload_symbol *sym = &img->symbols[j];
		const char *key = NULL;

		if (!sym->cname || sym->binding == OBJLOAD_BIND_LOCAL ||
		    sym->def == OBJLOAD_DEF_UNDEFINED)
			continue;
		if (hashmap_get_str(&a->names, sym->cname, &(uint32_t){ 0 }))
			continue;
		st = pool_add(s, a, sym->cname, &key);
		if (!st)
			st = put_name(s, a, key, mi);
	}
	core_image_free(img);
	return st;
}

static objload_status build_names(objload_session *s, core_archive *a)
{
	objload_status st = OBJLOAD_OK;

	if (a->names_built)
		return OBJLOAD_OK;
	a->names_built = 1;
	if (a->has_index) {
		for (size_t i = 0; i < a->nindex && !st; i++) {
			ar_member *m = &a->members[a->index[i].member];

			st = member_probe(s, a, m);
			if (!st)
				st = put_name(s, a, index_cname(m, a->index[i].name),
					      a->index[i].member);
		}
		return st;
	}
	for (size_t i = 0; i < a->nmembers && !st; i++) {
		st = member_probe(s, a, &a->members[i]);
		if (!st)
			st = scan_member(s, a, (uint32_t)i);
	}
	return st;
}

/* ---- loading to a fixed point --------------------------------------------- */

/* A name some member may have to define. */
static objload_status want_name(objload_session *s, struct want *w, const char *name)
{
	if (w->nundef == w->undef_cap) {
		size_t ncap = w->undef_cap ? w->undef_cap * 2 : 256;
		const char **n = realloc(w->undef, ncap * sizeof(*n));

		if (!n)
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		w->undef = n;
		w->undef_cap = ncap;
	}
	w->undef[w->nundef++] = name;
	return OBJLOAD_OK;
}

static objload_status absorb_images(objload_session *s, struct want *w)
{
	for (; w->absorbed < s->nimages; w->absorbed++) {
		const objload_image *img = s->images[w->absorbed];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (!sym->cname || sym->binding == OBJLOAD_BIND_LOCAL)
				continue;
			if (sym->def != OBJLOAD_DEF_UNDEFINED) {
				if (hashmap_put_str(&w->defined, sym->cname, 1))
					return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
				continue;
			}
			if (sym->binding == OBJLOAD_BIND_WEAK)
				continue;   /* a weak reference pulls nothing, as in ld */
			if (want_name(s, w, sym->cname))
				return OBJLOAD_ERR_NOMEM;
		}
	}
	return OBJLOAD_OK;
}

static objload_status load_member(objload_session *s, core_archive *a,
				  ar_member *m, struct want *w)
{
	const objload_image *img;
	objload_status st;

	st = member_probe(s, a, m);
	if (st)
		return st;
	m->loaded = 1;
	if (m->import) {
		/* left to the host: the function of that name */
		s->metrics.archive_imports++;
		if (w && hashmap_put_str(&w->defined, m->import_name, 1))
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		return OBJLOAD_OK;
	}
	if (!m->format)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"member %s (offset 0x%" PRIx64 ") is not an object file of any format objload knows",
				m->name, m->header);
	{
		/* a member takes the strategy in force when its archive was added */
		objload_strategy now = s->input_strategy;

		s->input_strategy = a->forced;
		st = core_add_image(s, m->display, m->data, (size_t)m->size, NULL, 0, 0);
		s->input_strategy = now;
	}
	if (st)
		return st;
	img = s->images[s->nimages - 1];
	if (img->arch != s->images[0]->arch)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "%s: member is for %s, the session links %s (%s)",
				  m->display, objload_arch_name(img->arch),
				  objload_arch_name(s->images[0]->arch), s->images[0]->path);
	a->loaded++;
	s->metrics.archive_members++;
	return w ? absorb_images(s, w) : OBJLOAD_OK;
}

objload_status core_archive_load_members(objload_session *s)
{
	struct core_libs *L = s->libs;
	struct want w = { 0 };
	objload_status st = OBJLOAD_OK;
	int changed = 1;

	if (!L || !L->narchives)
		return OBJLOAD_OK;
	for (size_t i = 0; i < s->ndefines && !st; i++)
		if (hashmap_put_str(&w.defined, s->defines[i].name, 1))
			st = core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (!st)
		st = absorb_images(s, &w);
	/* what the program needs (objload_keep: the entry point) is wanted
	 * as ld's -u and --entry make it: gtest_main.a's main is found so */
	for (size_t i = 0; i < s->nkeeps && !st; i++)
		st = want_name(s, &w, s->keeps[i]);
	for (size_t i = 0; i < L->narchives; i++)
		L->archives[i]->cursor = 0;
	while (changed && !st) {
		changed = 0;
		for (size_t i = 0; i < L->narchives && !st; i++) {
			core_archive *a = L->archives[i];

			if (a->whole)
				continue;
			st = build_names(s, a);
			/* w.nundef grows while members load: one pass reaches
			 * every name this archive can define */
			for (; a->cursor < w.nundef && !st; a->cursor++) {
				const char *name = w.undef[a->cursor];
				uint32_t mi, dummy;
				builtin_id bid;

				/* objload's runtime helpers stand in for
				 * libc_nonshared.a: they pull no member */
				if (!s->link_only && core_builtin_lookup(name, &bid))
					continue;
				if (hashmap_get_str(&w.defined, name, &dummy) ||
				    !hashmap_get_str(&a->names, name, &mi) ||
				    a->members[mi].loaded)
					continue;
				core_log_member(s, a->members[mi].display, name);
				st = load_member(s, a, &a->members[mi], &w);
				changed = 1;
			}
		}
	}
	hashmap_free(&w.defined);
	free(w.undef);
	return st;
}

objload_status core_archive_nothing_to_link(objload_session *s)
{
	const struct core_libs *L = s->libs;

	if (!L || !L->narchives)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "nothing to link: no input files");
	return core_error(s, OBJLOAD_ERR_ARGUMENT,
			  "%s: nothing to link: no object file references a member of %s%s "
			  "(--whole-archive loads every member)",
			  L->archives[0]->path, L->narchives > 1 ? "the archives" : "the archive",
			  L->narchives > 1 ? " given" : "");
}

/* ---- options and inspection ------------------------------------------------ */

objload_status objload_set_whole_archive(objload_session *s, int enabled)
{
	struct core_libs *L;
	objload_status st = core_libs_to_change(s, &L);

	if (!st)
		L->whole_archive = enabled != 0;
	return st;
}

objload_status objload_set_thin_archive_policy(objload_session *s,
					       objload_thin_policy policy)
{
	struct core_libs *L;
	objload_status st = core_libs_to_change(s, &L);

	if (st)
		return st;
	if (policy != OBJLOAD_THIN_CONFINED && policy != OBJLOAD_THIN_RELATIVE &&
	    policy != OBJLOAD_THIN_ANY)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "unknown thin archive policy %d",
				  (int)policy);
	L->thin_policy = policy;
	return OBJLOAD_OK;
}

size_t objload_archive_count(const objload_session *s)
{
	return s && s->libs ? s->libs->narchives : 0;
}

objload_status objload_get_archive_info(const objload_session *s, size_t i,
					objload_archive_info *out)
{
	const core_archive *a;

	if (!s || !out || i >= objload_archive_count(s))
		return OBJLOAD_ERR_ARGUMENT;
	a = s->libs->archives[i];
	out->path = a->path;
	out->flavor = flavor_name(a->flavor);
	out->members = a->nmembers;
	out->index_symbols = a->nindex;
	out->has_index = a->has_index;
	out->whole = a->whole;
	out->loaded = a->loaded;
	return OBJLOAD_OK;
}

objload_status objload_get_archive_member(const objload_session *s, size_t i,
					  size_t j, objload_archive_member *out)
{
	const core_archive *a;
	const ar_member *m;

	if (!s || !out || i >= objload_archive_count(s))
		return OBJLOAD_ERR_ARGUMENT;
	a = s->libs->archives[i];
	if (j >= a->nmembers)
		return OBJLOAD_ERR_ARGUMENT;
	m = &a->members[j];
	out->name = m->name;
	out->offset = m->header;
	out->size = m->size;
	out->loaded = m->loaded;
	out->import = m->import;
	return OBJLOAD_OK;
}
