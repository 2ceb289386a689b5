/* SPDX-License-Identifier: MIT */
/*
 * The link graph's storage: growable arrays of blocks, edges and nodes,
 * graph-lifetime memory for synthesized contents, and the entry tables
 * that find a synthesized block by the identity of what it serves.
 *
 * An entry table is one open-addressing hash index over the keys of every
 * entry made so far (all tables share it: the table is part of the key).
 * A key holds every field that makes two entries different — which table,
 * which area, where the target is, the addend a stub stands for, the
 * conventions a thunk crosses — and two keys are equal only when every
 * field is.  The hash only picks a slot; it is never taken for identity.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct lg_chunk {
	lg_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

/* Chunks double from 1 KiB to 64 KiB: a small link (hello, world: one
 * stub) zeroes and faults in one page, not sixteen. */
#define LG_CHUNK_FIRST 1024u
#define LG_CHUNK_MIN (64u * 1024u)

void lg_free(lg_graph *g)
{
	lg_chunk *c = g->chunks;

	while (c) {
		lg_chunk *next = c->next;

		free(c);
		c = next;
	}
	free(g->blocks);
	free(g->edges);
	free(g->nodes);
	free(g->keys);
	free(g->key_block);
	free(g->index);
	free(g->segments);
	free(g->placed);
	free(g->groups);
	free(g->clusters);
	memset(g, 0, sizeof(*g));
	g->runtime_block = g->shared_got_base = OBJLOAD_NO_INDEX;
}

