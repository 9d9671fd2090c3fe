/* Gathers what the engine needs from the store (the machine, its recent events, its
 * neighbours on the same switch, access point and subnet, the WSUS side) and asks it. */
#ifndef WHB_CORRELATE_H
#define WHB_CORRELATE_H

#include "explain/explain.h"
#include "store/store.h"

#define WHB_HISTORY_EVENTS 200

/* Why host is (not) reporting now. WHB_ENOTFOUND is not an error: the answer is "no agent". */
int whb_explain_host(struct whb_store *st, const char *host, int64_t now,
                     struct whb_machine_view *m, struct whb_explanation *out);

/* The same for a machine view already read (listing silent machines). */
int whb_explain_view(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                     struct whb_explanation *out);

/* Explains one past gap of machine m. */
int whb_explain_past_gap(struct whb_store *st, const struct whb_machine_view *m,
                         const struct whb_store_gap *gap, int64_t now, struct whb_explanation *out);

/* The correlation window: heartbeats spread over an interval, so a shared failure silences
 * neighbours within about two intervals of each other. */
int64_t whb_correlation_window(unsigned interval_s);

#endif
