/* The PostgreSQL store: a database several collectors share. Identity, dedupe and the silence
 * clock live in the database, race-free: the machine's row is locked (SELECT ... FOR UPDATE)
 * while a report is stored, and a new machine is inserted with ON CONFLICT DO NOTHING, so two
 * collectors enrolling it at once bind one key; the loser re-reads and decides again. A report
 * is acknowledged only after COMMIT returned (what that means: synchronous_commit,
 * docs/postgresql.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "log.h"
#include "store/attach_wu.h"
#include "store/logic.h"
#include "store/pg.h"
#include "store/schema.h"

enum pg_write {
    PW_GET_MACHINE = WHB_PG_WRITE_BASE,
    PW_INSERT_MACHINE,
    PW_UPDATE_MACHINE,
    PW_TOUCH_MACHINE,
    PW_INSERT_EVENT,
    PW_INSERT_GAP,
    PW_PING,
    PW_RUN_START,
    PW_RUN_ALIVE,
    PW_RUN_STOP,
    PW_NAME_CLASH,
    PW_UPDATE_WU,
    PW_END_
};

_Static_assert((int)PW_END_ <= (int)WHB_PG_READ_BASE, "write statements overlap read ones");

/* A machine's row as put_report reads it (whb_store_row). */
#define ROW_COLS                                                                                   \
    "fqdn, key_hash, boot_id, last_seq, last_seen, due_at, last_gasp, sw_chassis, sw_port,"        \
    " subnet, bssid, net_lost_at, clock_offset, clock_offset_at, net_back_at, online_since,"       \
    " released_ms, quota_events, quota_at, events_stored, wu_hash, wu_route, wu_route_since,"      \
    " live_fp"

/* A batch's machines, new ones too, taken first and in one order (their ids' hashes): two
 * collectors' batches with any of the same machines then wait for each other whole, never
 * each for a row the other holds. Row locks alone were not enough: a machine another
 * collector enrolled after this batch locked its rows was locked later, out of order, when
 * its report found it (a deadlock, and one batch failed whole). A transaction's advisory
 * locks end with it; (26, hash) is a key space of its own (pg.c's schema lock is a bigint). */
static const char *const batch_lock_sql =
    "SELECT count(pg_advisory_xact_lock(26, k)) FROM (SELECT DISTINCT hashtext(id) AS k"
    " FROM unnest($1::text[]) AS id ORDER BY k) AS o";

/* A batch's rows in one round trip, locked in machine-id order (the writer's, strcmp's:
 * COLLATE "C" whatever the database's locale, and batch_take's binary search relies on it). */
static const char *const batch_get_sql = "SELECT machine_id, " ROW_COLS " FROM machines WHERE"
                                         " machine_id = ANY($1::text[])"
                                         " ORDER BY machine_id COLLATE \"C\" FOR UPDATE";

/* What each new machine's name clashes with, as PW_NAME_CLASH asks for one ($1 ids, $2 FQDNs,
 * $3 their first labels, $4 the FQDN when a single label), for the batch's new machines at
 * once. */
static const char *const batch_clash_sql =
    "SELECT x.id, c.machine_id, c.fqdn, c.released FROM unnest($1::text[], $2::text[],"
    " $3::text[], $4::text[]) AS x(id, fqdn, short, single) CROSS JOIN LATERAL (SELECT"
    " machine_id, fqdn, released_ms > 0 AND key_hash IS NULL AS released FROM machines"
    " WHERE machine_id <> x.id AND (fqdn = x.fqdn::citext OR fqdn = x.id::citext OR"
    " lower(split_part(fqdn::text, '.', 1)) = lower(x.id) AND strpos(fqdn::text, '.') > 0 OR"
    " lower(split_part(fqdn::text, '.', 1)) = lower(x.single) AND strpos(fqdn::text, '.') > 0"
    " OR machine_id = x.fqdn OR machine_id = x.short) LIMIT 1) AS c";

