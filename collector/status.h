/* The fleet-wide summaries (GET /v1/status, /v1/outages, /v1/network/switches and
 * /v1/network/wifis) walk thousands of machines: hundreds of ms at a large fleet, during which
 * the HTTP thread would answer no report. At a large fleet they are made on a thread of their
 * own, with its own store handle, and served from the last one made (its generated_at says
 * when); a refresh starts when it is older than WHB_STATUS_FRESH_MS. The worker makes each one
 * once at start, so that even the first request is served at once; a request before that
 * makes it in place. Small fleets are answered in place: always fresh. */
#ifndef WHB_STATUS_H
#define WHB_STATUS_H

#include <stdint.h>

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

struct whb_server;
struct whb_status;
struct whb_store;

/* Opens its own handle on the database at db_path. */
int whb_status_start(struct whb_server *srv, const char *db_path, struct whb_status **out);
void whb_status_stop(struct whb_status *s);

/* A copy of the latest summary of kind k (the caller frees it); NULL when the store cannot be
 * read. s may be NULL: then it is made in place with srv's reader. */
char *whb_status_get(struct whb_status *s, struct whb_server *srv, enum whb_summary k, int64_t now);

/* Each silent machine's reason, made by the worker at a large fleet so that a filter or sort
 * by reason needs no explanation per machine and request (api_pages.c). An entry holds while
 * the machine has not reported since (same last report); made says when the reasons were made.
 * At most WHB_REASONS_MAX machines: the most recently silent. */
#define WHB_REASONS_MAX 100000
struct whb_reasons;
struct whb_machine_view;

/* The latest reasons, held until whb_status_reasons_put; NULL when the fleet is small (then
 * explaining in place is fast) or none is made yet. Asks for a refresh when older than
 * WHB_STATUS_FRESH_MS. */
const struct whb_reasons *whb_status_reasons(struct whb_status *s, struct whb_server *srv,
                                             int64_t now, int64_t *made);
void whb_status_reasons_put(struct whb_status *s, const struct whb_reasons *r);
/* The latest reasons as they are (any fleet size, no refresh asked), held until
 * whb_status_reasons_put; NULL when none is made yet. Safe on the worker's own thread. */
const struct whb_reasons *whb_status_reasons_held(struct whb_status *s, int64_t *made);
/* 0 and the reason, confidence, FQDN and sort-by-switch key (api_pages.h) of m when r holds
 * it (and m has not reported since): m needs only machine_id and due_ms. The strings live as
 * long as r is held. */
int whb_reasons_find(const struct whb_reasons *r, const struct whb_machine_view *m, int *reason,
                     int *confidence, const char **fqdn, const char **where);

/* The summaries themselves (api.c, api_pages.c), through the store handle st; NULL when the
 * store cannot be read, or when cancel (may be NULL) was set while making them. */
char *whb_api_status_text(struct whb_server *srv, struct whb_store *st, int64_t now,
                          const _Atomic int *cancel);
char *whb_api_outages_text(struct whb_server *srv, struct whb_store *st, int64_t now,
                           const _Atomic int *cancel);
char *whb_api_network_text(struct whb_server *srv, struct whb_store *st, int wireless, int64_t now);

#endif
