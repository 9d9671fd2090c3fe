/* The collector's read API (JSON over the same HTTP server): fleet status, silent machines,
 * one machine's why and history, correlated outages, network views by switch and by wireless,
 * and the WSUS computer-list import. Loopback callers need no token; others present the admin
 * token. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "identity.h"
#include "log.h"
#include "runs.h"
#include "server.h"
#include "status.h"
#include "api_pages.h"
#include "session.h"

#define EXPLAIN_LIMIT 5000
#define GAPS_MAX      20

static json_t *iso(int64_t ms)
{
    char buf[32];
    if (ms <= 0)
        return json_null();
    whb_clock_format_iso(ms, buf, sizeof(buf));
    return json_string(buf);
}

/* Sends JSON text as the body and frees it. */
static void reply_json_text(struct evhttp_request *req, int code, char *text)
{
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

static void reply_json(struct evhttp_request *req, int code, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    reply_json_text(req, code, text);
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

/* Each piece of evidence with who says so: the machine at the time, the machine on return
 * (spooled while silent), or the collector (its own records, the neighbours). */
static void evidence_json(json_t *list, const struct whb_explanation *x)
{
    for (int i = 0; i < x->n_evidence; i++)
        json_array_append_new(list, json_pack("{s:o, s:s, s:s}", "at", iso(x->evidence[i].at_ms),
                                              "text", x->evidence[i].text, "source",
                                              whb_evidence_source_name(x->evidence[i].source)));
}

/* The explanation as `whb why --json` prints it. */
static json_t *explanation_json(const char *host, const struct whb_machine_view *m,
                                const struct whb_explanation *x)
{
    const struct whb_reason_info *info = whb_reason_info(x->reason);
    static const char *const audiences[] = {"admin", "network", "wsus"};
    json_t *ev = json_array(), *alt = json_array();
    evidence_json(ev, x);
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
        evidence_json(ev, &x);
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

/* The status summary's walk: each silent machine explained and counted by reason. */
struct walk {
    struct whb_store *st;      /* the handle of the thread walking */
    const _Atomic int *cancel; /* set: stop (the collector is stopping); NULL: never */
    int64_t now;
    unsigned explained;
    unsigned by_reason[WHB_REASON_COUNT_];
};

static int walk_one(const struct whb_machine_view *m, void *arg)
{
    struct walk *w = arg;
    struct whb_explanation x;
    if (w->cancel && *w->cancel)
        return 1;
    if (w->explained < EXPLAIN_LIMIT && whb_explain_view(w->st, m, w->now, &x) == 0) {
        w->by_reason[x.reason]++;
        w->explained++;
    }
    return 0;
}

static const char *query(struct evkeyvalq *q, const char *key, const char *def)
{
    const char *v = evhttp_find_header(q, key);
    return v ? v : def;
}

/* GET /v1/silent, /v1/network/switch?switch=&port=, /v1/network/wifi?ssid=&bssid=, with
 * limit= (0 or none: all) and explain=0|1: streamed (api_list.c). */
static void on_list(struct whb_server *srv, struct evhttp_request *req, struct evkeyvalq *q,
                    enum whb_store_filter_kind kind, const char *a, const char *b)
{
    int explain = strcmp(query(q, "explain", kind == WHB_FILTER_SILENT ? "0" : "1"), "1") == 0;
    const char *lim = query(q, "limit", "0");
    char *end;
    unsigned long limit = strtoul(lim, &end, 10);
    if (kind == WHB_FILTER_SWITCH && !a[0]) {
        reply_error(req, 400, "switch= is required");
        return;
    }
    if (*end || lim[0] == '-' || !lim[0] || limit > UINT32_MAX) {
        reply_error(req, 400, "limit: a whole number (0: all)");
        return;
    }
    whb_api_list_stream(srv, req, kind, a ? a : "", b ? b : "", (unsigned)limit, explain);
}

/* Groups of silent machines that share a switch, an access point or a subnet, and the WSUS
 * side: one entry per shared cause rather than one per machine. */
struct group {
    char kind[16], key[160], label[200];
    int reason; /* switch and access point groups: the members' own reason (the engine's) */
    unsigned count;
    int64_t first, last;
    json_t *machines;
    struct whb_machine_view first_view; /* one of them, to ask who else is on its switch */
};

struct groups {
    struct group *g;
    size_t n, cap;
    int64_t now;
    size_t *slot; /* open addressing over g by kind and key: index + 1, 0 empty */
    size_t nslots;
    const _Atomic int *cancel; /* as in struct walk */
    struct whb_store *st;
    const struct whb_reasons *reasons; /* the worker's, when it has them */
    unsigned explained;                /* here, for machines the worker has not explained */
    unsigned unexplained;              /* over OUTAGE_EXPLAIN_MAX: left out, and said so */
};

/* Machines explained while making one outages summary, beyond those the worker explained. */
#define OUTAGE_EXPLAIN_MAX 2000

static size_t group_hash(const char *kind, const char *key)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (const char *p = kind; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h;
}

/* Keeps the table at most half full; the groups keep their order of first appearance. */
static int group_rehash(struct groups *gs)
{
    size_t n = gs->nslots ? gs->nslots * 2 : 1024;
    size_t *slot = calloc(n, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < gs->n; i++) {
        size_t h = group_hash(gs->g[i].kind, gs->g[i].key) & (n - 1);
        while (slot[h])
            h = (h + 1) & (n - 1);
        slot[h] = i + 1;
    }
    free(gs->slot);
    gs->slot = slot;
    gs->nslots = n;
    return 0;
}

static struct group *group_for(struct groups *gs, const char *kind, const char *key,
                               const char *label)
{
    if ((gs->n + 1) * 2 > gs->nslots && group_rehash(gs))
        return NULL;
    size_t h = group_hash(kind, key) & (gs->nslots - 1);
    for (; gs->slot[h]; h = (h + 1) & (gs->nslots - 1)) {
        struct group *g = &gs->g[gs->slot[h] - 1];
        if (!strcmp(g->kind, kind) && !strcmp(g->key, key))
            return g;
    }
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? gs->cap * 2 : 64;
        struct group *g = realloc(gs->g, cap * sizeof(*g));
        if (!g)
            return NULL;
        gs->g = g;
        gs->cap = cap;
    }
    gs->slot[h] = gs->n + 1;
    struct group *g = &gs->g[gs->n++];
    memset(g, 0, sizeof(*g));
    snprintf(g->kind, sizeof(g->kind), "%s", kind);
    snprintf(g->key, sizeof(g->key), "%s", key);
    snprintf(g->label, sizeof(g->label), "%s", label);
    g->machines = json_array();
    return g;
}

static void add_to(struct groups *gs, const char *kind, const char *key, const char *label,
                   const struct whb_machine_view *m, const char *port, int reason)
{
    struct group *g = key[0] ? group_for(gs, kind, key, label) : NULL;
    if (!g)
        return;
    g->reason = reason;
    if (!g->count)
        g->first_view = *m;
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
    if (gs->cancel && *gs->cancel)
        return 1;
    /* A machine that announced its silence (sleep, shutdown) has its own cause. */
    if (m->last_gasp)
        return 0;
    if (!(m->sw_chassis[0] && !m->wireless) && !(m->bssid[0] && m->wireless))
        return 0;
    /* Only machines the engine itself finds cut off from the network make a network outage: a
     * laptop asleep, a PC turned off or an agent that crashed on the same switch is no port of
     * an outage (the same answer as its own `why`). */
    int reason, confidence;
    const char *fqdn, *where;
    if (!gs->reasons || whb_reasons_find(gs->reasons, m, &reason, &confidence, &fqdn, &where)) {
        struct whb_explanation x;
        if (gs->explained >= OUTAGE_EXPLAIN_MAX) {
            gs->unexplained++;
            return 0;
        }
        gs->explained++;
        if (whb_explain_view(gs->st, m, gs->now, &x))
            return 0;
        reason = (int)x.reason;
    }
    if (reason != WHB_REASON_PORT_DISABLED && reason != WHB_REASON_CABLE_UNPLUGGED &&
        reason != WHB_REASON_LOST_CONNECTIVITY && reason != WHB_REASON_WIRELESS_ASSOCIATION)
        return 0;
    char key[160];
    if (m->sw_chassis[0] && !m->wireless) {
        snprintf(label, sizeof(label), "switch %.90s (%.90s)", m->sw_name[0] ? m->sw_name : "-",
                 m->sw_chassis);
        snprintf(key, sizeof(key), "%.140s %d", m->sw_chassis, reason);
        add_to(gs, "switch", key, label, m, m->sw_port, reason);
    } else {
        snprintf(label, sizeof(label), "access point %s (SSID %s)", m->bssid, m->ssid);
        snprintf(key, sizeof(key), "%.140s %d", m->bssid, reason);
        add_to(gs, "access_point", key, label, m, NULL, reason);
    }
    return 0;
}

static int group_wsus(const struct whb_machine_view *m, void *arg)
{
    struct groups *gs = arg;
    char label[300];
    snprintf(label, sizeof(label), "WSUS %s: %s", m->wsus_url, m->wsus_class);
    add_to(gs, "wsus", m->wsus_class, label, m, NULL, 0);
    return 0;
}

/* The collector's own downtimes of the last day: an outage of ours, not of the machines. */
static json_t *downtimes_json(struct whb_server *srv, struct whb_store *st, int64_t now,
                              int with_machines)
{
    struct whb_downtime d[8];
    int n = 0;
    json_t *list = json_array();
    st->ops->downtimes(st, now - 86400000, now, d, 8, &n);
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:o, s:o, s:s}", "from", iso(d[i].from_ms), "to", iso(d[i].to_ms),
                              "how", d[i].clean ? "stopped" : "killed or crashed");
        if (with_machines) {
            struct whb_peer_group fleet;
            int64_t window = whb_correlation_window(srv->cfg.interval_s);
            if (st->ops->fleet_group(st, now, d[i].from_ms, window, &fleet) == 0)
                json_object_set_new(o, "machines_silenced", json_integer(fleet.together));
        }
        json_array_append_new(list, o);
    }
    return list;
}

