/* The SQLite store's side of machines' identities over their lives (issue 22): keys looked up
 * before a body is decoded, refusals recorded for `whb why`, enrollments to review, a binding
 * released for a reimaged machine, a machine forgotten, WSUS's list as the enrollment rule
 * reads it, and the oldest events pruned past a machine's quota. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/logic.h"
#include "store/sqlite.h"

enum admin_stmt {
    AD_KEY_KNOWN,
    AD_REFUSE,
    AD_REFUSALS,
    AD_WSUS_LISTED,
    AD_REBIND,
    AD_DROP_EVENTS,
    AD_DROP_GAPS,
    AD_DROP_IPS,
    AD_DROP_REFUSALS,
    AD_DROP_MACHINE,
    AD_PRUNE,
    AD_ENROLLMENTS_NEW,
    AD_ENROLLMENTS_ALL,
    AD_GET_KEY,
    AD_ACCEPT,
    AD_RELEASE,
    AD_ACCEPT_ALL,
    AD_COUNT_
};

_Static_assert((int)AD_COUNT_ <= (int)WHB_SQLITE_ADMIN_STMTS, "raise WHB_SQLITE_ADMIN_STMTS");

#define ENROLLMENT_COLS                                                                            \
    "machine_id, fqdn, first_seen, last_seen, reviewed_ms, released_ms, enrolled_from,"            \
    " key_hash IS NOT NULL, EXISTS(SELECT 1 FROM wsus_computers w WHERE w.fqdn = machines.fqdn"    \
    " OR w.fqdn = machines.fqdn || '.')"

static const char *const admin_sql[AD_COUNT_] = {
    [AD_KEY_KNOWN] = "SELECT 1 FROM machine_info WHERE key_hash = ?1 LIMIT 1",
    [AD_REFUSE] = "INSERT INTO refusals(machine_id, cause, count, first_ms, last_ms, claimant,"
                  " source) VALUES(?1, ?2, 1, ?5, ?5, ?3, ?4)"
                  " ON CONFLICT(machine_id, cause) DO UPDATE SET count = count + 1,"
                  " last_ms = excluded.last_ms, claimant = excluded.claimant,"
                  " source = excluded.source",
    [AD_REFUSALS] = "SELECT cause, count, first_ms, last_ms, claimant, source FROM refusals"
                    " WHERE machine_id = ?1 ORDER BY last_ms DESC LIMIT ?2",
    [AD_WSUS_LISTED] = "SELECT ip FROM wsus_computers WHERE fqdn = ?1 OR fqdn = ?1 || '.' LIMIT 1",
    [AD_REBIND] = "UPDATE machines SET key_hash = ?2, released_ms = 0, reviewed_ms = 0,"
                  " enrolled_from = ?3 WHERE machine_id = ?1",
    [AD_DROP_EVENTS] = "DELETE FROM events WHERE machine_id = ?1",
    [AD_DROP_GAPS] = "DELETE FROM gaps WHERE machine_id = ?1",
    [AD_DROP_IPS] = "DELETE FROM machine_ips WHERE machine_id = ?1",
    [AD_DROP_REFUSALS] = "DELETE FROM refusals WHERE machine_id = ?1",
    [AD_DROP_MACHINE] = "DELETE FROM machines WHERE machine_id = ?1",
    /* The events_time index (machine_id, at_ms) serves both the bound and the delete. */
    [AD_PRUNE] = "DELETE FROM events WHERE machine_id = ?1 AND at_ms <= (SELECT at_ms FROM events"
                 " WHERE machine_id = ?1 ORDER BY at_ms LIMIT 1 OFFSET ?2 - 1)",
    [AD_ENROLLMENTS_NEW] = "SELECT " ENROLLMENT_COLS " FROM machines WHERE reviewed_ms = 0"
                           " ORDER BY first_seen DESC LIMIT ?1",
    [AD_ENROLLMENTS_ALL] = "SELECT " ENROLLMENT_COLS " FROM machines"
                           " ORDER BY first_seen DESC LIMIT ?1",
    [AD_GET_KEY] = "SELECT key_hash FROM machine_info WHERE machine_id = ?1",
    [AD_ACCEPT] = "UPDATE machines SET reviewed_ms = ?2 WHERE machine_id = ?1",
    [AD_RELEASE] = "UPDATE machines SET key_hash = NULL, released_ms = ?2 WHERE machine_id = ?1",
    [AD_ACCEPT_ALL] = "UPDATE machines SET reviewed_ms = ?1 WHERE reviewed_ms = 0",
};

