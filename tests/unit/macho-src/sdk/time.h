/* SPDX-License-Identifier: MIT */
/* As the SDK's <time.h>: struct tm ends with tm_gmtoff and tm_zone (as
 * glibc's), time_t is a long, clock_t an unsigned long counting
 * CLOCKS_PER_SEC 1000000. */
#ifndef _TIME_H_
#define _TIME_H_
#include <stddef.h>
typedef long time_t;
typedef unsigned long clock_t;
struct tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	char *tm_zone;
};
#define CLOCKS_PER_SEC ((clock_t)1000000)
time_t time(time_t *);
clock_t clock(void);
double difftime(time_t, time_t);
time_t mktime(struct tm *);
struct tm *gmtime(const time_t *);
struct tm *localtime(const time_t *);
struct tm *gmtime_r(const time_t *restrict, struct tm *restrict);
struct tm *localtime_r(const time_t *restrict, struct tm *restrict);
char *asctime(const struct tm *);
char *ctime(const time_t *);
size_t strftime(char *restrict, size_t, const char *restrict, const struct tm *restrict);
#endif
