/* The SQLite store: one WAL file, schema migrated by PRAGMA user_version, prepared statements
 * cached per handle. The writer wraps many put_report calls in one transaction (group commit). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "hash.h"
#include "log.h"
#include "store/store.h"
#include "store/census.h"
#include "store/attach_wu.h"
#include "store/logic.h"
#include "store/schema.h"
#include "store/sqlite.h"

enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_GET_MACHINE,
    ST_GET_BY_FQDN,
    ST_INSERT_MACHINE,
    ST_UPDATE_MACHINE,
    ST_UPDATE_SAME_PLACE,
    ST_UPDATE_LIVE,
    ST_TOUCH_MACHINE,
    ST_INSERT_EVENT,
    ST_INSERT_GAP,
    ST_PING,
    ST_RUN_START,
    ST_RUN_ALIVE,
    ST_RUN_STOP,
    ST_NAME_CLASH,
    ST_UPDATE_WU,
    ST_COUNT_
};

_Static_assert((int)ST_COUNT_ <= (int)WHB_SQLITE_WRITE_STMTS, "raise WHB_SQLITE_WRITE_STMTS");

static const char *const stmt_sql[ST_COUNT_] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    /* Schema 12: the wide row (machine_info) and the columns every report moves (machine_live),
     * read and written apart; "machines" is their view for every other reader and writer. */
    [ST_GET_MACHINE] =
        "SELECT i.fqdn, i.key_hash, i.boot_id, l.last_seq, l.last_seen, l.due_at, i.last_gasp,"
        " i.sw_chassis, i.sw_port, i.subnet, i.bssid, l.net_lost_at, l.clock_offset,"
        " l.clock_offset_at, l.net_back_at, l.online_since, i.sw_name, i.ssid, i.wsus_class,"
        " i.released_ms, l.quota_events, l.quota_at, l.events_stored, i.wu_hash, i.wu_route,"
        " i.wu_route_since, l.fp FROM machine_info i JOIN machine_live l"
        " ON l.machine_id = i.machine_id WHERE i.machine_id=?1",
    [ST_GET_BY_FQDN] = "SELECT machine_id FROM machines WHERE fqdn=?",
    [ST_INSERT_MACHINE] =
        "INSERT INTO machines(machine_id, fqdn, domain, os, agent_version, key_hash, first_seen,"
        " last_seen, interval_s, due_at, boot_id, last_seq, last_gasp, snapshot, enrolled_from,"
        " reviewed_ms) VALUES(?1,?2,?3,?4,?5,?6,?7,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    /* The wide row, for a report that changes more than the moving columns (their
     * fingerprint, machine_live.fp, differs). Parameters keep write_machine's numbers. */
    [ST_UPDATE_MACHINE] =
        "UPDATE machine_info SET fqdn=?2, domain=?3, os=?4, agent_version=?5,"
        " interval_s=?7, boot_id=?9, last_gasp=?11, snapshot=?12,"
        " primary_if=?13, wireless=?14, carrier=?15, on_battery=?16, sw_chassis=?17,"
        " sw_name=?18, sw_port=?19, ssid=?20, bssid=?21, wifi_associated=?22, subnet=?23,"
        " wsus_class=?24, wsus_url=?25, wsus_http=?26, wsus_curl=?27, wsus_at=?28,"
        " update_service=?29, collector_url=?35, collector_rank=?36, sw_mgmt=?40,"
        " wsus_since=CASE WHEN wsus_class IS ?24 THEN wsus_since ELSE ?28 END"
        " WHERE machine_id=?1",
    /* The same without the indexed columns, for a report whose name and place (switch and
     * port, Wi-Fi, subnet, WSUS class) are what is stored: SQLite rewrites an index entry
     * whenever its column is SET, even to the same value, and most reports change none. */
    [ST_UPDATE_SAME_PLACE] =
        "UPDATE machine_info SET domain=?3, os=?4, agent_version=?5,"
        " interval_s=?7, boot_id=?9, last_gasp=?11, snapshot=?12,"
        " primary_if=?13, wireless=?14, carrier=?15, on_battery=?16,"
        " wifi_associated=?22,"
        " wsus_url=?25, wsus_http=?26, wsus_curl=?27, wsus_at=?28,"
        " update_service=?29, collector_url=?35, collector_rank=?36, sw_mgmt=?40"
        " WHERE machine_id=?1",
    /* What every report writes: a narrow row and its due-index entry. */
    [ST_UPDATE_LIVE] = "UPDATE machine_live SET last_seen=?2, due_at=?3, last_seq=?4,"
                       " net_lost_at=?5, net_back_at=?6, online_since=?7, clock_offset=?8,"
                       " clock_offset_at=?9, quota_events=?10, quota_at=?11, events_stored=?12,"
                       " fp=?13 WHERE machine_id=?1",
    [ST_TOUCH_MACHINE] = "UPDATE machine_live SET last_seen=?2, due_at=?3,"
                         " net_lost_at=?4, net_back_at=?7, online_since=?8,"
                         " clock_offset=?5, clock_offset_at=?6, quota_events=?9, quota_at=?10,"
                         " events_stored=?11 WHERE machine_id=?1",
    [ST_INSERT_EVENT] =
        "INSERT OR IGNORE INTO events(machine_id, boot_id, seq, at_ms, received_ms, kind, adapter,"
        " reason_code, detail, since_ms, http_status, curl_code, agent_at_ms)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_INSERT_GAP] =
        "INSERT OR IGNORE INTO gaps(machine_id, start_ms, end_ms, last_gasp, rebooted,"
        " before_sw, before_port, before_subnet, before_bssid, after_sw,"
        " after_sw_name, after_port, after_subnet, after_bssid)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_PING] = "SELECT 1 FROM machine_info LIMIT 1",
    [ST_RUN_START] = "INSERT OR REPLACE INTO collector_runs(started_ms, alive_ms) VALUES(?1, ?1)",
    [ST_RUN_ALIVE] = "UPDATE collector_runs SET alive_ms=?1 WHERE started_ms ="
                     " (SELECT max(started_ms) FROM collector_runs)",
    [ST_RUN_STOP] = "UPDATE collector_runs SET alive_ms=?1, stopped_ms=?1 WHERE started_ms ="
                    " (SELECT max(started_ms) FROM collector_runs)",
    /* Another machine whose FQDN, short name or id equals this one's id, FQDN or short name
     * (?1 id, ?2 FQDN, ?3 its first label, ?4 the FQDN when it is a single label, else NULL):
     * each term is served by an index. */
    [ST_NAME_CLASH] = "SELECT machine_id, fqdn, released_ms > 0 AND key_hash IS NULL"
                      " FROM machine_info WHERE machine_id <> ?1 AND"
                      " (fqdn = ?2 OR fqdn = ?1 OR (fqdn >= ?1 || '.' AND fqdn < ?1 || '/')"
                      " OR (fqdn >= ?4 || '.' AND fqdn < ?4 || '/')"
                      " OR machine_id = ?2 OR machine_id = ?3) LIMIT 1",
    /* The Windows Update client, only when it changed (its fingerprint): most reports leave
     * it, and the indexed SusClientId, as they are. */
    [ST_UPDATE_WU] =
        "UPDATE machine_info SET wu_hash=?2, sus_client_id=?3, wu_server=?4, wu_status_server=?5,"
        " wu_route=?6, wu_route_why=?7, wu_route_since=?8, wu_scan_ok=?9, wu_scan_fail=?10,"
        " wu_scan_error=?11, wu_ms_scan=?12, wu_disabled=?13, wu_restart=?14 WHERE machine_id=?1",
};

