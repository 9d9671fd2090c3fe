/* Implementation of switch_names.h. */
#include "ingest/switch_names.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "store/store.h"

#define CACHE   64
#define KEEP_MS 60000 /* a name (or its absence) is asked again after a minute */

struct whb_switch_names {
    struct whb_store *store;
    pthread_mutex_t lock;
    struct {
        char address[INET6_ADDRSTRLEN];
        char name[64];
        int64_t at;
    } cache[CACHE];
    unsigned next;
};

int whb_switch_names_open(const struct whb_collector_config *cfg, struct whb_switch_names **out,
                          char *why, size_t whylen)
{
    struct whb_switch_names *n = calloc(1, sizeof(*n));
    if (!n)
        return WHB_ENOMEM;
    if (whb_store_open_config(cfg, 0, &n->store, why, whylen)) {
        free(n);
        return WHB_EIO;
    }
    pthread_mutex_init(&n->lock, NULL);
    *out = n;
    return 0;
}

void whb_switch_names_close(struct whb_switch_names *n)
{
    if (!n)
        return;
    n->store->ops->close(n->store);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

int whb_switch_names_lookup(void *arg, const struct sockaddr *addr, char *name, size_t len)
{
    struct whb_switch_names *n = arg;
    char ip[INET6_ADDRSTRLEN] = "";
    if (addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, ip, sizeof(ip));
    else if (addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, ip, sizeof(ip));
    if (!ip[0])
        return WHB_EINVAL;
    int64_t now = whb_clock_wall_ms();
    int rc = WHB_ENOTFOUND;
    pthread_mutex_lock(&n->lock);
    for (unsigned i = 0; i < CACHE; i++)
        if (n->cache[i].at && now - n->cache[i].at < KEEP_MS && !strcmp(n->cache[i].address, ip)) {
            snprintf(name, len, "%s", n->cache[i].name);
            rc = name[0] ? 0 : WHB_ENOTFOUND;
            pthread_mutex_unlock(&n->lock);
            return rc;
        }
    char found[64] = "";
    rc = n->store->ops->switch_name_at(n->store, ip, found, sizeof(found));
    unsigned slot = n->next++ % CACHE;
    snprintf(n->cache[slot].address, sizeof(n->cache[slot].address), "%s", ip);
    snprintf(n->cache[slot].name, sizeof(n->cache[slot].name), "%s", rc == 0 ? found : "");
    n->cache[slot].at = now;
    pthread_mutex_unlock(&n->lock);
    if (rc == 0)
        snprintf(name, len, "%s", found);
    return rc;
}
