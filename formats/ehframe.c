/* SPDX-License-Identifier: MIT */
/*
 * Walking an .eh_frame section's records (the LSB's "Exception Frames",
 * DWARF call frame information with GNU augmentations) to find the
 * pointers an unwinder follows from each FDE to code and to its LSDA.
 *
 * A record is a 4-byte length (0xffffffff: a 64-bit length follows; 0:
 * the terminator), then a 4-byte id: 0 for a CIE, otherwise the distance
 * back from this field to the FDE's CIE.  A CIE holds the version, the
 * augmentation string, the code and data alignment factors, the return
 * address register and, with a 'z' augmentation, a length-prefixed block
 * whose bytes follow the augmentation letters: 'P' a personality encoding
 * and pointer, 'L' the LSDA pointer encoding, 'R' the FDE pointer
 * encoding, 'S' and 'B' nothing.  An FDE holds pc_begin and pc_range in
 * the CIE's R encoding, then, with 'z', a length and the LSDA pointer in
 * the L encoding.  A pointer encoding is a DW_EH_PE_* byte: its low
 * nibble the form (absptr: 8 bytes on 64-bit targets, udata2/4/8,
 * sdata2/4/8), bit 0x10 pc-relative, bit 0x80 indirect, 0xff omitted.
 *
 * Mach-O assemblers resolve the pc-relative pc_begin and LSDA fields
 * against the object's own layout and write no relocation for them; the
 * Mach-O plug-in uses this walk to turn them into edges.
 */
#include "formats/ehframe.h"
#include "formats/reader.h"

#define PE_OMIT 0xff
#define PE_PCREL 0x10
#define PE_INDIRECT 0x80

/* The size of a pointer of encoding enc; 0 when it is not fixed-size. */
static unsigned pointer_width(uint8_t enc)
{
	switch (enc & 0x0f) {
	case 0x00: return 8;          /* absptr */
	case 0x02: case 0x0a: return 2;
	case 0x03: case 0x0b: return 4;
	case 0x04: case 0x0c: return 8;
	default: return 0;            /* uleb128, sleb128, reserved */
	}
}

/* The value of a field of `width` bytes: the signed forms (0x08 set)
 * sign-extend, the unsigned ones do not. */
static int64_t field_value(uint64_t v, unsigned width, uint8_t enc)
{
	unsigned shift = 64 - 8 * width;

	if (width == 8)
		return (int64_t)v;
	if (enc & 0x08)
		return (int64_t)(v << shift) >> shift;
	return (int64_t)v;
}

struct cie {
	uint8_t fde_enc, lsda_enc;
	int has_z;
};

static int parse_cie(struct rd_cursor *c, struct cie *out, const char **why)
{
	uint8_t version, b;
	char aug[16];
	size_t n = 0;
	uint64_t v, auglen, augend;

	out->fde_enc = 0x00;
	out->lsda_enc = PE_OMIT;
	out->has_z = 0;
	if (rd_u8(c, &version) || (version != 1 && version != 3)) {
		*why = "CIE version is not 1 or 3";
		return -1;
	}
	do {
		if (rd_u8(c, &b) || n == sizeof(aug)) {
			*why = "CIE augmentation string too long or cut off";
			return -1;
		}
		aug[n++] = (char)b;
	} while (b);
	if (rd_uleb(c, &v) || rd_uleb(c, &v)) {   /* code, data alignment */
		*why = "CIE alignment factors cut off";
		return -1;
	}
	if (version == 1 ? rd_u8(c, &b) : rd_uleb(c, &v)) {
		*why = "CIE return address register cut off";
		return -1;
	}
	if (aug[0] != 'z')
		return 0;
	out->has_z = 1;
	if (rd_uleb(c, &auglen) || auglen > c->len - c->off) {
		*why = "CIE augmentation data cut off";
		return -1;
	}
	augend = c->off + auglen;
	for (size_t i = 1; aug[i]; i++) {
		uint8_t enc;

		switch (aug[i]) {
		case 'P':
			if (rd_u8(c, &enc) || !pointer_width(enc) ||
			    c->len - c->off < pointer_width(enc)) {
				*why = "CIE personality pointer unreadable";
				return -1;
			}
			c->off += pointer_width(enc);
			break;
		case 'L':
			if (rd_u8(c, &out->lsda_enc)) {
				*why = "CIE LSDA encoding cut off";
				return -1;
			}
			break;
		case 'R':
			if (rd_u8(c, &out->fde_enc)) {
				*why = "CIE FDE encoding cut off";
				return -1;
			}
			break;
		case 'S':
		case 'B':
			break;
		default:
			*why = "CIE has an unknown augmentation";
			return -1;
		}
	}
	if (c->off > augend) {
		*why = "CIE augmentation data overruns its length";
		return -1;
	}
	return 0;
}

