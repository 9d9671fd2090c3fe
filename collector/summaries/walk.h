/* The worker's walks over the silent machines. A large fleet's summaries explain up to
 * WHB_REASONS_MAX machines: tens of seconds of work that must not hold the collector. The walk
 * goes in chunks of WHB_WALK_CHUNK machines (a keyset cursor), each its own short read, so
 * that SQLite's write-ahead log can be checkpointed between them and PostgreSQL's snapshots
 * stay short; on the worker (cancel set) it pauses after each chunk as long as the chunk
 * took, so that it takes at most half a core (the database server's share included), below
 * the event loops and the writer: reports and the read API keep their pace meanwhile. Made in
 * place (cancel NULL: a small fleet, on an event loop), it does not pause. */
#ifndef WHB_SUMMARIES_WALK_H
#define WHB_SUMMARIES_WALK_H

#include <stdint.h>

#include "store/store.h"

#define WHB_WALK_CHUNK 256

/* each_machine over f (its limit is the walk's), chunk by chunk for the kinds with a cursor
 * (silent, switch, Wi-Fi); fn as each_machine's. Stops when cancel is set. */
int whb_summaries_walk(struct whb_store *st, const struct whb_store_filter *f, int64_t now,
                       whb_store_machine_fn fn, void *arg, const _Atomic int *cancel);

/* Makes the calling thread yield to the others when the cores are busy (the worker's). */
void whb_summaries_lower_priority(void);

#endif
