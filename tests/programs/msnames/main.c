/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft C runtime's own names a portable program reaches for
 * under #ifdef _WIN32 (_stricmp, _strdup, _snprintf, _fileno, _isatty,
 * _access, _getcwd, _putenv, _strtoi64, _atoi64, _fseeki64, _ftelli64,
 * _hypot, _copysign, _isnan, _finite, the bounds-checked *_s functions,
 * qsort_s), and the POSIX names it uses elsewhere: the native build takes
 * the POSIX branch, a Windows build the Microsoft one, and both must
 * print the same.  Also rand/srand (values within RAND_MAX), getenv,
 * fseek/ftell with negative offsets (a 32-bit `long` on Windows), labs
 * and ldiv.
 */
#ifndef _WIN32
#define _GNU_SOURCE   /* qsort_r, setenv */
#endif
#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#include <fcntl.h>
#include <io.h>
#include <malloc.h>
#include <process.h>
#include <sys/stat.h>
#define strcasecmp _stricmp
#define strncasecmp _strnicmp
#define strdup _strdup
#define fileno _fileno
#define isatty _isatty
#define access _access
#define getcwd _getcwd
#define strtoll _strtoi64
#define strtoull _strtoui64
#define atoll _atoi64
#define fseeko _fseeki64
#define ftello _ftelli64
#define hypot _hypot
#define copysign _copysign
#define isnan_fn _isnan
#define finite_fn _finite
#else
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define isnan_fn(x) isnan(x)
#define finite_fn(x) isfinite(x)
#endif

static int by_key(void *ctx, const void *a, const void *b)
{
	int dir = *(const int *)ctx;

	return dir * (*(const int *)a - *(const int *)b);
}

#ifndef _WIN32
static int by_key_r(const void *a, const void *b, void *ctx)
{
	return by_key(ctx, a, b);
}
#endif

#ifndef _WIN32
/* What the Microsoft names do, for the native build. */
static char *text_of(unsigned long long v, int neg, char *buf, int radix)
{
	char tmp[72];
	int n = 0, o = 0;

	do {
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % radix];
		v /= radix;
	} while (v);
	if (neg)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}
#define _itoa(v, b, r) ((r) == 10 && (v) < 0 ? text_of(-(long long)(v), 1, b, r) : \
			text_of((unsigned)(v), 0, b, r))
#define _i64toa(v, b, r) ((r) == 10 && (v) < 0 ? text_of(-(unsigned long long)(v), 1, b, r) : \
			  text_of((unsigned long long)(v), 0, b, r))
static char *_strrev(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n / 2; i++) {
		char t = s[i];

		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
	return s;
}
static char *_strupr(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}
static char *_strlwr(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}
#define strtok_s strtok_r
#define _aligned_malloc(size, align) aligned_alloc(align, size)
#define _aligned_free free
#define _O_CREAT O_CREAT
#define _O_TRUNC O_TRUNC
#define _O_RDWR O_RDWR
#define _O_BINARY 0
#define _S_IREAD S_IRUSR
#define _S_IWRITE S_IWUSR
#define _open open
#define _write write
#define _read read
#define _lseek lseek
#define _close close
#define _unlink unlink
#define _mkdir(p) mkdir(p, 0777)
#define _rmdir rmdir
#define _getpid getpid
#endif

