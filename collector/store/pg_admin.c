/* The PostgreSQL store's side of machines' identities over their lives (issue 22), as
 * sqlite_admin.c: keys looked up before a body is decoded, refusals recorded for `whb why`,
 * enrollments to review, a binding released for a reimaged machine, a machine forgotten, WSUS's
 * list as the enrollment rule reads it, and the oldest events pruned past a machine's quota. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/logic.h"
#include "store/pg.h"

enum pg_admin {
    PA_KEY_KNOWN = WHB_PG_ADMIN_BASE,
    PA_REFUSE,
    PA_REFUSALS,
    PA_WSUS_LISTED,
    PA_REBIND,
    PA_DROP_EVENTS,
    PA_DROP_GAPS,
    PA_DROP_IPS,
    PA_DROP_REFUSALS,
    PA_DROP_MACHINE,
    PA_PRUNE,
    PA_ENROLLMENTS_NEW,
    PA_ENROLLMENTS_ALL,
    PA_GET_KEY,
    PA_ACCEPT,
    PA_RELEASE,
    PA_ACCEPT_ALL,
    PA_END_
};

_Static_assert((int)PA_END_ <= (int)WHB_PG_SWITCH_BASE, "admin statements overlap switch ones");

#define A(id) [(id)-WHB_PG_ADMIN_BASE]
#define ENROLLMENT_COLS                                                                            \
    "machine_id, fqdn, first_seen, last_seen, reviewed_ms, released_ms,"                           \
    " coalesce(enrolled_from, ''), (key_hash IS NOT NULL)::int, EXISTS(SELECT 1 FROM"              \
    " wsus_computers w WHERE w.fqdn = machines.fqdn OR w.fqdn = (machines.fqdn::text ||"           \
    " '.')::citext)::int"

static const char *const admin_sql[PA_END_ - WHB_PG_ADMIN_BASE] = {
    A(PA_KEY_KNOWN) = "SELECT 1 FROM machines WHERE key_hash = $1 LIMIT 1",
    A(PA_REFUSE) = "INSERT INTO refusals(machine_id, cause, count, first_ms, last_ms, claimant,"
                   " source) VALUES($1, $2, 1, $5, $5, $3, $4)"
                   " ON CONFLICT(machine_id, cause) DO UPDATE SET count = refusals.count + 1,"
                   " last_ms = excluded.last_ms, claimant = excluded.claimant,"
                   " source = excluded.source",
    A(PA_REFUSALS) = "SELECT cause, count, first_ms, last_ms, coalesce(claimant, ''),"
                     " coalesce(source, '') FROM refusals WHERE machine_id = $1"
                     " ORDER BY last_ms DESC LIMIT $2",
    A(PA_WSUS_LISTED) = "SELECT coalesce(ip, '') FROM wsus_computers WHERE fqdn = $1::citext OR"
                        " fqdn = ($1::text || '.')::citext LIMIT 1",
    A(PA_REBIND) = "UPDATE machines SET key_hash = $2, released_ms = 0, reviewed_ms = 0,"
                   " enrolled_from = $3 WHERE machine_id = $1",
    A(PA_DROP_EVENTS) = "DELETE FROM events WHERE machine_id = $1",
    A(PA_DROP_GAPS) = "DELETE FROM gaps WHERE machine_id = $1",
    A(PA_DROP_IPS) = "DELETE FROM machine_ips WHERE machine_id = $1",
    A(PA_DROP_REFUSALS) = "DELETE FROM refusals WHERE machine_id = $1",
    A(PA_DROP_MACHINE) = "DELETE FROM machines WHERE machine_id = $1",
    /* The events_time index (machine_id, at_ms) serves both the bound and the delete. */
    A(PA_PRUNE) = "DELETE FROM events WHERE machine_id = $1 AND at_ms <= (SELECT at_ms FROM events"
                  " WHERE machine_id = $1 ORDER BY at_ms LIMIT 1 OFFSET $2::bigint - 1)",
    A(PA_ENROLLMENTS_NEW) = "SELECT " ENROLLMENT_COLS " FROM machines WHERE reviewed_ms = 0"
                            " ORDER BY first_seen DESC LIMIT $1",
    A(PA_ENROLLMENTS_ALL) = "SELECT " ENROLLMENT_COLS " FROM machines"
                            " ORDER BY first_seen DESC LIMIT $1",
    A(PA_GET_KEY) = "SELECT key_hash FROM machines WHERE machine_id = $1 FOR UPDATE",
    A(PA_ACCEPT) = "UPDATE machines SET reviewed_ms = $2 WHERE machine_id = $1",
    A(PA_RELEASE) = "UPDATE machines SET key_hash = NULL, released_ms = $2 WHERE machine_id = $1",
    A(PA_ACCEPT_ALL) = "UPDATE machines SET reviewed_ms = $1 WHERE reviewed_ms = 0",
};