/* The store's collectors and whether each runs (several share a PostgreSQL store): one killed
 * or stopped while the others go on is visible to them, and is an outage of its own (its
 * agents move on to the others, so it excuses no machine's silence by itself). */
struct collectors_walk {
    json_t *list;
    int64_t now;
    const char *self; /* SQLite's one collector has no id in the store */
    unsigned running;
};

static const char *collector_state(const struct whb_store_collector *c, int64_t now)
{
    return c->stopped_ms                               ? "stopped"
           : now - c->alive_ms > 3 * WHB_RUNS_ALIVE_MS ? "not_running"
                                                       : "running";
}

static int collector_one(const struct whb_store_collector *c, void *arg)
{
    struct collectors_walk *w = arg;
    const char *state = collector_state(c, w->now);
    w->running += !strcmp(state, "running");
    json_array_append_new(w->list,
                          json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", c->id[0] ? c->id : w->self,
                                    "state", state, "started", iso(c->started_ms), "alive",
                                    iso(c->alive_ms), "stopped", iso(c->stopped_ms)));
    return 0;
}

static json_t *collectors_json(struct whb_server *srv, struct whb_store *st, int64_t now,
                               unsigned *running)
{
    struct collectors_walk w = {json_array(), now, srv->cfg.collector_id, 0};
    if (st->ops->collectors(st, collector_one, &w))
        json_array_clear(w.list);
    if (running)
        *running = w.running;
    return w.list;
}

