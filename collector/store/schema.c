/* Implementation of store_schema.h. Placeholders: {INT} a 64-bit integer (SQLite's INTEGER,
 * which keeps "INTEGER PRIMARY KEY" a rowid), {BLOB} bytes, {NOCASE} text compared without
 * case (COLLATE NOCASE; PostgreSQL's citext), {NOROWID} SQLite's WITHOUT ROWID. Never edit a
 * step that has shipped: SQLite stores made by earlier versions are at its user_version. */
#include "store/schema.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

struct step {
    const char *before_pg; /* PostgreSQL only, run first */
    const char *sql;       /* both */
    const char *after_pg;  /* PostgreSQL only, run last */
};

static const struct step steps[] = {
    {"CREATE EXTENSION IF NOT EXISTS citext;",
     "CREATE TABLE machines("
     "  machine_id TEXT PRIMARY KEY,"
     "  fqdn {NOCASE} NOT NULL UNIQUE,"
     "  domain TEXT, os TEXT, agent_version TEXT,"
     "  key_hash {BLOB},"
     "  first_seen {INT} NOT NULL, last_seen {INT} NOT NULL,"
     "  interval_s {INT} NOT NULL, due_at {INT} NOT NULL,"
     "  boot_id TEXT NOT NULL, last_seq {INT} NOT NULL,"
     "  last_gasp {INT} NOT NULL DEFAULT 0,"
     "  snapshot {BLOB}){NOROWID};"
     "CREATE INDEX machines_due ON machines(due_at);"
     "CREATE TABLE events("
     "  machine_id TEXT NOT NULL, boot_id TEXT NOT NULL, seq {INT} NOT NULL,"
     "  at_ms {INT} NOT NULL, received_ms {INT} NOT NULL, kind {INT} NOT NULL,"
     "  adapter TEXT, reason_code {INT}, detail TEXT, since_ms {INT},"
     "  http_status {INT}, curl_code {INT},"
     "  PRIMARY KEY(machine_id, boot_id, seq)){NOROWID};"
     "CREATE INDEX events_time ON events(machine_id, at_ms);",
     NULL},
    /* 2: where each machine is attached and what WSUS answers it, for correlation without
     * decoding snapshots; silent periods (gaps); the computer list imported from WSUS. */
    {NULL,
     "ALTER TABLE machines ADD COLUMN primary_if TEXT;"
     "ALTER TABLE machines ADD COLUMN wireless {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN carrier {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN on_battery {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN sw_chassis TEXT;"
     "ALTER TABLE machines ADD COLUMN sw_name TEXT;"
     "ALTER TABLE machines ADD COLUMN sw_port TEXT;"
     "ALTER TABLE machines ADD COLUMN ssid TEXT;"
     "ALTER TABLE machines ADD COLUMN bssid TEXT;"
     "ALTER TABLE machines ADD COLUMN wifi_associated {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN subnet TEXT;"
     "ALTER TABLE machines ADD COLUMN wsus_class TEXT;"
     "ALTER TABLE machines ADD COLUMN wsus_url TEXT;"
     "ALTER TABLE machines ADD COLUMN wsus_http {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wsus_curl {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wsus_at {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN update_service {INT} NOT NULL DEFAULT -1;"
     "CREATE INDEX machines_switch ON machines(sw_chassis) WHERE sw_chassis IS NOT NULL;"
     "CREATE INDEX machines_swname ON machines(sw_name) WHERE sw_name IS NOT NULL;"
     "CREATE INDEX machines_bssid ON machines(bssid) WHERE bssid IS NOT NULL;"
     "CREATE INDEX machines_ssid ON machines(ssid) WHERE ssid IS NOT NULL;"
     "CREATE INDEX machines_subnet ON machines(subnet) WHERE subnet IS NOT NULL;"
     "CREATE INDEX machines_wsus ON machines(wsus_class) WHERE wsus_class <> 'ok';"
     "CREATE TABLE gaps(machine_id TEXT NOT NULL, start_ms {INT} NOT NULL,"
     "  end_ms {INT} NOT NULL, PRIMARY KEY(machine_id, start_ms)){NOROWID};"
     "CREATE TABLE wsus_computers(fqdn {NOCASE} PRIMARY KEY, ip TEXT,"
     "  last_status_ms {INT}, last_sync_ms {INT}, imported_ms {INT} NOT NULL){NOROWID};",
     NULL},
    /* 3: agents' times on the collector's clock (at_ms; agent_at_ms keeps the agent's own
     * stamp), what each gap's two ends looked like, since when a machine is back online, and
     * the collector's own runs. */
    {NULL,
     "ALTER TABLE events ADD COLUMN agent_at_ms {INT};"
     "ALTER TABLE gaps ADD COLUMN last_gasp {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE gaps ADD COLUMN rebooted {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE gaps ADD COLUMN before_sw TEXT;"
     "ALTER TABLE gaps ADD COLUMN before_port TEXT;"
     "ALTER TABLE gaps ADD COLUMN before_subnet TEXT;"
     "ALTER TABLE gaps ADD COLUMN before_bssid TEXT;"
     "ALTER TABLE gaps ADD COLUMN after_sw TEXT;"
     "ALTER TABLE gaps ADD COLUMN after_sw_name TEXT;"
     "ALTER TABLE gaps ADD COLUMN after_port TEXT;"
     "ALTER TABLE gaps ADD COLUMN after_subnet TEXT;"
     "ALTER TABLE gaps ADD COLUMN after_bssid TEXT;"
     "CREATE INDEX gaps_start ON gaps(start_ms);"
     "ALTER TABLE machines ADD COLUMN online_since {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN net_lost_at {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN net_back_at {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN clock_offset {INT};"
     "ALTER TABLE machines ADD COLUMN clock_offset_at {INT} NOT NULL DEFAULT 0;"
     "CREATE INDEX machines_first_seen ON machines(first_seen);"
     "CREATE TABLE collector_runs(started_ms {INT} PRIMARY KEY, alive_ms {INT} NOT NULL,"
     "  stopped_ms {INT});",
     /* Several collectors share a PostgreSQL database: each one's runs apart, so that the
      * fleet's collector downtime is when none of them ran (SQLite has one collector). */
     "ALTER TABLE collector_runs ADD COLUMN collector TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE collector_runs DROP CONSTRAINT collector_runs_pkey;"
     "ALTER TABLE collector_runs ADD PRIMARY KEY(collector, started_ms);"},
    /* 4: the addresses each machine had and when, to match WSUS's IPAddress at the time of
     * its report; WSUS lists sent in parts (one import session); the not-reported page. */
    {NULL,
     "CREATE TABLE machine_ips(ip TEXT NOT NULL, machine_id TEXT NOT NULL,"
     "  first_ms {INT} NOT NULL, last_ms {INT} NOT NULL,"
     "  PRIMARY KEY(ip, machine_id)){NOROWID};"
     "CREATE TABLE wsus_sessions(session TEXT PRIMARY KEY, parts {INT} NOT NULL,"
     "  rows {INT} NOT NULL, started_ms {INT} NOT NULL){NOROWID};"
     "CREATE TABLE wsus_staging(session TEXT NOT NULL, fqdn {NOCASE} NOT NULL,"
     "  ip TEXT, last_status_ms {INT}, last_sync_ms {INT}, line {INT},"
     "  PRIMARY KEY(session, fqdn)){NOROWID};"
     "CREATE INDEX wsus_status ON wsus_computers(last_status_ms);",
     /* Short names by expression: PostgreSQL's collation may not order '.' before '/'. */
     "CREATE INDEX machines_short ON machines(lower(split_part(fqdn::text, '.', 1)));"
     "CREATE INDEX machines_ip ON machine_ips(machine_id);"},
    /* 5: streamed lists resume after (due_at, machine_id). SQLite's index on due_at already
     * holds the machine_id (the table's key, WITHOUT ROWID); PostgreSQL's needs both columns,
     * or each chunk of a long run of one due time would be scanned again. */
    {NULL, "",
     "CREATE INDEX machines_due_id ON machines(due_at, machine_id);"
     "DROP INDEX machines_due;"},
    /* 6: the collector each machine's last report was sent to, as its agent names it, and
     * that collector's place in the agent's list (0: its first choice). */
    {NULL,
     "ALTER TABLE machines ADD COLUMN collector_url TEXT;"
     "ALTER TABLE machines ADD COLUMN collector_rank {INT} NOT NULL DEFAULT 0;",
     NULL},
    /* 7: each machine's Windows Update client (store/attach_wu.c): its identity at WSUS (two
     * machines with one is a cloned image), where it scans and reports and since when, its
     * newest scans, disabled services, a pending restart; WSUS's ComputerTargetId, which is
     * the client's SusClientId, in the imported list. */
    {NULL,
     "ALTER TABLE machines ADD COLUMN wu_hash {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN sus_client_id TEXT;"
     "ALTER TABLE machines ADD COLUMN wu_server TEXT;"
     "ALTER TABLE machines ADD COLUMN wu_status_server TEXT;"
     "ALTER TABLE machines ADD COLUMN wu_route {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_route_why TEXT;"
     "ALTER TABLE machines ADD COLUMN wu_route_since {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_scan_ok {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_scan_fail {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_scan_error {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_ms_scan {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN wu_disabled TEXT;"
     "ALTER TABLE machines ADD COLUMN wu_restart {INT} NOT NULL DEFAULT 0;"
     "CREATE INDEX machines_sus_id ON machines(sus_client_id) WHERE sus_client_id IS NOT NULL;"
     "CREATE INDEX machines_wu_fail ON machines(wu_scan_fail) WHERE wu_scan_fail > 0;"
     "CREATE INDEX machines_wu_route ON machines(wu_route_since) WHERE wu_route > 1;"
     "ALTER TABLE wsus_computers ADD COLUMN target_id TEXT;"
     "ALTER TABLE wsus_staging ADD COLUMN target_id TEXT;"
     "CREATE INDEX wsus_target ON wsus_computers(target_id) WHERE target_id IS NOT NULL;",
     NULL},
    /* 8: since when each machine's WSUS probe has failed the way it does now (its first probe
     * of that class): an outage's "since" stays where it began (issue 21.6). */
    {NULL,
     "ALTER TABLE machines ADD COLUMN wsus_since {INT} NOT NULL DEFAULT 0;"
     "UPDATE machines SET wsus_since = wsus_at;",
     NULL},
    /* 9 (issue 22): keys looked up before a body is decoded; how and from where each machine
     * enrolled, whether an admin reviewed it (machines from before this version count as
     * reviewed), a binding released for a reimaged machine; each machine's event budget and
     * stored events (quotas); the refusals its name or key met, for `why`. */
    {NULL,
     "CREATE INDEX machines_key ON machines(key_hash) WHERE key_hash IS NOT NULL;"
     "ALTER TABLE machines ADD COLUMN enrolled_from TEXT;"
     "ALTER TABLE machines ADD COLUMN reviewed_ms {INT} NOT NULL DEFAULT 0;"
     "UPDATE machines SET reviewed_ms = first_seen;"
     "CREATE INDEX machines_unreviewed ON machines(first_seen) WHERE reviewed_ms = 0;"
     "ALTER TABLE machines ADD COLUMN released_ms {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN quota_events {INT} NOT NULL DEFAULT -1;"
     "ALTER TABLE machines ADD COLUMN quota_at {INT} NOT NULL DEFAULT 0;"
     "ALTER TABLE machines ADD COLUMN events_stored {INT} NOT NULL DEFAULT 0;"
     "UPDATE machines SET events_stored ="
     "  (SELECT count(*) FROM events WHERE events.machine_id = machines.machine_id);"
     "CREATE TABLE refusals(machine_id TEXT NOT NULL, cause TEXT NOT NULL,"
     "  count {INT} NOT NULL, first_ms {INT} NOT NULL, last_ms {INT} NOT NULL,"
     "  claimant TEXT, source TEXT, PRIMARY KEY(machine_id, cause)){NOROWID};",
     NULL},
    /* 10: the switches' own word (issue 24): what each switch said, as it said it, and each
     * port as it now stands. port_key is the port's name made comparable (switch/port_name.h),
     * "#ifIndex" while only a trap's number names it, "" for the switch as a whole. */
    {NULL,
     "CREATE TABLE switch_events(sw TEXT NOT NULL, port_key TEXT NOT NULL, port TEXT,"
     "  ifindex {INT} NOT NULL DEFAULT 0, kind TEXT NOT NULL, source TEXT NOT NULL,"
     "  admin {INT} NOT NULL DEFAULT 0, oper {INT} NOT NULL DEFAULT 0, at_ms {INT} NOT NULL,"
     "  since_ms {INT} NOT NULL DEFAULT 0, speed {INT} NOT NULL DEFAULT 0,"
     "  cause TEXT, mac TEXT, who TEXT, text TEXT);"
     "CREATE INDEX switch_events_port ON switch_events(sw, port_key, at_ms);"
     "CREATE INDEX switch_events_time ON switch_events(at_ms);"
     "CREATE TABLE switch_ports(sw TEXT NOT NULL, port_key TEXT NOT NULL, port TEXT,"
     "  ifindex {INT} NOT NULL DEFAULT 0, admin {INT} NOT NULL DEFAULT 0,"
     "  oper {INT} NOT NULL DEFAULT 0, changed_ms {INT} NOT NULL DEFAULT 0,"
     "  heard_ms {INT} NOT NULL DEFAULT 0, speed {INT} NOT NULL DEFAULT 0,"
     "  prev_speed {INT} NOT NULL DEFAULT 0, speed_changed_ms {INT} NOT NULL DEFAULT 0,"
     "  err_disabled {INT} NOT NULL DEFAULT 0, cause TEXT, cause_ms {INT} NOT NULL DEFAULT 0,"
     "  violation_mac TEXT, violation_ms {INT} NOT NULL DEFAULT 0, dot1x_mac TEXT,"
     "  dot1x_ms {INT} NOT NULL DEFAULT 0, alias TEXT, last_kind TEXT, last_source TEXT,"
     "  text TEXT, PRIMARY KEY(sw, port_key)){NOROWID};"
     /* Not indexed: every report writes it, and it is looked up once a minute per switch
      * that only an address range names (ingest/switch_names.c caches). */
     "ALTER TABLE machines ADD COLUMN sw_mgmt TEXT;",
     NULL},
    /* 11: a switch's and a wireless network's machines in the order their lists stream in
     * (port or BSSID, then machine id): each chunk a seek in an index, not a sort of the whole
     * group (an SSID may have 100,000 machines). They replace the indexes on the switch, its
     * name and the SSID alone, which they also serve. */
    {NULL,
     "DROP INDEX machines_switch;"
     "CREATE INDEX machines_switch ON machines(sw_chassis, coalesce(sw_port, ''), machine_id)"
     "  WHERE sw_chassis IS NOT NULL;"
     "DROP INDEX machines_swname;"
     "CREATE INDEX machines_swname ON machines(sw_name, coalesce(sw_port, ''), machine_id)"
     "  WHERE sw_name IS NOT NULL;"
     "DROP INDEX machines_ssid;"
     "CREATE INDEX machines_ssid ON machines(ssid, coalesce(bssid, ''), machine_id)"
     "  WHERE ssid IS NOT NULL;"
     "CREATE INDEX machines_wifi ON machines(coalesce(bssid, ''), machine_id)"
     "  WHERE ssid IS NOT NULL OR bssid IS NOT NULL;",
     /* SQLite's index on the BSSID holds the machine id (the table's key): PostgreSQL's
      * needs it named. */
     "DROP INDEX machines_bssid;"
     "CREATE INDEX machines_bssid ON machines(bssid, machine_id) WHERE bssid IS NOT NULL;"},
    /* 12 (PostgreSQL; SQLite: sqlite_steps[11]): every report moves the due time, and an update
     * that changes an indexed column writes a new entry into every index of the table (a dozen
     * here). The due index moves to a table of its own, kept by the writer in the same statements
     * as machines.due_at (which stays, for every other query): an update of the machine's row then
     * changes no indexed column and is a HOT update (no index entry at all), given room in its page
     * (fillfactor). SQLite rewrites only the entries of the columns it sets. */
    {NULL, "",
     "CREATE TABLE machine_due(machine_id TEXT PRIMARY KEY REFERENCES machines ON DELETE CASCADE,"
     "  due BIGINT NOT NULL);"
     "INSERT INTO machine_due SELECT machine_id, due_at FROM machines;"
     "CREATE INDEX machine_due_at ON machine_due(due, machine_id);"
     "DROP INDEX machines_due_id;"
     "ALTER TABLE machines SET (fillfactor = 70);"},
    /* 13 (PostgreSQL; issue 26.1): the machines first seen while a silence lasted, counted by
     * every `why` of a silent machine (store/logic.c, fleet_group), are the proven ones: their
     * own index. With machines_first_seen the count fetched every machine enrolled since from
     * the table to look at its review, 100-300 ms per `why` after a burst of enrollments. */
    {NULL, "", "CREATE INDEX machines_first_proven ON machines(first_seen) WHERE reviewed_ms > 0;"},
    /* 14 (PostgreSQL; issue 26.2): the fingerprint of the wide columns the writer last stored
     * (store/pg.c): a report that changes nothing but the moving columns sets those alone, as
     * SQLite's narrow row (step 12). Any write of a wide column that leaves the fingerprint as
     * it was (an older collector beside this one, an admin's hand) clears it, as SQLite's view
     * triggers do: the next report writes the whole row. 0: not known. */
    {NULL, "",
     "ALTER TABLE machines ADD COLUMN live_fp BIGINT NOT NULL DEFAULT 0;"
     "CREATE FUNCTION whb_live_fp_unknown() RETURNS trigger LANGUAGE plpgsql AS"
     " 'BEGIN NEW.live_fp := 0; RETURN NEW; END';"
     "CREATE TRIGGER machines_wide_written BEFORE UPDATE OF fqdn, domain, os, agent_version,"
     " interval_s, boot_id, last_gasp, snapshot, primary_if, wireless, carrier, on_battery,"
     " sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated, subnet, wsus_class, wsus_url,"
     " wsus_http, wsus_curl, wsus_at, update_service, collector_url, collector_rank, sw_mgmt"
     " ON machines FOR EACH ROW WHEN (NEW.live_fp = OLD.live_fp AND OLD.live_fp <> 0)"
     " EXECUTE FUNCTION whb_live_fp_unknown();"},
};