static struct sqlite_store *from_base(struct whb_store *s)
{
    return (struct sqlite_store *)s;
}

static int migrate(sqlite3 *db, char *why, size_t whylen)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);

    int latest = whb_schema_latest();
    char step[16384];
    if (version > latest) {
        snprintf(why, whylen, "database schema %d is newer than this collector (%d)", version,
                 latest);
        return WHB_ESTORE;
    }
    for (int v = version; v < latest; v++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", v + 1);
        if (whb_schema_step(WHB_DIALECT_SQLITE, v, step, sizeof(step))) {
            snprintf(why, whylen, "migration to schema %d does not fit", v + 1);
            return WHB_ESTORE;
        }
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, step, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            snprintf(why, whylen, "migration to schema %d failed: %s", v + 1, sqlite3_errmsg(db));
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return WHB_ESTORE;
        }
        whb_log_info("store: schema migrated to version %d", v + 1);
    }
    return 0;
fail:
    snprintf(why, whylen, "%s", sqlite3_errmsg(db));
    return WHB_ESTORE;
}

static void sqlite_close(struct whb_store *base)
{
    struct sqlite_store *s = from_base(base);
    if (!s)
        return;
    for (int i = 0; i < ST_COUNT_; i++)
        sqlite3_finalize(s->st[i]);
    whb_sqlite_read_finalize(base);
    whb_sqlite_wsus_finalize(s);
    whb_sqlite_switch_finalize(s);
    whb_sqlite_admin_finalize(s);
    whb_sqlite_wu_finalize(s);
    sqlite3_close(s->db);
    free(s);
}