/* Strings, memory and descriptors by their Microsoft names. */
static void more(void)
{
	char buf[72], words[] = "alpha, beta,,gamma", *ctx = NULL, *tok;
	void *p;
	int fd, n;

	printf("itoa %s", _itoa(-1234, buf, 10));
	printf(" %s", _itoa(-1, buf, 16));
	printf(" %s", _itoa(255, buf, 2));
	printf(" %s\n", _i64toa(-9000000000000LL, buf, 10));
	strcpy(buf, "Hello World");
	printf("strrev %s", _strrev(buf));
	printf(" strupr %s", _strupr(buf));
	printf(" strlwr %s\n", _strlwr(buf));
	printf("strtok_s");
	for (tok = strtok_s(words, ", ", &ctx); tok; tok = strtok_s(NULL, ", ", &ctx))
		printf(" [%s]", tok);
	printf("\n");
	p = _aligned_malloc(128, 64);   /* a multiple: C11 aligned_alloc asks it */
	printf("aligned_malloc %d\n", p != NULL && ((size_t)p & 63) == 0);
	_aligned_free(p);
#ifdef _WIN32
	n = _snprintf_s(buf, sizeof buf, _TRUNCATE, "%s-%d", "truncate me please", 12345);
	printf("_snprintf_s %d [%s]", n, buf);
	n = _snprintf_s(buf, 8, _TRUNCATE, "%s-%d", "truncate me please", 12345);
	printf(" %d [%s]\n", n, buf);
#else
	n = snprintf(buf, sizeof buf, "%s-%d", "truncate me please", 12345);
	printf("_snprintf_s %d [%s]", n, buf);
	snprintf(buf, 8, "%s-%d", "truncate me please", 12345);
	printf(" %d [%s]\n", -1, buf);
#endif
	fd = _open("msnames.tmp", _O_CREAT | _O_TRUNC | _O_RDWR | _O_BINARY, _S_IREAD | _S_IWRITE);
	printf("open %d", fd >= 0);
	printf(" write %d", (int)_write(fd, "descriptor io", 13));
	printf(" lseek %ld", (long)_lseek(fd, -2, SEEK_END));
	n = (int)_read(fd, buf, 10);
	buf[n > 0 ? n : 0] = '\0';
	printf(" read %d [%s]", n, buf);
	{
		struct stat st, fst;
#ifdef _WIN32
		struct _stat64 st64;
#else
		struct stat st64;
#define _stat64 stat
#endif
		int a = stat("msnames.tmp", &st), b = fstat(fd, &fst), c = _stat64(".", &st64);

		printf(" stat %d %lld %d %d fstat %d %lld stat64 %d %d", a, (long long)st.st_size,
		       S_ISREG(st.st_mode) != 0, st.st_mtime > 1577836800, b,
		       (long long)fst.st_size, c, S_ISDIR(st64.st_mode) != 0);
	}
	printf(" close %d", _close(fd));
	printf(" unlink %d\n", _unlink("msnames.tmp"));
	{
		lldiv_t q = lldiv(-9000000000001LL, 1000LL);
		fpos_t where;
		FILE *tf = tmpfile();
		int quo = 0;
		double r = remquo(10.0, 3.0, &quo);
		char *loc = setlocale(LC_ALL, "C");

		assert(q.quot == -9000000000LL);
		printf("lldiv %lld %lld scalbn %.1f remquo %.1f %d jn %.6f\n", q.quot, q.rem,
		       scalbn(1.5, 4), r, quo, jn(2, 1.5));
		printf("setlocale %s %s\n", loc ? loc : "(null)",
		       setlocale(LC_NUMERIC, NULL) ? "queried" : "(null)");
		if (!tf)
			return;
		fputs("0123456789", tf);
		fseek(tf, 4, SEEK_SET);
		n = fgetpos(tf, &where);
		fseek(tf, 0, SEEK_END);
		printf("fgetpos %d fsetpos %d", n, fsetpos(tf, &where));
		printf(" then %c\n", fgetc(tf));
		fclose(tf);
	}
	n = _mkdir("msnames.dir");
	printf("mkdir %d", n);
	n = _rmdir("msnames.dir");
	printf(" rmdir %d getpid %d\n", n, _getpid() > 0);
}

