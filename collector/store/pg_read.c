/* The PostgreSQL store's read side: the same questions as store_read.c, in PostgreSQL's SQL
 * (citext for names, FILTER for counts, short names by expression index), so that any
 * collector sharing the database answers for the whole fleet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/census.h"
#include "store/logic.h"
#include "store/peer_cache.h"
#include "store/pg.h"

#define MACHINE_COLS                                                                               \
    "machine_id, fqdn, first_seen, last_seen, due_at, interval_s, last_gasp, primary_if,"          \
    " wireless, carrier, on_battery, sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated,"  \
    " subnet, wsus_class, wsus_url, wsus_http, wsus_curl, wsus_at, update_service, os,"            \
    " collector_url, collector_rank, clock_offset, wu_hash, sus_client_id, wu_server,"             \
    " wu_status_server, wu_route, wu_route_why, wu_route_since, wu_scan_ok, wu_scan_fail,"         \
    " wu_scan_error, wu_ms_scan, wu_disabled, wu_restart, wsus_since, sw_mgmt"

/* As sqlite_read.c: only proven machines move a neighbour's answer; the fleet counts them. */
#define UNPROVEN "(reviewed_ms = 0)::int"
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

enum pg_read {
    PR_BY_FQDN = WHB_PG_READ_BASE,
    PR_BY_SHORT,
    PR_BY_ID,
    PR_EVENTS,
    PR_GAPS,
    PR_PEERS_SWITCH,
    PR_PEERS_AP,
    PR_PEERS_SUBNET,
    PR_GAP_NEAR,
    PR_SILENT,
    PR_SWITCH,
    PR_WIFI_BSSID,
    PR_WIFI_SSID,
    PR_WIFI_ALL,
    PR_ALL,
    PR_WSUS_FAILING,
    PR_WSUS_GROUPS,
    PR_GAP_COVERING,
    PR_FLEET_SILENT,
    PR_FLEET_GAPS,
    PR_FLEET_KNOWN,
    PR_FLEET_SILENT_AT,
    PR_FLEET_GAPS_AT,
    PR_RUNS,
    PR_GROUPS_WIRED,
    PR_GROUPS_WIRELESS,
    PR_WSUS_SUMMARY,
    PR_SILENT_AFTER,
    PR_COLLECTORS,
    PR_COUNT_ALL,
    PR_COUNT_FIRST_AFTER,
    PR_COUNT_DUE_BEFORE,
    PR_COUNT_DUE_FROM,
    PR_PEERS_SWITCH_THEN,
    PR_PEERS_AP_THEN,
    PR_PEERS_SUBNET_THEN,
    PR_RETURNED_SWITCH,
    PR_RETURNED_AP,
    PR_RETURNED_SUBNET,
    PR_FLEET_NEWCOMERS,
    PR_END_
};

_Static_assert((int)PR_END_ <= (int)WHB_PG_WSUS_BASE, "read statements overlap WSUS ones");

#define PEER_SCAN_MAX 1024

