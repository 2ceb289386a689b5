/* SPDX-License-Identifier: MIT */
/* Run-time format plug-ins: core/plugins.c (docs/plugins.md). */
#ifndef OBJLOAD_CORE_PLUGINS_H
#define OBJLOAD_CORE_PLUGINS_H

#include "core/core.h"

/* For core_probe, when no compiled-in format and no loaded plug-in claims
 * the bytes: the first time in a session, load every plug-in of the search
 * path and ask the new ones; NULL when none claims them. */
const objload_format *core_plugins_probe(objload_session *s, const uint8_t *bytes,
					 size_t len);

#endif
