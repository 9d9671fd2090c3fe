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
    Whb__V1__UpdateClient wu;
    Whb__V1__UpdateSources wu_sources[3];
    Whb__V1__UpdateLogEvent wu_log[WHB_WU_MAX_LOG];
    Whb__V1__UpdateLogEvent *wu_log_ptrs[WHB_WU_MAX_LOG];
    Whb__V1__UpdateService wu_services[WHB_WU_MAX_SERVICES];
    Whb__V1__UpdateService *wu_service_ptrs[WHB_WU_MAX_SERVICES];
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

static Whb__V1__UpdateSources *fill_sources(Whb__V1__UpdateSources *w,
                                            const enum whb_wu_source *src)
{
    whb__v1__update_sources__init(w);
    w->feature = (Whb__V1__UpdateSource)src[0];
    w->quality = (Whb__V1__UpdateSource)src[1];
    w->driver = (Whb__V1__UpdateSource)src[2];
    w->other = (Whb__V1__UpdateSource)src[3];
    return w;
}

static void fill_update_client(struct snapshot_msgs *m, const struct whb_wu_state *u)
{
    Whb__V1__UpdateClient *w = &m->wu;
    whb__v1__update_client__init(w);
    w->wu_server = (char *)u->wu_server;
    w->wu_status_server = (char *)u->wu_status_server;
    w->target_group = (char *)u->target_group;
    w->target_group_enabled = (Whb__V1__Flag)u->target_group_enabled;
    w->use_wu_server = (Whb__V1__Flag)u->use_wu_server;
    w->no_auto_update = (Whb__V1__Flag)u->no_auto_update;
    w->detection_frequency_h = u->detection_frequency_h;
    w->do_not_connect_to_wu = (Whb__V1__Flag)u->do_not_connect;
    w->disable_dual_scan = (Whb__V1__Flag)u->disable_dual_scan;
    w->deferral_policy = (Whb__V1__Flag)u->deferral_policy;
    w->use_update_class_policy_source = (Whb__V1__Flag)u->use_class_source;
    w->policy_sources = fill_sources(&m->wu_sources[0], u->policy_source);
    w->policy_state_read = u->policy_state_read;
    if (u->policy_state_read)
        w->effective_sources = fill_sources(&m->wu_sources[1], u->effective_source);
    w->dual_scan_active = (Whb__V1__Flag)u->dual_scan_active;
    w->deferral_active = (Whb__V1__Flag)u->deferral_active;
    w->mdm_update_settings = u->mdm_settings;
    w->mdm_update_service_url = (char *)u->mdm_service_url;
    if (u->mdm_settings)
        w->mdm_sources = fill_sources(&m->wu_sources[2], u->mdm_source);
    w->sus_client_id = (char *)u->sus_client_id;
    w->sus_client_id_validation = u->sus_validation;
    w->sus_client_id_malformed = u->sus_malformed;
    w->log_read = u->log_read;
    int n = u->n_log < WHB_WU_MAX_LOG ? u->n_log : WHB_WU_MAX_LOG;
    for (int i = 0; i < n; i++) {
        Whb__V1__UpdateLogEvent *l = &m->wu_log[i];
        whb__v1__update_log_event__init(l);
        l->event_id = u->log[i].event_id;
        l->at_ms = u->log[i].at_ms;
        l->error_code = u->log[i].error_code;
        l->service_id = (char *)u->log[i].service_id;
        l->detail = (char *)u->log[i].detail;
        m->wu_log_ptrs[i] = l;
    }
    w->log = m->wu_log_ptrs;
    w->n_log = (size_t)n;
    w->restart_pending = u->restart_pending;
    n = u->n_services < WHB_WU_MAX_SERVICES ? u->n_services : WHB_WU_MAX_SERVICES;
    for (int i = 0; i < n; i++) {
        Whb__V1__UpdateService *v = &m->wu_services[i];
        whb__v1__update_service__init(v);
        v->name = (char *)u->services[i].name;
        v->start_type = (Whb__V1__StartType)u->services[i].start_type;
        v->running = u->services[i].running;
        m->wu_service_ptrs[i] = v;
    }
    w->services = m->wu_service_ptrs;
    w->n_services = (size_t)n;
    m->snap.update_client = w;
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
    if (s->wu.known)
        fill_update_client(m, &s->wu);
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
