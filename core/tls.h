/* SPDX-License-Identifier: MIT */
/*
 * Thread-local storage of a session (core/tls.c, docs/tls.md).
 *
 * The link gives every thread-local section of the session an offset in
 * one template; a linked image (a shared library's PT_TLS) keeps its own
 * sections' relative layout inside it and is a module of its own.  In a
 * running process each thread that touches the session's thread-local
 * data gets its own block, made from the template on first use and freed
 * at thread exit or with the session.  Loaded code reaches the block
 * through objload's resolvers: __tls_get_addr with a {module, offset}
 * pair, a descriptor resolver, and the trampolines that rewritten
 * initial-exec and local-exec accesses jump to.
 */
#ifndef OBJLOAD_CORE_TLS_H
#define OBJLOAD_CORE_TLS_H

#include <stdint.h>

#include "core/core.h"

/*
 * A module: what a {module, offset} pair or a descriptor names.  The
 * relocatable images of a session share one (base 0); each linked image
 * has its own, whose base is where its TLS segment starts in the template.
 * The arch resolvers read `save_size` (first, at offset 0): the bytes of
 * extended register state they save around the C resolver.
 */
typedef struct core_tls_module {
	uint64_t save_size;
	struct core_tls *tls;
	uint64_t base;
} core_tls_module;

/* Before resolution: refuse what cannot be served (Microsoft implicit
 * TLS; __tls_get_addr or _tlv_bootstrap in an image linked for another
 * address; an arch without resolvers in a running process).  The passes
 * core_tls_plan and core_tls_finish are declared in core/core.h. */
objload_status core_tls_check(objload_session *s);
/* Unload: free every thread's block; threads still running keep only a
 * small handle, which their exit frees. */
void core_tls_free(objload_session *s);

/* Resolution: the target of __tls_get_addr (tlv 0) or of Mach-O's
 * _tlv_bootstrap (tlv 1), objload's own. */
objload_status core_tls_builtin(objload_session *s, int tlv, lg_target *out);

/* The letters of a thread-local kind's formula for edge `ed` (T, TP, M). */
objload_status core_tls_letters(objload_session *s, const lg_edge *ed, arch_fixup *fx);

/*
 * For plug-ins of linked images (a shared library's PT_TLS and its
 * R_*_DTPMOD64 / DTPOFF64 relocations): the module of image `image`, once
 * the template is laid out (from the "tls" pass on); NULL when the image
 * has no thread-local section or the link runs nowhere here.
 */
const core_tls_module *core_tls_image_module(const objload_session *s, uint32_t image);
/* Where offset `offset` of `module` is for the calling thread (its block
 * is made on first use); NULL when out of memory. */
void *core_tls_address(const core_tls_module *module, uint64_t offset);

/* __emutls_get_address(control) for the session's images (a helper with
 * the session bound to it, core/runtime.c): the calling thread's object. */
CORE_HELPER_ABI void *core_tls_emutls_address(void *control, objload_session *s);

/* Resolution of the linker-defined _TLS_MODULE_BASE_: 1 and *out when
 * `name` is it and the link has thread-local sections. */
int core_tls_module_base(objload_session *s, const char *name, lg_target *out);

/* objload_lookup of a thread-local variable (what t points at): 1 and in
 * *out its address for the calling thread (NULL when out of memory), as
 * dlsym answers for one; 0 when t is no thread-local variable. */
int core_tls_lookup(objload_session *s, const lg_target *t, void **out);

/* Called by the arch resolvers (arch/x86_64/tls.c), with the pair or the
 * descriptor {resolver, module, offset} loaded code passed. */
void *core_tls_index_address(const uint64_t pair[2]);
void *core_tls_desc_address(const uint64_t desc[3]);
/* The same when the calling thread has its block already, else NULL:
 * touches no memory but the key's and the block's, so the resolver only
 * saves the integer and SSE registers around it. */
void *core_tls_desc_fast(const uint64_t desc[3]);

#endif
