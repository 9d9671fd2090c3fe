/* The switches' word into the store: events from the switch service's threads go into a
 * bounded queue, and a thread of their own commits them in batches on a store handle of its
 * own, so that neither a flood from a switch nor the store's pace slows the agents' reports.
 * Full queue: the event is dropped and counted, never waited for. */
#ifndef WHB_INGEST_SWITCH_WRITER_H
#define WHB_INGEST_SWITCH_WRITER_H

#include <stdint.h>

#include "config.h"
#include "switch/ports.h"

struct whb_switch_writer;

#define WHB_SWITCH_WRITER_QUEUE 4096
/* Events older than this are pruned (the ports as they stand are kept). */
#define WHB_SWITCH_KEEP_MS (30LL * 24 * 3600 * 1000)

int whb_switch_writer_start(const struct whb_collector_config *cfg, struct whb_switch_writer **out,
                            char *why, size_t whylen);

/* From any thread (the switch service's sink): copies the event and the port. A read of a
 * port that changed nothing (changed 0) refreshes the port and is not kept as an event: a
 * port read every second must not fill the store. */
void whb_switch_writer_put(struct whb_switch_writer *w, const struct whb_switch_event *ev,
                           const struct whb_switch_port *port, int changed);

/* Events stored, and dropped because the queue was full or the store failed. */
void whb_switch_writer_counts(struct whb_switch_writer *w, uint64_t *stored, uint64_t *dropped);

/* Commits what is queued, then stops; NULL is a no-op. */
void whb_switch_writer_stop(struct whb_switch_writer *w);

#endif