/* The database holds key hashes and the fleet's whereabouts: owner only, or owner and group.
 * SQLite gives -wal and -shm the database file's mode, so creating it first is enough; files
 * left by older versions are tightened too. */
static int sqlite_secure(const char *path, const char *group, char *why, size_t whylen)
{
    mode_t mode = group && group[0] ? 0640 : 0600;
    gid_t gid = (gid_t)-1;
    if (group && group[0]) {
        struct group *gr = getgrnam(group);
        if (!gr) {
            snprintf(why, whylen, "store.group: no group %s", group);
            return WHB_EINVAL;
        }
        gid = gr->gr_gid;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return WHB_EIO;
    }
    int rc = fchmod(fd, mode) || (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid));
    if (rc)
        snprintf(why, whylen, "%s: cannot set mode %o%s%s: %s", path, (unsigned)mode,
                 gid != (gid_t)-1 ? " and group " : "", gid != (gid_t)-1 ? group : "",
                 strerror(errno));
    close(fd);
    for (int i = 0; !rc && i < 2; i++) {
        char side[WHB_CONFIG_PATH_MAX + 8];
        snprintf(side, sizeof(side), "%s%s", path, i ? "-shm" : "-wal");
        if (chmod(side, mode) == 0 && gid != (gid_t)-1 && chown(side, (uid_t)-1, gid))
            rc = 1;
    }
    return rc ? WHB_EIO : 0;
}

static int sqlite_open(const char *path, struct whb_store **out, char *why, size_t whylen)
{
    struct sqlite_store *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->base.ops = &whb_store_sqlite;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(why, whylen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL + synchronous=FULL: a commit is on disk when COMMIT returns, so an ack sent after it
     * survives kill -9 and power loss; readers never block the writer. Reads go through a
     * memory map rather than copies into the page cache. */
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA cache_size=-65536; PRAGMA mmap_size=4294967296;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(why, whylen, "%s: %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    if (migrate(s->db, why, whylen))
        goto fail;
    for (int i = 0; i < ST_COUNT_; i++) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
                               NULL) != SQLITE_OK) {
            snprintf(why, whylen, "prepare: %s", sqlite3_errmsg(s->db));
            goto fail;
        }
    }
    *out = &s->base;
    return 0;
fail:
    sqlite_close(&s->base);
    return WHB_ESTORE;
}

static int run(struct sqlite_store *s, enum stmt_id id)
{
    sqlite3_stmt *st = s->st[id];
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        /* Every report of a full disk comes here: one line per call site and window. */
        whb_log_limited(WHB_LOG_ERROR, "store: %s: %s", stmt_sql[id], sqlite3_errmsg(s->db));
        return WHB_ESTORE;
    }
    return 0;
}

