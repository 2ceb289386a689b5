/* SPDX-License-Identifier: MIT */
#ifndef _ERRNO_H_
#define _ERRNO_H_
extern int *__error(void);
#define errno (*__error())
#define ENOENT 2
#define EINVAL 22
#define ERANGE 34
#endif
