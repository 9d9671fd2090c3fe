/* Implementation of the network summaries (summaries.h): machines and silent ones per switch,
 * or per wireless network and access point, counted by the store. */
#include <jansson.h>

#include "explain/json.h"
#include "store/store.h"
#include "summaries/summaries.h"

struct summary {
    json_t *list;
    int wireless;
};

static int summary_row(const struct whb_store_net_group *g, void *arg)
{
    struct summary *sm = arg;
    json_t *row = sm->wireless ? json_pack("{s:s, s:s}", "ssid", g->a, "bssid", g->b)
                               : json_pack("{s:s, s:s}", "switch", g->b, "chassis", g->a);
    json_object_set_new(row, "machines", json_integer(g->machines));
    json_object_set_new(row, "silent", json_integer(g->silent));
    return json_array_append_new(sm->list, row);
}

/* The summary per switch or per wireless network through the store handle st (the worker makes
 * it off the event loops at a large fleet). The caller frees the text; NULL: store unreadable. */
char *whb_summary_network(struct whb_store *st, int wireless, int64_t now)
{
    struct summary sm = {json_array(), wireless};
    if (st->ops->network_groups(st, wireless, now, summary_row, &sm)) {
        json_decref(sm.list);
        return NULL;
    }
    json_t *doc = json_pack("{s:o, s:o}", "generated_at", whb_json_iso(now),
                            wireless ? "networks" : "switches", sm.list);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}
