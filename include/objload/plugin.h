/* SPDX-License-Identifier: MIT */
/*
 * The neutral object image and the format plug-in interface.
 *
 * A format plug-in recognises its bytes (probe), validates every header,
 * table, index and string once and fills an objload_image (parse), and
 * chooses a loading strategy for the file (plan).  Everything after parse
 * works on the image only and never reads raw file bytes again except the
 * section contents the plug-in pointed to.
 *
 * Relocations are edges: (section, offset, arch kind, target symbol,
 * addend, optional subtrahend).  A plug-in maps its native relocation
 * types to the kinds of the image's arch (include/objload/kinds-*.def)
 * and never encodes an instruction itself.
 */
#ifndef OBJLOAD_PLUGIN_H
#define OBJLOAD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "objload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever a struct of this header changes layout: a plug-in built
 * against another version is refused instead of misreading the image. */
#define OBJLOAD_PLUGIN_ABI_VERSION 3

/* Relocation-kind flags (see kinds-*.def). */
enum {
	OBJLOAD_KF_PCREL = 1 << 0,
	OBJLOAD_KF_GOT = 1 << 1,
	OBJLOAD_KF_GOTBASE = 1 << 2,
	OBJLOAD_KF_STUB = 1 << 3,
	OBJLOAD_KF_IMAGEBASE = 1 << 4,
	OBJLOAD_KF_SECTIONBASE = 1 << 5,
	OBJLOAD_KF_SUB = 1 << 6,
	OBJLOAD_KF_TLS = 1 << 7,      /* thread-local: the core's TLS pass
					 serves it (docs/tls.md) */
	OBJLOAD_KF_SIZE = 1 << 8,     /* the symbol's size (Z), not its address */
	OBJLOAD_KF_REWRITES = 1 << 9, /* also rewrites the instruction around
					 its field (a relaxed GOT access) */
	/* Thread-local kinds (with OBJLOAD_KF_TLS), by access model: */
	OBJLOAD_KF_TPREL = 1 << 10,   /* relative to the thread pointer in a
					 static layout (local-exec; with GOT:
					 initial-exec's slot of that offset) */
	OBJLOAD_KF_TLSINDEX = 1 << 11,/* G is a {module, offset} pair for
					 __tls_get_addr (general-dynamic) */
	OBJLOAD_KF_TLSMODULE = 1 << 12,/* the module itself: its pair with
					 offset 0 (local-dynamic), or with no
					 GOT the module's id (DTPMOD) */
	OBJLOAD_KF_TLSDESC = 1 << 13, /* G is a TLS descriptor; width 0: the
					 call through it */
};

enum objload_x86_64_kind {
#define OBJLOAD_X86_64_KIND(name, width, check, flags, formula) OBJLOAD_X86_64_##name,
#include "kinds-x86_64.def"
#undef OBJLOAD_X86_64_KIND
	OBJLOAD_X86_64_KIND_COUNT
};

enum objload_aarch64_kind {
#define OBJLOAD_AARCH64_KIND(name, width, check, range_bits, flags, formula) OBJLOAD_AARCH64_##name,
#include "kinds-aarch64.def"
#undef OBJLOAD_AARCH64_KIND
	OBJLOAD_AARCH64_KIND_COUNT
};

typedef enum objload_arch_id {
	OBJLOAD_ARCH_UNKNOWN = 0,
	OBJLOAD_ARCH_X86_64,
	OBJLOAD_ARCH_AARCH64,
} objload_arch_id;

typedef enum objload_image_kind {
	OBJLOAD_IMAGE_RELOCATABLE,
	OBJLOAD_IMAGE_SHARED,
	OBJLOAD_IMAGE_EXECUTABLE,
} objload_image_kind;

/* How an image's code calls and is called.  The three arm64 conventions
 * agree on every call that is not variadic (arguments in x0-x7 and
 * v0-v7): Apple's passes variadic arguments on the stack, Windows' passes
 * them in x0-x7 (a double as its bits) then on the stack, and only a
 * bridge for the variadic functions of the C library sits between them. */
