/*
 * Linear-probing hash table with a cached 64-bit hash per slot.  The hash
 * is forced non-zero so that 0 marks an empty slot.  The table grows at
 * half full, which keeps probe sequences short for the symbol counts
 * objects have (tens of thousands at most).
 */
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

static uint64_t hash_int(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h ? h : 1;
}

void hashmap_free(hashmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static hashmap_entry *find(const hashmap *m, uint64_t h, const char *str,
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
		if (str ? (e->str && strcmp(e->str, str) == 0)
			: (!e->str && e->k1 == k1 && e->k2 == k2))
			return e;
	}
}

static int grow(hashmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	hashmap_entry *old = m->slots;
	size_t ocap = m->cap;

	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = ncap;
	for (i = 0; i < ocap; i++) {
		if (old[i].hash) {
			hashmap_entry *e = find(m, old[i].hash, old[i].str,
						old[i].k1, old[i].k2);
			*e = old[i];
		}
	}
	free(old);
	return 0;
}

static int put(hashmap *m, uint64_t h, const char *str, uint64_t k1,
	       uint64_t k2, uint32_t value)
{
	hashmap_entry *e;

	if ((m->count + 1) * 2 > m->cap && grow(m))
		return -1;
	e = find(m, h, str, k1, k2);
	if (!e->hash) {
		e->hash = h;
		e->str = str;
		e->k1 = k1;
		e->k2 = k2;
		m->count++;
	}
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
