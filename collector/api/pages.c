/* The read API's additions for the web console: /v1/silent paginated, sorted and filtered on
 * the server (offset, limit, sort, reason, confidence, switch, ssid, bssid, subnet, q; state=
 * reporting or all for the machines that report too), and the
 * network team's summaries /v1/network/switches and /v1/network/wifis, and the reason catalog
 * /v1/reasons. */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "collector.h"
#include "explain/json.h"
#include "http/loop.h"
#include "summaries/reasons.h"
#include "summaries/worker.h"

#define PAGE_MAX 500
/* Explaining costs about a millisecond per machine, on the HTTP thread that also takes
 * reports: a reason filter or sort looks at the most recently silent ones only (partial). */
#define EXPLAIN_MAX   1000
#define FLAP_WINDOW   (24 * 3600 * 1000LL)
#define DETAIL_EVENTS 256

enum sort_key { SORT_SILENT, SORT_NAME, SORT_SWITCH, SORT_REASON, SORT_CONFIDENCE };

/* One matching machine, small enough to keep 100,000 of them. */
struct row {
    char *fqdn, *where; /* fqdn: or the machine id (a plain page): page_row looks up either */
    int64_t last_seen;
    int reason, confidence; /* -1: not explained */
};

struct silent_walk {
    struct whb_loop *loop;
    int64_t now;
    const char *reason, *confidence, *sw, *ssid, *bssid, *subnet, *q;
    const struct whb_reasons
        *cache;   /* the worker's reasons (summaries/reasons.h), NULL: explain here */
    int ids_only; /* the walk gives ids and due times (reasons cached) */
    int plain;    /* store order, no filter: the page's ids are all it keeps */
    int explain, failed, stopped;
    int state; /* 0: silent machines, 1: reporting ones, 2: all */
    size_t explained, total;
    size_t keep_from, keep_to; /* in store order (no sort): only rows in [from, to) are kept */
    struct row *rows;
    size_t n, cap;
};

static const char *param(struct evkeyvalq *q, const char *key)
{
    const char *v = evhttp_find_header(q, key);
    return v && v[0] ? v : NULL;
}

static int view_matches(const struct silent_walk *w, const struct whb_machine_view *m)
{
    if (w->sw && strcmp(w->sw, m->sw_name) && strcmp(w->sw, m->sw_chassis))
        return 0;
    if (w->ssid && strcmp(w->ssid, m->ssid))
        return 0;
    if (w->bssid && strcasecmp(w->bssid, m->bssid))
        return 0;
    if (w->subnet && strcmp(w->subnet, m->subnet))
        return 0;
    return !w->q || strcasestr(m->fqdn, w->q);
}

static int keep_row(struct silent_walk *w, const char *fqdn, const char *where, int64_t last_seen,
                    int reason, int conf);

static int collect(const struct whb_machine_view *seen, void *arg)
{
    struct silent_walk *w = arg;
    struct whb_explanation x;
    struct whb_machine_view full;
    /* The machine id is enough to make the page's rows (page_row looks it up). */
    if (w->plain)
        return w->total++ < w->keep_from || w->total > w->keep_to
                   ? 0
                   : keep_row(w, seen->machine_id, "", 0, -1, -1);
    if (w->state == 1 && seen->due_ms < w->now)
        return 0;
    const struct whb_machine_view *m = seen;
    const char *fqdn = seen->fqdn;
    int reason = -1, conf = -1;
    const char *cached_where = NULL;
    int cached =
        w->cache && !whb_reasons_find(w->cache, seen, &reason, &conf, &fqdn, &cached_where);
    if (!cached && w->ids_only) {
        /* Silent since the reasons were made: its own row, to explain it here. */
        if (w->loop->reader->ops->get_machine(w->loop->reader, seen->machine_id, &full))
            return 0;
        m = &full;
        fqdn = full.fqdn;
    }
    if (w->ids_only ? w->q && !strcasestr(fqdn, w->q) : !view_matches(w, m))
        return 0;
    if (w->explain && !cached) {
        if (w->explained >= EXPLAIN_MAX) {
            w->stopped = 1;
            return 1;
        }
        w->explained++;
        if (whb_explain_view(w->loop->reader, m, w->now, &x))
            return 0;
        reason = (int)x.reason;
        conf = (int)x.confidence;
    }
    if (w->explain && w->reason && strcmp(w->reason, whb_reason_info((enum whb_reason)reason)->id))
        return 0;
    if (w->explain && w->confidence &&
        strcmp(w->confidence, whb_confidence_name((enum whb_confidence)conf)))
        return 0;
    if (w->total++ < w->keep_from || w->total > w->keep_to)
        return 0;
    char where[WHB_SORT_WHERE_MAX];
    if (!cached)
        whb_sort_where(m, where, sizeof(where));
    return keep_row(w, fqdn, cached ? cached_where : where, m->last_seen_ms, reason, conf);
}