typedef enum objload_callconv {
	OBJLOAD_CC_SYSV,  /* System V AMD64 / AAPCS64 */
	OBJLOAD_CC_MS_X64,
	OBJLOAD_CC_DARWIN_ARM64,   /* Apple arm64 (Mach-O) */
	OBJLOAD_CC_MS_ARM64,       /* Windows arm64 (COFF) */
} objload_callconv;

typedef enum objload_section_role {
	OBJLOAD_ROLE_CODE,
	OBJLOAD_ROLE_RODATA,
	OBJLOAD_ROLE_DATA,
	OBJLOAD_ROLE_ZEROFILL,
	OBJLOAD_ROLE_TLS,
	OBJLOAD_ROLE_UNWIND,   /* loaded read-only (eh_frame) */
	OBJLOAD_ROLE_DEBUG,    /* not loaded */
	OBJLOAD_ROLE_NOLOAD,   /* metadata, not loaded */
} objload_section_role;

#define OBJLOAD_NO_INDEX UINT32_MAX

typedef struct objload_section {
	const char *name;
	objload_section_role role;
	uint64_t align;          /* power of two, >= 1 */
	uint64_t size;
	const uint8_t *bytes;    /* size bytes; may be NULL for ZEROFILL and TLS */
	uint64_t file_addr;      /* address in the file's own layout */
	uint32_t group;          /* COMDAT group index, or OBJLOAD_NO_INDEX */
	uint32_t native_index;   /* the format's section number, for messages */
	const char *native_type; /* the format's own type name, e.g. "PROGBITS" */
	uint64_t native_flags;
} objload_section;

typedef enum objload_binding {
	OBJLOAD_BIND_LOCAL,
	OBJLOAD_BIND_GLOBAL,
	OBJLOAD_BIND_WEAK,
} objload_binding;

typedef enum objload_symdef {
	OBJLOAD_DEF_SECTION,   /* section + value */
	OBJLOAD_DEF_ABSOLUTE,  /* value */
	OBJLOAD_DEF_UNDEFINED,
	OBJLOAD_DEF_COMMON,    /* size bytes aligned to value */
	OBJLOAD_DEF_ALIAS,     /* defines cname as whatever the C-level name
				  `alternate` resolves to, for the images
				  that bind to cname (a PE DLL's forwarded
				  export: KERNEL32's HeapAlloc is NTDLL's
				  RtlAllocateHeap) */
} objload_symdef;

typedef enum objload_symtype {
	OBJLOAD_SYM_NOTYPE,
	OBJLOAD_SYM_FUNC,
	OBJLOAD_SYM_OBJECT,
	OBJLOAD_SYM_SECTION,
	OBJLOAD_SYM_FILE,
	OBJLOAD_SYM_TLS,
	OBJLOAD_SYM_IFUNC,   /* a function chosen at load time: the symbol is
				its resolver (ELF STT_GNU_IFUNC) */
} objload_symtype;

typedef struct objload_symbol {
	const char *name;       /* as written in the file */
	const char *cname;      /* C-level name: host lookup and cross-format
				   unification (after the format's decoration
				   rule); NULL when the symbol has none */
	objload_binding binding;
	objload_symdef def;
	objload_symtype type;
	int hidden;             /* binds in the session, never exported */
	const char *alternate;  /* undefined: the C-level name to use when
				   no image and no user definition defines
				   cname (COFF weak externals and
				   /ALTERNATENAME); NULL when none */
	int indirect;           /* names a pointer slot holding cname's
				   address (COFF's __imp_NAME): the core
				   makes the slot */
	uint32_t section;       /* DEF_SECTION: section index in the image */
	uint64_t value;         /* offset in section, absolute value, or
				   common alignment */
	uint64_t size;
	uint32_t native_index;  /* the format's symbol number */
} objload_symbol;

typedef struct objload_edge {
	uint32_t section;       /* section patched */
	uint64_t offset;        /* offset of the field in that section */
	uint16_t kind;          /* arch kind */
	uint32_t native_type;   /* the format's relocation type */
	uint32_t symbol;        /* target symbol index */
	uint32_t subtrahend;    /* symbol index or OBJLOAD_NO_INDEX */
	int64_t addend;
} objload_edge;

