/* Implementation of days.h: day by day (24 h back from now), a day counts as online when the
 * machine's reporting time covers an hour of it. */
#include "explain/days.h"

#define DAY_MS (24 * 3600 * 1000LL)
/* A day counts when the machine reported for an hour of it: long enough for its client to
 * scan and report, not a glimpse of a machine passing through. */
#define ONLINE_MS (3600 * 1000LL)

/* Reporting time in [a, b): inside [first, end) and outside the gaps (which do not overlap). */
static int64_t reported_in(int64_t a, int64_t b, int64_t first, int64_t end,
                           const struct whb_store_gap *gaps, int n)
{
    if (a < first)
        a = first;
    if (b > end)
        b = end;
    if (a >= b)
        return 0;
    int64_t t = b - a;
    for (int i = 0; i < n; i++) {
        int64_t s = gaps[i].start_ms > a ? gaps[i].start_ms : a;
        int64_t e = gaps[i].end_ms < b ? gaps[i].end_ms : b;
        if (e > s)
            t -= e - s;
    }
    return t > 0 ? t : 0;
}

struct whb_days whb_days_online(const struct whb_machine_view *m, const struct whb_store_gap *gaps,
                                int n, int64_t from, int64_t now)
{
    struct whb_days d = {0, 0, 0};
    int64_t end = now <= m->due_ms ? now : m->last_seen_ms;
    if (from >= now)
        return d;
    /* Whole days back from now ("65 days"), at least one. */
    int64_t days = (now - from) / DAY_MS;
    if (days < 1)
        days = 1;
    if (days > 100000)
        days = 100000;
    for (int64_t k = 0; k < days; k++) {
        int64_t b = now - k * DAY_MS, a = b - DAY_MS;
        d.total++;
        if (b > m->first_seen_ms)
            d.known++;
        d.online += reported_in(a, b, m->first_seen_ms, end, gaps, n) >= ONLINE_MS;
    }
    return d;
}
