/* SPDX-License-Identifier: MIT */
/*
 * The COFF plug-in (formats/coff): a hand-made x86-64 object parsed and
 * linked, and every kind of malformed header, table, name and relocation
 * rejected with a message naming what is wrong.
 */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

/*
 * The object: IMAGE_FILE_HEADER, one section `.text` (code, 16 bytes
 * `mov ext(%rip), %eax; ret` padded), one REL32 relocation at 2 against
 * symbol 2, and four symbols: .text (static, one aux record), `ext`
 * (external, undefined), `get_ext` (external, .text+0, a function).  The
 * string table holds the long name.
 */
enum {
	C_HDR = 0, C_SHDR = 20, C_DATA = 60, C_RELOC = 76, C_SYMS = 86,
	C_STR = C_SYMS + 4 * 18, C_END = C_STR + 4 + 14,
};

static void coff_make(uint8_t *f)
{
	static const uint8_t code[16] = {
		0x8b, 0x05, 0, 0, 0, 0, 0xc3, 0xcc,
		0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	};
	uint8_t *s;

	memset(f, 0, C_END);
	tu_put_le(f + 0, 2, 0x8664);
	tu_put_le(f + 2, 2, 1);
	tu_put_le(f + 8, 4, C_SYMS);
	tu_put_le(f + 12, 4, 4);
	s = f + C_SHDR;
	memcpy(s, ".text", 5);
	tu_put_le(s + 16, 4, 16);
	tu_put_le(s + 20, 4, C_DATA);
	tu_put_le(s + 24, 4, C_RELOC);
	tu_put_le(s + 32, 2, 1);
	tu_put_le(s + 36, 4, 0x60500020);   /* code, execute, read, align 16 */
	memcpy(f + C_DATA, code, sizeof(code));
	tu_put_le(f + C_RELOC, 4, 2);
	tu_put_le(f + C_RELOC + 4, 4, 2);
	tu_put_le(f + C_RELOC + 8, 2, 4);   /* REL32 */
	s = f + C_SYMS;
	memcpy(s, ".text", 5);
	tu_put_le(s + 12, 2, 1);
	s[16] = 3;                        /* STATIC */
	s[17] = 1;
	tu_put_le(s + 18, 4, 16);           /* aux: length */
	s += 36;
	memcpy(s, "ext", 3);
	s[16] = 2;                        /* EXTERNAL, undefined */
	s += 18;
	tu_put_le(s + 4, 4, 4);             /* long name at 4 */
	tu_put_le(s + 12, 2, 1);
	tu_put_le(s + 14, 2, 0x20);         /* function */
	s[16] = 2;
	tu_put_le(f + C_STR, 4, 4 + 14);
	memcpy(f + C_STR + 4, "get_ext_value", 14);
}

static objload_status coff_load(const uint8_t *f, size_t len, objload_session **out)
{
	objload_session *s;
	objload_status st;

	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	st = objload_add_memory(s, "t.obj", f, len);
	*out = s;
	return st;
}

static void coff_expect_error(const uint8_t *f, size_t len, const char *needle)
{
	objload_session *s;
	objload_status st = coff_load(f, len, &s);

	CU_ASSERT(st != OBJLOAD_OK);
	if (st != OBJLOAD_OK && !strstr(objload_errmsg(s), needle)) {
		fprintf(stderr, "\nexpected '%s' in: %s\n", needle, objload_errmsg(s));
		CU_FAIL("message");
	}
	objload_session_free(s);
}

static void test_parse_good(void)
{
	uint8_t f[C_END];
	objload_session *s;
	const objload_image *img;

	coff_make(f);
	CU_ASSERT_FATAL(coff_load(f, sizeof(f), &s) == OBJLOAD_OK);
	img = objload_get_image(s, 0);
	CU_ASSERT_FATAL(img != NULL);
	CU_ASSERT(img->arch == OBJLOAD_ARCH_X86_64);
	CU_ASSERT(img->callconv == OBJLOAD_CC_MS_X64);
	CU_ASSERT_EQUAL(img->nsections, 2);
	CU_ASSERT_STRING_EQUAL(img->sections[1].name, ".text");
	CU_ASSERT(img->sections[1].role == OBJLOAD_ROLE_CODE);
	CU_ASSERT_EQUAL(img->sections[1].align, 16);
	CU_ASSERT_EQUAL(img->nsymbols, 4);
	CU_ASSERT_STRING_EQUAL(img->symbols[3].name, "get_ext_value");
	CU_ASSERT(img->symbols[3].type == OBJLOAD_SYM_FUNC);
	CU_ASSERT(img->symbols[2].def == OBJLOAD_DEF_UNDEFINED);
	CU_ASSERT_EQUAL(img->nedges, 1);
	CU_ASSERT(img->edges[0].kind == OBJLOAD_X86_64_PC32);
	CU_ASSERT_EQUAL(img->edges[0].offset, 2);
	CU_ASSERT_EQUAL(img->edges[0].addend, -4);
	objload_session_free(s);
}

