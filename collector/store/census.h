/* The fleet census: every machine's first report, and the silent machines' last reports by time
 * and subnet, read from the store in one scan and kept in memory, so that the fleet-wide
 * counts a `why` needs (who went silent together, who was known then: store.h's fleet_group)
 * and the fleet's totals (count_machines) cost a binary search rather than a walk of every
 * silent row. Without it, a fleet that is silent at once (after a collector outage, a restore,
 * a site-wide failure: when admins ask) made every answer read a million rows.
 *
 * A census is a snapshot: the fleet counts it gives are those of its time (a machine that
 * reported or went silent since is counted as it was). A keeper owns the latest census and a
 * thread with its own store handle that makes the next one when the latest is older than
 * WHB_CENSUS_FRESH_MS and someone used it, but never takes more than a tenth of a core for it
 * (a million rows take about a second: the next census waits ten times as long as the last one
 * took). A census is used up to WHB_CENSUS_USABLE_MS old (or twenty times as long as it took
 * to make; a machine back since is still counted silent in it, so the age is kept near the
 * grace), only for silences it has settled (whb_census_settled), and only at
 * WHB_CENSUS_MIN_MACHINES machines or more: a smaller fleet is counted
 * by the store, exactly, as cheaply. The totals of count_machines stay exact: the census only
 * says which side of the due index is short enough to count. Handles that may use it point at
 * the keeper (whb_store.census); the census is shared, read-only, and reference counted. */
#ifndef WHB_STORE_CENSUS_H
#define WHB_STORE_CENSUS_H

#include <stdint.h>

#include "model.h"

#define WHB_CENSUS_MIN_MACHINES 10000
#define WHB_CENSUS_FRESH_MS     10000
#define WHB_CENSUS_USABLE_MS    15000

struct whb_store;
struct whb_census;
struct whb_census_keeper;

/* One machine as the census reads it (store.h's fleet_rows). subnet "" or NULL: none. */
struct whb_census_row {
    int64_t first_seen, last_seen, due;
    const char *subnet;
    int proven; /* reviewed, certified or known before reviews: the fleet counts' (issue 22) */
};

/* What fleet_group counts among machines (the gaps are the store's own). */
struct whb_fleet_counts {
    int64_t silent;  /* silent, last report within [anchor - window, anchor + window] */
    int64_t subnets; /* distinct subnets of those */
    /* First report at or before anchor + window: a machine first seen within the silence's
     * window was of the fleet when it began (an e2e's pc-5, enrolled a second after the
     * others' last reports, left out, made a switch's power cut the collector's). */
    int64_t known;
    int64_t silent_at; /* silent, last report at or before until */
};

/* Makes a census of st at now (the caller's clock, as the store's due times); NULL on a store
 * error, no memory, or cancel set (may be NULL). */
struct whb_census *whb_census_build(struct whb_store *st, int64_t now, const _Atomic int *cancel);
void whb_census_free(struct whb_census *c);

int64_t whb_census_made(const struct whb_census *c);
/* Whether the census knows every silence whose last report is at or before to: to lies more
 * than any machine's due lag (interval and grace) before the census, so each machine that
 * reported by then was silent at the census or had reported again. A silence that began
 * later, or too close to the census, is counted by the store (a fresh outage must not look
 * like a lone machine because the census was made before it). */
int whb_census_settled(const struct whb_census *c, int64_t to);
uint64_t whb_census_known(const struct whb_census *c);
uint64_t whb_census_silent(const struct whb_census *c);

/* The counts among machines for a fleet group around anchor: silent with a last report in
 * [anchor - window, anchor + window] (and their subnets), known by anchor + window, silent with a
 * last report at or before until (INT64_MAX: all). */
void whb_census_counts(const struct whb_census *c, int64_t anchor, int64_t window, int64_t until,
                       struct whb_fleet_counts *out);
/* Machines whose first report is after t. */
uint64_t whb_census_first_after(const struct whb_census *c, int64_t t);
/* The latest first report in the census (0: none). */
int64_t whb_census_first_max(const struct whb_census *c);
/* The census holds every machine first seen at or before this (a new machine is committed
 * within a minute of its first report's stamp): a minute before the census, or before its
 * latest first report if that is later. After it, the store may hold more. */
int64_t whb_census_first_complete(const struct whb_census *c);
/* Proven machines first seen in (from, to] (to at or before whb_census_first_complete). */
uint64_t whb_census_proven_between(const struct whb_census *c, int64_t from, int64_t to);

/* The keeper: takes own (a handle of its own on the store; closed by stop). min_machines: a
 * smaller fleet is counted by the store (WHB_CENSUS_MIN_MACHINES; tests pass less). With
 * build_now the first census is made before this returns (a large fleet is then counted at
 * once from the start); else when first asked for. */
int whb_census_keeper_start(struct whb_store *own, uint64_t min_machines, int build_now,
                            struct whb_census_keeper **out);
void whb_census_keeper_stop(struct whb_census_keeper *k);

/* The latest census if it can answer at now (a large fleet, recent enough: census.h's top),
 * held until whb_census_put; NULL otherwise (k may be NULL). Asks for a new one when it is
 * older than WHB_CENSUS_FRESH_MS (and ten times its making), or missing. */
const struct whb_census *whb_census_get(struct whb_census_keeper *k, int64_t now);
void whb_census_put(struct whb_census_keeper *k, const struct whb_census *c);

/* The store's counting primitives count_machines needs (the backend's statements). */
enum whb_census_count {
    WHB_COUNT_ALL,         /* every machine */
    WHB_COUNT_FIRST_AFTER, /* first report after arg */
    WHB_COUNT_DUE_BEFORE,  /* due before arg: silent at arg */
    WHB_COUNT_DUE_FROM,    /* due at or after arg: reporting at arg */
};
typedef int (*whb_census_count_fn)(struct whb_store *st, enum whb_census_count what, int64_t arg,
                                   uint64_t *n);

/* count_machines for every backend: exact, through the store's counts; with a census at hand,
 * only the short side of each (the machines new since it, the side of the due index that
 * holds fewer machines). */
int whb_census_count_machines(struct whb_store *st, whb_census_count_fn count, int64_t now,
                              uint64_t *known, uint64_t *silent);

#endif