static int sqlite_begin(struct whb_store *base)
{
    return run(from_base(base), ST_BEGIN);
}

static int sqlite_commit(struct whb_store *base)
{
    return run(from_base(base), ST_COMMIT);
}

static void sqlite_rollback(struct whb_store *base)
{
    struct sqlite_store *s = from_base(base);
    if (!sqlite3_get_autocommit(s->db))
        run(s, ST_ROLLBACK);
}

static void bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    if (v && v[0])
        sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

/* A text column into a bounded buffer ("" for NULL), as whb_sqlite_text without snprintf:
 * the writer reads a row for every report. */
static void column_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    size_t n = t ? strnlen(t, len - 1) : 0;
    memcpy(out, t ? t : "", n);
    out[n] = '\0';
}

static int get_machine(struct sqlite_store *s, const char *machine_id, struct whb_store_row *row)
{
    sqlite3_stmt *st = s->st[ST_GET_MACHINE];
    memset(row, 0, sizeof(*row));
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row->found = 1;
        column_text(st, 0, row->fqdn, sizeof(row->fqdn));
        if (sqlite3_column_bytes(st, 1) == WHB_IDENTITY_HASH_LEN) {
            row->has_key = 1;
            memcpy(row->key_hash, sqlite3_column_blob(st, 1), WHB_IDENTITY_HASH_LEN);
        }
        column_text(st, 2, row->boot_id, sizeof(row->boot_id));
        row->last_seq = (uint64_t)sqlite3_column_int64(st, 3);
        row->last_seen = sqlite3_column_int64(st, 4);
        row->due_at = sqlite3_column_int64(st, 5);
        row->last_gasp = sqlite3_column_int(st, 6);
        column_text(st, 7, row->sw, sizeof(row->sw));
        column_text(st, 8, row->port, sizeof(row->port));
        column_text(st, 9, row->subnet, sizeof(row->subnet));
        column_text(st, 10, row->bssid, sizeof(row->bssid));
        row->net_lost_at = sqlite3_column_int64(st, 11);
        row->has_offset = sqlite3_column_type(st, 12) != SQLITE_NULL;
        row->clock_offset = sqlite3_column_int64(st, 12);
        row->clock_offset_at = sqlite3_column_int64(st, 13);
        row->net_back_at = sqlite3_column_int64(st, 14);
        row->online_since = sqlite3_column_int64(st, 15);
        column_text(st, 16, row->sw_name, sizeof(row->sw_name));
        column_text(st, 17, row->ssid, sizeof(row->ssid));
        column_text(st, 18, row->wsus_class, sizeof(row->wsus_class));
        row->released_ms = sqlite3_column_int64(st, 19);
        row->quota_events = sqlite3_column_int64(st, 20);
        row->quota_at = sqlite3_column_int64(st, 21);
        row->events_stored = sqlite3_column_int64(st, 22);
        row->wu_hash = (uint64_t)sqlite3_column_int64(st, 23);
        row->wu_route = sqlite3_column_int(st, 24);
        row->wu_route_since = sqlite3_column_int64(st, 25);
        row->live_fp = (uint64_t)sqlite3_column_int64(st, 26);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

/* The other machine (id and FQDN) that a new id or name would shadow in lookups, if any. */
static int name_clash(void *ctx, const Whb__V1__Machine *m, char *owner, size_t ownerlen,
                      char *owner_fqdn, size_t fqdnlen, int *released)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = s->st[ST_NAME_CLASH];
    size_t short_len = strcspn(m->fqdn, ".");
    owner[0] = owner_fqdn[0] = '\0';
    sqlite3_bind_text(st, 1, m->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->fqdn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->fqdn, (int)short_len, SQLITE_STATIC);
    if (!m->fqdn[short_len])
        sqlite3_bind_text(st, 4, m->fqdn, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(owner, ownerlen, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(owner_fqdn, fqdnlen, "%s", (const char *)sqlite3_column_text(st, 1));
        *released = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

static int insert_events(void *ctx, const struct whb_store_report *in,
                         const struct whb_clock_map *cm, int64_t *inserted)
{
    struct sqlite_store *s = ctx;
    const whb_report *r = in->report;
    sqlite3_stmt *st = s->st[ST_INSERT_EVENT];
    *inserted = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const whb_event *e = r->events[i];
        sqlite3_bind_text(st, 1, r->machine->machine_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, e->boot_id && e->boot_id[0] ? e->boot_id : r->boot_id, -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
        int64_t at = whb_store_event_at(cm, e, in->now_ms);
        sqlite3_bind_int64(st, 4, at);
        sqlite3_bind_int64(st, 5, in->now_ms);
        sqlite3_bind_int(st, 6, e->kind);
        bind_text(st, 7, e->adapter);
        sqlite3_bind_int64(st, 8, e->reason_code);
        bind_text(st, 9, e->detail);
        sqlite3_bind_int64(st, 10, whb_store_event_since(cm, e, at, in->now_ms));
        sqlite3_bind_int64(st, 11, e->http_status);
        sqlite3_bind_int64(st, 12, e->curl_code);
        sqlite3_bind_int64(st, 13, e->at_ms);
        if (run(s, ST_INSERT_EVENT))
            return WHB_ESTORE;
        *inserted += sqlite3_changes(s->db);
    }
    return 0;
}

static void bind_attachment(sqlite3_stmt *st, const struct whb_machine_view *v)
{
    bind_text(st, 13, v->primary_if);
    sqlite3_bind_int(st, 14, v->wireless);
    sqlite3_bind_int(st, 15, v->carrier);
    sqlite3_bind_int(st, 16, v->on_battery);
    bind_text(st, 17, v->sw_chassis);
    bind_text(st, 18, v->sw_name);
    bind_text(st, 19, v->sw_port);
    bind_text(st, 20, v->ssid);
    bind_text(st, 21, v->bssid);
    sqlite3_bind_int(st, 22, v->wifi_associated);
    bind_text(st, 23, v->subnet);
    bind_text(st, 24, v->wsus_class);
    bind_text(st, 25, v->wsus_url);
    sqlite3_bind_int64(st, 26, v->wsus_http);
    sqlite3_bind_int64(st, 27, v->wsus_curl);
    sqlite3_bind_int64(st, 28, v->wsus_at_ms);
    sqlite3_bind_int(st, 29, v->update_service);
}

/* Whether the report leaves every indexed column of the machine's row as stored (empty text
 * is stored as NULL and read back as ""). */
static int same_place(const struct whb_store_row *row, const Whb__V1__Machine *m,
                      const struct whb_machine_view *v)
{
    return !strcmp(row->fqdn, m->fqdn) && !strcmp(row->sw, v->sw_chassis) &&
           !strcmp(row->port, v->sw_port) && !strcmp(row->sw_name, v->sw_name) &&
           !strcmp(row->ssid, v->ssid) && !strcmp(row->bssid, v->bssid) &&
           !strcmp(row->subnet, v->subnet) && !strcmp(row->wsus_class, v->wsus_class);
}

static int write_update_client(struct sqlite_store *s, const struct whb_store_report *in,
                               const struct whb_store_row *row, const struct whb_machine_view *v)
{
    const struct whb_wu_view *u = &v->wu;
    uint64_t hash = whb_wu_view_hash(u);
    if (hash == row->wu_hash)
        return 0;
    sqlite3_stmt *st = s->st[ST_UPDATE_WU];
    sqlite3_bind_text(st, 1, in->report->machine->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)hash);
    bind_text(st, 3, u->sus_client_id);
    bind_text(st, 4, u->server);
    bind_text(st, 5, u->status_server);
    sqlite3_bind_int(st, 6, u->route);
    bind_text(st, 7, u->route_why);
    sqlite3_bind_int64(st, 8, whb_store_wu_route_since(row, v, in->now_ms));
    sqlite3_bind_int64(st, 9, u->scan_ok_ms);
    sqlite3_bind_int64(st, 10, u->scan_fail_ms);
    sqlite3_bind_int64(st, 11, u->scan_error);
    sqlite3_bind_int64(st, 12, u->ms_scan_ms);
    bind_text(st, 13, u->disabled);
    sqlite3_bind_int64(st, 14, u->restart_ms);
    return run(s, ST_UPDATE_WU);
}

static int write_live(struct sqlite_store *s, const struct whb_store_report *in, int64_t due,
                      const struct whb_net_story *net, const struct whb_clock_map *cm,
                      const struct whb_store_quota *q, uint64_t fp)
{
    sqlite3_stmt *st = s->st[ST_UPDATE_LIVE];
    sqlite3_bind_text(st, 1, in->report->machine->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, in->now_ms);
    sqlite3_bind_int64(st, 3, due);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)in->report->seq);
    sqlite3_bind_int64(st, 5, net->lost_at);
    sqlite3_bind_int64(st, 6, net->back_at);
    sqlite3_bind_int64(st, 7, net->online_since);
    sqlite3_bind_int64(st, 8, cm->offset);
    sqlite3_bind_int64(st, 9, cm->since);
    sqlite3_bind_int64(st, 10, q->events);
    sqlite3_bind_int64(st, 11, q->at);
    sqlite3_bind_int64(st, 12, q->stored);
    sqlite3_bind_int64(st, 13, (sqlite3_int64)fp);
    return run(s, ST_UPDATE_LIVE);
}