typedef enum objload_init_kind {
	OBJLOAD_INIT_CONSTRUCTOR,
	OBJLOAD_INIT_DESTRUCTOR,
	/* Windows DLL start-up.  Functions called as
	 * BOOL fn(void *module, uint32_t reason, void *reserved) in the
	 * image's convention, `module` being the address where the image's
	 * file address 0 was placed: with reason 1 (DLL_PROCESS_ATTACH)
	 * once the link is relocated, image after image in the order of
	 * their references (an image after those it imports from), before
	 * any constructor table; with reason 0 (DLL_PROCESS_DETACH) after
	 * every destructor, images in the opposite order.
	 * ATTACH_TABLE: count pointers at section+offset, each such a
	 * function (PE TLS callbacks), their results ignored.
	 * ATTACH_ENTRY: the function at section+offset itself (count 1,
	 * the image's entry point, DllMain); when it returns 0 the load
	 * fails. */
	OBJLOAD_INIT_ATTACH_TABLE,
	OBJLOAD_INIT_ATTACH_ENTRY,
} objload_init_kind;

/* A table of function pointers that runs at load or unload.  Entries are
 * pointer-sized slots of `section` from `offset`.  Constructor tables run
 * by ascending `priority`, ties in the order the tables were added, each
 * from its first entry to its last (.init_array); destructor tables run
 * in exactly the opposite order, each from its last entry to its first
 * (.fini_array).  `reverse` flips one table's own direction: .ctors runs
 * last to first, .dtors first to last. */
typedef struct objload_init_table {
	objload_init_kind kind;
	uint32_t section;
	uint64_t offset;
	uint64_t count;
	uint32_t priority;
	int reverse;
} objload_init_table;

/* How a COMDAT group competes with another of the same key (COFF's
 * selections; ELF groups are ANY). */
typedef enum objload_comdat_select {
	OBJLOAD_COMDAT_ANY = 0,       /* the first loaded wins */
	OBJLOAD_COMDAT_NODUPLICATES,  /* a second one is an error */
	OBJLOAD_COMDAT_SAME_SIZE,     /* first wins; a different size is an error */
	OBJLOAD_COMDAT_EXACT_MATCH,   /* first wins; different contents are an error */
	OBJLOAD_COMDAT_LARGEST,       /* the largest wins (the first of equals) */
} objload_comdat_select;

typedef struct objload_group {
	const char *key;        /* COMDAT signature */
	uint32_t nmembers;
	uint32_t *members;      /* section indices */
	objload_comdat_select select;
} objload_group;

typedef struct objload_image objload_image;

/* Everything parse fills.  Arrays are owned by the image; grow them only
 * through the objload_image_* calls below. */
struct objload_image {
	const char *path;           /* for messages */
	const struct objload_format *format;
	objload_arch_id arch;
	objload_image_kind kind;
	objload_callconv callconv;
	int layout_meaningful;      /* relative addresses in the file matter */
	const uint8_t *file;
	size_t file_size;
	/* The CPU the user asked for (objload_set_arch): which slice of a
	 * universal file to take.  OBJLOAD_ARCH_UNKNOWN: the host's. */
	objload_arch_id wanted_arch;

	objload_section *sections;
	uint32_t nsections;
	objload_symbol *symbols;
	uint32_t nsymbols;
	objload_edge *edges;
	size_t nedges;
	objload_init_table *inits;
	uint32_t ninits;
	objload_group *groups;
	uint32_t ngroups;

	void *format_data;          /* plug-in private; freed by its release */
	void *core;                 /* core private */

	/* Linked images (kind SHARED or EXECUTABLE): the libraries the image
	 * was linked against, as the file names them (ELF DT_NEEDED, Mach-O
	 * LC_LOAD_DYLIB), and the name other images' lists know it by (ELF
	 * DT_SONAME, Mach-O LC_ID_DYLIB), or NULL.  The core finds each
	 * needed library among the session's images, or opens it from the
	 * host for symbol lookups (core/libsearch.c).  Strings live as long
	 * as the image.  Appended: a plug-in that does not know them leaves
	 * them empty. */
	const char **needed;
	uint32_t nneeded;
	const char *soname;
};

