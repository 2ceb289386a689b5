/* SPDX-License-Identifier: MIT */
/*
 * Open-addressing hash maps used by the core: C-level names to global
 * symbol entries, archive members, COMDAT winners; pairs of integers (a
 * file's device and inode) to values.  String keys are not owned: a
 * string key must outlive the map.  One map holds one kind of key.
 */
#ifndef OBJLOAD_HASHMAP_H
#define OBJLOAD_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

/* 16 bytes a slot: a table of 10,000 names is 256 KiB, not 640 (its
 * page faults and cache misses are most of what a lookup costs). */
typedef struct hashmap_entry {
	uint32_t hash;      /* 0: empty */
	uint32_t value;
	union {
		const char *str;    /* string keys */
		size_t pair;        /* integer keys: their index in `pairs` */
	} key;
} hashmap_entry;

typedef struct hashmap {
	hashmap_entry *slots;
	size_t cap;         /* power of two, or 0 */
	size_t count;
	uint64_t (*pairs)[2];   /* integer keys, in insertion order */
	size_t npairs, pairs_cap;
} hashmap;

void hashmap_free(hashmap *m);

/* Find: returns 1 and sets *value when present. */
int hashmap_get_str(const hashmap *m, const char *key, uint32_t *value);
int hashmap_get_int(const hashmap *m, uint64_t k1, uint64_t k2, uint32_t *value);
/* Find key, or insert it with `value`: 1 and *out = its value when it was
 * present, 0 and *out = value when inserted, -1 when out of memory.  One
 * hash and one probe sequence. */
int hashmap_intern_str(hashmap *m, const char *key, uint32_t value,
		       uint32_t *out);
/* Make room for n entries without growing.  0, or -1 when out of memory. */
int hashmap_reserve(hashmap *m, size_t n);
/* Insert or overwrite.  Returns 0, or -1 when out of memory. */
int hashmap_put_str(hashmap *m, const char *key, uint32_t value);
int hashmap_put_int(hashmap *m, uint64_t k1, uint64_t k2, uint32_t value);

#endif