static PGresult *run(struct pg_store *s, int id, const struct pg_params *p)
{
    return whb_pg_run(s, id, admin_sql[id - WHB_PG_ADMIN_BASE], p);
}

static int cmd(struct pg_store *s, int id, const struct pg_params *p)
{
    return whb_pg_cmd(s, id, admin_sql[id - WHB_PG_ADMIN_BASE], p);
}

int whb_pg_key_known(struct whb_store *base, const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    struct pg_params p = {0};
    whb_pg_bytes(&p, hash, WHB_IDENTITY_HASH_LEN);
    PGresult *r = run((struct pg_store *)base, PA_KEY_KNOWN, &p);
    if (!r)
        return WHB_ESTORE;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

int whb_pg_refuse(void *ctx, const char *owner_id, const char *cause, const char *claimant,
                  const char *source, int64_t now)
{
    struct pg_params p = {0};
    whb_pg_text(&p, owner_id);
    whb_pg_text(&p, cause);
    whb_pg_text(&p, claimant);
    whb_pg_text(&p, source);
    whb_pg_int(&p, now);
    return cmd(ctx, PA_REFUSE, &p);
}

/* Built in one place for the run and its read-ahead: the same bytes. */
static void refusals_params(struct pg_params *p, const char *machine_id, int max)
{
    whb_pg_text(p, machine_id);
    whb_pg_int(p, max);
}

int whb_pg_ahead_refusals(struct pg_store *s, const struct whb_read_ahead *r)
{
    if (!r->refusals_max)
        return 0;
    struct pg_params p = {0};
    refusals_params(&p, r->m->machine_id, r->refusals_max);
    return whb_pg_ahead_add(s, PA_REFUSALS, admin_sql[PA_REFUSALS - WHB_PG_ADMIN_BASE], &p);
}

int whb_pg_refusals(struct whb_store *base, const char *machine_id, struct whb_store_refusal *out,
                    int max, int *n)
{
    struct pg_params p = {0};
    *n = 0;
    refusals_params(&p, machine_id, max);
    PGresult *r = run((struct pg_store *)base, PA_REFUSALS, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        struct whb_store_refusal *x = &out[(*n)++];
        whb_pg_get_text(r, i, 0, x->cause, sizeof(x->cause));
        x->count = (uint64_t)whb_pg_get_int(r, i, 1);
        x->first_ms = whb_pg_get_int(r, i, 2);
        x->last_ms = whb_pg_get_int(r, i, 3);
        whb_pg_get_text(r, i, 4, x->claimant, sizeof(x->claimant));
        whb_pg_get_text(r, i, 5, x->source, sizeof(x->source));
    }
    PQclear(r);
    return 0;
}

int whb_pg_wsus_listed(void *ctx, const char *fqdn, int *listed, char *ip, size_t iplen)
{
    struct pg_params p = {0};
    char raw[64];
    *listed = 0;
    ip[0] = '\0';
    whb_pg_text(&p, fqdn);
    PGresult *r = run(ctx, PA_WSUS_LISTED, &p);
    if (!r)
        return WHB_ESTORE;
    if (PQntuples(r) > 0) {
        *listed = 1;
        whb_pg_get_text(r, 0, 0, raw, sizeof(raw));
        if (whb_store_canonical_ip(raw, ip, iplen))
            ip[0] = '\0';
    }
    PQclear(r);
    return 0;
}

int whb_pg_rebind(void *ctx, const struct whb_store_report *in)
{
    struct pg_params p = {0};
    whb_pg_text(&p, in->report->machine->machine_id);
    whb_pg_bytes(&p, in->key_hash, WHB_IDENTITY_HASH_LEN);
    whb_pg_opt(&p, in->source_ip);
    return cmd(ctx, PA_REBIND, &p);
}

int whb_pg_drop(void *ctx, const char *machine_id)
{
    static const int order[] = {PA_DROP_EVENTS, PA_DROP_GAPS, PA_DROP_IPS, PA_DROP_REFUSALS,
                                PA_DROP_MACHINE};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        struct pg_params p = {0};
        whb_pg_text(&p, machine_id);
        if (cmd(ctx, order[i], &p))
            return WHB_ESTORE;
    }
    return 0;
}

