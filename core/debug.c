/* SPDX-License-Identifier: MIT */
/*
 * Loaded code that debuggers and profilers can see.
 *
 * The function table.  When gdb or perf will read it, every function of
 * every image (a symbol defined in a loaded code section, not a section
 * or file symbol, not an assembler-local label: core_function_name) is
 * listed with its load address and size, sorted by address; a size the
 * format does not record (Mach-O) runs to the next function or the end
 * of its section.  objload_symbolize (crash reports, core/symbolize.c)
 * applies the same rules to the symbols of the one section an address
 * is in, so a link nobody debugs or profiles makes no table.  The line
 * rows of ELF images compiled with -g (their .debug_line relocated and
 * decoded by formats/elf and formats/dwarfline.c) are made after every
 * link, sorted by address: decoding allocates, which a crash report
 * must not.
 *
 * gdb.  The GDB JIT interface (gdb manual, "JIT Compilation Interface"):
 * a process-wide descriptor __jit_debug_descriptor holding a doubly
 * linked list of in-memory symbol files, and an empty function
 * __jit_debug_register_code on which gdb keeps a breakpoint; after each
 * change of the list the function is called with action_flag saying
 * what changed.  Each image gets one symbol file (formats/elf/symfile.c):
 * an ELF input is handed over as it is with its sections at their load
 * addresses (gdb reads its symbols and DWARF: functions and lines with
 * -g), any other image as a small ELF naming its functions.  The
 * descriptor and its lock are the only process-wide state of objload:
 * the protocol fixes their names, and every session's entries hang in
 * the one list.  Sessions unregister their entries when they are freed.
 * A symbol file copies its ELF input, so they are made only when someone
 * will read them: a debugger tracing the process at link time, a caller
 * that asked (objload_set_debugger_registration), or OBJLOAD_GDB_JIT=1.
 *
 * perf.  On request (objload_set_perf_map, or OBJLOAD_PERF_MAP=1 in the
 * environment) each function is appended as "START SIZE NAME" to
 * /tmp/perf-PID.map, the file `perf report` reads for code that no ELF
 * file on disk describes.  The lines stay after the session is freed
 * (perf reads the file after the run), as for any JIT.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rt.h"
#include "formats/dwarfline.h"
#include "formats/elf/symfile.h"
#include "os/os.h"
#include "formats/formats.h"

/* ---- the function table -------------------------------------------------- */

static int is_label(const char *name)
{
	/* assembler temporaries: ELF .L*, Mach-O L* / ltmp* */
	return name[0] == '.' || (name[0] == 'L' && name[1] != '\0') ||
	       strncmp(name, "ltmp", 4) == 0;
}

const char *core_function_name(const objload_image *img, const objload_symbol *sym)
{
	const char *name = sym->cname ? sym->cname : sym->name;

	if (sym->def != OBJLOAD_DEF_SECTION || !name || !name[0] ||
	    (sym->type != OBJLOAD_SYM_FUNC && sym->type != OBJLOAD_SYM_NOTYPE) ||
	    img->sections[sym->section].role != OBJLOAD_ROLE_CODE || is_label(sym->name))
		return NULL;
	return name;
}

static int cmp_func(const void *a, const void *b)
{
	const rt_func *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at one address, a symbol with a size first */
	return (x->size == 0) - (y->size == 0);
}