/* The outages through the store handle st (status.c makes it off the HTTP thread at a large
 * fleet). The caller frees the text; NULL when the store cannot be read. */
char *whb_api_outages_text(struct whb_server *srv, struct whb_store *st, int64_t now,
                           const _Atomic int *cancel)
{
    int64_t made = 0;
    struct groups gs = {.now = now,
                        .cancel = cancel,
                        .st = st,
                        .reasons =
                            srv->status ? whb_status_reasons_held(srv->status, &made) : NULL};
    struct whb_store_filter silent = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = 100000};
    struct whb_store_filter wsus = {
        .kind = WHB_FILTER_WSUS_FAILING, .a = NULL, .b = NULL, .limit = 100000};
    if (st->ops->each_machine(st, &silent, gs.now, group_silent, &gs) ||
        st->ops->each_machine(st, &wsus, gs.now, group_wsus, &gs) || (cancel && *cancel)) {
        for (size_t i = 0; i < gs.n; i++)
            json_decref(gs.g[i].machines);
        free(gs.g);
        free(gs.slot);
        whb_status_reasons_put(srv->status, gs.reasons);
        return NULL;
    }
    whb_status_reasons_put(srv->status, gs.reasons);
    json_t *list = json_array();
    int64_t window = whb_correlation_window(srv->cfg.interval_s);
    for (size_t i = 0; i < gs.n; i++) {
        struct group *g = &gs.g[i];
        int wsus_side = !strcmp(g->kind, "wsus");
        /* Two machines on one switch or access point silent together are already a pattern. */
        if (g->count >= 2 && (wsus_side || g->last - g->first <= window * 5)) {
            enum whb_reason r =
                wsus_side ? (strncmp(g->key, "http_", 5) == 0 ? WHB_REASON_WSUS_UNAVAILABLE
                                                              : WHB_REASON_WSUS_UNREACHABLE)
                          : (enum whb_reason)g->reason;
            struct whb_peer_group p;
            /* Every known machine on the switch: the switch or its uplink, not ports. */
            if (r == WHB_REASON_PORT_DISABLED &&
                st->ops->peer_group(st, WHB_PEERS_SWITCH, &g->first_view, gs.now, g->first, window,
                                    0, &p) == 0 &&
                !p.healthy)
                r = WHB_REASON_LOST_CONNECTIVITY;
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
    free(gs.slot);
    /* The collector's own downtimes: every machine went quiet then, none of them is to blame. */
    const struct whb_reason_info *ci = whb_reason_info(WHB_REASON_COLLECTOR_UNAVAILABLE);
    json_t *down = downtimes_json(srv, st, gs.now, 1);
    size_t k;
    json_t *d;
    json_array_foreach(down, k, d)
    {
        json_t *o = json_pack("{s:s, s:s, s:I, s:O, s:O, s:s, s:s, s:b, s:s, s:[]}", "kind",
                              "collector", "where", "the collector", "machines_count",
                              json_integer_value(json_object_get(d, "machines_silenced")), "since",
                              json_object_get(d, "from"), "until", json_object_get(d, "to"),
                              "reason", ci->id, "term", ci->term, "documented", ci->documented,
                              "next_step", ci->next_step, "machines");
        json_array_append_new(list, o);
    }
    json_decref(down);
    /* A collector down while another runs: its agents moved on, the team that runs it acts. */
    unsigned running = 0;
    json_t *cols = collectors_json(srv, st, gs.now, &running);
    json_array_foreach(cols, k, d)
    {
        const char *state = json_string_value(json_object_get(d, "state"));
        if (!running || !strcmp(state, "running"))
            continue;
        char where[100];
        snprintf(where, sizeof(where), "collector %s", json_string_value(json_object_get(d, "id")));
        int stopped = !strcmp(state, "stopped");
        json_t *o =
            json_pack("{s:s, s:s, s:I, s:O, s:s, s:s, s:s, s:b, s:s, s:[]}", "kind", "collector",
                      "where", where, "machines_count", (json_int_t)0, "since",
                      json_object_get(d, stopped ? "stopped" : "alive"), "how",
                      stopped ? "stopped" : "killed or crashed", "reason", ci->id, "term", ci->term,
                      "documented", ci->documented, "next_step", ci->next_step, "machines");
        json_array_append_new(list, o);
    }
    json_decref(cols);
    /* Silent machines on a switch or access point not explained for this summary (a huge
     * outage before the worker's pass): not counted in any outage above. */
    json_t *doc = json_pack("{s:o, s:o, s:I}", "generated_at", iso(gs.now), "outages", list,
                            "unexplained", (json_int_t)gs.unexplained);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}

/* The fleet summary, explaining up to EXPLAIN_LIMIT silent machines through the store handle
 * st: seconds at a large fleet, so status.c runs it on a thread of its own. The caller frees
 * the text; NULL when the store cannot be read. */
char *whb_api_status_text(struct whb_server *srv, struct whb_store *st, int64_t now,
                          const _Atomic int *cancel)
{
    uint64_t known = 0, silent = 0;
    struct walk w = {.st = st, .cancel = cancel, .now = now};
    struct whb_store_filter f = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = EXPLAIN_LIMIT};
    if (st->ops->count_machines(st, w.now, &known, &silent) ||
        st->ops->each_machine(st, &f, w.now, walk_one, &w) || (cancel && *cancel))
        return NULL;
    json_t *reasons = json_array();
    for (int r = 0; r < WHB_REASON_COUNT_; r++) {
        if (!w.by_reason[r])
            continue;
        const struct whb_reason_info *info = whb_reason_info(r);
        json_array_append_new(reasons, json_pack("{s:s, s:s, s:b, s:I}", "reason", info->id, "term",
                                                 info->term, "documented", info->documented,
                                                 "machines", (json_int_t)w.by_reason[r]));
    }
    json_t *doc =
        json_pack("{s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "generated_at", iso(w.now), "known",
                  (json_int_t)known, "reporting", (json_int_t)(known - silent), "not_reporting",
                  (json_int_t)silent, "explained", (json_int_t)w.explained, "by_reason", reasons,
                  "collector_downtimes", downtimes_json(srv, st, w.now, 0), "collectors",
                  collectors_json(srv, st, w.now, NULL));
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}

