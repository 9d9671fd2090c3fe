/* Implementation of backoff.h. */
#include "backoff.h"

void whb_backoff_init(struct whb_backoff *b, unsigned base_ms, unsigned cap_ms, uint64_t seed)
{
    b->base_ms = base_ms ? base_ms : 1;
    b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
    b->attempt = 0;
    b->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

void whb_backoff_set_cap(struct whb_backoff *b, unsigned cap_ms)
{
    b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

unsigned whb_backoff_next(struct whb_backoff *b)
{
    uint64_t ceiling = b->base_ms;
    for (unsigned i = 0; i < b->attempt && ceiling < b->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > b->cap_ms)
        ceiling = b->cap_ms;
    if (b->attempt < 64)
        b->attempt++;
    /* Never zero: a tight retry loop helps nobody. */
    uint64_t d = xorshift(&b->rng) % (ceiling + 1);
    return (unsigned)(d < b->base_ms / 2 ? b->base_ms / 2 : d);
}

void whb_backoff_reset(struct whb_backoff *b)
{
    b->attempt = 0;
}