static const char *const read_sql[PR_END_ - WHB_PG_READ_BASE] = {
#define R(id) [(id)-WHB_PG_READ_BASE]
    R(PR_BY_FQDN) = "SELECT " MACHINE_COLS " FROM machines WHERE fqdn = $1::citext",
    R(PR_BY_SHORT) = "SELECT " MACHINE_COLS " FROM machines WHERE"
                     " lower(split_part(fqdn::text, '.', 1)) = lower($1::text) AND"
                     " strpos(fqdn::text, '.') > 0 LIMIT 8",
    R(PR_BY_ID) = "SELECT " MACHINE_COLS " FROM machines WHERE machine_id = $1::text",
    R(PR_EVENTS) = "SELECT at_ms, kind, adapter, reason_code, detail, since_ms, http_status,"
                   " curl_code, received_ms FROM events WHERE machine_id=$1::text AND at_ms BETWEEN"
                   " $2::bigint AND $3::bigint ORDER BY at_ms DESC LIMIT $4::bigint",
    R(PR_GAPS) = "SELECT start_ms, end_ms, last_gasp, rebooted, before_sw, before_port,"
                 " before_subnet, before_bssid, after_sw, after_sw_name, after_port,"
                 " after_subnet, after_bssid FROM gaps WHERE machine_id=$1::text"
                 " ORDER BY start_ms DESC LIMIT $2::bigint",
    R(PR_PEERS_SWITCH) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE sw_chassis=$1::text LIMIT 1024",
    R(PR_PEERS_AP) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE bssid=$1::text LIMIT 1024",
    R(PR_PEERS_SUBNET) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE subnet=$1::text LIMIT 1024",
    /* A past silence: the machines on it now, and those that were on it when their own
     * silence began with this one's (just back, a machine's switch may not be heard yet). */
    R(PR_PEERS_SWITCH_THEN) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE sw_chassis=$1::text UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, min(g.before_port), m.first_seen, 0, "
        "(m.reviewed_ms = 0)::int"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_sw=$1::text"
        " AND g.start_ms BETWEEN $2::bigint AND $3::bigint AND g.last_gasp = 0"
        " AND coalesce(m.sw_chassis, '') <> $1::text GROUP BY m.machine_id LIMIT 1024",
    R(PR_PEERS_AP_THEN) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE bssid=$1::text UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, m.sw_port, m.first_seen, 0, (m.reviewed_ms = "
        "0)::int"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_bssid=$1::text"
        " AND g.start_ms BETWEEN $2::bigint AND $3::bigint AND g.last_gasp = 0"
        " AND coalesce(m.bssid, '') <> $1::text GROUP BY m.machine_id LIMIT 1024",
    R(PR_PEERS_SUBNET_THEN) =
        "SELECT machine_id, last_seen, due_at, sw_port, first_seen, last_gasp, " UNPROVEN
        " FROM machines WHERE subnet=$1::text UNION ALL"
        " SELECT m.machine_id, m.last_seen, m.due_at, min(g.before_port), m.first_seen, 0, "
        "(m.reviewed_ms = 0)::int"
        " FROM gaps g JOIN machines m ON m.machine_id = g.machine_id WHERE g.before_subnet=$1::text"
        " AND g.start_ms BETWEEN $2::bigint AND $3::bigint AND g.last_gasp = 0"
        " AND coalesce(m.subnet, '') <> $1::text GROUP BY m.machine_id LIMIT 1024",
    /* Now: who is back from a silence on it that began within the window (at most 64), and
     * when, if where it went quiet (0: elsewhere). */
    R(PR_RETURNED_SWITCH) =
        "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN $2::bigint AND"
        " $3::bigint AND last_gasp = 0 AND before_sw = $1::text LIMIT 64",
    R(PR_RETURNED_AP) =
        "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN $2::bigint AND"
        " $3::bigint AND last_gasp = 0 AND before_bssid = $1::text LIMIT 64",
    R(PR_RETURNED_SUBNET) =
        "SELECT machine_id, " BACK_HERE " FROM gaps WHERE start_ms BETWEEN $2::bigint AND"
        " $3::bigint AND last_gasp = 0 AND before_subnet = $1::text LIMIT 64",
    R(PR_GAP_NEAR) =
        "SELECT CASE WHEN " SAME_PLACE
        " THEN end_ms ELSE -1 END FROM gaps WHERE machine_id=$1::text AND start_ms BETWEEN"
        " $2::bigint AND $3::bigint AND last_gasp = 0 AND coalesce(CASE $4::int"
        " WHEN 0 THEN before_sw WHEN 1 THEN before_bssid ELSE before_subnet END,"
        " $5::text) = $5::text LIMIT 1",
    /* Lists in a total order, so that a cursor (the last machine given) resumes them: the
     * silent by (due, machine_id) descending (index machine_due_at), a switch's by port
     * and a wireless network's by BSSID, then machine_id. */
    R(PR_SILENT) = "SELECT " MACHINE_COLS " FROM machine_due d JOIN machines USING (machine_id)"
                   " WHERE d.due < $1::bigint ORDER BY d.due DESC, machine_id DESC"
                   " LIMIT $2::bigint",
    R(PR_SILENT_AFTER) =
        "SELECT " MACHINE_COLS " FROM machine_due d JOIN machines USING (machine_id)"
        " WHERE d.due < $1::bigint AND (d.due, machine_id) < ($3::bigint, $4::text)"
        " ORDER BY d.due DESC, machine_id DESC LIMIT $2::bigint",
    /* A switch's machines by port, then id, from the cursor ($4, $5: '' and '' from the
     * start): those whose chassis is $1 and those whose switch is named $1 (on another
     * chassis), each a walk of its index, merged. */
    R(PR_SWITCH) =
        "(SELECT " MACHINE_COLS ", coalesce(sw_port, '') AS k FROM machines"
        " WHERE sw_chassis = $1::text AND ($2::text = '' OR coalesce(sw_port, '') = $2::text)"
        " AND (coalesce(sw_port, ''), machine_id) > ($4::text, $5::text)"
        " ORDER BY coalesce(sw_port, ''), machine_id LIMIT $3::bigint)"
        " UNION ALL (SELECT " MACHINE_COLS ", coalesce(sw_port, '') FROM machines"
        " WHERE sw_name = $1::text AND sw_chassis IS DISTINCT FROM $1::text AND"
        " ($2::text = '' OR coalesce(sw_port, '') = $2::text)"
        " AND (coalesce(sw_port, ''), machine_id) > ($4::text, $5::text)"
        " ORDER BY coalesce(sw_port, ''), machine_id LIMIT $3::bigint)"
        " ORDER BY k, machine_id LIMIT $3::bigint",
    /* A wireless network's machines by BSSID, then id, from the cursor: one BSSID ($2), one
     * SSID ($1), or every machine with either. */
    R(PR_WIFI_BSSID) = "SELECT " MACHINE_COLS " FROM machines WHERE bssid = $2::text AND"
                       " ($1::text = '' OR ssid = $1::text) AND"
                       " (bssid, machine_id) > ($4::text, $5::text)"
                       " ORDER BY bssid, machine_id LIMIT $3::bigint",
    R(PR_WIFI_SSID) = "SELECT " MACHINE_COLS " FROM machines WHERE ssid = $1::text AND"
                      " (coalesce(bssid, ''), machine_id) > ($4::text, $5::text) AND $2::text = ''"
                      " ORDER BY coalesce(bssid, ''), machine_id LIMIT $3::bigint",
    R(PR_WIFI_ALL) = "SELECT " MACHINE_COLS " FROM machines WHERE (ssid IS NOT NULL OR"
                     " bssid IS NOT NULL) AND (coalesce(bssid, ''), machine_id) >"
                     " ($4::text, $5::text) AND $1::text = '' AND $2::text = ''"
                     " ORDER BY coalesce(bssid, ''), machine_id LIMIT $3::bigint",
    R(PR_ALL) = "SELECT " MACHINE_COLS " FROM machines ORDER BY fqdn LIMIT $1::bigint",
    R(PR_WSUS_FAILING) = "SELECT count(*) FROM machines WHERE wsus_class = $1::text AND"
                         " due_at >= $2::bigint",
    R(PR_WSUS_GROUPS) = "SELECT " MACHINE_COLS " FROM machines WHERE wsus_class <> 'ok' AND"
                        " due_at >= $1::bigint ORDER BY wsus_class LIMIT $2::bigint",
    R(PR_GAP_COVERING) = "SELECT 1 FROM gaps WHERE machine_id=$1::text AND start_ms BETWEEN"
                         " $2::bigint - 604800000 AND $3::bigint AND end_ms >= $2::bigint LIMIT 1",
    R(PR_FLEET_SILENT) = "SELECT count(*), count(DISTINCT subnet) FROM machine_due d JOIN"
                         " machines USING (machine_id) WHERE reviewed_ms > 0 AND d.due < $1::bigint"
                         " AND last_seen BETWEEN $2::bigint AND $3::bigint",
    R(PR_FLEET_GAPS) = "SELECT count(DISTINCT machine_id), count(DISTINCT before_subnet) FROM"
                       " gaps WHERE start_ms BETWEEN $1::bigint AND $2::bigint AND"
                       " end_ms < $3::bigint AND " PROVEN_ID,
    R(PR_FLEET_KNOWN) = "SELECT count(*) FROM machines WHERE reviewed_ms > 0 AND"
                        " first_seen <= $1::bigint",
    R(PR_FLEET_NEWCOMERS) = "SELECT count(*) FROM machines WHERE reviewed_ms > 0 AND"
                            " first_seen > $1::bigint AND first_seen <= $2::bigint",
    R(PR_FLEET_SILENT_AT) = "SELECT count(*) FROM machine_due d JOIN machines USING"
                            " (machine_id) WHERE reviewed_ms > 0 AND d.due < $1::bigint AND"
                            " last_seen <= $2::bigint",
    R(PR_FLEET_GAPS_AT) = "SELECT count(DISTINCT machine_id) FROM gaps WHERE start_ms BETWEEN"
                          " $1::bigint - 604800000 AND $1::bigint + $2::bigint AND"
                          " end_ms >= $1::bigint AND end_ms < $3::bigint AND " PROVEN_ID,
    R(PR_COUNT_ALL) = "SELECT count(*) FROM machines",
    R(PR_COUNT_FIRST_AFTER) = "SELECT count(*) FROM machines WHERE first_seen > $1::bigint",
    R(PR_COUNT_DUE_BEFORE) = "SELECT count(*) FROM machine_due WHERE due < $1::bigint",
    R(PR_COUNT_DUE_FROM) = "SELECT count(*) FROM machine_due WHERE due >= $1::bigint",
    /* Every collector's runs that overlap the window, and the last one to end before it. */
    R(PR_COLLECTORS) = "SELECT DISTINCT ON (collector) collector, started_ms, alive_ms,"
                       " coalesce(stopped_ms, 0) FROM collector_runs"
                       " ORDER BY collector, started_ms DESC LIMIT 64",
    R(PR_RUNS) = "(SELECT started_ms, coalesce(stopped_ms, alive_ms) AS end_ms, stopped_ms IS NOT"
                 " NULL FROM collector_runs WHERE started_ms <= $2::bigint AND"
                 " coalesce(stopped_ms, alive_ms) >= $1::bigint ORDER BY started_ms LIMIT 256)"
                 " UNION ALL (SELECT started_ms, coalesce(stopped_ms, alive_ms), stopped_ms IS"
                 " NOT NULL FROM collector_runs WHERE coalesce(stopped_ms, alive_ms) <"
                 " $1::bigint ORDER BY 2 DESC LIMIT 1) ORDER BY 1",
    R(PR_GROUPS_WIRED) = "SELECT sw_chassis, max(sw_name), count(*), count(*) FILTER (WHERE"
                         " due_at < $1::bigint) FROM machines WHERE sw_chassis IS NOT NULL AND"
                         " sw_chassis <> '' AND wireless = 0 GROUP BY sw_chassis"
                         " ORDER BY sw_chassis",
    R(PR_GROUPS_WIRELESS) =
        "SELECT coalesce(ssid, ''), coalesce(bssid, ''), count(*), count(*) FILTER (WHERE"
        " due_at < $1::bigint) FROM machines WHERE wireless = 1 AND (coalesce(ssid, '') <> ''"
        " OR coalesce(bssid, '') <> '') GROUP BY 1, 2 ORDER BY 1, 2",
    R(PR_WSUS_SUMMARY) =
        "SELECT count(*), count(*) FILTER (WHERE w.last_status_ms = 0 OR w.last_status_ms <"
        " $1::bigint), count(*) FILTER (WHERE (w.last_status_ms = 0 OR w.last_status_ms <"
        " $1::bigint) AND m.machine_id IS NOT NULL) FROM wsus_computers w"
        " LEFT JOIN machines m ON m.fqdn = w.fqdn",
#undef R
};

static PGresult *run(struct whb_store *base, int id, const struct pg_params *p)
{
    return whb_pg_run((struct pg_store *)base, id, read_sql[id - WHB_PG_READ_BASE], p);
}

static void machine_row(const PGresult *r, int i, struct whb_machine_view *m)
{
    memset(m, 0, sizeof(*m));
    whb_pg_get_text(r, i, 0, m->machine_id, sizeof(m->machine_id));
    whb_pg_get_text(r, i, 1, m->fqdn, sizeof(m->fqdn));
    m->first_seen_ms = whb_pg_get_int(r, i, 2);
    m->last_seen_ms = whb_pg_get_int(r, i, 3);
    m->due_ms = whb_pg_get_int(r, i, 4);
    m->interval_s = (unsigned)whb_pg_get_int(r, i, 5);
    m->last_gasp = (int)whb_pg_get_int(r, i, 6);
    whb_pg_get_text(r, i, 7, m->primary_if, sizeof(m->primary_if));
    m->wireless = (int)whb_pg_get_int(r, i, 8);
    m->carrier = (int)whb_pg_get_int(r, i, 9);
    m->on_battery = (int)whb_pg_get_int(r, i, 10);
    whb_pg_get_text(r, i, 11, m->sw_chassis, sizeof(m->sw_chassis));
    whb_pg_get_text(r, i, 12, m->sw_name, sizeof(m->sw_name));
    whb_pg_get_text(r, i, 13, m->sw_port, sizeof(m->sw_port));
    whb_pg_get_text(r, i, 14, m->ssid, sizeof(m->ssid));
    whb_pg_get_text(r, i, 15, m->bssid, sizeof(m->bssid));
    m->wifi_associated = (int)whb_pg_get_int(r, i, 16);
    whb_pg_get_text(r, i, 17, m->subnet, sizeof(m->subnet));
    whb_pg_get_text(r, i, 18, m->wsus_class, sizeof(m->wsus_class));
    whb_pg_get_text(r, i, 19, m->wsus_url, sizeof(m->wsus_url));
    m->wsus_http = (unsigned)whb_pg_get_int(r, i, 20);
    m->wsus_curl = (int)whb_pg_get_int(r, i, 21);
    m->wsus_at_ms = whb_pg_get_int(r, i, 22);
    m->update_service = (int)whb_pg_get_int(r, i, 23);
    whb_pg_get_text(r, i, 24, m->os, sizeof(m->os));
    whb_pg_get_text(r, i, 25, m->collector_url, sizeof(m->collector_url));
    m->collector_rank = (unsigned)whb_pg_get_int(r, i, 26);
    m->clock_offset_ms = whb_pg_get_int(r, i, 27);
    struct whb_wu_view *u = &m->wu;
    u->known = whb_pg_get_int(r, i, 28) != 0;
    whb_pg_get_text(r, i, 29, u->sus_client_id, sizeof(u->sus_client_id));
    whb_pg_get_text(r, i, 30, u->server, sizeof(u->server));
    whb_pg_get_text(r, i, 31, u->status_server, sizeof(u->status_server));
    u->route = (enum whb_wu_route)whb_pg_get_int(r, i, 32);
    whb_pg_get_text(r, i, 33, u->route_why, sizeof(u->route_why));
    u->route_since_ms = whb_pg_get_int(r, i, 34);
    u->scan_ok_ms = whb_pg_get_int(r, i, 35);
    u->scan_fail_ms = whb_pg_get_int(r, i, 36);
    u->scan_error = (uint32_t)whb_pg_get_int(r, i, 37);
    u->ms_scan_ms = whb_pg_get_int(r, i, 38);
    whb_pg_get_text(r, i, 39, u->disabled, sizeof(u->disabled));
    u->restart_ms = whb_pg_get_int(r, i, 40);
    m->wsus_since_ms = whb_pg_get_int(r, i, 41);
    whb_pg_get_text(r, i, 42, m->sw_mgmt, sizeof(m->sw_mgmt));
    m->admin_up = 1;
}

int whb_pg_lookup_name(struct whb_store *base, enum whb_store_name_kind kind, const char *key,
                       struct whb_machine_view *found, int max, int *n)
{
    struct pg_params p = {0};
    whb_pg_text(&p, key);
    PGresult *r = run(base,
                      kind == WHB_NAME_FQDN ? PR_BY_FQDN
                      : kind == WHB_NAME_ID ? PR_BY_ID
                                            : PR_BY_SHORT,
                      &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++)
        if (!whb_store_name_seen(found, *n, PQgetvalue(r, i, 0)) && *n < max)
            machine_row(r, i, &found[(*n)++]);
    PQclear(r);
    return 0;
}

/* The parameters of a statement built in one place for its run and its read-ahead: the same
 * bytes, or the answer read ahead is not found. */
static void events_params(struct pg_params *p, const char *machine_id, int64_t from, int64_t to,
                          int max)
{
    whb_pg_text(p, machine_id);
    whb_pg_int(p, from);
    whb_pg_int(p, to);
    whb_pg_int(p, max);
}

static void returned_params(struct pg_params *p, const char *key, int64_t anchor, int64_t window)
{
    whb_pg_text(p, key);
    whb_pg_int(p, anchor - window);
    whb_pg_int(p, anchor + window);
}

static int returned_id(enum whb_peer_kind kind)
{
    return kind == WHB_PEERS_SWITCH         ? PR_RETURNED_SWITCH
           : kind == WHB_PEERS_ACCESS_POINT ? PR_RETURNED_AP
                                            : PR_RETURNED_SUBNET;
}

static void runs_params(struct pg_params *p, int64_t from, int64_t to)
{
    whb_pg_int(p, from);
    whb_pg_int(p, to);
}

int whb_pg_get_events(struct whb_store *base, const char *machine_id, int64_t from, int64_t to,
                      struct whb_hist_event *out, int max, int *n)
{
    struct pg_params p = {0};
    *n = 0;
    events_params(&p, machine_id, from, to, max);
    PGresult *r = run(base, PR_EVENTS, &p);
    if (!r)
        return WHB_ESTORE;
    /* Newest first from the index; the engine reads in time order. */
    int rows = PQntuples(r) < max ? PQntuples(r) : max;
    for (int i = 0; i < rows; i++) {
        struct whb_hist_event *e = &out[rows - 1 - i];
        memset(e, 0, sizeof(*e));
        e->at_ms = whb_pg_get_int(r, i, 0);
        e->kind = (int)whb_pg_get_int(r, i, 1);
        whb_pg_get_text(r, i, 2, e->adapter, sizeof(e->adapter));
        e->reason_code = (uint32_t)whb_pg_get_int(r, i, 3);
        whb_pg_get_text(r, i, 4, e->detail, sizeof(e->detail));
        e->since_ms = whb_pg_get_int(r, i, 5);
        e->http_status = (uint32_t)whb_pg_get_int(r, i, 6);
        e->curl_code = (int)whb_pg_get_int(r, i, 7);
        e->received_ms = whb_pg_get_int(r, i, 8);
    }
    *n = rows;
    PQclear(r);
    return 0;
}

int whb_pg_get_gaps(struct whb_store *base, const char *machine_id, struct whb_store_gap *out,
                    int max, int *n)
{
    struct pg_params p = {0};
    *n = 0;
    whb_pg_text(&p, machine_id);
    whb_pg_int(&p, max);
    PGresult *r = run(base, PR_GAPS, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        struct whb_store_gap *g = &out[(*n)++];
        memset(g, 0, sizeof(*g));
        g->start_ms = whb_pg_get_int(r, i, 0);
        g->end_ms = whb_pg_get_int(r, i, 1);
        g->last_gasp = (int)whb_pg_get_int(r, i, 2);
        g->rebooted = (int)whb_pg_get_int(r, i, 3);
        whb_pg_get_text(r, i, 4, g->before_sw, sizeof(g->before_sw));
        whb_pg_get_text(r, i, 5, g->before_port, sizeof(g->before_port));
        whb_pg_get_text(r, i, 6, g->before_subnet, sizeof(g->before_subnet));
        whb_pg_get_text(r, i, 7, g->before_bssid, sizeof(g->before_bssid));
        whb_pg_get_text(r, i, 8, g->after_sw, sizeof(g->after_sw));
        whb_pg_get_text(r, i, 9, g->after_sw_name, sizeof(g->after_sw_name));
        whb_pg_get_text(r, i, 10, g->after_port, sizeof(g->after_port));
        whb_pg_get_text(r, i, 11, g->after_subnet, sizeof(g->after_subnet));
        whb_pg_get_text(r, i, 12, g->after_bssid, sizeof(g->after_bssid));
    }
    PQclear(r);
    return 0;
}

static int64_t gap_query(struct whb_store *base, int covering, const char *machine_id, int64_t from,
                         int64_t to, enum whb_peer_kind kind, const char *key)
{
    struct pg_params p = {0};
    whb_pg_text(&p, machine_id);
    whb_pg_int(&p, from);
    whb_pg_int(&p, to);
    if (!covering) {
        whb_pg_int(&p, whb_store_gap_group(kind));
        whb_pg_text(&p, key);
    }
    PGresult *r = run(base, covering ? PR_GAP_COVERING : PR_GAP_NEAR, &p);
    int64_t found = r && PQntuples(r) > 0 ? (covering ? 1 : whb_pg_get_int(r, 0, 0)) : 0;
    PQclear(r);
    return found;
}

int whb_pg_peer_group(struct whb_store *base, enum whb_peer_kind kind,
                      const struct whb_machine_view *m, int64_t now, int64_t anchor, int64_t window,
                      int with_gaps, struct whb_peer_group *out)
{
    int id = kind == WHB_PEERS_SWITCH ? (with_gaps ? PR_PEERS_SWITCH_THEN : PR_PEERS_SWITCH)
             : kind == WHB_PEERS_ACCESS_POINT
                 ? (with_gaps ? PR_PEERS_AP_THEN : PR_PEERS_AP)
                 : (with_gaps ? PR_PEERS_SUBNET_THEN : PR_PEERS_SUBNET);
    const char *key = whb_store_peer_start(kind, m, out);
    if (!key)
        return WHB_ENOTFOUND;
    struct whb_peer_row *peers = malloc(WHB_PEER_SCAN_MAX * sizeof(*peers));
    if (!peers)
        return WHB_ENOMEM;
    unsigned cached_n = 0;
    int rows = 0;
    if (!with_gaps && base->peer_cache &&
        whb_peer_cache_get(base->peer_cache, kind, key, peers, &cached_n)) {
        rows = (int)cached_n;
    } else {
        struct pg_params p = {0};
        whb_pg_text(&p, key);
        if (with_gaps) {
            whb_pg_int(&p, anchor - window);
            whb_pg_int(&p, anchor + window);
        }
        PGresult *r = run(base, id, &p);
        if (!r) {
            free(peers);
            return WHB_ESTORE;
        }
        rows = PQntuples(r) < WHB_PEER_SCAN_MAX ? PQntuples(r) : WHB_PEER_SCAN_MAX;
        for (int i = 0; i < rows; i++) {
            whb_pg_get_text(r, i, 0, peers[i].id, sizeof(peers[i].id));
            peers[i].last_seen = whb_pg_get_int(r, i, 1);
            peers[i].due = whb_pg_get_int(r, i, 2);
            whb_pg_get_text(r, i, 3, peers[i].port, sizeof(peers[i].port));
            peers[i].first_seen = whb_pg_get_int(r, i, 4);
            peers[i].gasped = (int)whb_pg_get_int(r, i, 5);
            peers[i].returned = 0;
            peers[i].returned_ms = 0;
            peers[i].unproven = (int)whb_pg_get_int(r, i, 6);
        }
        PQclear(r);
        if (!with_gaps && base->peer_cache)
            whb_peer_cache_put(base->peer_cache, kind, key, peers, (unsigned)rows);
    }
    if (!with_gaps) {
        struct pg_params q = {0};
        returned_params(&q, key, anchor, window);
        PGresult *r = run(base, returned_id(kind), &q);
        char id[WHB_WIRE_MAX_ID + 1];
        for (int i = 0; r && i < PQntuples(r); i++) {
            whb_pg_get_text(r, i, 0, id, sizeof(id));
            whb_store_peer_returned(peers, (unsigned)rows, id, whb_pg_get_int(r, i, 1));
        }
        PQclear(r);
    }
    whb_store_peer_tally(base, gap_query, m->machine_id, key, peers, (unsigned)rows, now, anchor,
                         window, with_gaps, out);
    free(peers);
    return 0;
}

static int count2(struct whb_store *base, int id, int nargs, int64_t a, int64_t b, int64_t c,
                  int64_t *x, int64_t *y)
{
    struct pg_params p = {0};
    int64_t args[3] = {a, b, c};
    for (int i = 0; i < nargs; i++)
        whb_pg_int(&p, args[i]);
    PGresult *r = run(base, id, &p);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return WHB_ESTORE;
    }
    *x = whb_pg_get_int(r, 0, 0);
    if (y)
        *y = PQnfields(r) > 1 ? whb_pg_get_int(r, 0, 1) : 0;
    PQclear(r);
    return 0;
}