/* The wide row (machine_info): id is ST_UPDATE_SAME_PLACE when name and place are as stored.
 * Takes snap (SQLite frees it). */
static int write_info(struct sqlite_store *s, const struct whb_store_report *in, enum stmt_id id,
                      uint8_t *snap, size_t snap_len, const struct whb_machine_view *view)
{
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    sqlite3_stmt *st = s->st[id];
    sqlite3_bind_text(st, 1, m->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->fqdn, -1, SQLITE_STATIC);
    bind_text(st, 3, m->domain);
    bind_text(st, 4, m->os);
    bind_text(st, 5, m->agent_version);
    sqlite3_bind_int64(st, 7, r->interval_s);
    sqlite3_bind_text(st, 9, r->boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, r->last_gasp ? 1 : 0);
    if (snap) /* SQLite frees it: no copy */
        sqlite3_bind_blob(st, 12, snap, (int)snap_len, free);
    else
        sqlite3_bind_null(st, 12);
    bind_attachment(st, view);
    bind_text(st, 35, view->collector_url);
    sqlite3_bind_int64(st, 36, view->collector_rank);
    bind_text(st, 40, view->sw_mgmt);
    return run(s, id);
}

/* A new machine gets its identity row first; every report then updates the same columns.
 * back: this report ends a silence (or is the first), so the machine is online since now. */
