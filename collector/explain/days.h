/* Internal to explain/: how many days of a period a machine was on and online by our records
 * (reporting, outside its silences), for a computer WSUS has not heard from in days: the
 * answer covers those days, not only the last few minutes. */
#ifndef WHB_EXPLAIN_DAYS_H
#define WHB_EXPLAIN_DAYS_H

#include <stdint.h>

#include "model.h"

struct whb_days {
    unsigned total;  /* days in [from, now] */
    unsigned known;  /* of them, days our records cover (the agent reported since first_seen) */
    unsigned online; /* of them, days on which it reported for an hour or more */
};

/* m's reporting time is [first_seen, last_seen] (to now while it reports), minus its gaps
 * (newest first, as the store gives them; n of them). */
struct whb_days whb_days_online(const struct whb_machine_view *m, const struct whb_store_gap *gaps,
                                int n, int64_t from, int64_t now);

#endif
