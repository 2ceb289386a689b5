/* SPDX-License-Identifier: MIT */
/* Helpers of the linked-image plug-ins (formats/linked.h). */
#include "formats/linked.h"

#define FMT_SLOT_ALIGN 0x10000ull

uint32_t fmt_section_at(const objload_image *img, uint32_t n, uint64_t a, int end_ok)
{
	const objload_section *s = img->sections;
	uint32_t at_end = OBJLOAD_NO_INDEX;

	for (uint32_t i = 0; i < n; i++) {
		if (a < s[i].file_addr || a - s[i].file_addr > s[i].size)
			continue;
		if (a - s[i].file_addr < s[i].size)
			return i;
		if (end_ok)
			at_end = i;
	}
	return at_end;
}

uint32_t fmt_add_slots(objload_image *img, uint64_t count, const char *name)
{
	uint64_t end = 0;
	objload_section *o;
	uint8_t *bytes;

	for (uint32_t i = 0; i < img->nsections; i++)
		if (img->sections[i].file_addr + img->sections[i].size > end)
			end = img->sections[i].file_addr + img->sections[i].size;
	if (count > (1u << 24) || !(bytes = objload_image_alloc(img, count * 8)))
		return OBJLOAD_NO_INDEX;
	o = objload_image_add_sections(img, 1);
	if (!o)
		return OBJLOAD_NO_INDEX;
	o->name = name;
	o->role = OBJLOAD_ROLE_RODATA;
	o->align = 8;
	o->size = count * 8;
	o->bytes = bytes;
	o->file_addr = (end + FMT_SLOT_ALIGN - 1) & ~(FMT_SLOT_ALIGN - 1);
	o->native_index = OBJLOAD_NO_INDEX;
	o->native_type = "objload";
	return img->nsections - 1;
}
