/* Implementation of reasons.h. */
#include "summaries/reasons.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "hash.h"
#include "store/peer_cache.h"
#include "store/store.h"
#include "summaries/walk.h"

struct whb_reason_entry {
    char id[65];
    int64_t due;        /* a report since moves it */
    char *fqdn, *where; /* where: the key of a sort by switch */
    signed char reason, confidence;
};

static size_t id_hash(const char *id)
{
    return (size_t)whb_fnv1a_str(WHB_FNV1A_INIT, id);
}

void whb_sort_where(const struct whb_machine_view *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s %s", m->wireless ? m->ssid : m->sw_name,
             m->wireless ? m->bssid : m->sw_port, m->fqdn);
}

void whb_reasons_free(struct whb_reasons *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->slot && i < r->nslots; i++) {
        free(r->slot[i].fqdn);
        free(r->slot[i].where);
    }
    free(r->slot);
    free(r);
}

struct reasons_walk {
    struct whb_store *st;
    const _Atomic int *cancel;
    struct whb_reasons *r;
    int failed;
    /* A chunk's machines, explained together: the store reads their rows ahead at once. */
    struct whb_machine_view *chunk;
    struct whb_read_ahead *reads;
    size_t n;
    /* The pass's clock: its start (r->made) and the time since, so that a machine is
     * explained at the moment its row was read. A pass over a large silent fleet lasts
     * minutes, and at its start's clock the fleet census (store/census.h) soon looked too
     * far away to use: every fleet count read the store's silent rows again. */
    int64_t mono0, at;
};

static int reasons_add_one(struct reasons_walk *w, const struct whb_machine_view *m)
{
    struct whb_reasons *r = w->r;
    struct whb_explanation x;
    if (w->cancel && *w->cancel)
        return 1;
    if (r->n * 2 >= r->nslots || whb_explain_view(w->st, m, w->at, &x))
        return r->n * 2 >= r->nslots;
    size_t h = id_hash(m->machine_id) & (r->nslots - 1);
    while (r->slot[h].id[0] && strcmp(r->slot[h].id, m->machine_id))
        h = (h + 1) & (r->nslots - 1);
    struct whb_reason_entry *e = &r->slot[h];
    char where[WHB_SORT_WHERE_MAX];
    whb_sort_where(m, where, sizeof(where));
    char *fqdn = strdup(m->fqdn), *wh = strdup(where);
    if (!fqdn || !wh) {
        free(fqdn);
        free(wh);
        w->failed = 1;
        return 1;
    }
    r->n += !e->id[0];
    free(e->fqdn);
    free(e->where);
    e->fqdn = fqdn;
    e->where = wh;
    memcpy(e->id, m->machine_id, sizeof(e->id));
    e->due = m->due_ms;
    e->reason = (signed char)x.reason;
    e->confidence = (signed char)x.confidence;
    return 0;
}

static int reasons_flush(struct reasons_walk *w)
{
    struct whb_store *st = w->st;
    int stop = 0, ahead = st->ops->read_ahead && w->n > 1;
    w->at = w->r->made + (whb_clock_mono_ns() / 1000000 - w->mono0);
    for (size_t i = 0; ahead && i < w->n; i++)
        whb_explain_reads(&w->chunk[i], w->at, &w->reads[i]);
    if (ahead)
        st->ops->read_ahead(st, w->reads, w->n); /* saves round trips, or nothing */
    for (size_t i = 0; i < w->n && !stop; i++)
        stop = reasons_add_one(w, &w->chunk[i]);
    if (ahead)
        st->ops->read_ahead(st, NULL, 0);
    w->n = 0;
    return stop;
}

static int reasons_add(const struct whb_machine_view *m, void *arg)
{
    struct reasons_walk *w = arg;
    w->chunk[w->n++] = *m;
    return w->n == WHB_WALK_CHUNK ? reasons_flush(w) : 0;
}

struct whb_reasons *whb_reasons_make(struct whb_store *st, int64_t now, const _Atomic int *cancel)
{
    uint64_t known = 0, silent = 0;
    struct whb_reasons *r = calloc(1, sizeof(*r));
    if (!r || st->ops->count_machines(st, now, &known, &silent))
        goto fail;
    if (silent > WHB_REASONS_MAX)
        silent = WHB_REASONS_MAX;
    for (r->nslots = 1024; r->nslots < silent * 2 + 2;)
        r->nslots *= 2;
    r->slot = calloc(r->nslots, sizeof(*r->slot));
    r->made = now;
    r->refs = 1;
    struct reasons_walk w = {st,
                             cancel,
                             r,
                             0,
                             malloc(WHB_WALK_CHUNK * sizeof(*w.chunk)),
                             malloc(WHB_WALK_CHUNK * sizeof(*w.reads)),
                             0,
                             whb_clock_mono_ns() / 1000000,
                             now};
    struct whb_store_filter f = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = WHB_REASONS_MAX};
    /* Machines on one switch or subnet share its rows: read once per few seconds. */
    st->peer_cache = whb_peer_cache_new(WHB_PEER_CACHE_MS);
    unsigned long read0 = st->ahead_read, served0 = st->ahead_served;
    int rc = !r->slot || !w.chunk || !w.reads ||
             whb_summaries_walk(st, &f, now, reasons_add, &w, cancel);
    if (!rc)
        reasons_flush(&w); /* the last chunk's (a full table stops as the walk did) */
    rc = rc || w.failed || (cancel && *cancel);
    r->ahead_read = st->ahead_read - read0;
    r->ahead_served = st->ahead_served - served0;
    free(w.chunk);
    free(w.reads);
    whb_peer_cache_counts(st->peer_cache, &r->peers_served, &r->peers_read);
    whb_peer_cache_free(st->peer_cache);
    st->peer_cache = NULL;
    if (rc)
        goto fail;
    return r;
fail:
    whb_reasons_free(r);
    return NULL;
}

int whb_reasons_find(const struct whb_reasons *r, const struct whb_machine_view *m, int *reason,
                     int *confidence, const char **fqdn, const char **where)
{
    size_t h = id_hash(m->machine_id) & (r->nslots - 1);
    for (; r->slot[h].id[0]; h = (h + 1) & (r->nslots - 1)) {
        const struct whb_reason_entry *e = &r->slot[h];
        if (strcmp(e->id, m->machine_id))
            continue;
        /* It reported since: its reason is no longer known. */
        if (e->due != m->due_ms)
            return WHB_ENOTFOUND;
        *fqdn = e->fqdn;
        *where = e->where;
        *reason = e->reason;
        *confidence = e->confidence;
        return 0;
    }
    return WHB_ENOTFOUND;
}
