/* SPDX-License-Identifier: MIT */
#ifndef _STRING_H_
#define _STRING_H_
#include <_macos.h>
void *memcpy(void *restrict, const void *restrict, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
void *memchr(const void *, int, size_t);
size_t strlen(const char *);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);
char *strcpy(char *restrict, const char *restrict);
char *strncpy(char *restrict, const char *restrict, size_t);
char *strcat(char *restrict, const char *restrict);
char *strncat(char *restrict, const char *restrict, size_t);
char *strchr(const char *, int);
char *strrchr(const char *, int);
char *strstr(const char *, const char *);
char *strdup(const char *);
size_t strnlen(const char *, size_t);
size_t strlcpy(char *restrict, const char *restrict, size_t);
size_t strlcat(char *restrict, const char *restrict, size_t);
#if _USE_FORTIFY_LEVEL > 0
#define memcpy(dest, ...) \
	__builtin___memcpy_chk(dest, __VA_ARGS__, __darwin_obsz0(dest))
#define memmove(dest, ...) \
	__builtin___memmove_chk(dest, __VA_ARGS__, __darwin_obsz0(dest))
#define memset(dest, ...) \
	__builtin___memset_chk(dest, __VA_ARGS__, __darwin_obsz0(dest))
/* the SDK uses clang's __builtin___strlcpy_chk where it exists; older
 * clangs lack it, and the call it lowers to is this one */
size_t __strlcpy_chk(char *, const char *, size_t, size_t);
size_t __strlcat_chk(char *, const char *, size_t, size_t);
#define strlcpy(dest, ...) __strlcpy_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#define strlcat(dest, ...) __strlcat_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#define strcpy(dest, ...) \
	__builtin___strcpy_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#define strcat(dest, ...) \
	__builtin___strcat_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#define strncpy(dest, ...) \
	__builtin___strncpy_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#define strncat(dest, ...) \
	__builtin___strncat_chk(dest, __VA_ARGS__, __darwin_obsz(dest))
#endif
#endif
