/* The PostgreSQL store's side of WSUS's computer list (as store_wsus.c for SQLite): the list
 * sent in parts within one import session, the not-reported page, which agent each computer
 * is, and the addresses each machine had (noted inside the writer's transaction). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/logic.h"
#include "store/pg.h"

enum pg_wsus {
    PS_SESSION_GET = WHB_PG_WSUS_BASE,
    PS_SESSION_NEW,
    PS_SESSION_PART,
    PS_STAGE_DUP,
    PS_STAGE_ROW,
    PS_PAGE,
    PS_COUNT_SILENT,
    PS_COUNT_ALL,
    PS_BY_FQDN,
    PS_BY_SHORT_IN_DOMAIN,
    PS_BY_FIRST_LABEL,
    PS_BY_IP_AT,
    PS_BY_IP_NOW,
    PS_DROP_OLD_STAGING,
    PS_DROP_OLD_SESSIONS,
    PS_FINISH_COPY,
    PS_FINISH_STAGING,
    PS_FINISH_SESSION,
    PS_BY_SUS_ID,
    PS_CHANGE_COUNTS,
    PS_CHANGE_ADDED,
    PS_CHANGE_REMOVED,
    PS_FIND_FQDN,
    PS_FIND_LABEL,
    PS_FIND_IP,
    PS_NAMES_AGENTS,
    PS_NAMES_WSUS,
    PS_END_
};

_Static_assert((int)PS_END_ <= (int)WHB_PG_WU_BASE, "WSUS statements overlap update client ones");

/* Parts older than this belong to an import that was abandoned. */
#define SESSION_MAX_AGE_MS (3600 * 1000LL)

