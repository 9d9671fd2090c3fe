/* Exponential backoff with full jitter for deliveries to the collector. */
#ifndef WHB_BACKOFF_H
#define WHB_BACKOFF_H

#include <stdint.h>

struct whb_backoff {
    unsigned base_ms, cap_ms;
    unsigned attempt; /* failures in a row */
    uint64_t rng;     /* xorshift state, seeded per machine so fleets do not synchronise */
};

void whb_backoff_init(struct whb_backoff *b, unsigned base_ms, unsigned cap_ms, uint64_t seed);
/* A new ceiling (the agent's is its heartbeat interval, which the collector may change): the
 * wait after failures never exceeds it, whatever the streak. */
void whb_backoff_set_cap(struct whb_backoff *b, unsigned cap_ms);
/* Delay before the next try after one more failure: uniform in [0, min(cap, base * 2^n)]. */
unsigned whb_backoff_next(struct whb_backoff *b);
void whb_backoff_reset(struct whb_backoff *b);

#endif
