/* SPDX-License-Identifier: MIT */
/*
 * Linear-probing hash table with a cached 32-bit hash per slot (compared
 * before the keys are).  The hash is forced non-zero so that 0 marks an
 * empty slot.  The table grows at
 * three quarters full: with a well-mixed hash the probe sequences stay
 * short, and the table stays small enough for the caches (its misses, and
 * the page faults of a big fresh table, are what a lookup costs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"

static uint32_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	/* FNV's low bits, which pick the slot, depend only on the low bits
	 * of every byte: names that differ in a digit cluster.  Fold the
	 * high half in. */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h ? (uint32_t)h : 1;
}

static uint32_t hash_int(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (uint32_t)h ? (uint32_t)h : 1;
}

void hashmap_free(hashmap *m)
{
	free(m->slots);
	free(m->pairs);
	memset(m, 0, sizeof(*m));
}

/* The slot of a key (str, or the pair k1, k2 when str is NULL), or the
 * empty slot where it would go; NULL when the map has no slots. */
static hashmap_entry *find(const hashmap *m, uint32_t h, const char *str,
			   uint64_t k1, uint64_t k2)
{
	size_t mask, i;

	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	for (i = h & mask;; i = (i + 1) & mask) {
		hashmap_entry *e = &m->slots[i];

		if (!e->hash)
			return e;
		if (e->hash != h)
			continue;
		if (str ? strcmp(e->key.str, str) == 0
			: (m->pairs[e->key.pair][0] == k1 && m->pairs[e->key.pair][1] == k2))
			return e;
	}
}

/* Move every entry into a table of ncap slots (a power of two). */
static int grow_to(hashmap *m, size_t ncap)
{
	hashmap_entry *old = m->slots;
	size_t ocap = m->cap, mask = ncap - 1;

	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = ncap;
	/* keys are distinct: each goes to the first empty slot of its run */
	for (size_t i = 0; i < ocap; i++) {
		size_t j;

		if (!old[i].hash)
			continue;
		for (j = old[i].hash & mask; m->slots[j].hash; j = (j + 1) & mask)
			;
		m->slots[j] = old[i];
	}
	free(old);
	return 0;
}

static int grow(hashmap *m)
{
	return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int hashmap_reserve(hashmap *m, size_t n)
{
	size_t ncap = m->cap ? m->cap : 64;

	while (ncap / 4 * 3 < n) {
		if (ncap > SIZE_MAX / 4 / sizeof(hashmap_entry))
			return -1;
		ncap *= 2;
	}
	return ncap > m->cap ? grow_to(m, ncap) : 0;
}

/* Find the key, or make room for it and return its empty slot; NULL when
 * out of memory. */
static hashmap_entry *slot_for(hashmap *m, uint32_t h, const char *str,
			       uint64_t k1, uint64_t k2)
{
	hashmap_entry *e = find(m, h, str, k1, k2);

	if (e && e->hash)
		return e;
	if ((m->count + 1) * 4 > m->cap * 3) {
		if (grow(m))
			return NULL;
		e = find(m, h, str, k1, k2);
	}
	return e;
}

/* Fill the empty slot e with a new key. */
static int fill(hashmap *m, hashmap_entry *e, uint32_t h, const char *str,
		uint64_t k1, uint64_t k2)
{
	if (str) {
		e->key.str = str;
	} else {
		if (m->npairs == m->pairs_cap) {
			size_t cap = m->pairs_cap ? m->pairs_cap * 2 : 16;
			uint64_t (*p)[2] = realloc(m->pairs, cap * sizeof(*p));

			if (!p)
				return -1;
			m->pairs = p;
			m->pairs_cap = cap;
		}
		m->pairs[m->npairs][0] = k1;
		m->pairs[m->npairs][1] = k2;
		e->key.pair = m->npairs++;
	}
	e->hash = h;
	m->count++;
	return 0;
}

static int put(hashmap *m, uint32_t h, const char *str, uint64_t k1,
	       uint64_t k2, uint32_t value)
{
	hashmap_entry *e = slot_for(m, h, str, k1, k2);

	if (!e || (!e->hash && fill(m, e, h, str, k1, k2)))
		return -1;
	e->value = value;
	return 0;
}

int hashmap_get_str(const hashmap *m, const char *key, uint32_t *value)
{
	hashmap_entry *e = find(m, hash_str(key), key, 0, 0);

	if (!e || !e->hash)
		return 0;
	*value = e->value;
	return 1;
}

int hashmap_get_int(const hashmap *m, uint64_t k1, uint64_t k2, uint32_t *value)
{
	hashmap_entry *e = find(m, hash_int(k1, k2), NULL, k1, k2);

	if (!e || !e->hash)
		return 0;
	*value = e->value;
	return 1;
}

int hashmap_put_str(hashmap *m, const char *key, uint32_t value)
{
	return put(m, hash_str(key), key, 0, 0, value);
}

int hashmap_put_int(hashmap *m, uint64_t k1, uint64_t k2, uint32_t value)
{
	return put(m, hash_int(k1, k2), NULL, k1, k2, value);
}

int hashmap_intern_str(hashmap *m, const char *key, uint32_t value,
		       uint32_t *out)
{
	uint32_t h = hash_str(key);
	hashmap_entry *e = find(m, h, key, 0, 0);

	if (e && e->hash) {
		*out = e->value;
		return 1;
	}
	if ((m->count + 1) * 4 > m->cap * 3) {
		if (grow(m))
			return -1;
		e = find(m, h, key, 0, 0);
	}
	e->hash = h;
	e->key.str = key;
	e->value = value;
	m->count++;
	*out = value;
	return 0;
}