static sqlite3_stmt *ad(struct sqlite_store *s, enum admin_stmt id)
{
    if (!s->ad[id] &&
        sqlite3_prepare_v3(s->db, admin_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->ad[id], NULL)) {
        whb_log_error("store: prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    return s->ad[id];
}

void whb_sqlite_admin_finalize(struct sqlite_store *s)
{
    for (int i = 0; i < AD_COUNT_; i++)
        sqlite3_finalize(s->ad[i]);
}

/* Steps a statement to its end: 0, or WHB_ESTORE (logged). */
static int done(struct sqlite_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    whb_log_limited(WHB_LOG_ERROR, "store: %s", sqlite3_errmsg(s->db));
    return WHB_ESTORE;
}

/* A statement whose first parameter is a machine id, run to its end. */
static int by_id(struct sqlite_store *s, enum admin_stmt id, const char *machine_id)
{
    sqlite3_stmt *st = ad(s, id);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    return done(s, st);
}

int whb_sqlite_key_known(struct whb_store *base, const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = ad(s, AD_KEY_KNOWN);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_blob(st, 1, hash, WHB_IDENTITY_HASH_LEN, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_refuse(void *ctx, const char *owner_id, const char *cause, const char *claimant,
                      const char *source, int64_t now)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = ad(s, AD_REFUSE);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, cause, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, claimant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return done(s, st);
}

int whb_sqlite_refusals(struct whb_store *base, const char *machine_id,
                        struct whb_store_refusal *out, int max, int *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = ad(s, AD_REFUSALS);
    int rc;
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        struct whb_store_refusal *r = &out[(*n)++];
        whb_sqlite_text(st, 0, r->cause, sizeof(r->cause));
        r->count = (uint64_t)sqlite3_column_int64(st, 1);
        r->first_ms = sqlite3_column_int64(st, 2);
        r->last_ms = sqlite3_column_int64(st, 3);
        whb_sqlite_text(st, 4, r->claimant, sizeof(r->claimant));
        whb_sqlite_text(st, 5, r->source, sizeof(r->source));
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : WHB_ESTORE;
}

int whb_sqlite_wsus_listed(void *ctx, const char *fqdn, int *listed, char *ip, size_t iplen)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = ad(s, AD_WSUS_LISTED);
    char raw[64];
    *listed = 0;
    ip[0] = '\0';
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, fqdn, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *listed = 1;
        whb_sqlite_text(st, 0, raw, sizeof(raw));
        if (whb_store_canonical_ip(raw, ip, iplen))
            ip[0] = '\0';
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_rebind(void *ctx, const struct whb_store_report *in)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = ad(s, AD_REBIND);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, in->report->machine->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, in->key_hash, WHB_IDENTITY_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->source_ip, -1, SQLITE_STATIC);
    return done(s, st);
}

int whb_sqlite_drop(void *ctx, const char *machine_id)
{
    struct sqlite_store *s = ctx;
    static const enum admin_stmt order[] = {AD_DROP_EVENTS, AD_DROP_GAPS, AD_DROP_IPS,
                                            AD_DROP_REFUSALS, AD_DROP_MACHINE};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (by_id(s, order[i], machine_id))
            return WHB_ESTORE;
    return 0;
}

int64_t whb_sqlite_prune(void *ctx, const char *machine_id, int64_t count)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = ad(s, AD_PRUNE);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, count);
    if (done(s, st))
        return WHB_ESTORE;
    return sqlite3_changes64(s->db);
}

int whb_sqlite_enrollments(struct whb_store *base, int all, unsigned limit,
                           whb_store_enrollment_fn fn, void *arg)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = ad(s, all ? AD_ENROLLMENTS_ALL : AD_ENROLLMENTS_NEW);
    int rc;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_int64(st, 1, limit ? (int64_t)limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct whb_store_enrollment e;
        memset(&e, 0, sizeof(e));
        whb_sqlite_text(st, 0, e.machine_id, sizeof(e.machine_id));
        whb_sqlite_text(st, 1, e.fqdn, sizeof(e.fqdn));
        e.first_seen_ms = sqlite3_column_int64(st, 2);
        e.last_seen_ms = sqlite3_column_int64(st, 3);
        e.reviewed_ms = sqlite3_column_int64(st, 4);
        e.released_ms = sqlite3_column_int64(st, 5);
        whb_sqlite_text(st, 6, e.enrolled_from, sizeof(e.enrolled_from));
        e.keyed = sqlite3_column_int(st, 7);
        e.on_wsus = sqlite3_column_int(st, 8);
        if (fn(&e, arg))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : WHB_ESTORE;
}

int whb_sqlite_admin(struct whb_store *base, enum whb_store_admin action, const char *machine_id,
                     int64_t now, uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = ad(s, machine_id ? AD_GET_KEY : AD_ACCEPT_ALL);
    int rc = WHB_ESTORE;
    *had_key = 0;
    if (!machine_id) { /* every machine not reviewed yet */
        if (!st || action != WHB_ADMIN_ACCEPT)
            return WHB_EINVAL;
        sqlite3_bind_int64(st, 1, now);
        return done(s, st);
    }
    if (!st || sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == WHB_IDENTITY_HASH_LEN) {
        memcpy(key_hash, sqlite3_column_blob(st, 0), WHB_IDENTITY_HASH_LEN);
        *had_key = 1;
    }
    sqlite3_reset(st);
    if (step == SQLITE_DONE) {
        rc = WHB_ENOTFOUND;
        goto out;
    }
    if (step != SQLITE_ROW)
        goto out;
    if (action == WHB_ADMIN_FORGET) {
        rc = whb_sqlite_drop(s, machine_id);
    } else {
        st = ad(s, action == WHB_ADMIN_ACCEPT ? AD_ACCEPT : AD_RELEASE);
        if (!st)
            goto out;
        sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        rc = done(s, st);
    }
out:
    if (!rc && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc ? rc : WHB_ESTORE;
}
