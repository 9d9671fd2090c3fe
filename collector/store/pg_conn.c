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
    if ((s->gather || s->piped) && whb_pg_drain(s, NULL, NULL, NULL, 0))
        return WHB_ESTORE;
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
    s->piped = 0;
    s->n_queued = 0;
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
    /* A statement that needs its answer: what is gathered and in the pipeline goes first. */
    if ((s->gather || s->piped) && whb_pg_drain(s, NULL, NULL, NULL, 0))
        return NULL;
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

static int drain(struct pg_store *s, void (*each)(void *arg, int id, const PGresult *r), void *arg,
                 char *status, size_t len);

static int enter_pipeline(struct pg_store *s)
{
    if (s->piped)
        return 0;
    if (PQenterPipelineMode(s->conn) != 1) {
        whb_log_limited(WHB_LOG_ERROR, "store: pipeline: %s", PQerrorMessage(s->conn));
        return WHB_ESTORE;
    }
    s->piped = 1;
    return 0;
}

/* Results are read only at the end: a long pipeline is read out now and then, so that
 * neither side's socket buffer fills while the other waits. */
static int room(struct pg_store *s)
{
    if (s->n_queued + 2 <= WHB_PG_PIPE_MAX)
        return 0;
    return drain(s, NULL, NULL, NULL, 0) || enter_pipeline(s);
}

int whb_pg_queue(struct pg_store *s, int id, const char *sql, const struct pg_params *p)
{
    char name[16];
    if (!s->in_tx)
        return whb_pg_cmd(s, id, sql, p);
    if (enter_pipeline(s) || room(s))
        return WHB_ESTORE;
    snprintf(name, sizeof(name), "w%d", id);
    if (!s->prepared[id]) {
        if (PQsendPrepare(s->conn, name, sql, 0, NULL) != 1)
            goto fail;
        s->prepared[id] = 1; /* undone by drain if it failed */
        s->queued[s->n_queued++] = -2 - id;
    }
    if (PQsendQueryPrepared(s->conn, name, p ? p->n : 0, p ? p->v : NULL, p ? p->len : NULL,
                            p ? p->fmt : NULL, 0) != 1)
        goto fail;
    s->queued[s->n_queued++] = id;
    return 0;
fail:
    whb_log_limited(WHB_LOG_ERROR, "store: %.80s: %s", sql, PQerrorMessage(s->conn));
    return WHB_ESTORE;
}

int whb_pg_queue_text(struct pg_store *s, const char *sql)
{
    if (enter_pipeline(s) || room(s))
        return WHB_ESTORE;
    if (PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1) {
        whb_log_limited(WHB_LOG_ERROR, "store: %.40s: %s", sql, PQerrorMessage(s->conn));
        return WHB_ESTORE;
    }
    s->queued[s->n_queued++] = -1;
    return 0;
}

/* One queued statement's result: 1 when it failed (a prepare that failed is undone). */
static int take(struct pg_store *s, int q, PGresult *r, void (*each)(void *, int, const PGresult *),
                void *arg, char *status, size_t len)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (each && q >= -1)
            each(arg, q, r);
        if (status)
            snprintf(status, len, "%s", PQcmdStatus(r));
        return 0;
    }
    /* The first failure says why; the rest of the pipeline was skipped for it. */
    if (st != PGRES_PIPELINE_ABORTED)
        whb_log_limited(WHB_LOG_ERROR, "store: pipeline: %s", PQresultErrorMessage(r));
    if (q <= -2)
        s->prepared[-2 - q] = 0;
    return 1;
}

static int drain(struct pg_store *s, void (*each)(void *arg, int id, const PGresult *r), void *arg,
                 char *status, size_t len)
{
    int failed = 0, broken = 0;
    if (!s->piped)
        return 0;
    if (s->n_queued) {
        broken = PQpipelineSync(s->conn) != 1;
        for (unsigned i = 0; !broken && i < s->n_queued; i++) {
            PGresult *r = PQgetResult(s->conn);
            if (!r) {
                broken = 1;
                break;
            }
            failed |= take(s, s->queued[i], r, each, arg, status, len);
            PQclear(r);
            /* Each statement's results end with a NULL. */
            while ((r = PQgetResult(s->conn)))
                PQclear(r);
        }
        if (!broken) {
            PGresult *r = PQgetResult(s->conn);
            broken = PQresultStatus(r) != PGRES_PIPELINE_SYNC;
            PQclear(r);
        }
    }
    s->n_queued = 0;
    if (broken || PQexitPipelineMode(s->conn) != 1) {
        /* Out of step with the server: a fresh connection, the transaction lost with it. */
        whb_log_limited(WHB_LOG_ERROR, "store: pipeline: %s", PQerrorMessage(s->conn));
        PQreset(s->conn);
        memset(s->prepared, 0, sizeof(s->prepared));
        s->piped = 0;
        if (PQstatus(s->conn) == CONNECTION_OK)
            whb_pg_session_setup(s);
        return WHB_ESTORE;
    }
    s->piped = 0;
    return failed ? WHB_ESTORE : 0;
}

int whb_pg_drain(struct pg_store *s, void (*each)(void *arg, int id, const PGresult *r), void *arg,
                 char *status, size_t len)
{
    /* What the batch gathered goes before what waits for the results. */
    if (whb_pg_batch_flush(s)) {
        drain(s, NULL, NULL, NULL, 0);
        return WHB_ESTORE;
    }
    return drain(s, each, arg, status, len);
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