/* Keeps one matching machine; 1 (stop the walk) when out of memory. */
static int keep_row(struct silent_walk *w, const char *fqdn, const char *where, int64_t last_seen,
                    int reason, int conf)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 1024;
        struct row *r = realloc(w->rows, cap * sizeof(*r));
        if (!r)
            goto fail;
        w->rows = r;
        w->cap = cap;
    }
    struct row *r = &w->rows[w->n];
    r->fqdn = strdup(fqdn);
    r->where = strdup(where);
    r->last_seen = last_seen;
    r->reason = reason;
    r->confidence = conf;
    if (!r->fqdn || !r->where) {
        free(r->fqdn);
        free(r->where);
        goto fail;
    }
    w->n++;
    return 0;
fail:
    w->failed = 1;
    return 1;
}

static int by_key(const void *pa, const void *pb, void *arg)
{
    const struct row *a = pa, *b = pb;
    int c = 0;
    switch (*(const enum sort_key *)arg) {
    case SORT_NAME:
        break;
    case SORT_SWITCH:
        c = strcmp(a->where, b->where);
        break;
    case SORT_REASON:
        c = a->reason - b->reason;
        break;
    case SORT_CONFIDENCE:
        c = b->confidence - a->confidence;
        break;
    case SORT_SILENT:
        c = a->last_seen < b->last_seen ? 1 : a->last_seen > b->last_seen ? -1 : 0;
        break;
    }
    return c ? c : strcmp(a->fqdn, b->fqdn);
}

static json_t *page_row(struct whb_loop *loop, const char *fqdn, int64_t now)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    if (whb_explain_host(loop->reader, fqdn, now, &m, &x))
        return NULL;
    const struct whb_reason_info *info = whb_reason_info(x.reason);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:b, s:s, s:s}", "machine", m.fqdn,
                     "machine_id", m.machine_id, "last_report", whb_json_iso(m.last_seen_ms),
                     "silent_since", whb_json_iso(x.silent_since_ms), "attachment",
                     whb_json_attachment(&m), "reason", info->id, "term", info->term, "documented",
                     info->documented, "confidence", whb_confidence_name(x.confidence), "summary",
                     x.summary);
}

/* Does any machine, silent or not, have this switch (name or chassis), SSID, access point or
 * subnet? A filter that matches no machine at all is said, not answered with "0 machines". */
struct seen {
    const char *subnet; /* the ALL walk's test; NULL: the store's filter decided */
    int found;
};

static int seen_one(const struct whb_machine_view *m, void *arg)
{
    struct seen *s = arg;
    if (s->subnet && strcmp(m->subnet, s->subnet))
        return 0;
    s->found = 1;
    return 1;
}