static const char *const wsus_sql[PS_END_ - WHB_PG_WSUS_BASE] = {
#define W(id) [(id)-WHB_PG_WSUS_BASE]
    W(PS_SESSION_GET) = "SELECT parts, rows FROM wsus_sessions WHERE session=$1::text",
    W(PS_SESSION_NEW) = "INSERT INTO wsus_sessions(session, parts, rows, started_ms)"
                        " VALUES($1, 0, 0, $2) ON CONFLICT(session) DO UPDATE SET parts=0,"
                        " rows=0, started_ms=$2",
    W(PS_SESSION_PART) = "UPDATE wsus_sessions SET parts=$2::bigint, rows=rows+$3::bigint"
                         " WHERE session=$1::text",
    W(PS_STAGE_DUP) = "SELECT line FROM wsus_staging WHERE session=$1::text AND fqdn=$2::citext",
    W(PS_STAGE_ROW) = "INSERT INTO wsus_staging(session, fqdn, ip, last_status_ms, last_sync_ms,"
                      " line, target_id) VALUES($1,$2,$3,$4,$5,$6,$7)",
    W(PS_PAGE) = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                 " WHERE last_status_ms < $1::bigint ORDER BY fqdn LIMIT $2::bigint"
                 " OFFSET $3::bigint",
    W(PS_COUNT_SILENT) = "SELECT count(*) FROM wsus_computers WHERE last_status_ms < $1::bigint",
    W(PS_COUNT_ALL) = "SELECT count(*), max(imported_ms) FROM wsus_computers",
    W(PS_BY_FQDN) = "SELECT machine_id, fqdn FROM machines WHERE fqdn = $1::citext OR"
                    " fqdn = ($1::text || '.')::citext LIMIT 3",
    W(PS_BY_SHORT_IN_DOMAIN) = "SELECT machine_id, fqdn FROM machines WHERE fqdn = $1::citext AND"
                               " (domain IS NULL OR domain = '' OR lower(domain) ="
                               " lower($2::text)) LIMIT 3",
    W(PS_BY_FIRST_LABEL) = "SELECT machine_id, fqdn FROM machines WHERE"
                           " lower(split_part(fqdn::text, '.', 1)) = lower($1::text) AND"
                           " strpos(fqdn::text, '.') > 0 LIMIT 3",
    W(PS_BY_IP_AT) = "SELECT DISTINCT i.machine_id, m.fqdn FROM machine_ips i JOIN machines m"
                     " USING(machine_id) WHERE i.ip=$1::text AND i.first_ms <= $2::bigint +"
                     " $3::bigint AND i.last_ms >= $2::bigint - $3::bigint LIMIT 3",
    W(PS_BY_IP_NOW) = "SELECT i.machine_id, m.fqdn, i.last_ms, m.due_at FROM machine_ips i"
                      " JOIN machines m USING(machine_id) WHERE i.ip=$1::text"
                      " ORDER BY i.last_ms DESC LIMIT 3",
    W(PS_DROP_OLD_STAGING) = "DELETE FROM wsus_staging WHERE session IN (SELECT session FROM"
                             " wsus_sessions WHERE started_ms < $2::bigint OR session = $1::text)",
    W(PS_DROP_OLD_SESSIONS) = "DELETE FROM wsus_sessions WHERE started_ms < $1::bigint",
    W(PS_FINISH_COPY) = "INSERT INTO wsus_computers(fqdn, ip, last_status_ms, last_sync_ms,"
                        " imported_ms, target_id) SELECT fqdn, ip, last_status_ms, last_sync_ms,"
                        " $2::bigint, target_id FROM wsus_staging WHERE session=$1::text",
    W(PS_FINISH_STAGING) = "DELETE FROM wsus_staging WHERE session=$1::text",
    W(PS_FINISH_SESSION) = "DELETE FROM wsus_sessions WHERE session=$1::text",
    /* WSUS's ComputerTargetId is the client's SusClientId: the strongest match there is. */
    W(PS_BY_SUS_ID) = "SELECT machine_id, fqdn FROM machines WHERE sus_client_id=$1::text"
                      " ORDER BY last_seen DESC LIMIT 8",
    W(PS_CHANGE_COUNTS) = "SELECT (SELECT count(*) FROM wsus_computers), (SELECT count(*) FROM"
                          " wsus_staging WHERE session=$1::text), (SELECT count(*) FROM"
                          " wsus_staging s JOIN wsus_computers c USING(fqdn) WHERE"
                          " s.session=$1::text)",
    W(PS_CHANGE_ADDED) = "SELECT s.fqdn FROM wsus_staging s LEFT JOIN wsus_computers c USING(fqdn)"
                         " WHERE s.session=$1::text AND c.fqdn IS NULL ORDER BY s.fqdn LIMIT 5",
    W(PS_CHANGE_REMOVED) = "SELECT c.fqdn FROM wsus_computers c LEFT JOIN wsus_staging s ON"
                           " s.fqdn=c.fqdn AND s.session=$1::text WHERE s.fqdn IS NULL"
                           " ORDER BY c.fqdn LIMIT 5",
    W(PS_FIND_FQDN) = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                      " WHERE fqdn=$1::citext LIMIT $2::bigint",
    W(PS_FIND_LABEL) =
        "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
        " WHERE lower(split_part(fqdn::text, '.', 1)) = lower($1::text) AND"
        " strpos(fqdn::text, '.') > 0 ORDER BY fqdn LIMIT $2::bigint",
    W(PS_FIND_IP) = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                    " WHERE ip=$1::text OR ip=$2::text ORDER BY fqdn LIMIT $3::bigint",
    W(PS_NAMES_AGENTS) = "SELECT fqdn FROM machines",
    W(PS_NAMES_WSUS) = "SELECT fqdn FROM wsus_computers",
#undef W
};

static PGresult *run(struct pg_store *s, int id, const struct pg_params *p)
{
    return whb_pg_run(s, id, wsus_sql[id - WHB_PG_WSUS_BASE], p);
}

static int cmd(struct pg_store *s, int id, const struct pg_params *p)
{
    return whb_pg_cmd(s, id, wsus_sql[id - WHB_PG_WSUS_BASE], p);
}

int whb_pg_ip_array(const whb_snapshot *snap, char *out, size_t len)
{
    size_t used = 0;
    int n = 0;
    out[used++] = '{';
    for (size_t i = 0; snap && i < snap->n_adapters; i++) {
        const whb_adapter *a = snap->adapters[i];
        for (size_t k = 0; k < a->n_addresses && k < 8; k++) {
            char ip[64];
            if (whb_store_canonical_ip(a->addresses[k], ip, sizeof(ip)) ||
                !whb_store_ip_worth_noting(ip))
                continue;
            /* Canonical addresses hold hex digits, dots and colons only: no quoting needed. */
            int w = snprintf(out + used, len - used, "%s%s", n ? "," : "", ip);
            if (w < 0 || (size_t)w >= len - used - 1) {
                out[used] = '\0'; /* more than fits: the first ones are noted */
                goto done;
            }
            used += (size_t)w;
            n++;
        }
    }
done:
    out[used++] = '}';
    out[used] = '\0';
    return 0;
}

