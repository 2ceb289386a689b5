/* SPDX-License-Identifier: MIT */
/*
 * Static archives and the host's libraries, as a linker finds them.
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
 *             size is the file's size; no bytes follow the header.
 *   BSD       "#1/NN": the name is the NN bytes that follow the header
 *             (counted in size, NUL-padded).  The index is the member
 *             "__.SYMDEF" or "__.SYMDEF SORTED": a little-endian u32 byte
 *             size of ranlib structs {u32 name offset, u32 member offset},
 *             the structs, a u32 string-table size and the strings
 *             ("__.SYMDEF_64": the same with u64 fields), as
 *             llvm-ar --format=bsd|darwin and cctools write them.
 *   Microsoft lib: GNU naming (names NUL-terminated in "//"); the first
 *             "/" member is the GNU index, the second "/" (little-endian,
 *             member-indexed) is skipped.  A short import member starts
 *             with IMPORT_OBJECT_HEADER (Sig1 0, Sig2 0xffff, Version 0,
 *             Machine, TimeDateStamp, SizeOfData, OrdinalHint, Type) and
 *             then the symbol's name and the DLL's name, NUL-terminated.
 *
 * Every header, size, name, table and index offset is checked here once,
 * when the archive is added; an index entry must point at a member header.
 * Members are not copied: a member image points into the archive's
 * mapping (a thin member into its own mapping, made when first needed).
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
 * Index names are the format's decorated names: a Mach-O member's "_foo"
 * and a COFF member's "__imp_foo" stand for C-level "foo".  An archive
 * without an index has its object members parsed once to learn what they
 * define.  A Microsoft short import member is never loaded: the reference
 * it would satisfy (foo, __imp_foo) is left to the host, which provides
 * the function of that name (the DLL's name is not used).
 *
 * Libraries
 * ---------
 * objload_add_library("-lNAME") searches the directories given with
 * objload_add_search_dir(), then /usr/local/lib, the multiarch and plain
 * /usr/lib and /lib, for libNAME.so then libNAME.a in each directory.  A
 * shared library is dlopen()ed RTLD_NOW | RTLD_LOCAL into a handle the
 * session keeps and searches after the host's global scope; a GNU ld
 * script (Debian's libc.so, libm.so) is followed: GROUP, INPUT and
 * AS_NEEDED name files or -lNAME, SEARCH_DIR adds a directory, other
 * commands are skipped.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/archive.h"
#include "core/log.h"

#define AR_MAGIC "!<arch>\n"
#define AR_THIN_MAGIC "!<thin>\n"
#define AR_MAGIC_LEN 8
#define AR_HDR_LEN 60
#define LIB_SCRIPT_MAX (1u << 20)
#define LIB_MAX_DEPTH 8

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
	const uint8_t *data;    /* NULL: a thin member not mapped yet */
	uint64_t size;
	void *thin_map;         /* thin: the member file's mapping */
	size_t thin_len;
	const objload_format *format;
	int probed;             /* format (or import) known */
	int import;             /* a Microsoft short import member */
	const char *import_name;
	int loaded;             /* in the session, or satisfied by the host */
} ar_member;