static json_t *unknown_filters(struct whb_loop *loop, const struct silent_walk *w)
{
    static const char *const keys[] = {"switch", "ssid", "bssid", "subnet"};
    static const char *const names[] = {"switch", "SSID", "access point", "subnet"};
    const char *values[] = {w->sw, w->ssid, w->bssid, w->subnet};
    json_t *out = json_array();
    for (int i = 0; i < 4; i++) {
        if (!values[i])
            continue;
        struct whb_store_filter f = {.kind = i == 0  ? WHB_FILTER_SWITCH
                                             : i < 3 ? WHB_FILTER_WIFI
                                                     : WHB_FILTER_ALL,
                                     .a = i == 0   ? values[0]
                                          : i == 1 ? values[1]
                                                   : "",
                                     .b = i == 2 ? values[2] : "",
                                     .limit = i < 3 ? 1 : 0};
        struct seen s = {.subnet = i == 3 ? values[3] : NULL};
        if (loop->reader->ops->each_machine(loop->reader, &f, w->now, seen_one, &s) || s.found)
            continue;
        char msg[400];
        snprintf(msg, sizeof(msg), "no machine has reported %s %.300s", names[i], values[i]);
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "filter", keys[i], "value", values[i], "error", msg));
    }
    return out;
}

static void on_silent_page(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q)
{
    static const char *const sorts[] = {"silent_since", "machine", "switch", "reason",
                                        "confidence"};
    struct silent_walk w = {.loop = loop, .now = whb_clock_wall_ms()};
    const char *sort = param(q, "sort") ? param(q, "sort") : "silent_since";
    long offset = param(q, "offset") ? atol(param(q, "offset")) : 0;
    long limit = param(q, "limit") ? atol(param(q, "limit")) : 50;
    int key = -1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(sort, sorts[i]))
            key = i;
    if (key < 0 || offset < 0 || limit <= 0 || limit > PAGE_MAX) {
        whb_api_reply_json(req, 400,
                           json_pack("{s:s}", "error",
                                     "sort is silent_since|machine|switch|reason|confidence; "
                                     "0 < limit <= 500; offset >= 0"));
        return;
    }
    w.reason = param(q, "reason");
    w.confidence = param(q, "confidence");
    w.sw = param(q, "switch");
    w.ssid = param(q, "ssid");
    w.bssid = param(q, "bssid");
    w.subnet = param(q, "subnet");
    w.q = param(q, "q");
    const char *state = param(q, "state") ? param(q, "state") : "silent";
    w.state = !strcmp(state, "reporting") ? 1 : !strcmp(state, "all") ? 2 : 0;
    if (!w.state && strcmp(state, "silent")) {
        whb_api_reply_error(req, 400, "state is silent|reporting|all");
        return;
    }
    /* Explaining costs a query or two per machine: only when the reason decides the answer. */
    w.explain = w.reason || w.confidence || key == SORT_REASON || key == SORT_CONFIDENCE;
    /* Store order is silent_since: keep only the page; other orders need every match. */
    /* (Every machine is walked in name order: then the page is sorted here.) */
    int store_order = key == SORT_SILENT && !w.state;
    w.keep_from = store_order ? (size_t)offset : 0;
    w.keep_to = store_order ? (size_t)(offset + limit) : (size_t)-1;
    struct whb_store_filter f = {
        .kind = w.state ? WHB_FILTER_ALL : WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = 0};
    int plain = store_order && !w.explain && !w.sw && !w.ssid && !w.bssid && !w.subnet && !w.q;
    uint64_t known = 0, silent = 0;
    int64_t reasons_at = 0;
    /* No filter, store order: the store counts, and the walk stops at the page's end. */
    if (plain)
        f.limit = (unsigned)(offset + limit);
    /* The worker's reasons also know each silent machine's name and switch: sorted by those,
     * or searched by name, the walk needs no row of the table either. */
    if (w.explain || key == SORT_NAME || key == SORT_SWITCH || w.q)
        w.cache = whb_summaries_reasons(loop->col->summaries, loop->reader, w.now, &reasons_at);
    /* Reasons at hand and nothing else to match: the index alone gives the silent machines. */
    w.ids_only = w.cache && !w.sw && !w.ssid && !w.bssid && !w.subnet && !w.state;
    /* No filter, store order: ids from the index alone, the page's rows read by id. */
    w.plain = plain;
    f.ids_only = w.ids_only || plain;
    int rc = loop->reader->ops->each_machine(loop->reader, &f, w.now, collect, &w);
    whb_summaries_reasons_put(loop->col->summaries, w.cache);
    if (!rc && plain &&
        !(rc = loop->reader->ops->count_machines(loop->reader, w.now, &known, &silent)))
        w.total = silent;
    json_t *list = json_array();
    if (!rc && !w.failed && w.n && !store_order) {
        enum sort_key k = (enum sort_key)key;
        qsort_r(w.rows, w.n, sizeof(*w.rows), by_key, &k);
    }
    for (size_t i = (size_t)offset - w.keep_from;
         !rc && !w.failed && i < w.n && i < (size_t)(offset + limit) - w.keep_from; i++) {
        json_t *row = page_row(loop, w.rows[i].fqdn, w.now);
        if (row)
            json_array_append_new(list, row);
    }
    for (size_t i = 0; i < w.n; i++) {
        free(w.rows[i].fqdn);
        free(w.rows[i].where);
    }
    free(w.rows);
    if (rc || w.failed) {
        json_decref(list);
        whb_api_reply_json(
            req, 503, json_pack("{s:s}", "error", w.failed ? "out of memory" : whb_strerror(rc)));
        return;
    }
    json_t *doc =
        json_pack("{s:o, s:I, s:b, s:I, s:I, s:s, s:o}", "generated_at", whb_json_iso(w.now),
                  "total", (json_int_t)w.total, "partial", w.stopped, "offset", (json_int_t)offset,
                  "limit", (json_int_t)limit, "sort", sort, "machines", list);
    if (doc) {
        json_object_set_new(doc, "state", json_string(state));
        if (!w.total)
            json_object_set_new(doc, "unknown", unknown_filters(loop, &w));
    }
    /* Filtered or sorted by the reasons the worker made then (older than generated_at). */
    if (doc && w.cache && w.explain)
        json_object_set_new(doc, "reasons_at", whb_json_iso(reasons_at));
    whb_api_reply_json(req, 200, doc);
}

