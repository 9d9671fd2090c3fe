/* Implementation of days.h: day by day (24 h back from now), a day counts as online when some
 * part of it lies in the machine's reporting time. */
#include "explain/days.h"

#define DAY_MS (24 * 3600 * 1000LL)

/* Whether [a, b) holds reporting time: inside [first, end) and not inside a gap. */
static int reported_in(int64_t a, int64_t b, int64_t first, int64_t end,
                       const struct whb_store_gap *gaps, int n)
{
    if (a < first)
        a = first;
    if (b > end)
        b = end;
    if (a >= b)
        return 0;
    /* Walk the gaps that cut into [a, b) in time order; any uncovered piece is reporting. */
    int64_t t = a;
    for (int moved = 1; moved && t < b;) {
        moved = 0;
        for (int i = 0; i < n; i++)
            if (gaps[i].start_ms <= t && gaps[i].end_ms > t) {
                t = gaps[i].end_ms;
                moved = 1;
            }
    }
    return t < b;
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
        d.online += reported_in(a, b, m->first_seen_ms, end, gaps, n);
    }
    return d;
}
