/* Implementation of the fleet status summary (summaries.h): machines known, reporting and not,
 * the silent ones counted by reason, and the collector's own downtimes and runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "explain/correlate.h"
#include "explain/json.h"
#include "store/store.h"
#include "summaries/collectors.h"
#include "summaries/summaries.h"
#include "summaries/walk.h"

#define EXPLAIN_LIMIT 5000

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

/* Reporting machines whose WSUS server fails them, by server and by how it fails: the WSUS
 * side's outages, which the silent machines' reasons do not show. */
#define WSUS_GROUPS 32
struct wsus_walk {
    struct {
        char url[256], cls[32];
        unsigned machines, http;
        int64_t last_probe; /* the latest failing probe */
    } g[WSUS_GROUPS];
    int n;
};

static int wsus_one(const struct whb_machine_view *m, void *arg)
{
    struct wsus_walk *w = arg;
    int i = 0;
    while (i < w->n && (strcmp(w->g[i].url, m->wsus_url) || strcmp(w->g[i].cls, m->wsus_class)))
        i++;
    if (i == w->n) {
        if (w->n == WSUS_GROUPS)
            return 0;
        w->n++;
        snprintf(w->g[i].url, sizeof(w->g[i].url), "%s", m->wsus_url);
        snprintf(w->g[i].cls, sizeof(w->g[i].cls), "%s", m->wsus_class);
        w->g[i].machines = 0;
        w->g[i].http = m->wsus_http;
        w->g[i].last_probe = m->wsus_at_ms;
    }
    w->g[i].machines++;
    if (m->wsus_at_ms > w->g[i].last_probe)
        w->g[i].last_probe = m->wsus_at_ms;
    return 0;
}

static json_t *wsus_side(struct whb_store *st, int64_t now)
{
    struct wsus_walk *w = calloc(1, sizeof(*w));
    struct whb_store_filter f = {
        .kind = WHB_FILTER_WSUS_FAILING, .a = NULL, .b = NULL, .limit = 100000};
    json_t *list = json_array();
    if (!w || st->ops->each_machine(st, &f, now, wsus_one, w)) {
        free(w);
        return list;
    }
    for (int i = 0; i < w->n; i++) {
        enum whb_reason r = strncmp(w->g[i].cls, "http_", 5) == 0 ? WHB_REASON_WSUS_UNAVAILABLE
                                                                  : WHB_REASON_WSUS_UNREACHABLE;
        const struct whb_reason_info *info = whb_reason_info(r);
        json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:I, s:o, s:s, s:s, s:s}", "url",
                                              w->g[i].url, "class", w->g[i].cls, "http",
                                              (int)w->g[i].http, "machines",
                                              (json_int_t)w->g[i].machines, "last_probe",
                                              whb_json_iso(w->g[i].last_probe), "reason", info->id,
                                              "term", info->term, "next_step", info->next_step));
    }
    free(w);
    return list;
}

/* The fleet summary, explaining up to EXPLAIN_LIMIT silent machines through the store handle
 * st: seconds at a large fleet, so the worker makes it on a thread of its own. The caller frees
 * the text; NULL when the store cannot be read. */
char *whb_summary_status(struct whb_collector *col, struct whb_store *st, int64_t now,
                         const _Atomic int *cancel)
{
    uint64_t known = 0, silent = 0;
    struct walk w = {.st = st, .cancel = cancel, .now = now};
    struct whb_store_filter f = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = EXPLAIN_LIMIT};
    if (st->ops->count_machines(st, w.now, &known, &silent) ||
        whb_summaries_walk(st, &f, w.now, walk_one, &w, cancel) || (cancel && *cancel))
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
    json_t *doc = json_pack(
        "{s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "generated_at", whb_json_iso(w.now),
        "known", (json_int_t)known, "reporting", (json_int_t)(known - silent), "not_reporting",
        (json_int_t)silent, "explained", (json_int_t)w.explained, "by_reason", reasons,
        "collector_downtimes", whb_summary_downtimes(col, st, w.now, 0), "collectors",
        whb_summary_collectors(col, st, w.now, NULL), "wsus_side", wsus_side(st, w.now));
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}

char *whb_summary_make(struct whb_collector *col, struct whb_store *st, enum whb_summary k,
                       int64_t now, const _Atomic int *cancel)
{
    switch (k) {
    case WHB_SUMMARY_STATUS:
        return whb_summary_status(col, st, now, cancel);
    case WHB_SUMMARY_OUTAGES:
        return whb_summary_outages(col, st, now, cancel);
    case WHB_SUMMARY_SWITCHES:
    case WHB_SUMMARY_WIFIS:
        return whb_summary_network(st, k == WHB_SUMMARY_WIFIS, now);
    case WHB_SUMMARY_COUNT_:
        break;
    }
    return NULL;
}
