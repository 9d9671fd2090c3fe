/* The peer groups one long pass has read, kept for a few seconds. The summaries worker's
 * reasons explain up to 100,000 silent machines one by one (summaries/reasons.c), and each
 * explanation reads its switch's and subnet's rows again: at an all-silent 100,000-machine
 * fleet 2.4 ms of the 3 per machine, and the start-up pass took 11 minutes. Machines on one
 * switch or subnet share those rows, so the pass reads each group once per few seconds. Rows
 * up to WHB_PEER_CACHE_MS old are as good as the uncached pass's: it reads a moving store over
 * minutes and counts against one fixed time. Only that pass's own handle holds one (the `why`
 * answers read every time). */
#ifndef WHB_STORE_PEER_CACHE_H
#define WHB_STORE_PEER_CACHE_H

#include <stdint.h>

#include "model.h"
#include "store/logic.h"

#define WHB_PEER_CACHE_MS 5000
/* At most this many rows held (about 13 MiB); full: everything is dropped and read again. */
#define WHB_PEER_CACHE_ROWS 100000

struct whb_peer_cache;

/* Rows are served for lifetime_ms after they were read (WHB_PEER_CACHE_MS in the pass). */
struct whb_peer_cache *whb_peer_cache_new(int64_t lifetime_ms);
void whb_peer_cache_free(struct whb_peer_cache *c);

/* 1 and the group's rows (at most WHB_PEER_SCAN_MAX into out, none marked returned) when kind
 * and key were read less than WHB_PEER_CACHE_MS ago; 0: read them. */
int whb_peer_cache_get(struct whb_peer_cache *c, enum whb_peer_kind kind, const char *key,
                       struct whb_peer_row *out, unsigned *n);

/* Groups served from the cache, and read from the store (put), since new. */
void whb_peer_cache_counts(const struct whb_peer_cache *c, unsigned long *served,
                           unsigned long *read);

/* Keeps the n rows read for kind and key (a copy; none when memory is short). */
void whb_peer_cache_put(struct whb_peer_cache *c, enum whb_peer_kind kind, const char *key,
                        const struct whb_peer_row *rows, unsigned n);

#endif
