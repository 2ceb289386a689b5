/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
static int cb(void *p, int n, char **v, char **c) { (void)n; (void)c; *(long *)p += v[0] ? atol(v[0]) : 0; return 0; }

int main(void)
{
	sqlite3 *db;
	long sum = 0;
	char *err = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
	sqlite3_exec(db, "CREATE TABLE t(a INTEGER, b TEXT);"
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<1000) "
		"INSERT INTO t SELECT x, printf('row %d', x) FROM c;", NULL, NULL, &err);
	sqlite3_exec(db, "SELECT sum(a) FROM t WHERE b LIKE 'row %';", cb, &sum, &err);
	sqlite3_close(db);
	printf("sum=%ld\n", sum);
	return sum == 500500 ? 0 : 2;
}
