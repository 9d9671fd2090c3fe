/* The SQLite store's read side: machines, events, gaps, neighbours and walks (the WSUS list:
 * store_wsus.c).
 * Every query is served by an index (due_at, fqdn, sw_chassis, bssid, subnet, wsus_class,
 * events by machine and time), so an answer does not scan the fleet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/census.h"
#include "store/logic.h"
#include "store/peer_cache.h"
#include "store/sqlite.h"

/* Schema 12: machines is a view of machine_info and machine_live whose machine_id is
 * machine_live's, so that lists by due time seek on (due_at, machine_id) in machine_live_due.
 * Lists by place order by machine_info's indexes, whose machine_id is machine_info's: the
 * unqualified machine_id of this join (USING names the left table's). */
#define PLACED "machine_info JOIN machine_live USING (machine_id)"
/* Counts of every machine, or by a column of one table, read that table alone (each machine
 * has a row in both). */
#define MACHINE_COLS                                                                               \
    "machine_id, fqdn, first_seen, last_seen, due_at, interval_s, last_gasp, primary_if,"          \
    " wireless, carrier, on_battery, sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated,"  \
    " subnet, wsus_class, wsus_url, wsus_http, wsus_curl, wsus_at, update_service, os,"            \
    " collector_url, collector_rank, clock_offset, wu_hash, sus_client_id, wu_server,"             \
    " wu_status_server, wu_route, wu_route_why, wu_route_since, wu_scan_ok, wu_scan_fail,"         \
    " wu_scan_error, wu_ms_scan, wu_disabled, wu_restart, wsus_since, sw_mgmt"

/* Issue 22: only proven machines (reviewed by an admin, certified, or known before reviews
 * existed) move a neighbour's answer (whb_store_peer_tally); the fleet counts only them. */
#define UNPROVEN "reviewed_ms = 0"
/* A gap that ended where it began: back on the same switch, subnet and access point (an end
 * not known yet, its LLDP not heard at the return, is taken for the same). */
#define SAME_PLACE                                                                                 \
    "(coalesce(after_sw, '') IN ('', coalesce(before_sw, '')) AND coalesce(after_subnet, '') IN"   \
    " ('', coalesce(before_subnet, '')) AND coalesce(after_bssid, '') IN ('',"                     \
    " coalesce(before_bssid, '')))"
#define BACK_HERE "CASE WHEN " SAME_PLACE " THEN end_ms ELSE 0 END"
/* A gap's machine is proven. EXISTS, not IN (SELECT ...): SQLite made the whole list of proven
 * machines for every count (a second a `why` on a million machines); this walks the gaps in
 * the window and looks each machine up by its key. */
#define PROVEN_ID                                                                                  \
    "EXISTS (SELECT 1 FROM machines p WHERE p.machine_id = gaps.machine_id AND p.reviewed_ms > 0)"

enum read_id {
    RD_BY_FQDN,
    RD_BY_SHORT,
    RD_BY_ID,
    RD_EVENTS,
    RD_GAPS,
    RD_PEERS_SWITCH,
    RD_PEERS_AP,
    RD_PEERS_SUBNET,
    RD_GAP_NEAR,
    RD_SILENT,
    RD_SWITCH,
    RD_WIFI_BSSID,
    RD_WIFI_SSID,
    RD_WIFI_ALL,
    RD_ALL,
    RD_WSUS_FAILING,
    RD_WSUS_GROUPS,
    RD_GAP_COVERING,
    RD_FLEET_SILENT,
    RD_FLEET_GAPS,
    RD_FLEET_KNOWN,
    RD_FLEET_NEWCOMERS,
    RD_FLEET_SILENT_AT,
    RD_FLEET_GAPS_AT,
    RD_RUNS,
    RD_LAST_RUN,
    RD_SILENT_AFTER,
    RD_SILENT_IDS,
    RD_SILENT_IDS_AFTER,
    RD_FLEET_ROWS,
    RD_COUNT_ALL,
    RD_COUNT_FIRST_AFTER,
    RD_COUNT_DUE_BEFORE,
    RD_COUNT_DUE_FROM,
    RD_PEERS_SWITCH_THEN,
    RD_PEERS_AP_THEN,
    RD_PEERS_SUBNET_THEN,
    RD_RETURNED_SWITCH,
    RD_RETURNED_AP,
    RD_RETURNED_SUBNET,
    RD_COUNT_
};

_Static_assert((int)RD_COUNT_ <= (int)WHB_SQLITE_READ_STMTS, "raise WHB_SQLITE_READ_STMTS");

_Static_assert(WHB_STORE_MATCH_MAX == 8, "RD_BY_SHORT's LIMIT lists WHB_STORE_MATCH_MAX");

