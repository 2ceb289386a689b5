/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness with a structure-aware mutator for COFF linker
 * directives and COMDAT tables: the parts of a COFF object that byte-level
 * mutation rarely turns into something a linker must still make sense of.
 *
 * LLVMFuzzerCustomMutator finds, in an IMAGE_FILE_HEADER object (bigobj
 * and anything that does not parse fall back to libFuzzer's own
 * mutations), the .drectve section, the section-definition auxiliary
 * records and the weak externals, and rewrites one of them in place:
 *
 *   - .drectve: its bytes become a list of directives (/ALTERNATENAME
 *     with names of the file's symbols, a name repeated, a target that is
 *     undefined or the directive's own name; -aligncomm with odd
 *     alignments; unknown options; quotes), padded with spaces;
 *   - a section definition: its COMDAT selection (0..7, ASSOCIATIVE with
 *     a section number that is itself, another associative one, out of
 *     range), and the section's LNK_COMDAT flag;
 *   - a weak external: its default (itself, another weak external, an
 *     auxiliary record, the .file symbol, out of range).
 *
 * The file keeps its size and layout, so each mutant parses as far as the
 * part under test.  Inputs run as in fuzz_coff.c (fuzz/harness.h); the
 * seeds are the COFF objects of tests/malformed/gen.py and hostile.py.
 */
#include "fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

enum { CS_HDR = 20, CS_SHDR = 40, CS_SYM = 18 };

static uint32_t cs_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void cs_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t cs_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* The parts of one object the mutator rewrites. */
struct cs_view {
	uint32_t nsecs, symptr, nsyms;
	uint32_t drectve_off, drectve_len;  /* 0, 0: none */
	uint32_t defs[64], ndefs;           /* aux records: section definitions */
	uint32_t weaks[64], nweaks;         /* weak externals */
	uint32_t file_sym;                  /* a .file symbol, or UINT32_MAX */
	const char *names[64];
	uint32_t nnames;
	char namebuf[64][9];
};

static int cs_view(const uint8_t *d, size_t size, struct cs_view *v)
{
	memset(v, 0, sizeof(*v));
	v->file_sym = UINT32_MAX;
	if (size < CS_HDR || (d[0] == 0 && d[1] == 0))   /* bigobj, import */
		return -1;
	v->nsecs = (uint32_t)(d[2] | d[3] << 8);
	v->symptr = cs_le32(d + 8);
	v->nsyms = cs_le32(d + 12);
	if ((uint64_t)CS_HDR + (uint64_t)v->nsecs * CS_SHDR > size ||
	    v->symptr > size || (uint64_t)v->nsyms * CS_SYM > size - v->symptr)
		return -1;
	for (uint32_t i = 0; i < v->nsecs; i++) {
		const uint8_t *sh = d + CS_HDR + (size_t)i * CS_SHDR;
		uint32_t len = cs_le32(sh + 16), off = cs_le32(sh + 20);

		if (memcmp(sh, ".drectve", 8) == 0 && off <= size && len <= size - off) {
			v->drectve_off = off;
			v->drectve_len = len;
		}
	}
	for (uint32_t i = 0; i < v->nsyms; i++) {
		const uint8_t *sym = d + v->symptr + (size_t)i * CS_SYM;
		uint8_t sclass = sym[16], naux = sym[17];

		if (sclass == 103 && v->file_sym == UINT32_MAX)
			v->file_sym = i;
		if (naux && i + 1 < v->nsyms) {
			if (sclass == 105 && v->nweaks < 64)
				v->weaks[v->nweaks++] = i;
			else if (sclass == 3 && v->ndefs < 64)
				v->defs[v->ndefs++] = i + 1;
		}
		if ((sclass == 2 || sclass == 105) && sym[0] && v->nnames < 64) {
			memcpy(v->namebuf[v->nnames], sym, 8);
			v->namebuf[v->nnames][8] = '\0';
			v->names[v->nnames] = v->namebuf[v->nnames];
			v->nnames++;
		}
		i += naux;
	}
	return 0;
}

static const char *cs_name(const struct cs_view *v, unsigned int *seed)
{
	static const char *const extra[] = { "main", "undefined_one", "a", "" };

	if (v->nnames && cs_rand(seed) % 4)
		return v->names[cs_rand(seed) % v->nnames];
	return extra[cs_rand(seed) % 4];
}

