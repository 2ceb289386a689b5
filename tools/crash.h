/* SPDX-License-Identifier: MIT */
/* The crash report of `objload run` (tools/crash.c). */
#ifndef OBJLOAD_TOOLS_CRASH_H
#define OBJLOAD_TOOLS_CRASH_H

#include "objload.h"

/* Report fatal signals of this process, naming the frames in the
 * session's images; call once, before the session's code runs. */
void crash_report_install(const objload_session *s);

#endif