static int write_machine(void *ctx, const struct whb_store_report *in,
                         const struct whb_store_row *row, int64_t due,
                         const struct whb_net_story *net, const struct whb_clock_map *cm,
                         const struct whb_machine_view *view, const struct whb_store_quota *q)
{
    struct sqlite_store *s = ctx;
    int insert = !row->found;
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    size_t snap_len = 0;
    int rc;

    if (insert) {
        sqlite3_stmt *st = s->st[ST_INSERT_MACHINE];
        sqlite3_bind_text(st, 1, m->machine_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, m->fqdn, -1, SQLITE_STATIC);
        bind_text(st, 3, m->domain);
        bind_text(st, 4, m->os);
        bind_text(st, 5, m->agent_version);
        if (in->mode == WHB_IDENTITY_KEY)
            sqlite3_bind_blob(st, 6, in->key_hash, WHB_IDENTITY_HASH_LEN, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 6);
        sqlite3_bind_int64(st, 7, in->now_ms);
        sqlite3_bind_int64(st, 8, r->interval_s);
        sqlite3_bind_int64(st, 9, due);
        sqlite3_bind_text(st, 10, r->boot_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)r->seq);
        sqlite3_bind_int(st, 12, r->last_gasp ? 1 : 0);
        sqlite3_bind_null(st, 13);
        bind_text(st, 14, in->source_ip);
        /* A machine certificate from the domain's CA is proven; a key from the token is not
         * until an admin reviews it (whb enrollments). */
        sqlite3_bind_int64(st, 15, in->mode == WHB_IDENTITY_MTLS ? in->now_ms : 0);
        if ((rc = run(s, ST_INSERT_MACHINE)))
            return rc;
    }
    uint8_t *snap = r->snapshot ? whb_wire_snapshot_pack(r->snapshot, &snap_len) : NULL;
    if (r->snapshot && !snap)
        return WHB_ENOMEM;

    int same = !insert && same_place(row, m, view);
    uint64_t fp = whb_store_info_fingerprint(in, snap, snap_len, view);
    if (same && fp == row->live_fp) /* only the moving columns: the narrow row alone */
        free(snap);
    else if ((rc = write_info(s, in, same ? ST_UPDATE_SAME_PLACE : ST_UPDATE_MACHINE, snap,
                              snap_len, view)))
        return rc;
    if ((rc = write_live(s, in, due, net, cm, q, fp)) ||
        (rc = write_update_client(s, in, row, view)))
        return rc;
    return whb_sqlite_note_ips(s, m->machine_id, r->snapshot, in->now_ms);
}

