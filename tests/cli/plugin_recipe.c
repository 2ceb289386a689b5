/* SPDX-License-Identifier: MIT */
/*
 * A format plug-in built exactly as docs/plugins.md tells an outsider to
 * build one (the "package" suite compiles it against an installed objload
 * with `cc -fPIC -shared ... $(pkg-config --cflags objload)` and nothing
 * else), to check that the recipe works and that the plug-in binds to the
 * one libobjload of the process that loads it.
 *
 * The format, "recipe", is a text file
 *
 *     objload-recipe NAME VALUE
 *
 * that defines one global 32-bit integer NAME = VALUE in a data section:
 * an ELF object that declares `extern int NAME;` links and runs with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <objload.h>
#include <objload/plugin.h>

#define RECIPE_MAGIC "objload-recipe "

static int recipe_probe(const uint8_t *bytes, size_t len)
{
	return len > strlen(RECIPE_MAGIC) &&
	       memcmp(bytes, RECIPE_MAGIC, strlen(RECIPE_MAGIC)) == 0;
}

static objload_status recipe_parse(objload_image *img)
{
	char text[256], name[128];
	long value;
	size_t len = img->file_size < sizeof(text) - 1 ? img->file_size : sizeof(text) - 1;
	objload_section *sec;
	objload_symbol *sym;
	int32_t *cell;

	memcpy(text, img->file, len);
	text[len] = '\0';
	if (sscanf(text + strlen(RECIPE_MAGIC), "%127s %ld", name, &value) != 2)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "recipe: expected 'objload-recipe NAME VALUE'");
	img->arch = OBJLOAD_ARCH_X86_64;
	img->kind = OBJLOAD_IMAGE_RELOCATABLE;
	img->callconv = OBJLOAD_CC_SYSV;
	cell = objload_image_alloc(img, sizeof(*cell));
	sec = objload_image_add_sections(img, 2);
	if (!cell || !sec)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	*cell = (int32_t)value;
	sec[0].name = "";
	sec[0].role = OBJLOAD_ROLE_NOLOAD;
	sec[0].align = 1;
	sec[0].group = OBJLOAD_NO_INDEX;
	sec[1].name = ".data";
	sec[1].role = OBJLOAD_ROLE_DATA;
	sec[1].align = 4;
	sec[1].size = sizeof(*cell);
	sec[1].bytes = (const uint8_t *)cell;
	sec[1].group = OBJLOAD_NO_INDEX;
	sec[1].native_index = 1;
	sec[1].native_type = "RECIPE";
	sym = objload_image_add_symbols(img, 1);
	if (!sym)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	sym->name = objload_image_strdup(img, name);
	sym->cname = sym->name;
	if (!sym->name)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	sym->binding = OBJLOAD_BIND_GLOBAL;
	sym->def = OBJLOAD_DEF_SECTION;
	sym->type = OBJLOAD_SYM_OBJECT;
	sym->section = 1;
	sym->size = sizeof(*cell);
	return OBJLOAD_OK;
}

static objload_status recipe_plan(const objload_image *img, objload_strategy forced,
				  objload_plan_choice *choice)
{
	(void)img;
	choice->strategy = forced == OBJLOAD_STRATEGY_SECTION ? OBJLOAD_STRATEGY_SECTION :
			   OBJLOAD_STRATEGY_WHOLE;
	choice->reason = "a recipe is one small data section";
	return OBJLOAD_OK;
}

static const objload_format recipe_format = {
	.name = "recipe",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = recipe_probe,
	.parse = recipe_parse,
	.plan = recipe_plan,
};

objload_status objload_plugin_init(objload_session *session);

objload_status objload_plugin_init(objload_session *session)
{
	return objload_register_format(session, &recipe_format);
}