/* Report the pointer at the cursor (encoding enc) when it is direct and
 * pc-relative; advance past it. */
static int take_pointer(struct rd_cursor *c, uint8_t enc, int is_lsda,
			int (*fn)(void *, const eh_pointer *), void *ctx,
			const char **why)
{
	unsigned w = pointer_width(enc);
	eh_pointer p;
	uint64_t v;

	if (!w || rd_get(c, w, &v)) {
		*why = "FDE pointer has a variable-size encoding or is cut off";
		return -1;
	}
	if ((enc & 0x70) != PE_PCREL || (enc & PE_INDIRECT))
		return 0;
	p.offset = c->off - w;
	p.width = w;
	p.value = field_value(v, w, enc);
	p.is_lsda = is_lsda;
	return fn(ctx, &p);
}

int eh_frame_pointers(const uint8_t *bytes, size_t len,
		      int (*fn)(void *ctx, const eh_pointer *p), void *ctx,
		      uint64_t *bad_offset, const char **why)
{
	size_t off = 0;

	while (len - off >= 4) {
		struct rd_cursor rec;
		uint64_t length, id, start = off, idpos;
		struct rd_cursor c = { .p = bytes, .len = len, .off = off };
		int r;

		*bad_offset = start;
		if (rd_get(&c, 4, &length))
			break;
		if (length == 0)
			return 0;                     /* terminator */
		if (length == 0xffffffff && rd_get(&c, 8, &length)) {
			*why = "64-bit record length cut off";
			return -1;
		}
		if (length < 4 || length > len - c.off) {
			*why = "record length runs past the section";
			return -1;
		}
		rec = (struct rd_cursor){ .p = bytes, .len = c.off + (size_t)length, .off = c.off };
		off = c.off + (size_t)length;
		idpos = rec.off;
		if (rd_get(&rec, 4, &id)) {
			*why = "record id cut off";
			return -1;
		}
		if (id == 0)
			continue;                     /* a CIE: read when an FDE names it */
		{
			struct cie cie;
			struct rd_cursor cc = { .p = bytes, .len = len, .off = 0 };
			uint64_t cie_len, cie_id;

			if (id > idpos) {
				*why = "FDE's CIE pointer points before the section";
				return -1;
			}
			cc.off = (size_t)(idpos - id);
			if (rd_get(&cc, 4, &cie_len) || cie_len == 0 || cie_len == 0xffffffff ||
			    cie_len > len - cc.off) {
				*why = "FDE's CIE is not a 32-bit record inside the section";
				return -1;
			}
			cc.len = cc.off + (size_t)cie_len;
			if (rd_get(&cc, 4, &cie_id) || cie_id != 0) {
				*why = "FDE's CIE pointer does not point at a CIE";
				return -1;
			}
			if (parse_cie(&cc, &cie, why))
				return -1;
			r = take_pointer(&rec, cie.fde_enc, 0, fn, ctx, why);
			if (r)
				return r;
			if (!pointer_width(cie.fde_enc) ||
			    rec.len - rec.off < pointer_width(cie.fde_enc)) {
				*why = "FDE pc_range cut off";
				return -1;
			}
			rec.off += pointer_width(cie.fde_enc);
			if (cie.has_z) {
				uint64_t auglen;

				if (rd_uleb(&rec, &auglen) || auglen > rec.len - rec.off) {
					*why = "FDE augmentation data cut off";
					return -1;
				}
				if (cie.lsda_enc != PE_OMIT && auglen) {
					r = take_pointer(&rec, cie.lsda_enc, 1, fn, ctx, why);
					if (r)
						return r;
				}
			}
		}
	}
	return 0;
}
