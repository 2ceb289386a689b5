/* SPDX-License-Identifier: MIT */
#ifndef _STDIO_H_
#define _STDIO_H_
#include <_macos.h>
#include <stdarg.h>
typedef struct __sFILE FILE;
extern FILE *__stdinp;
extern FILE *__stdoutp;
extern FILE *__stderrp;
#define stdin __stdinp
#define stdout __stdoutp
#define stderr __stderrp
#define EOF (-1)
int printf(const char *restrict, ...);
int fprintf(FILE *restrict, const char *restrict, ...);
int sprintf(char *restrict, const char *restrict, ...);
int snprintf(char *restrict, size_t, const char *restrict, ...);
int vfprintf(FILE *restrict, const char *restrict, va_list);
int vsnprintf(char *restrict, size_t, const char *restrict, va_list);
int puts(const char *);
int fputs(const char *restrict, FILE *restrict);
int putchar(int);
int putc(int, FILE *);
int fputc(int, FILE *);
int getc(FILE *);
int fgetc(FILE *);
size_t fwrite(const void *restrict, size_t, size_t, FILE *restrict);
size_t fread(void *restrict, size_t, size_t, FILE *restrict);
FILE *fopen(const char *restrict, const char *restrict) __asm("_fopen$DARWIN_EXTSN");
int fclose(FILE *);
FILE *tmpfile(void);
void rewind(FILE *);
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
int fseek(FILE *, long, int);
long ftell(FILE *);
char *fgets(char *restrict, int, FILE *);
int sscanf(const char *restrict, const char *restrict, ...);
int fscanf(FILE *restrict, const char *restrict, ...);
int scanf(const char *restrict, ...);
int vsscanf(const char *restrict, const char *restrict, va_list);
int vfscanf(FILE *restrict, const char *restrict, va_list);
int fflush(FILE *);
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
int setvbuf(FILE *restrict, char *restrict, int, size_t);
#if _USE_FORTIFY_LEVEL > 0
#undef sprintf
#undef snprintf
#define sprintf(str, ...) \
	__builtin___sprintf_chk(str, 0, __darwin_obsz(str), __VA_ARGS__)
#define snprintf(str, len, ...) \
	__builtin___snprintf_chk(str, len, 0, __darwin_obsz(str), __VA_ARGS__)
#endif
#endif