/* Network summaries: every machine's attachment, grouped by switch or by SSID and BSSID. */
struct net_row {
    char *key, *name, *chassis, *port, *fqdn;
    int silent;
};

struct net_walk {
    int wireless, failed;
    int64_t now;
    struct net_row *rows;
    size_t n, cap;
};

static int net_collect(const struct whb_machine_view *m, void *arg)
{
    struct net_walk *w = arg;
    if (w->wireless ? !(m->wireless && (m->ssid[0] || m->bssid[0]))
                    : (m->wireless || !m->sw_chassis[0]))
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 1024;
        struct net_row *r = realloc(w->rows, cap * sizeof(*r));
        if (!r) {
            w->failed = 1;
            return 1;
        }
        w->rows = r;
        w->cap = cap;
    }
    struct net_row *r = &w->rows[w->n];
    char key[300];
    snprintf(key, sizeof(key), "%s\t%s", w->wireless ? m->ssid : m->sw_chassis,
             w->wireless ? m->bssid : "");
    r->key = strdup(key);
    r->name = strdup(w->wireless ? m->ssid : m->sw_name);
    r->chassis = strdup(w->wireless ? m->bssid : m->sw_chassis);
    r->port = strdup(w->wireless ? m->primary_if : m->sw_port);
    r->fqdn = strdup(m->fqdn);
    r->silent = w->now > m->due_ms;
    w->n++;
    if (!r->key || !r->name || !r->chassis || !r->port || !r->fqdn) {
        w->failed = 1;
        return 1;
    }
    return 0;
}

static int by_net_key(const void *pa, const void *pb)
{
    const struct net_row *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->port, b->port);
}