/* Steps for SQLite alone, by index, run after the step's shared SQL. */
static const char *const sqlite_steps[sizeof(steps) / sizeof(steps[0])] = {
    /* 12 (SQLite only; issue 26.3): the columns a heartbeat moves, and the due index, in a
     * narrow table of their own, so that a report that changes nothing else rewrites a small
     * row (store/sqlite.c). The rest stays in machine_info; "machines" is a view of both with
     * the columns in their former order, and writes through it go to both (triggers: an
     * update of the wide columns clears machine_live.fp, the fingerprint of what the writer
     * last stored there; a machine's id, the key of both, is not changed through it).
     * PostgreSQL keeps its wide table (its due index in machine_due, above). The due index holds
     * what a silent list reads of machine_live (its order stays due time, then machine id, for the
     * lists' cursors). */
    [11] = "CREATE TABLE machine_live(machine_id TEXT PRIMARY KEY, last_seen {INT} NOT NULL, "
           "due_at {INT} NOT NULL, last_seq {INT} NOT NULL, online_since {INT} NOT NULL DEFAULT "
           "0, net_lost_at {INT} NOT NULL DEFAULT 0, net_back_at {INT} NOT NULL DEFAULT 0, "
           "clock_offset {INT}, clock_offset_at {INT} NOT NULL DEFAULT 0, quota_events {INT} "
           "NOT NULL DEFAULT -1, quota_at {INT} NOT NULL DEFAULT 0, events_stored {INT} NOT "
           "NULL DEFAULT 0, fp {INT} NOT NULL DEFAULT 0){NOROWID}; INSERT INTO machine_live "
           "SELECT machine_id, last_seen, due_at, last_seq, online_since, net_lost_at, "
           "net_back_at, clock_offset, clock_offset_at, quota_events, quota_at, events_stored, "
           "0 FROM machines; CREATE INDEX machine_live_due ON machine_live(due_at, machine_id,"
           " last_seen, clock_offset); DROP INDEX "
           "machines_due; ALTER TABLE machines RENAME TO machine_info; ALTER TABLE machine_info "
           "DROP COLUMN last_seen; ALTER TABLE machine_info DROP COLUMN due_at; ALTER TABLE "
           "machine_info DROP COLUMN last_seq; ALTER TABLE machine_info DROP COLUMN "
           "online_since; ALTER TABLE machine_info DROP COLUMN net_lost_at; ALTER TABLE "
           "machine_info DROP COLUMN net_back_at; ALTER TABLE machine_info DROP COLUMN "
           "clock_offset; ALTER TABLE machine_info DROP COLUMN clock_offset_at; ALTER TABLE "
           "machine_info DROP COLUMN quota_events; ALTER TABLE machine_info DROP COLUMN "
           "quota_at; ALTER TABLE machine_info DROP COLUMN events_stored; CREATE VIEW machines "
           "AS SELECT l.machine_id, i.fqdn, i.domain, i.os, i.agent_version, i.key_hash, "
           "i.first_seen, l.last_seen, i.interval_s, l.due_at, i.boot_id, l.last_seq, "
           "i.last_gasp, i.snapshot, i.primary_if, i.wireless, i.carrier, i.on_battery, "
           "i.sw_chassis, i.sw_name, i.sw_port, i.ssid, i.bssid, i.wifi_associated, i.subnet, "
           "i.wsus_class, i.wsus_url, i.wsus_http, i.wsus_curl, i.wsus_at, i.update_service, "
           "l.online_since, l.net_lost_at, l.net_back_at, l.clock_offset, l.clock_offset_at, "
           "i.collector_url, i.collector_rank, i.wu_hash, i.sus_client_id, i.wu_server, "
           "i.wu_status_server, i.wu_route, i.wu_route_why, i.wu_route_since, i.wu_scan_ok, "
           "i.wu_scan_fail, i.wu_scan_error, i.wu_ms_scan, i.wu_disabled, i.wu_restart, "
           "i.wsus_since, i.enrolled_from, i.reviewed_ms, i.released_ms, l.quota_events, "
           "l.quota_at, l.events_stored, i.sw_mgmt FROM machine_info i JOIN machine_live l ON "
           "l.machine_id = i.machine_id; CREATE TRIGGER machines_insert INSTEAD OF INSERT ON "
           "machines BEGIN INSERT INTO machine_info(machine_id, fqdn, domain, os, agent_version,"
           " key_hash, first_seen, interval_s, boot_id, last_gasp, snapshot, primary_if, "
           "wireless, carrier, on_battery, sw_chassis, sw_name, sw_port, ssid, bssid, "
           "wifi_associated, subnet, wsus_class, wsus_url, wsus_http, wsus_curl, wsus_at, "
           "update_service, collector_url, collector_rank, wu_hash, sus_client_id, wu_server, "
           "wu_status_server, wu_route, wu_route_why, wu_route_since, wu_scan_ok, wu_scan_fail, "
           "wu_scan_error, wu_ms_scan, wu_disabled, wu_restart, wsus_since, enrolled_from, "
           "reviewed_ms, released_ms, sw_mgmt) VALUES(NEW.machine_id, NEW.fqdn, NEW.domain, "
           "NEW.os, NEW.agent_version, NEW.key_hash, NEW.first_seen, NEW.interval_s, "
           "NEW.boot_id, coalesce(NEW.last_gasp,0), NEW.snapshot, NEW.primary_if, "
           "coalesce(NEW.wireless,0), coalesce(NEW.carrier,0), coalesce(NEW.on_battery,0), "
           "NEW.sw_chassis, NEW.sw_name, NEW.sw_port, NEW.ssid, NEW.bssid, "
           "coalesce(NEW.wifi_associated,0), NEW.subnet, NEW.wsus_class, NEW.wsus_url, "
           "coalesce(NEW.wsus_http,0), coalesce(NEW.wsus_curl,0), coalesce(NEW.wsus_at,0), "
           "coalesce(NEW.update_service,-1), NEW.collector_url, coalesce(NEW.collector_rank,0), "
           "coalesce(NEW.wu_hash,0), NEW.sus_client_id, NEW.wu_server, NEW.wu_status_server, "
           "coalesce(NEW.wu_route,0), NEW.wu_route_why, coalesce(NEW.wu_route_since,0), "
           "coalesce(NEW.wu_scan_ok,0), coalesce(NEW.wu_scan_fail,0), "
           "coalesce(NEW.wu_scan_error,0), coalesce(NEW.wu_ms_scan,0), NEW.wu_disabled, "
           "coalesce(NEW.wu_restart,0), coalesce(NEW.wsus_since,0), NEW.enrolled_from, "
           "coalesce(NEW.reviewed_ms,0), coalesce(NEW.released_ms,0), NEW.sw_mgmt); INSERT INTO "
           "machine_live(machine_id, last_seen, due_at, last_seq, online_since, net_lost_at, "
           "net_back_at, clock_offset, clock_offset_at, quota_events, quota_at, events_stored) "
           "VALUES(NEW.machine_id, NEW.last_seen, NEW.due_at, NEW.last_seq, "
           "coalesce(NEW.online_since,0), coalesce(NEW.net_lost_at,0), coalesce(NEW.net_back_at,"
           "0), NEW.clock_offset, coalesce(NEW.clock_offset_at,0), coalesce(NEW.quota_events,"
           "-1), coalesce(NEW.quota_at,0), coalesce(NEW.events_stored,0)); END; CREATE TRIGGER "
           "machines_update_info INSTEAD OF UPDATE OF fqdn, domain, os, agent_version, key_hash,"
           " first_seen, interval_s, boot_id, last_gasp, snapshot, primary_if, wireless, "
           "carrier, on_battery, sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated, "
           "subnet, wsus_class, wsus_url, wsus_http, wsus_curl, wsus_at, update_service, "
           "collector_url, collector_rank, wu_hash, sus_client_id, wu_server, wu_status_server, "
           "wu_route, wu_route_why, wu_route_since, wu_scan_ok, wu_scan_fail, wu_scan_error, "
           "wu_ms_scan, wu_disabled, wu_restart, wsus_since, enrolled_from, reviewed_ms, "
           "released_ms, sw_mgmt ON machines BEGIN UPDATE machine_info SET fqdn=NEW.fqdn, "
           "domain=NEW.domain, os=NEW.os, agent_version=NEW.agent_version, "
           "key_hash=NEW.key_hash, first_seen=NEW.first_seen, interval_s=NEW.interval_s, "
           "boot_id=NEW.boot_id, last_gasp=NEW.last_gasp, snapshot=NEW.snapshot, "
           "primary_if=NEW.primary_if, wireless=NEW.wireless, carrier=NEW.carrier, "
           "on_battery=NEW.on_battery, sw_chassis=NEW.sw_chassis, sw_name=NEW.sw_name, "
           "sw_port=NEW.sw_port, ssid=NEW.ssid, bssid=NEW.bssid, "
           "wifi_associated=NEW.wifi_associated, subnet=NEW.subnet, wsus_class=NEW.wsus_class, "
           "wsus_url=NEW.wsus_url, wsus_http=NEW.wsus_http, wsus_curl=NEW.wsus_curl, "
           "wsus_at=NEW.wsus_at, update_service=NEW.update_service, "
           "collector_url=NEW.collector_url, collector_rank=NEW.collector_rank, "
           "wu_hash=NEW.wu_hash, sus_client_id=NEW.sus_client_id, wu_server=NEW.wu_server, "
           "wu_status_server=NEW.wu_status_server, wu_route=NEW.wu_route, "
           "wu_route_why=NEW.wu_route_why, wu_route_since=NEW.wu_route_since, "
           "wu_scan_ok=NEW.wu_scan_ok, wu_scan_fail=NEW.wu_scan_fail, "
           "wu_scan_error=NEW.wu_scan_error, wu_ms_scan=NEW.wu_ms_scan, "
           "wu_disabled=NEW.wu_disabled, wu_restart=NEW.wu_restart, wsus_since=NEW.wsus_since, "
           "enrolled_from=NEW.enrolled_from, reviewed_ms=NEW.reviewed_ms, "
           "released_ms=NEW.released_ms, sw_mgmt=NEW.sw_mgmt WHERE machine_id = OLD.machine_id; "
           "UPDATE machine_live SET fp = 0 WHERE machine_id = OLD.machine_id; END; CREATE "
           "TRIGGER machines_update_live INSTEAD OF UPDATE OF last_seen, due_at, last_seq, "
           "online_since, net_lost_at, net_back_at, clock_offset, clock_offset_at, quota_events,"
           " quota_at, events_stored ON machines BEGIN UPDATE machine_live SET "
           "last_seen=NEW.last_seen, due_at=NEW.due_at, last_seq=NEW.last_seq, "
           "online_since=NEW.online_since, net_lost_at=NEW.net_lost_at, "
           "net_back_at=NEW.net_back_at, clock_offset=NEW.clock_offset, "
           "clock_offset_at=NEW.clock_offset_at, quota_events=NEW.quota_events, "
           "quota_at=NEW.quota_at, events_stored=NEW.events_stored WHERE machine_id = "
           "OLD.machine_id; END; CREATE TRIGGER machines_delete INSTEAD OF DELETE ON machines "
           "BEGIN DELETE FROM machine_live WHERE machine_id = OLD.machine_id; DELETE FROM "
           "machine_info WHERE machine_id = OLD.machine_id; END;",
};