int main(void)
{
	char buf[32], small[8], *dup, cwd[4096];
	int keys[6] = { 5, 3, 9, 1, 7, 2 }, dir = -1, n, in_range = 1;
	long long big;
	FILE *f;

	printf("stricmp %d %d %d\n", strcasecmp("Hello", "hELLO") == 0,
	       strcasecmp("abc", "ABD") < 0, strncasecmp("abcX", "ABCy", 3) == 0);
	dup = strdup("duplicate");
	printf("strdup %s\n", dup);
	free(dup);
#ifdef _WIN32
	n = _snprintf(small, sizeof small, "%s", "0123456789");
	printf("_snprintf %d", n);
	printf(" _scprintf %d\n", _scprintf("%s-%d", "abc", 12345));
	n = _snprintf(small, sizeof small, "%d", 42);
	printf("_snprintf fits %d [%s]\n", n, small);
	_putenv("OBJLOAD_CRT_TEST=set");
	qsort_s(keys, 6, sizeof keys[0], by_key, &dir);
	n = strcpy_s(buf, sizeof buf, "abc");
	printf("strcpy_s %d", n);
	n = strcat_s(buf, sizeof buf, "def");
	printf(" strcat_s %d [%s]", n, buf);
	printf(" memcpy_s %d", (int)memcpy_s(small, sizeof small, "xyz", 4));
	n = sprintf_s(buf, sizeof buf, "%d-%s", 7, small);
	printf(" sprintf_s %d [%s]\n", n, buf);
	n = sscanf_s("12 ab", "%d %7s", &dir, buf, (unsigned)sizeof buf);
	printf_s("sscanf_s %d %d %s", n, dir, buf);
	fprintf_s(stdout, " fprintf_s %05.1f\n", 2.5);
	dir = -1;
#else
	n = snprintf(small, sizeof small, "%s", "0123456789");
	printf("_snprintf %d", n >= (int)sizeof small ? -1 : n);
	printf(" _scprintf %d\n", snprintf(NULL, 0, "%s-%d", "abc", 12345));
	n = snprintf(small, sizeof small, "%d", 42);
	printf("_snprintf fits %d [%s]\n", n, small);
	setenv("OBJLOAD_CRT_TEST", "set", 1);
	qsort_r(keys, 6, sizeof keys[0], by_key_r, &dir);
	strcpy(buf, "abc");
	printf("strcpy_s %d", 0);
	strcat(buf, "def");
	printf(" strcat_s %d [%s]", 0, buf);
	memcpy(small, "xyz", 4);
	printf(" memcpy_s %d", 0);
	n = snprintf(buf, sizeof buf, "%d-%s", 7, small);
	printf(" sprintf_s %d [%s]\n", n, buf);
	n = sscanf("12 ab", "%d %7s", &dir, buf);
	printf("sscanf_s %d %d %s", n, dir, buf);
	fprintf(stdout, " fprintf_s %05.1f\n", 2.5);
	dir = -1;
#endif
	printf("getenv %s\n", getenv("OBJLOAD_CRT_TEST") ? getenv("OBJLOAD_CRT_TEST") : "(unset)");
	printf("qsort_s");
	for (int i = 0; i < 6; i++)
		printf(" %d", keys[i]);
	printf("\n");
	big = strtoll("-9000000000000", NULL, 10);
	printf("strtoi64 %lld %llu %lld\n", big, strtoull("18000000000000000000", NULL, 10),
	       atoll("123456789012"));
	printf("fileno %d %d, isatty(stdout file) %d\n", fileno(stdin), fileno(stderr),
	       isatty(fileno(stdin)) == isatty(0));
	printf("access . %d, nonexistent %d\n", access(".", 0),
	       access("/nonexistent/objload", 0));
	printf("getcwd %d\n", getcwd(cwd, sizeof cwd) != NULL && strlen(cwd) > 0);
	printf("hypot %.1f copysign %.1f isnan %d %d finite %d %d\n", hypot(3, 4),
	       copysign(2.0, -0.0), !!isnan_fn(NAN), !!isnan_fn(1.0), !!finite_fn(1.0),
	       !!finite_fn(INFINITY));
	srand(12345);
	for (int i = 0; i < 1000; i++) {
		int r = rand();

		if (r < 0 || r > RAND_MAX)
			in_range = 0;
	}
	printf("rand in range %d, RAND_MAX >= 32767 %d\n", in_range, RAND_MAX >= 32767);
	printf("labs %ld ldiv %ld %ld\n", labs(-123456L), ldiv(-100000L, 7L).quot,
	       ldiv(-100000L, 7L).rem);
	f = tmpfile();
	if (!f)
		return 1;
	fputs("0123456789abcdef", f);
	fseek(f, -6L, SEEK_END);
	n = (int)ftell(f);
	printf("fseek/ftell %d %c", n, fgetc(f));
	fseeko(f, 3, SEEK_SET);
	big = (long long)ftello(f);
	printf(" fseeki64/ftelli64 %lld %c\n", big, fgetc(f));
	fclose(f);
	errno = 0;
	strtol("99999999999999999999", NULL, 10);
	printf("errno ERANGE %d\n", errno == ERANGE);
	more();
	return 0;
}
