/* SPDX-License-Identifier: MIT */
#ifndef _CTYPE_H_
#define _CTYPE_H_
int isalnum(int); int isalpha(int); int isdigit(int); int isspace(int);
int isupper(int); int islower(int); int isxdigit(int); int isprint(int);
int ispunct(int); int iscntrl(int); int isgraph(int);
int toupper(int); int tolower(int);
#endif