static const char *const read_sql[RD_COUNT_] = {
    [RD_BY_FQDN] = "SELECT " MACHINE_COLS " FROM machines WHERE fqdn = ?1",
    /* A short name matches the FQDN's first label: a range on the NOCASE index. */
    [RD_BY_SHORT] = "SELECT " MACHINE_COLS " FROM machines WHERE fqdn >= ?1 || '.' AND"
                    " fqdn < ?1 || '/' LIMIT 8",
    [RD_BY_ID] = "SELECT " MACHINE_COLS " FROM machines WHERE machine_id = ?1",
    [RD_EVENTS] =
        "SELECT at_ms, kind, adapter, reason_code, detail, since_ms, http_status,"
        " curl_code, received_ms FROM events WHERE machine_id=?1 AND at_ms BETWEEN ?2 AND ?3"
        " ORDER BY at_ms DESC LIMIT ?4",
    [RD_GAPS] = "SELECT start_ms, end_ms, last_gasp, rebooted, before_sw, before_port,"
                " before_subnet, before_bssid, after_sw, after_sw_name, after_port, after_subnet,"
                " after_bssid FROM gaps WHERE machine_id=?1 ORDER BY start_ms DESC"
                " LIMIT ?2",
    [RD_PEERS_SWITCH] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE sw_chassis=?1 LIMIT 1024",
    [RD_PEERS_AP] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE bssid=?1 LIMIT 1024",
    [RD_PEERS_SUBNET] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE subnet=?1 LIMIT 1024",
    /* A silence it announced (a last gasp) has its own cause: not a shared one. */
    /* A past silence: the machines on it now, and those that were on it when their own
     * silence began with this one's (just back, a machine's switch may not be heard yet),
     * each once however many of its gaps began in the window. */
    [RD_PEERS_SWITCH_THEN] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE sw_chassis=?1 UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, min(g.before_port), m.first_seen, 0, "
        "m.reviewed_ms = 0"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_sw=?1"
        " AND g.start_ms BETWEEN ?2 AND ?3 AND g.last_gasp = 0"
        " AND coalesce(m.sw_chassis, '') <> ?1 GROUP BY m.machine_id LIMIT 1024",
    [RD_PEERS_AP_THEN] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE bssid=?1 UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, m.sw_port, m.first_seen, 0, m.reviewed_ms = 0"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_bssid=?1"
        " AND g.start_ms BETWEEN ?2 AND ?3 AND g.last_gasp = 0"
        " AND coalesce(m.bssid, '') <> ?1 GROUP BY m.machine_id LIMIT 1024",
    [RD_PEERS_SUBNET_THEN] =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE subnet=?1 UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, min(g.before_port), m.first_seen, 0, "
        "m.reviewed_ms = 0"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_subnet=?1"
        " AND g.start_ms BETWEEN ?2 AND ?3 AND g.last_gasp = 0"
        " AND coalesce(m.subnet, '') <> ?1 GROUP BY m.machine_id LIMIT 1024",
    /* Now: who is back from a silence on it that began within the window (at most 64), and
     * when, if where it went quiet (0: elsewhere). */
    [RD_RETURNED_SWITCH] = "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN ?2"
                           " AND ?3 AND last_gasp = 0 AND before_sw = ?1 LIMIT 64",
    [RD_RETURNED_AP] = "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN ?2"
                       " AND ?3 AND last_gasp = 0 AND before_bssid = ?1 LIMIT 64",
    [RD_RETURNED_SUBNET] = "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN ?2"
                           " AND ?3 AND last_gasp = 0 AND before_subnet = ?1 LIMIT 64",
    [RD_GAP_NEAR] =
        "SELECT CASE WHEN " SAME_PLACE
        " THEN end_ms ELSE -1 END FROM gaps WHERE machine_id=?1 AND start_ms BETWEEN ?2 AND ?3"
        " AND last_gasp = 0 AND coalesce(CASE ?4 WHEN 0 THEN before_sw WHEN 1 THEN"
        " before_bssid ELSE before_subnet END, ?5) = ?5 LIMIT 1",
    /* machines_due holds (due_at, machine_id): the descending scan is that order, and a
     * cursor is a seek on both (a run of machines with one due time, as after a long
     * collector downtime, is not scanned again for each chunk). */
    [RD_SILENT] = "SELECT " MACHINE_COLS " FROM machines WHERE due_at < ?1"
                  " ORDER BY due_at DESC, machine_id DESC LIMIT ?2",
    [RD_SILENT_AFTER] = "SELECT " MACHINE_COLS " FROM machines WHERE (due_at, machine_id) <"
                        " (?3, ?4) ORDER BY due_at DESC, machine_id DESC LIMIT ?2",
    [RD_SILENT_IDS] = "SELECT machine_id, due_at FROM machines WHERE due_at < ?1"
                      " ORDER BY due_at DESC, machine_id DESC LIMIT ?2",
    [RD_SILENT_IDS_AFTER] = "SELECT machine_id, due_at FROM machines WHERE (due_at, machine_id) <"
                            " (?3, ?4) ORDER BY due_at DESC, machine_id DESC LIMIT ?2",
    /* A switch's machines by port, then id: the machines whose chassis is ?1 and those whose
     * switch is named ?1 (on another chassis), each a walk of its index from the cursor
     * (?4, ?5: '' and '' from the start; the seek is to the port), merged. */
    [RD_SWITCH] =
        "SELECT * FROM (SELECT " MACHINE_COLS ", coalesce(sw_port, '') AS k FROM " PLACED ""
        " WHERE sw_chassis = ?1 AND (?2 = '' OR coalesce(sw_port, '') = ?2) AND"
        " coalesce(sw_port, '') >= ?4 AND (coalesce(sw_port, ''), machine_id) > (?4, ?5)"
        " ORDER BY coalesce(sw_port, ''), machine_id LIMIT ?3)"
        " UNION ALL SELECT * FROM (SELECT " MACHINE_COLS ", coalesce(sw_port, '') FROM " PLACED ""
        " WHERE sw_name = ?1 AND sw_chassis IS NOT ?1 AND"
        " (?2 = '' OR coalesce(sw_port, '') = ?2) AND"
        " coalesce(sw_port, '') >= ?4 AND (coalesce(sw_port, ''), machine_id) > (?4, ?5)"
        " ORDER BY coalesce(sw_port, ''), machine_id LIMIT ?3)"
        " ORDER BY k, machine_id LIMIT ?3",
    /* A wireless network's machines by BSSID, then id, from the cursor (?4, ?5): one BSSID (?2),
     * one SSID (?1), or every machine with either. */
    [RD_WIFI_BSSID] = "SELECT " MACHINE_COLS " FROM " PLACED " WHERE bssid = ?2 AND"
                      " (?1 = '' OR ssid = ?1) AND (bssid, machine_id) > (?4, ?5) AND"
                      " machine_id >= ?5 ORDER BY machine_id LIMIT ?3",
    /* An index seeks on its expression's range, not on a row value of it: the seek is to the
     * cursor's BSSID, the rest of its machines (an access point's) read past. */
    [RD_WIFI_SSID] = "SELECT " MACHINE_COLS " FROM " PLACED " WHERE ssid = ?1 AND"
                     " coalesce(bssid, '') >= ?4 AND (coalesce(bssid, ''), machine_id) > (?4, ?5)"
                     " ORDER BY coalesce(bssid, ''), machine_id LIMIT ?3",
    [RD_WIFI_ALL] = "SELECT " MACHINE_COLS " FROM " PLACED " WHERE (ssid IS NOT NULL OR"
                    " bssid IS NOT NULL) AND coalesce(bssid, '') >= ?4 AND"
                    " (coalesce(bssid, ''), machine_id) > (?4, ?5)"
                    " ORDER BY coalesce(bssid, ''), machine_id LIMIT ?3",
    [RD_ALL] = "SELECT " MACHINE_COLS " FROM machines ORDER BY fqdn LIMIT ?3",
    [RD_WSUS_FAILING] = "SELECT count(*) FROM machines WHERE wsus_class = ?1 AND due_at >= ?2",
    [RD_WSUS_GROUPS] = "SELECT " MACHINE_COLS " FROM machines WHERE wsus_class <> 'ok' AND"
                       " due_at >= ?1 ORDER BY wsus_class LIMIT ?2",
    /* Silent at ?2: a gap around it (silences longer than a week are not looked for). */
    [RD_GAP_COVERING] = "SELECT 1 FROM gaps WHERE machine_id=?1 AND start_ms BETWEEN ?2 - 604800000"
                        " AND ?3 AND end_ms >= ?2 LIMIT 1",
    [RD_FLEET_SILENT] = "SELECT count(*), count(DISTINCT subnet) FROM machines WHERE reviewed_ms > "
                        "0 AND due_at < ?1"
                        " AND last_seen BETWEEN ?2 AND ?3",
    [RD_FLEET_GAPS] = "SELECT count(DISTINCT machine_id), count(DISTINCT before_subnet) FROM gaps"
                      " WHERE start_ms BETWEEN ?1 AND ?2 AND end_ms < ?3 AND " PROVEN_ID,
    [RD_FLEET_KNOWN] = "SELECT count(*) FROM machines WHERE reviewed_ms > 0 AND first_seen <= ?1",
    [RD_FLEET_NEWCOMERS] = "SELECT count(*) FROM machines WHERE reviewed_ms > 0 AND first_seen > ?1"
                           " AND first_seen <= ?2",
    [RD_FLEET_SILENT_AT] = "SELECT count(*) FROM machines WHERE reviewed_ms > 0 AND due_at < ?1 AND"
                           " last_seen <= ?2",
    /* Silent at ?1 or within ?2 after it (and back before ?3: whb_store_fleet_ops). */
    [RD_FLEET_GAPS_AT] =
        "SELECT count(DISTINCT machine_id) FROM gaps WHERE start_ms BETWEEN"
        " ?1 - 604800000 AND ?1 + ?2 AND end_ms >= ?1 AND end_ms < ?3 AND " PROVEN_ID,
    /* Every machine (the census sorts them): both tables walked in their key's order, one
     * beside the other; without the order SQLite walks an index of machine_info and looks
     * each row up in both (twice the time at 200,000 machines). */
    [RD_FLEET_ROWS] = "SELECT first_seen, last_seen, due_at, subnet, reviewed_ms > 0 FROM " PLACED
                      " ORDER BY machine_id",
    /* count(*) walks the smallest index (first_seen's); the others a range of theirs. */
    [RD_COUNT_ALL] = "SELECT count(*) FROM machine_live",
    [RD_COUNT_FIRST_AFTER] = "SELECT count(*) FROM machine_info WHERE first_seen > ?1",
    [RD_COUNT_DUE_BEFORE] = "SELECT count(*) FROM machine_live WHERE due_at < ?1",
    [RD_COUNT_DUE_FROM] = "SELECT count(*) FROM machine_live WHERE due_at >= ?1",
    [RD_LAST_RUN] = "SELECT started_ms, alive_ms, coalesce(stopped_ms, 0) FROM collector_runs"
                    " ORDER BY started_ms DESC LIMIT 1",
    [RD_RUNS] = "SELECT started_ms, alive_ms, stopped_ms FROM collector_runs WHERE started_ms >="
                " (SELECT coalesce(max(started_ms), 0) FROM collector_runs WHERE started_ms <= ?1)"
                " AND started_ms <= ?2 ORDER BY started_ms LIMIT 64",
};