static int fleet_machines(struct whb_store *base, int64_t now, int64_t anchor, int64_t window,
                          int64_t until, struct whb_fleet_counts *out)
{
    memset(out, 0, sizeof(*out));
    if (count2(base, PR_FLEET_SILENT, 3, now, anchor - window, anchor + window, &out->silent,
               &out->subnets) ||
        count2(base, PR_FLEET_KNOWN, 1, anchor + window, 0, 0, &out->known, NULL) ||
        count2(base, PR_FLEET_SILENT_AT, 2, now, until, 0, &out->silent_at, NULL))
        return WHB_ESTORE;
    return 0;
}

static int fleet_gaps(struct whb_store *base, int64_t anchor, int64_t window, int64_t ended_before,
                      int64_t *gapped, int64_t *gap_subnets, int64_t *gaps_at)
{
    if (count2(base, PR_FLEET_GAPS, 3, anchor - window, anchor + window, ended_before, gapped,
               gap_subnets) ||
        count2(base, PR_FLEET_GAPS_AT, 3, anchor, window, ended_before, gaps_at, NULL))
        return WHB_ESTORE;
    return 0;
}

static int fleet_newcomers(struct whb_store *base, int64_t after, int64_t until, int64_t *n)
{
    return count2(base, PR_FLEET_NEWCOMERS, 2, after, until, 0, n, NULL);
}

