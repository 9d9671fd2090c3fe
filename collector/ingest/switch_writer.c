/* Implementation of switch_writer.h: a ring of copies, one condition variable, batches of up
 * to BATCH events per transaction. */
#include "ingest/switch_writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "store/store.h"

#define BATCH       1024
#define PRUNE_EVERY (3600LL * 1000)
/* At most this often a transaction: the store has one writer at a time, and the agents'
 * reports come first. A switch's word waits at most this long for the store. */
#define COMMIT_EVERY_MS 200
#define SEEN_SLOTS      2048

struct item {
    struct whb_switch_event ev;
    struct whb_switch_port port;
    int has_port, keep_event;
    int last_of_port; /* the batch's last word on this port: the one its row is written from */
};

struct whb_switch_writer {
    struct whb_store *store;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct item *ring;
    unsigned head, n;
    int stopping;
    uint64_t stored, dropped;
    int64_t pruned_ms;
    uint64_t seen[SEEN_SLOTS]; /* the writer thread's: ports met in the batch */
};

void whb_switch_writer_put(struct whb_switch_writer *w, const struct whb_switch_event *ev,
                           const struct whb_switch_port *port, int changed)
{
    if (!w || (!changed && ev->kind == WHB_SW_POLL && !port))
        return;
    pthread_mutex_lock(&w->lock);
    if (w->n == WHB_SWITCH_WRITER_QUEUE || w->stopping) {
        w->dropped++;
        pthread_mutex_unlock(&w->lock);
        whb_log_limited(WHB_LOG_WARN, "switch events: the store is behind, an event was dropped");
        return;
    }
    struct item *it = &w->ring[(w->head + w->n) % WHB_SWITCH_WRITER_QUEUE];
    it->ev = *ev;
    it->has_port = port != NULL;
    it->keep_event = changed || ev->kind != WHB_SW_POLL;
    if (port)
        it->port = *port;
    w->n++;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* Stores up to BATCH queued events in one transaction; returns how many it took. */
static unsigned commit_batch(struct whb_switch_writer *w, struct item *batch)
{
    pthread_mutex_lock(&w->lock);
    unsigned k = 0;
    while (k < BATCH && w->n > 0) {
        batch[k++] = w->ring[w->head];
        w->head = (w->head + 1) % WHB_SWITCH_WRITER_QUEUE;
        w->n--;
    }
    pthread_mutex_unlock(&w->lock);
    if (k == 0)
        return 0;
    /* A port's row is written once per batch, from its last state in it (a flapping port or
     * a flood of reads of it costs one row, not one per message). */
    uint64_t *seen = w->seen;
    memset(seen, 0, sizeof(w->seen));
    for (unsigned i = k; i-- > 0;) {
        batch[i].last_of_port = 0;
        if (!batch[i].has_port)
            continue;
        uint64_t h = 1469598103934665603ull;
        const char *parts[] = {batch[i].ev.sw, batch[i].port.key};
        for (int p = 0; p < 2; p++)
            for (const char *c = parts[p]; *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211ull;
        h = (h ^ (uint64_t)(uint32_t)batch[i].port.ifindex) * 1099511628211ull;
        h |= 1; /* 0 marks an empty slot */
        unsigned slot = (unsigned)(h % SEEN_SLOTS);
        while (seen[slot] && seen[slot] != h)
            slot = (slot + 1) % SEEN_SLOTS;
        if (!seen[slot]) {
            seen[slot] = h;
            batch[i].last_of_port = 1;
        }
    }
    struct whb_store *s = w->store;
    int rc = s->ops->begin(s);
    for (unsigned i = 0; i < k && rc == 0; i++)
        if (batch[i].keep_event || batch[i].last_of_port)
            rc = s->ops->put_switch(s, &batch[i].ev, batch[i].last_of_port ? &batch[i].port : NULL,
                                    batch[i].keep_event);
    if (rc == 0)
        rc = s->ops->commit(s);
    else
        s->ops->rollback(s);
    pthread_mutex_lock(&w->lock);
    if (rc == 0)
        w->stored += k;
    else
        w->dropped += k;
    pthread_mutex_unlock(&w->lock);
    if (rc != 0)
        whb_log_limited(WHB_LOG_ERROR, "switch events: %u not stored (%s)", k, whb_strerror(rc));
    return k;
}

static void *run(void *arg)
{
    struct whb_switch_writer *w = arg;
    pthread_setname_np(pthread_self(), "whb-swwriter");
    struct item *batch = malloc(BATCH * sizeof(*batch));
    if (!batch)
        return NULL;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (w->n == 0 && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        int stop = w->stopping && w->n == 0;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
        int64_t began = whb_clock_wall_ms();
        commit_batch(w, batch);
        /* Then a pause, while the next batch gathers (not when stopping). */
        pthread_mutex_lock(&w->lock);
        int64_t until = began + COMMIT_EVERY_MS;
        struct timespec ts = {(time_t)(until / 1000), (long)(until % 1000) * 1000000L};
        while (!w->stopping && whb_clock_wall_ms() < until)
            if (pthread_cond_timedwait(&w->wake, &w->lock, &ts) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&w->lock);
        int64_t now = whb_clock_wall_ms();
        if (now - w->pruned_ms > PRUNE_EVERY) {
            w->pruned_ms = now;
            if (w->store->ops->prune_switch(w->store, now - WHB_SWITCH_KEEP_MS))
                whb_log_limited(WHB_LOG_WARN, "switch events: cannot prune old events");
        }
    }
    free(batch);
    return NULL;
}

int whb_switch_writer_start(const struct whb_collector_config *cfg, struct whb_switch_writer **out,
                            char *why, size_t whylen)
{
    struct whb_switch_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return WHB_ENOMEM;
    w->ring = malloc(WHB_SWITCH_WRITER_QUEUE * sizeof(*w->ring));
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (!w->ring || whb_store_open_config(cfg, 0, &w->store, why, whylen)) {
        whb_switch_writer_stop(w);
        return WHB_EIO;
    }
    if (pthread_create(&w->thread, NULL, run, w)) {
        w->store->ops->close(w->store);
        w->store = NULL;
        whb_switch_writer_stop(w);
        snprintf(why, whylen, "cannot start the switch events' writer");
        return WHB_ENOMEM;
    }
    *out = w;
    return 0;
}

void whb_switch_writer_counts(struct whb_switch_writer *w, uint64_t *stored, uint64_t *dropped)
{
    pthread_mutex_lock(&w->lock);
    *stored = w->stored;
    *dropped = w->dropped;
    pthread_mutex_unlock(&w->lock);
}

void whb_switch_writer_stop(struct whb_switch_writer *w)
{
    if (!w)
        return;
    if (w->store) {
        pthread_mutex_lock(&w->lock);
        w->stopping = 1;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        w->store->ops->close(w->store);
    }
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w->ring);
    free(w);
}
