/* Implementation of enroll.h: a fixed table of buckets found by hashing the source; a source
 * that finds its slot taken by another takes it over only once that bucket is full again (it
 * left no trace worth keeping), else it shares the bucket (stricter, never looser). */
#include "ingest/enroll.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define BUCKETS 4096

struct bucket {
    struct whb_source source;
    int64_t at_ms; /* when tokens was last brought up to date */
    double tokens; /* enrollments allowed now */
};

struct whb_enroll_limit {
    pthread_mutex_t lock;
    double per_ms, burst;
    struct bucket b[BUCKETS];
};

struct whb_enroll_limit *whb_enroll_limit_new(unsigned per_minute)
{
    if (!per_minute)
        return NULL;
    struct whb_enroll_limit *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    l->burst = per_minute;
    l->per_ms = per_minute / 60000.0;
    return l;
}

void whb_enroll_limit_free(struct whb_enroll_limit *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l);
}

unsigned whb_enroll_limit_take(struct whb_enroll_limit *l, const struct whb_source *source,
                               int64_t now_ms)
{
    if (!l)
        return 0;
    size_t i = (size_t)whb_fnv1a(WHB_FNV1A_INIT, source->b, sizeof(source->b)) % BUCKETS;
    unsigned wait = 0;
    pthread_mutex_lock(&l->lock);
    struct bucket *b = &l->b[i];
    double tokens = b->at_ms ? b->tokens + (double)(now_ms - b->at_ms) * l->per_ms : l->burst;
    if (tokens > l->burst)
        tokens = l->burst;
    if (b->at_ms && memcmp(&b->source, source, sizeof(*source)) && tokens >= l->burst)
        b->at_ms = 0; /* another source's bucket, full again: this one's now */
    b->source = *source;
    if (tokens >= 1) {
        b->tokens = tokens - 1;
    } else {
        b->tokens = tokens;
        /* Seconds until one token is back, rounded up (and at least 1). */
        double s = (1 - tokens) / l->per_ms / 1000;
        wait = (unsigned)s;
        if ((double)wait < s || !wait)
            wait++;
    }
    b->at_ms = now_ms;
    pthread_mutex_unlock(&l->lock);
    return wait;
}