/* GET /v1/status, /v1/outages, /v1/network/switches, /v1/network/wifis: status.h. */
static void on_summary(struct whb_server *srv, struct evhttp_request *req, enum whb_summary k)
{
    char *text = whb_status_get(srv->status, srv, k, whb_clock_wall_ms());
    if (!text)
        reply_error(req, 503, "store unavailable");
    else
        reply_json_text(req, 200, text);
}

/* The answer for one computer of WSUS's list: which agent it is and how that was decided, then
 * that agent's explanation; several possible agents are named, never one picked. */
static json_t *wsus_answer_json(struct whb_server *srv, const struct whb_wsus_computer *c,
                                int64_t now)
{
    static const char *const how[] = {"none", "fqdn", "short_name", "ip_address", "ambiguous"};
    struct whb_wsus_match match;
    struct whb_machine_view m;
    struct whb_explanation x;
    json_t *j;
    int64_t slack = (int64_t)srv->cfg.interval_s * srv->cfg.grace * 1000 + 3600 * 1000LL;
    if (srv->reader->ops->wsus_match(srv->reader, c, slack, &match))
        match.kind = WHB_MATCH_NONE;
    if (match.kind == WHB_MATCH_AMBIGUOUS) {
        char term[700];
        snprintf(term, sizeof(term), "Several agents could be this computer: %s", match.candidates);
        j = json_pack("{s:s, s:s, s:n, s:n, s:s, s:s, s:b, s:s, s:s, s:s, s:[], s:[], s:s}",
                      "machine", c->fqdn, "status", "ambiguous", "silent_since", "last_report",
                      "reason", "ambiguous", "term", term, "documented", 0, "confidence", "low",
                      "confidence_why", "more than one agent matches; none is picked", "summary",
                      term, "evidence", "alternatives", "next_step",
                      "Ask about each agent with `whb why FQDN`; give the computers their DNS "
                      "suffix so that the agent's name is WSUS's FullDomainName");
    } else {
        const char *host = match.kind == WHB_MATCH_NONE ? c->fqdn : match.machine_id;
        int rc = whb_explain_host(srv->reader, host, now, &m, &x);
        j = explanation_json(c->fqdn, rc ? NULL : &m, &x);
    }
    if (!j)
        return NULL;
    json_object_set_new(j, "wsus_name", json_string(c->fqdn));
    json_object_set_new(j, "wsus_ip", json_string(c->ip));
    json_object_set_new(j, "wsus_last_status", iso(c->last_status_ms));
    json_object_set_new(j, "matched_by", json_string(how[match.kind]));
    json_object_set_new(j, "match", json_string(match.candidates));
    return j;
}

