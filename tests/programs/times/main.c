/* SPDX-License-Identifier: MIT */
/*
 * <time.h> as real programs use it: time, gmtime and localtime of fixed
 * instants, mktime normalising out-of-range fields, difftime, strftime
 * with most conversions, asctime, clock and CLOCKS_PER_SEC.  Built for
 * Windows too (tests/e2e/test_e2e_coff.c), where MinGW's headers turn
 * time, gmtime, localtime, mktime, difftime and ctime into _time64,
 * _gmtime64, ... over a 64-bit time_t, and struct tm has only its nine
 * standard fields.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

static void show(const char *what, const struct tm *t)
{
	char buf[128];

	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %W %w %y %p %I %%", t);
	printf("%s: %s | %d %d %d\n", what, buf, t->tm_wday, t->tm_yday, t->tm_isdst);
}

int main(void)
{
	static const time_t instants[] = { 0, 951782400, 1234567890, 2147483647, 4102444800 };
	struct tm t, *p;
	time_t now, back;
	clock_t c0;
	char buf[64];

	for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
		p = gmtime(&instants[i]);
		if (!p)
			return 1;
		show("gmtime", p);
		printf("asctime: %s", asctime(p));
	}
	memset(&t, 0, sizeof t);
	t.tm_year = 124;
	t.tm_mon = 13;          /* February of the next year */
	t.tm_mday = 31;         /* ... which has no 31st */
	t.tm_hour = 12;
	t.tm_isdst = -1;
	back = mktime(&t);
	printf("mktime: %s, ", back == (time_t)-1 ? "failed" : "ok");
	show("normalised", &t);
	p = localtime(&back);
	printf("localtime round trip: %d-%02d-%02d %02d\n", p->tm_year + 1900, p->tm_mon + 1,
	       p->tm_mday, p->tm_hour);
	printf("difftime: %.1f\n", difftime(instants[3], instants[2]));
	now = time(NULL);
	printf("time is after 2020: %d, time(&t) agrees: %d\n", now > 1577836800,
	       time(&back) - now < 5 && back >= now);
	c0 = clock();
	printf("clock: %d, CLOCKS_PER_SEC is positive: %d\n",
	       c0 != (clock_t)-1 && c0 / CLOCKS_PER_SEC < 60, CLOCKS_PER_SEC > 0);
	printf("strftime returns %u\n",
	       (unsigned)strftime(buf, sizeof buf, "%d/%m/%Y", gmtime(&instants[1])));
	printf("strftime too small: %u\n", (unsigned)strftime(buf, 4, "%Y-%m-%d", &t));
	return 0;
}
