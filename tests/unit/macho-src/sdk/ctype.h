/* SPDX-License-Identifier: MIT */
/*
 * As the SDK's <ctype.h> (with its default _USE_CTYPE_INLINE_): the
 * classification functions are inline over _DefaultRuneLocale.__runetype
 * and __maskrune, toupper/tolower call __toupper/__tolower.  Define
 * _DONT_USE_CTYPE_INLINE_ for the plain function declarations.
 */
#ifndef _CTYPE_H_
#define _CTYPE_H_
#ifdef _DONT_USE_CTYPE_INLINE_
int isalnum(int); int isalpha(int); int isdigit(int); int isspace(int);
int isupper(int); int islower(int); int isxdigit(int); int isprint(int);
int ispunct(int); int iscntrl(int); int isgraph(int); int isblank(int);
int toupper(int); int tolower(int);
#else
typedef int __darwin_rune_t;
typedef struct { __darwin_rune_t __min, __max, __map; unsigned *__types; } _RuneEntry;
typedef struct { int __nranges; _RuneEntry *__ranges; } _RuneRange;
typedef struct { char __name[14]; unsigned __mask; } _RuneCharClass;
typedef struct {
	char __magic[8];
	char __encoding[32];
	__darwin_rune_t (*__sgetrune)(const char *, size_t, char const **);
	int (*__sputrune)(__darwin_rune_t, char *, size_t, char **);
	__darwin_rune_t __invalid_rune;
	unsigned __runetype[256];
	__darwin_rune_t __maplower[256];
	__darwin_rune_t __mapupper[256];
	_RuneRange __runetype_ext, __maplower_ext, __mapupper_ext;
	void *__variable;
	int __variable_len;
	int __ncharclasses;
	_RuneCharClass *__charclasses;
} _RuneLocale;
extern _RuneLocale _DefaultRuneLocale;
#define _CTYPE_A 0x00000100L
#define _CTYPE_C 0x00000200L
#define _CTYPE_D 0x00000400L
#define _CTYPE_G 0x00000800L
#define _CTYPE_L 0x00001000L
#define _CTYPE_P 0x00002000L
#define _CTYPE_S 0x00004000L
#define _CTYPE_U 0x00008000L
#define _CTYPE_X 0x00010000L
#define _CTYPE_B 0x00020000L
#define _CTYPE_R 0x00040000L
unsigned long ___runetype(int);
int __maskrune(int, unsigned long);
int __toupper(int);
int __tolower(int);
static __inline int isascii(int _c) { return (_c & ~0x7F) == 0; }
static __inline int __istype(int _c, unsigned long _f)
{
	return isascii(_c) ? !!(_DefaultRuneLocale.__runetype[_c] & _f) : !!__maskrune(_c, _f);
}
static __inline int __isctype(int _c, unsigned long _f)
{
	return (_c < 0 || _c >= 256) ? 0 : !!(_DefaultRuneLocale.__runetype[_c] & _f);
}
static __inline int isalnum(int _c) { return __istype(_c, _CTYPE_A | _CTYPE_D); }
static __inline int isalpha(int _c) { return __istype(_c, _CTYPE_A); }
static __inline int isblank(int _c) { return __istype(_c, _CTYPE_B); }
static __inline int iscntrl(int _c) { return __istype(_c, _CTYPE_C); }
static __inline int isdigit(int _c) { return __isctype(_c, _CTYPE_D); }
static __inline int isgraph(int _c) { return __istype(_c, _CTYPE_G); }
static __inline int islower(int _c) { return __istype(_c, _CTYPE_L); }
static __inline int isprint(int _c) { return __istype(_c, _CTYPE_R); }
static __inline int ispunct(int _c) { return __istype(_c, _CTYPE_P); }
static __inline int isspace(int _c) { return __istype(_c, _CTYPE_S); }
static __inline int isupper(int _c) { return __istype(_c, _CTYPE_U); }
static __inline int isxdigit(int _c) { return __isctype(_c, _CTYPE_X); }
static __inline int tolower(int _c) { return __tolower(_c); }
static __inline int toupper(int _c) { return __toupper(_c); }
static __inline int digittoint(int _c) { return __maskrune(_c, 0x0F); }
#endif
#endif
