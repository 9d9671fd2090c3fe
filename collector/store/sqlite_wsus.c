/* The SQLite store's side of WSUS's computer list: the list sent in parts within one import
 * session, the page of computers WSUS says have not reported, and which agent each computer is
 * (by FQDN, short name in its domain, or the IP address it had when it last reported). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "log.h"
#include "store/logic.h"
#include "store/sqlite.h"

enum wsus_stmt {
    WS_NOTE_IP,
    WS_SESSION_GET,
    WS_SESSION_NEW,
    WS_SESSION_PART,
    WS_STAGE_DUP,
    WS_STAGE_ROW,
    WS_PAGE,
    WS_COUNT_SILENT,
    WS_COUNT_ALL,
    WS_BY_FQDN,
    WS_BY_SHORT_IN_DOMAIN,
    WS_BY_FIRST_LABEL,
    WS_BY_IP_AT,
    WS_BY_IP_NOW,
    WS_BY_SUS_ID,
    WS_FIND_FQDN,
    WS_FIND_LABEL,
    WS_FIND_IP,
    WS_NAMES_AGENTS,
    WS_NAMES_WSUS,
    WS_COUNT_
};

_Static_assert((int)WS_COUNT_ <= (int)WHB_SQLITE_WSUS_STMTS, "raise WHB_SQLITE_WSUS_STMTS");

/* Parts older than this belong to an import that was abandoned. */
#define SESSION_MAX_AGE_MS (3600 * 1000LL)

static const char *const wsus_sql[WS_COUNT_] = {
    [WS_NOTE_IP] = "INSERT INTO machine_ips(ip, machine_id, first_ms, last_ms) VALUES(?1,?2,?3,?3)"
                   " ON CONFLICT(ip, machine_id) DO UPDATE SET last_ms=excluded.last_ms"
                   /* A minute's precision is plenty: most reports then write nothing. */
                   " WHERE excluded.last_ms > machine_ips.last_ms + 60000",
    [WS_SESSION_GET] = "SELECT parts, rows FROM wsus_sessions WHERE session=?1",
    [WS_SESSION_NEW] = "INSERT OR REPLACE INTO wsus_sessions(session, parts, rows, started_ms)"
                       " VALUES(?1, 0, 0, ?2)",
    [WS_SESSION_PART] = "UPDATE wsus_sessions SET parts=?2, rows=rows+?3 WHERE session=?1",
    [WS_STAGE_DUP] = "SELECT line FROM wsus_staging WHERE session=?1 AND fqdn=?2",
    [WS_STAGE_ROW] = "INSERT INTO wsus_staging(session, fqdn, ip, last_status_ms, last_sync_ms,"
                     " line, target_id) VALUES(?1,?2,?3,?4,?5,?6,?7)",
    [WS_PAGE] = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                " WHERE last_status_ms < ?1 ORDER BY fqdn LIMIT ?2 OFFSET ?3",
    [WS_COUNT_SILENT] = "SELECT count(*) FROM wsus_computers WHERE last_status_ms < ?1",
    [WS_COUNT_ALL] = "SELECT count(*), max(imported_ms) FROM wsus_computers",
    [WS_BY_FQDN] = "SELECT machine_id, fqdn FROM machines WHERE fqdn=?1 OR fqdn=?1 || '.' LIMIT 3",
    [WS_BY_SHORT_IN_DOMAIN] = "SELECT machine_id, fqdn FROM machines WHERE fqdn=?1 AND"
                              " (domain IS NULL OR domain='' OR domain=?2 COLLATE NOCASE) LIMIT 3",
    [WS_BY_FIRST_LABEL] = "SELECT machine_id, fqdn FROM machines WHERE fqdn >= ?1 || '.' AND"
                          " fqdn < ?1 || '/' LIMIT 3",
    [WS_BY_IP_AT] = "SELECT DISTINCT i.machine_id, m.fqdn FROM machine_ips i JOIN machines m"
                    " USING(machine_id) WHERE i.ip=?1 AND i.first_ms <= ?2 + ?3 AND"
                    " i.last_ms >= ?2 - ?3 LIMIT 3",
    [WS_BY_IP_NOW] = "SELECT i.machine_id, m.fqdn, i.last_ms, m.due_at FROM machine_ips i"
                     " JOIN machines m USING(machine_id) WHERE i.ip=?1 ORDER BY i.last_ms DESC"
                     " LIMIT 3",
    /* WSUS's ComputerTargetId is the client's SusClientId: the strongest match there is. */
    [WS_BY_SUS_ID] = "SELECT machine_id, fqdn FROM machines WHERE sus_client_id=?1"
                     " ORDER BY last_seen DESC LIMIT 8",
    [WS_FIND_FQDN] = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                     " WHERE fqdn=?1 LIMIT ?2",
    [WS_FIND_LABEL] = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                      " WHERE fqdn >= ?1 || '.' AND fqdn < ?1 || '/' ORDER BY fqdn LIMIT ?2",
    [WS_FIND_IP] = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM wsus_computers"
                   " WHERE ip=?1 OR ip=?2 ORDER BY fqdn LIMIT ?3",
    [WS_NAMES_AGENTS] = "SELECT fqdn FROM machine_info",
    [WS_NAMES_WSUS] = "SELECT fqdn FROM wsus_computers",
};

