/* The collector's read API (JSON over the same HTTP server): fleet status, silent machines,
 * one machine's why and history, correlated outages, network views by switch and by wireless,
 * and the WSUS computer-list import. Loopback callers need no token; others present the admin
 * token. */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "identity.h"
#include "log.h"
#include "server.h"

#define LIST_LIMIT_DEFAULT 1000
#define EXPLAIN_LIMIT      5000
#define GAPS_MAX           20

static json_t *iso(int64_t ms)
{
    char buf[32];
    if (ms <= 0)
        return json_null();
    whb_clock_format_iso(ms, buf, sizeof(buf));
    return json_string(buf);
}

static void reply_json(struct evhttp_request *req, int code, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    if (!text) {
        whb_http_reply_text(req, 500, "Internal Server Error", "out of memory");
        return;
    }
    struct evbuffer *body = evbuffer_new();
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    if (body)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", body);
    if (body)
        evbuffer_free(body);
    free(text);
}

static void reply_error(struct evhttp_request *req, int code, const char *msg)
{
    reply_json(req, code, json_pack("{s:s}", "error", msg));
}

static json_t *attachment_json(const struct whb_machine_view *m)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "adapter", m->primary_if, "switch",
                     m->sw_name, "switch_chassis", m->sw_chassis, "port", m->sw_port, "ssid",
                     m->ssid, "bssid", m->bssid, "subnet", m->subnet, "wireless", m->wireless);
}

/* The explanation as `whb why --json` prints it. */
static json_t *explanation_json(const char *host, const struct whb_machine_view *m,
                                const struct whb_explanation *x)
{
    const struct whb_reason_info *info = whb_reason_info(x->reason);
    static const char *const audiences[] = {"admin", "network", "wsus"};
    json_t *ev = json_array(), *alt = json_array();
    for (int i = 0; i < x->n_evidence; i++)
        json_array_append_new(ev, json_pack("{s:o, s:s}", "at", iso(x->evidence[i].at_ms), "text",
                                            x->evidence[i].text));
    for (int i = 0; i < x->n_alternatives; i++) {
        const struct whb_reason_info *a = whb_reason_info(x->alternatives[i].reason);
        json_array_append_new(alt, json_pack("{s:s, s:s, s:b, s:s}", "reason", a->id, "term",
                                             a->term, "documented", a->documented, "why",
                                             x->alternatives[i].why));
    }
    json_t *j =
        json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:o, s:s, s:s}",
                  "machine", m && x->known ? m->fqdn : host, "status",
                  !x->known      ? "unknown"
                  : x->reporting ? "reporting"
                                 : "not_reporting",
                  "silent_since", x->reporting || !x->known ? json_null() : iso(x->silent_since_ms),
                  "last_report", m && x->known ? iso(m->last_seen_ms) : json_null(), "reason",
                  info->id, "term", info->term, "documented", info->documented, "confidence",
                  whb_confidence_name(x->confidence), "confidence_why", x->confidence_why,
                  "summary", x->summary, "evidence", ev, "alternatives", alt, "next_step",
                  x->next_step, "audience", audiences[info->audience]);
    if (j && m && x->known) {
        json_object_set_new(j, "machine_id", json_string(m->machine_id));
        json_object_set_new(j, "attachment", attachment_json(m));
    }
    return j;
}

/* 409 naming every machine host could mean, so that none answers for another's name. */
static void reply_ambiguous(struct whb_server *srv, struct evhttp_request *req, const char *host)
{
    struct whb_store_match found[WHB_STORE_MATCH_MAX];
    char msg[1024];
    int n = 0;
    if (srv->reader->ops->find_machines(srv->reader, host, found, WHB_STORE_MATCH_MAX, &n)) {
        reply_error(req, 503, whb_strerror(WHB_ESTORE));
        return;
    }
    size_t used = (size_t)snprintf(msg, sizeof(msg), "%s names %d machines:", host, n);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        if (used < sizeof(msg))
            used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s %s (id %s)", i ? "," : "",
                                     found[i].fqdn, found[i].machine_id);
        json_array_append_new(list, json_pack("{s:s, s:s}", "machine_id", found[i].machine_id,
                                              "fqdn", found[i].fqdn));
    }
    if (used < sizeof(msg))
        snprintf(msg + used, sizeof(msg) - used, "; ask by FQDN or machine id");
    json_t *doc = json_pack("{s:s, s:o}", "error", msg, "matches", list);
    reply_json(req, 409, doc);
}

