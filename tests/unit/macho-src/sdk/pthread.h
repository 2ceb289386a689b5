/* SPDX-License-Identifier: MIT */
#ifndef _PTHREAD_H
#define _PTHREAD_H
/* pthread_t is a pointer in the SDK (8 bytes, like glibc's unsigned long) */
typedef struct _opaque_pthread_t *pthread_t;
typedef struct _opaque_pthread_attr_t pthread_attr_t;
int pthread_create(pthread_t *restrict, const pthread_attr_t *restrict,
		   void *(*)(void *), void *restrict);
int pthread_join(pthread_t, void **);
#endif