static objload_status build_functions(objload_session *s, core_runtime *rt)
{
	size_t n = 0, k = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->nimages; i++) {
			const objload_image *img = s->images[i];

			for (uint32_t j = 0; j < img->nsymbols; j++) {
				const objload_symbol *sym = &img->symbols[j];
				const char *name = core_function_name(img, sym);
				uint64_t base;

				if (!name || !(base = core_section_target(s, (uint32_t)i, sym->section)))
					continue;
				if (pass == 0) {
					n++;
					continue;
				}
				rt->funcs[k++] = (rt_func){
					.addr = base + sym->value, .size = sym->size,
					.name = name, .image = (uint32_t)i, .section = sym->section,
				};
			}
		}
		if (pass == 0) {
			if (!n)
				return OBJLOAD_OK;
			rt->funcs = calloc(n, sizeof(*rt->funcs));
			if (!rt->funcs)
				return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		}
	}
	/* whole images list their functions mostly in address order already */
	for (size_t i = 1; i < n; i++)
		if (cmp_func(&rt->funcs[i - 1], &rt->funcs[i]) > 0) {
			qsort(rt->funcs, n, sizeof(*rt->funcs), cmp_func);
			break;
		}
	/* one entry per address; sizes the format did not give */
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && rt->funcs[k - 1].addr == rt->funcs[i].addr)
			continue;
		rt->funcs[k++] = rt->funcs[i];
	}
	for (size_t i = 0; i < k; i++) {
		rt_func *f = &rt->funcs[i];
		const objload_section *sec = &s->images[f->image]->sections[f->section];
		uint64_t end = core_section_target(s, f->image, f->section) + sec->size;

		if (f->size)
			continue;
		if (i + 1 < k && rt->funcs[i + 1].image == f->image &&
		    rt->funcs[i + 1].section == f->section)
			end = rt->funcs[i + 1].addr;
		f->size = end > f->addr ? end - f->addr : 0;
	}
	rt->nfuncs = k;
	return OBJLOAD_OK;
}

/* ---- the GDB JIT interface ---------------------------------------------- */

enum { JIT_NOACTION = 0, JIT_REGISTER_FN, JIT_UNREGISTER_FN };

struct jit_code_entry {
	struct jit_code_entry *next_entry;
	struct jit_code_entry *prev_entry;
	const char *symfile_addr;
	uint64_t symfile_size;
};

struct jit_descriptor {
	uint32_t version;
	uint32_t action_flag;
	struct jit_code_entry *relevant_entry;
	struct jit_code_entry *first_entry;
};

/* The names and layout gdb looks for. */
void __jit_debug_register_code(void);
extern struct jit_descriptor __jit_debug_descriptor;

__attribute__((noinline, used, visibility("default")))
void __jit_debug_register_code(void)
{
	__asm__ volatile("" ::: "memory");   /* gdb's breakpoint lands here */
}

__attribute__((used, visibility("default")))
struct jit_descriptor __jit_debug_descriptor = { 1, JIT_NOACTION, NULL, NULL };

static os_mutex jit_lock = OS_MUTEX_INIT;

struct rt_jit_entry {
	struct jit_code_entry entry;
	uint8_t *symfile;
};

static void jit_add(struct rt_jit_entry *e)
{
	os_mutex_lock(&jit_lock);
	e->entry.prev_entry = NULL;
	e->entry.next_entry = __jit_debug_descriptor.first_entry;
	if (e->entry.next_entry)
		e->entry.next_entry->prev_entry = &e->entry;
	__jit_debug_descriptor.first_entry = &e->entry;
	__jit_debug_descriptor.relevant_entry = &e->entry;
	__jit_debug_descriptor.action_flag = JIT_REGISTER_FN;
	__jit_debug_register_code();
	os_mutex_unlock(&jit_lock);
}

static void jit_remove(struct rt_jit_entry *e)
{
	os_mutex_lock(&jit_lock);
	if (e->entry.prev_entry)
		e->entry.prev_entry->next_entry = e->entry.next_entry;
	else
		__jit_debug_descriptor.first_entry = e->entry.next_entry;
	if (e->entry.next_entry)
		e->entry.next_entry->prev_entry = e->entry.prev_entry;
	__jit_debug_descriptor.relevant_entry = &e->entry;
	__jit_debug_descriptor.action_flag = JIT_UNREGISTER_FN;
	__jit_debug_register_code();
	os_mutex_unlock(&jit_lock);
}

/* Where each section of ELF image i was loaded, by ELF section number
 * (0: not loaded); *n entries.  NULL when out of memory. */
static uint64_t *elf_load_addresses(objload_session *s, uint32_t i, size_t *n)
{
	const objload_image *img = s->images[i];
	uint32_t max = 0;
	uint64_t *addr;

	for (uint32_t j = 0; j < img->nsections; j++)
		if (img->sections[j].native_index > max)
			max = img->sections[j].native_index;
	addr = calloc((size_t)max + 1, sizeof(*addr));
	if (!addr)
		return NULL;
	for (uint32_t j = 0; j < img->nsections; j++)
		addr[img->sections[j].native_index] = core_section_target(s, i, j);
	*n = (size_t)max + 1;
	return addr;
}