static sqlite3_stmt *ws(struct sqlite_store *s, enum wsus_stmt id)
{
    if (!s->ws[id] &&
        sqlite3_prepare_v3(s->db, wsus_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->ws[id], NULL)) {
        whb_log_error("store: prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_reset(s->ws[id]);
    sqlite3_clear_bindings(s->ws[id]);
    return s->ws[id];
}

void whb_sqlite_wsus_finalize(struct sqlite_store *s)
{
    for (int i = 0; i < WS_COUNT_; i++)
        sqlite3_finalize(s->ws[i]);
}

int whb_sqlite_note_ips(struct sqlite_store *s, const char *machine_id, const whb_snapshot *snap,
                        int64_t now)
{
    if (!snap)
        return 0;
    for (size_t i = 0; i < snap->n_adapters; i++) {
        const whb_adapter *a = snap->adapters[i];
        for (size_t k = 0; k < a->n_addresses && k < 8; k++) {
            char ip[64];
            sqlite3_stmt *st = ws(s, WS_NOTE_IP);
            if (!st)
                return WHB_ESTORE;
            /* Link-local addresses say nothing about which machine WSUS saw. */
            if (whb_store_canonical_ip(a->addresses[k], ip, sizeof(ip)) ||
                !strncmp(ip, "fe80:", 5) || !strncmp(ip, "169.254.", 8) ||
                !strncmp(ip, "127.", 4) || !strcmp(ip, "::1"))
                continue;
            sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, machine_id, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, now);
            int rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE) {
                whb_log_error("store: machine address: %s", sqlite3_errmsg(s->db));
                return WHB_ESTORE;
            }
        }
    }
    return 0;
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        whb_log_error("store: wsus: %s", sqlite3_errmsg(s->db));
        return WHB_ESTORE;
    }
    return 0;
}