int whb_pg_wsus_stage(struct whb_store *base, const char *session, unsigned part,
                      const struct whb_wsus_computer *rows, size_t n, int64_t now, char *why,
                      size_t whylen)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    PGresult *r = NULL;
    int rc = WHB_ESTORE;
    if (whb_pg_exec(s, "BEGIN"))
        return WHB_ESTORE;
    s->in_tx = 1;
    if (part == 1) {
        whb_pg_text(&p, session);
        whb_pg_int(&p, now - SESSION_MAX_AGE_MS);
        if (cmd(s, PS_DROP_OLD_STAGING, &p))
            goto fail;
        p = (struct pg_params){0};
        whb_pg_int(&p, now - SESSION_MAX_AGE_MS);
        if (cmd(s, PS_DROP_OLD_SESSIONS, &p))
            goto fail;
        p = (struct pg_params){0};
        whb_pg_text(&p, session);
        whb_pg_int(&p, now);
        if (cmd(s, PS_SESSION_NEW, &p))
            goto fail;
    }
    p = (struct pg_params){0};
    whb_pg_text(&p, session);
    if (!(r = run(s, PS_SESSION_GET, &p)))
        goto fail;
    int found = PQntuples(r) == 1;
    unsigned parts = found ? (unsigned)whb_pg_get_int(r, 0, 0) : 0;
    PQclear(r);
    r = NULL;
    if (whb_store_wsus_part_check(session, found, parts, part, why, whylen)) {
        rc = WHB_EINVAL;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        p = (struct pg_params){0};
        whb_pg_text(&p, session);
        whb_pg_text(&p, rows[i].fqdn);
        if (!(r = run(s, PS_STAGE_DUP, &p)))
            goto fail;
        if (PQntuples(r) > 0) {
            rc = whb_store_wsus_dup(&rows[i], (int)whb_pg_get_int(r, 0, 0), why, whylen);
            goto fail;
        }
        PQclear(r);
        r = NULL;
        p = (struct pg_params){0};
        whb_pg_text(&p, session);
        whb_pg_text(&p, rows[i].fqdn);
        whb_pg_text(&p, rows[i].ip);
        whb_pg_int(&p, rows[i].last_status_ms);
        whb_pg_int(&p, rows[i].last_sync_ms);
        whb_pg_int(&p, rows[i].line);
        whb_pg_opt(&p, rows[i].target_id);
        if (cmd(s, PS_STAGE_ROW, &p))
            goto fail;
    }
    p = (struct pg_params){0};
    whb_pg_text(&p, session);
    whb_pg_int(&p, part);
    whb_pg_int(&p, (int64_t)n);
    if (cmd(s, PS_SESSION_PART, &p) || base->ops->commit(base))
        goto fail;
    return 0;
fail:
    PQclear(r);
    base->ops->rollback(base);
    return rc;
}

/* Up to WHB_WSUS_CHANGE_NAMES names from statement id. */
static int change_names(struct pg_store *s, int id, const struct pg_params *p, char (*names)[254],
                        int *n)
{
    PGresult *r = run(s, id, p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && *n < WHB_WSUS_CHANGE_NAMES; i++)
        whb_pg_get_text(r, i, 0, names[(*n)++], 254);
    PQclear(r);
    return 0;
}

/* What the staged list changes against the one in place (inside finish's transaction). */
static int wsus_change(struct pg_store *s, const char *session, struct whb_wsus_change *c)
{
    struct pg_params p = {0};
    memset(c, 0, sizeof(*c));
    whb_pg_text(&p, session);
    PGresult *r = run(s, PS_CHANGE_COUNTS, &p);
    if (!r)
        return WHB_ESTORE;
    c->before = (uint64_t)whb_pg_get_int(r, 0, 0);
    c->kept = (uint64_t)whb_pg_get_int(r, 0, 2);
    c->added = (uint64_t)whb_pg_get_int(r, 0, 1) - c->kept;
    c->removed = c->before - c->kept;
    PQclear(r);
    if ((c->added && change_names(s, PS_CHANGE_ADDED, &p, c->added_names, &c->n_added_names)) ||
        (c->removed &&
         change_names(s, PS_CHANGE_REMOVED, &p, c->removed_names, &c->n_removed_names)))
        return WHB_ESTORE;
    return 0;
}

