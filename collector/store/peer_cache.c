/* Implementation of peer_cache.h: open addressing by kind and key, dropped whole when full. */
#include "store/peer_cache.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hash.h"

#define SLOTS 16384 /* groups held: at most half of them used */

struct entry {
    char *key; /* NULL: free */
    enum whb_peer_kind kind;
    int64_t read_ms;
    struct whb_peer_row *rows;
    unsigned n;
};

struct whb_peer_cache {
    struct entry slot[SLOTS];
    size_t used, rows;
    int64_t lifetime_ms;
    unsigned long served, read;
};

static int64_t mono_ms(void)
{
    return whb_clock_mono_ns() / 1000000;
}

static size_t home(enum whb_peer_kind kind, const char *key)
{
    uint64_t h = whb_fnv1a(WHB_FNV1A_INIT, &kind, sizeof(kind));
    return (size_t)whb_fnv1a_str(h, key) & (SLOTS - 1);
}

static struct entry *find(struct whb_peer_cache *c, enum whb_peer_kind kind, const char *key)
{
    size_t h = home(kind, key);
    while (c->slot[h].key && (c->slot[h].kind != kind || strcmp(c->slot[h].key, key)))
        h = (h + 1) & (SLOTS - 1);
    return &c->slot[h];
}

static void drop_all(struct whb_peer_cache *c)
{
    for (size_t i = 0; i < SLOTS; i++) {
        free(c->slot[i].key);
        free(c->slot[i].rows);
    }
    memset(c->slot, 0, sizeof(c->slot));
    c->used = c->rows = 0;
}

struct whb_peer_cache *whb_peer_cache_new(int64_t lifetime_ms)
{
    struct whb_peer_cache *c = calloc(1, sizeof(*c));
    if (c)
        c->lifetime_ms = lifetime_ms;
    return c;
}

void whb_peer_cache_counts(const struct whb_peer_cache *c, unsigned long *served,
                           unsigned long *read)
{
    *served = c ? c->served : 0;
    *read = c ? c->read : 0;
}

void whb_peer_cache_free(struct whb_peer_cache *c)
{
    if (!c)
        return;
    drop_all(c);
    free(c);
}

int whb_peer_cache_get(struct whb_peer_cache *c, enum whb_peer_kind kind, const char *key,
                       struct whb_peer_row *out, unsigned *n)
{
    struct entry *e = find(c, kind, key);
    if (!e->key || mono_ms() - e->read_ms >= c->lifetime_ms)
        return 0;
    memcpy(out, e->rows, e->n * sizeof(*out));
    *n = e->n;
    c->served++;
    return 1;
}

void whb_peer_cache_put(struct whb_peer_cache *c, enum whb_peer_kind kind, const char *key,
                        const struct whb_peer_row *rows, unsigned n)
{
    c->read++;
    if (n > WHB_PEER_SCAN_MAX)
        n = WHB_PEER_SCAN_MAX;
    if (c->rows + n > WHB_PEER_CACHE_ROWS || c->used * 2 >= SLOTS)
        drop_all(c);
    struct entry *e = find(c, kind, key);
    struct whb_peer_row *copy = malloc((n ? n : 1) * sizeof(*copy));
    if (!copy)
        return;
    memcpy(copy, rows, n * sizeof(*copy));
    for (unsigned i = 0; i < n; i++) {
        copy[i].returned = 0;
        copy[i].returned_ms = 0;
    }
    if (e->key) { /* read again after it grew old */
        c->rows -= e->n;
        free(e->rows);
    } else if (!(e->key = strdup(key))) {
        free(copy);
        return;
    } else {
        c->used++;
    }
    e->kind = kind;
    e->read_ms = mono_ms();
    e->rows = copy;
    e->n = n;
    c->rows += n;
}
