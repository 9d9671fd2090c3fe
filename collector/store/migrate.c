/* whb-collector migrate --from sqlite:PATH --to postgresql://...: both stores are brought to
 * the current schema by their own backends, then every SQLite table is streamed into its
 * PostgreSQL twin with COPY, all in one transaction: the target has everything or nothing.
 * A target that already holds data is refused (no merge of two fleets' histories). */
#include "store/migrate.h"

#include <getopt.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/store.h"

/* Appends v to a COPY text row, escaped (backslash, tab, newline, carriage return). */
static int put_field(char **buf, size_t *len, size_t *cap, const char *v, size_t n, int first)
{
    if (*len + 2 * n + 8 > *cap) {
        size_t want = (*len + 2 * n + 8) * 2;
        char *p = realloc(*buf, want);
        if (!p)
            return WHB_ENOMEM;
        *buf = p;
        *cap = want;
    }
    if (!first)
        (*buf)[(*len)++] = '\t';
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        const char *esc = c == '\\'   ? "\\\\"
                          : c == '\t' ? "\\t"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                                      : NULL;
        if (esc) {
            memcpy(*buf + *len, esc, 2);
            *len += 2;
        } else
            (*buf)[(*len)++] = c;
    }
    return 0;
}

static int copy_table(sqlite3 *db, PGconn *pg, const char *table, long long *rows, char *why,
                      size_t whylen)
{
    char sql[160], cols[2048] = ""; /* machines has some sixty columns */
    sqlite3_stmt *st = NULL;
    char *buf = NULL, hex[2 * 4096 + 4];
    size_t cap = 0;
    int rc = WHB_ESTORE;
    PGresult *r = NULL;
    *rows = 0;
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
        snprintf(why, whylen, "%s: %s", table, sqlite3_errmsg(db));
        goto out;
    }
    int ncol = sqlite3_column_count(st);
    for (int i = 0; i < ncol; i++) {
        size_t used = strlen(cols);
        snprintf(cols + used, sizeof(cols) - used, "%s%s", i ? "," : "",
                 sqlite3_column_name(st, i));
    }
    snprintf(sql, sizeof(sql), "COPY \"%s\"(", table);
    char copy[sizeof(cols) + 200];
    snprintf(copy, sizeof(copy), "%s%s) FROM STDIN", sql, cols);
    r = PQexec(pg, copy);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        snprintf(why, whylen, "%s: %s", table, PQerrorMessage(pg));
        goto out;
    }
    PQclear(r);
    r = NULL;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t len = 0;
        for (int i = 0; i < ncol; i++) {
            int type = sqlite3_column_type(st, i);
            const char *v;
            size_t n;
            if (type == SQLITE_NULL) {
                v = "\\N";
                n = 2;
                /* \N must not be escaped: write it directly. */
                if (put_field(&buf, &len, &cap, "", 0, i == 0))
                    goto out;
                memcpy(buf + len, v, n);
                len += n;
                continue;
            }
            if (type == SQLITE_BLOB) {
                /* bytea's hex form; snapshots are far below 4 KiB (max_body caps reports). */
                const unsigned char *b = sqlite3_column_blob(st, i);
                int bn = sqlite3_column_bytes(st, i);
                if (bn > 4096) {
                    snprintf(why, whylen, "%s: a value of %d bytes is too large", table, bn);
                    goto out;
                }
                n = (size_t)snprintf(hex, sizeof(hex), "\\x");
                for (int k = 0; k < bn; k++)
                    n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02x", b[k]);
                v = hex;
            } else {
                v = (const char *)sqlite3_column_text(st, i);
                n = (size_t)sqlite3_column_bytes(st, i);
            }
            if (put_field(&buf, &len, &cap, v, n, i == 0))
                goto out;
        }
        if (put_field(&buf, &len, &cap, "\n", 0, 1))
            goto out;
        buf[len++] = '\n';
        if (PQputCopyData(pg, buf, (int)len) != 1) {
            snprintf(why, whylen, "%s: %s", table, PQerrorMessage(pg));
            goto out;
        }
        (*rows)++;
    }
    if (step != SQLITE_DONE) {
        snprintf(why, whylen, "%s: %s", table, sqlite3_errmsg(db));
        PQputCopyEnd(pg, "source read failed");
        goto out;
    }
    if (PQputCopyEnd(pg, NULL) != 1 || PQresultStatus(r = PQgetResult(pg)) != PGRES_COMMAND_OK) {
        snprintf(why, whylen, "%s: %s", table, PQerrorMessage(pg));
        goto out;
    }
    rc = 0;
