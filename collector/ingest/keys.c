/* Implementation of keys.h: open addressing over 64-bit prefixes (0 marks an empty slot, so a
 * prefix of 0 is stored as 1), linear probing, removal by shifting the run back. */
#include "ingest/keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct whb_keys {
    pthread_mutex_t lock;
    uint64_t *slots;
    size_t mask, n;
};

static uint64_t prefix(const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    uint64_t v;
    memcpy(&v, hash, sizeof(v));
    return v ? v : 1;
}

/* The key is a SHA-256: its own bits are a good hash. */
static size_t home(const struct whb_keys *k, uint64_t v)
{
    return (size_t)(v ^ (v >> 32)) & k->mask;
}

struct whb_keys *whb_keys_new(void)
{
    struct whb_keys *k = calloc(1, sizeof(*k));
    if (!k || !(k->slots = calloc(1024, sizeof(*k->slots)))) {
        free(k);
        return NULL;
    }
    k->mask = 1023;
    pthread_mutex_init(&k->lock, NULL);
    return k;
}

void whb_keys_free(struct whb_keys *k)
{
    if (!k)
        return;
    pthread_mutex_destroy(&k->lock);
    free(k->slots);
    free(k);
}

static size_t find(const struct whb_keys *k, uint64_t v)
{
    size_t i = home(k, v);
    while (k->slots[i] && k->slots[i] != v)
        i = (i + 1) & k->mask;
    return i;
}

int whb_keys_has(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    uint64_t v = prefix(hash);
    pthread_mutex_lock(&k->lock);
    int found = k->slots[find(k, v)] == v;
    pthread_mutex_unlock(&k->lock);
    return found;
}

/* Twice the slots, at most half full. */
static int grow(struct whb_keys *k)
{
    size_t n = (k->mask + 1) * 2;
    uint64_t *old = k->slots, *fresh = calloc(n, sizeof(*fresh));
    if (!fresh)
        return WHB_ENOMEM;
    size_t old_n = k->mask + 1;
    k->slots = fresh;
    k->mask = n - 1;
    for (size_t i = 0; i < old_n; i++)
        if (old[i])
            k->slots[find(k, old[i])] = old[i];
    free(old);
    return 0;
}

int whb_keys_add(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    uint64_t v = prefix(hash);
    int rc = 0;
    pthread_mutex_lock(&k->lock);
    size_t i = find(k, v);
    if (!k->slots[i]) {
        if (2 * (k->n + 1) > k->mask + 1 && (rc = grow(k)) == 0)
            i = find(k, v);
        if (!rc) {
            k->slots[i] = v;
            k->n++;
        }
    }
    pthread_mutex_unlock(&k->lock);
    return rc;
}

void whb_keys_remove(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    uint64_t v = prefix(hash);
    pthread_mutex_lock(&k->lock);
    size_t hole = find(k, v);
    if (k->slots[hole]) {
        k->slots[hole] = 0;
        k->n--;
        /* Later entries of the run whose home is not in (hole, i] move into the hole. */
        for (size_t i = (hole + 1) & k->mask; k->slots[i]; i = (i + 1) & k->mask) {
            size_t h = home(k, k->slots[i]);
            int in_range = hole <= i ? (h > hole && h <= i) : (h > hole || h <= i);
            if (!in_range) {
                k->slots[hole] = k->slots[i];
                k->slots[i] = 0;
                hole = i;
            }
        }
    }
    pthread_mutex_unlock(&k->lock);
}

void whb_keys_clear(struct whb_keys *k)
{
    pthread_mutex_lock(&k->lock);
    memset(k->slots, 0, (k->mask + 1) * sizeof(*k->slots));
    k->n = 0;
    pthread_mutex_unlock(&k->lock);
}
