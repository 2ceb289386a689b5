/* SPDX-License-Identifier: MIT */
/*
 * SQL driver over the system's libsqlite3.a: an in-memory database, a
 * table of 10,000 rows inserted in one transaction, aggregates with
 * GROUP BY, an index and a query that uses it (checked with EXPLAIN QUERY
 * PLAN), and the JSON functions.  Output is deterministic so the native
 * build (gcc driver.o -lsqlite3 -lm) is the reference.
 */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

static int rows_printed;

static int print_row(void *tag, int n, char **vals, char **cols)
{
	(void)cols;
	printf("%s:", (const char *)tag);
	for (int i = 0; i < n; i++)
		printf(" %s", vals[i] ? vals[i] : "NULL");
	printf("\n");
	rows_printed++;
	return 0;
}

static int exec(sqlite3 *db, const char *tag, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, print_row, (void *)tag, &err) != SQLITE_OK) {
		printf("%s: error: %s\n", tag, err ? err : "?");
		sqlite3_free(err);
		return 1;
	}
	return 0;
}

int main(void)
{
	sqlite3 *db;
	sqlite3_stmt *ins;
	int bad = 0;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		printf("cannot open\n");
		return 2;
	}
	bad |= exec(db, "create",
		    "CREATE TABLE t(id INTEGER PRIMARY KEY, grp TEXT, val INTEGER,"
		    " score REAL, doc TEXT)");
	bad |= exec(db, "begin", "BEGIN");
	if (sqlite3_prepare_v2(db, "INSERT INTO t(grp, val, score, doc) VALUES (?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK) {
		printf("prepare: %s\n", sqlite3_errmsg(db));
		return 2;
	}
	unsigned seed = 12345;
	for (int i = 0; i < 10000; i++) {
		char grp[8], doc[96];

		seed = seed * 1103515245u + 12345u;
		snprintf(grp, sizeof(grp), "g%u", (seed >> 16) % 7);
		snprintf(doc, sizeof(doc), "{\"n\":%d,\"tag\":\"t%u\",\"ok\":%s}",
			 i, (seed >> 8) % 100, i % 3 ? "true" : "false");
		sqlite3_bind_text(ins, 1, grp, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 2, (int)((seed >> 4) % 1000));
		sqlite3_bind_double(ins, 3, (double)(i % 97) / 4.0);
		sqlite3_bind_text(ins, 4, doc, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			printf("insert %d: %s\n", i, sqlite3_errmsg(db));
			return 2;
		}
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	bad |= exec(db, "commit", "COMMIT");
	bad |= exec(db, "count", "SELECT COUNT(*), SUM(val), printf('%.4f', AVG(score)) FROM t");
	bad |= exec(db, "group",
		    "SELECT grp, COUNT(*), SUM(val), printf('%.3f', AVG(val)), MIN(val), MAX(val)"
		    " FROM t GROUP BY grp ORDER BY grp");
	bad |= exec(db, "index", "CREATE INDEX t_val ON t(val)");
	{
		sqlite3_stmt *q;
		int uses = 0;

		sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id FROM t WHERE val = 500", -1, &q, NULL);
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(q, 3);
			if (d && strstr(d, "INDEX t_val"))
				uses = 1;
		}
		sqlite3_finalize(q);
		printf("plan: %s\n", uses ? "uses index t_val" : "does NOT use the index");
	}
	bad |= exec(db, "lookup", "SELECT COUNT(*), SUM(id) FROM t WHERE val BETWEEN 100 AND 110");
	bad |= exec(db, "json",
		    "SELECT json_extract(doc, '$.tag'), json_extract(doc, '$.ok'),"
		    " json_object('id', id, 'grp', grp, 'n', json_extract(doc, '$.n'))"
		    " FROM t WHERE id IN (1, 5000, 10000) ORDER BY id");
	bad |= exec(db, "jsonagg",
		    "SELECT COUNT(*) FROM t WHERE json_extract(doc, '$.ok') = 1");
	bad |= exec(db, "math", "SELECT printf('%.6f', sqrt(2.0) * 1000), round(3.14159, 2)");
	printf("version: %s\n", sqlite3_libversion());
	printf("rows printed: %d\n", rows_printed);
	sqlite3_close(db);
	return bad;
}
