/* The writer's batch on PostgreSQL: the rows a batch's reports write (each machine's row, its
 * due time and addresses; their events) gathered into arrays, column by column, and sent as
 * one statement each (unnest), in libpq's binary array format: no text to escape, and the
 * server starts one executor for the batch rather than one per report, which was half of its
 * work for a heartbeat. A machine's reports reach a batch in order and a second one of the
 * same machine reads its row again (pg.c), after what is gathered here went out: the
 * statements see each machine once. */
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

_Static_assert((int)U_COUNT_ <= (int)WHB_PG_MAX_PARAMS, "raise WHB_PG_MAX_PARAMS");

struct pg_batch {
    struct pg_array u[U_COUNT_], e[E_COUNT_];
    unsigned rows, events;
};

static const char *const batch_update_sql =
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::text[], $10::int8[], $11::int8[],"
    " $12::bytea[], $13::text[], $14::int8[], $15::int8[], $16::int8[], $17::text[],"
    " $18::text[], $19::text[], $20::text[], $21::text[], $22::int8[], $23::text[],"
    " $24::text[], $25::text[], $26::int8[], $27::int8[], $28::int8[], $29::int8[],"
    " $30::int8[], $31::int8[], $32::int8[], $33::int8[], $34::int8[], $35::text[],"
    " $36::int8[], $37::int8[], $38::int8[], $39::int8[], $40::text[]) AS u(machine_id, fqdn, "
    "domain, os, "
    "agent_version, last_seen, interval_s,"
    " due, boot_id, last_seq, last_gasp, snapshot, primary_if, wireless, carrier, on_battery,"
    " sw_chassis, sw_name, sw_port, ssid, bssid, wifi_associated, subnet, wsus_class,"
    " wsus_url, wsus_http, wsus_curl, wsus_at, update_service, net_lost_at, clock_offset,"
    " clock_offset_at, net_back_at, online_since, collector_url, collector_rank, quota_events,"
    " quota_at, events_stored, sw_mgmt)),"
    " d AS (UPDATE machine_due SET due = u.due FROM u WHERE machine_due.machine_id ="
    " u.machine_id),"
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
    " quota_events = u.quota_events, quota_at = u.quota_at, events_stored = u.events_stored,"
    " sw_mgmt = u.sw_mgmt,"
    " wsus_since = CASE WHEN machines.wsus_class IS NOT DISTINCT FROM u.wsus_class THEN"
    " machines.wsus_since ELSE u.wsus_at END"
    " FROM u WHERE machines.machine_id = u.machine_id)"
    /* As the single-row statement: an address noted within the minute is left alone. */
    " INSERT INTO machine_ips(ip, machine_id, first_ms, last_ms)"
    " SELECT DISTINCT x.ip, x.machine_id, x.at, x.at FROM unnest($41::text[], $42::text[],"
    " $43::int8[]) AS x(machine_id, ip, at) WHERE NOT EXISTS (SELECT 1 FROM machine_ips i"
    " WHERE i.ip = x.ip AND i.machine_id = x.machine_id AND i.last_ms >= x.at - 60000)"
    " ON CONFLICT(ip, machine_id) DO UPDATE SET last_ms = excluded.last_ms"
    " WHERE excluded.last_ms > machine_ips.last_ms + 60000";

static const char *const batch_events_sql =
    "INSERT INTO events(machine_id, boot_id, seq, at_ms, received_ms, kind, adapter,"
    " reason_code, detail, since_ms, http_status, curl_code, agent_at_ms)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[],"
    " $6::int8[], $7::text[], $8::int8[], $9::text[], $10::int8[], $11::int8[], $12::int8[],"
    " $13::int8[]) ON CONFLICT DO NOTHING";

static struct pg_batch *batch_of(struct pg_store *s)
{
    if (!s->gather) {
        struct pg_batch *b = calloc(1, sizeof(*b));
        if (!b)
            return NULL;
        for (int i = 0; i < U_COUNT_; i++)
            array_reset(&b->u[i],
                        i == U_SNAPSHOT ? OID_BYTEA
                        : i == U_ID || i == U_FQDN || i == U_DOMAIN || i == U_OS || i == U_AGENT ||
                                i == U_BOOT || i == U_PRIMARY_IF || i == U_SW || i == U_SW_NAME ||
                                i == U_PORT || i == U_SSID || i == U_BSSID || i == U_SUBNET ||
                                i == U_WSUS_CLASS || i == U_WSUS_URL || i == U_COLLECTOR ||
                                i == U_SW_MGMT || i == U_IP_ID || i == U_IP
                            ? OID_TEXT
                            : OID_INT8);
        for (int i = 0; i < E_COUNT_; i++)
            array_reset(&b->e[i], i == E_ID || i == E_BOOT || i == E_ADAPTER || i == E_DETAIL
                                      ? OID_TEXT
                                      : OID_INT8);
        s->gather = b;
    }
    return s->gather;
}

