/* Each silent machine's reason, made by the summaries worker at a large fleet so that a filter or
 * sort by reason needs no explanation per machine and request (api/pages.c), and the outages
 * can group machines by their own reasons. An entry holds while the machine has not reported
 * since (same due time). At most WHB_REASONS_MAX machines: the most recently silent. */
#ifndef WHB_SUMMARIES_REASONS_H
#define WHB_SUMMARIES_REASONS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define WHB_REASONS_MAX 100000

/* A silent machine's reason moves with time (the collector's own downtime recedes, neighbours
 * go quiet or come back): a table made further than this from the time asked about is not
 * used, its machines are explained afresh. Wide enough for the worker's outages made right
 * after a table that took seconds at a large fleet. */
#define WHB_REASONS_USABLE_MS 60000

struct whb_store;

struct whb_reasons {
    struct whb_reason_entry *slot; /* open addressing by machine id, at most half full */
    size_t nslots, n;
    int64_t made;
    int refs; /* holders: the worker's lock guards it (worker.h) */
    /* Peer groups (switch, access point, subnet) served from the pass's cache, and read. */
    unsigned long peers_served, peers_read;
    unsigned long ahead_read, ahead_served; /* rows read ahead by the store, and served */
};

/* Explains every silent machine (most recently silent first) through st; NULL when the store
 * cannot be read or cancel was set. refs is 1. */
struct whb_reasons *whb_reasons_make(struct whb_store *st, int64_t now, const _Atomic int *cancel);
void whb_reasons_free(struct whb_reasons *r);

/* 0 and the reason, confidence, FQDN and sort-by-switch key of m when r holds it (and m has not
 * reported since): m needs only machine_id and due_ms. The strings live as long as r. */
int whb_reasons_find(const struct whb_reasons *r, const struct whb_machine_view *m, int *reason,
                     int *confidence, const char **fqdn, const char **where);

/* The key of a sort by switch: switch (or SSID), port (or BSSID), name. */
#define WHB_SORT_WHERE_MAX 700
void whb_sort_where(const struct whb_machine_view *m, char *buf, size_t len);

#endif