static void on_why(struct whb_server *srv, struct evhttp_request *req, const char *host)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    int rc = whb_explain_host(srv->reader, host, whb_clock_wall_ms(), &m, &x);
    if (rc == WHB_EINVAL) {
        reply_ambiguous(srv, req, host);
        return;
    }
    if (rc && rc != WHB_ENOTFOUND) {
        reply_error(req, 503, whb_strerror(rc));
        return;
    }
    reply_json(req, rc == WHB_ENOTFOUND ? 404 : 200, explanation_json(host, rc ? NULL : &m, &x));
}

static void on_history(struct whb_server *srv, struct evhttp_request *req, const char *host)
{
    struct whb_machine_view m;
    struct whb_store_gap gaps[GAPS_MAX];
    struct whb_hist_event *evs = calloc(WHB_HISTORY_EVENTS, sizeof(*evs));
    int64_t now = whb_clock_wall_ms();
    int ng = 0, ne = 0;
    int rc = srv->reader->ops->get_machine(srv->reader, host, &m);
    if (rc == WHB_EINVAL) {
        free(evs);
        reply_ambiguous(srv, req, host);
        return;
    }
    if (rc || !evs) {
        free(evs);
        reply_error(req,
                    rc == WHB_ENOTFOUND ? 404
                    : rc == WHB_EINVAL  ? 409
                                        : 503,
                    rc == WHB_ENOTFOUND ? "no agent ever reported from this machine"
                                        : whb_strerror(rc ? rc : WHB_ENOMEM));
        return;
    }
    json_t *jg = json_array(), *je = json_array();
    srv->reader->ops->get_gaps(srv->reader, m.machine_id, gaps, GAPS_MAX, &ng);
    for (int i = 0; i < ng; i++) {
        struct whb_explanation x;
        char dur[32];
        if (whb_explain_past_gap(srv->reader, &m, &gaps[i], now, &x))
            continue;
        const struct whb_reason_info *info = whb_reason_info(x.reason);
        whb_clock_format_duration(gaps[i].end_ms - gaps[i].start_ms, dur, sizeof(dur));
        json_t *g =
            json_pack("{s:o, s:o, s:s, s:s, s:s, s:b, s:s, s:s}", "from", iso(gaps[i].start_ms),
                      "to", iso(gaps[i].end_ms), "duration", dur, "reason", info->id, "term",
                      info->term, "documented", info->documented, "confidence",
                      whb_confidence_name(x.confidence), "summary", x.summary);
        json_t *ev = json_array();
        for (int k = 0; k < x.n_evidence; k++)
            json_array_append_new(ev, json_pack("{s:o, s:s}", "at", iso(x.evidence[k].at_ms),
                                                "text", x.evidence[k].text));
        json_object_set_new(g, "evidence", ev);
        json_array_append_new(jg, g);
    }
    srv->reader->ops->get_events(srv->reader, m.machine_id, 0, now + 86400000, evs,
                                 WHB_HISTORY_EVENTS, &ne);
    for (int i = ne - 1; i >= 0; i--)
        json_array_append_new(je, json_pack("{s:o, s:s, s:s, s:i, s:s}", "at", iso(evs[i].at_ms),
                                            "kind", whb_wire_event_kind_name(evs[i].kind),
                                            "adapter", evs[i].adapter, "code",
                                            (int)evs[i].reason_code, "detail", evs[i].detail));
    free(evs);
    reply_json(req, 200,
               json_pack("{s:s, s:s, s:o, s:o, s:o}", "machine", m.fqdn, "machine_id", m.machine_id,
                         "first_seen", iso(m.first_seen_ms), "gaps", jg, "events", je));
}

struct walk {
    struct whb_server *srv;
    json_t *list;
    int64_t now;
    int explain;
    unsigned explained;
    unsigned by_reason[WHB_REASON_COUNT_];
};

static json_t *machine_row_json(const struct whb_machine_view *m, int64_t now)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "machine", m->fqdn, "machine_id",
                     m->machine_id, "status", now > m->due_ms ? "not_reporting" : "reporting",
                     "last_report", iso(m->last_seen_ms), "silent_since",
                     now > m->due_ms ? iso(m->last_seen_ms) : json_null(), "attachment",
                     attachment_json(m));
}

static int walk_one(const struct whb_machine_view *m, void *arg)
{
    struct walk *w = arg;
    json_t *row = machine_row_json(m, w->now);
    if (w->explain && w->explained < EXPLAIN_LIMIT) {
        struct whb_explanation x;
        if (whb_explain_view(w->srv->reader, m, w->now, &x) == 0) {
            const struct whb_reason_info *info = whb_reason_info(x.reason);
            json_object_set_new(row, "reason", json_string(info->id));
            json_object_set_new(row, "term", json_string(info->term));
            json_object_set_new(row, "confidence", json_string(whb_confidence_name(x.confidence)));
            json_object_set_new(row, "summary", json_string(x.summary));
            w->by_reason[x.reason]++;
            w->explained++;
        }
    }
    if (w->list)
        json_array_append_new(w->list, row);
    else
        json_decref(row);
    return 0;
}

