/* The SQLite store's queries about Windows Update clients: the machines that share one WSUS
 * identity, what many clients did at once (scans failing with HTTP 503, clients leaving their
 * WSUS server), and WSUS's computer with a given ComputerTargetId. Served by the indexes on
 * sus_client_id, wu_scan_fail and wu_route_since, and wsus_target. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/sqlite.h"

enum wu_stmt {
    WU_SAME_ID,
    WU_FAILING_503,
    WU_MOVED,
    WU_MOVED_SUBNET,
    WU_CLIENTS,
    WU_MAJORITY,
    WU_WSUS_BY_ID,
    WU_COUNT_
};

_Static_assert((int)WU_COUNT_ <= (int)WHB_SQLITE_WU_STMTS, "raise WHB_SQLITE_WU_STMTS");

/* Routes away from the machine's WSUS server (model.h, enum whb_wu_route: 2, 3, 4). */
#define AWAY "wu_route > 1"

static const char *const wu_sql[WU_COUNT_] = {
    [WU_SAME_ID] = "SELECT machine_id, fqdn FROM machines WHERE sus_client_id = ?1"
                   " ORDER BY last_seen DESC LIMIT ?2",
    /* 0x80244022 = 2149859362: WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL. */
    [WU_FAILING_503] = "SELECT count(*) FROM machine_info WHERE wu_scan_fail > 0 AND"
                       " wu_scan_fail > ?1 AND wu_scan_fail > wu_scan_ok AND"
                       " wu_scan_error = 2149859362",
    [WU_MOVED] = "SELECT count(*) FROM machine_info WHERE wu_route_since > ?1 AND " AWAY,
    [WU_MOVED_SUBNET] =
        "SELECT subnet, count(*) AS n FROM machine_info WHERE wu_route_since > ?1 AND"
        " " AWAY " AND subnet IS NOT NULL GROUP BY subnet ORDER BY n DESC,"
        " subnet LIMIT 1",
    [WU_CLIENTS] = "SELECT count(*) FROM machine_info WHERE wu_hash <> 0",
    [WU_MAJORITY] = "SELECT lower(wu_server) AS s, count(*) AS n FROM machine_info WHERE"
                    " wu_server IS NOT NULL GROUP BY s ORDER BY n DESC, s LIMIT 1",
    [WU_WSUS_BY_ID] = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM"
                      " wsus_computers WHERE target_id = ?1 LIMIT 1",
};

static sqlite3_stmt *wu(struct sqlite_store *s, enum wu_stmt id)
{
    if (!s->wu[id] &&
        sqlite3_prepare_v3(s->db, wu_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->wu[id], NULL)) {
        whb_log_error("store: prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_reset(s->wu[id]);
    sqlite3_clear_bindings(s->wu[id]);
    return s->wu[id];
}

void whb_sqlite_wu_finalize(struct sqlite_store *s)
{
    for (int i = 0; i < WU_COUNT_; i++)
        sqlite3_finalize(s->wu[i]);
}

int whb_sqlite_wu_same_id(struct whb_store *base, const char *sus_id, struct whb_store_match *out,
                          int max, int *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = wu(s, WU_SAME_ID);
    int rc;
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, sus_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        whb_sqlite_text(st, 0, out[*n].machine_id, sizeof(out[*n].machine_id));
        whb_sqlite_text(st, 1, out[*n].fqdn, sizeof(out[*n].fqdn));
        (*n)++;
    }
    sqlite3_reset(st);
    return 0;
}

static int one_count(struct sqlite_store *s, enum wu_stmt id, int64_t since, unsigned *out)
{
    sqlite3_stmt *st = wu(s, id);
    if (!st)
        return WHB_ESTORE;
    if (id != WU_CLIENTS)
        sqlite3_bind_int64(st, 1, since);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : WHB_ESTORE;
}

int whb_sqlite_wu_fleet(struct whb_store *base, int64_t now, int64_t window,
                        struct whb_wu_fleet *out)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    memset(out, 0, sizeof(*out));
    if (one_count(s, WU_CLIENTS, 0, &out->clients) ||
        one_count(s, WU_FAILING_503, now - window, &out->failing_503) ||
        one_count(s, WU_MOVED, now - window, &out->moved))
        return WHB_ESTORE;
    if (out->moved && (st = wu(s, WU_MOVED_SUBNET))) {
        sqlite3_bind_int64(st, 1, now - window);
        if (sqlite3_step(st) == SQLITE_ROW) {
            whb_sqlite_text(st, 0, out->moved_subnet, sizeof(out->moved_subnet));
            out->moved_subnet_n = (unsigned)sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
    }
    if (out->clients && (st = wu(s, WU_MAJORITY))) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            whb_sqlite_text(st, 0, out->majority_server, sizeof(out->majority_server));
            out->majority_n = (unsigned)sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
    }
    return 0;
}

int whb_sqlite_wsus_by_id(struct whb_store *base, const char *id, struct whb_wsus_computer *out)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = wu(s, WU_WSUS_BY_ID);
    if (!st)
        return WHB_ESTORE;
    memset(out, 0, sizeof(*out));
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        whb_sqlite_text(st, 0, out->fqdn, sizeof(out->fqdn));
        whb_sqlite_text(st, 1, out->ip, sizeof(out->ip));
        out->last_status_ms = sqlite3_column_int64(st, 2);
        out->last_sync_ms = sqlite3_column_int64(st, 3);
        whb_sqlite_text(st, 4, out->target_id, sizeof(out->target_id));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? WHB_ENOTFOUND : WHB_ESTORE;
}