static const char *const write_sql[] = {
    [PW_GET_MACHINE] = "SELECT " ROW_COLS " FROM machines WHERE machine_id=$1 FOR UPDATE",
    /* Another collector may be enrolling the same machine, or another machine the same name:
     * nothing is inserted then, and the caller decides again on what was committed. Its due
     * time goes into machine_due (schema.c's step 12) in the same statement. */
    [PW_INSERT_MACHINE] =
        "WITH m AS (INSERT INTO machines(machine_id, fqdn, domain, os, agent_version, key_hash,"
        " first_seen, last_seen, interval_s, due_at, boot_id, last_seq, last_gasp, snapshot,"
        " enrolled_from, reviewed_ms) VALUES($1,$2,$3,$4,$5,$6,$7,$7,$8,$9,$10,$11,$12,$13,$14,"
        "$15) ON CONFLICT DO NOTHING RETURNING machine_id),"
        " d AS (INSERT INTO machine_due SELECT machine_id, $9 FROM m) SELECT 1 FROM m",
    /* The machine's row, its due time (machine_due: schema.c's step 12) and the addresses it
     * has ($35, text[]) in one statement; a minute's precision is plenty for the addresses,
     * so most reports write none: an address noted within the minute is not even looked at
     * by ON CONFLICT, which would lock its row (a write) even to leave it as it is. */
    [PW_UPDATE_MACHINE] =
        "WITH d AS (UPDATE machine_due SET due=$8 WHERE machine_id=$1),"
        " m AS (UPDATE machines SET fqdn=$2, domain=$3, os=$4, agent_version=$5,"
        " last_seen=$6, interval_s=$7, due_at=$8, boot_id=$9, last_seq=$10, last_gasp=$11,"
        " snapshot=$12, primary_if=$13, wireless=$14, carrier=$15, on_battery=$16,"
        " sw_chassis=$17, sw_name=$18, sw_port=$19, ssid=$20, bssid=$21, wifi_associated=$22,"
        " subnet=$23, wsus_class=$24, wsus_url=$25, wsus_http=$26, wsus_curl=$27, wsus_at=$28,"
        " update_service=$29, net_lost_at=$30, net_back_at=$33, online_since=$34,"
        " clock_offset=$31, clock_offset_at=$32, collector_url=$36, collector_rank=$37,"
        " quota_events=$38, quota_at=$39, events_stored=$40, sw_mgmt=$41, live_fp=0,"
        " wsus_since=CASE WHEN machines.wsus_class IS NOT DISTINCT FROM $24 THEN"
        " machines.wsus_since ELSE $28 END"
        " WHERE machine_id=$1)"
        " INSERT INTO machine_ips(ip, machine_id, first_ms, last_ms)"
        " SELECT DISTINCT u.ip, $1, $6::bigint, $6::bigint FROM unnest($35::text[]) AS u(ip)"
        " WHERE NOT EXISTS (SELECT 1 FROM machine_ips i WHERE i.ip = u.ip AND"
        " i.machine_id = $1 AND i.last_ms >= $6::bigint - 60000)"
        " ON CONFLICT(ip, machine_id) DO UPDATE SET last_ms=excluded.last_ms"
        " WHERE excluded.last_ms > machine_ips.last_ms + 60000",
    [PW_TOUCH_MACHINE] = "WITH d AS (UPDATE machine_due SET due=$3 WHERE machine_id=$1)"
                         " UPDATE machines SET last_seen=$2, due_at=$3,"
                         " net_lost_at=$4, net_back_at=$7, online_since=$8,"
                         " clock_offset=$5, clock_offset_at=$6, quota_events=$9, quota_at=$10,"
                         " events_stored=$11 WHERE machine_id=$1",
    [PW_INSERT_EVENT] =
        "INSERT INTO events(machine_id, boot_id, seq, at_ms, received_ms, kind, adapter,"
        " reason_code, detail, since_ms, http_status, curl_code, agent_at_ms)"
        " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT DO NOTHING",
    [PW_INSERT_GAP] =
        "INSERT INTO gaps(machine_id, start_ms, end_ms, last_gasp, rebooted,"
        " before_sw, before_port, before_subnet, before_bssid, after_sw,"
        " after_sw_name, after_port, after_subnet, after_bssid)"
        " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) ON CONFLICT DO NOTHING",
    [PW_PING] = "SELECT 1 FROM machines LIMIT 1",
    [PW_RUN_START] = "INSERT INTO collector_runs(collector, started_ms, alive_ms) VALUES($1,$2,$2)"
                     " ON CONFLICT (collector, started_ms) DO UPDATE SET alive_ms=$2,"
                     " stopped_ms=NULL",
    [PW_RUN_ALIVE] = "UPDATE collector_runs SET alive_ms=$2 WHERE collector=$1 AND started_ms ="
                     " (SELECT max(started_ms) FROM collector_runs WHERE collector=$1)",
    [PW_RUN_STOP] = "UPDATE collector_runs SET alive_ms=$2, stopped_ms=$2 WHERE collector=$1 AND"
                    " started_ms = (SELECT max(started_ms) FROM collector_runs WHERE"
                    " collector=$1)",
    /* As SQLite's: another machine whose FQDN, short name or id equals this one's id, FQDN or
     * short name ($1 id, $2 FQDN, $3 its first label, $4 the FQDN when a single label). The
     * casts keep every term on an index (citext = text would compare as text: a scan). */
    [PW_NAME_CLASH] =
        "SELECT machine_id, fqdn, released_ms > 0 AND key_hash IS NULL FROM machines"
        " WHERE machine_id <> $1::text AND"
        " (fqdn = $2::citext OR fqdn = $1::citext OR lower(split_part(fqdn::text, '.', 1)) ="
        " lower($1::text) AND strpos(fqdn::text, '.') > 0 OR lower(split_part(fqdn::text, '.',"
        " 1)) = lower($4::text) AND strpos(fqdn::text, '.') > 0 OR machine_id = $2::text OR"
        " machine_id = $3::text) LIMIT 1",
    /* The Windows Update client, only when its fingerprint changed (as SQLite's). */
    [PW_UPDATE_WU] =
        "UPDATE machines SET wu_hash=$2, sus_client_id=$3, wu_server=$4, wu_status_server=$5,"
        " wu_route=$6, wu_route_why=$7, wu_route_since=$8, wu_scan_ok=$9, wu_scan_fail=$10,"
        " wu_scan_error=$11, wu_ms_scan=$12, wu_disabled=$13, wu_restart=$14 WHERE machine_id=$1",
};

static struct pg_store *pg(struct whb_store *s)
{
    return (struct pg_store *)s;
}

/* Several collectors may start at once on a new database: an advisory lock makes one of
 * them migrate while the others wait, then find the schema current. DDL is transactional. */
static int migrate(struct pg_store *s, char *why, size_t whylen)
{
    static char step[8192];
    int latest = whb_schema_latest(), version = 0;
    PGresult *r = PQexec(s->conn, "BEGIN; SELECT pg_advisory_xact_lock(7406521);"
                                  "CREATE TABLE IF NOT EXISTS whb_schema(version INTEGER NOT NULL);"
                                  "SELECT coalesce(max(version), 0) FROM whb_schema");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(why, whylen, "schema: %s", PQerrorMessage(s->conn));
        goto fail;
    }
    version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    r = NULL;
    if (version > latest) {
        snprintf(why, whylen, "database schema %d is newer than this collector (%d)", version,
                 latest);
        goto fail;
    }
    for (int v = version; v < latest; v++) {
        char mark[96];
        snprintf(mark, sizeof(mark), "DELETE FROM whb_schema; INSERT INTO whb_schema VALUES(%d)",
                 v + 1);
        if (whb_schema_step(WHB_DIALECT_POSTGRESQL, v, step, sizeof(step)) ||
            whb_pg_exec(s, step) || whb_pg_exec(s, mark)) {
            snprintf(why, whylen, "migration to schema %d failed: %s", v + 1,
                     PQerrorMessage(s->conn));
            goto fail;
        }
        whb_log_info("store: schema migrated to version %d", v + 1);
    }
    return whb_pg_exec(s, "COMMIT") ? WHB_ESTORE : 0;
fail:
    PQclear(r);
    whb_pg_exec(s, "ROLLBACK");
    return WHB_ESTORE;
}

static void pg_close(struct whb_store *base)
{
    struct pg_store *s = pg(base);
    if (!s)
        return;
    free(s->batch);
    free(s->named);
    whb_pg_batch_free(s);
    whb_pg_ahead_free(s);
    PQfinish(s->conn);
    free(s);
}