static const char *query(struct evkeyvalq *q, const char *key, const char *def)
{
    const char *v = evhttp_find_header(q, key);
    return v ? v : def;
}

static void on_list(struct whb_server *srv, struct evhttp_request *req, struct evkeyvalq *q,
                    enum whb_store_filter_kind kind, const char *a, const char *b)
{
    struct walk w = {.srv = srv, .list = json_array(), .now = whb_clock_wall_ms()};
    w.explain = strcmp(query(q, "explain", kind == WHB_FILTER_SILENT ? "0" : "1"), "1") == 0;
    struct whb_store_filter f = {kind, a, b, (unsigned)atoi(query(q, "limit", "0"))};
    if (kind == WHB_FILTER_SWITCH && !a[0]) {
        reply_error(req, 400, "switch= is required");
        return;
    }
    if (srv->reader->ops->each_machine(srv->reader, &f, w.now, walk_one, &w)) {
        json_decref(w.list);
        reply_error(req, 503, "store unavailable");
        return;
    }
    reply_json(req, 200,
               json_pack("{s:o, s:I, s:o}", "generated_at", iso(w.now), "count",
                         (json_int_t)json_array_size(w.list), "machines", w.list));
}

/* Groups of silent machines that share a switch, an access point or a subnet, and the WSUS
 * side: one entry per shared cause rather than one per machine. */
struct group {
    char kind[16], key[160], label[200];
    unsigned count;
    int64_t first, last;
    json_t *machines;
};

struct groups {
    struct group *g;
    size_t n, cap;
    int64_t now;
};

static struct group *group_for(struct groups *gs, const char *kind, const char *key,
                               const char *label)
{
    for (size_t i = 0; i < gs->n; i++)
        if (!strcmp(gs->g[i].kind, kind) && !strcmp(gs->g[i].key, key))
            return &gs->g[i];
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? gs->cap * 2 : 64;
        struct group *g = realloc(gs->g, cap * sizeof(*g));
        if (!g)
            return NULL;
        gs->g = g;
        gs->cap = cap;
    }
    struct group *g = &gs->g[gs->n++];
    memset(g, 0, sizeof(*g));
    snprintf(g->kind, sizeof(g->kind), "%s", kind);
    snprintf(g->key, sizeof(g->key), "%s", key);
    snprintf(g->label, sizeof(g->label), "%s", label);
    g->machines = json_array();
    return g;
}

static void add_to(struct groups *gs, const char *kind, const char *key, const char *label,
                   const struct whb_machine_view *m, const char *port)
{
    struct group *g = key[0] ? group_for(gs, kind, key, label) : NULL;
    if (!g)
        return;
    if (!g->count || m->last_seen_ms < g->first)
        g->first = m->last_seen_ms;
    if (m->last_seen_ms > g->last)
        g->last = m->last_seen_ms;
    g->count++;
    json_array_append_new(g->machines,
                          json_pack("{s:s, s:s}", "machine", m->fqdn, "port", port ? port : ""));
}

static int group_silent(const struct whb_machine_view *m, void *arg)
{
    struct groups *gs = arg;
    char label[200];
    if (m->sw_chassis[0] && !m->wireless) {
        snprintf(label, sizeof(label), "switch %.90s (%.90s)", m->sw_name[0] ? m->sw_name : "-",
                 m->sw_chassis);
        add_to(gs, "switch", m->sw_chassis, label, m, m->sw_port);
    }
    if (m->bssid[0] && m->wireless) {
        snprintf(label, sizeof(label), "access point %s (SSID %s)", m->bssid, m->ssid);
        add_to(gs, "access_point", m->bssid, label, m, NULL);
    }
    return 0;
}

static int group_wsus(const struct whb_machine_view *m, void *arg)
{
    struct groups *gs = arg;
    char label[300];
    snprintf(label, sizeof(label), "WSUS %s: %s", m->wsus_url, m->wsus_class);
    add_to(gs, "wsus", m->wsus_class, label, m, NULL);
    return 0;
}

