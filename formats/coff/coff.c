/*
 * COFF: recognised, not loaded yet.
 *
 * A COFF object starts with IMAGE_FILE_HEADER (its Machine field names the
 * CPU) or, for /bigobj files, with ANON_OBJECT_HEADER_BIGOBJ (Sig1 0,
 * Sig2 0xffff).  Until the COFF plug-in lands, objload recognises x86-64
 * and arm64 objects of both layouts so that a user gets "not supported
 * yet" rather than "unknown format".
 */
#include <string.h>

#include "objload/plugin.h"
#include "formats/formats.h"

#define COFF_MACHINE_AMD64 0x8664
#define COFF_MACHINE_ARM64 0xaa64

static int coff_probe(const uint8_t *b, size_t len)
{
	unsigned machine;

	if (len < 20)
		return 0;
	if (b[0] == 0 && b[1] == 0 && b[2] == 0xff && b[3] == 0xff) {
		if (len < 32)
			return 0;
		machine = b[6] | b[7] << 8;    /* bigobj */
	} else {
		machine = b[0] | b[1] << 8;
	}
	return machine == COFF_MACHINE_AMD64 || machine == COFF_MACHINE_ARM64;
}

static objload_status coff_parse(objload_image *img)
{
	return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
				   "COFF objects are not supported yet");
}

static objload_status coff_plan(const objload_image *img, objload_strategy forced,
				objload_plan_choice *choice)
{
	(void)img;
	(void)forced;
	choice->strategy = OBJLOAD_STRATEGY_WHOLE;
	choice->reason = "COFF objects are not supported yet";
	return OBJLOAD_ERR_UNSUPPORTED;
}

const objload_format objload_format_coff = {
	.name = "coff",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = coff_probe,
	.parse = coff_parse,
	.plan = coff_plan,
};