static struct sqlite_store *sq(struct whb_store *s)
{
    return (struct sqlite_store *)s;
}

static sqlite3_stmt *stmt(struct whb_store *base, enum read_id id)
{
    struct sqlite_store *s = sq(base);
    if (!s->rd[id] &&
        sqlite3_prepare_v3(s->db, read_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->rd[id], NULL)) {
        whb_log_error("store: prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_reset(s->rd[id]);
    sqlite3_clear_bindings(s->rd[id]);
    return s->rd[id];
}

void whb_sqlite_read_finalize(struct whb_store *base)
{
    for (int i = 0; i < RD_COUNT_; i++)
        sqlite3_finalize(sq(base)->rd[i]);
}

void whb_sqlite_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, len, "%s", t ? (const char *)t : "");
}

static void machine_row(sqlite3_stmt *st, struct whb_machine_view *m)
{
    memset(m, 0, sizeof(*m));
    whb_sqlite_text(st, 0, m->machine_id, sizeof(m->machine_id));
    whb_sqlite_text(st, 1, m->fqdn, sizeof(m->fqdn));
    m->first_seen_ms = sqlite3_column_int64(st, 2);
    m->last_seen_ms = sqlite3_column_int64(st, 3);
    m->due_ms = sqlite3_column_int64(st, 4);
    m->interval_s = (unsigned)sqlite3_column_int(st, 5);
    m->last_gasp = sqlite3_column_int(st, 6);
    whb_sqlite_text(st, 7, m->primary_if, sizeof(m->primary_if));
    m->wireless = sqlite3_column_int(st, 8);
    m->carrier = sqlite3_column_int(st, 9);
    m->on_battery = sqlite3_column_int(st, 10);
    whb_sqlite_text(st, 11, m->sw_chassis, sizeof(m->sw_chassis));
    whb_sqlite_text(st, 12, m->sw_name, sizeof(m->sw_name));
    whb_sqlite_text(st, 13, m->sw_port, sizeof(m->sw_port));
    whb_sqlite_text(st, 14, m->ssid, sizeof(m->ssid));
    whb_sqlite_text(st, 15, m->bssid, sizeof(m->bssid));
    m->wifi_associated = sqlite3_column_int(st, 16);
    whb_sqlite_text(st, 17, m->subnet, sizeof(m->subnet));
    whb_sqlite_text(st, 18, m->wsus_class, sizeof(m->wsus_class));
    whb_sqlite_text(st, 19, m->wsus_url, sizeof(m->wsus_url));
    m->wsus_http = (unsigned)sqlite3_column_int(st, 20);
    m->wsus_curl = sqlite3_column_int(st, 21);
    m->wsus_at_ms = sqlite3_column_int64(st, 22);
    m->update_service = sqlite3_column_int(st, 23);
    whb_sqlite_text(st, 24, m->os, sizeof(m->os));
    whb_sqlite_text(st, 25, m->collector_url, sizeof(m->collector_url));
    m->collector_rank = (unsigned)sqlite3_column_int(st, 26);
    m->wsus_since_ms = sqlite3_column_int64(st, 41);
    m->admin_up = 1;
    m->clock_offset_ms = sqlite3_column_int64(st, 27);
    struct whb_wu_view *u = &m->wu;
    u->known = sqlite3_column_int64(st, 28) != 0;
    whb_sqlite_text(st, 29, u->sus_client_id, sizeof(u->sus_client_id));
    whb_sqlite_text(st, 30, u->server, sizeof(u->server));
    whb_sqlite_text(st, 31, u->status_server, sizeof(u->status_server));
    u->route = (enum whb_wu_route)sqlite3_column_int(st, 32);
    whb_sqlite_text(st, 33, u->route_why, sizeof(u->route_why));
    u->route_since_ms = sqlite3_column_int64(st, 34);
    u->scan_ok_ms = sqlite3_column_int64(st, 35);
    u->scan_fail_ms = sqlite3_column_int64(st, 36);
    u->scan_error = (uint32_t)sqlite3_column_int64(st, 37);
    u->ms_scan_ms = sqlite3_column_int64(st, 38);
    whb_sqlite_text(st, 39, u->disabled, sizeof(u->disabled));
    u->restart_ms = sqlite3_column_int64(st, 40);
    whb_sqlite_text(st, 42, m->sw_mgmt, sizeof(m->sw_mgmt));
}