static void on_outages(struct whb_server *srv, struct evhttp_request *req)
{
    struct groups gs = {.now = whb_clock_wall_ms()};
    struct whb_store_filter silent = {WHB_FILTER_SILENT, NULL, NULL, 100000};
    struct whb_store_filter wsus = {WHB_FILTER_WSUS_FAILING, NULL, NULL, 100000};
    srv->reader->ops->each_machine(srv->reader, &silent, gs.now, group_silent, &gs);
    srv->reader->ops->each_machine(srv->reader, &wsus, gs.now, group_wsus, &gs);
    json_t *list = json_array();
    for (size_t i = 0; i < gs.n; i++) {
        struct group *g = &gs.g[i];
        int wsus_side = !strcmp(g->kind, "wsus");
        unsigned min = !strcmp(g->kind, "switch") ? 3 : 2;
        int64_t window = whb_correlation_window(srv->cfg.interval_s);
        /* A shared cause: enough machines, silent within a short window of each other. */
        if (g->count >= min && (wsus_side || g->last - g->first <= window * 5)) {
            enum whb_reason r =
                wsus_side ? (strncmp(g->key, "http_", 5) == 0 ? WHB_REASON_WSUS_UNAVAILABLE
                                                              : WHB_REASON_WSUS_UNREACHABLE)
                : !strcmp(g->kind, "switch") ? WHB_REASON_PORT_DISABLED
                                             : WHB_REASON_WIRELESS_ASSOCIATION;
            const struct whb_reason_info *info = whb_reason_info(r);
            json_array_append_new(
                list,
                json_pack("{s:s, s:s, s:I, s:o, s:s, s:s, s:b, s:s, s:O}", "kind", g->kind, "where",
                          g->label, "machines_count", (json_int_t)g->count, "since", iso(g->first),
                          "reason", info->id, "term", info->term, "documented", info->documented,
                          "next_step", info->next_step, "machines", g->machines));
        }
        json_decref(g->machines);
    }
    free(gs.g);
    reply_json(req, 200, json_pack("{s:o, s:o}", "generated_at", iso(gs.now), "outages", list));
}

static void on_status(struct whb_server *srv, struct evhttp_request *req)
{
    uint64_t known = 0, silent = 0;
    struct walk w = {.srv = srv, .now = whb_clock_wall_ms(), .explain = 1};
    struct whb_store_filter f = {WHB_FILTER_SILENT, NULL, NULL, EXPLAIN_LIMIT};
    if (srv->reader->ops->count_machines(srv->reader, w.now, &known, &silent) ||
        srv->reader->ops->each_machine(srv->reader, &f, w.now, walk_one, &w)) {
        reply_error(req, 503, "store unavailable");
        return;
    }
    json_t *reasons = json_array();
    for (int r = 0; r < WHB_REASON_COUNT_; r++) {
        if (!w.by_reason[r])
            continue;
        const struct whb_reason_info *info = whb_reason_info(r);
        json_array_append_new(reasons, json_pack("{s:s, s:s, s:b, s:I}", "reason", info->id, "term",
                                                 info->term, "documented", info->documented,
                                                 "machines", (json_int_t)w.by_reason[r]));
    }
    reply_json(req, 200,
               json_pack("{s:o, s:I, s:I, s:I, s:I, s:o}", "generated_at", iso(w.now), "known",
                         (json_int_t)known, "reporting", (json_int_t)(known - silent),
                         "not_reporting", (json_int_t)silent, "explained", (json_int_t)w.explained,
                         "by_reason", reasons));
}

/* POST /v1/wsus/import: the computers WSUS knows, [{fqdn, ip, last_status, last_sync}] with
 * times in ms; answers, for each one WSUS says has not reported, why. */
