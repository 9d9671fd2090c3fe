/* The collector's own downtimes and runs, as the status and the outages show them: a silence of
 * every machine at once is ours, not theirs. */
#ifndef WHB_SUMMARIES_COLLECTORS_H
#define WHB_SUMMARIES_COLLECTORS_H

#include <jansson.h>
#include <stdint.h>

struct whb_collector;
struct whb_store;

/* The downtimes of the last day, oldest first; with_machines: how many machines each silenced. */
json_t *whb_summary_downtimes(const struct whb_collector *col, struct whb_store *st, int64_t now,
                              int with_machines);

/* Every collector of the store and whether it runs; *running (may be NULL) counts those. */
json_t *whb_summary_collectors(const struct whb_collector *col, struct whb_store *st, int64_t now,
                               unsigned *running);

#endif
