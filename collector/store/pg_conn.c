/* Implementation of pg.h's connection helpers: statements prepared once per connection,
 * parameters, results, and reconnecting between transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/pg.h"

/* Identity and dedupe rely on row locks and unique constraints at READ COMMITTED; every query
 * is a short indexed one, which JIT compilation only slows down. */
#define SESSION_SETUP                                                                              \
    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED;"                   \
    " SET client_min_messages = warning; SET jit = off"

int whb_pg_session_setup(struct pg_store *s)
{
    return whb_pg_exec(s, SESSION_SETUP);
}

int whb_pg_exec(struct pg_store *s, const char *sql)
{
    PGresult *r = PQexec(s->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        whb_log_limited(WHB_LOG_ERROR, "store: %.40s: %s", sql, PQerrorMessage(s->conn));
    PQclear(r);
    return ok ? 0 : WHB_ESTORE;
}

/* A dropped connection (the database restarted, or failed over) is opened again before the
 * next transaction or read, never inside one: statements would then run outside it. */
int whb_pg_reconnect(struct pg_store *s)
{
    if (PQstatus(s->conn) == CONNECTION_OK)
        return 0;
    PQreset(s->conn);
    memset(s->prepared, 0, sizeof(s->prepared));
    if (PQstatus(s->conn) != CONNECTION_OK)
        return WHB_ESTORE;
    whb_log_info("store: reconnected to PostgreSQL");
    return whb_pg_session_setup(s);
}

void whb_pg_int(struct pg_params *p, int64_t v)
{
    snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", (long long)v);
    p->v[p->n] = p->num[p->n];
    p->len[p->n] = p->fmt[p->n] = 0;
    p->n++;
}

void whb_pg_text(struct pg_params *p, const char *v)
{
    p->v[p->n] = v;
    p->len[p->n] = p->fmt[p->n] = 0;
    p->n++;
}

void whb_pg_opt(struct pg_params *p, const char *v)
{
    whb_pg_text(p, v && v[0] ? v : NULL);
}

void whb_pg_bytes(struct pg_params *p, const void *v, size_t len)
{
    p->v[p->n] = v;
    p->len[p->n] = (int)len;
    p->fmt[p->n] = v ? 1 : 0;
    p->n++;
}

int whb_pg_prepare(struct pg_store *s, int id, const char *sql)
{
    if (s->prepared[id])
        return 0;
    char name[16];
    snprintf(name, sizeof(name), "w%d", id);
    PGresult *r = PQprepare(s->conn, name, sql, 0, NULL);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        whb_log_limited(WHB_LOG_ERROR, "store: prepare %s: %s", sql, PQerrorMessage(s->conn));
    PQclear(r);
    if (!ok)
        return WHB_ESTORE;
    s->prepared[id] = 1;
    return 0;
}

PGresult *whb_pg_run(struct pg_store *s, int id, const char *sql, const struct pg_params *p)
{
    PGresult *ahead = s->ahead ? whb_pg_ahead_take(s, id, p) : NULL;
    if (ahead)
        return ahead;
    if ((!s->in_tx && whb_pg_reconnect(s)) || whb_pg_prepare(s, id, sql))
        return NULL;
    char name[16];
    snprintf(name, sizeof(name), "w%d", id);
    PGresult *r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->v : NULL, p ? p->len : NULL,
                                 p ? p->fmt : NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        /* A lost connection or a full disk reaches every report: one line per window. */
        whb_log_limited(WHB_LOG_ERROR, "store: %.80s: %s", sql, PQerrorMessage(s->conn));
        PQclear(r);
        return NULL;
    }
    return r;
}

int whb_pg_cmd(struct pg_store *s, int id, const char *sql, const struct pg_params *p)
{
    PGresult *r = whb_pg_run(s, id, sql, p);
    PQclear(r);
    return r ? 0 : WHB_ESTORE;
}

int64_t whb_pg_get_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void whb_pg_get_text(const PGresult *r, int row, int col, char *out, size_t len)
{
    snprintf(out, len, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

int whb_pg_is_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col);
}
