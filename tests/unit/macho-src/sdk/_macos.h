/* SPDX-License-Identifier: MIT */
/* Shared by the stand-in SDK headers: the SDK's fortify default. */
#ifndef _MACOS_STANDIN_H
#define _MACOS_STANDIN_H
#include <stddef.h>
#if !defined(_FORTIFY_SOURCE) && defined(__OPTIMIZE__) && __OPTIMIZE__
#define _FORTIFY_SOURCE 2
#endif
#if defined(_FORTIFY_SOURCE) && _FORTIFY_SOURCE > 0
#define _USE_FORTIFY_LEVEL (_FORTIFY_SOURCE > 1 ? 2 : 1)
#else
#define _USE_FORTIFY_LEVEL 0
#endif
#define __darwin_obsz0(object) __builtin_object_size(object, 0)
#define __darwin_obsz(object) __builtin_object_size(object, _USE_FORTIFY_LEVEL > 1 ? 1 : 0)
#endif
