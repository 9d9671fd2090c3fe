/* Implementation of the read-ahead of pg.h: statements queued with their parameters, sent in
 * libpq's pipeline mode (one round trip for all), each answer kept under the statement and its
 * parameters' bytes until whb_pg_run asks for exactly that once. A key that differs in any byte
 * is not served: a read-ahead can only save a round trip, never change an answer. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hash.h"
#include "log.h"
#include "store/pg.h"

struct ahead_entry {
    unsigned char *key; /* id, then each parameter: fmt, len (-1: NULL), bytes, NUL */
    size_t keylen;
    uint64_t hash;
    PGresult *r; /* the answer, until taken */
};

struct pg_ahead {
    struct ahead_entry *e;
    size_t n, cap;
    size_t *index; /* open addressing over e: slot holds entry + 1, 0 is empty */
    size_t nindex;
};

static int put_bytes(unsigned char **buf, size_t *len, size_t *cap, const void *v, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        while (c < *len + n)
            c *= 2;
        unsigned char *b = realloc(*buf, c);
        if (!b)
            return WHB_ENOMEM;
        *buf = b;
        *cap = c;
    }
    if (n)
        memcpy(*buf + *len, v, n);
    *len += n;
    return 0;
}

/* The key of statement id with parameters p: the same statement and bytes, the same key. */
static unsigned char *make_key(int id, const struct pg_params *p, size_t *keylen)
{
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    int n = p ? p->n : 0, rc = put_bytes(&buf, &len, &cap, &id, sizeof(id));
    rc = rc ? rc : put_bytes(&buf, &len, &cap, &n, sizeof(n));
    for (int i = 0; i < n && !rc; i++) {
        int fmt = p->fmt[i];
        int32_t vlen = !p->v[i] ? -1 : fmt ? p->len[i] : (int32_t)strlen(p->v[i]);
        rc = put_bytes(&buf, &len, &cap, &fmt, sizeof(fmt));
        rc = rc ? rc : put_bytes(&buf, &len, &cap, &vlen, sizeof(vlen));
        if (vlen >= 0 && !rc)
            rc = put_bytes(&buf, &len, &cap, p->v[i], (size_t)vlen + 1 - (size_t)fmt);
        if (fmt && vlen >= 0 && !rc)
            rc = put_bytes(&buf, &len, &cap, "", 1);
    }
    if (rc) {
        free(buf);
        return NULL;
    }
    *keylen = len;
    return buf;
}

static size_t *find_slot(struct pg_ahead *a, const unsigned char *key, size_t len, uint64_t h)
{
    if (!a->nindex)
        return NULL;
    for (size_t i = h & (a->nindex - 1);; i = (i + 1) & (a->nindex - 1)) {
        size_t at = a->index[i];
        if (!at)
            return &a->index[i];
        const struct ahead_entry *e = &a->e[at - 1];
        if (e->hash == h && e->keylen == len && memcmp(e->key, key, len) == 0)
            return &a->index[i];
    }
}

static int grow(struct pg_ahead *a)
{
    if (a->n < a->cap && (a->n + 1) * 2 <= a->nindex)
        return 0;
    size_t cap = a->cap ? a->cap * 2 : 64;
    struct ahead_entry *e = realloc(a->e, cap * sizeof(*e));
    if (!e)
        return WHB_ENOMEM;
    a->e = e;
    a->cap = cap;
    size_t *index = calloc(cap * 2, sizeof(*index));
    if (!index)
        return WHB_ENOMEM;
    free(a->index);
    a->index = index;
    a->nindex = cap * 2;
    for (size_t i = 0; i < a->n; i++)
        *find_slot(a, a->e[i].key, a->e[i].keylen, a->e[i].hash) = i + 1;
    return 0;
}

int whb_pg_ahead_add(struct pg_store *s, int id, const char *sql, const struct pg_params *p)
{
    if (!s->ahead && !(s->ahead = calloc(1, sizeof(*s->ahead))))
        return WHB_ENOMEM;
    struct pg_ahead *a = s->ahead;
    /* Prepared now, outside the pipeline (sql may be the caller's buffer). */
    if (s->in_tx || whb_pg_reconnect(s) || whb_pg_prepare(s, id, sql))
        return WHB_ESTORE;
    size_t len = 0;
    unsigned char *key = make_key(id, p, &len);
    if (!key || grow(a)) {
        free(key);
        return WHB_ENOMEM;
    }
    uint64_t h = whb_fnv1a(WHB_FNV1A_INIT, key, len);
    size_t *slot = find_slot(a, key, len, h);
    if (*slot) { /* asked twice: the first asker is served, the second reads for itself */
        free(key);
        return 0;
    }
    a->e[a->n] = (struct ahead_entry){key, len, h, NULL};
    *slot = ++a->n;
    return 0;
}

