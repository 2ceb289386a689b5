/* SPDX-License-Identifier: MIT */
/*
 * The session's log: objload_set_log and the messages the core sends
 * through it (`objload --trace`).
 *
 * Messages are in the wording of the GNU tools that report the same
 * things, so that a reader of `ld --trace`, `ld -Map` or glibc's
 * LD_DEBUG=files,bindings recognises them:
 *
 *   input driver.o
 *   libsqlite3.a(sqlite3.o) included to satisfy reference by driver.o (sqlite3_open)
 *   binding file driver.o to /lib/x86_64-linux-gnu/libc.so.6: symbol 'printf'
 *
 * Every message is one line: control bytes in it (a symbol name may hold
 * any byte) are written as \xNN escapes.  A category that is off costs one
 * test; the helpers that search for a referencing file or a host library
 * run only when their category is on.
 *
 * This file also keeps the message of a failed link, so that the calls
 * made afterwards can say why the session cannot be used any more.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/log.h"
#include "os/os.h"

struct core_log {
	unsigned mask;
	objload_log_fn fn;
	void *ctx;
	char *link_failure;   /* " (...)", appended to later state errors */
};

static struct core_log *log_of(objload_session *s)
{
	if (!s->log)
		s->log = calloc(1, sizeof(*s->log));
	return s->log;
}

objload_status objload_set_log(objload_session *s, unsigned mask,
			       objload_log_fn fn, void *ctx)
{
	struct core_log *l;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (mask & ~(unsigned)OBJLOAD_LOG_ALL)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "objload_set_log: unknown log categories 0x%x",
				  mask & ~(unsigned)OBJLOAD_LOG_ALL);
	l = log_of(s);
	if (!l)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	l->mask = fn ? mask : 0;
	l->fn = fn;
	l->ctx = ctx;
	return OBJLOAD_OK;
}

const char *objload_log_category_name(objload_log_category c)
{
	switch (c) {
	case OBJLOAD_LOG_FILES: return "files";
	case OBJLOAD_LOG_BINDINGS: return "bindings";
	case OBJLOAD_LOG_SYNTHESIZED: return "synthesized";
	case OBJLOAD_LOG_STRATEGY: return "strategy";
	case OBJLOAD_LOG_RUN: return "run";
	case OBJLOAD_LOG_WARNING: return "warning";
	case OBJLOAD_LOG_ALL: break;
	}
	return "?";
}

int core_log_on(const objload_session *s, objload_log_category c)
{
	return s && s->log && (s->log->mask & (unsigned)c);
}

void core_log(objload_session *s, objload_log_category c, const char *fmt, ...)
{
	char buf[1024], *msg = buf, *line;
	va_list ap;
	int n;
	size_t k = 0;

	if (!core_log_on(s, c))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		va_start(ap, fmt);
		n = vasprintf(&msg, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
	}
	/* at most 4 bytes out per byte in */
	line = malloc((size_t)n * 4 + 1);
	if (line) {
		for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
			if (*p < 0x20 || *p == 0x7f)
				k += (size_t)sprintf(line + k, "\\x%02x", *p);
			else
				line[k++] = (char)*p;
		}
		line[k] = '\0';
		s->log->fn(s->log->ctx, c, line);
		free(line);
	}
	if (msg != buf)
		free(msg);
}

/* The first image that references `name` without defining it. */
static const char *referenced_by(const objload_session *s, const char *name)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def == OBJLOAD_DEF_UNDEFINED && sym->cname &&
			    strcmp(sym->cname, name) == 0)
				return img->path;
		}
	}
	return NULL;
}

void core_log_member(objload_session *s, const char *member, const char *symbol)
{
	const char *by;

	if (!core_log_on(s, OBJLOAD_LOG_FILES))
		return;
	by = referenced_by(s, symbol);
	core_log(s, OBJLOAD_LOG_FILES, "%s included to satisfy reference by %s (%s)",
		 member, by ? by : "objload_define", symbol);
}

/* The file that holds host address `p`: a shared library, or the program. */
static const char *host_file(const void *p, char *buf, size_t len)
{
	const char *f = os_host_file_of(p, buf, len);

	return f ? f : "the host process";
}