typedef struct ar_index_entry {
	const char *name;       /* NUL-terminated, inside the mapping */
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

struct lib_handle {
	void *handle;
	char *path;
};

struct core_libs {
	core_archive **archives;
	size_t narchives, archives_cap;
	char **dirs;
	size_t ndirs;
	struct lib_handle *libs;
	size_t nlibs;
	int whole_archive;
};

static const char *const system_lib_dirs[] = {
	"/usr/local/lib",
	"/usr/lib/x86_64-linux-gnu",
	"/lib/x86_64-linux-gnu",
	"/usr/lib",
	"/lib",
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

static struct core_libs *libs_of(objload_session *s)
{
	if (!s->libs)
		s->libs = calloc(1, sizeof(*s->libs));
	return s->libs;
}

static uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd_be64(const uint8_t *p)
{
	return (uint64_t)rd_be32(p) << 32 | rd_be32(p + 4);
}

static uint32_t rd_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd_le64(const uint8_t *p)
{
	return (uint64_t)rd_le32(p + 4) << 32 | rd_le32(p);
}

static uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int core_archive_probe(const uint8_t *bytes, size_t len)
{
	return len >= AR_MAGIC_LEN && (memcmp(bytes, AR_MAGIC, AR_MAGIC_LEN) == 0 ||
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
		if (a->members[i].thin_map)
			munmap(a->members[i].thin_map, a->members[i].thin_len);
	}
	free(a->members);
	free(a->index);
	hashmap_free(&a->names);
	for (size_t i = 0; i < a->npool; i++)
		free(a->pool[i]);
	free(a->pool);
	if (a->mapped)
		munmap(a->mapping, a->mapping_len);
	free(a->path);
	free(a);
}

void core_libs_free(objload_session *s)
{
	struct core_libs *L = s->libs;

	if (!L)
		return;
	for (size_t i = 0; i < L->narchives; i++)
		archive_free(L->archives[i]);
	free(L->archives);
	for (size_t i = 0; i < L->ndirs; i++)
		free(L->dirs[i]);
	free(L->dirs);
	for (size_t i = 0; i < L->nlibs; i++) {
		dlclose(L->libs[i].handle);
		free(L->libs[i].path);
	}
	free(L->libs);
	free(L);
	s->libs = NULL;
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
				const uint8_t *table, uint64_t table_len,
				const uint8_t *field, uint64_t off,
				char **out)
{
	uint64_t num, end;
	char text[17];

	field_text(field, 16, text, sizeof(text));
	if (!table)
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
	return *out ? OBJLOAD_OK : core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
}

static int member_cmp(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key;
	const ar_member *m = elem;

	return k < m->header ? -1 : k > m->header;
}

/* Index entry `i` (`name`) points at header offset `off`: find its member. */
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

/* The GNU/Microsoft "/" (wide 0) or "/SYM64/" (wide 1) index. */
static objload_status parse_gnu_index(objload_session *s, core_archive *a,
				      const uint8_t *p, uint64_t len, int wide)
{
	const char *what = wide ? "symbol index '/SYM64/'" : "symbol index '/'";
	uint64_t w = wide ? 8 : 4, count, strings, pos;
	objload_status st;

	if (len < w)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT, "%s is truncated (%" PRIu64 " bytes)",
				what, len);
	count = wide ? rd_be64(p) : rd_be32(p);
	if (count > (len - w) / w)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s claims %" PRIu64 " entries, more than its %" PRIu64 " bytes hold",
				what, count, len);
	strings = w + count * w;
	a->index = calloc(count ? count : 1, sizeof(*a->index));
	if (!a->index)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	pos = strings;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *nul;
		uint64_t off = wide ? rd_be64(p + w + i * w) : rd_be32(p + w + i * w);

		nul = pos < len ? memchr(p + pos, 0, (size_t)(len - pos)) : NULL;
		if (!nul)
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"%s: the name of entry %" PRIu64 " runs past the end of the index",
					what, i);
		a->index[i].name = (const char *)p + pos;
		st = index_target(s, a, what, (size_t)i, a->index[i].name, off,
				  &a->index[i].member);
		if (st)
			return st;
		pos = (uint64_t)(nul - p) + 1;
	}
	a->nindex = (size_t)count;
	a->has_index = 1;
	return OBJLOAD_OK;
}

/* BSD "__.SYMDEF" (wide 0) or "__.SYMDEF_64" (wide 1), little-endian. */
static objload_status parse_bsd_index(objload_session *s, core_archive *a,
				      const uint8_t *p, uint64_t len, int wide)
{
	const char *what = wide ? "symbol index '__.SYMDEF_64'" : "symbol index '__.SYMDEF'";
	uint64_t w = wide ? 8 : 4, rsize, ssize, count, strtab;
	objload_status st;

	if (len < w)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT, "%s is truncated", what);
	rsize = wide ? rd_le64(p) : rd_le32(p);
	if (rsize % (2 * w) != 0 || rsize > len - w || len - w - rsize < w)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s claims %" PRIu64 " bytes of entries, which its %" PRIu64 " bytes do not hold",
				what, rsize, len);
	count = rsize / (2 * w);
	strtab = w + rsize + w;
	ssize = wide ? rd_le64(p + w + rsize) : rd_le32(p + w + rsize);
	if (ssize > len - strtab)
		return ar_error(s, a, OBJLOAD_ERR_FORMAT,
				"%s: its string table (%" PRIu64 " bytes) runs past the end of the index",
				what, ssize);
	a->index = calloc(count ? count : 1, sizeof(*a->index));
	if (!a->index)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = p + w + i * 2 * w;
		uint64_t strx = wide ? rd_le64(e) : rd_le32(e);
		uint64_t off = wide ? rd_le64(e + w) : rd_le32(e + w);

		if (strx >= ssize || !memchr(p + strtab + strx, 0, (size_t)(ssize - strx)))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"%s: entry %" PRIu64 " has a name offset %" PRIu64 " outside its %" PRIu64 "-byte string table",
					what, i, strx, ssize);
		a->index[i].name = (const char *)p + strtab + strx;
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