/* One round trip for what explaining n silent machines reads, rather than about six each. */
static int pg_read_ahead(struct whb_store *base, const struct whb_read_ahead *r, size_t n)
{
    struct pg_store *s = pg(base);
    int rc = 0;
    whb_pg_ahead_clear(s);
    for (size_t i = 0; i < n && !rc; i++)
        if (!(rc = whb_pg_ahead_reads(s, &r[i])) && !(rc = whb_pg_ahead_refusals(s, &r[i])))
            rc = whb_pg_ahead_switch(s, &r[i]);
    if (rc)
        whb_pg_ahead_clear(s);
    return rc ? rc : whb_pg_ahead_send(s);
}

static int pg_open(const char *conninfo, struct whb_store **out, char *why, size_t whylen)
{
    if (whb_config_conninfo_check(conninfo, why, whylen))
        return WHB_EINVAL;
    struct pg_store *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->base.ops = &whb_store_postgresql;
    s->conn = PQconnectdb(conninfo);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        snprintf(why, whylen, "postgresql: %s", PQerrorMessage(s->conn));
        why[strcspn(why, "\n")] = '\0';
        goto fail;
    }
    if (whb_pg_session_setup(s) || migrate(s, why, whylen))
        goto fail;
    *out = &s->base;
    return 0;
fail:
    pg_close(&s->base);
    return WHB_ESTORE;
}

static void batch_forget(struct pg_store *s)
{
    s->n_batch = 0;
    s->n_named = 0;
    s->clashes_valid = 0;
    s->binding = NULL;
    whb_pg_batch_drop(s);
}

/* BEGIN goes out with the batch's first statement: no round trip of its own. */
static int pg_begin(struct whb_store *base)
{
    struct pg_store *s = pg(base);
    batch_forget(s);
    if (whb_pg_reconnect(s) || whb_pg_queue_text(s, "BEGIN"))
        return WHB_ESTORE;
    s->in_tx = 1;
    return 0;
}

/* The ack waits for this: COMMIT returned, as durable as the server's synchronous_commit. A
 * transaction that had failed answers COMMIT with ROLLBACK: that is no commit. The writes
 * still in the pipeline go with it, and any of them failing fails it. */
static int pg_commit(struct whb_store *base)
{
    struct pg_store *s = pg(base);
    char status[32] = "";
    int ok;
    s->n_batch = 0;
    s->n_named = 0;
    s->clashes_valid = 0;
    if (whb_pg_batch_flush(s))
        return WHB_ESTORE; /* the writer rolls back */
    if (s->piped) {
        ok = !whb_pg_queue_text(s, "COMMIT") &&
             !whb_pg_drain(s, NULL, NULL, status, sizeof(status)) && !strcmp(status, "COMMIT");
        if (!ok)
            whb_log_limited(WHB_LOG_ERROR, "store: COMMIT: %s",
                            status[0] ? "rolled back" : "a statement of the batch failed");
    } else {
        PGresult *r = PQexec(s->conn, "COMMIT");
        ok = PQresultStatus(r) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(r), "COMMIT");
        if (!ok)
            whb_log_limited(WHB_LOG_ERROR, "store: COMMIT: %s",
                            PQerrorMessage(s->conn)[0] ? PQerrorMessage(s->conn) : "rolled back");
        PQclear(r);
    }
    s->in_tx = 0;
    return ok ? 0 : WHB_ESTORE;
}

static void pg_rollback(struct whb_store *base)
{
    struct pg_store *s = pg(base);
    batch_forget(s);
    whb_pg_drain(s, NULL, NULL, NULL, 0);
    if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        whb_pg_exec(s, "ROLLBACK");
    s->in_tx = 0;
}

/* The columns of ROW_COLS from column col0 of row i. */
static void row_from(const PGresult *r, int i, int col0, struct whb_store_row *row)
{
    memset(row, 0, sizeof(*row));
    row->found = 1;
    whb_pg_get_text(r, i, col0, row->fqdn, sizeof(row->fqdn));
    if (!PQgetisnull(r, i, col0 + 1)) {
        size_t n = 0;
        unsigned char *k = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, col0 + 1), &n);
        if (k && n == WHB_IDENTITY_HASH_LEN) {
            row->has_key = 1;
            memcpy(row->key_hash, k, n);
        }
        PQfreemem(k);
    }
    whb_pg_get_text(r, i, col0 + 2, row->boot_id, sizeof(row->boot_id));
    row->last_seq = (uint64_t)whb_pg_get_int(r, i, col0 + 3);
    row->last_seen = whb_pg_get_int(r, i, col0 + 4);
    row->due_at = whb_pg_get_int(r, i, col0 + 5);
    row->last_gasp = (int)whb_pg_get_int(r, i, col0 + 6);
    whb_pg_get_text(r, i, col0 + 7, row->sw, sizeof(row->sw));
    whb_pg_get_text(r, i, col0 + 8, row->port, sizeof(row->port));
    whb_pg_get_text(r, i, col0 + 9, row->subnet, sizeof(row->subnet));
    whb_pg_get_text(r, i, col0 + 10, row->bssid, sizeof(row->bssid));
    row->net_lost_at = whb_pg_get_int(r, i, col0 + 11);
    row->has_offset = !PQgetisnull(r, i, col0 + 12);
    row->clock_offset = whb_pg_get_int(r, i, col0 + 12);
    row->clock_offset_at = whb_pg_get_int(r, i, col0 + 13);
    row->net_back_at = whb_pg_get_int(r, i, col0 + 14);
    row->online_since = whb_pg_get_int(r, i, col0 + 15);
    row->released_ms = whb_pg_get_int(r, i, col0 + 16);
    row->quota_events = whb_pg_get_int(r, i, col0 + 17);
    row->quota_at = whb_pg_get_int(r, i, col0 + 18);
    row->events_stored = whb_pg_get_int(r, i, col0 + 19);
    row->wu_hash = (uint64_t)whb_pg_get_int(r, i, col0 + 20);
    row->wu_route = (int)whb_pg_get_int(r, i, col0 + 21);
    row->wu_route_since = whb_pg_get_int(r, i, col0 + 22);
    row->live_fp = (uint64_t)whb_pg_get_int(r, i, col0 + 23);
}

