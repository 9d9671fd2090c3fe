/* Implementation of worker.h: one worker thread, woken when a summary gets old. */
#include "summaries/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "collector.h"
#include "store/store.h"
#include "summaries/reasons.h"
#include "summaries/walk.h"

struct summary {
    char *text;   /* the latest, NULL before the first */
    int64_t made; /* when it was made */
    int want, busy;
};

struct whb_summaries {
    struct whb_collector *col;
    whb_summary_make_fn make;
    struct whb_store *st; /* the worker's own handle; NULL: no worker, made in place */
    int running;          /* the thread runs */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    struct summary sum[WHB_SUMMARY_COUNT_];
    struct whb_reasons *reasons; /* the latest, NULL before the first */
    int want_reasons, reasons_busy;
    _Atomic int stop; /* also read by the worker's walk without the lock */
};

/* Drops one hold; called with the lock held. */
static void reasons_unref(struct whb_reasons *r)
{
    if (r && --r->refs == 0)
        whb_reasons_free(r);
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

static int wanted(const struct whb_summaries *s)
{
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        if (s->sum[k].want)
            return k;
    return -1;
}

static double seconds_since(const struct timespec *t0, clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void *worker(void *arg)
{
    struct whb_summaries *s = arg;
    pthread_setname_np(pthread_self(), "whb-summaries");
    whb_summaries_lower_priority();
    struct timespec t0, c0;
    int startup = 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        int k;
        if (startup && (k = wanted(s)) < 0 && !s->want_reasons) {
            /* Benchmarks and admins see what the start-up pass took. */
            startup = 0;
            whb_log_info(
                "summaries: start-up pass done in %.1f s, %.1f s of CPU (reasons of %zu "
                "silent machines; peer groups read %lu, reused %lu; answers read ahead %lu, "
                "used %lu)",
                seconds_since(&t0, CLOCK_MONOTONIC), seconds_since(&c0, CLOCK_THREAD_CPUTIME_ID),
                s->reasons ? s->reasons->n : (size_t)0, s->reasons ? s->reasons->peers_read : 0UL,
                s->reasons ? s->reasons->peers_served : 0UL,
                s->reasons ? s->reasons->ahead_read : 0UL,
                s->reasons ? s->reasons->ahead_served : 0UL);
        }
        while ((k = wanted(s)) < 0 && !s->want_reasons && !s->stop)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->stop)
            break;
        if (k < 0) {
            s->want_reasons = 0;
            s->reasons_busy = 1;
            pthread_mutex_unlock(&s->lock);
            struct whb_reasons *r = whb_reasons_make(s->st, whb_clock_wall_ms(), &s->stop);
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
        char *text = s->make(s->col, s->st, (enum whb_summary)k, now, &s->stop);
        pthread_mutex_lock(&s->lock);
        keep(sm, text, now);
        sm->busy = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int whb_summaries_start(struct whb_collector *col, whb_summary_make_fn make,
                        struct whb_summaries **out)
{
    char why[256];
    struct whb_summaries *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->col = col;
    s->make = make;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    *out = s;
    if (whb_store_open_config(&col->cfg, 0, &s->st, why, sizeof(why))) {
        whb_log_warnx("summaries: no worker (%s); the fleet summaries are made on the event loops",
                      why);
        s->st = NULL;
        return 0;
    }
    s->st->census = col->census;
    /* Made once at start: the first page a browser asks for is served at once. */
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        s->sum[k].want = 1;
    s->want_reasons = 1;
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        whb_log_warnx(
            "summaries: no worker thread; the fleet summaries are made on the event loops");
        s->st->ops->close(s->st);
        s->st = NULL;
        return 0;
    }
    s->running = 1;
    return 0;
}

void whb_summaries_stop(struct whb_summaries *s)
{
    if (!s)
        return;
    if (s->running) {
        pthread_mutex_lock(&s->lock);
        s->stop = 1;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        s->st->ops->close(s->st);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    for (int k = 0; k < WHB_SUMMARY_COUNT_; k++)
        free(s->sum[k].text);
    reasons_unref(s->reasons);
    free(s);
}

/* A small fleet is summarised in well under 100 ms: then the answer is made now. */
static int in_place(const struct whb_summaries *s, struct whb_store *reader, enum whb_summary k,
                    int64_t now)
{
    uint64_t known = 0, silent = 0;
    if (!s->running || reader->ops->count_machines(reader, now, &known, &silent))
        return 1;
    return k == WHB_SUMMARY_SWITCHES || k == WHB_SUMMARY_WIFIS ? known <= WHB_STATUS_IN_PLACE_KNOWN
                                                               : silent <= WHB_STATUS_IN_PLACE;
}

char *whb_summaries_get(struct whb_summaries *s, struct whb_store *reader, enum whb_summary k,
                        int64_t now)
{
    if (in_place(s, reader, k, now))
        return s->make(s->col, reader, k, now, NULL);
    struct summary *sm = &s->sum[k];
    pthread_mutex_lock(&s->lock);
    char *copy = sm->text ? strdup(sm->text) : NULL;
    int cold = !sm->text;
    if (!cold && now - sm->made >= WHB_STATUS_FRESH_MS && !sm->busy && !sm->want) {
        sm->want = 1;
        pthread_cond_signal(&s->wake);
    }
    /* The outages use the reasons only while they are of their time (outages.c): an outages
     * page alone keeps them so (the outages are made again after each new table). */
    if (k == WHB_SUMMARY_OUTAGES &&
        (!s->reasons || now - s->reasons->made >= WHB_REASONS_USABLE_MS) && !s->reasons_busy &&
        !s->want_reasons) {
        s->want_reasons = 1;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    if (!cold)
        return copy;
    /* Asked for before the worker made it: made here, once, and kept for the next callers. */
    char *text = s->make(s->col, reader, k, now, NULL);
    char *keepme = text ? strdup(text) : NULL;
    pthread_mutex_lock(&s->lock);
    if (!sm->text)
        keep(sm, keepme, now);
    else
        free(keepme);
    pthread_mutex_unlock(&s->lock);
    return text;
}

const struct whb_reasons *whb_summaries_reasons(struct whb_summaries *s, struct whb_store *reader,
                                                int64_t now, int64_t *made)
{
    if (in_place(s, reader, WHB_SUMMARY_STATUS, now))
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

const struct whb_reasons *whb_summaries_reasons_held(struct whb_summaries *s, int64_t *made)
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

void whb_summaries_reasons_put(struct whb_summaries *s, const struct whb_reasons *r)
{
    if (!s || !r)
        return;
    pthread_mutex_lock(&s->lock);
    reasons_unref((struct whb_reasons *)r);
    pthread_mutex_unlock(&s->lock);
}