/* Walk every header once; then the index, whose offsets need the members. */
static objload_status parse_container(objload_session *s, core_archive *a)
{
	const uint8_t *names = NULL, *idx = NULL;
	uint64_t names_len = 0, idx_len = 0, off = AR_MAGIC_LEN;
	int idx_kind = 0, seen_linker = 0;   /* 1 gnu, 2 gnu64, 3 bsd, 4 bsd64 */
	int thin = a->flavor == AR_THIN;
	objload_status st;

	while (off < a->len) {
		const uint8_t *h = a->bytes + off, *data;
		uint64_t size, next, data_off;
		char text[17];
		ar_member *m;
		char *name = NULL;
		int special = 0;

		if (a->len - off < AR_HDR_LEN)
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
		data_off = off + AR_HDR_LEN;
		data = a->bytes + data_off;
		if (name_is(h, "/") || name_is(h, "/SYM64/") || name_is(h, "//") ||
		    name_is(h, "__.SYMDEF") || name_is(h, "__.SYMDEF SORTED"))
			special = 1;
		/* in a thin archive only the tables have their bytes inline */
		if ((!thin || special) && size > a->len - data_off)
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"member '%s' at offset 0x%" PRIx64 ": its %" PRIu64 " bytes run past the end of the archive (size 0x%zx)",
					text, off, size, a->len);
		next = (!thin || special) ? data_off + size + (size & 1) : data_off;
		if (next > a->len)
			next = a->len;   /* a missing final pad byte is harmless */

		if (name_is(h, "/")) {
			if (!seen_linker++) {
				idx = data;
				idx_len = size;
				idx_kind = 1;
			} else {
				a->flavor = AR_COFF;   /* Microsoft's second linker member */
			}
		} else if (name_is(h, "/SYM64/")) {
			idx = data;
			idx_len = size;
			idx_kind = 2;
		} else if (name_is(h, "//")) {
			names = data;
			names_len = size;
		} else if (name_is(h, "__.SYMDEF") || name_is(h, "__.SYMDEF SORTED")) {
			idx = data;
			idx_len = size;
			idx_kind = 3;
			a->flavor = AR_BSD;
		} else if (memcmp(h, "#1/", 3) == 0) {
			uint64_t nlen;
			size_t k;

			if (parse_decimal(h + 3, 13, &nlen) || nlen > size)
				return ar_error(s, a, OBJLOAD_ERR_FORMAT,
						"member '%s' at offset 0x%" PRIx64 ": BSD name length is not a decimal number within the member's %" PRIu64 " bytes",
						text, off, size);
			for (k = 0; k < nlen && data[k]; k++)
				;
			if (a->flavor != AR_THIN)
				a->flavor = AR_BSD;
			if ((k == 9 && memcmp(data, "__.SYMDEF", 9) == 0) ||
			    (k == 16 && memcmp(data, "__.SYMDEF SORTED", 16) == 0)) {
				idx = data + nlen;
				idx_len = size - nlen;
				idx_kind = 3;
			} else if ((k == 12 && memcmp(data, "__.SYMDEF_64", 12) == 0) ||
				   (k == 19 && memcmp(data, "__.SYMDEF_64 SORTED", 19) == 0)) {
				idx = data + nlen;
				idx_len = size - nlen;
				idx_kind = 4;
			} else {
				if (k == 0)
					return ar_error(s, a, OBJLOAD_ERR_FORMAT,
							"member at offset 0x%" PRIx64 ": empty BSD name", off);
				name = strndup((const char *)data, k);
				if (!name)
					return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
				data += nlen;
				size -= nlen;
				goto member;
			}
		} else {
			if (h[0] == '/') {
				st = long_name(s, a, names, names_len, h, off, &name);
				if (st)
					return st;
			} else {
				size_t k = 16;

				while (k > 0 && h[k - 1] == ' ')
					k--;
				if (k > 0 && h[k - 1] == '/')
					k--;
				if (k == 0)
					return ar_error(s, a, OBJLOAD_ERR_FORMAT,
							"member at offset 0x%" PRIx64 ": empty name", off);
				name = strndup((const char *)h, k);
				if (!name)
					return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			}
			goto member;
		}
		off = next;
		continue;
member:
		m = add_member(a);
		if (!m) {
			free(name);
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		}
		m->name = name;
		m->header = off;
		m->size = size;
		m->data = thin ? NULL : data;
		if (asprintf(&m->display, "%s(%s)", a->path, name) < 0) {
			m->display = NULL;
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		}
		off = next;
		if (!thin) {
			/* cheap: the header checks of the format probes */
			st = member_probe(s, a, m);
			if (st)
				return st;
		}
	}
	if (!idx_kind)
		return OBJLOAD_OK;
	if (idx_kind <= 2)
		return parse_gnu_index(s, a, idx, idx_len, idx_kind == 2);
	return parse_bsd_index(s, a, idx, idx_len, idx_kind == 4);
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
	struct core_libs *L = libs_of(s);
	core_archive *a = calloc(1, sizeof(*a));
	objload_status st;

	if (!L || !a || !(a->path = strdup(path))) {
		free(a);
		if (mapped)
			munmap(mapping, mapping_len);
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
	st = parse_container(s, a);
	if (!st && L->narchives == L->archives_cap) {
		size_t ncap = L->archives_cap ? L->archives_cap * 2 : 8;
		core_archive **n = realloc(L->archives, ncap * sizeof(*n));

		if (!n)
			st = core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
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

/* The bytes of a member; a thin member's file is mapped the first time. */
static objload_status member_bytes(objload_session *s, core_archive *a,
				   ar_member *m)
{
	objload_status st = OBJLOAD_OK;
	char *path = NULL;
	struct stat stbuf;
	const char *slash;
	void *map;
	int fd;

	if (m->data || m->size == 0)
		return OBJLOAD_OK;
	slash = strrchr(a->path, '/');
	if (m->name[0] == '/' || !slash)
		path = strdup(m->name);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - a->path), a->path, m->name) < 0)
		path = NULL;
	if (!path)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &stbuf) < 0) {
		st = core_error(s, OBJLOAD_ERR_IO, "%s: thin archive member %s: %s",
				a->path, path, strerror(errno));
	} else if ((uint64_t)stbuf.st_size != m->size) {
		st = core_error(s, OBJLOAD_ERR_FORMAT,
				"%s: thin archive member %s has %jd bytes, the archive records %" PRIu64,
				a->path, path, (intmax_t)stbuf.st_size, m->size);
	} else {
		map = mmap(NULL, (size_t)m->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			st = core_error(s, OBJLOAD_ERR_IO,
					"%s: thin archive member %s: cannot map: %s",
					a->path, path, strerror(errno));
		} else {
			m->thin_map = map;
			m->thin_len = (size_t)m->size;
			m->data = map;
		}
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return st;
}

