/* From decoded report to durable row: a bounded queue and one writer thread that stores many
 * reports per transaction (group commit). Replies go out on the event loop that took the
 * request (its port) only after the commit that holds them returned, so whatever was
 * acknowledged survives kill -9. */
#ifndef WHB_INGEST_H
#define WHB_INGEST_H

#include "metrics.h"
#include "store/store.h"

struct event_base;
struct whb_ingest;
struct whb_ingest_port;

/* One report waiting for its commit. The HTTP layer fills it; the writer fills result. */
struct whb_ingest_item {
    struct whb_ingest_item *next;
    struct whb_ingest_port *port; /* the loop that answers it */
    /* What to answer: the evhttp request (http.c), or the connection of report_conn.c, whose
     * item this is (embedded, not allocated): only the port's done callback disposes of an
     * item, never the writer. */
    void *request;
    whb_report *report; /* owned by the item */
    struct whb_store_report in;
    struct whb_store_result result;
};

/* Called on the port's loop thread for every item whose commit finished (or failed). */
typedef void (*whb_ingest_done_fn)(struct whb_ingest_item *item, void *arg);

int whb_ingest_start(struct whb_store *store, unsigned max_pending, unsigned batch_max,
                     struct whb_metrics *metrics, struct whb_ingest **out);

/* Where one event loop gets its finished items back: done runs on base's thread. Made before
 * that loop submits anything; freed by whb_ingest_stop. */
struct whb_ingest_port *whb_ingest_port_new(struct whb_ingest *ing, struct event_base *base,
                                            whb_ingest_done_fn done, void *done_arg);

/* Queues an item; WHB_EBUSY when max_pending are already waiting (the caller answers 503). */
int whb_ingest_submit(struct whb_ingest *ing, struct whb_ingest_item *item);

unsigned whb_ingest_pending(struct whb_ingest *ing);

/* Whether a submit now would get WHB_EBUSY: a storm's 503 costs no decoding. */
int whb_ingest_full(struct whb_ingest *ing);

/* Commits what is queued, stops the writer and answers everything still held (on the calling
 * thread: the loops must have stopped). */
void whb_ingest_stop(struct whb_ingest *ing);

void whb_ingest_item_free(struct whb_ingest_item *item);

#endif