static const struct whb_store_fleet_ops fleet_ops = {fleet_machines, fleet_gaps, fleet_newcomers};

int whb_pg_fleet_group(struct whb_store *base, int64_t now, int64_t anchor, int64_t window,
                       int64_t ended, struct whb_peer_group *out)
{
    return whb_store_fleet_group(base, &fleet_ops, now, anchor, window, ended, out);
}

int whb_pg_count(struct whb_store *base, enum whb_census_count what, int64_t arg, uint64_t *n)
{
    int id = what == WHB_COUNT_ALL           ? PR_COUNT_ALL
             : what == WHB_COUNT_FIRST_AFTER ? PR_COUNT_FIRST_AFTER
             : what == WHB_COUNT_DUE_BEFORE  ? PR_COUNT_DUE_BEFORE
                                             : PR_COUNT_DUE_FROM;
    int64_t x = 0;
    int rc = count2(base, id, what == WHB_COUNT_ALL ? 0 : 1, arg, 0, 0, &x, NULL);
    *n = (uint64_t)x;
    return rc;
}

/* Fields of one COPY text line, split at tabs in place (COPY escapes tabs in values). */
static int copy_fields(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

/* COPY rather than rows of a result: a million machines stream through a small buffer. The
 * subnet comes as COPY writes it (escaped): one text per subnet all the same. */
int whb_pg_fleet_rows(struct whb_store *base, whb_store_census_fn fn, void *arg)
{
    struct pg_store *s = (struct pg_store *)base;
    if (whb_pg_reconnect(s))
        return WHB_ESTORE;
    PGresult *r =
        PQexec(s->conn, "COPY (SELECT first_seen, last_seen, due_at,"
                        " coalesce(subnet, ''), (reviewed_ms > 0)::int FROM machines) TO STDOUT");
    int ok = PQresultStatus(r) == PGRES_COPY_OUT, stopped = 0;
    PQclear(r);
    if (!ok) {
        whb_log_limited(WHB_LOG_ERROR, "store: census: %s", PQerrorMessage(s->conn));
        return WHB_ESTORE;
    }
    char *buf;
    int len;
    while ((len = PQgetCopyData(s->conn, &buf, 0)) > 0) {
        char *f[5];
        if (!stopped && len > 0 && buf[len - 1] == '\n')
            buf[len - 1] = '\0';
        if (!stopped && copy_fields(buf, f, 5) == 5) {
            struct whb_census_row row = {strtoll(f[0], NULL, 10), strtoll(f[1], NULL, 10),
                                         strtoll(f[2], NULL, 10), f[3], f[4][0] == '1'};
            stopped = fn(&row, arg);
        }
        PQfreemem(buf);
    }
    /* The end of the COPY, then its own result. */
    ok = len == -1;
    while ((r = PQgetResult(s->conn))) {
        ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok)
        whb_log_limited(WHB_LOG_ERROR, "store: census: %s", PQerrorMessage(s->conn));
    return ok ? 0 : WHB_ESTORE;
}

/* Several collectors share the database and an agent fails over to any of them, so the
 * fleet's collector downtime is when none of them ran: the gaps in the union of every
 * collector's runs. One collector down while another ran is not every machine's excuse. */
int whb_pg_downtimes(struct whb_store *base, int64_t from, int64_t to, struct whb_downtime *out,
                     int max, int *n)
{
    struct pg_params p = {0};
    *n = 0;
    runs_params(&p, from, to);
    PGresult *r = run(base, PR_RUNS, &p);
    if (!r)
        return WHB_ESTORE;
    int64_t up_end = 0;
    int clean = 0, have = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t started = whb_pg_get_int(r, i, 0), end = whb_pg_get_int(r, i, 1);
        int stopped = PQgetvalue(r, i, 2)[0] == 't';
        if (have && started > up_end && *n < max && started >= from && up_end <= to)
            out[(*n)++] = (struct whb_downtime){up_end, started, clean};
        if (!have || end > up_end) {
            up_end = end;
            clean = stopped;
        }
        have = 1;
    }
    PQclear(r);
    return 0;
}

