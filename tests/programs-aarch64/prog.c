/* SPDX-License-Identifier: MIT */
/*
 * A freestanding program for the AArch64 link tests: calls within and
 * between objects, address-of globals, a table of function pointers,
 * arrays indexed at run time, a string literal, and two externs the test
 * gives with --define: far_inc, code placed 1 GiB from the image (so the
 * call goes through a veneer), and marker, an address only compared.
 */
void out(int c);
int far_inc(int x);
extern char marker[];
int lib_sum(const int *v, int n);
int lib_scale(int x);
extern int lib_counter;
extern __INTPTR_TYPE__ lib_table[4];

int counter = 3;
static int squares[8];
static const char msg[] = "aarch64 ok\n";
static int (*const ops[2])(int) = { lib_scale, far_inc };

static void puts_(const char *s)
{
	while (*s)
		out(*s++);
}

static void put_num(unsigned v)
{
	char buf[12];
	int n = 0;

	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		out(buf[--n]);
	out('\n');
}

int main(void)
{
	int total = 0;

	for (int i = 0; i < 8; i++)
		squares[i] = i * i;
	total += lib_sum(squares, 8);           /* 140 */
	total += ops[0](counter);               /* 3 * 7 = 21 */
	total += ops[1](counter);               /* 4 */
	total += far_inc(lib_counter);          /* 11 */
	if ((unsigned long long)marker != 0x12345678ull)
		return 99;
	if (lib_table[2] != (__INTPTR_TYPE__)&counter)
		return 98;
	puts_(msg);
	put_num((unsigned)total);
	return total & 0xff;                    /* 176 */
}