out:
    PQclear(r);
    while (rc && (r = PQgetResult(pg)))
        PQclear(r);
    sqlite3_finalize(st);
    free(buf);
    return rc;
}

static long long pg_count(PGconn *pg, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
    PGresult *r = PQexec(pg, sql);
    long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return n;
}

int whb_store_migrate(const char *sqlite_path, const char *conninfo, char *why, size_t whylen)
{
    struct whb_store *src = NULL, *dst = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *tables = NULL;
    PGconn *pg = NULL;
    int rc = WHB_ESTORE;
    FILE *exists = fopen(sqlite_path, "r");
    if (!exists) {
        snprintf(why, whylen, "%s: no such store", sqlite_path);
        return WHB_EINVAL;
    }
    fclose(exists);
    /* Each backend brings its own side to the current schema. */
    if ((rc = whb_store_sqlite.open(sqlite_path, &src, why, whylen)) ||
        (rc = whb_store_postgresql.open(conninfo, &dst, why, whylen)))
        goto out;
    rc = WHB_ESTORE;
    if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) ||
        sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND"
                           " name NOT LIKE 'sqlite_%' AND name NOT IN ('machine_info',"
                           " 'machine_live') ORDER BY name",
                           -1, &tables, NULL)) {
        snprintf(why, whylen, "%s: %s", sqlite_path, db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    pg = PQconnectdb(conninfo);
    PGresult *r = PQexec(pg, "BEGIN ISOLATION LEVEL SERIALIZABLE");
    int begun = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!begun) {
        snprintf(why, whylen, "postgresql: %s", PQerrorMessage(pg));
        goto out;
    }
    /* SQLite's machines is a view of two tables (schema 12), PostgreSQL's one table: the view
     * is copied, its tables are not. The SQLite file is read in one transaction too: a
     * consistent copy of a live store. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        long long n, before = pg_count(pg, t);
        if (before != 0) {
            snprintf(why, whylen,
                     before > 0 ? "the target's table %s already holds %lld rows: migrate copies "
                                  "into an empty database only (drop and recreate it to retry)"
                                : "the target has no table %s%.0lld",
                     t, before);
            rc = WHB_EINVAL;
            goto out;
        }
        if (copy_table(db, pg, t, &n, why, whylen))
            goto out;
        printf("  %-16s %lld rows\n", t, n);
    }
    /* Tables PostgreSQL alone has: the due index's (schema.c's step 12). */
    r = PQexec(pg, "INSERT INTO machine_due SELECT machine_id, due_at FROM machines");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(why, whylen, "postgresql: machine_due: %s", PQerrorMessage(pg));
        PQclear(r);
        goto out;
    }
    PQclear(r);
    r = PQexec(pg, "COMMIT");
    rc =
        PQresultStatus(r) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(r), "COMMIT") ? 0 : WHB_ESTORE;
    if (rc)
        snprintf(why, whylen, "postgresql: COMMIT: %s", PQerrorMessage(pg));
    PQclear(r);
out:
    if (pg && rc)
        PQclear(PQexec(pg, "ROLLBACK"));
    PQfinish(pg);
    sqlite3_finalize(tables);
    sqlite3_close(db);
    if (src)
        src->ops->close(src);
    if (dst)
        dst->ops->close(dst);
    return rc;
}

static const char migrate_usage[] =
    "usage: whb-collector migrate --from sqlite:PATH --to CONNINFO\n"
    "\n"
    "Copies a SQLite store (every table) into an empty PostgreSQL database, in one\n"
    "transaction. CONNINFO is a libpq conninfo or postgresql:// URL without a password\n"
    "(passfile=FILE or PGPASSFILE). Stop the collector first, or copy a backup.\n";

int whb_store_migrate_main(int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *from = NULL, *to = NULL;
    char why[512];
    int c;
    whb_log_init("whb-collector", 0, WHB_LOG_WARN);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'f')
            from = optarg;
        else if (c == 't')
            to = optarg;
        else {
            fputs(migrate_usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (!from || !to || optind < argc || strncmp(from, "sqlite:", 7)) {
        fputs(migrate_usage, stderr);
        return 2;
    }
    if (whb_config_conninfo_check(to, why, sizeof(why))) {
        fprintf(stderr, "whb-collector migrate: %s\n", why);
        return 2;
    }
    printf("migrating %s to PostgreSQL\n", from + 7);
    int rc = whb_store_migrate(from + 7, to, why, sizeof(why));
    if (rc) {
        fprintf(stderr, "whb-collector migrate: %s\n", why);
        return rc == WHB_EINVAL ? 2 : 1;
    }
    printf("done: the target holds a copy; set [store] backend = postgresql\n");
    return 0;
}
