/* Implementation of testdb.h. */
#include "testdb.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

const char *testdb_pg(void)
{
    const char *c = getenv("WHB_TEST_PG_CONNINFO");
    return c && c[0] ? c : NULL;
}

static PGresult *pg_exec(const char *sql, int *ok)
{
    PGconn *conn = PQconnectdb(testdb_pg());
    PGresult *r = NULL;
    *ok = 0;
    if (PQstatus(conn) == CONNECTION_OK) {
        r = PQexec(conn, sql);
        *ok = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!*ok)
            fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(conn));
    } else
        fprintf(stderr, "testdb: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return r;
}

int testdb_reset(void)
{
    int ok = 1;
    if (testdb_pg())
        PQclear(pg_exec("SET client_min_messages = warning; DROP SCHEMA public CASCADE;"
                        " CREATE SCHEMA public",
                        &ok));
    return ok ? 0 : -1;
}

long long testdb_count(const char *sqlite_path, const char *sql)
{
    long long n = -1;
    if (testdb_pg()) {
        int ok;
        PGresult *r = pg_exec(sql, &ok);
        if (ok && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
            const char *v = PQgetvalue(r, 0, 0);
            n = v[0] == 't' ? 1 : v[0] == 'f' ? 0 : strtoll(v, NULL, 10);
        }
        PQclear(r);
        return n;
    }
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open(sqlite_path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int testdb_exec(const char *sqlite_path, const char *sql)
{
    if (testdb_pg()) {
        int ok;
        PQclear(pg_exec(sql, &ok));
        return ok ? 0 : -1;
    }
    sqlite3 *db;
    int rc = sqlite3_open(sqlite_path, &db) == SQLITE_OK &&
             sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return rc ? 0 : -1;
}

void *testdb_lock(const char *sqlite_path)
{
    if (testdb_pg()) {
        /* Blocks the collector's SELECT ... FOR UPDATE and inserts; reads go on. */
        PGconn *conn = PQconnectdb(testdb_pg());
        PGresult *r = PQexec(conn, "BEGIN; LOCK TABLE machines IN EXCLUSIVE MODE");
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            PQfinish(conn);
            return NULL;
        }
        return conn;
    }
    sqlite3 *db;
    if (sqlite3_open(sqlite_path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void testdb_unlock(void *lock)
{
    if (!lock)
        return;
    if (testdb_pg()) {
        PQclear(PQexec(lock, "COMMIT"));
        PQfinish(lock);
        return;
    }
    sqlite3_exec(lock, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(lock);
}