/* An ELF input, its sections at their load addresses. */
static int symfile_of_elf(objload_session *s, uint32_t i, uint8_t **out, size_t *len)
{
	const objload_image *img = s->images[i];
	size_t n;
	uint64_t *addr = elf_load_addresses(s, i, &n);
	int r;

	if (!addr)
		return -1;
	r = elf_symfile_patch(img->file, img->file_size, addr, n, out, len);
	free(addr);
	return r;
}

static int cmp_line(const void *a, const void *b)
{
	const dwarf_line_row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* a sequence's end before the next one's start */
	return (x->file != NULL) - (y->file != NULL);
}

/* The line rows of every ELF image with -g. */
static void build_lines(objload_session *s, core_runtime *rt)
{
	size_t cap = 0;

	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		uint8_t *keep = NULL, **bufs;
		uint64_t *addr;
		size_t n;
		int debug = 0;

		if (img->format != &objload_format_elf)
			continue;
		for (uint32_t j = 0; j < img->nsections && !debug; j++)
			debug = img->sections[j].role == OBJLOAD_ROLE_DEBUG &&
				strcmp(img->sections[j].name, ".debug_line") == 0;
		if (!debug)
			continue;
		bufs = realloc(rt->line_bufs, (rt->nline_bufs + 1) * sizeof(*bufs));
		if (!bufs || !(addr = elf_load_addresses(s, (uint32_t)i, &n))) {
			if (bufs)
				rt->line_bufs = bufs;
			return;
		}
		rt->line_bufs = bufs;
		elf_symfile_lines(img->file, img->file_size, addr, n, &rt->lines, &rt->nlines,
				  &cap, &keep);
		free(addr);
		if (keep)
			rt->line_bufs[rt->nline_bufs++] = keep;
	}
	/* one sequence per code section, usually already in order */
	for (size_t i = 1; i < rt->nlines; i++)
		if (cmp_line(&rt->lines[i - 1], &rt->lines[i]) > 0) {
			qsort(rt->lines, rt->nlines, sizeof(*rt->lines), cmp_line);
			break;
		}
}

/* Any other image: its code sections and functions. */
static int symfile_of_functions(objload_session *s, const core_runtime *rt, uint32_t i,
				uint8_t **out, size_t *len)
{
	const objload_image *img = s->images[i];
	elf_symfile_section *secs = calloc(img->nsections ? img->nsections : 1, sizeof(*secs));
	elf_symfile_symbol *syms = calloc(rt->nfuncs ? rt->nfuncs : 1, sizeof(*syms));
	uint32_t *index = calloc(img->nsections ? img->nsections : 1, sizeof(*index));
	size_t nsecs = 0, nsyms = 0;
	int r = -1;

	if (!secs || !syms || !index)
		goto out;
	for (uint32_t j = 0; j < img->nsections; j++) {
		uint64_t a = core_section_target(s, i, j);

		index[j] = UINT32_MAX;
		if (!a || img->sections[j].role != OBJLOAD_ROLE_CODE)
			continue;
		index[j] = (uint32_t)nsecs;
		secs[nsecs++] = (elf_symfile_section){ .addr = a, .size = img->sections[j].size };
	}
	for (size_t f = 0; f < rt->nfuncs; f++) {
		const rt_func *fn = &rt->funcs[f];

		if (fn->image != i || index[fn->section] == UINT32_MAX)
			continue;
		syms[nsyms++] = (elf_symfile_symbol){
			.name = fn->name, .addr = fn->addr, .size = fn->size,
			.section = index[fn->section],
		};
	}
	if (nsecs)
		r = elf_symfile_build(img->arch, secs, nsecs, syms, nsyms, out, len);
out:
	free(secs);
	free(syms);
	free(index);
	return r;
}