/* Append n zeroed records and return the first.  The array may move: keep
 * indices, not pointers, across calls.  NULL when out of memory. */
objload_section *objload_image_add_sections(objload_image *img, uint32_t n);
objload_symbol *objload_image_add_symbols(objload_image *img, uint32_t n);
objload_edge *objload_image_add_edges(objload_image *img, size_t n);
objload_init_table *objload_image_add_inits(objload_image *img, uint32_t n);
objload_group *objload_image_add_groups(objload_image *img, uint32_t n);
/* Memory that lives as long as the image. */
void *objload_image_alloc(objload_image *img, size_t size);
char *objload_image_strdup(objload_image *img, const char *s);

/* Report an error from a plug-in: the message is prefixed with the file. */
objload_status objload_image_error(objload_image *img, objload_status status,
				   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The plan a plug-in proposes for one file. */
typedef struct objload_plan_choice {
	objload_strategy strategy;  /* WHOLE or SECTION */
	const char *reason;         /* shown by `objload info`; a string that
				       lives as long as the image (a literal,
				       or objload_image_alloc'd) */
} objload_plan_choice;

/* What a plug-in is asked to plan for. */
typedef struct objload_plan_query {
	objload_strategy forced;    /* AUTO, or the strategy the user forced */
	/* The memory manager may place separately allocated sections beyond
	 * the reach of 32-bit PC-relative fixups from one another (the
	 * scatter manager does, on purpose).  Then a per-section plan works
	 * only for an image whose every reference between sections can go
	 * through a stub or a GOT slot. */
	int placement_scatters;
	/* The program declared what it needs (objload_keep; objload run
	 * keeps its entry point): sections of per-section images that
	 * nothing needed reaches will be left out. */
	int dead_strip;
} objload_plan_query;

/* Facts about an image that bear on its strategy, computed by the core
 * from the neutral image (objload_image_get_facts) for any plug-in to
 * use; a plug-in adds what only its format knows. */
typedef struct objload_image_facts {
	uint32_t sections;          /* loadable sections ... */
	uint64_t bytes;             /* ... and their bytes */
	uint32_t code_sections;
	uint64_t code_bytes;
	uint64_t largest_align;
	/* Non-empty loadable sections that no relocation of another section
	 * of this image refers to and that are no constructor table: what a
	 * per-section load can leave out when the rest of the link does not
	 * refer to them either (-ffunction-sections, COMDAT-rich objects). */
	uint32_t isolated_sections;
	uint64_t isolated_bytes;
	uint32_t isolated_code_sections;   /* of which code: functions */
	uint64_t isolated_code_bytes;
	/* Fixups from one section to another that must reach directly: not
	 * a branch (which can take a stub) and not through a GOT slot, but a
	 * narrow PC-relative or section-relative field.  A per-section plan
	 * under a scattering manager fails on these. */
	uint64_t cross_section_direct;
	const char *cross_example;  /* the name of one such target, or NULL */
	/* Narrow PC-relative fixups of branch kinds that could go through a
	 * stub, from one section to another. */
	uint64_t cross_section_branches;
} objload_image_facts;

void objload_image_get_facts(const objload_image *img, objload_image_facts *out);

typedef struct objload_format {
	const char *name;
	int abi_version;            /* OBJLOAD_PLUGIN_ABI_VERSION */
	/* Non-zero when the bytes look like this format. */
	int (*probe)(const uint8_t *bytes, size_t len);
	/* Fill img (path, file, file_size are set). */
	objload_status (*parse)(objload_image *img);
	/* Choose the image's strategy, with a reason, when q->forced is
	 * AUTO; when it is not, accept it (choice->strategy = q->forced) or
	 * refuse it: return OBJLOAD_ERR_UNSUPPORTED with the reason in
	 * choice->reason.  The core calls it again at link time, with the
	 * memory manager known. */
	objload_status (*plan)(const objload_image *img, const objload_plan_query *q,
			       objload_plan_choice *choice);
	/* Name of a native relocation type, for messages and info. */
	const char *(*reloc_name)(const objload_image *img, uint32_t native_type);
	/* Optional: free format_data. */
	void (*release)(objload_image *img);
	/* Optional: linker-defined section bounds.  When the C-level name
	 * `name` is one this format's linkers define for the start or the
	 * end of every section of one name (ELF: __start_SEC, __stop_SEC;
	 * Mach-O: section$start$SEG$SECT, section$end$SEG$SECT), write that
	 * section name as the plug-in names sections into section[0, len),
	 * set *is_end and return 1; else return 0. */
	int (*section_bound)(const char *name, char *section, size_t len,
			     int *is_end);

	/* Optional hooks for archives and libraries (ABI 3).  The core never
	 * compares format names or reads a container's header itself: it
	 * asks the format that probed the bytes. */

	/* The C-level name that a global symbol named `name` in an archive
	 * symbol index stands for, after this format's decoration rule
	 * (Mach-O "_foo" and COFF "__imp_foo" are "foo"): `name` or a suffix
	 * of it, never a new string.  NULL: index names are C-level. */
	const char *(*index_cname)(const char *name);
	/* Non-zero when the bytes (a library objload_add_library found) are
	 * a linked shared library of this format rather than a relocatable
	 * object: the core hands it to the host's dynamic loader instead of
	 * loading it.  NULL: this format has no shared libraries the host
	 * can open. */
	int (*shared_library)(const uint8_t *bytes, size_t len);
	/* Archive members that are not objects but short import records (a
	 * Microsoft import library's IMPORT_OBJECT_HEADER): 1 and *name set to
	 * the symbol the record provides (pointing into bytes, NUL-terminated
	 * inside len) when the bytes are one; 0 when they are not; -1 with a
	 * message in err[0..errlen) when they claim to be one but are
	 * malformed.  Asked before any format's probe.  The core leaves the
	 * symbol to the host.  NULL: the format has no such records. */
	int (*import_member)(const uint8_t *bytes, size_t len, const char **name,
			     char *err, size_t errlen);
} objload_format;

/* Register an out-of-tree format for this session; probed after the
 * compiled-in ones. */
objload_status objload_register_format(objload_session *session,
				       const objload_format *format);

/* Load a format plug-in (docs/plugins.md): a shared object exporting
 * `objload_status objload_plugin_init(objload_session *)`, which registers
 * its formats.  `path` with a '/' is that file; a bare NAME is
 * objload-NAME.so looked for in $OBJLOAD_PLUGIN_PATH, the build tree and
 * $(pkglibdir)/plugins; NULL loads every objload-*.so found there.  The
 * session closes the plug-ins when it is freed. */
objload_status objload_load_plugin(objload_session *session, const char *path);

/* Probe with the format NAME only ("elf", "coff", "macho", or a plug-in's
 * format, loaded as objload_load_plugin(session, NAME) if not registered
 * yet); NULL or "auto" restores probing every format. */
objload_status objload_set_format(objload_session *session, const char *name);

/* Name of an arch kind, e.g. "PC32". */
const char *objload_kind_name(objload_arch_id arch, unsigned kind);
const char *objload_arch_name(objload_arch_id arch);
/* The implicit addend of an edge of kind `kind` whose field (avail bytes
 * from `field`) holds it, as the arch reads it: the immediate of an
 * instruction (an ADRP's, a BL's, an LDR's scaled offset) or the contents
 * of a data field.  For formats with REL-style relocations (COFF arm64),
 * so that a format never decodes an instruction.  OBJLOAD_ERR_UNSUPPORTED
 * when the arch has no such reading, OBJLOAD_ERR_FORMAT when the field is
 * too short or is not an instruction the kind can patch. */
objload_status objload_arch_read_addend(objload_arch_id arch, unsigned kind,
					const uint8_t *field, size_t avail,
					int64_t *addend);

/* Inspection: the images of a session, after objload_add_*. */
size_t objload_image_count(const objload_session *session);
const objload_image *objload_get_image(const objload_session *session,
				       size_t index);

#ifdef __cplusplus
}
#endif

#endif
