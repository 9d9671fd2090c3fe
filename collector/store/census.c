/* Implementation of census.h: sorted arrays and binary searches, made by a keeper thread. */
#include "store/census.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "hash.h"
#include "log.h"
#include "store/range_distinct.h"
#include "store/sorted.h"
#include "store/store.h"

struct whb_census {
    int64_t made;
    int64_t made_mono; /* the keeper's clock when it began: its age, whatever callers' clocks */
    int64_t took;      /* ms it took to make */
    /* The longest a machine's due time lies after its last report (its interval and grace):
     * a last report this long before the census was silent or reported again by then. */
    int64_t lag_max;
    uint64_t known;
    int64_t *first; /* every machine's first report, ascending */
    int64_t first_max;
    /* The proven machines' first reports, ascending: the fleet counts are of proven machines
     * (an unreviewed key's machine makes no fleet claim), as the store's own are. */
    int64_t *proven;
    size_t n_proven;
    int64_t *seen; /* the silent machines' last reports, ascending */
    size_t n_seen;
    /* The silent machines with a subnet: their last reports by subnet, for the count of
     * subnets silent together in a window. */
    struct whb_range_distinct *subnets;
    int refs; /* the keeper's lock guards it */
};

/* A growable array of int64_t. */
struct vec {
    int64_t *v;
    size_t n, cap;
};