static int get_machine(struct pg_store *s, const char *machine_id, struct whb_store_row *row)
{
    struct pg_params p = {0};
    memset(row, 0, sizeof(*row));
    whb_pg_text(&p, machine_id);
    /* Binary results would be faster; text keeps every column readable the same way. */
    PGresult *r = whb_pg_run(s, PW_GET_MACHINE, write_sql[PW_GET_MACHINE], &p);
    if (!r)
        return WHB_ESTORE;
    if (PQntuples(r) == 1)
        row_from(r, 0, 0, row);
    PQclear(r);
    return 0;
}

static void batch_rows(void *arg, int id, const PGresult *r)
{
    struct pg_store *s = arg;
    if (id != WHB_PG_BATCH_GET)
        return;
    int n = PQntuples(r);
    if ((size_t)n > s->cap_batch)
        return; /* cannot be (a row per id asked): the reports read their rows one by one */
    for (int i = 0; i < n; i++) {
        struct pg_batch_row *b = &s->batch[s->n_batch++];
        whb_pg_get_text(r, i, 0, b->machine_id, sizeof(b->machine_id));
        b->used = 0;
        row_from(r, i, 1, &b->row);
    }
}

static int by_machine_id(const void *a, const void *b)
{
    return strcmp(((const struct pg_batch_row *)a)->machine_id,
                  ((const struct pg_batch_row *)b)->machine_id);
}

/* A machine the batch asked for and did not find is new (the batch holds its lock: no other
 * collector's batch can enroll it meanwhile): its first report inserts its row without
 * reading it again. An entry not found (row.found 0) says so, with the name its first report
 * gives; one id's once. Returns how many there are. */
static size_t batch_absent(struct pg_store *s, const whb_report *const *reports, size_t n)
{
    size_t found = s->n_batch;
    for (size_t i = 0; i < n; i++) {
        const Whb__V1__Machine *m = reports[i]->machine;
        if (i && !strcmp(m->machine_id, reports[i - 1]->machine->machine_id))
            continue; /* the writer's order is the machines' */
        size_t lo = 0, hi = found;
        int c = 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            c = strcmp(s->batch[mid].machine_id, m->machine_id);
            if (!c)
                break;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!c || s->n_batch >= s->cap_batch ||
            strlen(m->machine_id) >= sizeof(s->batch[0].machine_id))
            continue;
        struct pg_batch_row *b = &s->batch[s->n_batch++];
        memset(b, 0, sizeof(*b));
        memcpy(b->machine_id, m->machine_id, strlen(m->machine_id) + 1);
        snprintf(b->fqdn, sizeof(b->fqdn), "%s", m->fqdn);
    }
    if (s->n_batch > found)
        qsort(s->batch, s->n_batch, sizeof(*s->batch), by_machine_id);
    return s->n_batch - found;
}

/* A text[] literal of strings made of letters, digits, '-', '_', '.', '{' and '}' (wire.c's
 * ids and names), quoted; NULL for a NULL one. */
static char *text_array(const char *const *v, size_t n)
{
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += (v[i] ? strlen(v[i]) : 4) + 3;
    char *arr = malloc(len);
    if (!arr)
        return NULL;
    size_t used = 0;
    arr[used++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            arr[used++] = ',';
        if (!v[i]) {
            memcpy(arr + used, "NULL", 4);
            used += 4;
            continue;
        }
        arr[used++] = '"';
        size_t k = strlen(v[i]);
        memcpy(arr + used, v[i], k);
        used += k;
        arr[used++] = '"';
    }
    arr[used++] = '}';
    arr[used] = '\0';
    return arr;
}

/* What the batch's new machines' names clash with, read at once (name_clash answers from it
 * while clashes_valid). */
static int batch_clashes(struct pg_store *s, size_t absent)
{
    const char **v = calloc(4 * absent, sizeof(*v));
    char *shorts = malloc(absent * (WHB_WIRE_MAX_FQDN + 1));
    char *arr[4] = {NULL};
    int rc = WHB_ENOMEM;
    if (!v || !shorts)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < s->n_batch; i++) {
        const struct pg_batch_row *b = &s->batch[i];
        if (b->row.found)
            continue;
        char *sh = shorts + k * (WHB_WIRE_MAX_FQDN + 1);
        size_t short_len = strcspn(b->fqdn, ".");
        snprintf(sh, WHB_WIRE_MAX_FQDN + 1, "%.*s", (int)short_len, b->fqdn);
        v[k] = b->machine_id;
        v[absent + k] = b->fqdn;
        v[2 * absent + k] = sh;
        v[3 * absent + k] = b->fqdn[short_len] ? NULL : b->fqdn;
        k++;
    }
    struct pg_params p = {0};
    for (int c = 0; c < 4; c++) {
        if (!(arr[c] = text_array(v + c * absent, k)))
            goto out;
        whb_pg_text(&p, arr[c]);
    }
    PGresult *r = whb_pg_run(s, WHB_PG_BATCH_CLASH, batch_clash_sql, &p);
    rc = r ? 0 : WHB_ESTORE;
    for (int i = 0; r && i < PQntuples(r); i++) {
        char id[WHB_WIRE_MAX_ID + 1];
        whb_pg_get_text(r, i, 0, id, sizeof(id));
        for (size_t j = 0; j < s->n_batch; j++) {
            struct pg_batch_row *b = &s->batch[j];
            if (b->row.found || strcmp(b->machine_id, id))
                continue;
            whb_pg_get_text(r, i, 1, b->owner, sizeof(b->owner));
            whb_pg_get_text(r, i, 2, b->owner_fqdn, sizeof(b->owner_fqdn));
            b->owner_released = PQgetvalue(r, i, 3)[0] == 't';
        }
    }
    PQclear(r);
out:
    for (int c = 0; c < 4; c++)
        free(arr[c]);
    free(v);
    free(shorts);
    return rc;
}

/* The batch's rows, read and locked at once (with BEGIN, in one round trip). A machine not
 * there is new (batch_absent); a machine that comes twice reads its row again for its second
 * report, after what the batch gathered went out. */