int whb_pg_collectors(struct whb_store *base, whb_store_collector_fn fn, void *arg)
{
    struct pg_params p = {0};
    PGresult *r = run(base, PR_COLLECTORS, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++) {
        struct whb_store_collector c;
        snprintf(c.id, sizeof(c.id), "%s", PQgetvalue(r, i, 0));
        c.started_ms = whb_pg_get_int(r, i, 1);
        c.alive_ms = whb_pg_get_int(r, i, 2);
        c.stopped_ms = whb_pg_get_int(r, i, 3);
        if (fn(&c, arg))
            break;
    }
    PQclear(r);
    return 0;
}

int whb_pg_each_machine(struct whb_store *base, const struct whb_store_filter *f, int64_t now,
                        whb_store_machine_fn fn, void *arg)
{
    const struct whb_machine_view *after = f->after; /* ids_only: every column is read */
    const char *a = f->a ? f->a : "", *b = f->b ? f->b : "";
    int id = f->kind == WHB_FILTER_SILENT         ? (after ? PR_SILENT_AFTER : PR_SILENT)
             : f->kind == WHB_FILTER_SWITCH       ? PR_SWITCH
             : f->kind == WHB_FILTER_WIFI         ? (b[0]   ? PR_WIFI_BSSID
                                                     : a[0] ? PR_WIFI_SSID
                                                            : PR_WIFI_ALL)
             : f->kind == WHB_FILTER_WSUS_FAILING ? PR_WSUS_GROUPS
                                                  : PR_ALL;
    int keyset = f->kind == WHB_FILTER_SWITCH || f->kind == WHB_FILTER_WIFI;
    struct pg_params p = {0};
    struct whb_machine_view m;
    char limit[24];
    snprintf(limit, sizeof(limit), "%u", f->limit);
    if (f->kind == WHB_FILTER_SILENT || id == PR_WSUS_GROUPS)
        whb_pg_int(&p, now);
    else if (id != PR_ALL) {
        whb_pg_text(&p, a);
        whb_pg_text(&p, b);
    }
    whb_pg_text(&p, f->limit ? limit : NULL); /* LIMIT NULL: all */
    if (id == PR_SILENT_AFTER) {
        whb_pg_int(&p, after->due_ms);
        whb_pg_text(&p, after->machine_id);
    } else if (keyset) {
        /* The cursor: the last machine's key ('' from the start, before every machine). */
        whb_pg_text(&p, !after ? "" : f->kind == WHB_FILTER_WIFI ? after->bssid : after->sw_port);
        whb_pg_text(&p, after ? after->machine_id : "");
    }
    PGresult *r = run(base, id, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++) {
        machine_row(r, i, &m);
        if (fn(&m, arg))
            break;
    }
    PQclear(r);
    return 0;
}

