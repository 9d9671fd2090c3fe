/* Implementation of state.h. */
#include "state.h"
#include "event_sink.h"
#include "text.h"
#include "update_client.h"

#include <stdio.h>
#include <string.h>

#include "whb.pb-c.h"

const struct whb_adapter_state *whb_model_find(const struct whb_state *s, const char *name)
{
    for (int i = 0; i < s->n_adapters; i++)
        if (strcmp(s->adapters[i].name, name) == 0)
            return &s->adapters[i];
    return NULL;
}

static int addrs_equal(const struct whb_adapter_state *a, const struct whb_adapter_state *b)
{
    if (a->n_addrs != b->n_addrs || strcmp(a->gateway, b->gateway) != 0)
        return 0;
    for (int i = 0; i < a->n_addrs; i++)
        if (strcmp(a->addrs[i], b->addrs[i]) != 0)
            return 0;
    return 1;
}

/* Error counters that grew name a failing adapter, cable or port. */
static void diff_counters(struct whb_event_sink *k, const struct whb_adapter_state *a,
                          const struct whb_adapter_state *b)
{
    const struct whb_counters *x = &a->counters, *y = &b->counters;
    uint64_t rx = y->rx_errors > x->rx_errors ? y->rx_errors - x->rx_errors : 0;
    uint64_t tx = y->tx_errors > x->tx_errors ? y->tx_errors - x->tx_errors : 0;
    uint64_t crc = y->rx_crc_errors > x->rx_crc_errors ? y->rx_crc_errors - x->rx_crc_errors : 0;
    uint64_t fr =
        y->rx_frame_errors > x->rx_frame_errors ? y->rx_frame_errors - x->rx_frame_errors : 0;
    if (!rx && !tx && !crc && !fr)
        return;
    struct whb_agent_event *e =
        whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_LINK_ERRORS, b->name);
    if (e)
        snprintf(e->detail, sizeof(e->detail),
                 "rx_errors +%llu tx_errors +%llu crc +%llu frame +%llu carrier_changes %llu",
                 (unsigned long long)rx, (unsigned long long)tx, (unsigned long long)crc,
                 (unsigned long long)fr, (unsigned long long)y->carrier_changes);
}

static void diff_wifi(struct whb_event_sink *k, const struct whb_adapter_state *a,
                      const struct whb_adapter_state *b)
{
    const struct whb_wifi *x = &a->wifi, *y = &b->wifi;
    struct whb_agent_event *e;
    if (y->associated && (!x->associated || strcmp(x->bssid, y->bssid) != 0)) {
        if ((e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED, b->name)))
            snprintf(e->detail, sizeof(e->detail), "ssid %s bssid %s signal %d dBm", y->ssid,
                     y->bssid, y->signal_dbm);
    } else if (x->associated && !y->associated) {
        /* The backend reports the reason code separately when the OS gives one. */
        if ((e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED,
                                     b->name)))
            snprintf(e->detail, sizeof(e->detail), "left ssid %s bssid %s", x->ssid, x->bssid);
    }
}

static void diff_adapter(struct whb_event_sink *k, const struct whb_adapter_state *a,
                         const struct whb_adapter_state *b)
{
    struct whb_agent_event *e;
    if (a->admin_up && !b->admin_up)
        whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN, b->name);
    else if (!a->admin_up && b->admin_up)
        whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_UP, b->name);
    /* Carrier only means something while the adapter is enabled. */
    if (b->admin_up && a->carrier && !b->carrier) {
        if ((e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, b->name)))
            snprintf(e->detail, sizeof(e->detail), "carrier_changes %llu",
                     (unsigned long long)b->counters.carrier_changes);
    } else if (b->admin_up && !a->carrier && b->carrier) {
        if ((e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED, b->name)))
            snprintf(e->detail, sizeof(e->detail), "%llu Mb/s carrier_changes %llu",
                     (unsigned long long)b->speed_mbps,
                     (unsigned long long)b->counters.carrier_changes);
    }
    diff_counters(k, a, b);
    if (b->type == WHB_ADAPTER_WIRELESS || a->type == WHB_ADAPTER_WIRELESS)
        diff_wifi(k, a, b);
    if (!addrs_equal(a, b) &&
        (e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED, b->name)))
        snprintf(e->detail, sizeof(e->detail), "%s gw %s", b->n_addrs ? b->addrs[0] : "no address",
                 b->gateway[0] ? b->gateway : "none");
    if ((strcmp(a->lldp.chassis_id, b->lldp.chassis_id) != 0 ||
         strcmp(a->lldp.port_id, b->lldp.port_id) != 0) &&
        (e = whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_LLDP_CHANGED, b->name)))
        snprintf(e->detail, sizeof(e->detail), "switch %.80s (%.60s) port %.80s",
                 b->lldp.system_name[0] ? b->lldp.system_name : "-",
                 b->lldp.chassis_id[0] ? b->lldp.chassis_id : "-",
                 b->lldp.port_id[0] ? b->lldp.port_id : "-");
}

int whb_state_diff(const struct whb_state *before, const struct whb_state *after, int64_t now_ms,
                   struct whb_agent_event *out, int max)
{
    struct whb_event_sink k = {out, max, 0, now_ms};
    struct whb_agent_event *e;
    for (int i = 0; i < after->n_adapters; i++) {
        const struct whb_adapter_state *b = &after->adapters[i];
        const struct whb_adapter_state *a = whb_model_find(before, b->name);
        if (!a) {
            if ((e = whb_event_sink_emit(&k, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_ADDED,
                                         b->name)))
                snprintf(e->detail, sizeof(e->detail), "%s %s admin %s carrier %s", b->mac,
                         b->type == WHB_ADAPTER_WIRELESS ? "wireless" : "wired",
                         b->admin_up ? "up" : "down", b->carrier ? "up" : "down");
            /* A new adapter that arrives with addresses puts the machine on a network. */
            if (b->n_addrs && (e = whb_event_sink_emit(
                                   &k, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED, b->name)))
                snprintf(e->detail, sizeof(e->detail), "%s gw %s", b->addrs[0],
                         b->gateway[0] ? b->gateway : "none");
            continue;
        }
        diff_adapter(&k, a, b);
    }
    for (int i = 0; i < before->n_adapters; i++)
        if (!whb_model_find(after, before->adapters[i].name))
            whb_event_sink_emit(&k, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_REMOVED,
                                before->adapters[i].name);
    k.n += whb_wu_diff(&before->wu, &after->wu, now_ms, out + k.n, max - k.n);
    return k.n;
}

#define FIX(f) whb_text_fix((f), sizeof(f))

void whb_state_clean(struct whb_state *s)
{
    for (int i = 0; i < s->n_adapters && i < WHB_MAX_ADAPTERS; i++) {
        struct whb_adapter_state *a = &s->adapters[i];
        FIX(a->name);
        FIX(a->mac);
        for (int k = 0; k < a->n_addrs && k < WHB_MAX_ADDRS; k++)
            FIX(a->addrs[k]);
        FIX(a->gateway);
        FIX(a->gateway_mac);
        FIX(a->wifi.ssid);
        FIX(a->wifi.bssid);
        FIX(a->lldp.chassis_id);
        FIX(a->lldp.port_id);
        FIX(a->lldp.system_name);
        FIX(a->lldp.port_description);
        FIX(a->lldp.mgmt_address);
    }
    FIX(s->wsus.url);
    FIX(s->wsus.error);
    whb_wu_clean(&s->wu);
}
