/* SPDX-License-Identifier: MIT */
/*
 * The compiled-in relocation appliers, and the public names of arches and
 * their relocation kinds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"

static const arch_ops *const arch_table[] = {
	&arch_x86_64,
	&arch_aarch64,
};

const arch_ops *arch_lookup(objload_arch_id id)
{
	size_t i;

	for (i = 0; i < sizeof(arch_table) / sizeof(arch_table[0]); i++)
		if (arch_table[i]->id == id)
			return arch_table[i];
	return NULL;
}

/* The arch decodes, so that a format never reads an instruction itself. */
objload_status objload_arch_read_addend(objload_arch_id arch, unsigned kind,
					const uint8_t *field, size_t avail,
					int64_t *addend)
{
	const arch_ops *ops = arch_lookup(arch);

	if (!ops || kind >= ops->nkinds || !field || !addend)
		return OBJLOAD_ERR_ARGUMENT;
	if (!ops->read_addend)
		return OBJLOAD_ERR_UNSUPPORTED;
	if (avail < ops->kinds[kind].width)
		return OBJLOAD_ERR_FORMAT;
	return ops->read_addend(kind, field, addend);
}

/* "?" rather than NULL, so that a caller may print the result as is. */
const char *objload_kind_name(objload_arch_id arch, unsigned kind)
{
	const arch_ops *ops = arch_lookup(arch);

	if (!ops || kind >= ops->nkinds)
		return "?";
	return ops->kinds[kind].name;
}

/* Every arch the API knows, whether or not its applier is compiled in. */
const char *objload_arch_name(objload_arch_id arch)
{
	switch (arch) {
	case OBJLOAD_ARCH_X86_64:
		return "x86_64";
	case OBJLOAD_ARCH_AARCH64:
		return "aarch64";
	case OBJLOAD_ARCH_UNKNOWN:
		break;
	}
	return "unknown";
}

int arch_fits(const arch_kind *k, uint64_t v)
{
	unsigned bits = k->range_bits;

	if (bits >= 64)
		return 1;
	switch (k->check) {
	case ARCH_CHECK_SIGNED:
		return bits && ((v + (UINT64_C(1) << (bits - 1))) >> bits) == 0;
	case ARCH_CHECK_UNSIGNED:
		return (v >> bits) == 0;
	case ARCH_CHECK_ANY:
		return 1;
	}
	return 0;
}

void arch_put_le(uint8_t *field, uint64_t v, unsigned width)
{
	uint8_t le[8];

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the usual widths as one store each: every fixup comes here */
	switch (width) {
	case 8:
		memcpy(field, &v, 8);
		return;
	case 4: {
		uint32_t w = (uint32_t)v;

		memcpy(field, &w, 4);
		return;
	}
	case 2: {
		uint16_t h = (uint16_t)v;

		memcpy(field, &h, 2);
		return;
	}
	default:
		break;
	}
#endif
	for (unsigned i = 0; i < sizeof(le); i++)
		le[i] = (uint8_t)(v >> (8 * i));
	memcpy(field, le, width < sizeof(le) ? width : sizeof(le));
}

objload_status arch_fill_slots(const arch_ops *a, uint8_t *work, const arch_code *code,
			       const uint64_t *values)
{
	objload_status st = OBJLOAD_OK;

	for (unsigned i = 0; i < code->nslots && !st; i++) {
		arch_fixup fx = { .S = values[i] };

		st = a->apply(a->pointer_kind, work + code->slot[i], &fx, NULL, 0);
	}
	return st;
}

void arch_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
