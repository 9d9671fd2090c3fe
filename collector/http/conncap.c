/* Implementation of conncap.h: an open-addressing table of per-source counts, with at least
 * twice as many slots as connections can be open, so a probe stays short. */
#include "http/conncap.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hash.h"

struct slot {
    struct whb_conncap_addr key;
    unsigned count; /* 0: empty */
};

struct whb_conncap {
    unsigned max_total, max_per_source, open;
    size_t mask;
    struct slot *slots;
};

struct whb_conncap *whb_conncap_new(unsigned max_total, unsigned max_per_source)
{
    struct whb_conncap *cap = calloc(1, sizeof(*cap));
    size_t n = 16;
    while (n < 2 * (size_t)max_total)
        n *= 2;
    if (!cap || !(cap->slots = calloc(n, sizeof(*cap->slots)))) {
        free(cap);
        return NULL;
    }
    cap->max_total = max_total;
    cap->max_per_source = max_per_source;
    cap->mask = n - 1;
    return cap;
}

void whb_conncap_free(struct whb_conncap *cap)
{
    if (cap)
        free(cap->slots);
    free(cap);
}

int whb_conncap_key(const struct sockaddr *sa, struct whb_conncap_addr *key)
{
    memset(key, 0, sizeof(*key));
    if (sa->sa_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        /* An IPv4 client through a [::] socket keeps its whole address. */
        memcpy(key->b, a, memcmp(a, v4mapped, sizeof(v4mapped)) ? 8 : 16);
        return 0;
    }
    if (sa->sa_family == AF_INET) {
        key->b[10] = key->b[11] = 0xff;
        memcpy(key->b + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    return WHB_EINVAL;
}

static size_t hash(const struct whb_conncap_addr *key)
{
    return (size_t)whb_fnv1a(WHB_FNV1A_INIT, key->b, sizeof(key->b));
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *find(const struct whb_conncap *cap, const struct whb_conncap_addr *key)
{
    size_t i = hash(key) & cap->mask;
    while (cap->slots[i].count && memcmp(&cap->slots[i].key, key, sizeof(*key)))
        i = (i + 1) & cap->mask;
    return &cap->slots[i];
}

int whb_conncap_admit(struct whb_conncap *cap, const struct whb_conncap_addr *key)
{
    if (cap->open >= cap->max_total)
        return WHB_EBUSY;
    struct slot *s = find(cap, key);
    if (s->count >= cap->max_per_source)
        return WHB_EDENIED;
    s->key = *key;
    s->count++;
    cap->open++;
    return 0;
}

void whb_conncap_release(struct whb_conncap *cap, const struct whb_conncap_addr *key)
{
    struct slot *s = find(cap, key);
    if (!s->count)
        return;
    cap->open--;
    if (--s->count)
        return;
    /* Linear probing without tombstones: pull later entries of the run back into the hole. */
    size_t hole = (size_t)(s - cap->slots), i = hole;
    for (;;) {
        i = (i + 1) & cap->mask;
        if (!cap->slots[i].count)
            break;
        size_t home = hash(&cap->slots[i].key) & cap->mask;
        /* Move it when its home is not in the cyclic range (hole, i]. */
        int in_range = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!in_range) {
            cap->slots[hole] = cap->slots[i];
            cap->slots[i].count = 0;
            hole = i;
        }
    }
}

unsigned whb_conncap_open(const struct whb_conncap *cap)
{
    return cap->open;
}

unsigned whb_conncap_from(const struct whb_conncap *cap, const struct whb_conncap_addr *key)
{
    return find(cap, key)->count;
}