/* Adds the rows of one lookup to the distinct machines found so far (at most max). */
int whb_sqlite_lookup_name(struct whb_store *base, enum whb_store_name_kind kind, const char *key,
                           struct whb_machine_view *found, int max, int *n)
{
    sqlite3_stmt *st = stmt(base, kind == WHB_NAME_FQDN ? RD_BY_FQDN
                                  : kind == WHB_NAME_ID ? RD_BY_ID
                                                        : RD_BY_SHORT);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *mid = sqlite3_column_text(st, 0);
        if (mid && !whb_store_name_seen(found, *n, (const char *)mid) && *n < max)
            machine_row(st, &found[(*n)++]);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_get_events(struct whb_store *base, const char *machine_id, int64_t from, int64_t to,
                          struct whb_hist_event *out, int max, int *n)
{
    sqlite3_stmt *st = stmt(base, RD_EVENTS);
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int(st, 4, max);
    int rc;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct whb_hist_event *e = &out[*n];
        memset(e, 0, sizeof(*e));
        e->at_ms = sqlite3_column_int64(st, 0);
        e->kind = sqlite3_column_int(st, 1);
        whb_sqlite_text(st, 2, e->adapter, sizeof(e->adapter));
        e->reason_code = (uint32_t)sqlite3_column_int64(st, 3);
        whb_sqlite_text(st, 4, e->detail, sizeof(e->detail));
        e->since_ms = sqlite3_column_int64(st, 5);
        e->http_status = (uint32_t)sqlite3_column_int64(st, 6);
        e->curl_code = sqlite3_column_int(st, 7);
        e->received_ms = sqlite3_column_int64(st, 8);
        (*n)++;
    }
    sqlite3_reset(st);
    /* Newest first from the index; the engine reads in time order. */
    for (int i = 0; i < *n / 2; i++) {
        struct whb_hist_event t = out[i];
        out[i] = out[*n - 1 - i];
        out[*n - 1 - i] = t;
    }
    return 0;
}

