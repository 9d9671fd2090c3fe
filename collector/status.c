/* Implementation of status.h: one worker thread, woken when a summary gets old. */
#include "status.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_pages.h"
#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "server.h"
#include "store.h"

struct reason_entry {
    char id[65];
    int64_t due;        /* a report since moves it */
    char *fqdn, *where; /* where: the key of a sort by switch (api_pages.h) */
    signed char reason, confidence;
};

/* Open addressing by machine id, at most half full. */
struct whb_reasons {
    struct reason_entry *slot;
    size_t nslots, n;
    int64_t made;
    int refs; /* holders (the status itself is one while current); under the lock */
};

struct summary {
    char *text;   /* the latest, NULL before the first */
    int64_t made; /* when it was made */
    int want, busy;
};

struct whb_status {
    struct whb_server *srv;
    struct whb_store *st; /* the worker's own handle */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    struct summary sum[WHB_SUMMARY_COUNT_];
    struct whb_reasons *reasons; /* the latest, NULL before the first */
    int want_reasons, reasons_busy;
    _Atomic int stop; /* also read by the worker's walk without the lock */
};

static size_t id_hash(const char *id)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211u;
    return h;
}

static void reasons_free(struct whb_reasons *r)
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
    struct whb_status *s;
    struct whb_reasons *r;
    int failed;
};

static int reasons_add(const struct whb_machine_view *m, void *arg)
{
    struct whb_status *s = ((struct reasons_walk *)arg)->s;
    struct whb_reasons *r = ((struct reasons_walk *)arg)->r;
    struct whb_explanation x;
    if (s->stop)
        return 1;
    if (r->n * 2 >= r->nslots || whb_explain_view(s->st, m, r->made, &x))
        return r->n * 2 >= r->nslots;
    size_t h = id_hash(m->machine_id) & (r->nslots - 1);
    while (r->slot[h].id[0] && strcmp(r->slot[h].id, m->machine_id))
        h = (h + 1) & (r->nslots - 1);
    struct reason_entry *e = &r->slot[h];
    char where[WHB_API_WHERE_MAX];
    whb_api_sort_where(m, where, sizeof(where));
    char *fqdn = strdup(m->fqdn), *w = strdup(where);
    if (!fqdn || !w) {
        free(fqdn);
        free(w);
        ((struct reasons_walk *)arg)->failed = 1;
        return 1;
    }
    r->n += !e->id[0];
    free(e->fqdn);
    free(e->where);
    e->fqdn = fqdn;
    e->where = w;
    memcpy(e->id, m->machine_id, sizeof(e->id));
    e->due = m->due_ms;
    e->reason = (signed char)x.reason;
    e->confidence = (signed char)x.confidence;
    return 0;
}

/* Explains every silent machine (most recently silent first) with the worker's handle. */
static struct whb_reasons *reasons_make(struct whb_status *s, int64_t now)
{
    uint64_t known = 0, silent = 0;
    struct whb_reasons *r = calloc(1, sizeof(*r));
    if (!r || s->st->ops->count_machines(s->st, now, &known, &silent))
        goto fail;
    if (silent > WHB_REASONS_MAX)
        silent = WHB_REASONS_MAX;
    for (r->nslots = 1024; r->nslots < silent * 2 + 2;)
        r->nslots *= 2;
    r->slot = calloc(r->nslots, sizeof(*r->slot));
    r->made = now;
    r->refs = 1;
    struct reasons_walk w = {s, r, 0};
    struct whb_store_filter f = {
        .kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = WHB_REASONS_MAX};
    if (!r->slot || s->st->ops->each_machine(s->st, &f, now, reasons_add, &w) || w.failed ||
        s->stop)
        goto fail;
    return r;
fail:
    reasons_free(r);
    return NULL;
}

/* Drops one hold; called with the lock held. */
static void reasons_unref(struct whb_reasons *r)
{
    if (r && --r->refs == 0)
        reasons_free(r);
}

/* cancel: the worker's stop flag (a summary of a large silent fleet takes long); NULL here. */
static char *make(struct whb_server *srv, struct whb_store *st, enum whb_summary k, int64_t now,
                  const _Atomic int *cancel)
{
    switch (k) {
    case WHB_SUMMARY_STATUS:
        return whb_api_status_text(srv, st, now, cancel);
    case WHB_SUMMARY_OUTAGES:
        return whb_api_outages_text(srv, st, now, cancel);
    case WHB_SUMMARY_SWITCHES:
    case WHB_SUMMARY_WIFIS:
        return whb_api_network_text(srv, st, k == WHB_SUMMARY_WIFIS, now);
    case WHB_SUMMARY_COUNT_:
        break;
    }
    return NULL;
}

/* Takes text (may be NULL: the last good one stays). Called with the lock held. */
static void keep(struct summary *sm, char *text, int64_t made)
{
    if (!text)
        return;
    free(sm->text);
    sm->text = text;
    sm->made = made;
}

static int wanted(const struct whb_status *s)
{
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        if (s->sum[k].want)
            return k;
    return -1;
}