int whb_sqlite_wsus_stage(struct whb_store *base, const char *session, unsigned part,
                          const struct whb_wsus_computer *rows, size_t n, int64_t now, char *why,
                          size_t whylen)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    int rc = WHB_ESTORE;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
        goto fail;
    if (part == 1) {
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "DELETE FROM wsus_staging WHERE session IN (SELECT session FROM wsus_sessions"
                 " WHERE started_ms < %lld OR session = ?1)",
                 (long long)(now - SESSION_MAX_AGE_MS));
        sqlite3_stmt *del = NULL;
        if (sqlite3_prepare_v2(s->db, sql, -1, &del, NULL))
            goto fail;
        sqlite3_bind_text(del, 1, session, -1, SQLITE_STATIC);
        int drc = sqlite3_step(del);
        sqlite3_finalize(del);
        snprintf(sql, sizeof(sql), "DELETE FROM wsus_sessions WHERE started_ms < %lld",
                 (long long)(now - SESSION_MAX_AGE_MS));
        if (drc != SQLITE_DONE || sqlite3_exec(s->db, sql, NULL, NULL, NULL) ||
            !(st = ws(s, WS_SESSION_NEW)))
            goto fail;
        sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        if (step_done(s, st))
            goto fail;
    }
    if (!(st = ws(s, WS_SESSION_GET)))
        goto fail;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    unsigned parts = found ? (unsigned)sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    if (whb_store_wsus_part_check(session, found, parts, part, why, whylen)) {
        rc = WHB_EINVAL;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(st = ws(s, WS_STAGE_DUP)))
            goto fail;
        sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rows[i].fqdn, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            rc = whb_store_wsus_dup(&rows[i], sqlite3_column_int(st, 0), why, whylen);
            sqlite3_reset(st);
            goto fail;
        }
        sqlite3_reset(st);
        if (!(st = ws(s, WS_STAGE_ROW)))
            goto fail;
        sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rows[i].fqdn, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, rows[i].ip, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, rows[i].last_status_ms);
        sqlite3_bind_int64(st, 5, rows[i].last_sync_ms);
        sqlite3_bind_int64(st, 6, rows[i].line);
        if (rows[i].target_id[0])
            sqlite3_bind_text(st, 7, rows[i].target_id, -1, SQLITE_STATIC);
        if (step_done(s, st))
            goto fail;
    }
    if (!(st = ws(s, WS_SESSION_PART)))
        goto fail;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, part);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    if (step_done(s, st) || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
        goto fail;
    return 0;
fail:
    if (rc == WHB_ESTORE)
        whb_log_error("store: wsus import part: %s", sqlite3_errmsg(s->db));
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Runs sql (bound to session) and keeps up to WHB_WSUS_CHANGE_NAMES names of its rows. */
static int change_names(struct sqlite_store *s, const char *sql, const char *session,
                        char (*names)[254], int *n)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    while (*n < WHB_WSUS_CHANGE_NAMES && sqlite3_step(st) == SQLITE_ROW)
        snprintf(names[(*n)++], 254, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return 0;
}

/* What the staged list changes against the one in place (inside finish's transaction). */
static int wsus_change(struct sqlite_store *s, const char *session, struct whb_wsus_change *c)
{
    sqlite3_stmt *st = NULL;
    memset(c, 0, sizeof(*c));
    if (sqlite3_prepare_v2(s->db,
                           "SELECT (SELECT count(*) FROM wsus_computers), (SELECT count(*) FROM"
                           " wsus_staging WHERE session=?1), (SELECT count(*) FROM wsus_staging"
                           " WHERE session=?1 AND fqdn IN (SELECT fqdn FROM wsus_computers))",
                           -1, &st, NULL))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->before = (uint64_t)sqlite3_column_int64(st, 0);
        c->kept = (uint64_t)sqlite3_column_int64(st, 2);
        c->added = (uint64_t)sqlite3_column_int64(st, 1) - c->kept;
        c->removed = c->before - c->kept;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return WHB_ESTORE;
    if (c->added && change_names(s,
                                 "SELECT fqdn FROM wsus_staging WHERE session=?1 AND fqdn NOT IN"
                                 " (SELECT fqdn FROM wsus_computers) ORDER BY fqdn",
                                 session, c->added_names, &c->n_added_names))
        return WHB_ESTORE;
    if (c->removed && change_names(s,
                                   "SELECT fqdn FROM wsus_computers WHERE fqdn NOT IN (SELECT fqdn"
                                   " FROM wsus_staging WHERE session=?1) ORDER BY fqdn",
                                   session, c->removed_names, &c->n_removed_names))
        return WHB_ESTORE;
    return 0;
}

int whb_sqlite_wsus_finish(struct whb_store *base, const char *session, int64_t now,
                           uint64_t *imported, struct whb_wsus_change *change)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    *imported = 0;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ||
        wsus_change(s, session, change) ||
        sqlite3_exec(s->db, "DELETE FROM wsus_computers;", NULL, NULL, NULL) ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO wsus_computers(fqdn, ip, last_status_ms, last_sync_ms,"
                           " imported_ms, target_id) SELECT fqdn, ip, last_status_ms,"
                           " last_sync_ms, ?2, target_id FROM wsus_staging WHERE session=?1",
                           -1, &st, NULL))
        goto fail;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    *imported = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM wsus_staging WHERE session=?1;", -1, &st, NULL))
        goto fail;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM wsus_sessions WHERE session=?1", -1, &st, NULL))
        goto fail;
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(s->db) != 1)
        goto fail;
    sqlite3_finalize(st);
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
        goto fail;
    return 0;
