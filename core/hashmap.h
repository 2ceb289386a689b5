/* SPDX-License-Identifier: MIT */
/*
 * Open-addressing hash maps used by the core: C-level names to global
 * symbol entries, and composite integer keys to GOT slots and stubs.
 * Keys are not owned: a string key must outlive the map.
 */
#ifndef OBJLOAD_HASHMAP_H
#define OBJLOAD_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct hashmap_entry {
	uint64_t hash;      /* 0: empty */
	const char *str;    /* string keys */
	uint64_t k1, k2;    /* integer keys */
	uint32_t value;
} hashmap_entry;

typedef struct hashmap {
	hashmap_entry *slots;
	size_t cap;         /* power of two, or 0 */
	size_t count;
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
