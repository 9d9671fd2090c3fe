/* Implementation of encode.h. */
#include "encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"

/* The protobuf-c structures for one snapshot, kept together so one calloc holds them. */
struct snapshot_msgs {
    whb_snapshot snap;
    Whb__V1__WsusProbe wsus;
    whb_adapter adapters[WHB_MAX_ADAPTERS];
    whb_adapter *adapter_ptrs[WHB_MAX_ADAPTERS];
    Whb__V1__Counters counters[WHB_MAX_ADAPTERS];
    Whb__V1__Wireless wifi[WHB_MAX_ADAPTERS];
    Whb__V1__Lldp lldp[WHB_MAX_ADAPTERS];
    char *addrs[WHB_MAX_ADAPTERS][WHB_MAX_ADDRS];
};

static void fill_adapter(struct snapshot_msgs *m, int i, const struct whb_adapter_state *a)
{
    whb_adapter *w = &m->adapters[i];
    whb__v1__adapter__init(w);
    w->name = (char *)a->name;
    w->type = (Whb__V1__AdapterType)a->type;
    w->mac = (char *)a->mac;
    w->admin_up = a->admin_up;
    w->oper_state = (Whb__V1__OperState)a->oper;
    w->carrier = a->carrier;
    w->speed_mbps = a->speed_mbps;
    w->mtu = a->mtu;
    for (int k = 0; k < a->n_addrs && k < WHB_MAX_ADDRS; k++)
        m->addrs[i][k] = (char *)a->addrs[k];
    w->addresses = m->addrs[i];
    w->n_addresses = (size_t)a->n_addrs;
    w->gateway = (char *)a->gateway;
    w->gateway_mac = (char *)a->gateway_mac;
    w->device_problem = a->device_problem;

    Whb__V1__Counters *c = &m->counters[i];
    whb__v1__counters__init(c);
    c->rx_errors = a->counters.rx_errors;
    c->tx_errors = a->counters.tx_errors;
    c->rx_dropped = a->counters.rx_dropped;
    c->tx_dropped = a->counters.tx_dropped;
    c->rx_crc_errors = a->counters.rx_crc_errors;
    c->rx_frame_errors = a->counters.rx_frame_errors;
    c->carrier_changes = a->counters.carrier_changes;
    w->counters = c;

    if (a->type == WHB_ADAPTER_WIRELESS) {
        Whb__V1__Wireless *x = &m->wifi[i];
        whb__v1__wireless__init(x);
        x->ssid = (char *)a->wifi.ssid;
        x->bssid = (char *)a->wifi.bssid;
        x->signal_dbm = a->wifi.signal_dbm;
        x->associated = a->wifi.associated;
        w->wireless = x;
    }
    if (a->lldp.chassis_id[0]) {
        Whb__V1__Lldp *l = &m->lldp[i];
        whb__v1__lldp__init(l);
        l->chassis_id = (char *)a->lldp.chassis_id;
        l->port_id = (char *)a->lldp.port_id;
        l->system_name = (char *)a->lldp.system_name;
        l->port_description = (char *)a->lldp.port_description;
        l->mgmt_address = (char *)a->lldp.mgmt_address;
        w->lldp = l;
    }
    m->adapter_ptrs[i] = w;
}

static void fill_snapshot(struct snapshot_msgs *m, const struct whb_state *s)
{
    whb__v1__snapshot__init(&m->snap);
    m->snap.power_source = (Whb__V1__PowerSource)s->power;
    int n = s->n_adapters < WHB_MAX_ADAPTERS ? s->n_adapters : WHB_MAX_ADAPTERS;
    for (int i = 0; i < n; i++)
        fill_adapter(m, i, &s->adapters[i]);
    m->snap.adapters = m->adapter_ptrs;
    m->snap.n_adapters = (size_t)n;
    if (s->wsus.at_ms) {
        Whb__V1__WsusProbe *w = &m->wsus;
        whb__v1__wsus_probe__init(w);
        w->url = (char *)s->wsus.url;
        w->at_ms = s->wsus.at_ms;
        w->http_status = s->wsus.http_status;
        w->curl_code = s->wsus.curl_code;
        w->error = (char *)s->wsus.error;
        w->latency_ms = s->wsus.latency_ms;
        w->service_known = s->wsus.service_known;
        w->service_running = s->wsus.service_running;
        m->snap.wsus = w;
    }
}

void whb_encode_public_url(const char *url, char *out, size_t len)
{
    const char *scheme = strstr(url, "://");
    if (scheme) {
        const char *host = scheme + 3;
        size_t auth_len = strcspn(host, "/?#");
        const char *at = memchr(host, '@', auth_len);
        /* The last '@' of the authority ends the user information. */
        for (const char *p = at; p; p = memchr(p + 1, '@', auth_len - (size_t)(p + 1 - host)))
            at = p;
        if (at) {
            snprintf(out, len, "%.*s%s", (int)(host - url), url, at + 1);
            whb_text_fix(out, len);
            return;
        }
    }
    snprintf(out, len, "%s", url);
    whb_text_fix(out, len); /* the collector refuses a report whose text is not clean */
}

int whb_encode_report(const struct whb_report_input *in, uint8_t **buf, size_t *len)
{
    char url[WHB_WIRE_MAX_URL + 1] = "";
    struct snapshot_msgs *m = calloc(1, sizeof(*m));
    if (!m)
        return WHB_ENOMEM;
    Whb__V1__Machine machine = WHB__V1__MACHINE__INIT;
    machine.machine_id = (char *)in->id->machine_id;
    machine.fqdn = (char *)in->id->fqdn;
    machine.domain = (char *)in->id->domain;
    machine.os = (char *)in->id->os;
    machine.agent_version = WHB_VERSION;

    whb_report r = WHB__V1__REPORT__INIT;
    r.schema_version = WHB_WIRE_SCHEMA_VERSION;
    r.machine = &machine;
    r.boot_id = (char *)in->id->boot_id;
    r.seq = in->seq;
    r.sent_at_ms = in->sent_at_ms;
    r.mono_ms = in->mono_ms;
    r.interval_s = in->interval_s;
    if (in->state) {
        fill_snapshot(m, in->state);
        r.snapshot = &m->snap;
    }
    r.events = in->events;
    r.n_events = (size_t)in->n_events;
    r.last_gasp = in->last_gasp;
    if (in->collector_url) {
        whb_encode_public_url(in->collector_url, url, sizeof(url));
        r.collector_url = url;
        r.collector_rank = in->collector_rank;
    }
    *buf = whb_wire_report_pack(&r, len);
    free(m);
    return *buf ? 0 : WHB_ENOMEM;
}

void whb_encode_event(const struct whb_agent_event *ev, const char *boot_id, uint64_t seq,
                      uint64_t mono_ms, whb_event *out)
{
    whb__v1__event__init(out);
    out->seq = seq;
    out->boot_id = (char *)boot_id;
    out->at_ms = ev->at_ms;
    out->mono_ms = mono_ms;
    out->kind = (Whb__V1__EventKind)ev->kind;
    out->adapter = (char *)ev->adapter;
    out->reason_code = ev->reason_code;
    out->detail = (char *)ev->detail;
    out->since_ms = ev->since_ms;
    out->http_status = ev->http_status;
    out->curl_code = ev->curl_code;
}