int whb_schema_latest(void)
{
    return (int)(sizeof(steps) / sizeof(steps[0]));
}

static const char *spell(enum whb_schema_dialect d, const char *token, size_t n)
{
    static const struct {
        const char *token, *sqlite, *pg;
    } map[] = {
        {"{INT}", "INTEGER", "BIGINT"},
        {"{BLOB}", "BLOB", "BYTEA"},
        {"{NOCASE}", "TEXT COLLATE NOCASE", "CITEXT"},
        {"{NOROWID}", " WITHOUT ROWID", ""},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i].token) == n && !strncmp(token, map[i].token, n))
            return d == WHB_DIALECT_SQLITE ? map[i].sqlite : map[i].pg;
    return NULL;
}

static int append(char *out, size_t len, size_t *used, const char *s, size_t n)
{
    if (*used + n + 1 > len)
        return WHB_ETOOBIG;
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
    return 0;
}

static int expand(enum whb_schema_dialect d, const char *sql, char *out, size_t len, size_t *used)
{
    while (sql && *sql) {
        const char *open = strchr(sql, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        const char *word = close ? spell(d, open, (size_t)(close - open + 1)) : NULL;
        if (!word)
            return append(out, len, used, sql, strlen(sql));
        if (append(out, len, used, sql, (size_t)(open - sql)) ||
            append(out, len, used, word, strlen(word)))
            return WHB_ETOOBIG;
        sql = close + 1;
    }
    return 0;
}

int whb_schema_step(enum whb_schema_dialect d, int v, char *out, size_t len)
{
    size_t used = 0;
    if (v < 0 || v >= whb_schema_latest() || len == 0)
        return WHB_EINVAL;
    out[0] = '\0';
    if (d == WHB_DIALECT_POSTGRESQL && expand(d, steps[v].before_pg, out, len, &used))
        return WHB_ETOOBIG;
    if (expand(d, steps[v].sql, out, len, &used))
        return WHB_ETOOBIG;
    if (d == WHB_DIALECT_POSTGRESQL && expand(d, steps[v].after_pg, out, len, &used))
        return WHB_ETOOBIG;
    if (d == WHB_DIALECT_SQLITE && expand(d, sqlite_steps[v], out, len, &used))
        return WHB_ETOOBIG;
    /* A step for the other engine only: PostgreSQL's migration runs each step as a command,
     * and an empty one is an error there. */
    if (!out[0] && append(out, len, &used, "SELECT 1", 8))
        return WHB_ETOOBIG;
    return 0;
}
