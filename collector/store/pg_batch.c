/* The writer's batch on PostgreSQL: what a batch's reports write (new machines' rows; each
 * machine's row, its due time and addresses; heartbeats that only say "alive" (touches); the
 * silences they end (gaps); their events) gathered into arrays, column by column, and sent
 * as two statements (unnest), in libpq's binary array format: no text to escape, and the
 * server starts one executor for the batch rather than one per report, which was half of its
 * work for a heartbeat. The events go in the same statement as the rows, which add how many
 * of each machine's were new (its quota's events_stored), so that no report waits for an
 * answer. A machine's reports reach a batch in order and a second one of the same machine
 * reads its row again (pg.c), after what is gathered here went out: the statements see each
 * machine once. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store/pg.h"

/* Element types (pg_type.oid). */
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25 };

/* One array parameter: a 20-byte header (one dimension) then each element as length + bytes
 * (-1: NULL). */
struct pg_array {
    char *buf;
    size_t len, cap;
    uint32_t n, oid;
    int has_null, failed;
};

static void put_u32(char *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

static void array_reset(struct pg_array *a, uint32_t oid)
{
    a->len = 20; /* the header, written by array_param */
    a->n = 0;
    a->oid = oid;
    a->has_null = 0;
    a->failed = 0;
}

static void array_put(struct pg_array *a, const void *v, size_t n, int null)
{
    size_t need = a->len + 4 + (null ? 0 : n);
    if (need > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *buf = realloc(a->buf, cap);
        if (!buf) {
            a->failed = 1;
            return;
        }
        a->buf = buf;
        a->cap = cap;
    }
    put_u32(a->buf + a->len, null ? 0xffffffffu : (uint32_t)n);
    a->len += 4;
    if (!null) {
        memcpy(a->buf + a->len, v, n);
        a->len += n;
    }
    a->has_null |= null;
    a->n++;
}

static void array_text(struct pg_array *a, const char *s)
{
    array_put(a, s, s ? strlen(s) : 0, !s);
}

/* Optional text: "" is NULL, as the single-row statements bind it (whb_pg_opt). */
static void array_opt(struct pg_array *a, const char *s)
{
    array_text(a, s && s[0] ? s : NULL);
}

static void array_int(struct pg_array *a, int64_t v)
{
    uint64_t u = (uint64_t)v;
    char b[8];
    for (int i = 7; i >= 0; i--, u >>= 8)
        b[i] = (char)(u & 0xff);
    array_put(a, b, 8, 0);
}

/* The array as a binary parameter of p (an empty one has no dimension). */
static void array_param(struct pg_array *a, struct pg_params *p)
{
    if (a->cap < 20 && !a->failed) {
        char *buf = realloc(a->buf, 64);
        if (buf) {
            a->buf = buf;
            a->cap = 64;
        } else
            a->failed = 1;
    }
    if (a->failed) {
        p->v[p->n] = NULL;
        p->len[p->n] = 0;
        p->fmt[p->n++] = 1;
        return;
    }
    put_u32(a->buf, a->n ? 1 : 0);
    put_u32(a->buf + 4, (uint32_t)a->has_null);
    put_u32(a->buf + 8, a->oid);
    put_u32(a->buf + 12, a->n);
    put_u32(a->buf + 16, 1);
    p->v[p->n] = a->buf;
    p->len[p->n] = a->n ? (int)a->len : 12;
    p->fmt[p->n] = 1;
    p->n++;
}

/* The columns of a machine's row a report writes (pg.c's single-row update, $1..$34 and
 * $36..$41 there), then its addresses. */
enum {
    U_ID,
    U_FQDN,
    U_DOMAIN,
    U_OS,
    U_AGENT,
    U_SEEN,
    U_INTERVAL,
    U_DUE,
    U_BOOT,
    U_SEQ,
    U_GASP,
    U_SNAPSHOT,
    U_PRIMARY_IF,
    U_WIRELESS,
    U_CARRIER,
    U_BATTERY,
    U_SW,
    U_SW_NAME,
    U_PORT,
    U_SSID,
    U_BSSID,
    U_ASSOCIATED,
    U_SUBNET,
    U_WSUS_CLASS,
    U_WSUS_URL,
    U_WSUS_HTTP,
    U_WSUS_CURL,
    U_WSUS_AT,
    U_UPDATE_SERVICE,
    U_NET_LOST,
    U_OFFSET,
    U_OFFSET_AT,
    U_NET_BACK,
    U_ONLINE,
    U_COLLECTOR,
    U_RANK,
    U_QUOTA_EVENTS,
    U_QUOTA_AT,
    U_EVENTS_STORED,
    U_SW_MGMT,
    U_FP,
    U_IP_ID,
    U_IP,
    U_IP_AT,
    U_COUNT_
};

enum {
    E_ID,
    E_BOOT,
    E_SEQ,
    E_AT,
    E_RECEIVED,
    E_KIND,
    E_ADAPTER,
    E_REASON,
    E_DETAIL,
    E_SINCE,
    E_HTTP,
    E_CURL,
    E_AGENT_AT,
    E_COUNT_
};

/* A report whose wide columns are as stored (pg.c's batch_update), or a resend, which changes
 * nothing but "alive" (pg.c's touch): the moving columns. */
enum {
    T_ID,
    T_SEEN,
    T_DUE,
    T_NET_LOST,
    T_OFFSET,
    T_OFFSET_AT,
    T_NET_BACK,
    T_ONLINE,
    T_QUOTA_EVENTS,
    T_QUOTA_AT,
    T_EVENTS_STORED,
    T_SEQ, /* NULL for a resend: the stored one stays */
    T_COUNT_
};

/* A silence a report ended (pg.c's note_gap). */
enum {
    G_ID,
    G_START,
    G_END,
    G_GASP,
    G_REBOOTED,
    G_BEFORE_SW,
    G_BEFORE_PORT,
    G_BEFORE_SUBNET,
    G_BEFORE_BSSID,
    G_AFTER_SW,
    G_AFTER_SW_NAME,
    G_AFTER_PORT,
    G_AFTER_SUBNET,
    G_AFTER_BSSID,
    G_COUNT_
};

/* A new machine's row (pg.c's insert_machine). */
enum {
    N_ID,
    N_FQDN,
    N_DOMAIN,
    N_OS,
    N_AGENT,
    N_KEY,
    N_AT,
    N_INTERVAL,
    N_DUE,
    N_BOOT,
    N_SEQ,
    N_GASP,
    N_FROM,
    N_REVIEWED,
    N_COUNT_
};

_Static_assert((int)E_COUNT_ + G_COUNT_ + U_COUNT_ + T_COUNT_ <= (int)WHB_PG_MAX_PARAMS,
               "raise WHB_PG_MAX_PARAMS");

struct pg_batch {
    struct pg_array u[U_COUNT_], e[E_COUNT_], t[T_COUNT_], g[G_COUNT_], n[N_COUNT_];
    unsigned rows, events, touches, gaps, inserts;
};

/* The batch's writes but new machines' rows, in one statement: events ($1-$13), gaps
 * ($14-$27), rows ($28-$68), moving columns ($69-$80), addresses ($81-$83). A statement's
 * parts do not see each other's writes, only their answers: a row adds the events the
 * statement stored of its machine to its count. */
static const char *const batch_update_sql =
    "WITH ev AS (INSERT INTO events(machine_id, boot_id, seq, at_ms, received_ms, kind, adapter,"
    " reason_code, detail, since_ms, http_status, curl_code, agent_at_ms)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[],"
    " $6::int8[], $7::text[], $8::int8[], $9::text[], $10::int8[], $11::int8[], $12::int8[],"
    " $13::int8[]) ON CONFLICT DO NOTHING RETURNING machine_id),"
    " added AS (SELECT machine_id, count(*) AS n FROM ev GROUP BY machine_id),"
    " g AS (INSERT INTO gaps(machine_id, start_ms, end_ms, last_gasp, rebooted, before_sw,"
    " before_port, before_subnet, before_bssid, after_sw, after_sw_name, after_port,"
    " after_subnet, after_bssid) SELECT * FROM unnest($14::text[], $15::int8[], $16::int8[],"
    " $17::int8[], $18::int8[], $19::text[], $20::text[], $21::text[], $22::text[],"
    " $23::text[], $24::text[], $25::text[], $26::text[], $27::text[]) ON CONFLICT DO NOTHING),"
    " u AS (SELECT * FROM unnest($28::text[], $29::text[], $30::text[], $31::text[],"
    " $32::text[], $33::int8[], $34::int8[], $35::int8[], $36::text[], $37::int8[], $38::int8[],"
    " $39::bytea[], $40::text[], $41::int8[], $42::int8[], $43::int8[], $44::text[],"
    " $45::text[], $46::text[], $47::text[], $48::text[], $49::int8[], $50::text[],"
    " $51::text[], $52::text[], $53::int8[], $54::int8[], $55::int8[], $56::int8[],"
    " $57::int8[], $58::int8[], $59::int8[], $60::int8[], $61::int8[], $62::text[],"
    " $63::int8[], $64::int8[], $65::int8[], $66::int8[], $67::text[], $68::int8[])"
    " AS u(machine_id, fqdn,"
    " domain, os, agent_version, last_seen, interval_s,"
    " due, boot_id, last_seq, last_gasp, snapshot, primary_if, wireless, carrier, on_battery,"
    " sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated, subnet, wsus_class,"
    " wsus_url, wsus_http, wsus_curl, wsus_at, update_service, net_lost_at, clock_offset,"
    " clock_offset_at, net_back_at, online_since, collector_url, collector_rank, quota_events,"
    " quota_at, events_stored, sw_mgmt, live_fp)),"
    " t AS (SELECT * FROM unnest($69::text[], $70::int8[], $71::int8[], $72::int8[],"
    " $73::int8[], $74::int8[], $75::int8[], $76::int8[], $77::int8[], $78::int8[],"
    " $79::int8[], $80::int8[]) AS t(machine_id, last_seen, due, net_lost_at,"
    " clock_offset, clock_offset_at, net_back_at, online_since, quota_events, quota_at,"
    " events_stored, last_seq)),"
    " d AS (UPDATE machine_due SET due = x.due FROM (SELECT machine_id, due FROM u UNION ALL"
    " SELECT machine_id, due FROM t) AS x WHERE machine_due.machine_id = x.machine_id),"
    " m AS (UPDATE machines SET fqdn = u.fqdn, domain = u.domain, os = u.os,"
    " agent_version = u.agent_version, last_seen = u.last_seen, interval_s = u.interval_s,"
    " due_at = u.due, boot_id = u.boot_id, last_seq = u.last_seq, last_gasp = u.last_gasp,"
    " snapshot = u.snapshot, primary_if = u.primary_if, wireless = u.wireless,"
    " carrier = u.carrier, on_battery = u.on_battery, sw_chassis = u.sw_chassis,"
    " sw_name = u.sw_name, sw_port = u.sw_port, ssid = u.ssid, bssid = u.bssid,"
    " wifi_associated = u.wifi_associated, subnet = u.subnet, wsus_class = u.wsus_class,"
    " wsus_url = u.wsus_url, wsus_http = u.wsus_http, wsus_curl = u.wsus_curl,"
    " wsus_at = u.wsus_at, update_service = u.update_service, net_lost_at = u.net_lost_at,"
    " net_back_at = u.net_back_at, online_since = u.online_since,"
    " clock_offset = u.clock_offset, clock_offset_at = u.clock_offset_at,"
    " collector_url = u.collector_url, collector_rank = u.collector_rank,"
    " quota_events = u.quota_events, quota_at = u.quota_at,"
    " events_stored = u.events_stored + coalesce(a.n, 0), sw_mgmt = u.sw_mgmt,"
    " live_fp = u.live_fp,"
    " wsus_since = CASE WHEN machines.wsus_class IS NOT DISTINCT FROM u.wsus_class THEN"
    " machines.wsus_since ELSE u.wsus_at END"
    " FROM u LEFT JOIN added AS a ON a.machine_id = u.machine_id"
    " WHERE machines.machine_id = u.machine_id),"
    " tm AS (UPDATE machines SET last_seen = t.last_seen, due_at = t.due,"
    " last_seq = coalesce(t.last_seq, machines.last_seq),"
    " net_lost_at = t.net_lost_at, net_back_at = t.net_back_at, online_since = t.online_since,"
    " clock_offset = t.clock_offset, clock_offset_at = t.clock_offset_at,"
    " quota_events = t.quota_events, quota_at = t.quota_at,"
    " events_stored = t.events_stored + coalesce(a.n, 0)"
    " FROM t LEFT JOIN added AS a ON a.machine_id = t.machine_id"
    " WHERE machines.machine_id = t.machine_id)"
    /* As the single-row statement: an address noted within the minute is left alone. */
    " INSERT INTO machine_ips(ip, machine_id, first_ms, last_ms)"
    " SELECT DISTINCT x.ip, x.machine_id, x.at, x.at FROM unnest($81::text[], $82::text[],"
    " $83::int8[]) AS x(machine_id, ip, at) WHERE NOT EXISTS (SELECT 1 FROM machine_ips i"
    " WHERE i.ip = x.ip AND i.machine_id = x.machine_id AND i.last_ms >= x.at - 60000)"
    " ON CONFLICT(ip, machine_id) DO UPDATE SET last_ms = excluded.last_ms"
    " WHERE excluded.last_ms > machine_ips.last_ms + 60000";

/* New machines' rows and due times. No ON CONFLICT: the batch holds each new machine's lock
 * (pg.c), so only another machine taking the same name at the same moment can conflict, and
 * its failure fails the batch (its reports are answered 503 and come back), never a report
 * stored for a row that is not there. */
static const char *const batch_insert_sql =
    "WITH m AS (INSERT INTO machines(machine_id, fqdn, domain, os, agent_version, key_hash,"
    " first_seen, last_seen, interval_s, due_at, boot_id, last_seq, last_gasp, enrolled_from,"
    " reviewed_ms) SELECT id, fqdn, domain, os, agent, key_hash, at, at, interval_s, due, boot,"
    " seq, gasp, src, reviewed FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::text[], $6::bytea[], $7::int8[], $8::int8[], $9::int8[], $10::text[], $11::int8[],"
    " $12::int8[], $13::text[], $14::int8[]) AS x(id, fqdn, domain, os, agent, key_hash, at,"
    " interval_s, due, boot, seq, gasp, src, reviewed) RETURNING machine_id, due_at)"
    " INSERT INTO machine_due SELECT machine_id, due_at FROM m";

static const char *const batch_events_sql =
    "INSERT INTO events(machine_id, boot_id, seq, at_ms, received_ms, kind, adapter,"
    " reason_code, detail, since_ms, http_status, curl_code, agent_at_ms)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[],"
    " $6::int8[], $7::text[], $8::int8[], $9::text[], $10::int8[], $11::int8[], $12::int8[],"
    " $13::int8[]) ON CONFLICT DO NOTHING";

/* Each group's arrays, its element types in column order (T: text, I: int8, B: bytea). */
static const char u_types[] = "TTTTTIIITIIBTIIITTTTTITTTIIIIIIIIITIIIITITTI";
static const char e_types[] = "TTIIIITITIIII";
static const char t_types[] = "TIIIIIIIIIII";
static const char g_types[] = "TIIIITTTTTTTTT";
static const char n_types[] = "TTTTTBIIITIITI";
_Static_assert(sizeof(u_types) == U_COUNT_ + 1 && sizeof(e_types) == E_COUNT_ + 1 &&
                   sizeof(t_types) == T_COUNT_ + 1 && sizeof(g_types) == G_COUNT_ + 1 &&
                   sizeof(n_types) == N_COUNT_ + 1,
               "a group's types and columns differ");

static void group_reset(struct pg_array *a, const char *types)
{
    for (size_t i = 0; types[i]; i++)
        array_reset(&a[i], types[i] == 'T' ? OID_TEXT : types[i] == 'B' ? OID_BYTEA : OID_INT8);
}

static void batch_reset(struct pg_batch *b)
{
    group_reset(b->u, u_types);
    group_reset(b->e, e_types);
    group_reset(b->t, t_types);
    group_reset(b->g, g_types);
    group_reset(b->n, n_types);
    b->rows = b->events = b->touches = b->gaps = b->inserts = 0;
}

static struct pg_batch *batch_of(struct pg_store *s)
{
    if (!s->gather) {
        struct pg_batch *b = calloc(1, sizeof(*b));
        if (!b)
            return NULL;
        batch_reset(b);
        s->gather = b;
    }
    return s->gather;
}

/* The addresses worth noting, as whb_pg_ip_array lists them. */
static void batch_ips(struct pg_array *u, const whb_report *r, int64_t now_ms)
{
    for (size_t i = 0; r->snapshot && i < r->snapshot->n_adapters; i++) {
        const whb_adapter *a = r->snapshot->adapters[i];
        for (size_t k = 0; k < a->n_addresses && k < 8; k++) {
            char ip[64];
            if (whb_store_canonical_ip(a->addresses[k], ip, sizeof(ip)) ||
                !whb_store_ip_worth_noting(ip))
                continue;
            array_text(&u[U_IP_ID], r->machine->machine_id);
            array_text(&u[U_IP], ip);
            array_int(&u[U_IP_AT], now_ms);
        }
    }
}

int whb_pg_batch_write(struct pg_store *s, const struct whb_store_report *in, int64_t due,
                       const struct whb_net_story *net, const struct whb_clock_map *cm,
                       const struct whb_machine_view *v, const struct whb_store_quota *q,
                       const uint8_t *snap, size_t snap_len, uint64_t live_fp)
{
    struct pg_batch *b = batch_of(s);
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    if (!b)
        return WHB_ENOMEM;
    struct pg_array *u = b->u;
    array_text(&u[U_ID], m->machine_id);
    array_text(&u[U_FQDN], m->fqdn);
    array_opt(&u[U_DOMAIN], m->domain);
    array_opt(&u[U_OS], m->os);
    array_opt(&u[U_AGENT], m->agent_version);
    array_int(&u[U_SEEN], in->now_ms);
    array_int(&u[U_INTERVAL], r->interval_s);
    array_int(&u[U_DUE], due);
    array_text(&u[U_BOOT], r->boot_id);
    array_int(&u[U_SEQ], (int64_t)r->seq);
    array_int(&u[U_GASP], r->last_gasp ? 1 : 0);
    array_put(&u[U_SNAPSHOT], snap, snap_len, !snap);
    array_opt(&u[U_PRIMARY_IF], v->primary_if);
    array_int(&u[U_WIRELESS], v->wireless);
    array_int(&u[U_CARRIER], v->carrier);
    array_int(&u[U_BATTERY], v->on_battery);
    array_opt(&u[U_SW], v->sw_chassis);
    array_opt(&u[U_SW_NAME], v->sw_name);
    array_opt(&u[U_PORT], v->sw_port);
    array_opt(&u[U_SSID], v->ssid);
    array_opt(&u[U_BSSID], v->bssid);
    array_int(&u[U_ASSOCIATED], v->wifi_associated);
    array_opt(&u[U_SUBNET], v->subnet);
    array_opt(&u[U_WSUS_CLASS], v->wsus_class);
    array_opt(&u[U_WSUS_URL], v->wsus_url);
    array_int(&u[U_WSUS_HTTP], v->wsus_http);
    array_int(&u[U_WSUS_CURL], v->wsus_curl);
    array_int(&u[U_WSUS_AT], v->wsus_at_ms);
    array_int(&u[U_UPDATE_SERVICE], v->update_service);
    array_int(&u[U_NET_LOST], net->lost_at);
    array_int(&u[U_OFFSET], cm->offset);
    array_int(&u[U_OFFSET_AT], cm->since);
    array_int(&u[U_NET_BACK], net->back_at);
    array_int(&u[U_ONLINE], net->online_since);
    array_opt(&u[U_COLLECTOR], v->collector_url);
    array_int(&u[U_RANK], v->collector_rank);
    array_int(&u[U_QUOTA_EVENTS], q->events);
    array_int(&u[U_QUOTA_AT], q->at);
    array_int(&u[U_EVENTS_STORED], q->stored);
    array_opt(&u[U_SW_MGMT], v->sw_mgmt);
    array_int(&u[U_FP], (int64_t)live_fp);
    batch_ips(u, r, in->now_ms);
    b->rows++;
    return 0;
}

int whb_pg_batch_events(struct pg_store *s, const struct whb_store_report *in,
                        const struct whb_clock_map *cm)
{
    struct pg_batch *b = batch_of(s);
    const whb_report *r = in->report;
    if (!b)
        return WHB_ENOMEM;
    struct pg_array *e = b->e;
    for (size_t i = 0; i < r->n_events; i++) {
        const whb_event *ev = r->events[i];
        array_text(&e[E_ID], r->machine->machine_id);
        array_text(&e[E_BOOT], ev->boot_id && ev->boot_id[0] ? ev->boot_id : r->boot_id);
        array_int(&e[E_SEQ], (int64_t)ev->seq);
        int64_t at = whb_store_event_at(cm, ev, in->now_ms);
        array_int(&e[E_AT], at);
        array_int(&e[E_RECEIVED], in->now_ms);
        array_int(&e[E_KIND], ev->kind);
        array_opt(&e[E_ADAPTER], ev->adapter);
        array_int(&e[E_REASON], ev->reason_code);
        array_opt(&e[E_DETAIL], ev->detail);
        array_int(&e[E_SINCE], whb_store_event_since(cm, ev, at, in->now_ms));
        array_int(&e[E_HTTP], ev->http_status);
        array_int(&e[E_CURL], ev->curl_code);
        array_int(&e[E_AGENT_AT], ev->at_ms);
        b->events++;
    }
    return 0;
}

/* The moving columns (seq: NULL for a resend). */
static int batch_moving(struct pg_store *s, const struct whb_store_report *in, int64_t alive,
                        int64_t due, const struct whb_net_story *net,
                        const struct whb_clock_map *cm, const struct whb_store_quota *q,
                        const int64_t *seq)
{
    struct pg_batch *b = batch_of(s);
    if (!b)
        return WHB_ENOMEM;
    struct pg_array *t = b->t;
    array_text(&t[T_ID], in->report->machine->machine_id);
    array_int(&t[T_SEEN], alive);
    array_int(&t[T_DUE], due);
    array_int(&t[T_NET_LOST], net->lost_at);
    array_int(&t[T_OFFSET], cm->offset);
    array_int(&t[T_OFFSET_AT], cm->since);
    array_int(&t[T_NET_BACK], net->back_at);
    array_int(&t[T_ONLINE], net->online_since);
    array_int(&t[T_QUOTA_EVENTS], q->events);
    array_int(&t[T_QUOTA_AT], q->at);
    array_int(&t[T_EVENTS_STORED], q->stored);
    if (seq)
        array_int(&t[T_SEQ], *seq);
    else
        array_put(&t[T_SEQ], NULL, 0, 1);
    b->touches++;
    return 0;
}

int whb_pg_batch_live(struct pg_store *s, const struct whb_store_report *in, int64_t due,
                      const struct whb_net_story *net, const struct whb_clock_map *cm,
                      const struct whb_store_quota *q)
{
    int64_t seq = (int64_t)in->report->seq;
    int rc = batch_moving(s, in, in->now_ms, due, net, cm, q, &seq);
    if (!rc)
        batch_ips(s->gather->u, in->report, in->now_ms);
    return rc;
}

/* A resend leaves the stored seq. */
int whb_pg_batch_touch(struct pg_store *s, const struct whb_store_report *in, int64_t alive,
                       int64_t due, const struct whb_net_story *net, const struct whb_clock_map *cm,
                       const struct whb_store_quota *q)
{
    return batch_moving(s, in, alive, due, net, cm, q, NULL);
}

int whb_pg_batch_gap(struct pg_store *s, const struct whb_store_report *in,
                     const struct whb_store_row *row, const struct whb_machine_view *after)
{
    struct pg_batch *b = batch_of(s);
    const whb_report *r = in->report;
    if (!b)
        return WHB_ENOMEM;
    struct pg_array *g = b->g;
    array_text(&g[G_ID], r->machine->machine_id);
    array_int(&g[G_START], row->last_seen);
    array_int(&g[G_END], in->now_ms);
    array_int(&g[G_GASP], row->last_gasp);
    array_int(&g[G_REBOOTED], whb_store_rebooted(in, row));
    array_opt(&g[G_BEFORE_SW], row->sw);
    array_opt(&g[G_BEFORE_PORT], row->port);
    array_opt(&g[G_BEFORE_SUBNET], row->subnet);
    array_opt(&g[G_BEFORE_BSSID], row->bssid);
    array_opt(&g[G_AFTER_SW], after->sw_chassis);
    array_opt(&g[G_AFTER_SW_NAME], after->sw_name);
    array_opt(&g[G_AFTER_PORT], after->sw_port);
    array_opt(&g[G_AFTER_SUBNET], after->subnet);
    array_opt(&g[G_AFTER_BSSID], after->bssid);
    b->gaps++;
    return 0;
}

int whb_pg_batch_insert(struct pg_store *s, const struct whb_store_report *in, int64_t due)
{
    struct pg_batch *b = batch_of(s);
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    if (!b)
        return WHB_ENOMEM;
    struct pg_array *n = b->n;
    int keyed = in->mode == WHB_IDENTITY_KEY;
    array_text(&n[N_ID], m->machine_id);
    array_text(&n[N_FQDN], m->fqdn);
    array_opt(&n[N_DOMAIN], m->domain);
    array_opt(&n[N_OS], m->os);
    array_opt(&n[N_AGENT], m->agent_version);
    array_put(&n[N_KEY], in->key_hash, WHB_IDENTITY_HASH_LEN, !keyed);
    array_int(&n[N_AT], in->now_ms);
    array_int(&n[N_INTERVAL], r->interval_s);
    array_int(&n[N_DUE], due);
    array_text(&n[N_BOOT], r->boot_id);
    array_int(&n[N_SEQ], (int64_t)r->seq);
    array_int(&n[N_GASP], r->last_gasp ? 1 : 0);
    array_opt(&n[N_FROM], in->source_ip);
    /* A machine certificate from the domain's CA is proven; a key from the token is not until
     * an admin reviews it (whb enrollments). */
    array_int(&n[N_REVIEWED], in->mode == WHB_IDENTITY_MTLS ? in->now_ms : 0);
    b->inserts++;
    return 0;
}

int whb_pg_batch_inserting(const struct pg_store *s)
{
    return s->gather && s->gather->inserts;
}

static int group_failed(const struct pg_array *a, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        failed |= a[i].failed;
    return failed;
}

static void group_params(struct pg_array *a, size_t n, struct pg_params *p)
{
    for (size_t i = 0; i < n; i++)
        array_param(&a[i], p);
}

/* Sends what is gathered (into the pipeline), and starts again: new machines first (the
 * other statement writes their rows), then the rest in one statement, or the events alone
 * (whose answer counts them: pg.c's insert_events when it must know at once). */
int whb_pg_batch_flush(struct pg_store *s)
{
    struct pg_batch *b = s->gather;
    int rc = 0;
    if (!b || (!b->rows && !b->events && !b->touches && !b->gaps && !b->inserts))
        return 0;
    if (group_failed(b->u, U_COUNT_) || group_failed(b->e, E_COUNT_) ||
        group_failed(b->t, T_COUNT_) || group_failed(b->g, G_COUNT_) ||
        group_failed(b->n, N_COUNT_)) {
        rc = WHB_ENOMEM;
    } else {
        if (b->inserts) {
            struct pg_params p = {0};
            group_params(b->n, N_COUNT_, &p);
            rc = whb_pg_queue(s, WHB_PG_BATCH_INSERT, batch_insert_sql, &p);
        }
        if (!rc && (b->rows || b->touches || b->gaps)) {
            struct pg_params p = {0};
            group_params(b->e, E_COUNT_, &p);
            group_params(b->g, G_COUNT_, &p);
            group_params(b->u, U_IP_ID, &p);
            group_params(b->t, T_COUNT_, &p);
            group_params(b->u + U_IP_ID, U_COUNT_ - U_IP_ID, &p);
            rc = whb_pg_queue(s, WHB_PG_BATCH_UPDATE, batch_update_sql, &p);
        } else if (!rc && b->events) {
            struct pg_params p = {0};
            group_params(b->e, E_COUNT_, &p);
            rc = whb_pg_queue(s, WHB_PG_BATCH_EVENTS, batch_events_sql, &p);
        }
    }
    batch_reset(b);
    return rc;
}

void whb_pg_batch_drop(struct pg_store *s)
{
    if (s->gather)
        batch_reset(s->gather);
}

void whb_pg_batch_free(struct pg_store *s)
{
    struct pg_batch *b = s->gather;
    if (!b)
        return;
    struct pg_array *groups[] = {b->u, b->e, b->t, b->g, b->n};
    size_t counts[] = {U_COUNT_, E_COUNT_, T_COUNT_, G_COUNT_, N_COUNT_};
    for (size_t k = 0; k < 5; k++)
        for (size_t i = 0; i < counts[k]; i++)
            free(groups[k][i].buf);
    free(b);
    s->gather = NULL;
}
