/* SPDX-License-Identifier: MIT */
/*
 * The DWARF line-number program (DWARF 5, section 6.2; versions 2-4 differ
 * in the header only): a state machine of address, file and line driven
 * by opcodes.  Standard opcodes advance the address or line, set the file
 * or copy a row; extended opcodes (0, length, sub-opcode) end a sequence
 * or set the address; a special opcode adds to both and copies a row.
 * The header gives the constants (minimum instruction length, line_base,
 * line_range, opcode_base and the operand counts of standard opcodes)
 * and the file table: in versions 2-4 NUL-terminated strings numbered
 * from 1; in version 5 entries described by (content type, form) pairs,
 * numbered from 0, whose path may be a string in .debug_line_str or
 * .debug_str.  Only what a row needs is kept: the address, the file's
 * name and the line.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/dwarfline.h"
#include "formats/reader.h"

#define DW_LNS_copy 1
#define DW_LNS_advance_pc 2
#define DW_LNS_advance_line 3
#define DW_LNS_set_file 4
#define DW_LNS_const_add_pc 8
#define DW_LNS_fixed_advance_pc 9
#define DW_LNE_end_sequence 1
#define DW_LNE_set_address 2
#define DW_LNCT_path 1
#define DW_FORM_block 0x09
#define DW_FORM_data1 0x0b
#define DW_FORM_data2 0x05
#define DW_FORM_data4 0x06
#define DW_FORM_data8 0x07
#define DW_FORM_data16 0x1e
#define DW_FORM_string 0x08
#define DW_FORM_strp 0x0e
#define DW_FORM_udata 0x0f
#define DW_FORM_line_strp 0x1f

#define MAX_FILES 4096

/* A NUL-terminated string at the cursor; NULL when it runs off. */
static const char *cstr(struct rd_cursor *c)
{
	const char *s = (const char *)c->p + c->off;
	const void *nul = memchr(s, 0, c->len - c->off);

	if (!nul)
		return NULL;
	c->off += (size_t)((const char *)nul - s) + 1;
	return s;
}

static const char *str_at(const uint8_t *sec, size_t len, uint64_t off)
{
	if (!sec || off >= len || !memchr(sec + off, 0, len - off))
		return NULL;
	return (const char *)sec + off;
}

/* One attribute of a version 5 entry; *path set for DW_LNCT_path. */
static int v5_attr(struct rd_cursor *c, const dwarf_line_input *in, uint64_t type,
		   uint64_t form, unsigned offsz, const char **path)
{
	uint64_t v;

	switch (form) {
	case DW_FORM_string:
		if (type == DW_LNCT_path)
			*path = cstr(c);
		else if (!cstr(c))
			return -1;
		return type == DW_LNCT_path && !*path ? -1 : 0;
	case DW_FORM_line_strp:
	case DW_FORM_strp:
		if (rd_get(c, offsz, &v))
			return -1;
		if (type == DW_LNCT_path)
			*path = form == DW_FORM_line_strp ?
				str_at(in->line_str, in->line_str_len, v) :
				str_at(in->str, in->str_len, v);
		return 0;
	case DW_FORM_udata:
		return rd_uleb(c, &v);
	case DW_FORM_data1: return rd_get(c, 1, &v);
	case DW_FORM_data2: return rd_get(c, 2, &v);
	case DW_FORM_data4: return rd_get(c, 4, &v);
	case DW_FORM_data8: return rd_get(c, 8, &v);
	case DW_FORM_data16:
		if (c->len - c->off < 16)
			return -1;
		c->off += 16;
		return 0;
	case DW_FORM_block:
		if (rd_uleb(c, &v) || v > c->len - c->off)
			return -1;
		c->off += (size_t)v;
		return 0;
	default:
		return -1;
	}
}

/* Version 5 directory or file table: the paths of the entries. */
static int v5_table(struct rd_cursor *c, const dwarf_line_input *in, unsigned offsz,
		    const char **names, size_t *n)
{
	uint8_t nfmt;
	uint64_t fmt[16][2], count;

	if (rd_u8(c, &nfmt) || nfmt > 16)
		return -1;
	for (unsigned i = 0; i < nfmt; i++)
		if (rd_uleb(c, &fmt[i][0]) || rd_uleb(c, &fmt[i][1]))
			return -1;
	if (rd_uleb(c, &count))
		return -1;
	for (uint64_t e = 0; e < count; e++) {
		const char *path = NULL;

		for (unsigned i = 0; i < nfmt; i++)
			if (v5_attr(c, in, fmt[i][0], fmt[i][1], offsz, &path))
				return -1;
		if (names && *n < MAX_FILES)
			names[(*n)++] = path;
	}
	return 0;
}

static int push(dwarf_line_row **rows, size_t *nrows, size_t *cap, uint64_t addr,
		const char *file, uint32_t line)
{
	if (*nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		dwarf_line_row *r = realloc(*rows, ncap * sizeof(*r));

		if (!r)
			return -1;
		*rows = r;
		*cap = ncap;
	}
	(*rows)[(*nrows)++] = (dwarf_line_row){ .addr = addr, .file = file, .line = line };
	return 0;
}

struct lstate {
	uint64_t addr;
	uint64_t file;
	int64_t line;
	size_t seq_start;   /* first row of the sequence */
};