static int pg_prepare_batch(struct whb_store *base, const whb_report *const *reports, size_t n)
{
    struct pg_store *s = pg(base);
    s->n_batch = 0;
    s->n_named = 0;
    s->clashes_valid = 0;
    if (n > s->cap_batch) {
        struct pg_batch_row *b = realloc(s->batch, n * sizeof(*b));
        if (!b)
            return WHB_ENOMEM;
        s->batch = b;
        s->cap_batch = n;
    }
    const char **ids = malloc((n ? n : 1) * sizeof(*ids));
    if (!ids)
        return WHB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ids[i] = reports[i]->machine->machine_id;
    char *arr = text_array(ids, n);
    free(ids);
    if (!arr)
        return WHB_ENOMEM;
    struct pg_params p = {0};
    whb_pg_text(&p, arr);
    /* The batch's statements take arrays of any length: PostgreSQL would plan them again for
     * each batch (its custom plans); their generic plans are the same index lookups. */
    int rc = whb_pg_queue_text(s, "SET LOCAL plan_cache_mode = force_generic_plan") ||
             whb_pg_queue(s, WHB_PG_BATCH_LOCK, batch_lock_sql, &p) ||
             whb_pg_queue(s, WHB_PG_BATCH_GET, batch_get_sql, &p) ||
             whb_pg_drain(s, batch_rows, s, NULL, 0);
    free(arr);
    if (rc)
        return WHB_ESTORE;
    /* New machines: what their names clash with, in one more round trip for the batch rather
     * than one each. */
    size_t absent = batch_absent(s, reports, n);
    if (absent && (rc = batch_clashes(s, absent)))
        return rc;
    s->clashes_valid = 1;
    return 0;
}

/* The row the batch read for machine_id, once (NULL: read it). */
static struct pg_batch_row *batch_take(struct pg_store *s, const char *machine_id)
{
    size_t lo = 0, hi = s->n_batch;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->batch[mid].machine_id, machine_id);
        if (!c)
            return s->batch[mid].used++ ? NULL : &s->batch[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* PW_NAME_CLASH's terms for one other machine (id, fqdn) and the machine m (its first label
 * short_name): names are ASCII (wire.c), so citext's and lower()'s comparisons are
 * strcasecmp's. */
static int clashes_with(const char *id, const char *fqdn, const Whb__V1__Machine *m,
                        const char *short_name)
{
    size_t label = strcspn(fqdn, ".");
    int dotted = fqdn[label] == '.';
    int single = !m->fqdn[strcspn(m->fqdn, ".")];
    if (!strcmp(id, m->machine_id))
        return 0;
    return !strcasecmp(fqdn, m->fqdn) || !strcasecmp(fqdn, m->machine_id) ||
           (dotted && strlen(m->machine_id) == label && !strncasecmp(fqdn, m->machine_id, label)) ||
           (dotted && single && strlen(m->fqdn) == label && !strncasecmp(fqdn, m->fqdn, label)) ||
           !strcmp(id, m->fqdn) || !strcmp(id, short_name);
}

/* The machines the batch enrolled so far, which the names read with the rows did not know. */
static int note_named(struct pg_store *s, const Whb__V1__Machine *m)
{
    if (s->n_named == s->cap_named) {
        size_t cap = s->cap_named ? 2 * s->cap_named : 64;
        struct pg_named *n = realloc(s->named, cap * sizeof(*n));
        if (!n)
            return WHB_ENOMEM;
        s->named = n;
        s->cap_named = cap;
    }
    struct pg_named *n = &s->named[s->n_named++];
    snprintf(n->machine_id, sizeof(n->machine_id), "%s", m->machine_id);
    snprintf(n->fqdn, sizeof(n->fqdn), "%s", m->fqdn);
    return 0;
}

/* A new machine of the batch: what the batch read for its name, or a machine the batch
 * enrolled before it (as PW_NAME_CLASH would find it, asked now). */
static void clash_from_batch(const struct pg_store *s, const struct pg_batch_row *b,
                             const Whb__V1__Machine *m, const char *short_name, char *owner,
                             size_t ownerlen, char *owner_fqdn, size_t fqdnlen, int *released)
{
    if (b->owner[0]) {
        snprintf(owner, ownerlen, "%s", b->owner);
        snprintf(owner_fqdn, fqdnlen, "%s", b->owner_fqdn);
        *released = b->owner_released;
        return;
    }
    for (size_t i = 0; i < s->n_named; i++)
        if (clashes_with(s->named[i].machine_id, s->named[i].fqdn, m, short_name)) {
            snprintf(owner, ownerlen, "%s", s->named[i].machine_id);
            snprintf(owner_fqdn, fqdnlen, "%s", s->named[i].fqdn);
            return;
        }
}

static int name_clash(void *ctx, const Whb__V1__Machine *m, char *owner, size_t ownerlen,
                      char *owner_fqdn, size_t fqdnlen, int *released)
{
    struct pg_store *s = ctx;
    char short_name[WHB_WIRE_MAX_FQDN + 1];
    size_t short_len = strcspn(m->fqdn, ".");
    struct pg_params p = {0};
    snprintf(short_name, sizeof(short_name), "%.*s", (int)short_len, m->fqdn);
    owner[0] = owner_fqdn[0] = '\0';
    *released = 0;
    if (s->binding && s->clashes_valid && !strcmp(s->binding->fqdn, m->fqdn)) {
        clash_from_batch(s, s->binding, m, short_name, owner, ownerlen, owner_fqdn, fqdnlen,
                         released);
        return 0;
    }
    whb_pg_text(&p, m->machine_id);
    whb_pg_text(&p, m->fqdn);
    whb_pg_text(&p, short_name);
    whb_pg_text(&p, m->fqdn[short_len] ? NULL : m->fqdn);
    PGresult *r = whb_pg_run(s, PW_NAME_CLASH, write_sql[PW_NAME_CLASH], &p);
    if (!r)
        return WHB_ESTORE;
    if (PQntuples(r) == 1) {
        whb_pg_get_text(r, 0, 0, owner, ownerlen);
        whb_pg_get_text(r, 0, 1, owner_fqdn, fqdnlen);
        *released = PQgetvalue(r, 0, 2)[0] == 't';
    }
    PQclear(r);
    return 0;
}

/* Each statement's result of a drain: how many events the batch's events statement stored. */
static void count_inserted(void *arg, int id, const PGresult *r)
{
    if (id == WHB_PG_BATCH_EVENTS)
        *(int64_t *)arg += strtoll(PQcmdTuples((PGresult *)r), NULL, 10); /* libpq: not const */
}

