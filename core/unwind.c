/* SPDX-License-Identifier: MIT */
/*
 * Unwind tables of loaded images, made known to the host's unwinders so
 * that C++ exceptions thrown in loaded code are caught in loaded code,
 * cross between images and through host frames (a qsort comparator that
 * throws), and so that backtraces walk loaded frames.
 *
 * A linked program finds its .eh_frame through PT_GNU_EH_FRAME; code that
 * no dynamic loader mapped must be registered instead.  Two unwinders may
 * be in the process and objload registers with each one that is:
 *
 *   libgcc_s.so.1 (what libstdc++ throws through): __register_frame_table
 *     (tables) takes a NULL-terminated array of .eh_frame starts, every
 *     CIE and FDE of each up to a zero length word, as one object, and
 *     __deregister_frame(tables) forgets them;
 *   LLVM's libunwind.so.1 (what libc++abi throws through, loaded with
 *     libc++): __unw_add_dynamic_eh_frame_section(begin) and
 *     __unw_remove_dynamic_eh_frame_section(begin), same layout.
 *
 * Both read up to a terminator, which a relocatable object does not have
 * (a linked program gets it from crtend.o), and the FDEs' pc-relative
 * fields fix where the table must sit relative to the code.  So every
 * .eh_frame (ELF) and __eh_frame (Mach-O) section is given four zero
 * bytes at its end when the image is validated, before the plan sizes
 * it: the section is loaded with its terminator, wherever the strategy
 * puts it, and registered in place.  Registration happens after the link
 * and before constructors run (they may throw); deregistration at unload,
 * before the memory goes.
 *
 * COFF's .pdata/.xdata describe Windows structured exception handling,
 * which needs the Windows unwinder (RtlUnwindEx) and a personality routine
 * of the Microsoft C++ runtime or MinGW's libgcc; neither exists on a
 * Linux host.  C code with .pdata loads (the tables are unused); an image
 * that refers to an SEH personality or throw routine is refused before
 * resolution with a message saying so.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/rt.h"
#include "os/os.h"

#define EH_TERMINATOR 4

/* ELF's .eh_frame; Mach-O's __TEXT,__eh_frame */
static int is_eh_frame(const objload_section *sec)
{
	size_t n = strlen(sec->name);

	return sec->role == OBJLOAD_ROLE_UNWIND &&
	       (strcmp(sec->name, ".eh_frame") == 0 ||
		(n >= 10 && strcmp(sec->name + n - 10, "__eh_frame") == 0));
}

objload_status core_unwind_prepare_image(objload_session *s, objload_image *img)
{
	for (uint32_t i = 0; i < img->nsections; i++) {
		objload_section *sec = &img->sections[i];
		uint8_t *copy;

		if (!is_eh_frame(sec) || !sec->bytes || !sec->size ||
		    sec->size > UINT64_MAX - EH_TERMINATOR)
			continue;
		copy = objload_image_alloc(img, (size_t)sec->size + EH_TERMINATOR);
		if (!copy)
			return core_error(s, OBJLOAD_ERR_NOMEM, "%s: out of memory for %s",
					  img->path, sec->name);
		memcpy(copy, sec->bytes, (size_t)sec->size);
		memset(copy + sec->size, 0, EH_TERMINATOR);
		sec->bytes = copy;
		sec->size += EH_TERMINATOR;
	}
	return OBJLOAD_OK;
}

typedef void (*frame_fn)(void *);
typedef void *(*find_fde_fn)(void *pc, void *bases);