int whb_pg_wsus_finish(struct whb_store *base, const char *session, int64_t now, uint64_t *imported,
                       struct whb_wsus_change *change)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    *imported = 0;
    if (whb_pg_exec(s, "BEGIN"))
        return WHB_ESTORE;
    s->in_tx = 1;
    whb_pg_text(&p, session);
    whb_pg_int(&p, now);
    PGresult *r = NULL;
    if (wsus_change(s, session, change) || whb_pg_exec(s, "DELETE FROM wsus_computers") ||
        !(r = run(s, PS_FINISH_COPY, &p)))
        goto fail;
    *imported = strtoull(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    p = (struct pg_params){0};
    whb_pg_text(&p, session);
    if (cmd(s, PS_FINISH_STAGING, &p) || !(r = run(s, PS_FINISH_SESSION, &p)))
        goto fail;
    int one = !strcmp(PQcmdTuples(r), "1");
    PQclear(r);
    if (!one || base->ops->commit(base))
        goto fail;
    return 0;
fail:
    base->ops->rollback(base);
    return WHB_ESTORE;
}

static int count(struct pg_store *s, int id, int64_t arg, uint64_t *n, int64_t *max)
{
    struct pg_params p = {0};
    if (id == PS_COUNT_SILENT)
        whb_pg_int(&p, arg);
    PGresult *r = run(s, id, &p);
    if (!r)
        return WHB_ESTORE;
    *n = (uint64_t)whb_pg_get_int(r, 0, 0);
    if (max)
        *max = whb_pg_get_int(r, 0, 1);
    PQclear(r);
    return 0;
}

int whb_pg_wsus_not_reported(struct whb_store *base, int64_t cutoff_ms, unsigned offset,
                             unsigned limit, whb_store_wsus_fn fn, void *arg, uint64_t *total,
                             uint64_t *imported, int64_t *imported_ms)
{
    struct pg_store *s = (struct pg_store *)base;
    if (count(s, PS_COUNT_SILENT, cutoff_ms, total, NULL) ||
        count(s, PS_COUNT_ALL, 0, imported, imported_ms))
        return WHB_ESTORE;
    struct pg_params p = {0};
    whb_pg_int(&p, cutoff_ms);
    whb_pg_int(&p, limit);
    whb_pg_int(&p, offset);
    PGresult *r = run(s, PS_PAGE, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && (unsigned)i < limit; i++) {
        struct whb_wsus_computer c;
        memset(&c, 0, sizeof(c));
        whb_pg_get_text(r, i, 0, c.fqdn, sizeof(c.fqdn));
        whb_pg_get_text(r, i, 1, c.ip, sizeof(c.ip));
        c.last_status_ms = whb_pg_get_int(r, i, 2);
        c.last_sync_ms = whb_pg_get_int(r, i, 3);
        whb_pg_get_text(r, i, 4, c.target_id, sizeof(c.target_id));
        if (fn(&c, arg))
            break;
    }
    PQclear(r);
    return 0;
}

/* Runs a candidate query; returns how many rows (-1 on error) and keeps the first id. */
static int candidates(struct pg_store *s, int id, const struct pg_params *p, const char *how,
                      struct whb_wsus_match *out)
{
    PGresult *r = run(s, id, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        if (i == 0)
            whb_pg_get_text(r, 0, 0, out->machine_id, sizeof(out->machine_id));
        size_t used = strlen(out->candidates);
        snprintf(out->candidates + used, sizeof(out->candidates) - used, "%s%.200s (%s)",
                 used ? ", " : "", PQgetvalue(r, i, 1), how);
    }
    PQclear(r);
    return n;
}

int whb_pg_wsus_match(struct whb_store *base, const struct whb_wsus_computer *c, int64_t slack_ms,
                      struct whb_wsus_match *out)
{
    struct pg_store *s = (struct pg_store *)base;
    char name[254], ip[64];
    struct pg_params p = {0};
    memset(out, 0, sizeof(*out));
    snprintf(name, sizeof(name), "%s", c->fqdn);
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        name[len - 1] = '\0';
    char *dot = strchr(name, '.');
    int n;