void core_log_binding(objload_session *s, uint32_t image, const char *name,
		      const global_sym *g)
{
	const char *from = s->images[image]->path;
	char file[512];
	const lg_block *b;

	if (!core_log_on(s, OBJLOAD_LOG_BINDINGS))
		return;
	if (!g->resolved || g->res.where == LG_WEAK_ZERO) {
		core_log(s, OBJLOAD_LOG_BINDINGS,
			 "binding file %s to 0: undefined weak symbol '%s'", from, name);
		return;
	}
	switch (g->res.where) {
	case LG_IN_BLOCK:
		b = &s->g.blocks[g->res.block];
		if (b->kind == LG_SECTION || b->kind == LG_COMMON)
			core_log(s, OBJLOAD_LOG_BINDINGS, "binding file %s to %s: %ssymbol '%s'",
				 from, s->images[g->image]->path,
				 b->kind == LG_COMMON ? "common " : "", name);
		else if (b->kind == LG_BOUNDS)
			core_log(s, OBJLOAD_LOG_BINDINGS,
				 "binding file %s to the linker-defined bounds: symbol '%s'", from, name);
		else
			core_log(s, OBJLOAD_LOG_BINDINGS,
				 "binding file %s to objload's runtime: symbol '%s'", from, name);
		return;
	case LG_ABSOLUTE:
		if (g->from_host)
			core_log(s, OBJLOAD_LOG_BINDINGS, "binding file %s to %s: symbol '%s'",
				 from, host_file((const void *)(uintptr_t)g->res.value, file,
						 sizeof(file)), name);
		else if (g->strength)
			core_log(s, OBJLOAD_LOG_BINDINGS,
				 "binding file %s to %s: absolute symbol '%s' = 0x%llx", from,
				 s->images[g->image]->path, name,
				 (unsigned long long)g->res.value);
		else
			core_log(s, OBJLOAD_LOG_BINDINGS,
				 "binding file %s to a definition (--define): symbol '%s' = 0x%llx",
				 from, name, (unsigned long long)g->res.value);
		return;
	default:
		core_log(s, OBJLOAD_LOG_BINDINGS, "binding file %s: symbol '%s'", from, name);
		return;
	}
}

/* What a target is, for messages: a symbol's name when one defines the
 * place, else its block and offset. */
static void describe_target(const objload_session *s, const lg_target *t, char *buf,
			    size_t len)
{
	const lg_block *b;

	switch (t->where) {
	case LG_IN_BLOCK:
		b = &s->g.blocks[t->block];
		if (b->kind == LG_SECTION) {
			const objload_image *img = s->images[b->image];

			snprintf(buf, len, "%s(%s)+0x%llx", img->path, img->sections[b->section].name,
				 (unsigned long long)t->value);
		} else {
			snprintf(buf, len, "the %s objload made, +0x%llx",
				 lg_block_kind_name((lg_block_kind)b->kind),
				 (unsigned long long)t->value);
		}
		return;
	case LG_ABSOLUTE: {
		const void *p = (const void *)(uintptr_t)t->value;
		const char *sym = os_host_symbol_at(p);
		char file[512];

		if (sym)
			snprintf(buf, len, "'%s' in %s", sym, host_file(p, file, sizeof(file)));
		else
			snprintf(buf, len, "0x%llx (%s)", (unsigned long long)t->value,
				 host_file(p, file, sizeof(file)));
		return;
	}
	case LG_WEAK_ZERO:
		snprintf(buf, len, "0 (an undefined weak symbol)");
		return;
	default:
		snprintf(buf, len, "nothing");
		return;
	}
}

void core_log_synthesized(objload_session *s, uint32_t block, const lg_target *target,
			  const char *why)
{
	const lg_block *b;
	char t[512];

	if (!core_log_on(s, OBJLOAD_LOG_SYNTHESIZED))
		return;
	b = &s->g.blocks[block];
	describe_target(s, target, t, sizeof(t));
	if (b->area != OBJLOAD_NO_INDEX) {
		const lg_block *a = &s->g.blocks[b->area];

		core_log(s, OBJLOAD_LOG_SYNTHESIZED, "made a %s for %s, beside %s(%s): %s",
			 lg_block_kind_name((lg_block_kind)b->kind), t, s->images[a->image]->path,
			 s->images[a->image]->sections[a->section].name, why);
	} else {
		core_log(s, OBJLOAD_LOG_SYNTHESIZED, "made a %s for %s: %s",
			 lg_block_kind_name((lg_block_kind)b->kind), t, why);
	}
}

void core_log_bridged(objload_session *s, uint32_t image, const char *name,
		      const void *address)
{
	char file[512];

	if (!core_log_on(s, OBJLOAD_LOG_BINDINGS))
		return;
	core_log(s, OBJLOAD_LOG_BINDINGS,
		 "binding file %s to objload's calling-convention bridge for %s: symbol '%s'",
		 s->images[image]->path, host_file(address, file, sizeof(file)), name);
}

void core_log_link_failed(objload_session *s)
{
	struct core_log *l = log_of(s);

	if (!l || l->link_failure)
		return;
	if (asprintf(&l->link_failure,
		     " (the link failed: %s; a session links once: create a new session to try again)",
		     s->errmsg) < 0)
		l->link_failure = NULL;
}

const char *core_log_link_failure(const objload_session *s)
{
	return s->log && s->log->link_failure ? s->log->link_failure : "";
}

void core_log_free(objload_session *s)
{
	if (!s->log)
		return;
	free(s->log->link_failure);
	free(s->log);
	s->log = NULL;
}
