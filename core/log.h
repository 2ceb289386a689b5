/* SPDX-License-Identifier: MIT */
/*
 * The session's log (objload_set_log, `objload --trace`) and what the core
 * remembers to explain itself later: core/log.c.
 *
 * core_log (declared in core/core.h) formats and sends one message when
 * its category is on.  The helpers here build the messages whose
 * arguments cost something to find (the file that referenced a symbol,
 * the host library that defines an address), so callers check
 * core_log_on first or call them unconditionally: they return at once
 * when the category is off.
 */
#ifndef OBJLOAD_CORE_LOG_H
#define OBJLOAD_CORE_LOG_H

#include "core/core.h"

/* Non-zero when messages of `category` go somewhere. */
int core_log_on(const objload_session *s, objload_log_category category);

/* An archive member loaded for `symbol`: names the first image that
 * references it (ld: "archive member included to satisfy reference by
 * file (symbol)"). */
void core_log_member(objload_session *s, const char *member, const char *symbol);

/* Image `image` references `name` (undefined there) and it was bound as
 * global entry `g` says. */
void core_log_binding(objload_session *s, uint32_t image, const char *name,
		      const global_sym *g);

/* Image `image`'s reference to `name` was bound to the host function at
 * `address` through a calling-convention bridge. */
void core_log_bridged(objload_session *s, uint32_t image, const char *name,
		      const void *address);

/* A block the core synthesized (a GOT entry, a stub, a thunk, ...) for
 * `target`: "made KIND for TARGET (why)". */
void core_log_synthesized(objload_session *s, uint32_t block, const lg_target *target,
			  const char *why);

/* After objload_link or objload_link_at failed: keep its message, so that
 * later out-of-order calls can say why the session cannot be used. */
void core_log_link_failed(objload_session *s);

/* Appended to an OBJLOAD_ERR_STATE message of a session whose link
 * failed (core_error); "" otherwise. */
const char *core_log_link_failure(const objload_session *s);

void core_log_free(objload_session *s);

#endif
