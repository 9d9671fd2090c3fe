/* Implementation of sample.h. */
#include "sample.h"

#include <stdio.h>
#include <stdlib.h>

struct sample *sample_new(unsigned n, uint64_t seq, unsigned nev)
{
    struct sample *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    snprintf(s->id, sizeof(s->id), "m-%u", n);
    snprintf(s->fqdn, sizeof(s->fqdn), "pc-%u.corp.example", n);
    snprintf(s->boot, sizeof(s->boot), "boot-%u", n);
    snprintf(s->port, sizeof(s->port), "Gi1/0/%u", n % 48 + 1);
    snprintf(s->addr, sizeof(s->addr), "10.%u.%u.%u/16", (n >> 16) & 255, (n >> 8) & 255, n & 255);

    whb__v1__machine__init(&s->machine);
    s->machine.machine_id = s->id;
    s->machine.fqdn = s->fqdn;
    s->machine.domain = "corp.example";
    s->machine.os = "Windows 11 Enterprise 23H2";
    s->machine.agent_version = "0.1.0";

    whb__v1__lldp__init(&s->lldp);
    s->lldp.chassis_id = "00:11:22:33:44:55";
    s->lldp.port_id = s->port;
    s->lldp.system_name = "sw-1";
    whb__v1__counters__init(&s->counters);
    whb__v1__adapter__init(&s->adapter);
    s->adapter.name = "eth0";
    s->adapter.type = WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_ETHERNET;
    s->adapter.mac = "52:54:00:12:34:56";
    s->adapter.admin_up = 1;
    s->adapter.oper_state = WHB__V1__OPER_STATE__OPER_STATE_UP;
    s->adapter.carrier = 1;
    s->adapter.speed_mbps = 1000;
    s->adapter.mtu = 1500;
    s->addresses[0] = s->addr;
    s->adapter.addresses = s->addresses;
    s->adapter.n_addresses = 1;
    s->adapter.gateway = "10.0.0.1";
    s->adapter.counters = &s->counters;
    s->adapter.lldp = &s->lldp;
    s->adapters[0] = &s->adapter;

    whb__v1__snapshot__init(&s->snapshot);
    s->snapshot.power_source = WHB__V1__POWER_SOURCE__POWER_SOURCE_AC;
    s->snapshot.adapters = s->adapters;
    s->snapshot.n_adapters = 1;

    whb__v1__report__init(&s->report);
    s->report.schema_version = WHB_WIRE_SCHEMA_VERSION;
    s->report.machine = &s->machine;
    s->report.boot_id = s->boot;
    s->report.seq = seq;
    s->report.sent_at_ms = 1764000000000LL + (int64_t)seq * 1000;
    s->report.mono_ms = seq * 1000;
    s->report.interval_s = 60;
    s->report.collector_url = "https://whb.corp.example:8443/v1/report"; /* fuzz seeds carry it */
    s->report.snapshot = &s->snapshot;

    if (nev) {
        s->events = calloc(nev, sizeof(*s->events));
        s->event_ptrs = calloc(nev, sizeof(*s->event_ptrs));
        if (!s->events || !s->event_ptrs) {
            sample_free(s);
            return NULL;
        }
        for (unsigned i = 0; i < nev; i++) {
            whb__v1__event__init(&s->events[i]);
            s->events[i].seq = seq * 1000 + i + 1;
            s->events[i].at_ms = s->report.sent_at_ms - 1000 + i;
            s->events[i].kind = i % 2 ? WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED
                                      : WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST;
            s->events[i].adapter = "eth0";
            s->event_ptrs[i] = &s->events[i];
        }
        s->report.events = s->event_ptrs;
        s->report.n_events = nev;
    }
    return s;
}

void sample_add_update_client(struct sample *s, const char *sus, uint32_t error, int disabled)
{
    Whb__V1__UpdateClient *u = &s->wu;
    whb__v1__update_client__init(u);
    u->wu_server = "http://wsus01.corp.example:8530";
    u->wu_status_server = "http://wsus01.corp.example:8530";
    u->use_wu_server = WHB__V1__FLAG__FLAG_ON;
    whb__v1__update_sources__init(&s->wu_sources);
    u->policy_sources = &s->wu_sources;
    u->sus_client_id = (char *)sus;
    u->sus_client_id_validation = 1;
    u->log_read = 1;
    for (int i = 0; i < 2; i++) {
        whb__v1__update_log_event__init(&s->wu_log[i]);
        s->wu_log[i].service_id = "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}";
        s->wu_log_ptrs[i] = &s->wu_log[i];
    }
    s->wu_log[0].event_id = 26;
    s->wu_log[0].at_ms = s->report.sent_at_ms - 86400000LL * 3;
    s->wu_log[0].detail = "2";
    s->wu_log[1].event_id = 25;
    s->wu_log[1].at_ms = s->report.sent_at_ms - 3600000;
    s->wu_log[1].error_code = error;
    u->log = s->wu_log_ptrs;
    u->n_log = error ? 2 : 1;
    static char *const names[2] = {"wuauserv", "BITS"};
    for (int i = 0; i < 2; i++) {
        whb__v1__update_service__init(&s->wu_services[i]);
        s->wu_services[i].name = names[i];
        s->wu_services[i].start_type = WHB__V1__START_TYPE__START_TYPE_MANUAL;
        s->wu_service_ptrs[i] = &s->wu_services[i];
    }
    if (disabled)
        s->wu_services[0].start_type = WHB__V1__START_TYPE__START_TYPE_DISABLED;
    u->services = s->wu_service_ptrs;
    u->n_services = 2;
    s->snapshot.update_client = u;
}

void sample_free(struct sample *s)
{
    if (!s)
        return;
    free(s->events);
    free(s->event_ptrs);
    free(s);
}

uint8_t *sample_pack(const struct sample *s, size_t *len)
{
    return whb_wire_report_pack(&s->report, len);
}

whb_report *sample_report(unsigned n, uint64_t seq, unsigned nev)
{
    struct sample *s = sample_new(n, seq, nev);
    size_t len = 0;
    uint8_t *buf = s ? sample_pack(s, &len) : NULL;
    whb_report *r = NULL;
    char why[128];
    if (buf && whb_wire_report_unpack(buf, len, &r, why, sizeof(why)))
        r = NULL;
    free(buf);
    sample_free(s);
    return r;
}
