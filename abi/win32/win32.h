/* SPDX-License-Identifier: MIT */
/*
 * The Windows API layer: what Windows DLLs loaded on a Linux host import
 * from KERNEL32 (abi/win32/kernel32*.c), written with the Microsoft x64
 * calling convention and reached through the Microsoft x64 bridge
 * (abi/ms_x64), which asks win32_symbol and binds win32_bound after its
 * own tables.
 *
 * Functions that keep state (the last error, TLS and FLS slots, the
 * unhandled-exception filter, VirtualAlloc's regions) keep it per session
 * (bridge_session_state), so they are "bound" wrappers: System V
 * functions taking the API's arguments and then the session (at most
 * five arguments: the arch's bind thunk).  The others are plain
 * Microsoft x64 functions.  Nothing here is global and mutable.
 */
#ifndef OBJLOAD_WIN32_H
#define OBJLOAD_WIN32_H

#include <stddef.h>
#include <stdint.h>

#include "abi/bridge.h"

#define WIN_API __attribute__((ms_abi))

/* The Windows API layer's plain functions (NULL: no such name) and its
 * session-bound ones. */
void *win32_symbol(const char *name);
extern const bridge_bound win32_bound[];

/* Give the calling thread a TEB of session s and point its GS base at
 * it, before Windows code runs on it (teb.c); 0, or -1 when that fails. */
int win32_thread_enter(objload_session *s);

/* ---- inside the layer ------------------------------------------------ */

/* GetLastError's codes the layer sets. */
enum {
	WIN_ERROR_SUCCESS = 0,
	WIN_ERROR_FILE_NOT_FOUND = 2,
	WIN_ERROR_ACCESS_DENIED = 5,
	WIN_ERROR_INVALID_HANDLE = 6,
	WIN_ERROR_NOT_ENOUGH_MEMORY = 8,
	WIN_ERROR_BAD_LENGTH = 24,
	WIN_ERROR_INVALID_PARAMETER = 87,
	WIN_ERROR_INSUFFICIENT_BUFFER = 122,
	WIN_ERROR_MOD_NOT_FOUND = 126,
	WIN_ERROR_PROC_NOT_FOUND = 127,
	WIN_ERROR_NO_MORE_ITEMS = 259,
	WIN_ERROR_INVALID_ADDRESS = 487,
	WIN_ERROR_NOACCESS = 998,
	WIN_ERROR_NO_UNICODE_TRANSLATION = 1113,
	WIN_ERROR_DYNAMIC_CODE_BLOCKED = 1655,
};

/* The per-session state (kernel32.c); NULL when out of memory. */
struct win32_state;
struct win32_state *win32_state(objload_session *s);
/* SetLastError for the calling thread of session s. */
void win32_set_error(objload_session *s, uint32_t code);

/* kernel32_mem.c: virtual memory.  VirtualAlloc's regions are the
 * session's, unmapped when it is freed. */
struct win32_region {
	uintptr_t base;
	size_t size;
};
struct win32_regions {
	struct win32_region *r;
	size_t n, cap;
};
void win32_regions_release(struct win32_regions *regions);
struct win32_regions *win32_state_regions(struct win32_state *st);
void win32_lock(struct win32_state *st);
void win32_unlock(struct win32_state *st);
void *win32_VirtualAlloc(void *addr, size_t size, uint32_t type, uint32_t prot,
			 objload_session *s);
int win32_VirtualFree(void *addr, size_t size, uint32_t type, objload_session *s);
int win32_VirtualProtect(void *addr, size_t size, uint32_t prot, uint32_t *old,
			 objload_session *s);
size_t win32_VirtualQuery(const void *addr, void *mbi, size_t len, objload_session *s);
WIN_API void win32_GetSystemInfo(void *info);

/* kernel32_nls.c: UTF-8 <-> UTF-16, as MultiByteToWideChar and
 * WideCharToMultiByte do it.  `n` is the input length, or -1 for a
 * NUL-terminated input whose NUL is converted too; with cap 0 only the
 * length is measured.  The number of units written (or needed), or -1
 * with *err set to a GetLastError code. */
long win32_utf8_to_utf16(const char *in, long n, uint16_t *out, size_t cap,
			 int strict, uint32_t *err);
long win32_utf16_to_utf8(const uint16_t *in, long n, char *out, size_t cap,
			 int strict, uint32_t *err);
WIN_API int win32_MultiByteToWideChar(uint32_t cp, uint32_t flags, const char *in, int n,
				      uint16_t *out, int cap);
WIN_API int win32_WideCharToMultiByte(uint32_t cp, uint32_t flags, const uint16_t *in,
				      int n, char *out, int cap, const char *def,
				      int *used_def);
int win32_IsDBCSLeadByteEx(uint32_t cp, uint8_t c, objload_session *s);
WIN_API int win32_IsDBCSLeadByte(uint8_t c);

#endif