/* Link flaps and error reports in the last day, from the machine's own events. */
static void port_counts(struct whb_loop *loop, const char *fqdn, int64_t now, json_t *port)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    struct whb_hist_event *evs = calloc(DETAIL_EVENTS, sizeof(*evs));
    int n = 0, flaps = 0, errors = 0, assoc = 0, last_fail = -1;
    if (!evs || whb_explain_host(loop->reader, fqdn, now, &m, &x)) {
        free(evs);
        return;
    }
    loop->reader->ops->get_events(loop->reader, m.machine_id, now - FLAP_WINDOW, now + 60000, evs,
                                  DETAIL_EVENTS, &n);
    for (int i = 0; i < n; i++) {
        const char *k = whb_wire_event_kind_name(evs[i].kind);
        flaps += !strcmp(k, "carrier_lost");
        errors += !strcmp(k, "link_errors");
        if (!strcmp(k, "wifi_assoc_failed")) {
            assoc++;
            last_fail = i;
        }
    }
    if (last_fail >= 0)
        json_object_set_new(port, "last_assoc_failure",
                            json_pack("{s:o, s:s}", "at", whb_json_iso(evs[last_fail].at_ms),
                                      "detail", evs[last_fail].detail));
    free(evs);
    const struct whb_reason_info *info = whb_reason_info(x.reason);
    json_object_set_new(port, "reason", json_string(info->id));
    json_object_set_new(port, "term", json_string(info->term));
    json_object_set_new(port, "confidence", json_string(whb_confidence_name(x.confidence)));
    json_object_set_new(port, "silent_since", whb_json_iso(x.reporting ? 0 : x.silent_since_ms));
    json_object_set_new(port, "flaps_24h", json_integer(flaps));
    json_object_set_new(port, "errors_24h", json_integer(errors));
    json_object_set_new(port, "assoc_failures_24h", json_integer(assoc));
}

/* GET /v1/network/switches (summary per switch) or ?switch=X (its ports, one entry per
 * machine, with the reason and a day's flaps and errors); /v1/network/wifis likewise per SSID
 * and BSSID, ?ssid= or ?bssid= for the machines. */
static void on_network(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q,
                       int wireless)
{
    struct net_walk w = {.wireless = wireless, .now = whb_clock_wall_ms()};
    const char *sel = param(q, wireless ? "ssid" : "switch");
    const char *bssid = wireless ? param(q, "bssid") : NULL;
    if (!sel && !bssid) {
        whb_api_reply_summary(loop, req, wireless ? WHB_SUMMARY_WIFIS : WHB_SUMMARY_SWITCHES);
        return;
    }
    struct whb_store_filter f = {.kind = WHB_FILTER_ALL, .a = NULL, .b = NULL, .limit = 0};
    /* One switch or network: the store's own query instead of a walk of the fleet. */
    if (sel || bssid)
        f = wireless ? (struct whb_store_filter){.kind = WHB_FILTER_WIFI, .a = sel, .b = bssid}
                     : (struct whb_store_filter){.kind = WHB_FILTER_SWITCH, .a = sel, .b = ""};
    int rc = loop->reader->ops->each_machine(loop->reader, &f, w.now, net_collect, &w);
    json_t *list = json_array();
    if (!rc && !w.failed && w.n)
        qsort(w.rows, w.n, sizeof(*w.rows), by_net_key);
    json_t *group = NULL;
    for (size_t i = 0; !rc && !w.failed && i < w.n; i++) {
        struct net_row *r = &w.rows[i];
        int detail = (sel && (!strcmp(sel, r->name) || !strcmp(sel, r->chassis))) ||
                     (bssid && !strcasecmp(bssid, r->chassis));
        if ((sel || bssid) && !detail)
            continue;
        if (!group || strcmp(r->key, w.rows[i - 1].key)) {
            group =
                json_pack("{s:s, s:s, s:i, s:i}", wireless ? "ssid" : "switch", r->name,
                          wireless ? "bssid" : "chassis", r->chassis, "machines", 0, "silent", 0);
            if (detail)
                json_object_set_new(group, "ports", json_array());
            json_array_append_new(list, group);
        }
        json_object_set_new(
            group, "machines",
            json_integer(json_integer_value(json_object_get(group, "machines")) + 1));
        json_object_set_new(
            group, "silent",
            json_integer(json_integer_value(json_object_get(group, "silent")) + r->silent));
        if (detail) {
            json_t *port =
                json_pack("{s:s, s:s, s:s}", wireless ? "adapter" : "port", r->port, "machine",
                          r->fqdn, "status", r->silent ? "not_reporting" : "reporting");
            port_counts(loop, r->fqdn, w.now, port);
            /* The switch's own word on the port, where it spoke (faceplate). */
            struct whb_switch_port sp;
            if (!wireless &&
                loop->reader->ops->switch_port(loop->reader, r->name, r->port, 0, &sp) == 0)
                json_object_set_new(port, "switch_says", whb_api_switch_port_json(&sp));
            json_array_append_new(json_object_get(group, "ports"), port);
        }
    }
    for (size_t i = 0; i < w.n; i++) {
        struct net_row *r = &w.rows[i];
        free(r->key), free(r->name), free(r->chassis), free(r->port), free(r->fqdn);
    }
    free(w.rows);
    if (rc || w.failed) {
        json_decref(list);
        whb_api_reply_json(req, 503, json_pack("{s:s}", "error", "store unavailable"));
        return;
    }
    whb_api_reply_json(req, 200,
                       json_pack("{s:o, s:o}", "generated_at", whb_json_iso(w.now),
                                 wireless ? "networks" : "switches", list));
}