int whb_pg_network_groups(struct whb_store *base, int wireless, int64_t now, whb_store_group_fn fn,
                          void *arg)
{
    struct pg_params p = {0};
    whb_pg_int(&p, now);
    PGresult *r = run(base, wireless ? PR_GROUPS_WIRELESS : PR_GROUPS_WIRED, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r); i++) {
        struct whb_store_net_group g = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                                        (unsigned)whb_pg_get_int(r, i, 2),
                                        (unsigned)whb_pg_get_int(r, i, 3)};
        if (fn(&g, arg))
            break;
    }
    PQclear(r);
    return 0;
}

int whb_pg_wsus_summary(struct whb_store *base, int64_t stale_before, uint64_t *listed,
                        uint64_t *not_reported, uint64_t *with_agent)
{
    struct pg_params p = {0};
    *listed = *not_reported = *with_agent = 0;
    whb_pg_int(&p, stale_before);
    PGresult *r = run(base, PR_WSUS_SUMMARY, &p);
    if (!r)
        return WHB_ESTORE;
    *listed = (uint64_t)whb_pg_get_int(r, 0, 0);
    *not_reported = (uint64_t)whb_pg_get_int(r, 0, 1);
    *with_agent = (uint64_t)whb_pg_get_int(r, 0, 2);
    PQclear(r);
    return 0;
}