    if (c->target_id[0]) {
        whb_pg_text(&p, c->target_id);
        if ((n = candidates(s, PS_BY_SUS_ID, &p, "same WSUS identity", out)) != 0) {
            out->kind = n == 1 ? WHB_MATCH_ID : WHB_MATCH_DUPLICATE_ID;
            return n < 0 ? WHB_ESTORE : 0;
        }
        p = (struct pg_params){0};
    }
    whb_pg_text(&p, name);
    if ((n = candidates(s, PS_BY_FQDN, &p, "same FQDN", out)) != 0) {
        out->kind = n == 1 ? WHB_MATCH_FQDN : WHB_MATCH_AMBIGUOUS;
        return n < 0 ? WHB_ESTORE : 0;
    }
    p = (struct pg_params){0};
    if (dot) {
        *dot = '\0';
        whb_pg_text(&p, name);
        whb_pg_text(&p, dot + 1);
        n = candidates(s, PS_BY_SHORT_IN_DOMAIN, &p, "short name", out);
    } else {
        whb_pg_text(&p, name);
        n = candidates(s, PS_BY_FIRST_LABEL, &p, "short name", out);
    }
    if (n != 0) {
        out->kind = n == 1 ? WHB_MATCH_SHORT_NAME : WHB_MATCH_AMBIGUOUS;
        return n < 0 ? WHB_ESTORE : 0;
    }
    if (!c->ip[0] || whb_store_canonical_ip(c->ip, ip, sizeof(ip)))
        return 0;
    int64_t at = c->last_status_ms ? c->last_status_ms : c->last_sync_ms;
    if (!at)
        return 0;
    char how[120];
    snprintf(how, sizeof(how), "had %s then", ip);
    p = (struct pg_params){0};
    whb_pg_text(&p, ip);
    whb_pg_int(&p, at);
    whb_pg_int(&p, slack_ms);
    if ((n = candidates(s, PS_BY_IP_AT, &p, how, out)) > 0)
        out->kind = n == 1 ? WHB_MATCH_IP : WHB_MATCH_AMBIGUOUS;
    return n < 0 ? WHB_ESTORE : 0;
}

int whb_pg_machine_by_ip(struct whb_store *base, const char *text, int64_t now, char *machine_id,
                         size_t idlen, char *why, size_t whylen)
{
    struct pg_store *s = (struct pg_store *)base;
    char ip[64];
    if (whb_store_canonical_ip(text, ip, sizeof(ip)))
        return WHB_ENOTFOUND;
    struct pg_params p = {0};
    whb_pg_text(&p, ip);
    PGresult *r = run(s, PS_BY_IP_NOW, &p);
    if (!r)
        return WHB_ESTORE;
    int rc = WHB_ENOTFOUND;
    int64_t newest = 0;
    why[0] = '\0';
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t last = whb_pg_get_int(r, i, 2), due = whb_pg_get_int(r, i, 3);
        if (i == 0) {
            newest = last;
            whb_pg_get_text(r, i, 0, machine_id, idlen);
            rc = 0;
        } else if (due < now || last < newest - (due - last)) {
            break; /* a machine that had the address before: the lease moved on */
        } else
            rc = WHB_EINVAL;
        size_t used = strlen(why);
        snprintf(why + used, whylen - used, "%s%.200s", used ? ", " : "", PQgetvalue(r, i, 1));
    }
    PQclear(r);
    return rc;
}

static int wsus_rows(struct pg_store *s, int id, const struct pg_params *p,
                     struct whb_wsus_computer *out, int max, int *n)
{
    PGresult *r = run(s, id, p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        struct whb_wsus_computer *c = &out[(*n)++];
        memset(c, 0, sizeof(*c));
        whb_pg_get_text(r, i, 0, c->fqdn, sizeof(c->fqdn));
        whb_pg_get_text(r, i, 1, c->ip, sizeof(c->ip));
        c->last_status_ms = whb_pg_get_int(r, i, 2);
        c->last_sync_ms = whb_pg_get_int(r, i, 3);
        whb_pg_get_text(r, i, 4, c->target_id, sizeof(c->target_id));
    }
    PQclear(r);
    return 0;
}

int whb_pg_wsus_find(struct whb_store *base, const char *host, struct whb_wsus_computer *out,
                     int max, int *n)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    char name[254], ip[64];
    *n = 0;
    snprintf(name, sizeof(name), "%s", host);
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        name[len - 1] = '\0';
    if (!whb_store_canonical_ip(name, ip, sizeof(ip))) {
        whb_pg_text(&p, ip);
        whb_pg_text(&p, name);
        whb_pg_int(&p, max);
        return wsus_rows(s, PS_FIND_IP, &p, out, max, n);
    }
    whb_pg_text(&p, name);
    whb_pg_int(&p, max);
    int rc = wsus_rows(s, PS_FIND_FQDN, &p, out, max, n);
    if (rc || *n || strchr(name, '.'))
        return rc;
    return wsus_rows(s, PS_FIND_LABEL, &p, out, max, n);
}

int whb_pg_each_name(struct whb_store *base, int wsus, whb_store_name_walk_fn fn, void *arg)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    PGresult *r = run(s, wsus ? PS_NAMES_WSUS : PS_NAMES_AGENTS, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++)
        if (fn(PQgetvalue(r, i, 0), arg))
            break;
    PQclear(r);
    return 0;
}