struct wsus_page {
    struct whb_server *srv;
    json_t *answers;
    int64_t now;
};

static int wsus_page_one(const struct whb_wsus_computer *c, void *arg)
{
    struct wsus_page *p = arg;
    json_t *j = wsus_answer_json(p->srv, c, p->now);
    if (j)
        json_array_append_new(p->answers, j);
    return 0;
}

#define WSUS_PAGE_DEFAULT 500
#define WSUS_PAGE_MAX     5000

/* The imported list's computers that have not reported for not_reported_days, one page. */
static json_t *wsus_answers(struct whb_server *srv, unsigned offset, unsigned limit)
{
    struct wsus_page p = {srv, json_array(), whb_clock_wall_ms()};
    uint64_t total = 0, imported = 0;
    int64_t imported_ms = 0;
    int64_t cutoff = p.now - (int64_t)srv->cfg.wsus_not_reported_days * 86400000;
    if (srv->reader->ops->wsus_not_reported(srv->reader, cutoff, offset, limit, wsus_page_one, &p,
                                            &total, &imported, &imported_ms)) {
        json_decref(p.answers);
        return NULL;
    }
    json_t *j =
        json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:o}", "imported", (json_int_t)imported,
                  "imported_at", iso(imported_ms), "not_reported_days",
                  (json_int_t)srv->cfg.wsus_not_reported_days, "not_reported", (json_int_t)total,
                  "offset", (json_int_t)offset, "limit", (json_int_t)limit, "answers", p.answers);
    if (j && offset + json_array_size(p.answers) < total) {
        char next[80];
        snprintf(next, sizeof(next), "/v1/wsus/computers?offset=%zu&limit=%u",
                 offset + json_array_size(p.answers), limit);
        json_object_set_new(j, "next", json_string(next));
    }
    return j;
}

