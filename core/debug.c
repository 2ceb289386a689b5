/* SPDX-License-Identifier: MIT */
#include "core/rt.h"
void core_debug_register(objload_session *s) { (void)s; }
void core_debug_deregister(objload_session *s) { (void)s; }
