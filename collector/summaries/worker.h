/* The fleet-wide summaries (GET /v1/status, /v1/outages, /v1/network/switches and
 * /v1/network/wifis) and each silent machine's reason walk thousands of machines: hundreds of ms
 * at a large fleet, during which an event loop would answer no report. At a large fleet they are
 * made on a thread of their own, with its own store handle, and served from the last one made
 * (its generated_at says when); a refresh starts when it is older than WHB_STATUS_FRESH_MS. The
 * worker makes each one once at start, so that even the first request is served at once; a
 * request before that makes it in place. Small fleets are answered in place: always fresh.
 * The worker makes summaries through the function it was handed (summaries.h's). */
#ifndef WHB_SUMMARIES_WORKER_H
#define WHB_SUMMARIES_WORKER_H

#include <stdint.h>

#include "model.h"

#define WHB_STATUS_FRESH_MS 5000
/* At most this many silent machines: the status and outages are made in place. */
#define WHB_STATUS_IN_PLACE 200
/* At most this many machines: the network summaries are made in place. */
#define WHB_STATUS_IN_PLACE_KNOWN 10000

enum whb_summary {
    WHB_SUMMARY_STATUS,
    WHB_SUMMARY_OUTAGES,
    WHB_SUMMARY_SWITCHES,
    WHB_SUMMARY_WIFIS,
    WHB_SUMMARY_COUNT_
};

struct whb_collector;
struct whb_reasons;
struct whb_store;
struct whb_summaries;

/* Makes summary k through the store handle st (NULL when it cannot be read, or when cancel,
 * which may be NULL, was set while making it). The caller frees the text. */
typedef char *(*whb_summary_make_fn)(struct whb_collector *col, struct whb_store *st,
                                     enum whb_summary k, int64_t now, const _Atomic int *cancel);

/* Opens its own handle on the collector's store and starts the thread. Without them (logged)
 * the summaries are made in place, as for a small fleet: slower, not wrong. WHB_ENOMEM only
 * when nothing could be made. */
int whb_summaries_start(struct whb_collector *col, whb_summary_make_fn make,
                        struct whb_summaries **out);
void whb_summaries_stop(struct whb_summaries *s);

/* A copy of the latest summary of kind k (the caller frees it); NULL when the store cannot be
 * read. reader: the asking loop's handle, for a summary made in place. */
char *whb_summaries_get(struct whb_summaries *s, struct whb_store *reader, enum whb_summary k,
                        int64_t now);

/* The latest reasons, held until whb_summaries_reasons_put; NULL when the fleet is small (then
 * explaining in place is fast) or none is made yet. Asks for a refresh when older than
 * WHB_STATUS_FRESH_MS. */
const struct whb_reasons *whb_summaries_reasons(struct whb_summaries *s, struct whb_store *reader,
                                                int64_t now, int64_t *made);
/* The latest reasons as they are (any fleet size, no refresh asked), held until
 * whb_summaries_reasons_put; NULL when none is made yet. Safe on the worker's own thread. */
const struct whb_reasons *whb_summaries_reasons_held(struct whb_summaries *s, int64_t *made);
void whb_summaries_reasons_put(struct whb_summaries *s, const struct whb_reasons *r);

#endif