fail:
    whb_log_error("store: wsus import: %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return WHB_ESTORE;
}

static int count(struct sqlite_store *s, enum wsus_stmt id, int64_t arg, uint64_t *n, int64_t *max)
{
    sqlite3_stmt *st = ws(s, id);
    if (!st)
        return WHB_ESTORE;
    if (id == WS_COUNT_SILENT)
        sqlite3_bind_int64(st, 1, arg);
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    if (max)
        *max = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : WHB_ESTORE;
}

/* The rows of st (bound) into out[*n..max), counted in *n. */
static int wsus_rows(sqlite3_stmt *st, struct whb_wsus_computer *out, int max, int *n)
{
    int rc;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct whb_wsus_computer *c = &out[(*n)++];
        memset(c, 0, sizeof(*c));
        const unsigned char *f = sqlite3_column_text(st, 0), *ip = sqlite3_column_text(st, 1);
        snprintf(c->fqdn, sizeof(c->fqdn), "%s", f ? (const char *)f : "");
        snprintf(c->ip, sizeof(c->ip), "%s", ip ? (const char *)ip : "");
        c->last_status_ms = sqlite3_column_int64(st, 2);
        c->last_sync_ms = sqlite3_column_int64(st, 3);
        /* WSUS's ComputerTargetId, where the statement reads it (5th column). */
        const unsigned char *id = sqlite3_column_count(st) > 4 ? sqlite3_column_text(st, 4) : NULL;
        snprintf(c->target_id, sizeof(c->target_id), "%s", id ? (const char *)id : "");
    }
    sqlite3_reset(st);
    return 0;
}

int whb_sqlite_wsus_not_reported(struct whb_store *base, int64_t cutoff_ms, unsigned offset,
                                 unsigned limit, whb_store_wsus_fn fn, void *arg, uint64_t *total,
                                 uint64_t *imported, int64_t *imported_ms)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (count(s, WS_COUNT_SILENT, cutoff_ms, total, NULL) ||
        count(s, WS_COUNT_ALL, 0, imported, imported_ms))
        return WHB_ESTORE;
    /* Collect first: fn explains each one with other statements of this handle. */
    struct whb_wsus_computer *page = calloc(limit ? limit : 1, sizeof(*page));
    sqlite3_stmt *st = ws(s, WS_PAGE);
    if (!page || !st) {
        free(page);
        return page ? WHB_ESTORE : WHB_ENOMEM;
    }
    sqlite3_bind_int64(st, 1, cutoff_ms);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    int n = 0;
    wsus_rows(st, page, (int)limit, &n);
    for (int i = 0; i < n; i++)
        if (fn(&page[i], arg))
            break;
    free(page);
    return 0;
}

/* Runs a candidate query; returns how many rows and keeps the first id and the names. */
static int candidates(struct sqlite_store *s, sqlite3_stmt *st, const char *how,
                      struct whb_wsus_match *out)
{
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *fqdn = (const char *)sqlite3_column_text(st, 1);
        if (n == 0)
            snprintf(out->machine_id, sizeof(out->machine_id), "%s", id ? id : "");
        size_t used = strlen(out->candidates);
        snprintf(out->candidates + used, sizeof(out->candidates) - used, "%s%.200s (%s)",
                 used ? ", " : "", fqdn ? fqdn : "?", how);
        n++;
    }
    sqlite3_reset(st);
    (void)s;
    return n;
}

