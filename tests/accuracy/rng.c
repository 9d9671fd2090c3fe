/* A small seeded generator (splitmix64): one timeline's world depends only on (seed, index),
 * so any timeline can be replayed alone. */
#include "acc.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void acc_rng_seed(struct acc_rng *r, uint64_t seed, uint64_t index)
{
    uint64_t x = seed * 0x100000001b3ull ^ (index + 1) * 0xc2b2ae3d27d4eb4full;
    r->s = splitmix(&x);
}

uint64_t acc_rng_next(struct acc_rng *r)
{
    return splitmix(&r->s);
}

unsigned acc_rng_below(struct acc_rng *r, unsigned n)
{
    return n ? (unsigned)(acc_rng_next(r) % n) : 0;
}

int acc_rng_chance(struct acc_rng *r, unsigned pct)
{
    return acc_rng_below(r, 100) < pct;
}

int64_t acc_rng_ms(struct acc_rng *r, int64_t lo_s, int64_t hi_s)
{
    return (lo_s + (int64_t)acc_rng_below(r, (unsigned)(hi_s - lo_s + 1))) * 1000;
}