int whb_pg_wsus_failing(struct whb_store *base, const char *cls, int64_t now, unsigned *n)
{
    struct pg_params p = {0};
    *n = 0;
    whb_pg_text(&p, cls);
    whb_pg_int(&p, now);
    PGresult *r = run(base, PR_WSUS_FAILING, &p);
    if (!r)
        return WHB_ESTORE;
    *n = (unsigned)whb_pg_get_int(r, 0, 0);
    PQclear(r);
    return 0;
}

int whb_pg_ahead_reads(struct pg_store *s, const struct whb_read_ahead *r)
{
    static const enum whb_peer_kind kinds[] = {WHB_PEERS_SWITCH, WHB_PEERS_ACCESS_POINT,
                                               WHB_PEERS_SUBNET};
    struct pg_params p = {0};
    events_params(&p, r->m->machine_id, r->events_from, r->events_to, r->events_max);
    int rc = whb_pg_ahead_add(s, PR_EVENTS, read_sql[PR_EVENTS - WHB_PG_READ_BASE], &p);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && !rc; i++) {
        struct whb_peer_group g;
        const char *key = whb_store_peer_start(kinds[i], r->m, &g);
        if (!key)
            continue;
        struct pg_params q = {0};
        returned_params(&q, key, r->anchor, r->window);
        int id = returned_id(kinds[i]);
        rc = whb_pg_ahead_add(s, id, read_sql[id - WHB_PG_READ_BASE], &q);
    }
    struct pg_params d = {0};
    runs_params(&d, r->down_from, r->down_to);
    return rc ? rc : whb_pg_ahead_add(s, PR_RUNS, read_sql[PR_RUNS - WHB_PG_READ_BASE], &d);
}