int whb_sqlite_wsus_match(struct whb_store *base, const struct whb_wsus_computer *c,
                          int64_t slack_ms, struct whb_wsus_match *out)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    char name[254], ip[64];
    sqlite3_stmt *st;
    memset(out, 0, sizeof(*out));
    snprintf(name, sizeof(name), "%s", c->fqdn);
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        name[len - 1] = '\0';
    char *dot = strchr(name, '.');
    int n;

    if (c->target_id[0]) {
        if (!(st = ws(s, WS_BY_SUS_ID)))
            return WHB_ESTORE;
        sqlite3_bind_text(st, 1, c->target_id, -1, SQLITE_TRANSIENT);
        if ((n = candidates(s, st, "same WSUS identity", out)) > 0) {
            out->kind = n == 1 ? WHB_MATCH_ID : WHB_MATCH_DUPLICATE_ID;
            return 0;
        }
    }
    if (!(st = ws(s, WS_BY_FQDN)))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if ((n = candidates(s, st, "same FQDN", out)) > 0) {
        out->kind = n == 1 ? WHB_MATCH_FQDN : WHB_MATCH_AMBIGUOUS;
        return 0;
    }
    /* The agent knows only the short name (no DNS suffix), in WSUS's domain; or WSUS lists a
     * bare name (workgroup) and one agent's FQDN starts with it. */
    if (dot) {
        *dot = '\0';
        if (!(st = ws(s, WS_BY_SHORT_IN_DOMAIN)))
            return WHB_ESTORE;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, dot + 1, -1, SQLITE_TRANSIENT);
    } else if (!(st = ws(s, WS_BY_FIRST_LABEL)))
        return WHB_ESTORE;
    else
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if ((n = candidates(s, st, "short name", out)) > 0) {
        out->kind = n == 1 ? WHB_MATCH_SHORT_NAME : WHB_MATCH_AMBIGUOUS;
        return 0;
    }
    if (!c->ip[0] || whb_store_canonical_ip(c->ip, ip, sizeof(ip)))
        return 0;
    /* The address the agent had when the computer last reported to WSUS (or last synced). */
    int64_t at = c->last_status_ms ? c->last_status_ms : c->last_sync_ms;
    if (!at)
        return 0;
    if (!(st = ws(s, WS_BY_IP_AT)))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, slack_ms);
    char how[120];
    snprintf(how, sizeof(how), "had %s then", ip);
    if ((n = candidates(s, st, how, out)) > 0)
        out->kind = n == 1 ? WHB_MATCH_IP : WHB_MATCH_AMBIGUOUS;
    return 0;
}

int whb_sqlite_machine_by_ip(struct whb_store *base, const char *text, int64_t now,
                             char *machine_id, size_t idlen, char *why, size_t whylen)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    char ip[64];
    if (whb_store_canonical_ip(text, ip, sizeof(ip)))
        return WHB_ENOTFOUND;
    sqlite3_stmt *st = ws(s, WS_BY_IP_NOW);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
    int n = 0, rc = WHB_ENOTFOUND;
    int64_t newest = 0;
    why[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *fqdn = (const char *)sqlite3_column_text(st, 1);
        int64_t last = sqlite3_column_int64(st, 2), due = sqlite3_column_int64(st, 3);
        if (n == 0) {
            newest = last;
            snprintf(machine_id, idlen, "%s", id ? id : "");
            rc = 0;
        } else if (due < now || last < newest - (due - last)) {
            /* A machine that had the address before: the lease moved on. */
            break;
        } else
            rc = WHB_EINVAL;
        size_t used = strlen(why);
        snprintf(why + used, whylen - used, "%s%.200s", used ? ", " : "", fqdn ? fqdn : "?");
        n++;
    }
    sqlite3_reset(st);
    return rc;
}

int whb_sqlite_wsus_find(struct whb_store *base, const char *host, struct whb_wsus_computer *out,
                         int max, int *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    char name[254], ip[64];
    sqlite3_stmt *st;
    *n = 0;
    snprintf(name, sizeof(name), "%s", host);
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        name[len - 1] = '\0';
    if (!whb_store_canonical_ip(name, ip, sizeof(ip))) {
        if (!(st = ws(s, WS_FIND_IP)))
            return WHB_ESTORE;
        sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, max);
        return wsus_rows(st, out, max, n);
    }
    if (!(st = ws(s, WS_FIND_FQDN)))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    wsus_rows(st, out, max, n);
    if (*n || strchr(name, '.'))
        return 0;
    /* A bare name: the computers whose first label it is. */
    if (!(st = ws(s, WS_FIND_LABEL)))
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    return wsus_rows(st, out, max, n);
}

int whb_sqlite_each_name(struct whb_store *base, int wsus, whb_store_name_walk_fn fn, void *arg)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = ws(s, wsus ? WS_NAMES_WSUS : WS_NAMES_AGENTS);
    int rc;
    if (!st)
        return WHB_ESTORE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 0);
        if (name && fn((const char *)name, arg))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}
