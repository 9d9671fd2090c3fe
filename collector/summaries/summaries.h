/* The fleet-wide summaries as JSON texts, each made through the store handle it is given (the
 * worker's own, or the asking loop's for a small fleet). NULL when the store cannot be read, or
 * when cancel (may be NULL) was set while making it; the caller frees the text. */
#ifndef WHB_SUMMARIES_H
#define WHB_SUMMARIES_H

#include <stdint.h>

#include "summaries/worker.h"

struct whb_collector;
struct whb_store;

/* GET /v1/status: machines known, reporting, not reporting by reason, the collector's runs. */
char *whb_summary_status(struct whb_collector *col, struct whb_store *st, int64_t now,
                         const _Atomic int *cancel);
/* GET /v1/outages: silent machines grouped by what they share, and the collector's downtimes. */
char *whb_summary_outages(struct whb_collector *col, struct whb_store *st, int64_t now,
                          const _Atomic int *cancel);
/* GET /v1/network/switches, /v1/network/wifis: machines and silent ones per group. */
char *whb_summary_network(struct whb_store *st, int wireless, int64_t now);

/* Summary k: the function the worker is handed (a whb_summary_make_fn). */
char *whb_summary_make(struct whb_collector *col, struct whb_store *st, enum whb_summary k,
                       int64_t now, const _Atomic int *cancel);

#endif