int lg_grow(void **arr, size_t *cap, size_t len, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (len + n <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < len + n) {
		if (ncap > SIZE_MAX / 2 / size)
			return -1;
		ncap *= 2;
	}
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Room for n more records of an array of the graph, indexed by 32 bits:
 * the first new index, or NO_INDEX with the session's message set. */
static uint32_t add_records(objload_session *s, void **arr, size_t *len, size_t *cap,
			    size_t n, size_t size, int zero, const char *what)
{
	size_t first = *len;

	if (first + n >= OBJLOAD_NO_INDEX || lg_grow(arr, cap, first, n, size)) {
		core_error(s, OBJLOAD_ERR_NOMEM, "out of memory for the link graph's %s", what);
		return OBJLOAD_NO_INDEX;
	}
	if (zero && n)   /* an empty array may still be NULL */
		memset((char *)*arr + first * size, 0, n * size);
	*len += n;
	return (uint32_t)first;
}

uint32_t lg_add_blocks(objload_session *s, size_t n)
{
	lg_graph *g = &s->g;
	uint32_t first = add_records(s, (void **)&g->blocks, &g->nblocks, &g->blocks_cap, n,
				     sizeof(lg_block), 1, "blocks");

	for (size_t i = first; first != OBJLOAD_NO_INDEX && i < first + n; i++) {
		g->blocks[i].image = g->blocks[i].section = OBJLOAD_NO_INDEX;
		g->blocks[i].area = g->blocks[i].segment = OBJLOAD_NO_INDEX;
		g->blocks[i].cluster = OBJLOAD_NO_INDEX;
		g->blocks[i].got_base = OBJLOAD_NO_INDEX;
		g->blocks[i].first_edge = OBJLOAD_NO_INDEX;
		g->blocks[i].align = 1;
	}
	return first;
}

uint32_t lg_add_edges(objload_session *s, size_t n)
{
	lg_graph *g = &s->g;

	return add_records(s, (void **)&g->edges, &g->nedges, &g->edges_cap, n,
			   sizeof(lg_edge), 0, "edges");
}

uint32_t lg_add_nodes(objload_session *s, size_t n)
{
	lg_graph *g = &s->g;
	uint32_t first = add_records(s, (void **)&g->nodes, &g->nnodes, &g->nodes_cap, n,
				     sizeof(lg_node), 1, "nodes");

	for (size_t i = first; first != OBJLOAD_NO_INDEX && i < first + n; i++)
		g->nodes[i].global = OBJLOAD_NO_INDEX;
	return first;
}

void *lg_alloc(objload_session *s, size_t size)
{
	lg_graph *g = &s->g;
	lg_chunk *c = g->chunks;
	size_t need = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
		      sizeof(max_align_t);
	void *p;

	if (!c || c->cap - c->used < need) {
		size_t cap = !c ? LG_CHUNK_FIRST : c->cap < LG_CHUNK_MIN ? c->cap * 2 : LG_CHUNK_MIN;

		if (cap < need)
			cap = need;
		c = calloc(1, sizeof(*c) + cap);
		if (!c) {
			core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			return NULL;
		}
		c->cap = cap;
		c->next = g->chunks;
		g->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

uint32_t lg_new_block(objload_session *s, lg_block_kind kind, uint64_t size,
		      uint64_t align, int prot, uint32_t area)
{
	uint32_t b = lg_add_blocks(s, 1);
	lg_block *blk;

	if (b == OBJLOAD_NO_INDEX)
		return b;
	blk = &s->g.blocks[b];
	blk->kind = (uint8_t)kind;
	blk->size = size;
	blk->align = align ? align : 1;
	blk->prot = (uint8_t)prot;
	blk->area = area;
	blk->strategy = area == OBJLOAD_NO_INDEX ? OBJLOAD_STRATEGY_WHOLE :
		s->g.blocks[area].strategy;
	return b;
}

uint8_t *lg_block_bytes(objload_session *s, uint32_t block)
{
	lg_block *b = &s->g.blocks[block];
	uint8_t *p;

	if (b->bytes)
		return (uint8_t *)(uintptr_t)b->bytes;
	p = lg_alloc(s, b->size ? b->size : 1);
	b = &s->g.blocks[block];
	b->bytes = p;
	return p;
}

objload_status lg_add_pointer_edge(objload_session *s, uint32_t block,
				   uint64_t offset, unsigned kind,
				   const lg_target *target, int64_t addend)
{
	uint32_t n = lg_add_nodes(s, 1);
	uint32_t e;
	lg_block *b;
	lg_edge *ed;

	if (n == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->g.nodes[n].t = *target;
	s->g.nodes[n].flags = LG_NODE_RESOLVED;
	e = lg_add_edges(s, 1);
	if (e == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	ed = &s->g.edges[e];
	memset(ed, 0, sizeof(*ed));
	ed->offset = offset;
	ed->addend = addend;
	ed->block = block;
	ed->node = n;
	ed->sub = ed->entry = ed->origin = OBJLOAD_NO_INDEX;
	ed->kind = (uint16_t)kind;
	/* a synthesized block's edges are made together, right after it */
	b = &s->g.blocks[block];
	if (b->first_edge == OBJLOAD_NO_INDEX)
		b->first_edge = e;
	b->nedges++;
	b->kinds |= lg_kind_bit(kind);
	return OBJLOAD_OK;
}

/* ---- entry tables ------------------------------------------------------ */

lg_entry_key lg_key(lg_block_kind table, uint32_t area, const lg_target *t)
{
	lg_entry_key k;

	memset(&k, 0, sizeof(k));
	k.table = table;
	k.area = area;
	k.target.where = t->where;
	k.target.block = t->where == LG_IN_BLOCK ? t->block : 0;
	k.target.value = t->value;
	return k;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

static uint64_t key_hash(const lg_entry_key *k)
{
	uint64_t h = 0x84222325cbf29ce4ull;

	h = mix(h, k->table);
	h = mix(h, k->area);
	h = mix(h, k->target.where);
	h = mix(h, k->target.block);
	h = mix(h, k->target.value);
	h = mix(h, (uint64_t)k->addend);
	h = mix(h, (uint64_t)k->from << 32 | k->to);
	return h;
}

static int key_equal(const lg_entry_key *a, const lg_entry_key *b)
{
	return a->table == b->table && a->area == b->area &&
	       a->target.where == b->target.where &&
	       a->target.block == b->target.block &&
	       a->target.value == b->target.value &&
	       a->addend == b->addend && a->from == b->from && a->to == b->to;
}

/* The slot holding `k`, or the empty slot where it would go. */
static size_t key_slot(const lg_graph *g, const lg_entry_key *k)
{
	size_t mask = g->index_cap - 1;

	for (size_t i = key_hash(k) & mask;; i = (i + 1) & mask) {
		uint32_t v = g->index[i];

		if (!v || key_equal(&g->keys[v - 1], k))
			return i;
	}
}

int lg_find_entry(const lg_graph *g, const lg_entry_key *key, uint32_t *out)
{
	size_t slot;

	if (!g->index_cap)
		return 0;
	slot = key_slot(g, key);
	if (!g->index[slot])
		return 0;
	*out = g->key_block[g->index[slot] - 1];
	return 1;
}

static int rehash(lg_graph *g, size_t ncap)
{
	uint32_t *old = g->index;
	size_t ocap = g->index_cap;

	g->index = calloc(ncap, sizeof(*g->index));
	if (!g->index) {
		g->index = old;
		return -1;
	}
	g->index_cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			g->index[key_slot(g, &g->keys[old[i] - 1])] = old[i];
	free(old);
	return 0;
}

objload_status lg_put_entry(objload_session *s, const lg_entry_key *key,
			    uint32_t block)
{
	lg_graph *g = &s->g;

	if ((g->nkeys + 1) * 4 > g->index_cap * 3 &&
	    rehash(g, g->index_cap ? g->index_cap * 2 : 256))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (g->nkeys == g->keys_cap) {
		/* two arrays of one capacity: grow the second with a copy */
		size_t cap = g->keys_cap, cap2 = g->keys_cap;

		if (lg_grow((void **)&g->keys, &cap, g->nkeys, 1, sizeof(*g->keys)) ||
		    lg_grow((void **)&g->key_block, &cap2, g->nkeys, cap - g->nkeys,
			    sizeof(*g->key_block)))
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		g->keys_cap = cap;
	}
	g->keys[g->nkeys] = *key;
	g->key_block[g->nkeys] = block;
	g->nkeys++;
	g->index[key_slot(g, key)] = (uint32_t)g->nkeys;
	return OBJLOAD_OK;
}

uint32_t lg_kinds_where(const arch_kind *kinds, unsigned nkinds,
			int (*is)(const arch_kind *k))
{
	uint32_t mask = 0;

	for (unsigned k = 0; k < nkinds; k++)
		if (is(&kinds[k]))
			mask |= lg_kind_bit(k);
	return mask;
}

const char *lg_block_kind_name(lg_block_kind kind)
{
	static const char *const names[LG_BLOCK_KIND_COUNT] = {
		[LG_SECTION] = "section", [LG_GOT] = "got", [LG_IMPORT] = "import",
		[LG_STUB] = "stub", [LG_CANONICAL] = "canonical",
		[LG_CCTHUNK] = "thunk", [LG_BINDTHUNK] = "helper",
		[LG_COMMON] = "common", [LG_HOSTCOPY] = "host-copy",
		[LG_RUNTIME] = "runtime", [LG_BOUNDS] = "bounds",
		[LG_TLS] = "tls", [LG_IFUNC] = "ifunc",
	};

	return (unsigned)kind < LG_BLOCK_KIND_COUNT ? names[kind] : "?";
}