/* A report after the due time ends a silence: keep it as a gap to explain, with what both of
 * its ends looked like (a last gasp before it, a reboot and a new attachment after it). */
static int note_gap(void *ctx, const struct whb_store_report *in, const struct whb_store_row *row,
                    const struct whb_machine_view *after)
{
    struct sqlite_store *s = ctx;
    const whb_report *r = in->report;
    sqlite3_stmt *st = s->st[ST_INSERT_GAP];
    sqlite3_bind_text(st, 1, r->machine->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, row->last_seen);
    sqlite3_bind_int64(st, 3, in->now_ms);
    sqlite3_bind_int(st, 4, row->last_gasp);
    sqlite3_bind_int(st, 5, whb_store_rebooted(in, row));
    bind_text(st, 6, row->sw);
    bind_text(st, 7, row->port);
    bind_text(st, 8, row->subnet);
    bind_text(st, 9, row->bssid);
    bind_text(st, 10, after->sw_chassis);
    bind_text(st, 11, after->sw_name);
    bind_text(st, 12, after->sw_port);
    bind_text(st, 13, after->subnet);
    bind_text(st, 14, after->bssid);
    return run(s, ST_INSERT_GAP);
}

/* A resend only says the machine was alive (whb_store_resend_alive). */
static int touch_machine(void *ctx, const struct whb_store_report *in, int64_t alive, int64_t due,
                         const struct whb_net_story *net, const struct whb_clock_map *cm,
                         const struct whb_store_quota *q)
{
    struct sqlite_store *s = ctx;
    sqlite3_stmt *st = s->st[ST_TOUCH_MACHINE];
    sqlite3_bind_text(st, 1, in->report->machine->machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, alive);
    sqlite3_bind_int64(st, 3, due);
    sqlite3_bind_int64(st, 4, net->lost_at);
    sqlite3_bind_int64(st, 5, cm->offset);
    sqlite3_bind_int64(st, 6, cm->since);
    sqlite3_bind_int64(st, 7, net->back_at);
    sqlite3_bind_int64(st, 8, net->online_since);
    sqlite3_bind_int64(st, 9, q->events);
    sqlite3_bind_int64(st, 10, q->at);
    sqlite3_bind_int64(st, 11, q->stored);
    return run(s, ST_TOUCH_MACHINE);
}

static const struct whb_store_put_ops put_ops;

