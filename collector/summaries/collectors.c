/* Implementation of collectors.h. */
#include "summaries/collectors.h"

#include <string.h>

#include "collector.h"
#include "explain/correlate.h"
#include "explain/json.h"
#include "store/runs.h"
#include "store/store.h"

/* The collector's own downtimes of the last day: an outage of ours, not of the machines. */
json_t *whb_summary_downtimes(const struct whb_collector *col, struct whb_store *st, int64_t now,
                              int with_machines)
{
    struct whb_downtime d[8];
    int n = 0;
    json_t *list = json_array();
    st->ops->downtimes(st, now - 86400000, now, d, 8, &n);
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:o, s:o, s:s}", "from", whb_json_iso(d[i].from_ms), "to",
                              whb_json_iso(d[i].to_ms), "how",
                              d[i].clean ? "stopped" : "killed or crashed");
        if (with_machines) {
            struct whb_peer_group fleet;
            int64_t window = whb_correlation_window(col->cfg.interval_s);
            if (st->ops->fleet_group(st, now, d[i].from_ms, window, d[i].to_ms, &fleet) == 0)
                json_object_set_new(o, "machines_silenced", json_integer(fleet.together));
        }
        json_array_append_new(list, o);
    }
    return list;
}

/* The store's collectors and whether each runs (several share a PostgreSQL store): one killed
 * or stopped while the others go on is visible to them, and is an outage of its own (its
 * agents move on to the others, so it excuses no machine's silence by itself). */
struct collectors_walk {
    json_t *list;
    int64_t now;
    const char *self; /* SQLite's one collector has no id in the store */
    unsigned running;
};

static const char *collector_state(const struct whb_store_collector *c, int64_t now)
{
    return c->stopped_ms                           ? "stopped"
           : now - c->alive_ms > WHB_RUNS_STALE_MS ? "not_running"
                                                   : "running";
}

static int collector_one(const struct whb_store_collector *c, void *arg)
{
    struct collectors_walk *w = arg;
    const char *state = collector_state(c, w->now);
    w->running += !strcmp(state, "running");
    json_array_append_new(
        w->list, json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", c->id[0] ? c->id : w->self, "state",
                           state, "started", whb_json_iso(c->started_ms), "alive",
                           whb_json_iso(c->alive_ms), "stopped", whb_json_iso(c->stopped_ms)));
    return 0;
}

json_t *whb_summary_collectors(const struct whb_collector *col, struct whb_store *st, int64_t now,
                               unsigned *running)
{
    struct collectors_walk w = {json_array(), now, col->cfg.collector_id, 0};
    if (st->ops->collectors(st, collector_one, &w))
        json_array_clear(w.list);
    if (running)
        *running = w.running;
    return w.list;
}
