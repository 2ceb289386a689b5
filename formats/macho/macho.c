/*
 * Mach-O: recognised, not loaded yet.
 *
 * A Mach-O relocatable object (MH_OBJECT) is one unnamed segment whose
 * sections carry their own relocation lists; symbols carry a leading
 * underscore.  Until the Mach-O plug-in lands, objload recognises the
 * magic numbers (thin 64/32-bit, either byte order, and fat archives) so
 * that a user gets "not supported yet" rather than "unknown format".
 */
#include <string.h>

#include "objload/plugin.h"
#include "formats/formats.h"

static uint32_t read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int macho_probe(const uint8_t *bytes, size_t len)
{
	uint32_t m;

	if (len < 4)
		return 0;
	m = read_be32(bytes);
	return m == 0xfeedfacfu || m == 0xcffaedfeu ||   /* 64-bit */
	       m == 0xfeedfaceu || m == 0xcefaedfeu ||   /* 32-bit */
	       m == 0xcafebabeu || m == 0xcafebabfu;     /* fat */
}

static objload_status macho_parse(objload_image *img)
{
	return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
				   "Mach-O objects are not supported yet");
}

static objload_status macho_plan(const objload_image *img, objload_strategy forced,
				 objload_plan_choice *choice)
{
	(void)img;
	choice->strategy = forced == OBJLOAD_STRATEGY_SECTION ?
		OBJLOAD_STRATEGY_SECTION : OBJLOAD_STRATEGY_WHOLE;
	choice->reason = "Mach-O objects are not supported yet";
	return OBJLOAD_ERR_UNSUPPORTED;
}

const objload_format objload_format_macho = {
	.name = "macho",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = macho_probe,
	.parse = macho_parse,
	.plan = macho_plan,
};