static int bind_machine(void *ctx, const struct whb_store_report *in, struct whb_store_row *row,
                        struct whb_store_result *out)
{
    struct sqlite_store *s = ctx;
    int rc = get_machine(s, in->report->machine->machine_id, row);
    return rc ? rc : whb_store_check_identity(&put_ops, s, in, row, name_clash, out);
}

static const struct whb_store_put_ops put_ops = {
    .bind = bind_machine,
    .insert_events = insert_events,
    .note_gap = note_gap,
    .touch = touch_machine,
    .write = write_machine,
    .refuse = whb_sqlite_refuse,
    .wsus_listed = whb_sqlite_wsus_listed,
    .drop_machine = whb_sqlite_drop,
    .rebind = whb_sqlite_rebind,
    .prune = whb_sqlite_prune,
};

static int sqlite_put_report(struct whb_store *base, const struct whb_store_report *in,
                             struct whb_store_result *out)
{
    return whb_store_put(&put_ops, from_base(base), in, out);
}

/* The collector's own runs: a start, an alive mark now and then, a clean stop. A run with no
 * stop ended uncleanly at its last alive mark. */
static int sqlite_mark_run(struct whb_store *base, enum whb_run_mark mark, int64_t now_ms)
{
    struct sqlite_store *s = from_base(base);
    enum stmt_id id = mark == WHB_RUN_START  ? ST_RUN_START
                      : mark == WHB_RUN_STOP ? ST_RUN_STOP
                                             : ST_RUN_ALIVE;
    sqlite3_bind_int64(s->st[id], 1, now_ms);
    return run(s, id);
}

static int sqlite_count_machines(struct whb_store *base, int64_t now_ms, uint64_t *known,
                                 uint64_t *silent)
{
    return whb_census_count_machines(base, whb_sqlite_count, now_ms, known, silent);
}

static int sqlite_ping(struct whb_store *base)
{
    return run(from_base(base), ST_PING);
}

const struct whb_store_ops whb_store_sqlite = {
    .name = "sqlite",
    .secure = sqlite_secure,
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .put_report = sqlite_put_report,
    .count_machines = sqlite_count_machines,
    .ping = sqlite_ping,
    .mark_run = sqlite_mark_run,
    .downtimes = whb_sqlite_downtimes,
    .collectors = whb_sqlite_collectors,
    .get_machine = whb_store_get_machine,
    .find_machines = whb_store_find_machines,
    .lookup_name = whb_sqlite_lookup_name,
    .get_events = whb_sqlite_get_events,
    .get_gaps = whb_sqlite_get_gaps,
    .peer_group = whb_sqlite_peer_group,
    .fleet_group = whb_sqlite_fleet_group,
    .each_machine = whb_sqlite_each_machine,
    .network_groups = whb_sqlite_network_groups,
    .wsus_summary = whb_sqlite_wsus_summary,
    .wsus_failing = whb_sqlite_wsus_failing,
    .wsus_stage = whb_sqlite_wsus_stage,
    .wsus_finish = whb_sqlite_wsus_finish,
    .wsus_not_reported = whb_sqlite_wsus_not_reported,
    .wsus_match = whb_sqlite_wsus_match,
    .machine_by_ip = whb_sqlite_machine_by_ip,
    .fleet_rows = whb_sqlite_fleet_rows,
    .put_switch = whb_sqlite_put_switch,
    .switch_port = whb_sqlite_switch_port,
    .switch_events = whb_sqlite_switch_events,
    .each_switch_port = whb_sqlite_each_switch_port,
    .prune_switch = whb_sqlite_prune_switch,
    .switch_name_at = whb_sqlite_switch_name_at,
    .key_known = whb_sqlite_key_known,
    .enrollments = whb_sqlite_enrollments,
    .admin = whb_sqlite_admin,
    .refusals = whb_sqlite_refusals,
    .wsus_find = whb_sqlite_wsus_find,
    .each_name = whb_sqlite_each_name,
    .wu_same_id = whb_sqlite_wu_same_id,
    .wu_fleet = whb_sqlite_wu_fleet,
    .wsus_by_id = whb_sqlite_wsus_by_id,
};