int64_t whb_pg_prune(void *ctx, const char *machine_id, int64_t count)
{
    struct pg_params p = {0};
    whb_pg_text(&p, machine_id);
    whb_pg_int(&p, count);
    PGresult *r = run(ctx, PA_PRUNE, &p);
    if (!r)
        return WHB_ESTORE;
    int64_t gone = atoll(PQcmdTuples(r));
    PQclear(r);
    return gone;
}

int whb_pg_enrollments(struct whb_store *base, int all, unsigned limit, whb_store_enrollment_fn fn,
                       void *arg)
{
    struct pg_params p = {0};
    whb_pg_int(&p, limit ? (int64_t)limit : INT64_MAX);
    PGresult *r = run((struct pg_store *)base, all ? PA_ENROLLMENTS_ALL : PA_ENROLLMENTS_NEW, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++) {
        struct whb_store_enrollment e;
        memset(&e, 0, sizeof(e));
        whb_pg_get_text(r, i, 0, e.machine_id, sizeof(e.machine_id));
        whb_pg_get_text(r, i, 1, e.fqdn, sizeof(e.fqdn));
        e.first_seen_ms = whb_pg_get_int(r, i, 2);
        e.last_seen_ms = whb_pg_get_int(r, i, 3);
        e.reviewed_ms = whb_pg_get_int(r, i, 4);
        e.released_ms = whb_pg_get_int(r, i, 5);
        whb_pg_get_text(r, i, 6, e.enrolled_from, sizeof(e.enrolled_from));
        e.keyed = (int)whb_pg_get_int(r, i, 7);
        e.on_wsus = (int)whb_pg_get_int(r, i, 8);
        if (fn(&e, arg))
            break;
    }
    PQclear(r);
    return 0;
}

int whb_pg_admin(struct whb_store *base, enum whb_store_admin action, const char *machine_id,
                 int64_t now, uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    int rc = WHB_ESTORE;
    *had_key = 0;
    if (!machine_id) { /* every machine not reviewed yet */
        if (action != WHB_ADMIN_ACCEPT)
            return WHB_EINVAL;
        whb_pg_int(&p, now);
        return cmd(s, PA_ACCEPT_ALL, &p);
    }
    if (whb_pg_reconnect(s) || whb_pg_exec(s, "BEGIN"))
        return WHB_ESTORE;
    s->in_tx = 1;
    whb_pg_text(&p, machine_id);
    PGresult *r = run(s, PA_GET_KEY, &p);
    if (!r)
        goto out;
    int found = PQntuples(r) == 1;
    if (found && !PQgetisnull(r, 0, 0)) {
        size_t n = 0;
        unsigned char *k = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
        if (k && n == WHB_IDENTITY_HASH_LEN) {
            memcpy(key_hash, k, n);
            *had_key = 1;
        }
        PQfreemem(k);
    }
    PQclear(r);
    if (!found) {
        rc = WHB_ENOTFOUND;
        goto out;
    }
    if (action == WHB_ADMIN_FORGET) {
        rc = whb_pg_drop(s, machine_id);
    } else {
        whb_pg_int(&p, now);
        rc = cmd(s, action == WHB_ADMIN_ACCEPT ? PA_ACCEPT : PA_RELEASE, &p);
    }
out:
    if (!rc && !whb_pg_exec(s, "COMMIT")) {
        s->in_tx = 0;
        return 0;
    }
    whb_pg_exec(s, "ROLLBACK");
    s->in_tx = 0;
    return rc ? rc : WHB_ESTORE;
}