static void register_with_gdb(objload_session *s, core_runtime *rt)
{
	rt->jit = calloc(s->nimages ? s->nimages : 1, sizeof(*rt->jit));
	if (!rt->jit)
		return;
	for (size_t i = 0; i < s->nimages; i++) {
		struct rt_jit_entry *e;
		uint8_t *file = NULL;
		size_t len = 0;
		/* a linked ELF image's section headers are not its sections */
		int r = s->images[i]->format == &objload_format_elf &&
			s->images[i]->kind == OBJLOAD_IMAGE_RELOCATABLE ?
			symfile_of_elf(s, (uint32_t)i, &file, &len) :
			symfile_of_functions(s, rt, (uint32_t)i, &file, &len);

		if (r)
			continue;   /* the program runs as well without it */
		e = calloc(1, sizeof(*e));
		if (!e) {
			free(file);
			continue;
		}
		e->symfile = file;
		e->entry.symfile_addr = (const char *)file;
		e->entry.symfile_size = len;
		jit_add(e);
		rt->jit[rt->njit++] = e;
	}
}

/* ---- perf --------------------------------------------------------------- */

objload_status objload_set_perf_map(objload_session *s, int enabled)
{
	core_runtime *rt;
	objload_status st = core_rt_option(s, &rt);

	if (!st)
		rt->perf_map = enabled != 0;
	return st;
}

objload_status objload_set_debugger_registration(objload_session *s, int enabled)
{
	core_runtime *rt;
	objload_status st = core_rt_option(s, &rt);

	if (!st)
		rt->debugger = enabled != 0;
	return st;
}

static int perf_map_wanted(const core_runtime *rt)
{
	const char *env;

	if (rt->perf_map >= 0)
		return rt->perf_map;
	env = getenv("OBJLOAD_PERF_MAP");
	return env && strcmp(env, "1") == 0;
}

/* The symbol files cost a copy of each ELF input: they are made when a
 * debugger is there to read them (gdb --args objload run ...), when the
 * caller asked, or with OBJLOAD_GDB_JIT=1 (for a debugger attached
 * later); OBJLOAD_GDB_JIT=0 turns them off. */
static int debugger_wanted(const core_runtime *rt)
{
	const char *env;

	if (rt->debugger >= 0)
		return rt->debugger;
	env = getenv("OBJLOAD_GDB_JIT");
	if (env && (strcmp(env, "0") == 0 || strcmp(env, "1") == 0))
		return env[0] == '1';
	return os_debugger_attached();
}

static void write_perf_map(objload_session *s, const core_runtime *rt)
{
	char path[256];
	FILE *f;

	if (os_perf_map_path(path, sizeof(path)))
		return;   /* no perf on this host */
	f = fopen(path, "a");
	if (!f)
		return;
	for (size_t i = 0; i < rt->nfuncs; i++)
		fprintf(f, "%" PRIx64 " %" PRIx64 " %s\n", rt->funcs[i].addr,
			rt->funcs[i].size, rt->funcs[i].name);
	fclose(f);
	(void)s;
}

/* ---- hooks -------------------------------------------------------------- */

void core_debug_register(objload_session *s)
{
	core_runtime *rt = core_rt(s);
	int gdb, perf;

	if (!rt)
		return;
	/* crash reports need the line rows before the crash (decoding them
	 * allocates); objload_symbolize finds functions without a table */
	build_lines(s, rt);
	gdb = debugger_wanted(rt);
	perf = perf_map_wanted(rt);
	if ((!gdb && !perf) || build_functions(s, rt))
		return;
	if (gdb)
		register_with_gdb(s, rt);
	if (perf)
		write_perf_map(s, rt);
}

void core_debug_deregister(objload_session *s)
{
	core_runtime *rt = s->rt;

	if (!rt)
		return;
	for (size_t i = rt->njit; i-- > 0;) {
		jit_remove(rt->jit[i]);
		free(rt->jit[i]->symfile);
		free(rt->jit[i]);
	}
	free(rt->jit);
	rt->jit = NULL;
	rt->njit = 0;
	free(rt->funcs);
	rt->funcs = NULL;
	rt->nfuncs = 0;
	free(rt->lines);
	rt->lines = NULL;
	rt->nlines = 0;
	for (size_t i = 0; i < rt->nline_bufs; i++)
		free(rt->line_bufs[i]);
	free(rt->line_bufs);
	rt->line_bufs = NULL;
	rt->nline_bufs = 0;
}
