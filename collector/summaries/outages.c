/* Implementation of the outages summary (summaries.h): silent machines grouped by what they
 * share (a switch, an access point, the WSUS side) with their own reasons, the collector's own
 * downtimes, and collectors of a shared store that are down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "explain/correlate.h"
#include "explain/json.h"
#include "hash.h"
#include "store/store.h"
#include "summaries/collectors.h"
#include "summaries/reasons.h"
#include "summaries/summaries.h"
#include "summaries/walk.h"
#include "summaries/worker.h"

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
    return (size_t)whb_fnv1a_str(whb_fnv1a_str(WHB_FNV1A_INIT, kind), key);
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

/* since: when this machine's part of the outage began (its last report, for a silence; its
 * first failing probe, for WSUS). */
static void add_to(struct groups *gs, const char *kind, const char *key, const char *label,
                   const struct whb_machine_view *m, const char *port, int reason, int64_t since)
{
    struct group *g = key[0] ? group_for(gs, kind, key, label) : NULL;
    if (!g)
        return;
    g->reason = reason;
    if (!g->count)
        g->first_view = *m;
    if (!g->count || since < g->first)
        g->first = since;
    if (since > g->last)
        g->last = since;
    g->count++;
    json_t *one = json_pack("{s:s, s:s}", "machine", m->fqdn, "port", port ? port : "");
    /* The switch's own word on the port, where it spoke: shut, or no link. */
    struct whb_switch_port sp;
    if (port && port[0] && gs->st->ops->switch_port &&
        gs->st->ops->switch_port(gs->st, m->sw_name, port, 0, &sp) == 0)
        json_object_set_new(
            one, "switch_says",
            json_pack("{s:s, s:s, s:o, s:b, s:s}", "admin", whb_if_status_name(sp.admin), "oper",
                      whb_if_status_name(sp.oper), "since", whb_json_iso(sp.changed_ms),
                      "err_disabled", sp.err_disabled, "cause", sp.cause));
    json_array_append_new(g->machines, one);
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
        add_to(gs, "switch", key, label, m, m->sw_port, reason, m->last_seen_ms);
    } else {
        snprintf(label, sizeof(label), "access point %s (SSID %s)", m->bssid, m->ssid);
        snprintf(key, sizeof(key), "%.140s %d", m->bssid, reason);
        add_to(gs, "access_point", key, label, m, NULL, reason, m->last_seen_ms);
    }
    return 0;
}

static int group_wsus(const struct whb_machine_view *m, void *arg)
{
    struct groups *gs = arg;
    char label[300];
    snprintf(label, sizeof(label), "WSUS %s: %s", m->wsus_url, m->wsus_class);
    /* Since its first failing probe, not its latest report (which every heartbeat moves). */
    add_to(gs, "wsus", m->wsus_class, label, m, NULL, 0,
           m->wsus_since_ms ? m->wsus_since_ms : m->wsus_at_ms);
    return 0;
}

/* The outages through the store handle st (the worker makes it off the event loops at a
 * large fleet). The caller frees the text; NULL when the store cannot be read. */
char *whb_summary_outages(struct whb_collector *col, struct whb_store *st, int64_t now,
                          const _Atomic int *cancel)
{
    int64_t made = 0;
    const struct whb_reasons *held =
        col->summaries ? whb_summaries_reasons_held(col->summaries, &made) : NULL;
    /* A table of another time would group machines by reasons `why` no longer gives (a small
     * fleet's table is the one made at the collector's start). */
    if (held && (made < now - WHB_REASONS_USABLE_MS || made > now + WHB_REASONS_USABLE_MS)) {
        whb_summaries_reasons_put(col->summaries, held);
        held = NULL;
    }
    struct groups gs = {.now = now, .cancel = cancel, .st = st, .reasons = held};
    struct whb_store_filter silent = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = 100000};
    struct whb_store_filter wsus = {
        .kind = WHB_FILTER_WSUS_FAILING, .a = NULL, .b = NULL, .limit = 100000};
    if (whb_summaries_walk(st, &silent, gs.now, group_silent, &gs, cancel) ||
        st->ops->each_machine(st, &wsus, gs.now, group_wsus, &gs) || (cancel && *cancel)) {
        for (size_t i = 0; i < gs.n; i++)
            json_decref(gs.g[i].machines);
        free(gs.g);
        free(gs.slot);
        whb_summaries_reasons_put(col->summaries, gs.reasons);
        return NULL;
    }
    whb_summaries_reasons_put(col->summaries, gs.reasons);
    json_t *list = json_array();
    int64_t window = whb_correlation_window(col->cfg.interval_s);
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
            json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:s, s:s, s:b, s:s, s:O}", "kind", g->kind,
                                  "where", g->label, "machines_count", (json_int_t)g->count,
                                  "since", whb_json_iso(g->first), "reason", info->id, "term",
                                  info->term, "documented", info->documented, "next_step",
                                  info->next_step, "machines", g->machines);
            /* The silent machines' list filtered to it (the console links there). */
            if (o && !strcmp(g->kind, "switch"))
                json_object_set_new(o, "filter",
                                    json_pack("{s:s}", "switch", g->first_view.sw_chassis));
            else if (o && !strcmp(g->kind, "access_point"))
                json_object_set_new(o, "filter", json_pack("{s:s}", "bssid", g->first_view.bssid));
            json_array_append_new(list, o);
        }
        json_decref(g->machines);
    }
    free(gs.g);
    free(gs.slot);
    /* The collector's own downtimes: every machine went quiet then, none of them is to blame. */
    const struct whb_reason_info *ci = whb_reason_info(WHB_REASON_COLLECTOR_UNAVAILABLE);
    json_t *down = whb_summary_downtimes(col, st, gs.now, 1);
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
    json_t *cols = whb_summary_collectors(col, st, gs.now, &running);
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
    json_t *doc = json_pack("{s:o, s:o, s:I}", "generated_at", whb_json_iso(gs.now), "outages",
                            list, "unexplained", (json_int_t)gs.unexplained);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}