static int insert_events(void *ctx, const struct whb_store_report *in,
                         const struct whb_clock_map *cm, int64_t *inserted)
{
    struct pg_store *s = ctx;
    const whb_report *r = in->report;
    /* In a batch: the report's events go with its row, which adds how many were new to its
     * count (pg_batch.c): no round trip. Only when the count may pass events_kept (the oldest
     * are pruned now) must it be known at once: the events alone, one round trip. */
    if (s->in_tx) {
        int64_t n = 0;
        *inserted = 0;
        if (!r->n_events)
            return 0;
        if (!in->events_kept || s->bound_stored + (int64_t)r->n_events <= (int64_t)in->events_kept)
            return whb_pg_batch_events(s, in, cm);
        if (whb_pg_batch_flush(s) || whb_pg_batch_events(s, in, cm) ||
            whb_pg_drain(s, count_inserted, &n, NULL, 0))
            return WHB_ESTORE;
        *inserted = n;
        return 0;
    }
    *inserted = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const whb_event *e = r->events[i];
        struct pg_params p = {0};
        whb_pg_text(&p, r->machine->machine_id);
        whb_pg_text(&p, e->boot_id && e->boot_id[0] ? e->boot_id : r->boot_id);
        whb_pg_int(&p, (int64_t)e->seq);
        int64_t at = whb_store_event_at(cm, e, in->now_ms);
        whb_pg_int(&p, at);
        whb_pg_int(&p, in->now_ms);
        whb_pg_int(&p, e->kind);
        whb_pg_opt(&p, e->adapter);
        whb_pg_int(&p, e->reason_code);
        whb_pg_opt(&p, e->detail);
        whb_pg_int(&p, whb_store_event_since(cm, e, at, in->now_ms));
        whb_pg_int(&p, e->http_status);
        whb_pg_int(&p, e->curl_code);
        whb_pg_int(&p, e->at_ms);
        PGresult *res = whb_pg_run(s, PW_INSERT_EVENT, write_sql[PW_INSERT_EVENT], &p);
        if (!res)
            return WHB_ESTORE;
        *inserted += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return 0;
}

/* 1 inserted, 0 another collector or machine got there first, or WHB_ESTORE. */
static int insert_machine(struct pg_store *s, const struct whb_store_report *in, int64_t due)
{
    if (note_named(s, in->report->machine))
        return WHB_ENOMEM;
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    struct pg_params p = {0};
    whb_pg_text(&p, m->machine_id);
    whb_pg_text(&p, m->fqdn);
    whb_pg_opt(&p, m->domain);
    whb_pg_opt(&p, m->os);
    whb_pg_opt(&p, m->agent_version);
    whb_pg_bytes(&p, in->mode == WHB_IDENTITY_KEY ? in->key_hash : NULL, WHB_IDENTITY_HASH_LEN);
    whb_pg_int(&p, in->now_ms);
    whb_pg_int(&p, r->interval_s);
    whb_pg_int(&p, due);
    whb_pg_text(&p, r->boot_id);
    whb_pg_int(&p, (int64_t)r->seq);
    whb_pg_int(&p, r->last_gasp ? 1 : 0);
    whb_pg_text(&p, NULL);
    whb_pg_opt(&p, in->source_ip);
    /* A machine certificate from the domain's CA is proven; a key from the token is not until
     * an admin reviews it (whb enrollments). */
    whb_pg_int(&p, in->mode == WHB_IDENTITY_MTLS ? in->now_ms : 0);
    PGresult *res = whb_pg_run(s, PW_INSERT_MACHINE, write_sql[PW_INSERT_MACHINE], &p);
    if (!res)
        return WHB_ESTORE;
    int inserted = PQntuples(res) == 1;
    PQclear(res);
    return inserted;
}

static int update_client(struct pg_store *s, const struct whb_store_report *in,
                         const struct whb_store_row *row, const struct whb_machine_view *v)
{
    const struct whb_wu_view *u = &v->wu;
    uint64_t hash = whb_wu_view_hash(u);
    if (hash == row->wu_hash)
        return 0;
    /* A machine enrolled in this batch: its row goes out first. */
    if (!row->found && whb_pg_batch_inserting(s) && whb_pg_batch_flush(s))
        return WHB_ESTORE;
    struct pg_params p = {0};
    whb_pg_text(&p, in->report->machine->machine_id);
    whb_pg_int(&p, (int64_t)hash);
    whb_pg_opt(&p, u->sus_client_id);
    whb_pg_opt(&p, u->server);
    whb_pg_opt(&p, u->status_server);
    whb_pg_int(&p, u->route);
    whb_pg_opt(&p, u->route_why);
    whb_pg_int(&p, whb_store_wu_route_since(row, v, in->now_ms));
    whb_pg_int(&p, u->scan_ok_ms);
    whb_pg_int(&p, u->scan_fail_ms);
    whb_pg_int(&p, u->scan_error);
    whb_pg_int(&p, u->ms_scan_ms);
    whb_pg_opt(&p, u->disabled);
    whb_pg_int(&p, u->restart_ms);
    return whb_pg_queue(s, PW_UPDATE_WU, write_sql[PW_UPDATE_WU], &p);
}

/* A report whose wide columns are what the writer last stored (their fingerprint) writes the
 * moving columns alone: PostgreSQL rewrites the row either way, but the batch carries, and
 * the server unpacks, a dozen integers rather than the whole row with its snapshot. */
static int batch_update(struct pg_store *s, const struct whb_store_report *in,
                        const struct whb_store_row *row, int64_t due,
                        const struct whb_net_story *net, const struct whb_clock_map *cm,
                        const struct whb_machine_view *v, const struct whb_store_quota *q)
{
    const whb_report *r = in->report;
    size_t snap_len = 0;
    uint8_t *snap = r->snapshot ? whb_wire_snapshot_pack(r->snapshot, &snap_len) : NULL;
    if (r->snapshot && !snap)
        return WHB_ENOMEM;
    uint64_t fp = whb_store_info_fingerprint(in, snap, snap_len, v);
    int rc;
    if (row->found && row->live_fp == fp) /* machines.live_fp (schema.c's step 14) */
        rc = whb_pg_batch_live(s, in, due, net, cm, q);
    else
        rc = whb_pg_batch_write(s, in, due, net, cm, v, q, snap, snap_len, fp);
    free(snap);
    return rc;
}

