/* SPDX-License-Identifier: MIT */
/* A library that needs libfoo (LC_LOAD_DYLIB @rpath/libfoo.dylib). */
int foo_add(int a, int b);
extern int foo_counter;

int baz_twice(int a)
{
	return foo_add(a, a) * 2 + foo_counter;
}