static int vec_push(struct vec *a, int64_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4096;
        int64_t *v = realloc(a->v, cap * sizeof(*v));
        if (!v)
            return WHB_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

/* Subnet names to small numbers while the census is made (open addressing, at most half
 * full). */
struct names {
    char **key;
    uint32_t *id;
    size_t slots, n;
};

static int names_grow(struct names *t)
{
    size_t slots = t->slots ? t->slots * 2 : 1024;
    char **key = calloc(slots, sizeof(*key));
    uint32_t *id = calloc(slots, sizeof(*id));
    if (!key || !id) {
        free(key);
        free(id);
        return WHB_ENOMEM;
    }
    for (size_t i = 0; i < t->slots; i++) {
        if (!t->key[i])
            continue;
        size_t h = (size_t)whb_fnv1a_str(WHB_FNV1A_INIT, t->key[i]) & (slots - 1);
        while (key[h])
            h = (h + 1) & (slots - 1);
        key[h] = t->key[i];
        id[h] = t->id[i];
    }
    free(t->key);
    free(t->id);
    t->key = key;
    t->id = id;
    t->slots = slots;
    return 0;
}

/* The number of name s, given a new one if it has none; -1 with no memory. */
static int64_t names_id(struct names *t, const char *s)
{
    if ((t->n + 1) * 2 > t->slots && names_grow(t))
        return -1;
    size_t h = (size_t)whb_fnv1a_str(WHB_FNV1A_INIT, s) & (t->slots - 1);
    while (t->key[h] && strcmp(t->key[h], s))
        h = (h + 1) & (t->slots - 1);
    if (t->key[h])
        return t->id[h];
    if (!(t->key[h] = strdup(s)))
        return -1;
    t->id[h] = (uint32_t)t->n++;
    return t->id[h];
}

static void names_free(struct names *t)
{
    for (size_t i = 0; i < t->slots; i++)
        free(t->key[i]);
    free(t->key);
    free(t->id);
}

struct build {
    int64_t now;
    const _Atomic int *cancel;
    struct vec first, proven, seen, sub; /* sub: the subnet number of each seen, or -1 */
    struct names names;
    int64_t lag_max;
    int failed;
};

static int add_row(const struct whb_census_row *r, void *arg)
{
    struct build *b = arg;
    if ((b->cancel && *b->cancel) || vec_push(&b->first, r->first_seen)) {
        b->failed = 1;
        return 1;
    }
    if (r->due - r->last_seen > b->lag_max)
        b->lag_max = r->due - r->last_seen;
    if (!r->proven)
        return 0;
    if (vec_push(&b->proven, r->first_seen)) {
        b->failed = 1;
        return 1;
    }
    if (r->due >= b->now) /* reporting at the census's time */
        return 0;
    int64_t id = r->subnet && r->subnet[0] ? names_id(&b->names, r->subnet) : -2;
    if (id == -1 || vec_push(&b->seen, r->last_seen) || vec_push(&b->sub, id)) {
        b->failed = 1;
        return 1;
    }
    return 0;
}

/* The silent machines with a subnet, by their last reports. */
static int by_subnet(struct whb_census *c, const struct build *b)
{
    size_t n = 0;
    int64_t *t = malloc((b->seen.n ? b->seen.n : 1) * sizeof(*t));
    uint32_t *g = malloc((b->seen.n ? b->seen.n : 1) * sizeof(*g));
    if (t && g)
        for (size_t i = 0; i < b->seen.n; i++)
            if (b->sub.v[i] >= 0) {
                t[n] = b->seen.v[i];
                g[n++] = (uint32_t)b->sub.v[i];
            }
    c->subnets =
        t && g ? whb_range_distinct_new(t, g, n, b->names.n, WHB_RANGE_DISTINCT_BLOCK) : NULL;
    free(t);
    free(g);
    return c->subnets ? 0 : WHB_ENOMEM;
}

struct whb_census *whb_census_build(struct whb_store *st, int64_t now, const _Atomic int *cancel)
{
    struct build b = {.now = now, .cancel = cancel};
    struct whb_census *c = calloc(1, sizeof(*c));
    if (!c || st->ops->fleet_rows(st, add_row, &b) || b.failed || by_subnet(c, &b)) {
        free(b.first.v);
        free(b.proven.v);
        free(b.seen.v);
        free(b.sub.v);
        names_free(&b.names);
        whb_census_free(c);
        return NULL;
    }
    free(b.sub.v);
    names_free(&b.names);
    c->made = now;
    c->lag_max = b.lag_max;
    c->known = b.first.n;
    c->first = b.first.v;
    c->proven = b.proven.v;
    c->n_proven = b.proven.n;
    c->seen = b.seen.v;
    c->n_seen = b.seen.n;
    whb_sorted_sort(c->first, c->known);
    whb_sorted_sort(c->proven, c->n_proven);
    whb_sorted_sort(c->seen, c->n_seen);
    c->first_max = c->known ? c->first[c->known - 1] : 0;
    c->refs = 1;
    return c;
}

void whb_census_free(struct whb_census *c)
{
    if (!c)
        return;
    free(c->first);
    free(c->proven);
    free(c->seen);
    whb_range_distinct_free(c->subnets);
    free(c);
}

int64_t whb_census_made(const struct whb_census *c)
{
    return c->made;
}

int whb_census_settled(const struct whb_census *c, int64_t to)
{
    return to < c->made - c->lag_max;
}

uint64_t whb_census_known(const struct whb_census *c)
{
    return c->known;
}

uint64_t whb_census_silent(const struct whb_census *c)
{
    return c->n_seen;
}

int64_t whb_census_first_max(const struct whb_census *c)
{
    return c->first_max;
}

uint64_t whb_census_first_after(const struct whb_census *c, int64_t t)
{
    return c->known - whb_sorted_bound(c->first, c->known, t, 1);
}

/* New machines' first reports are their receipt times, stamped before their commit: one
 * stamped this long before the census's latest may still have committed after it. */
#define FIRST_SLACK_MS 60000

int64_t whb_census_first_complete(const struct whb_census *c)
{
    /* Any machine stamped a minute before the census began had committed by then; so had
     * any stamped a minute before the latest the census holds. The later of the two: after a
     * year without enrollments, or a burst of them, the store counts only the last minute's. */
    return (c->made > c->first_max ? c->made : c->first_max) - FIRST_SLACK_MS;
}

uint64_t whb_census_proven_between(const struct whb_census *c, int64_t from, int64_t to)
{
    if (to <= from)
        return 0;
    return whb_sorted_bound(c->proven, c->n_proven, to, 1) -
           whb_sorted_bound(c->proven, c->n_proven, from, 1);
}

void whb_census_counts(const struct whb_census *c, int64_t anchor, int64_t window, int64_t until,
                       struct whb_fleet_counts *out)
{
    int64_t from = anchor - window, to = anchor + window;
    memset(out, 0, sizeof(*out));
    out->silent = (int64_t)(whb_sorted_bound(c->seen, c->n_seen, to, 1) -
                            whb_sorted_bound(c->seen, c->n_seen, from, 0));
    out->subnets = (int64_t)whb_range_distinct_count(c->subnets, from, to);
    out->known = (int64_t)whb_sorted_bound(c->proven, c->n_proven, to, 1);
    out->silent_at = until == INT64_MAX ? (int64_t)c->n_seen
                                        : (int64_t)whb_sorted_bound(c->seen, c->n_seen, until, 1);
}

int whb_census_count_machines(struct whb_store *st, whb_census_count_fn count, int64_t now,
                              uint64_t *known, uint64_t *silent)
{
    const struct whb_census *c = whb_census_get(st->census, now);
    uint64_t n = 0, newer = 0;
    int rc;
    if (!c) {
        if ((rc = count(st, WHB_COUNT_ALL, 0, known)))
            return rc;
        return count(st, WHB_COUNT_DUE_BEFORE, now, silent);
    }
    /* Machines are never deleted: those known now are the census's and the newer ones. */
    int64_t since = whb_census_first_complete(c);
    int mostly_silent = c->n_seen * 2 > c->known;
    uint64_t base = c->known - whb_census_first_after(c, since);
    whb_census_put(st->census, c);
    if ((rc = count(st, WHB_COUNT_FIRST_AFTER, since, &newer)))
        return rc;
    *known = base + newer;
    if (!mostly_silent)
        return count(st, WHB_COUNT_DUE_BEFORE, now, silent);
    if ((rc = count(st, WHB_COUNT_DUE_FROM, now, &n)))
        return rc;
    *silent = n < *known ? *known - n : 0;
    return 0;
}

struct whb_census_keeper {
    struct whb_store *st;
    uint64_t min_machines;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int running, want, busy;
    _Atomic int stop;
    struct whb_census *cur;
};

/* Called with the lock held. */
static void census_unref(struct whb_census *c)
{
    if (c && --c->refs == 0)
        whb_census_free(c);
}

static int64_t mono_ms(void)
{
    return whb_clock_mono_ns() / 1000000;
}

static void make_one(struct whb_census_keeper *k)
{
    int64_t t0 = mono_ms();
    struct whb_census *c = whb_census_build(k->st, whb_clock_wall_ms(), &k->stop);
    if (!c) {
        if (!k->stop)
            whb_log_limited(WHB_LOG_WARN, "census: cannot read the fleet; counted by the store");
        return;
    }
    /* What the next one waits for (whb_census_get: a tenth of a core at most). */
    c->took = mono_ms() - t0;
    c->made_mono = t0;
    whb_log_debug("census: %llu machines, %llu silent, in %lld ms", (unsigned long long)c->known,
                  (unsigned long long)c->n_seen, (long long)c->took);
    pthread_mutex_lock(&k->lock);
    census_unref(k->cur);
    k->cur = c;
    pthread_mutex_unlock(&k->lock);
}

static void *keeper_main(void *arg)
{
    struct whb_census_keeper *k = arg;
    pthread_setname_np(pthread_self(), "whb-census");
    /* A little below the event loops and the writer when the cores are busy, not starved:
     * the answers of a large silent fleet wait for it (its share is bounded, see get). */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
    pthread_mutex_lock(&k->lock);
    for (;;) {
        while (!k->want && !k->stop)
            pthread_cond_wait(&k->wake, &k->lock);
        if (k->stop)
            break;
        k->want = 0;
        k->busy = 1;
        pthread_mutex_unlock(&k->lock);
        make_one(k);
        pthread_mutex_lock(&k->lock);
        k->busy = 0;
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

int whb_census_keeper_start(struct whb_store *own, uint64_t min_machines, int build_now,
                            struct whb_census_keeper **out)
{
    struct whb_census_keeper *k = calloc(1, sizeof(*k));
    if (!k) {
        own->ops->close(own);
        return WHB_ENOMEM;
    }
    k->st = own;
    k->min_machines = min_machines;
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->wake, NULL);
    if (build_now)
        make_one(k);
    /* Set before the thread exists: whb_census_get reads it under the lock, never racing. */
    k->running = 1;
    if (pthread_create(&k->thread, NULL, keeper_main, k) != 0) {
        k->running = 0;
        whb_census_keeper_stop(k);
        return WHB_ENOMEM;
    }
    *out = k;
    return 0;
}

void whb_census_keeper_stop(struct whb_census_keeper *k)
{
    if (!k)
        return;
    if (k->running) {
        pthread_mutex_lock(&k->lock);
        k->stop = 1;
        pthread_cond_signal(&k->wake);
        pthread_mutex_unlock(&k->lock);
        pthread_join(k->thread, NULL);
    }
    census_unref(k->cur);
    k->st->ops->close(k->st);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->wake);
    free(k);
}

const struct whb_census *whb_census_get(struct whb_census_keeper *k, int64_t now)
{
    if (!k)
        return NULL;
    pthread_mutex_lock(&k->lock);
    struct whb_census *c = k->cur;
    int large = c && c->known >= k->min_machines;
    int64_t age = c ? now - c->made : 0;
    if (age < 0)
        age = -age; /* the wall clock stepped back: as old as it is far */
    /* The next one is due by the keeper's own clock: a caller whose now stays put (the
     * summaries' pass over a large fleet) asked for one after another, back to back. */
    int64_t since = c ? mono_ms() - c->made_mono : 0;
    /* At most a tenth of a core: the next one waits ten times as long as the last took. A
     * small fleet is looked at again now and then, in case it grew. */
    int64_t fresh = c ? 10 * c->took : 0, usable = c ? 20 * c->took : 0;
    if (fresh < (large ? WHB_CENSUS_FRESH_MS : 6 * WHB_CENSUS_FRESH_MS))
        fresh = large ? WHB_CENSUS_FRESH_MS : 6 * WHB_CENSUS_FRESH_MS;
    if (usable < WHB_CENSUS_USABLE_MS)
        usable = WHB_CENSUS_USABLE_MS;
    if ((!c || since >= fresh) && !k->busy && !k->want && k->running) {
        k->want = 1;
        pthread_cond_signal(&k->wake);
    }
    if (!large || age >= usable)
        c = NULL;
    if (c)
        c->refs++;
    pthread_mutex_unlock(&k->lock);
    return c;
}

void whb_census_put(struct whb_census_keeper *k, const struct whb_census *c)
{
    if (!k || !c)
        return;
    pthread_mutex_lock(&k->lock);
    census_unref((struct whb_census *)c);
    pthread_mutex_unlock(&k->lock);
}