static unsigned query_uint(struct evkeyvalq *q, const char *key, unsigned def, unsigned max)
{
    const char *v = evhttp_find_header(q, key);
    char *end;
    unsigned long n = v ? strtoul(v, &end, 10) : def;
    if (!v || *end || v[0] == '-' || !v[0])
        return def;
    return n > max ? max : (unsigned)n;
}

/* GET /v1/wsus/computers?offset=N&limit=M: the answers page by page. */
static void on_wsus_computers(struct whb_server *srv, struct evhttp_request *req,
                              struct evkeyvalq *q)
{
    json_t *j = wsus_answers(srv, query_uint(q, "offset", 0, UINT32_MAX / 2),
                             query_uint(q, "limit", WSUS_PAGE_DEFAULT, WSUS_PAGE_MAX));
    if (!j)
        reply_error(req, 503, "store unavailable");
    else
        reply_json(req, 200, j);
}

/* One computer of an import body: {fqdn, ip, last_status, last_sync, line}, times in ms since
 * 1970 (0: never). Errors name the admin's line and field when the sender gave the line. */
static int wsus_row(json_t *item, size_t index, struct whb_wsus_computer *row, char *why,
                    size_t whylen)
{
    const char *fqdn = NULL, *ip = "";
    json_int_t status = 0, sync = 0, line = 0;
    json_error_t err;
    char where[48];
    if (json_unpack_ex(item, &err, 0, "{s?s, s?s, s?I, s?I, s?I}", "fqdn", &fqdn, "ip", &ip,
                       "last_status", &status, "last_sync", &sync, "line", &line)) {
        snprintf(why, whylen, "computer %zu: expected {fqdn, ip, last_status, last_sync}: %.100s",
                 index + 1, err.text);
        return -1;
    }
    if (line > 0 && line < UINT32_MAX)
        snprintf(where, sizeof(where), "line %lld", (long long)line);
    else
        snprintf(where, sizeof(where), "computer %zu", index + 1);
    size_t len = fqdn ? strlen(fqdn) : 0;
    if (len > 1 && fqdn[len - 1] == '.')
        len--;
    char name[254];
    snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : 0), fqdn ? fqdn : "");
    if (!name[0] || len >= sizeof(name) || !whb_wire_hostname_ok(name)) {
        snprintf(why, whylen, "%s, field FullDomainName: expected a host name, got %s", where,
                 fqdn ? "other characters" : "none");
        return -1;
    }
    if (!whb_wire_text_ok(ip, 45)) {
        snprintf(why, whylen, "%s, field IPAddress: expected an IP address", where);
        return -1;
    }
    if (status < 0 || sync < 0) {
        snprintf(why, whylen, "%s, field %s: expected ms since 1970, or 0 for never", where,
                 status < 0 ? "LastReportedStatusTime" : "LastSyncTime");
        return -1;
    }
    memset(row, 0, sizeof(*row));
    snprintf(row->fqdn, sizeof(row->fqdn), "%s", name);
    snprintf(row->ip, sizeof(row->ip), "%s", ip);
    row->last_status_ms = status;
    row->last_sync_ms = sync;
    row->line = line > 0 && line < UINT32_MAX ? (unsigned)line : 0;
    return 0;
}

