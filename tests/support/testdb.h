/* The tests' view of a store's database, whichever backend runs it: the SQLite file, or the
 * PostgreSQL database named by WHB_TEST_PG_CONNINFO (tests/support/pg.sh, with-pg.sh). */
#ifndef WHB_TEST_TESTDB_H
#define WHB_TEST_TESTDB_H

/* The conninfo when the tests run on PostgreSQL, else NULL. */
const char *testdb_pg(void);

/* Empties the PostgreSQL database (a fresh store); 0 on success. No-op on SQLite. */
int testdb_reset(void);

/* The first column of the first row of sql, as a number (-1 when there is none). */
long long testdb_count(const char *sqlite_path, const char *sql);

/* Runs a statement; 0 on success. */
int testdb_exec(const char *sqlite_path, const char *sql);

/* Holds the store's write lock from outside (another writer), until testdb_unlock. */
void *testdb_lock(const char *sqlite_path);
void testdb_unlock(void *lock);

#endif