static void on_wsus_import(struct whb_server *srv, struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    json_error_t err;
    json_t *doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len, 0, &err);
    if (!doc || !json_is_array(doc)) {
        json_decref(doc);
        reply_error(req, 400, "body must be a JSON array of computers");
        return;
    }
    size_t n = json_array_size(doc);
    struct whb_wsus_computer *rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows) {
        json_decref(doc);
        reply_error(req, 503, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *fqdn = NULL, *ip = "";
        json_int_t status = 0, sync = 0;
        if (json_unpack_ex(json_array_get(doc, i), &err, 0, "{s:s, s?s, s?I, s?I}", "fqdn", &fqdn,
                           "ip", &ip, "last_status", &status, "last_sync", &sync) ||
            !whb_wire_hostname_ok(fqdn) || !whb_wire_text_ok(ip, 63)) {
            char msg[160];
            snprintf(msg, sizeof(msg), "computer %zu: %.120s", i + 1, fqdn ? "bad name" : err.text);
            free(rows);
            json_decref(doc);
            reply_error(req, 400, msg);
            return;
        }
        snprintf(rows[i].fqdn, sizeof(rows[i].fqdn), "%s", fqdn);
        snprintf(rows[i].ip, sizeof(rows[i].ip), "%s", ip);
        rows[i].last_status_ms = status;
        rows[i].last_sync_ms = sync;
    }
    int64_t now = whb_clock_wall_ms();
    if (srv->reader->ops->wsus_import(srv->reader, rows, n, now)) {
        free(rows);
        json_decref(doc);
        reply_error(req, 503, "store unavailable");
        return;
    }
    json_t *answers = json_array();
    unsigned not_reported = 0;
    for (size_t i = 0; i < n; i++) {
        /* WSUS marks a computer as not reporting when its last status is old or missing. */
        if (rows[i].last_status_ms && now - rows[i].last_status_ms < 30LL * 86400000)
            continue;
        not_reported++;
        struct whb_machine_view m;
        struct whb_explanation x;
        int rc = whb_explain_host(srv->reader, rows[i].fqdn, now, &m, &x);
        json_t *j = explanation_json(rows[i].fqdn, rc ? NULL : &m, &x);
        json_object_set_new(j, "wsus_last_status", iso(rows[i].last_status_ms));
        json_array_append_new(answers, j);
    }
    free(rows);
    json_decref(doc);
    reply_json(req, 200,
               json_pack("{s:I, s:I, s:o}", "imported", (json_int_t)n, "not_reported",
                         (json_int_t)not_reported, "answers", answers));
}

int whb_api_allowed(struct whb_server *srv, struct evhttp_request *req)
{
    if (whb_http_peer_loopback(req))
        return 1;
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (srv->cfg.admin_token[0] && auth && !strncmp(auth, "Bearer ", 7) &&
        whb_identity_token_ok(auth + 7, srv->cfg.admin_token))
        return 1;
    char *addr = NULL;
    ev_uint16_t port;
    evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr, &port);
    whb_log_limited(WHB_LOG_WARN, "audit: read API refused to %s", addr ? addr : "?");
    reply_error(req, srv->cfg.admin_token[0] ? 401 : 403,
                srv->cfg.admin_token[0] ? "admin token required"
                                        : "the read API answers loopback only; set "
                                          "admin_token_file to allow other hosts");
    return 0;
}

int whb_api_route(struct whb_server *srv, struct evhttp_request *req, const char *path)
{
    static const char machines[] = "/v1/machines/";
    if (strncmp(path, "/v1/", 4) != 0)
        return 0;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    int is_import = !strcmp(path, "/v1/wsus/import");
    if (cmd != (is_import ? EVHTTP_REQ_POST : EVHTTP_REQ_GET)) {
        reply_error(req, 405, is_import ? "use POST" : "use GET");
        return 1;
    }
    if (!whb_api_allowed(srv, req))
        return 1;
    struct evkeyvalq q;
    const char *qs = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    q.tqh_first = NULL;
    q.tqh_last = &q.tqh_first;
    if (qs && evhttp_parse_query_str(qs, &q)) {
        reply_error(req, 400, "malformed query string");
        return 1;
    }
    if (!strcmp(path, "/v1/status"))
        on_status(srv, req);
    else if (!strcmp(path, "/v1/silent"))
        on_list(srv, req, &q, WHB_FILTER_SILENT, NULL, NULL);
    else if (!strcmp(path, "/v1/outages"))
        on_outages(srv, req);
    else if (!strcmp(path, "/v1/network/switch"))
        on_list(srv, req, &q, WHB_FILTER_SWITCH, query(&q, "switch", ""), query(&q, "port", ""));
    else if (!strcmp(path, "/v1/network/wifi"))
        on_list(srv, req, &q, WHB_FILTER_WIFI, query(&q, "ssid", ""), query(&q, "bssid", ""));
    else if (is_import)
        on_wsus_import(srv, req);
    else if (!strncmp(path, machines, sizeof(machines) - 1)) {
        char host[300];
        const char *rest = path + sizeof(machines) - 1;
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : 0;
        char *decoded = NULL;
        if (n && n < sizeof(host)) {
            memcpy(host, rest, n);
            host[n] = '\0';
            decoded = evhttp_uridecode(host, 0, NULL);
        }
        if (!decoded || !whb_wire_hostname_ok(decoded))
            reply_error(req, 400, "bad machine name");
        else if (!strcmp(slash, "/why"))
            on_why(srv, req, decoded);
        else if (!strcmp(slash, "/history"))
            on_history(srv, req, decoded);
        else
            reply_error(req, 404, "not found");
        free(decoded);
    } else
        reply_error(req, 404, "not found");
    evhttp_clear_headers(&q);
    return 1;
}