static int session_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdefABCDEF-", s[i]))
            return 0;
    return 1;
}

/* POST /v1/wsus/import: the computers WSUS knows. Either one JSON array (a small list), or the
 * list in parts of one session, each under max_body:
 *   {"session": "<hex>", "part": 1, "final": false, "computers": [{fqdn, ip, last_status,
 *    last_sync, line}, ...]}
 * Each part is stored when it arrives; the final part replaces the list, all or nothing, and the
 * answer holds the first page of computers WSUS says have not reported (GET
 * /v1/wsus/computers for the next ones). */
static void on_wsus_import(struct whb_server *srv, struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    json_error_t err;
    char why[400], session[80] = "";
    json_int_t part = 1;
    int final = 1, rc;
    json_t *doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len, 0, &err);
    json_t *list = doc;
    struct whb_wsus_computer *rows = NULL;
    if (json_is_object(doc)) {
        const char *sid = NULL;
        list = NULL;
        if (json_unpack_ex(doc, &err, 0, "{s:s, s:I, s:b, s:o}", "session", &sid, "part", &part,
                           "final", &final, "computers", &list) ||
            !session_ok(sid) || part < 1 || part > 1000000) {
            reply_error(req, 400,
                        "expected {\"session\": 8-64 hex digits, \"part\": 1.., \"final\": "
                        "true|false, \"computers\": [...]}");
            goto out;
        }
        snprintf(session, sizeof(session), "%s", sid);
    }
    if (!json_is_array(list)) {
        reply_error(req, 400, "body must be a JSON array of computers, or an import part");
        goto out;
    }
    size_t n = json_array_size(list);
    rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows) {
        reply_error(req, 503, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (wsus_row(json_array_get(list, i), i, &rows[i], why, sizeof(why))) {
            reply_error(req, 400, why);
            goto out;
        }
    int64_t now = whb_clock_wall_ms();
    if (!session[0]) /* one array: a session of one part */
        snprintf(session, sizeof(session), "%016llx%08x", (unsigned long long)now,
                 (unsigned)(uintptr_t)req);
    uint64_t imported = 0;
    rc = srv->reader->ops->wsus_stage(srv->reader, session, (unsigned)part, rows, n, now, why,
                                      sizeof(why));
    if (rc == 0 && final)
        rc = srv->reader->ops->wsus_finish(srv->reader, session, now, &imported);
    if (rc) {
        reply_error(req, rc == WHB_EINVAL ? 409 : 503,
                    rc == WHB_EINVAL ? why : "store unavailable");
        goto out;
    }
    if (!final) {
        reply_json(req, 200,
                   json_pack("{s:s, s:I, s:I}", "session", session, "part", part, "received",
                             (json_int_t)n));
        goto out;
    }
    whb_log_info("wsus import: %llu computers", (unsigned long long)imported);
    json_t *j = wsus_answers(srv, 0, WSUS_PAGE_DEFAULT);
    if (!j)
        reply_error(req, 503, "store unavailable");
    else
        reply_json(req, 200, j);
out:
    free(rows);
    json_decref(doc);
}

/* whb why 192.0.2.2: the agent that holds the address now. */
static void on_why_ip(struct whb_server *srv, struct evhttp_request *req, const char *ip)
{
    char id[65], why[400];
    int rc = srv->reader->ops->machine_by_ip(srv->reader, ip, whb_clock_wall_ms(), id, sizeof(id),
                                             why, sizeof(why));
    if (rc == WHB_EINVAL) {
        char msg[500];
        snprintf(msg, sizeof(msg), "several machines have %s now: %s; ask with the FQDN", ip, why);
        reply_error(req, 409, msg);
        return;
    }
    if (rc) {
        struct whb_explanation x;
        struct whb_explain_input in = {.now_ms = whb_clock_wall_ms(), .host = ip};
        if (rc != WHB_ENOTFOUND) {
            reply_error(req, 503, whb_strerror(rc));
            return;
        }
        whb_explain_now(&in, &x);
        reply_json(req, 404, explanation_json(ip, NULL, &x));
        return;
    }
    on_why(srv, req, id);
}

static int is_ip(const char *s)
{
    unsigned char bin[16];
    return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
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
    if (cmd != (is_import ? EVHTTP_REQ_POST : EVHTTP_REQ_GET) &&
        !(is_import && cmd == EVHTTP_REQ_PUT)) {
        reply_error(req, 405, is_import ? "use POST" : "use GET");
        return 1;
    }
    if (!whb_session_api_allowed(srv, req, is_import))
        return 1;
    struct evkeyvalq q;
    const char *qs = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    q.tqh_first = NULL;
    q.tqh_last = &q.tqh_first;
    if (qs && evhttp_parse_query_str(qs, &q)) {
        reply_error(req, 400, "malformed query string");
        return 1;
    }
    if (whb_api_pages_route(srv, req, path, &q))
        ; /* the console's additions: api_pages.c */
    else if (!strcmp(path, "/v1/status"))
        on_summary(srv, req, WHB_SUMMARY_STATUS);
    else if (!strcmp(path, "/v1/silent"))
        on_list(srv, req, &q, WHB_FILTER_SILENT, NULL, NULL);
    else if (!strcmp(path, "/v1/outages"))
        on_summary(srv, req, WHB_SUMMARY_OUTAGES);
    else if (!strcmp(path, "/v1/network/switch"))
        on_list(srv, req, &q, WHB_FILTER_SWITCH, query(&q, "switch", ""), query(&q, "port", ""));
    else if (!strcmp(path, "/v1/network/wifi"))
        on_list(srv, req, &q, WHB_FILTER_WIFI, query(&q, "ssid", ""), query(&q, "bssid", ""));
    else if (is_import)
        on_wsus_import(srv, req);
    else if (!strcmp(path, "/v1/wsus/computers"))
        on_wsus_computers(srv, req, &q);
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
        if (!decoded || (!whb_wire_hostname_ok(decoded) && !is_ip(decoded)))
            reply_error(req, 400, "bad machine name");
        else if (!strcmp(slash, "/why") && is_ip(decoded))
            on_why_ip(srv, req, decoded);
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

/* For api_pages.c: the same JSON shapes and answer as the handlers above. */
void whb_api_reply_json(struct evhttp_request *req, int code, json_t *doc)
{
    reply_json(req, code, doc);
}

json_t *whb_api_iso(int64_t ms)
{
    return iso(ms);
}

json_t *whb_api_attachment_json(const struct whb_machine_view *m)
{
    return attachment_json(m);
}

void whb_api_reply_summary(struct whb_server *srv, struct evhttp_request *req, enum whb_summary k)
{
    on_summary(srv, req, k);
}