/* Recognise a member: a Microsoft short import, or an object format. */
static objload_status member_probe(objload_session *s, core_archive *a,
				   ar_member *m)
{
	objload_status st;

	if (m->probed)
		return OBJLOAD_OK;
	st = member_bytes(s, a, m);
	if (st)
		return st;
	m->probed = 1;
	if (m->size >= 20 && rd_le16(m->data) == 0 && rd_le16(m->data + 2) == 0xffff &&
	    rd_le16(m->data + 4) == 0) {
		uint32_t sod = rd_le32(m->data + 12);

		if (sod > m->size - 20 || !memchr(m->data + 20, 0, sod))
			return ar_error(s, a, OBJLOAD_ERR_FORMAT,
					"member %s: import header's SizeOfData %u runs past the member's %" PRIu64 " bytes or holds no NUL-terminated name",
					m->name, sod, m->size);
		m->import = 1;
		m->import_name = (const char *)m->data + 20;
		return OBJLOAD_OK;
	}
	m->format = core_probe(s, m->data, (size_t)m->size);
	return OBJLOAD_OK;
}

/* The C-level name an index name stands for in its member's format. */
static const char *index_cname(const ar_member *m, const char *name)
{
	if (m->import || (m->format && strcmp(m->format->name, "coff") == 0)) {
		if (strncmp(name, "__imp_", 6) == 0 && name[6])
			return name + 6;
	} else if (m->format && strcmp(m->format->name, "macho") == 0) {
		if (name[0] == '_' && name[1])
			return name + 1;
	}
	return name;
}