/* Run one unit's program [c->off, c->len). */
static int run_program(struct rd_cursor *c, const char **files, size_t nfiles,
		       int v5, uint8_t min_inst, int8_t line_base, uint8_t line_range,
		       uint8_t opcode_base, const uint8_t *std_len,
		       dwarf_line_row **rows, size_t *nrows, size_t *cap)
{
	struct lstate st = { .file = 1, .line = 1, .seq_start = *nrows };

	if (!v5)
		st.file = 1;
	while (c->off < c->len) {
		uint8_t op;
		uint64_t v;
		int64_t sv;

		if (rd_u8(c, &op))
			return 0;
		if (op >= opcode_base) {
			unsigned adj = op - opcode_base;

			st.addr += (uint64_t)(adj / line_range) * min_inst;
			st.line += line_base + (int)(adj % line_range);
			goto emit;
		}
		switch (op) {
		case 0: {
			uint64_t len;
			size_t end;
			uint8_t sub;

			if (rd_uleb(c, &len) || len == 0 || len > c->len - c->off)
				return 0;
			end = c->off + (size_t)len;
			if (rd_u8(c, &sub))
				return 0;
			if (sub == DW_LNE_end_sequence) {
				/* a sequence at address 0 was not loaded */
				if (*nrows > st.seq_start && (*rows)[st.seq_start].addr == 0)
					*nrows = st.seq_start;
				else if (push(rows, nrows, cap, st.addr, NULL, 0))
					return -1;
				st = (struct lstate){ .file = 1, .line = 1, .seq_start = *nrows };
			} else if (sub == DW_LNE_set_address && len == 9) {
				if (rd_get(c, 8, &st.addr))
					return 0;
			}
			c->off = end;
			continue;
		}
		case DW_LNS_copy:
			goto emit;
		case DW_LNS_advance_pc:
			if (rd_uleb(c, &v))
				return 0;
			st.addr += v * min_inst;
			continue;
		case DW_LNS_advance_line:
			if (rd_sleb(c, &sv))
				return 0;
			st.line += sv;
			continue;
		case DW_LNS_set_file:
			if (rd_uleb(c, &st.file))
				return 0;
			continue;
		case DW_LNS_const_add_pc:
			st.addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst;
			continue;
		case DW_LNS_fixed_advance_pc:
			if (rd_get(c, 2, &v))
				return 0;
			st.addr += v;
			continue;
		default:
			/* other standard opcodes: skip their ULEB operands */
			for (unsigned i = 0; i < std_len[op - 1]; i++)
				if (rd_uleb(c, &v))
					return 0;
			continue;
		}
emit:
		{
			uint64_t fi = v5 ? st.file : st.file - 1;
			const char *name = fi < nfiles ? files[fi] : NULL;

			if (push(rows, nrows, cap, st.addr, name ? name : "?",
				 st.line > 0 && st.line < UINT32_MAX ? (uint32_t)st.line : 0))
				return -1;
		}
	}
	return 0;
}

int dwarf_line_rows(const dwarf_line_input *in, dwarf_line_row **rows, size_t *nrows,
		    size_t *cap)
{
	const char **files = malloc(MAX_FILES * sizeof(*files));
	size_t off = 0;
	int r = 0;

	if (!files)
		return -1;
	while (in->line_len - off >= 4 && r == 0) {
		struct rd_cursor c = { .p = in->line, .len = in->line_len, .off = off };
		uint64_t unit_len, hdr_len, v;
		unsigned offsz = 4;
		uint16_t version;
		uint8_t min_inst, max_ops = 1, def_stmt, line_range, opcode_base, lb, asz, ssz;
		const uint8_t *std_len;
		size_t unit_end, prog, nfiles = 0;
		int8_t line_base;

		if (rd_get(&c, 4, &unit_len))
			break;
		if (unit_len == 0xffffffff) {
			offsz = 8;
			if (rd_get(&c, 8, &unit_len))
				break;
		}
		if (unit_len > c.len - c.off || unit_len < 2)
			break;
		unit_end = c.off + (size_t)unit_len;
		off = unit_end;
		c.len = unit_end;
		if (rd_u16(&c, &version) || version < 2 || version > 5)
			continue;
		if (version >= 5 && (rd_u8(&c, &asz) || rd_u8(&c, &ssz) || asz != 8))
			continue;
		if (rd_get(&c, offsz, &hdr_len) || hdr_len > c.len - c.off)
			continue;
		prog = c.off + (size_t)hdr_len;
		if (rd_u8(&c, &min_inst) || (version >= 4 && rd_u8(&c, &max_ops)) ||
		    rd_u8(&c, &def_stmt) || rd_u8(&c, &lb) || rd_u8(&c, &line_range) ||
		    rd_u8(&c, &opcode_base) || line_range == 0 || opcode_base == 0 ||
		    (size_t)(opcode_base - 1) > c.len - c.off)
			continue;
		(void)max_ops;
		(void)def_stmt;
		line_base = (int8_t)lb;
		std_len = c.p + c.off;
		c.off += opcode_base - 1u;
		if (version >= 5) {
			if (v5_table(&c, in, offsz, NULL, NULL) ||
			    v5_table(&c, in, offsz, files, &nfiles))
				continue;
		} else {
			const char *s;

			while ((s = cstr(&c)) && *s)
				;           /* include_directories */
			if (!s)
				continue;
			while ((s = cstr(&c)) && *s) {
				if (rd_uleb(&c, &v) || rd_uleb(&c, &v) || rd_uleb(&c, &v))
					break;
				if (nfiles < MAX_FILES)
					files[nfiles++] = s;
			}
		}
		c.off = prog;
		r = run_program(&c, files, nfiles, version >= 5, min_inst, line_base,
				line_range, opcode_base, std_len, rows, nrows, cap);
	}
	free(files);
	return r;
}
