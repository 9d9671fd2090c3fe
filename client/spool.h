/* The durable spool: an append-only file of framed records (length, CRC-32C, protobuf Event)
 * holding what the collector has not acknowledged yet. Bounded; when full, old routine
 * heartbeats go first and state-change events are never dropped for them. A torn tail after a
 * crash is cut off, never fatal; a damaged record in the middle (a flipped byte) costs only
 * that record: the reader resynchronises on the next frame whose length and CRC check out.
 * Memory use does not grow with the file. */
#ifndef WHB_SPOOL_H
#define WHB_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct whb_spool;

struct whb_spool_stats {
    unsigned records; /* records in the file now */
    unsigned routine; /* of which heartbeats */
    uint64_t bytes;
    unsigned truncated_bytes; /* cut off as a torn tail when opened */
    unsigned damaged;         /* damaged stretches (usually one record each) dropped at open */
    uint64_t damaged_bytes;
    unsigned dropped; /* heartbeats dropped to make room, since open */
    unsigned refused; /* records refused because only events filled the spool */
};

#define WHB_SPOOL_MAX_RECORD 4096

/* Opens (creating) the spool at path, bounded to max_bytes; checks every record. */
int whb_spool_open(const char *path, uint64_t max_bytes, struct whb_spool **out);
void whb_spool_close(struct whb_spool *sp);

/* Appends one event; with sync, it is on disk when this returns (power and link events). */
int whb_spool_append(struct whb_spool *sp, const whb_event *ev, int sync);

/* Reads the oldest records, at most max, into out (each freed with whb_wire_event_free). */
int whb_spool_peek(struct whb_spool *sp, whb_event **out, int max, int *n);

/* Removes the n oldest records (they were acknowledged). */
int whb_spool_drop(struct whb_spool *sp, unsigned n);

/* Gives every record of boot_id a new sequence number from next(arg), in file order (the
 * numbers it had were an earlier run's: see WHB_SENT_SEQ_BEHIND); other boots' keep theirs. */
int whb_spool_renumber(struct whb_spool *sp, const char *boot_id, uint64_t (*next)(void *arg),
                       void *arg);

void whb_spool_stats(const struct whb_spool *sp, struct whb_spool_stats *out);

/* Decodes one record at buf: returns its total size, 0 when incomplete or corrupt.
 * The building block of the reader, exposed for the fuzz target. */
size_t whb_spool_record_check(const uint8_t *buf, size_t len, whb_event **ev);

/* Finds the first good record in buf: returns its size (0 when there is none) and sets
 * *skipped to the damaged bytes before it (all of len when none). The reader's resync step,
 * exposed for the fuzz target. */
size_t whb_spool_next_frame(const uint8_t *buf, size_t len, size_t *skipped, whb_event **ev);

#endif