int whb_sqlite_get_gaps(struct whb_store *base, const char *machine_id, struct whb_store_gap *out,
                        int max, int *n)
{
    sqlite3_stmt *st = stmt(base, RD_GAPS);
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
        struct whb_store_gap *g = &out[*n];
        memset(g, 0, sizeof(*g));
        g->start_ms = sqlite3_column_int64(st, 0);
        g->end_ms = sqlite3_column_int64(st, 1);
        g->last_gasp = sqlite3_column_int(st, 2);
        g->rebooted = sqlite3_column_int(st, 3);
        whb_sqlite_text(st, 4, g->before_sw, sizeof(g->before_sw));
        whb_sqlite_text(st, 5, g->before_port, sizeof(g->before_port));
        whb_sqlite_text(st, 6, g->before_subnet, sizeof(g->before_subnet));
        whb_sqlite_text(st, 7, g->before_bssid, sizeof(g->before_bssid));
        whb_sqlite_text(st, 8, g->after_sw, sizeof(g->after_sw));
        whb_sqlite_text(st, 9, g->after_sw_name, sizeof(g->after_sw_name));
        whb_sqlite_text(st, 10, g->after_port, sizeof(g->after_port));
        whb_sqlite_text(st, 11, g->after_subnet, sizeof(g->after_subnet));
        whb_sqlite_text(st, 12, g->after_bssid, sizeof(g->after_bssid));
        (*n)++;
    }
    sqlite3_reset(st);
    return 0;
}