/* The row exists: bind_machine inserted a new machine's. */
static int update_machine(void *ctx, const struct whb_store_report *in,
                          const struct whb_store_row *row, int64_t due,
                          const struct whb_net_story *net, const struct whb_clock_map *cm,
                          const struct whb_machine_view *v, const struct whb_store_quota *q)
{
    struct pg_store *s = ctx;
    const whb_report *r = in->report;
    if (s->in_tx) {
        /* A new name: the names read with the batch's rows no longer hold. */
        if (row->found && strcasecmp(row->fqdn, r->machine->fqdn))
            s->clashes_valid = 0;
        int rc = batch_update(s, in, row, due, net, cm, v, q);
        return rc ? rc : update_client(s, in, row, v);
    }
    const Whb__V1__Machine *m = r->machine;
    size_t snap_len = 0;
    uint8_t *snap = r->snapshot ? whb_wire_snapshot_pack(r->snapshot, &snap_len) : NULL;
    if (r->snapshot && !snap)
        return WHB_ENOMEM;
    struct pg_params p = {0};
    whb_pg_text(&p, m->machine_id);
    whb_pg_text(&p, m->fqdn);
    whb_pg_opt(&p, m->domain);
    whb_pg_opt(&p, m->os);
    whb_pg_opt(&p, m->agent_version);
    whb_pg_int(&p, in->now_ms);
    whb_pg_int(&p, r->interval_s);
    whb_pg_int(&p, due);
    whb_pg_text(&p, r->boot_id);
    whb_pg_int(&p, (int64_t)r->seq);
    whb_pg_int(&p, r->last_gasp ? 1 : 0);
    whb_pg_bytes(&p, snap, snap_len);
    whb_pg_opt(&p, v->primary_if);
    whb_pg_int(&p, v->wireless);
    whb_pg_int(&p, v->carrier);
    whb_pg_int(&p, v->on_battery);
    whb_pg_opt(&p, v->sw_chassis);
    whb_pg_opt(&p, v->sw_name);
    whb_pg_opt(&p, v->sw_port);
    whb_pg_opt(&p, v->ssid);
    whb_pg_opt(&p, v->bssid);
    whb_pg_int(&p, v->wifi_associated);
    whb_pg_opt(&p, v->subnet);
    whb_pg_opt(&p, v->wsus_class);
    whb_pg_opt(&p, v->wsus_url);
    whb_pg_int(&p, v->wsus_http);
    whb_pg_int(&p, v->wsus_curl);
    whb_pg_int(&p, v->wsus_at_ms);
    whb_pg_int(&p, v->update_service);
    whb_pg_int(&p, net->lost_at);
    whb_pg_int(&p, cm->offset);
    whb_pg_int(&p, cm->since);
    whb_pg_int(&p, net->back_at);
    whb_pg_int(&p, net->online_since);
    char ips[WHB_WIRE_MAX_ADAPTERS * 8 * 48 + 2]; /* every address a report can carry */
    int rc = whb_pg_ip_array(r->snapshot, ips, sizeof(ips));
    whb_pg_text(&p, ips);
    whb_pg_opt(&p, v->collector_url);
    whb_pg_int(&p, v->collector_rank);
    whb_pg_int(&p, q->events);
    whb_pg_int(&p, q->at);
    whb_pg_int(&p, q->stored);
    whb_pg_opt(&p, v->sw_mgmt);
    if (!rc)
        rc = whb_pg_queue(s, PW_UPDATE_MACHINE, write_sql[PW_UPDATE_MACHINE], &p);
    free(snap);
    return rc ? rc : update_client(s, in, row, v);
}

static int note_gap(void *ctx, const struct whb_store_report *in, const struct whb_store_row *row,
                    const struct whb_machine_view *after)
{
    struct pg_store *s = ctx;
    const whb_report *r = in->report;
    struct pg_params p = {0};
    if (s->in_tx)
        return whb_pg_batch_gap(s, in, row, after);
    whb_pg_text(&p, r->machine->machine_id);
    whb_pg_int(&p, row->last_seen);
    whb_pg_int(&p, in->now_ms);
    whb_pg_int(&p, row->last_gasp);
    whb_pg_int(&p, whb_store_rebooted(in, row));
    whb_pg_opt(&p, row->sw);
    whb_pg_opt(&p, row->port);
    whb_pg_opt(&p, row->subnet);
    whb_pg_opt(&p, row->bssid);
    whb_pg_opt(&p, after->sw_chassis);
    whb_pg_opt(&p, after->sw_name);
    whb_pg_opt(&p, after->sw_port);
    whb_pg_opt(&p, after->subnet);
    whb_pg_opt(&p, after->bssid);
    return whb_pg_queue(s, PW_INSERT_GAP, write_sql[PW_INSERT_GAP], &p);
}

static int touch_machine(void *ctx, const struct whb_store_report *in, int64_t alive, int64_t due,
                         const struct whb_net_story *net, const struct whb_clock_map *cm,
                         const struct whb_store_quota *q)
{
    struct pg_store *s = ctx;
    struct pg_params p = {0};
    if (s->in_tx)
        return whb_pg_batch_touch(s, in, alive, due, net, cm, q);
    whb_pg_text(&p, in->report->machine->machine_id);
    whb_pg_int(&p, alive);
    whb_pg_int(&p, due);
    whb_pg_int(&p, net->lost_at);
    whb_pg_int(&p, cm->offset);
    whb_pg_int(&p, cm->since);
    whb_pg_int(&p, net->back_at);
    whb_pg_int(&p, net->online_since);
    whb_pg_int(&p, q->events);
    whb_pg_int(&p, q->at);
    whb_pg_int(&p, q->stored);
    return whb_pg_queue(s, PW_TOUCH_MACHINE, write_sql[PW_TOUCH_MACHINE], &p);
}

static const struct whb_store_put_ops put_ops;

/* Reads (and locks) the machine's row and decides identity; a new machine is inserted here,
 * so that a concurrent enrollment elsewhere is seen: its row, committed, is read again. A new
 * machine the batch found absent (it holds its lock) is decided on what the batch read, and
 * its row gathered with the batch's writes. */