/* New directives in place of the .drectve bytes. */
static void cs_directives(uint8_t *d, const struct cs_view *v, unsigned int *seed)
{
	char buf[4096];
	size_t n = 0, len = v->drectve_len < sizeof(buf) ? v->drectve_len : sizeof(buf);

	while (n + 1 < len) {
		const char *a = cs_name(v, seed), *b = cs_name(v, seed);
		int k;

		switch (cs_rand(seed) % 6) {
		case 0:
			k = snprintf(buf + n, len - n, " /ALTERNATENAME:%s=%s", a, b);
			break;
		case 1:
			k = snprintf(buf + n, len - n, " /alternatename:%s=%s", a, a);
			break;
		case 2:
			k = snprintf(buf + n, len - n, " -aligncomm:%s,%u", a, cs_rand(seed) % 40);
			break;
		case 3:
			k = snprintf(buf + n, len - n, " \"/ALTERNATENAME:%s=%s\"", a, b);
			break;
		case 4:
			k = snprintf(buf + n, len - n, " /DEFAULTLIB:%s", a);
			break;
		default:
			k = snprintf(buf + n, len - n, " %s", cs_rand(seed) % 2 ? "/EXPORT:x" : "junk");
			break;
		}
		if (k < 0 || (size_t)k >= len - n)
			break;
		n += (size_t)k;
	}
	memset(buf + n, ' ', len - n);
	memcpy(d + v->drectve_off, buf, len);
}

/* A section definition's selection and associated section. */
static void cs_comdat(uint8_t *d, const struct cs_view *v, unsigned int *seed)
{
	uint8_t *aux = d + v->symptr + (size_t)v->defs[cs_rand(seed) % v->ndefs] * CS_SYM;
	uint16_t number;

	aux[14] = (uint8_t)(cs_rand(seed) % 8);   /* Selection, 5 ASSOCIATIVE */
	switch (cs_rand(seed) % 4) {
	case 0:
		number = (uint16_t)(cs_rand(seed) % (v->nsecs + 2));
		break;
	case 1:
		number = 0xffff;
		break;
	default:
		number = (uint16_t)(1 + cs_rand(seed) % (v->nsecs ? v->nsecs : 1));
		break;
	}
	aux[12] = (uint8_t)number;
	aux[13] = (uint8_t)(number >> 8);
	if (v->nsecs && cs_rand(seed) % 3 == 0) {   /* LNK_COMDAT on or off */
		uint8_t *ch = d + CS_HDR + (size_t)(cs_rand(seed) % v->nsecs) * CS_SHDR + 36;

		ch[1] ^= 0x10;
	}
}

/* A weak external's default. */
static void cs_weak(uint8_t *d, const struct cs_view *v, unsigned int *seed)
{
	uint32_t w = v->weaks[cs_rand(seed) % v->nweaks], tag;

	switch (cs_rand(seed) % 5) {
	case 0:
		tag = w;
		break;
	case 1:
		tag = v->weaks[cs_rand(seed) % v->nweaks];
		break;
	case 2:
		tag = w + 1;   /* its own auxiliary record */
		break;
	case 3:
		tag = v->file_sym != UINT32_MAX ? v->file_sym : v->nsyms;
		break;
	default:
		tag = cs_rand(seed) % (v->nsyms + 2);
		break;
	}
	cs_put32(d + v->symptr + (size_t)(w + 1) * CS_SYM, tag);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct cs_view v;
	unsigned int pick = seed % 4;

	if (pick == 3 || cs_view(data, size, &v))
		return LLVMFuzzerMutate(data, size, max_size);
	if (pick == 0 && v.drectve_len)
		cs_directives(data, &v, &seed);
	else if (pick <= 1 && v.ndefs)
		cs_comdat(data, &v, &seed);
	else if (v.nweaks)
		cs_weak(data, &v, &seed);
	else if (v.ndefs)
		cs_comdat(data, &v, &seed);
	else
		return LLVMFuzzerMutate(data, size, max_size);
	return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	objload_status st;

	harness_run("fuzz-coff-struct", data, size, (objload_strategy)(size % 3), NULL, &st,
		    NULL);
	return 0;
}
