/* Implementation of ratelimit.h. */
#include "ratelimit.h"

#include <netinet/in.h>
#include <string.h>

int whb_bucket_take(struct whb_bucket *b, unsigned rate, unsigned burst, int64_t now_ms)
{
    if (b->last_ms == 0) {
        b->tokens = burst;
        b->last_ms = now_ms;
    }
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * rate / 1000.0;
        if (b->tokens > burst)
            b->tokens = burst;
        b->last_ms = now_ms;
    }
    if (b->tokens < 1.0)
        return 0;
    b->tokens -= 1.0;
    return 1;
}

void whb_buckets_init(struct whb_buckets *t, unsigned rate, unsigned burst)
{
    memset(t, 0, sizeof(*t));
    t->rate = rate;
    t->burst = burst;
}

int whb_buckets_take(struct whb_buckets *t, const struct sockaddr *from, int64_t now_ms)
{
    const uint8_t *a;
    size_t n;
    if (from->sa_family == AF_INET) {
        a = (const uint8_t *)&((const struct sockaddr_in *)from)->sin_addr;
        n = 4;
    } else if (from->sa_family == AF_INET6) {
        a = (const uint8_t *)&((const struct sockaddr_in6 *)from)->sin6_addr;
        n = 16;
        /* IPv4 on an IPv6 socket is the same source as on an IPv4 one. */
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a, mapped, 12) == 0) {
            a += 12;
            n = 4;
        }
    } else {
        return 0;
    }
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ a[i]) * 16777619u;
    return whb_bucket_take(&t->b[h % WHB_BUCKETS], t->rate, t->burst, now_ms);
}