static int64_t gap_query(struct whb_store *base, int covering, const char *machine_id, int64_t from,
                         int64_t to, enum whb_peer_kind kind, const char *key)
{
    enum read_id id = covering ? RD_GAP_COVERING : RD_GAP_NEAR;
    sqlite3_stmt *st = stmt(base, id);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    if (id == RD_GAP_NEAR) {
        sqlite3_bind_int(st, 4, whb_store_gap_group(kind));
        sqlite3_bind_text(st, 5, key, -1, SQLITE_TRANSIENT);
    }
    int64_t found =
        sqlite3_step(st) == SQLITE_ROW ? (covering ? 1 : sqlite3_column_int64(st, 0)) : 0;
    sqlite3_reset(st);
    return found;
}

int whb_sqlite_peer_group(struct whb_store *base, enum whb_peer_kind kind,
                          const struct whb_machine_view *m, int64_t now, int64_t anchor,
                          int64_t window, int with_gaps, struct whb_peer_group *out)
{
    enum read_id id =
        kind == WHB_PEERS_SWITCH         ? (with_gaps ? RD_PEERS_SWITCH_THEN : RD_PEERS_SWITCH)
        : kind == WHB_PEERS_ACCESS_POINT ? (with_gaps ? RD_PEERS_AP_THEN : RD_PEERS_AP)
                                         : (with_gaps ? RD_PEERS_SUBNET_THEN : RD_PEERS_SUBNET);
    const char *key = whb_store_peer_start(kind, m, out);
    if (!key)
        return WHB_ENOTFOUND;
    /* Collect first: the gap queries use other statements while this one is open. */
    struct whb_peer_row *peers = malloc(WHB_PEER_SCAN_MAX * sizeof(*peers));
    if (!peers)
        return WHB_ENOMEM;
    unsigned n = 0;
    int cached = !with_gaps && base->peer_cache &&
                 whb_peer_cache_get(base->peer_cache, kind, key, peers, &n);
    sqlite3_stmt *st = cached ? NULL : stmt(base, id);
    if (!cached && !st) {
        free(peers);
        return WHB_ESTORE;
    }
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        if (with_gaps) {
            sqlite3_bind_int64(st, 2, anchor - window);
            sqlite3_bind_int64(st, 3, anchor + window);
        }
    }
    while (st && n < WHB_PEER_SCAN_MAX && sqlite3_step(st) == SQLITE_ROW) {
        whb_sqlite_text(st, 0, peers[n].id, sizeof(peers[n].id));
        peers[n].last_seen = sqlite3_column_int64(st, 1);
        peers[n].due = sqlite3_column_int64(st, 2);
        whb_sqlite_text(st, 3, peers[n].port, sizeof(peers[n].port));
        peers[n].first_seen = sqlite3_column_int64(st, 4);
        peers[n].gasped = sqlite3_column_int(st, 5);
        peers[n].returned = 0;
        peers[n].returned_ms = 0;
        peers[n].unproven = sqlite3_column_int(st, 6);
        n++;
    }
    if (st) {
        sqlite3_reset(st);
        if (!with_gaps && base->peer_cache)
            whb_peer_cache_put(base->peer_cache, kind, key, peers, n);
    }
    if (!with_gaps && (st = stmt(base, kind == WHB_PEERS_SWITCH         ? RD_RETURNED_SWITCH
                                       : kind == WHB_PEERS_ACCESS_POINT ? RD_RETURNED_AP
                                                                        : RD_RETURNED_SUBNET))) {
        char id[WHB_WIRE_MAX_ID + 1];
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, anchor - window);
        sqlite3_bind_int64(st, 3, anchor + window);
        while (sqlite3_step(st) == SQLITE_ROW) {
            whb_sqlite_text(st, 0, id, sizeof(id));
            whb_store_peer_returned(peers, n, id, sqlite3_column_int64(st, 1));
        }
        sqlite3_reset(st);
    }
    whb_store_peer_tally(base, gap_query, m->machine_id, key, peers, n, now, anchor, window,
                         with_gaps, out);
    free(peers);
    return 0;
}