/* Link the object against a user definition of `ext` and call it. */
static void test_link_and_call(void)
{
	static int ext = 4242;
	uint8_t f[C_END];
	objload_session *s;
	void *fn;

	coff_make(f);
	CU_ASSERT_FATAL(coff_load(f, sizeof(f), &s) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_define(s, "ext", (uint64_t)(uintptr_t)&ext) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_link(s) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_lookup(s, "get_ext_value", &fn) == OBJLOAD_OK);
	CU_ASSERT_EQUAL(((TU_MS_ABI int (*)(void))fn)(), 4242);
	objload_session_free(s);
}

static void test_malformed(void)
{
	uint8_t f[C_END];

	coff_make(f);
	coff_expect_error(f, 30, "section headers do not fit");
	coff_make(f);
	tu_put_le(f + 16, 2, 224);
	coff_expect_error(f, sizeof(f), "a COFF object has no optional header");
	coff_make(f);
	tu_put_le(f + 12, 4, 1000);
	coff_expect_error(f, sizeof(f), "symbol table");
	coff_make(f);
	tu_put_le(f + C_STR, 4, 4000);
	coff_expect_error(f, sizeof(f), "string table");
	coff_make(f);
	f[C_END - 1] = 'x';
	coff_expect_error(f, sizeof(f), "does not end with a NUL");
	coff_make(f);
	tu_put_le(f + C_SHDR + 20, 4, C_END - 4);
	coff_expect_error(f, sizeof(f), "contents");
	coff_make(f);
	memcpy(f + C_SHDR, "/999\0\0\0", 8);
	coff_expect_error(f, sizeof(f), "long name offset 999");
	coff_make(f);
	tu_put_le(f + C_SHDR + 36, 4, 0x60f00020);
	coff_expect_error(f, sizeof(f), "alignment field 15");
	coff_make(f);
	tu_put_le(f + C_RELOC + 4, 4, 1);   /* the aux record */
	coff_expect_error(f, sizeof(f), "relocation 0: symbol 1");
	coff_make(f);
	tu_put_le(f + C_RELOC, 4, 14);
	coff_expect_error(f, sizeof(f), "outside the section");
	coff_make(f);
	tu_put_le(f + C_RELOC + 8, 2, 0x0c);  /* SECREL7 */
	coff_expect_error(f, sizeof(f), "IMAGE_REL_AMD64_SECREL7 is not supported");
	coff_make(f);
	tu_put_le(f + C_RELOC + 8, 2, 0x0a);  /* SECTION */
	coff_expect_error(f, sizeof(f), "IMAGE_REL_AMD64_SECTION is not supported");
	coff_make(f);
	tu_put_le(f + C_RELOC + 8, 2, 0x40);
	coff_expect_error(f, sizeof(f), "not a known x86-64 COFF type");
	coff_make(f);
	f[C_SYMS + 36 + 17] = 5;            /* aux records past the table */
	coff_expect_error(f, sizeof(f), "auxiliary records run past");
	coff_make(f);
	tu_put_le(f + C_SYMS + 54 + 12, 2, 7);
	coff_expect_error(f, sizeof(f), "section 7 is not below");
	coff_make(f);
	f[C_SYMS + 36 + 16] = 105;          /* weak external without aux */
	coff_expect_error(f, sizeof(f), "weak external");
	coff_make(f);
	f[C_SYMS + 36 + 16] = 200;
	coff_expect_error(f, sizeof(f), "storage class 200");
	coff_make(f);
	tu_put_le(f, 2, 0x14c);               /* i386 */
#ifdef OBJLOAD_TEST_HAVE_BFD
	/* no built-in format reads it: the bfd plug-in, loaded for it, says why */
	coff_expect_error(f, sizeof(f), "pe-i386");
#else
	coff_expect_error(f, sizeof(f), "format");
#endif
}

int objload_test_register_coff(void)
{
	static const struct tu_test tests[] = {
		{ "parse a hand-made object", test_parse_good },
		{ "link it and call through ms_abi", test_link_and_call },
		{ "malformed objects are rejected clearly", test_malformed },
	};
	return tu_add_suite("coff", NULL, NULL, tests, TU_COUNT(tests));
}
