/* The writer's row cache on PostgreSQL (pg.h): each machine's row as this writer's last batch
 * wrote it (its write statement returns the rows), with the row version's xmin. A batch decides
 * a cached machine's report without reading its row; its write statement then updates the row
 * only where it still has that xmin (and checks the rows it does not write), or fails whole, and
 * the batch is done again reading every row (pg.c). The cache can only save a round trip: a row
 * that changed is never written from it.
 *
 * An entry is packed (the numbers, then the strings) so that a fleet's rows fit: about 300
 * bytes a machine. At WHB_PG_CACHE_MAX machines no new ones are added; they are read. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "store/pg.h"

enum { WHB_PG_CACHE_MAX = 1 << 19 };

/* The numbers of a row; strings follow as id, fqdn, boot_id, sw, port, subnet, bssid, each with
 * its NUL. */
struct packed {
    int64_t last_seen, due_at, net_lost_at, net_back_at, online_since, clock_offset,
        clock_offset_at, wu_route_since, released_ms, quota_events, quota_at, events_stored;
    uint64_t last_seq, wu_hash, live_fp;
    int32_t wu_route;
    uint8_t has_key, has_offset, last_gasp;
    uint8_t key_hash[WHB_IDENTITY_HASH_LEN];
};

struct cache_entry {
    struct cache_entry *next; /* in its bucket */
    uint64_t hash;
    uint32_t xmin;
    size_t len;
    unsigned char data[]; /* struct packed, then the strings */
};

struct pg_cache {
    struct cache_entry **bucket;
    size_t nbucket, n;
};

static uint64_t hash_id(const char *id)
{
    return whb_fnv1a(WHB_FNV1A_INIT, id, strlen(id));
}

static const char *entry_id(const struct cache_entry *e)
{
    return (const char *)e->data + sizeof(struct packed);
}

static struct cache_entry **find(struct pg_cache *c, const char *id, uint64_t h)
{
    struct cache_entry **at = &c->bucket[h & (c->nbucket - 1)];
    while (*at && ((*at)->hash != h || strcmp(entry_id(*at), id)))
        at = &(*at)->next;
    return at;
}

static struct pg_cache *cache_of(struct pg_store *s)
{
    if (!s->cache) {
        struct pg_cache *c = calloc(1, sizeof(*c));
        if (c && !(c->bucket = calloc(1024, sizeof(*c->bucket)))) {
            free(c);
            c = NULL;
        }
        if (c)
            c->nbucket = 1024;
        s->cache = c;
    }
    return s->cache;
}

