/* Gathers what the engine needs from the store (the machine, its recent events, its
 * neighbours on the same switch, access point and subnet, the WSUS side) and asks it. */
#ifndef WHB_CORRELATE_H
#define WHB_CORRELATE_H

#include "explain/days.h"
#include "explain/explain.h"
#include "store/store.h"

#define WHB_HISTORY_EVENTS 200
/* Clients failing, or leaving their WSUS server, within this of each other are "at once": a
 * client scans about every 22 hours, so an outage of a few hours shows in a few of them. */
#define WHB_WU_FLEET_WINDOW_MS (6 * 3600 * 1000LL)

/* Why host is (not) reporting now. WHB_ENOTFOUND is not an error: the answer is "no agent". */
int whb_explain_host(struct whb_store *st, const char *host, int64_t now,
                     struct whb_machine_view *m, struct whb_explanation *out);

/* What whb_explain_view(m, now) reads first of the store, for a store to read it ahead for many
 * machines together (r->m is m). */
void whb_explain_reads(const struct whb_machine_view *m, int64_t now, struct whb_read_ahead *r);

/* The same for a machine view already read (listing silent machines). */
int whb_explain_view(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                     struct whb_explanation *out);

/* The answer for a computer WSUS has not heard from since wsus_status_ms (0: never), which is
 * agent m: the days since, and how many of them m was on and online by our records; when it
 * was on most of them, the Windows Update client's story is the answer (out) and what it is
 * doing right now goes to now_x; else both hold the answer of now. days_out gets the count. A
 * recent wsus_sync_ms with an old status points at the reporting step. */
int whb_explain_wsus_silence(struct whb_store *st, const struct whb_machine_view *m,
                             int64_t wsus_status_ms, int64_t wsus_sync_ms, int64_t now,
                             struct whb_explanation *out, struct whb_explanation *now_x,
                             struct whb_days *days_out);

/* Explains one past gap of machine m. */
int whb_explain_past_gap(struct whb_store *st, const struct whb_machine_view *m,
                         const struct whb_store_gap *gap, int64_t now, struct whb_explanation *out);

/* The correlation window: heartbeats spread over an interval, so a shared failure silences
 * neighbours within about two intervals of each other. */
int64_t whb_correlation_window(unsigned interval_s);

#endif