static int bind_row(struct pg_store *s, const struct whb_store_report *in,
                    struct whb_store_row *row, struct whb_store_result *out)
{
    const whb_report *r = in->report;
    int64_t due = in->now_ms + (int64_t)in->grace * r->interval_s * 1000;
    const struct pg_batch_row *b = batch_take(s, r->machine->machine_id);
    if (b && b->row.found) {
        *row = b->row;
        memset(out, 0, sizeof(*out));
        return whb_store_check_identity(&put_ops, s, in, row, name_clash, out);
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        int rc;
        memset(out, 0, sizeof(*out));
        /* A machine the batch found new needs no second look, the first time. */
        if (attempt == 0 && b)
            memset(row, 0, sizeof(*row));
        else if ((rc = get_machine(s, r->machine->machine_id, row)))
            return rc;
        s->binding = attempt == 0 && b && !row->found ? b : NULL;
        rc = whb_store_check_identity(&put_ops, s, in, row, name_clash, out);
        /* Still the batch's view of names (nothing dropped or renamed meanwhile)? */
        int gather = s->binding && s->clashes_valid && s->in_tx;
        s->binding = NULL;
        if (rc)
            return rc;
        if (row->found)
            return 0;
        if (gather)
            return note_named(s, r->machine) ? WHB_ENOMEM : whb_pg_batch_insert(s, in, due);
        if ((rc = insert_machine(s, in, due)) < 0)
            return rc;
        if (rc == 1)
            return 0;
        s->n_named--; /* not enrolled: another collector or machine got there first */
        /* Lost a race: the winner has committed (ON CONFLICT waited for it). */
    }
    snprintf(out->why, sizeof(out->why), "machine %s: enrollment raced twice, try again",
             r->machine->machine_id);
    return WHB_ESTORE;
}

static int bind_machine(void *ctx, const struct whb_store_report *in, struct whb_store_row *row,
                        struct whb_store_result *out)
{
    struct pg_store *s = ctx;
    int rc = bind_row(s, in, row, out);
    s->bound_stored = row->found ? row->events_stored : 0;
    return rc;
}

/* A machine dropped (a reimaged one's old binding, released): the rows the batch read may be
 * the dropped one's, so the batch's other reports read theirs again. */
static int drop_machine(void *ctx, const char *machine_id)
{
    struct pg_store *s = ctx;
    s->n_batch = 0;
    s->clashes_valid = 0;
    return whb_pg_drop(ctx, machine_id);
}

/* A released machine enrolled again: the batch's view of which names are released is old. */
static int rebind_machine(void *ctx, const struct whb_store_report *in)
{
    struct pg_store *s = ctx;
    s->clashes_valid = 0;
    return whb_pg_rebind(ctx, in);
}

static const struct whb_store_put_ops put_ops = {
    .bind = bind_machine,
    .insert_events = insert_events,
    .note_gap = note_gap,
    .touch = touch_machine,
    .write = update_machine,
    .refuse = whb_pg_refuse,
    .wsus_listed = whb_pg_wsus_listed,
    .drop_machine = drop_machine,
    .rebind = rebind_machine,
    .prune = whb_pg_prune,
};

static int pg_put_report(struct whb_store *base, const struct whb_store_report *in,
                         struct whb_store_result *out)
{
    return whb_store_put(&put_ops, pg(base), in, out);
}

/* Each collector's runs apart: the fleet's collector downtime is when none of them ran. */
static int pg_mark_run(struct whb_store *base, enum whb_run_mark mark, int64_t now_ms)
{
    struct pg_store *s = pg(base);
    int id = mark == WHB_RUN_START  ? PW_RUN_START
             : mark == WHB_RUN_STOP ? PW_RUN_STOP
                                    : PW_RUN_ALIVE;
    struct pg_params p = {0};
    whb_pg_text(&p, s->base.collector_id);
    whb_pg_int(&p, now_ms);
    return whb_pg_cmd(s, id, write_sql[id], &p);
}

static int pg_count_machines(struct whb_store *base, int64_t now_ms, uint64_t *known,
                             uint64_t *silent)
{
    return whb_census_count_machines(base, whb_pg_count, now_ms, known, silent);
}

static int pg_ping(struct whb_store *base)
{
    return whb_pg_cmd(pg(base), PW_PING, write_sql[PW_PING], NULL);
}

const struct whb_store_ops whb_store_postgresql = {
    .name = "postgresql",
    .secure = NULL,
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .prepare_batch = pg_prepare_batch,
    .put_report = pg_put_report,
    .count_machines = pg_count_machines,
    .ping = pg_ping,
    .mark_run = pg_mark_run,
    .downtimes = whb_pg_downtimes,
    .collectors = whb_pg_collectors,
    .get_machine = whb_store_get_machine,
    .find_machines = whb_store_find_machines,
    .lookup_name = whb_pg_lookup_name,
    .get_events = whb_pg_get_events,
    .get_gaps = whb_pg_get_gaps,
    .peer_group = whb_pg_peer_group,
    .fleet_group = whb_pg_fleet_group,
    .each_machine = whb_pg_each_machine,
    .network_groups = whb_pg_network_groups,
    .wsus_summary = whb_pg_wsus_summary,
    .wsus_failing = whb_pg_wsus_failing,
    .wsus_stage = whb_pg_wsus_stage,
    .wsus_finish = whb_pg_wsus_finish,
    .wsus_not_reported = whb_pg_wsus_not_reported,
    .wsus_match = whb_pg_wsus_match,
    .machine_by_ip = whb_pg_machine_by_ip,
    .fleet_rows = whb_pg_fleet_rows,
    .put_switch = whb_pg_put_switch,
    .switch_port = whb_pg_switch_port,
    .switch_events = whb_pg_switch_events,
    .each_switch_port = whb_pg_each_switch_port,
    .prune_switch = whb_pg_prune_switch,
    .switch_name_at = whb_pg_switch_name_at,
    .key_known = whb_pg_key_known,
    .enrollments = whb_pg_enrollments,
    .admin = whb_pg_admin,
    .refusals = whb_pg_refusals,
    .read_ahead = pg_read_ahead,
    .wsus_find = whb_pg_wsus_find,
    .each_name = whb_pg_each_name,
    .wu_same_id = whb_pg_wu_same_id,
    .wu_fleet = whb_pg_wu_fleet,
    .wsus_by_id = whb_pg_wsus_by_id,
};
