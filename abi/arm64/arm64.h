/* SPDX-License-Identifier: MIT */
/* The arm64 bridges of an AArch64 host: Apple's and Windows' variadic
 * calls to the host's C library (abi/arm64/arm64_variadic.c). */
#ifndef OBJLOAD_ARM64_BRIDGE_H
#define OBJLOAD_ARM64_BRIDGE_H

#include "abi/bridge.h"

extern const cc_bridge cc_bridge_darwin_arm64;
extern const cc_bridge cc_bridge_ms_arm64;

#endif