static void *worker(void *arg)
{
    struct whb_status *s = arg;
    pthread_setname_np(pthread_self(), "whb-status");
    pthread_mutex_lock(&s->lock);
    for (;;) {
        int k;
        while ((k = wanted(s)) < 0 && !s->want_reasons && !s->stop)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->stop)
            break;
        if (k < 0) {
            s->want_reasons = 0;
            s->reasons_busy = 1;
            pthread_mutex_unlock(&s->lock);
            struct whb_reasons *r = reasons_make(s, whb_clock_wall_ms());
            pthread_mutex_lock(&s->lock);
            if (r) {
                reasons_unref(s->reasons);
                s->reasons = r;
                /* Outages group machines by their reasons: made again with all of them. */
                s->sum[WHB_SUMMARY_OUTAGES].want = 1;
            }
            s->reasons_busy = 0;
            continue;
        }
        struct summary *sm = &s->sum[k];
        sm->want = 0;
        sm->busy = 1;
        pthread_mutex_unlock(&s->lock);
        int64_t now = whb_clock_wall_ms();
        char *text = make(s->srv, s->st, (enum whb_summary)k, now, &s->stop);
        pthread_mutex_lock(&s->lock);
        keep(sm, text, now);
        sm->busy = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int whb_status_start(struct whb_server *srv, const char *db_path, struct whb_status **out)
{
    char why[256];
    struct whb_status *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->srv = srv;
    if (srv->reader->ops->open(db_path, &s->st, why, sizeof(why))) {
        free(s);
        return WHB_ESTORE;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    /* Made once at start: the first page a browser asks for is served at once. */
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        s->sum[k].want = 1;
    s->want_reasons = 1;
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        s->st->ops->close(s->st);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
        free(s);
        return WHB_ENOMEM;
    }
    *out = s;
    return 0;
}

void whb_status_stop(struct whb_status *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    s->st->ops->close(s->st);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        free(s->sum[k].text);
    reasons_unref(s->reasons);
    free(s);
}

/* A small fleet is summarised in well under 100 ms: then the answer is made now. */
static int in_place(struct whb_server *srv, enum whb_summary k, int64_t now)
{
    uint64_t known = 0, silent = 0;
    if (srv->reader->ops->count_machines(srv->reader, now, &known, &silent))
        return 1;
    return k == WHB_SUMMARY_SWITCHES || k == WHB_SUMMARY_WIFIS ? known <= WHB_STATUS_IN_PLACE_KNOWN
                                                               : silent <= WHB_STATUS_IN_PLACE;
}

char *whb_status_get(struct whb_status *s, struct whb_server *srv, enum whb_summary k, int64_t now)
{
    if (!s || in_place(srv, k, now))
        return make(srv, srv->reader, k, now, NULL);
    struct summary *sm = &s->sum[k];
    pthread_mutex_lock(&s->lock);
    char *copy = sm->text ? strdup(sm->text) : NULL;
    int cold = !sm->text;
    if (!cold && now - sm->made >= WHB_STATUS_FRESH_MS && !sm->busy && !sm->want) {
        sm->want = 1;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    if (!cold)
        return copy;
    /* Asked for before the worker made it: made here, once, and kept for the next callers. */
    char *text = make(srv, srv->reader, k, now, NULL);
    char *keepme = text ? strdup(text) : NULL;
    pthread_mutex_lock(&s->lock);
    if (!sm->text)
        keep(sm, keepme, now);
    else
        free(keepme);
    pthread_mutex_unlock(&s->lock);
    return text;
}

const struct whb_reasons *whb_status_reasons(struct whb_status *s, struct whb_server *srv,
                                             int64_t now, int64_t *made)
{
    if (!s || in_place(srv, WHB_SUMMARY_STATUS, now))
        return NULL;
    pthread_mutex_lock(&s->lock);
    struct whb_reasons *r = s->reasons;
    if (r) {
        r->refs++;
        *made = r->made;
    }
    if ((!r || now - r->made >= WHB_STATUS_FRESH_MS) && !s->reasons_busy && !s->want_reasons) {
        s->want_reasons = 1;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    return r;
}

const struct whb_reasons *whb_status_reasons_held(struct whb_status *s, int64_t *made)
{
    pthread_mutex_lock(&s->lock);
    struct whb_reasons *r = s->reasons;
    if (r) {
        r->refs++;
        *made = r->made;
    }
    pthread_mutex_unlock(&s->lock);
    return r;
}

void whb_status_reasons_put(struct whb_status *s, const struct whb_reasons *r)
{
    if (!s || !r)
        return;
    pthread_mutex_lock(&s->lock);
    reasons_unref((struct whb_reasons *)r);
    pthread_mutex_unlock(&s->lock);
}

int whb_reasons_find(const struct whb_reasons *r, const struct whb_machine_view *m, int *reason,
                     int *confidence, const char **fqdn, const char **where)
{
    size_t h = id_hash(m->machine_id) & (r->nslots - 1);
    for (; r->slot[h].id[0]; h = (h + 1) & (r->nslots - 1)) {
        const struct reason_entry *e = &r->slot[h];
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
