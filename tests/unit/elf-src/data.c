/* SPDX-License-Identifier: MIT */
/*
 * Test input for the ELF plug-in: data of every kind an object file
 * describes.  Compiled at test time with several compilers and flags and
 * compared with readelf's view; never linked or run.
 */

int counter = 42;                     /* .data, global */
static int hidden_counter = 7;        /* .data, local */
int zeroed;                           /* .bss (a common with -fcommon) */
int tentative __attribute__((common)); /* always a common symbol */
long big_tentative[32] __attribute__((common, aligned(32)));
static char buffer[256];              /* .bss, local */
const char greeting[] = "hello, objload";   /* .rodata */
const char *const message = "a string literal"; /* pointer to .rodata.str */
__attribute__((visibility("hidden"))) int secret = 3;
__attribute__((visibility("protected"))) int guarded = 4;
__attribute__((visibility("internal"))) int internal_counter = 6;
__attribute__((weak)) int tunable = 5;
extern int external_value;            /* undefined */
extern __attribute__((weak)) int optional_value; /* weak undefined */
int *const pointer_to_external = &external_value; /* absolute data relocation */
static double table[4] __attribute__((aligned(64))) = { 1.0, 2.0, 3.0, 4.0 };
_Thread_local int per_thread = 9;     /* .tdata */
_Thread_local int per_thread_zero;    /* .tbss */

static int constructed;

__attribute__((constructor(200))) static void early(void)
{
	constructed = 200;
}

__attribute__((constructor)) static void plain_init(void)
{
	constructed++;
}

__attribute__((destructor(300))) static void late(void)
{
	constructed = 0;
}

__attribute__((destructor)) static void plain_fini(void)
{
	buffer[0] = 0;
}

int read_all(int i)
{
	return counter + hidden_counter + zeroed + tentative + (int)big_tentative[i & 31] +
	       buffer[i & 255] + greeting[i & 7] + message[i & 7] + secret + guarded + internal_counter +
	       tunable + external_value + *pointer_to_external +
	       (&optional_value ? optional_value : 0) + (int)table[i & 3] +
	       per_thread + per_thread_zero + constructed;
}