static int count2(struct whb_store *base, enum read_id id, int64_t a, int64_t b, int64_t c,
                  int64_t *x, int64_t *y)
{
    sqlite3_stmt *st = stmt(base, id);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    sqlite3_bind_int64(st, 3, c);
    int rc = sqlite3_step(st);
    *x = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (y)
        *y = rc == SQLITE_ROW && sqlite3_column_count(st) > 1 ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : WHB_ESTORE;
}

static int fleet_machines(struct whb_store *base, int64_t now, int64_t anchor, int64_t window,
                          int64_t until, struct whb_fleet_counts *out)
{
    memset(out, 0, sizeof(*out));
    if (count2(base, RD_FLEET_SILENT, now, anchor - window, anchor + window, &out->silent,
               &out->subnets) ||
        count2(base, RD_FLEET_KNOWN, anchor + window, 0, 0, &out->known, NULL) ||
        count2(base, RD_FLEET_SILENT_AT, now, until, 0, &out->silent_at, NULL))
        return WHB_ESTORE;
    return 0;
}

static int fleet_gaps(struct whb_store *base, int64_t anchor, int64_t window, int64_t ended_before,
                      int64_t *gapped, int64_t *gap_subnets, int64_t *gaps_at)
{
    if (count2(base, RD_FLEET_GAPS, anchor - window, anchor + window, ended_before, gapped,
               gap_subnets) ||
        count2(base, RD_FLEET_GAPS_AT, anchor, window, ended_before, gaps_at, NULL))
        return WHB_ESTORE;
    return 0;
}

static int fleet_newcomers(struct whb_store *base, int64_t after, int64_t until, int64_t *n)
{
    return count2(base, RD_FLEET_NEWCOMERS, after, until, 0, n, NULL);
}

static const struct whb_store_fleet_ops fleet_ops = {fleet_machines, fleet_gaps, fleet_newcomers};

int whb_sqlite_fleet_group(struct whb_store *base, int64_t now, int64_t anchor, int64_t window,
                           int64_t ended, struct whb_peer_group *out)
{
    return whb_store_fleet_group(base, &fleet_ops, now, anchor, window, ended, out);
}

