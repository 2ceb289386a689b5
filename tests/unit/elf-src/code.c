/* SPDX-License-Identifier: MIT */
/*
 * Test input for the ELF plug-in: code of the shapes compilers emit --
 * calls to undefined and weak functions, a switch compiled to a jump table,
 * tables of function pointers, string literals, and hand-placed legacy
 * constructor tables.  Compiled at test time and compared with readelf.
 */

extern int counter;
extern void log_event(const char *what, int value);

__attribute__((weak)) int hook(int x)
{
	return x;
}

int classify(int x)
{
	switch (x) {
	case 0: return 11;
	case 1: return counter;
	case 2: return hook(x) * 3;
	case 3: return 97;
	case 4: return x << 4;
	case 5: return counter - 1;
	case 6: return 1234;
	case 7: return hook(7);
	case 8: return -8;
	default: return 0;
	}
}

static int add1(int x)
{
	return x + 1;
}

static int twice(int x)
{
	return x * 2;
}

int (*const operations[])(int) = { add1, twice, classify, hook };

__attribute__((noinline)) static int apply(unsigned i, int x)
{
	return operations[i & 3](x);
}

int call_out(int x)
{
	log_event("call_out", x);
	log_event("again", apply((unsigned)x, x));
	return counter + x;
}

static void legacy_ctor(void)
{
	counter++;
}

static void legacy_dtor(void)
{
	counter--;
}

/* What old compilers emitted for constructor(535) and a plain destructor. */
static void (*legacy_ctors[])(void) __attribute__((section(".ctors.65000"), used)) = {
	legacy_ctor,
};
static void (*legacy_dtors[])(void) __attribute__((section(".dtors"), used)) = {
	legacy_dtor, legacy_dtor,
};