int whb_pg_batch_write(struct pg_store *s, const struct whb_store_report *in, int64_t due,
                       const struct whb_net_story *net, const struct whb_clock_map *cm,
                       const struct whb_machine_view *v, const struct whb_store_quota *q)
{
    struct pg_batch *b = batch_of(s);
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    size_t snap_len = 0;
    uint8_t *snap = r->snapshot ? whb_wire_snapshot_pack(r->snapshot, &snap_len) : NULL;
    if (!b || (r->snapshot && !snap)) {
        free(snap);
        return WHB_ENOMEM;
    }
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
    free(snap);
    /* The addresses worth noting, as whb_pg_ip_array lists them. */
    for (size_t i = 0; r->snapshot && i < r->snapshot->n_adapters; i++) {
        const whb_adapter *a = r->snapshot->adapters[i];
        for (size_t k = 0; k < a->n_addresses && k < 8; k++) {
            char ip[64];
            if (whb_store_canonical_ip(a->addresses[k], ip, sizeof(ip)) ||
                !whb_store_ip_worth_noting(ip))
                continue;
            array_text(&u[U_IP_ID], m->machine_id);
            array_text(&u[U_IP], ip);
            array_int(&u[U_IP_AT], in->now_ms);
        }
    }
    b->rows++;
    return 0;
}

int whb_pg_batch_events(struct pg_store *s, const struct whb_store_report *in, int64_t off)
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
        array_int(&e[E_AT], whb_store_map_time(ev->at_ms, off, in->now_ms));
        array_int(&e[E_RECEIVED], in->now_ms);
        array_int(&e[E_KIND], ev->kind);
        array_opt(&e[E_ADAPTER], ev->adapter);
        array_int(&e[E_REASON], ev->reason_code);
        array_opt(&e[E_DETAIL], ev->detail);
        array_int(&e[E_SINCE],
                  ev->since_ms ? whb_store_map_time(ev->since_ms, off, in->now_ms) : 0);
        array_int(&e[E_HTTP], ev->http_status);
        array_int(&e[E_CURL], ev->curl_code);
        array_int(&e[E_AGENT_AT], ev->at_ms);
        b->events++;
    }
    return 0;
}

/* Sends what is gathered (into the pipeline), and starts again. */
int whb_pg_batch_flush(struct pg_store *s)
{
    struct pg_batch *b = s->gather;
    int rc = 0, failed = 0;
    if (!b || (!b->rows && !b->events))
        return 0;
    for (int i = 0; i < U_COUNT_; i++)
        failed |= b->u[i].failed;
    for (int i = 0; i < E_COUNT_; i++)
        failed |= b->e[i].failed;
    if (failed) {
        rc = WHB_ENOMEM;
    } else {
        if (b->events) {
            struct pg_params p = {0};
            for (int i = 0; i < E_COUNT_; i++)
                array_param(&b->e[i], &p);
            rc = whb_pg_queue(s, WHB_PG_BATCH_EVENTS, batch_events_sql, &p);
        }
        if (!rc && b->rows) {
            struct pg_params p = {0};
            for (int i = 0; i < U_COUNT_; i++)
                array_param(&b->u[i], &p);
            rc = whb_pg_queue(s, WHB_PG_BATCH_UPDATE, batch_update_sql, &p);
        }
    }
    for (int i = 0; i < U_COUNT_; i++)
        array_reset(&b->u[i], b->u[i].oid);
    for (int i = 0; i < E_COUNT_; i++)
        array_reset(&b->e[i], b->e[i].oid);
    b->rows = b->events = 0;
    return rc;
}

void whb_pg_batch_drop(struct pg_store *s)
{
    struct pg_batch *b = s->gather;
    if (!b)
        return;
    for (int i = 0; i < U_COUNT_; i++)
        array_reset(&b->u[i], b->u[i].oid);
    for (int i = 0; i < E_COUNT_; i++)
        array_reset(&b->e[i], b->e[i].oid);
    b->rows = b->events = 0;
}

void whb_pg_batch_free(struct pg_store *s)
{
    struct pg_batch *b = s->gather;
    if (!b)
        return;
    for (int i = 0; i < U_COUNT_; i++)
        free(b->u[i].buf);
    for (int i = 0; i < E_COUNT_; i++)
        free(b->e[i].buf);
    free(b);
    s->gather = NULL;
}