objload_status core_unwind_register(objload_session *s)
{
	core_runtime *rt = core_rt(s);
	frame_fn gcc_register = NULL, llvm_register = NULL;
	size_t n = 0;

	if (!rt)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < s->nimages; i++)
		for (uint32_t j = 0; j < s->images[i]->nsections; j++)
			n += is_eh_frame(&s->images[i]->sections[j]);
	if (!n)
		return OBJLOAD_OK;
	if (!rt->libgcc_s)
		rt->libgcc_s = os_lib_open("libgcc_s.so.1", 0, NULL, 0);
	if (rt->libgcc_s)
		gcc_register = (frame_fn)os_lib_symbol(rt->libgcc_s, "__register_frame_table");
	/* only when something loaded it: libc++abi throws through it */
	if (!rt->libunwind)
		rt->libunwind = os_lib_open("libunwind.so.1", OS_LIB_NOLOAD, NULL, 0);
	if (rt->libunwind)
		llvm_register = (frame_fn)os_lib_symbol(rt->libunwind,
						"__unw_add_dynamic_eh_frame_section");
	if (!gcc_register && !llvm_register)
		return OBJLOAD_OK;   /* no unwinder in reach: nothing can throw */
	/* the tables, NULL-terminated: what libgcc takes as one object */
	rt->unwind = calloc(n + 1, sizeof(*rt->unwind));
	if (!rt->unwind)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsections; j++) {
			void *begin;

			if (!is_eh_frame(&img->sections[j]) ||
			    img->sections[j].size <= EH_TERMINATOR ||
			    !(begin = core_section_work(s, (uint32_t)i, j)))
				continue;
			rt->unwind[rt->nunwind++] = begin;
			if (llvm_register)
				llvm_register(begin);
		}
	}
	rt->unwind_llvm = llvm_register != NULL;
	if (!rt->nunwind || !gcc_register)
		return OBJLOAD_OK;
	/* one object for every table of the link: libgcc classifies and
	 * sorts it once, where an object per table costs a search of the
	 * list of objects for each (quadratic in the images) */
	gcc_register(rt->unwind);
	rt->unwind_gcc = 1;
	/* A crash handler's backtrace must not be the first search: that
	 * search sorts, and sorting allocates (a crash inside the allocator
	 * would wait for its lock) and walked through per-section images
	 * faulted now and then from the handler.  When a handler is in
	 * place (objload run's crash report), sort now; no FDE covers
	 * address 0.  Without one, the first exception or backtrace sorts. */
	if (os_fatal_handler_installed()) {
		find_fde_fn find = (find_fde_fn)os_lib_symbol(rt->libgcc_s, "_Unwind_Find_FDE");
		uintptr_t bases[3];

		if (find)
			find(NULL, bases);
	}
	return OBJLOAD_OK;
}

void core_unwind_deregister(objload_session *s)
{
	core_runtime *rt = s->rt;
	frame_fn gcc_deregister = NULL, llvm_deregister = NULL;

	if (!rt)
		return;
	if (rt->libgcc_s)
		gcc_deregister = (frame_fn)os_lib_symbol(rt->libgcc_s, "__deregister_frame");
	if (rt->libunwind)
		llvm_deregister = (frame_fn)os_lib_symbol(rt->libunwind,
						  "__unw_remove_dynamic_eh_frame_section");
	/* libgcc frees the object __register_frame_table made */
	if (rt->unwind_gcc && gcc_deregister)
		gcc_deregister(rt->unwind);
	for (size_t i = rt->nunwind; rt->unwind_llvm && llvm_deregister && i-- > 0;)
		llvm_deregister(rt->unwind[i]);
	free(rt->unwind);
	rt->unwind = NULL;
	rt->nunwind = 0;
	rt->unwind_gcc = rt->unwind_llvm = 0;
	os_lib_close(rt->libunwind);
	os_lib_close(rt->libgcc_s);
	rt->libunwind = rt->libgcc_s = NULL;
}

/* Windows exception handling: the personality routines and throw entry
 * points of MSVC's C++ runtime, the C runtime's SEH handler, and MinGW
 * gcc's SEH personality and unwinder. */
static const char *const seh_names[] = {
	"__CxxFrameHandler3", "__CxxFrameHandler4", "__C_specific_handler",
	"_CxxThrowException", "__gxx_personality_seh0", "_GCC_specific_handler",
	"_Unwind_Resume", "__cxa_throw",
};

objload_status core_unwind_check_coff(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		if (img->callconv != OBJLOAD_CC_MS_X64)
			continue;
		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def != OBJLOAD_DEF_UNDEFINED || !sym->cname)
				continue;
			for (size_t k = 0; k < sizeof(seh_names) / sizeof(seh_names[0]); k++)
				if (strcmp(sym->cname, seh_names[k]) == 0)
					return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
							  "%s: exceptions in COFF code are not supported on this host: "
							  "'%s' needs Windows structured exception handling "
							  "(.pdata/.xdata unwinding), which a Linux process does not have",
							  img->path, sym->cname);
		}
	}
	return OBJLOAD_OK;
}
