/* Token buckets: at most rate events a second per source, bursts up to burst. A switch that
 * floods is cut to its share; what it sends beyond is dropped and counted, never queued. */
#ifndef WHB_SWITCH_RATELIMIT_H
#define WHB_SWITCH_RATELIMIT_H

#include <stdint.h>
#include <sys/socket.h>

struct whb_bucket {
    double tokens;
    int64_t last_ms;
};

/* Takes one token at now_ms; returns 1 when there was one, 0 when the source is over. */
int whb_bucket_take(struct whb_bucket *b, unsigned rate, unsigned burst, int64_t now_ms);

/* Buckets for many sources in a fixed table (sources that share a slot share a bucket: the
 * table cannot be grown by sending from many addresses). */
#define WHB_BUCKETS 1024
struct whb_buckets {
    struct whb_bucket b[WHB_BUCKETS];
    unsigned rate, burst;
};

void whb_buckets_init(struct whb_buckets *t, unsigned rate, unsigned burst);
int whb_buckets_take(struct whb_buckets *t, const struct sockaddr *from, int64_t now_ms);

#endif
