/* From decoded report to durable row: a bounded queue and one writer thread that stores many
 * reports per transaction (group commit). Replies go out on the HTTP thread only after the
 * commit that holds them returned, so whatever was acknowledged survives kill -9. */
#ifndef WHB_INGEST_H
#define WHB_INGEST_H

#include "metrics.h"
#include "store.h"

struct event_base;
struct whb_ingest;

/* One report waiting for its commit. The HTTP layer fills it; the writer fills result. */
struct whb_ingest_item {
    struct whb_ingest_item *next;
    void *request;      /* the evhttp request to answer */
    whb_report *report; /* owned by the item */
    struct whb_store_report in;
    struct whb_store_result result;
};

/* Called on the HTTP thread for every item whose commit finished (or failed). */
typedef void (*whb_ingest_done_fn)(struct whb_ingest_item *item, void *arg);

int whb_ingest_start(struct event_base *base, struct whb_store *store, unsigned max_pending,
                     unsigned batch_max, struct whb_metrics *metrics, whb_ingest_done_fn done,
                     void *done_arg, struct whb_ingest **out);

/* Queues an item; WHB_EBUSY when max_pending are already waiting (the caller answers 503). */
int whb_ingest_submit(struct whb_ingest *ing, struct whb_ingest_item *item);

unsigned whb_ingest_pending(struct whb_ingest *ing);

/* Commits what is queued, stops the writer and answers everything still held. */
void whb_ingest_stop(struct whb_ingest *ing);

void whb_ingest_item_free(struct whb_ingest_item *item);

#endif