/* Twice the buckets when the chains grow past one entry each on average. */
static void grow(struct pg_cache *c)
{
    if (c->n < c->nbucket)
        return;
    size_t nb = c->nbucket * 2;
    struct cache_entry **b = calloc(nb, sizeof(*b));
    if (!b)
        return; /* longer chains: still right */
    for (size_t i = 0; i < c->nbucket; i++)
        for (struct cache_entry *e = c->bucket[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(c->bucket);
    c->bucket = b;
    c->nbucket = nb;
}

int whb_pg_cache_get(struct pg_store *s, const char *machine_id, uint32_t *xmin,
                     struct whb_store_row *row)
{
    struct pg_cache *c = s->cache;
    if (!c || !c->n)
        return 0;
    struct cache_entry *e = *find(c, machine_id, hash_id(machine_id));
    if (!e)
        return 0;
    struct packed p;
    memcpy(&p, e->data, sizeof(p));
    memset(row, 0, sizeof(*row));
    row->found = 1;
    row->last_seen = p.last_seen;
    row->due_at = p.due_at;
    row->net_lost_at = p.net_lost_at;
    row->net_back_at = p.net_back_at;
    row->online_since = p.online_since;
    row->clock_offset = p.clock_offset;
    row->clock_offset_at = p.clock_offset_at;
    row->wu_route_since = p.wu_route_since;
    row->released_ms = p.released_ms;
    row->quota_events = p.quota_events;
    row->quota_at = p.quota_at;
    row->events_stored = p.events_stored;
    row->last_seq = p.last_seq;
    row->wu_hash = p.wu_hash;
    row->live_fp = p.live_fp;
    row->wu_route = p.wu_route;
    row->has_key = p.has_key;
    row->has_offset = p.has_offset;
    row->last_gasp = p.last_gasp;
    memcpy(row->key_hash, p.key_hash, sizeof(row->key_hash));
    const char *str = entry_id(e);
    str += strlen(str) + 1; /* the id */
    char *const out[] = {row->fqdn, row->boot_id, row->sw, row->port, row->subnet, row->bssid};
    const size_t len[] = {sizeof(row->fqdn), sizeof(row->boot_id), sizeof(row->sw),
                          sizeof(row->port), sizeof(row->subnet),  sizeof(row->bssid)};
    for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
        size_t n = strlen(str);
        if (n >= len[i])
            return 0; /* cannot be (put stores a row's strings): read the row */
        memcpy(out[i], str, n + 1);
        str += n + 1;
    }
    *xmin = e->xmin;
    return 1;
}

void whb_pg_cache_evict(struct pg_store *s, const char *machine_id)
{
    struct pg_cache *c = s->cache;
    if (!c || !c->n)
        return;
    struct cache_entry **at = find(c, machine_id, hash_id(machine_id));
    struct cache_entry *e = *at;
    if (!e)
        return;
    *at = e->next;
    free(e);
    c->n--;
}

void whb_pg_cache_put(struct pg_store *s, const char *machine_id, uint32_t xmin,
                      const struct whb_store_row *row)
{
    const char *const str[] = {machine_id, row->fqdn,   row->boot_id, row->sw,
                               row->port,  row->subnet, row->bssid};
    size_t len = sizeof(struct packed);
    for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
        len += strlen(str[i]) + 1;
    struct pg_cache *c = cache_of(s);
    if (!c)
        return;
    uint64_t h = hash_id(machine_id);
    struct cache_entry **at = find(c, machine_id, h), *e = *at;
    if (!e && c->n >= WHB_PG_CACHE_MAX)
        return;
    if (!e || e->len != len) {
        struct cache_entry *n = malloc(sizeof(*n) + len);
        if (!n) {
            whb_pg_cache_evict(s, machine_id);
            return;
        }
        if (e) {
            n->next = e->next;
            free(e);
        } else {
            n->next = NULL;
            c->n++;
        }
        *at = e = n;
        e->hash = h;
        e->len = len;
    }
    struct packed p = {
        .last_seen = row->last_seen,
        .due_at = row->due_at,
        .net_lost_at = row->net_lost_at,
        .net_back_at = row->net_back_at,
        .online_since = row->online_since,
        .clock_offset = row->clock_offset,
        .clock_offset_at = row->clock_offset_at,
        .wu_route_since = row->wu_route_since,
        .released_ms = row->released_ms,
        .quota_events = row->quota_events,
        .quota_at = row->quota_at,
        .events_stored = row->events_stored,
        .last_seq = row->last_seq,
        .wu_hash = row->wu_hash,
        .live_fp = row->live_fp,
        .wu_route = row->wu_route,
        .has_key = (uint8_t)row->has_key,
        .has_offset = (uint8_t)row->has_offset,
        .last_gasp = (uint8_t)row->last_gasp,
    };
    memcpy(p.key_hash, row->key_hash, sizeof(p.key_hash));
    memcpy(e->data, &p, sizeof(p));
    size_t at_byte = sizeof(p);
    for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
        size_t n = strlen(str[i]) + 1;
        memcpy(e->data + at_byte, str[i], n);
        at_byte += n;
    }
    e->xmin = xmin;
    grow(c);
}

void whb_pg_cache_clear(struct pg_store *s)
{
    struct pg_cache *c = s->cache;
    if (!c)
        return;
    for (size_t i = 0; i < c->nbucket; i++)
        for (struct cache_entry *e = c->bucket[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    memset(c->bucket, 0, c->nbucket * sizeof(*c->bucket));
    c->n = 0;
}

void whb_pg_cache_free(struct pg_store *s)
{
    whb_pg_cache_clear(s);
    if (s->cache) {
        free(s->cache->bucket);
        free(s->cache);
        s->cache = NULL;
    }
}