/* GET /v1/reasons: the catalog (explain/reasons.c), for the console's filters and legends. */
static void on_reasons(struct evhttp_request *req)
{
    json_t *list = json_array();
    for (int r = 0; r < WHB_REASON_COUNT_; r++) {
        const struct whb_reason_info *info = whb_reason_info((enum whb_reason)r);
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "reason", info->id, "term",
                                              info->term, "documented", info->documented));
    }
    whb_api_reply_json(req, 200, json_pack("{s:o}", "reasons", list));
}

/* GET /v1/counts: the fleet's numbers without explaining anyone (the fleet page shows them at
 * once; /v1/status, which explains, follows). */
static void on_counts(struct whb_loop *loop, struct evhttp_request *req)
{
    uint64_t known = 0, silent = 0;
    int64_t now = whb_clock_wall_ms();
    if (loop->reader->ops->count_machines(loop->reader, now, &known, &silent)) {
        whb_api_reply_json(req, 503, json_pack("{s:s}", "error", "store unavailable"));
        return;
    }
    whb_api_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I, s:I}", "generated_at", whb_json_iso(now), "known",
                                 (json_int_t)known, "reporting", (json_int_t)(known - silent),
                                 "not_reporting", (json_int_t)silent));
}

/* GET /v1/wsus/summary: what the last imported WSUS list says, for the fleet page. WSUS shows
 * a computer as not reporting when its last status is older than 30 days or missing. */
static void on_wsus_summary(struct whb_loop *loop, struct evhttp_request *req)
{
    uint64_t listed, stale, with_agent;
    int64_t now = whb_clock_wall_ms();
    if (loop->reader->ops->wsus_summary(loop->reader, now - 30LL * 86400000, &listed, &stale,
                                        &with_agent)) {
        whb_api_reply_json(req, 503, json_pack("{s:s}", "error", "store unavailable"));
        return;
    }
    whb_api_reply_json(req, 200,
                       json_pack("{s:I, s:I, s:I}", "listed", (json_int_t)listed, "not_reported",
                                 (json_int_t)stale, "with_agent", (json_int_t)with_agent));
}

int whb_api_pages_route(struct whb_loop *loop, struct evhttp_request *req, const char *path,
                        struct evkeyvalq *q)
{
    static const char *const paging[] = {"offset", "sort",  "reason", "confidence", "switch",
                                         "ssid",   "bssid", "subnet", "q",          "state"};
    if (!strcmp(path, "/v1/silent")) {
        for (size_t i = 0; i < sizeof(paging) / sizeof(paging[0]); i++)
            if (evhttp_find_header(q, paging[i])) {
                on_silent_page(loop, req, q);
                return 1;
            }
        return 0;
    }
    if (!strcmp(path, "/v1/reasons"))
        on_reasons(req);
    else if (!strcmp(path, "/v1/counts"))
        on_counts(loop, req);
    else if (!strcmp(path, "/v1/wsus/summary"))
        on_wsus_summary(loop, req);
    else if (!strcmp(path, "/v1/network/switches"))
        on_network(loop, req, q, 0);
    else if (!strcmp(path, "/v1/network/wifis"))
        on_network(loop, req, q, 1);
    else
        return 0;
    return 1;
}