static objload_status pool_add(objload_session *s, core_archive *a,
			       const char *name, const char **out)
{
	if (a->npool == a->pool_cap) {
		size_t ncap = a->pool_cap ? a->pool_cap * 2 : 64;
		char **n = realloc(a->pool, ncap * sizeof(*n));

		if (!n)
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		a->pool = n;
		a->pool_cap = ncap;
	}
	a->pool[a->npool] = strdup(name);
	if (!a->pool[a->npool])
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	*out = a->pool[a->npool++];
	return OBJLOAD_OK;
}

static objload_status put_name(objload_session *s, core_archive *a,
			       const char *name, uint32_t member)
{
	uint32_t old;

	if (hashmap_get_str(&a->names, name, &old))
		return OBJLOAD_OK;   /* the first definition in archive order */
	if (hashmap_put_str(&a->names, name, member))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	return OBJLOAD_OK;
}

/* An archive without an index: parse each object member once to learn
 * what it defines (the image is dropped again). */
static objload_status scan_member(objload_session *s, core_archive *a, uint32_t mi)
{
	ar_member *m = &a->members[mi];
	objload_image *img;
	objload_status st;

	if (m->import) {
		st = put_name(s, a, m->import_name, mi);
		return st;
	}
	if (!m->format)
		return OBJLOAD_OK;   /* not an object: a linker skips it too */
	img = core_image_new(s, m->display);
	if (!img)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	img->file = m->data;
	img->file_size = (size_t)m->size;
	img->format = m->format;
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
			if (w->nundef == w->undef_cap) {
				size_t ncap = w->undef_cap ? w->undef_cap * 2 : 256;
				const char **n = realloc(w->undef, ncap * sizeof(*n));

				if (!n)
					return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
				w->undef = n;
				w->undef_cap = ncap;
			}
			w->undef[w->nundef++] = sym->cname;
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

/* ---- inspection ------------------------------------------------------------ */

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

/* ---- the host's libraries ---------------------------------------------------- */

void *core_libs_lookup(objload_session *s, const char *name)
{
	struct core_libs *L = s->libs;

	if (!L)
		return NULL;
	for (size_t i = 0; i < L->nlibs; i++) {
		void *p = dlsym(L->libs[i].handle, name);

		if (p)
			return p;
	}
	return NULL;
}

objload_status objload_set_whole_archive(objload_session *s, int enabled)
{
	struct core_libs *L;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	L = libs_of(s);
	if (!L)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	L->whole_archive = enabled != 0;
	return OBJLOAD_OK;
}

objload_status objload_add_search_dir(objload_session *s, const char *dir)
{
	struct core_libs *L;
	char **n;

	if (!s || !dir || !*dir)
		return s ? core_error(s, OBJLOAD_ERR_ARGUMENT, "empty search directory")
			 : OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	L = libs_of(s);
	if (!L)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	n = realloc(L->dirs, (L->ndirs + 1) * sizeof(*n));
	if (!n)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	L->dirs = n;
	L->dirs[L->ndirs] = strdup(dir);
	if (!L->dirs[L->ndirs])
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	L->ndirs++;
	return OBJLOAD_OK;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Search the directories for exactly `file`; a malloc'd path or NULL. */
static char *search_file(struct core_libs *L, const char *file)
{
	size_t nsys = sizeof(system_lib_dirs) / sizeof(system_lib_dirs[0]);
	size_t ndirs = L->ndirs + nsys;

	for (size_t i = 0; i < ndirs; i++) {
		const char *dir = i < L->ndirs ? L->dirs[i] : system_lib_dirs[i - L->ndirs];
		char *p;

		if (asprintf(&p, "%s/%s", dir, file) < 0)
			return NULL;
		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* -lNAME: libNAME.so then libNAME.a per directory; -l:FILE: exactly FILE. */
static char *search_library(struct core_libs *L, const char *name)
{
	size_t nsys = sizeof(system_lib_dirs) / sizeof(system_lib_dirs[0]);
	size_t ndirs = L->ndirs + nsys;
	static const char *const suffixes[] = { ".so", ".a" };

	if (name[0] == ':')
		return search_file(L, name + 1);
	for (size_t i = 0; i < ndirs; i++) {
		const char *dir = i < L->ndirs ? L->dirs[i] : system_lib_dirs[i - L->ndirs];

		for (size_t k = 0; k < 2; k++) {
			char *p;

			if (asprintf(&p, "%s/lib%s%s", dir, name, suffixes[k]) < 0)
				return NULL;
			if (is_file(p))
				return p;
			free(p);
		}
	}
	return NULL;
}

static objload_status add_library_path(objload_session *s, const char *path,
				       int depth);

static objload_status open_shared(objload_session *s, const char *path)
{
	struct core_libs *L = libs_of(s);
	struct lib_handle *n;
	void *h;

	for (size_t i = 0; i < L->nlibs; i++)
		if (strcmp(L->libs[i].path, path) == 0)
			return OBJLOAD_OK;
	if (s->link_only)
		return OBJLOAD_OK;
	dlerror();
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();

		return core_error(s, OBJLOAD_ERR_IO, "%s: cannot open the shared library: %s",
				  path, e ? e : "unknown error");
	}
	n = realloc(L->libs, (L->nlibs + 1) * sizeof(*n));
	if (!n) {
		dlclose(h);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	L->libs = n;
	n[L->nlibs].handle = h;
	n[L->nlibs].path = strdup(path);
	if (!n[L->nlibs].path) {
		dlclose(h);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	L->nlibs++;
	s->metrics.shared_libraries++;
	return OBJLOAD_OK;
}

/* ---- GNU ld scripts ---------------------------------------------------------- */

struct script {
	const char *p, *end;
	char tok[PATH_MAX];
};

/* Next token: "(", ")", or a word / quoted string; 0 at the end. */
static int script_next(struct script *sc)
{
	size_t n = 0;

	for (;;) {
		while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
					   *sc->p == '\n' || *sc->p == '\r' || *sc->p == ','))
			sc->p++;
		if (sc->end - sc->p >= 2 && sc->p[0] == '/' && sc->p[1] == '*') {
			const char *c = sc->p + 2;

			while (sc->end - c >= 2 && !(c[0] == '*' && c[1] == '/'))
				c++;
			sc->p = sc->end - c >= 2 ? c + 2 : sc->end;
			continue;
		}
		break;
	}
	if (sc->p >= sc->end)
		return 0;
	if (*sc->p == '(' || *sc->p == ')' || *sc->p == ';') {
		sc->tok[0] = *sc->p++;
		sc->tok[1] = '\0';
		return 1;
	}
	if (*sc->p == '"') {
		sc->p++;
		while (sc->p < sc->end && *sc->p != '"' && n + 1 < sizeof(sc->tok))
			sc->tok[n++] = *sc->p++;
		if (sc->p < sc->end)
			sc->p++;
	} else {
		while (sc->p < sc->end && n + 1 < sizeof(sc->tok) &&
		       !strchr(" \t\r\n,();\"", *sc->p))
			sc->tok[n++] = *sc->p++;
	}
	sc->tok[n] = '\0';
	return 1;
}

/* One file named in GROUP/INPUT/AS_NEEDED. */
static objload_status script_file(objload_session *s, const char *script,
				  const char *name, int depth)
{
	struct core_libs *L = libs_of(s);
	const char *slash;
	char *path = NULL;
	objload_status st;

	if (strncmp(name, "-l", 2) == 0) {
		path = search_library(L, name + 2);
		if (!path)
			return core_error(s, OBJLOAD_ERR_IO,
					  "%s: linker script names %s, which no search directory holds",
					  script, name);
	} else if (name[0] == '/' || is_file(name)) {
		path = strdup(name);
	} else if ((slash = strrchr(script, '/')) != NULL &&
		   asprintf(&path, "%.*s/%s", (int)(slash - script), script, name) >= 0 &&
		   is_file(path)) {
		/* beside the script */
	} else {
		free(path);
		path = search_file(L, name);
		if (!path)
			return core_error(s, OBJLOAD_ERR_IO,
					  "%s: linker script names %s, which cannot be found",
					  script, name);
	}
	if (!path)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = add_library_path(s, path, depth + 1);
	free(path);
	return st;
}

static objload_status run_script(objload_session *s, const char *path,
				 const char *text, size_t len, int depth)
{
	struct script sc = { .p = text, .end = text + len };
	objload_status st = OBJLOAD_OK;
	int saw_input = 0;

	while (!st && script_next(&sc)) {
		int files = strcmp(sc.tok, "GROUP") == 0 || strcmp(sc.tok, "INPUT") == 0;
		int search = strcmp(sc.tok, "SEARCH_DIR") == 0;
		int level = 0;

		if (strcmp(sc.tok, ";") == 0)
			continue;
		if (!script_next(&sc) || strcmp(sc.tok, "(") != 0)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: linker script: expected '(' after a command", path);
		level = 1;
		while (level > 0 && !st) {
			if (!script_next(&sc))
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: linker script: unbalanced parentheses", path);
			if (strcmp(sc.tok, "(") == 0)
				level++;
			else if (strcmp(sc.tok, ")") == 0)
				level--;
			else if (files && strcmp(sc.tok, "AS_NEEDED") != 0) {
				saw_input = 1;
				st = script_file(s, path, sc.tok, depth);
			} else if (search)
				st = objload_add_search_dir(s, sc.tok[0] == '=' ? sc.tok + 1 : sc.tok);
		}
	}
	if (!st && !saw_input)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: a linker script that names no input (no GROUP or INPUT)", path);
	return st;
}

/* A file a library search found (or a script named). */
static objload_status add_library_path(objload_session *s, const char *path,
				       int depth)
{
	uint8_t head[64];
	ssize_t got;
	char *text;
	struct stat stbuf;
	objload_status st;
	int fd;

	if (depth > LIB_MAX_DEPTH)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: linker scripts nested more than %d deep", path, LIB_MAX_DEPTH);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, strerror(errno));
	got = read(fd, head, sizeof(head));
	if (got < 0 || fstat(fd, &stbuf) < 0) {
		int e = errno;

		close(fd);
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, strerror(e));
	}
	if (core_archive_probe(head, (size_t)got)) {
		close(fd);
		return objload_add_file(s, path);
	}
	if (got >= 18 && memcmp(head, "\177ELF", 4) == 0) {
		close(fd);
		/* e_type (little-endian here): 3 is ET_DYN, a shared library */
		if (head[5] == 1 && rd_le16(head + 16) == 3)
			return open_shared(s, path);
		return objload_add_file(s, path);
	}
	if (stbuf.st_size > LIB_SCRIPT_MAX) {
		close(fd);
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: not an archive, object or shared library, and too large for a linker script",
				  path);
	}
	for (ssize_t i = 0; i < got; i++) {
		if (head[i] == 0 || (head[i] < 0x20 && !strchr("\t\r\n\f", head[i]))) {
			close(fd);
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: not an archive, object, shared library or linker script",
					  path);
		}
	}
	text = malloc((size_t)stbuf.st_size + 1);
	if (!text) {
		close(fd);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	got = pread(fd, text, (size_t)stbuf.st_size, 0);
	close(fd);
	if (got < 0) {
		free(text);
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, strerror(errno));
	}
	st = run_script(s, path, text, (size_t)got, depth);
	free(text);
	return st;
}

objload_status objload_add_library(objload_session *s, const char *name)
{
	struct core_libs *L;
	objload_status st;
	char *path;

	if (!s || !name)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	L = libs_of(s);
	if (!L)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (strncmp(name, "-l", 2) == 0)
		name += 2;
	if (!*name || (name[0] == ':' && !name[1]))
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "empty library name");
	if (strchr(name, '/'))
		return add_library_path(s, name, 0);
	path = search_library(L, name);
	if (!path) {
		char dirs[512] = "";
		size_t k = 0;

		for (size_t i = 0; i < L->ndirs && k + 1 < sizeof(dirs); i++)
			k += (size_t)snprintf(dirs + k, sizeof(dirs) - k, "%s, ", L->dirs[i]);
		return core_error(s, OBJLOAD_ERR_IO,
				  "cannot find -l%s (searched %sthe system directories)",
				  name, dirs);
	}
	st = add_library_path(s, path, 0);
	free(path);
	return st;
}