/* One statement, one read transaction: the census is of one instant. */
int whb_sqlite_fleet_rows(struct whb_store *base, whb_store_census_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt(base, RD_FLEET_ROWS);
    int rc;
    if (!st)
        return WHB_ESTORE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct whb_census_row r = {
            sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
            (const char *)sqlite3_column_text(st, 3), sqlite3_column_int(st, 4)};
        if (fn(&r, arg))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_count(struct whb_store *base, enum whb_census_count what, int64_t arg, uint64_t *n)
{
    enum read_id id = what == WHB_COUNT_ALL           ? RD_COUNT_ALL
                      : what == WHB_COUNT_FIRST_AFTER ? RD_COUNT_FIRST_AFTER
                      : what == WHB_COUNT_DUE_BEFORE  ? RD_COUNT_DUE_BEFORE
                                                      : RD_COUNT_DUE_FROM;
    int64_t x = 0;
    int rc = count2(base, id, arg, 0, 0, &x, NULL);
    *n = (uint64_t)x;
    return rc;
}

int whb_sqlite_collectors(struct whb_store *base, whb_store_collector_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt(base, RD_LAST_RUN);
    if (!st)
        return WHB_ESTORE;
    struct whb_store_collector c = {.id = ""};
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c.started_ms = sqlite3_column_int64(st, 0);
        c.alive_ms = sqlite3_column_int64(st, 1);
        c.stopped_ms = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        fn(&c, arg);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_downtimes(struct whb_store *base, int64_t from, int64_t to, struct whb_downtime *out,
                         int max, int *n)
{
    sqlite3_stmt *st = stmt(base, RD_RUNS);
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int64_t prev_end = 0;
    int prev_clean = 0, have_prev = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t started = sqlite3_column_int64(st, 0);
        if (have_prev && *n < max && started >= from && prev_end <= to) {
            out[*n] = (struct whb_downtime){prev_end, started, prev_clean};
            (*n)++;
        }
        have_prev = 1;
        prev_clean = sqlite3_column_type(st, 2) != SQLITE_NULL;
        prev_end = prev_clean ? sqlite3_column_int64(st, 2) : sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_each_machine(struct whb_store *base, const struct whb_store_filter *f, int64_t now,
                            whb_store_machine_fn fn, void *arg)
{
    const struct whb_machine_view *after = f->after;
    const char *a = f->a ? f->a : "", *b = f->b ? f->b : "";
    int ids = f->kind == WHB_FILTER_SILENT && f->ids_only;
    enum read_id id = f->kind == WHB_FILTER_SILENT
                          ? (ids ? (after ? RD_SILENT_IDS_AFTER : RD_SILENT_IDS)
                                 : (after ? RD_SILENT_AFTER : RD_SILENT))
                      : f->kind == WHB_FILTER_SWITCH       ? RD_SWITCH
                      : f->kind == WHB_FILTER_WIFI         ? (b[0]   ? RD_WIFI_BSSID
                                                              : a[0] ? RD_WIFI_SSID
                                                                     : RD_WIFI_ALL)
                      : f->kind == WHB_FILTER_WSUS_FAILING ? RD_WSUS_GROUPS
                                                           : RD_ALL;
    sqlite3_stmt *st = stmt(base, id);
    struct whb_machine_view m;
    if (!st)
        return WHB_ESTORE;
    int64_t limit = f->limit ? (int64_t)f->limit : -1;
    if (f->kind == WHB_FILTER_SILENT || id == RD_WSUS_GROUPS) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, limit);
        if (after && f->kind == WHB_FILTER_SILENT) {
            sqlite3_bind_int64(st, 3, after->due_ms);
            sqlite3_bind_text(st, 4, after->machine_id, -1, SQLITE_TRANSIENT);
        }
    } else {
        sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, limit);
        /* The cursor: the last machine's key ('' from the start, before every machine). */
        sqlite3_bind_text(st, 4,
                          !after                       ? ""
                          : f->kind == WHB_FILTER_WIFI ? after->bssid
                                                       : after->sw_port,
                          -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, after ? after->machine_id : "", -1, SQLITE_TRANSIENT);
    }
    if (ids)
        memset(&m, 0, sizeof(m));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ids) { /* an index-only walk: the id and due time */
            whb_sqlite_text(st, 0, m.machine_id, sizeof(m.machine_id));
            m.due_ms = sqlite3_column_int64(st, 1);
        } else
            machine_row(st, &m);
        if (fn(&m, arg))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_network_groups(struct whb_store *base, int wireless, int64_t now,
                              whb_store_group_fn fn, void *arg)
{
    static const char *const sql[] = {
        "SELECT sw_chassis, max(sw_name), count(*), sum(due_at < ?1) FROM machines"
        " WHERE sw_chassis IS NOT NULL AND sw_chassis <> '' AND wireless = 0"
        " GROUP BY sw_chassis ORDER BY sw_chassis",
        "SELECT coalesce(ssid, ''), coalesce(bssid, ''), count(*), sum(due_at < ?1)"
        " FROM machines WHERE wireless = 1 AND (coalesce(ssid, '') <> '' OR"
        " coalesce(bssid, '') <> '') GROUP BY 1, 2 ORDER BY 1, 2"};
    sqlite3_stmt *st = NULL;
    int rc;
    if (sqlite3_prepare_v2(sq(base)->db, sql[wireless ? 1 : 0], -1, &st, NULL)) {
        sqlite3_finalize(st);
        return WHB_ESTORE;
    }
    sqlite3_bind_int64(st, 1, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *b = (const char *)sqlite3_column_text(st, 1);
        struct whb_store_net_group g = {a ? a : "", b ? b : "",
                                        (unsigned)sqlite3_column_int64(st, 2),
                                        (unsigned)sqlite3_column_int64(st, 3)};
        if (fn(&g, arg))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_wsus_summary(struct whb_store *base, int64_t stale_before, uint64_t *listed,
                            uint64_t *not_reported, uint64_t *with_agent)
{
    sqlite3_stmt *st = NULL;
    int rc = WHB_ESTORE;
    *listed = *not_reported = *with_agent = 0;
    if (sqlite3_prepare_v2(sq(base)->db,
                           "SELECT count(*), sum(w.last_status_ms = 0 OR w.last_status_ms < ?1),"
                           " sum((w.last_status_ms = 0 OR w.last_status_ms < ?1) AND"
                           " m.machine_id IS NOT NULL) FROM wsus_computers w"
                           " LEFT JOIN machine_info m ON m.fqdn = w.fqdn",
                           -1, &st, NULL))
        goto done;
    sqlite3_bind_int64(st, 1, stale_before);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *listed = (uint64_t)sqlite3_column_int64(st, 0);
        *not_reported = (uint64_t)sqlite3_column_int64(st, 1);
        *with_agent = (uint64_t)sqlite3_column_int64(st, 2);
        rc = 0;
    }
done:
    sqlite3_finalize(st);
    return rc;
}

int whb_sqlite_wsus_failing(struct whb_store *base, const char *cls, int64_t now, unsigned *n)
{
    sqlite3_stmt *st = stmt(base, RD_WSUS_FAILING);
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, cls, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = (unsigned)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}