/* The parameters stored in a key, pointing into it. */
static int key_params(const unsigned char *key, int *id, struct pg_params *p)
{
    size_t at = 0;
    memcpy(id, key, sizeof(*id));
    at += sizeof(*id);
    memcpy(&p->n, key + at, sizeof(p->n));
    at += sizeof(p->n);
    for (int i = 0; i < p->n; i++) {
        int32_t vlen;
        memcpy(&p->fmt[i], key + at, sizeof(p->fmt[i]));
        at += sizeof(p->fmt[i]);
        memcpy(&vlen, key + at, sizeof(vlen));
        at += sizeof(vlen);
        p->v[i] = vlen < 0 ? NULL : (const char *)key + at;
        p->len[i] = vlen < 0 ? 0 : vlen;
        if (vlen >= 0)
            at += (size_t)vlen + 1;
    }
    return 0;
}

/* A connection left mid-pipeline is of no use to the next statement: opened again. */
static int start_over(struct pg_store *s)
{
    whb_log_limited(WHB_LOG_ERROR, "store: read-ahead: %s", PQerrorMessage(s->conn));
    PQreset(s->conn);
    memset(s->prepared, 0, sizeof(s->prepared));
    if (PQstatus(s->conn) == CONNECTION_OK)
        whb_pg_session_setup(s);
    return WHB_ESTORE;
}

/* Sends every queued statement and reads its answer. Non-blocking while sending: the server's
 * answers are read as they come, so neither side waits on a full socket. */
static int pipeline(struct pg_store *s, struct pg_ahead *a)
{
    PGconn *c = s->conn;
    if (PQenterPipelineMode(c) != 1)
        return start_over(s);
    int ok = PQsetnonblocking(c, 1) == 0;
    for (size_t i = 0; i < a->n && ok; i++) {
        struct pg_params p;
        int id;
        char name[16];
        key_params(a->e[i].key, &id, &p);
        snprintf(name, sizeof(name), "w%d", id);
        ok = PQsendQueryPrepared(c, name, p.n, p.v, p.len, p.fmt, 0);
    }
    ok = ok && PQpipelineSync(c);
    int flushing;
    while (ok && (flushing = PQflush(c)) != 0) {
        struct pollfd fd = {PQsocket(c), POLLIN | POLLOUT, 0};
        ok = flushing > 0 && poll(&fd, 1, 30000) > 0 &&
             (!(fd.revents & POLLIN) || PQconsumeInput(c));
    }
    PQsetnonblocking(c, 0);
    if (!ok)
        return start_over(s);
    /* Each statement's answer, then its end (NULL); at last the sync. A failed statement
     * aborts the rest, which whb_pg_run then reads as if never queued. */
    for (size_t i = 0; i < a->n; i++) {
        PGresult *r = PQgetResult(c);
        if (!r)
            break;
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            a->e[i].r = r;
            s->base.ahead_read++;
        } else
            PQclear(r);
        while ((r = PQgetResult(c)))
            PQclear(r);
    }
    PGresult *r;
    while ((r = PQgetResult(c)) && PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        PQclear(r);
    PQclear(r);
    return PQexitPipelineMode(c) == 1 ? 0 : start_over(s);
}

int whb_pg_ahead_send(struct pg_store *s)
{
    struct pg_ahead *a = s->ahead;
    return a && a->n ? pipeline(s, a) : 0;
}

PGresult *whb_pg_ahead_take(struct pg_store *s, int id, const struct pg_params *p)
{
    struct pg_ahead *a = s->ahead;
    if (!a || !a->n)
        return NULL;
    size_t len = 0;
    unsigned char *key = make_key(id, p, &len);
    if (!key)
        return NULL;
    size_t *slot = find_slot(a, key, len, whb_fnv1a(WHB_FNV1A_INIT, key, len));
    free(key);
    if (!*slot || !a->e[*slot - 1].r)
        return NULL;
    PGresult *r = a->e[*slot - 1].r;
    a->e[*slot - 1].r = NULL; /* once: the asker owns it */
    s->base.ahead_served++;
    return r;
}

void whb_pg_ahead_clear(struct pg_store *s)
{
    struct pg_ahead *a = s->ahead;
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        PQclear(a->e[i].r);
        free(a->e[i].key);
    }
    a->n = 0;
    if (a->index)
        memset(a->index, 0, a->nindex * sizeof(*a->index));
}

void whb_pg_ahead_free(struct pg_store *s)
{
    whb_pg_ahead_clear(s);
    if (s->ahead) {
        free(s->ahead->e);
        free(s->ahead->index);
        free(s->ahead);
        s->ahead = NULL;
    }
}
