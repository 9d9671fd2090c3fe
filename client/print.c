/* Implementation of print.h (JSON through jansson). */
#include "print.h"

#include <jansson.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "update_client.h"
#include "wu_service.h"

static const char *type_name(enum whb_adapter_type t)
{
    return t == WHB_ADAPTER_ETHERNET   ? "ethernet"
           : t == WHB_ADAPTER_WIRELESS ? "wireless"
                                       : "other";
}

static const char *power_name(enum whb_power_source p)
{
    return p == WHB_POWER_AC ? "ac" : p == WHB_POWER_BATTERY ? "battery" : "unknown";
}

static const char *flag_name(enum whb_wu_flag f)
{
    return f == WHB_WU_ON ? "on" : f == WHB_WU_OFF ? "off" : "not set";
}

static void wu_text(FILE *out, const struct whb_wu_state *u)
{
    char where[512], when[32];
    whb_wu_where(u, where, sizeof(where));
    fprintf(out, "\nwindows update client\n  policy    %s\n", where);
    fprintf(out, "  identity  SusClientId %s%s\n",
            u->sus_client_id[0] ? u->sus_client_id
            : u->sus_malformed  ? "(not a GUID)"
                                : "absent",
            u->sus_validation ? " (with SusClientIdValidation)" : "");
    for (int i = 0; i < u->n_services; i++)
        fprintf(out, "  service   %-8s %s%s\n", u->services[i].name,
                whb_wu_start_words(u->services[i].start_type),
                u->services[i].running ? ", running" : "");
    if (!u->log_read)
        fprintf(out, "  log       cannot be read here\n");
    for (int i = 0; i < u->n_log; i++) {
        const struct whb_wu_log_event *l = &u->log[i];
        whb_clock_format_iso(l->at_ms, when, sizeof(when));
        fprintf(out, "  event %-3u %s 0x%08X %s %s\n", l->event_id, when, l->error_code,
                l->service_id[0] ? whb_wu_service_words(whb_wu_service_class(l->service_id)) : "-",
                l->detail);
    }
    if (u->restart_pending)
        fprintf(out, "  restart   pending (event 21 since this boot)\n");
}

void whb_print_text(FILE *out, const struct whb_identity *id, const struct whb_state *s)
{
    fprintf(out, "machine   %s (%s)\nos        %s\nboot      %s\npower     %s\n", id->fqdn,
            id->machine_id, id->os, id->boot_id, power_name(s->power));
    for (int i = 0; i < s->n_adapters; i++) {
        const struct whb_adapter_state *a = &s->adapters[i];
        fprintf(out, "\n%s  %s %s  admin %s  carrier %s", a->name, type_name(a->type), a->mac,
                a->admin_up ? "up" : "DOWN", a->carrier ? "up" : "DOWN");
        if (a->speed_mbps)
            fprintf(out, "  %llu Mb/s", (unsigned long long)a->speed_mbps);
        fprintf(out, "\n");
        for (int k = 0; k < a->n_addrs; k++)
            fprintf(out, "  address   %s\n", a->addrs[k]);
        if (a->gateway[0])
            fprintf(out, "  gateway   %s %s\n", a->gateway, a->gateway_mac);
        fprintf(
            out,
            "  errors    rx %llu tx %llu crc %llu frame %llu drops rx %llu tx %llu  "
            "carrier changes %llu\n",
            (unsigned long long)a->counters.rx_errors, (unsigned long long)a->counters.tx_errors,
            (unsigned long long)a->counters.rx_crc_errors,
            (unsigned long long)a->counters.rx_frame_errors,
            (unsigned long long)a->counters.rx_dropped, (unsigned long long)a->counters.tx_dropped,
            (unsigned long long)a->counters.carrier_changes);
        if (a->type == WHB_ADAPTER_WIRELESS)
            fprintf(out, "  wi-fi     %s ssid %s bssid %s signal %d dBm\n",
                    a->wifi.associated ? "associated" : "NOT associated", a->wifi.ssid,
                    a->wifi.bssid, a->wifi.signal_dbm);
        if (a->lldp.chassis_id[0])
            fprintf(out, "  switch    %s (%s) port %s %s\n",
                    a->lldp.system_name[0] ? a->lldp.system_name : "-", a->lldp.chassis_id,
                    a->lldp.port_id, a->lldp.port_description);
        else if (a->type == WHB_ADAPTER_ETHERNET)
            fprintf(out, "  switch    no LLDP neighbour heard\n");
    }
    if (s->wsus.at_ms)
        fprintf(out, "\nwsus      %s  %s (HTTP %u, %u ms)\n", s->wsus.url,
                s->wsus.error[0] ? s->wsus.error : "ok", s->wsus.http_status, s->wsus.latency_ms);
    else
        fprintf(out, "\nwsus      not probed (no wsus_url)\n");
    if (s->wu.known)
        wu_text(out, &s->wu);
}

static json_t *sources_json(const enum whb_wu_source *src)
{
    static const char *const names[] = {"not_set", "windows_update", "wsus"};
    return json_pack("{s:s, s:s, s:s, s:s}", "feature", names[src[0] % 3], "quality",
                     names[src[1] % 3], "driver", names[src[2] % 3], "other", names[src[3] % 3]);
}

static json_t *wu_json(const struct whb_wu_state *u)
{
    json_t *log = json_array(), *services = json_array();
    char code[16], when[32];
    for (int i = 0; i < u->n_log; i++) {
        const struct whb_wu_log_event *l = &u->log[i];
        snprintf(code, sizeof(code), "0x%08X", l->error_code);
        whb_clock_format_iso(l->at_ms, when, sizeof(when));
        json_array_append_new(
            log, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "event_id", (int)l->event_id, "at",
                           when, "error_code", code, "service_id", l->service_id, "service",
                           whb_wu_service_words(whb_wu_service_class(l->service_id)), "detail",
                           l->detail));
    }
    for (int i = 0; i < u->n_services; i++)
        json_array_append_new(services,
                              json_pack("{s:s, s:s, s:b}", "name", u->services[i].name,
                                        "start_type", whb_wu_start_words(u->services[i].start_type),
                                        "running", u->services[i].running));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:o, "
        "s:o, s:b}",
        "wu_server", u->wu_server, "wu_status_server", u->wu_status_server, "target_group",
        u->target_group, "use_wu_server", flag_name(u->use_wu_server), "no_auto_update",
        flag_name(u->no_auto_update), "do_not_connect_to_wu", flag_name(u->do_not_connect),
        "detection_frequency_h", (int)u->detection_frequency_h, "disable_dual_scan",
        flag_name(u->disable_dual_scan), "deferral_policy", flag_name(u->deferral_policy),
        "use_update_class_policy_source", flag_name(u->use_class_source), "target_group_enabled",
        flag_name(u->target_group_enabled), "policy_sources", sources_json(u->policy_source),
        "sus_client_id", u->sus_client_id, "sus_client_id_validation", u->sus_validation,
        "sus_client_id_malformed", u->sus_malformed, "log_read", u->log_read, "log", log,
        "services", services, "restart_pending", u->restart_pending);
    if (!j)
        return NULL;
    if (u->policy_state_read)
        json_object_set_new(j, "policy_state",
                            json_pack("{s:o, s:s, s:s}", "sources",
                                      sources_json(u->effective_source), "dual_scan_active",
                                      flag_name(u->dual_scan_active), "deferral_active",
                                      flag_name(u->deferral_active)));
    if (u->mdm_settings)
        json_object_set_new(j, "mdm",
                            json_pack("{s:i, s:s, s:o}", "update_settings", (int)u->mdm_settings,
                                      "update_service_url", u->mdm_service_url, "sources",
                                      sources_json(u->mdm_source)));
    return j;
}

static json_t *adapter_json(const struct whb_adapter_state *a)
{
    json_t *addrs = json_array();
    for (int k = 0; k < a->n_addrs; k++)
        json_array_append_new(addrs, json_string(a->addrs[k]));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:b, s:b, s:I, s:i, s:o, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
        "s:I}}",
        "name", a->name, "type", type_name(a->type), "mac", a->mac, "admin_up", a->admin_up,
        "carrier", a->carrier, "speed_mbps", (json_int_t)a->speed_mbps, "mtu", (int)a->mtu,
        "addresses", addrs, "gateway", a->gateway, "gateway_mac", a->gateway_mac, "counters",
        "rx_errors", (json_int_t)a->counters.rx_errors, "tx_errors",
        (json_int_t)a->counters.tx_errors, "rx_crc_errors", (json_int_t)a->counters.rx_crc_errors,
        "rx_frame_errors", (json_int_t)a->counters.rx_frame_errors, "rx_dropped",
        (json_int_t)a->counters.rx_dropped, "tx_dropped", (json_int_t)a->counters.tx_dropped,
        "carrier_changes", (json_int_t)a->counters.carrier_changes);
    if (!j)
        return NULL;
    if (a->type == WHB_ADAPTER_WIRELESS)
        json_object_set_new(j, "wifi",
                            json_pack("{s:b, s:s, s:s, s:i}", "associated", a->wifi.associated,
                                      "ssid", a->wifi.ssid, "bssid", a->wifi.bssid, "signal_dbm",
                                      a->wifi.signal_dbm));
    if (a->lldp.chassis_id[0])
        json_object_set_new(
            j, "lldp",
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "chassis_id", a->lldp.chassis_id, "port_id",
                      a->lldp.port_id, "system_name", a->lldp.system_name, "port_description",
                      a->lldp.port_description, "mgmt_address", a->lldp.mgmt_address));
    return j;
}

int whb_print_json(FILE *out, const struct whb_identity *id, const struct whb_state *s)
{
    json_t *adapters = json_array();
    for (int i = 0; i < s->n_adapters; i++)
        json_array_append_new(adapters, adapter_json(&s->adapters[i]));
    json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "machine_id", id->machine_id, "fqdn",
                             id->fqdn, "os", id->os, "boot_id", id->boot_id, "power",
                             power_name(s->power), "adapters", adapters);
    if (!root)
        return WHB_ENOMEM;
    if (s->wsus.at_ms)
        json_object_set_new(root, "wsus",
                            json_pack("{s:s, s:i, s:i, s:s, s:i}", "url", s->wsus.url,
                                      "http_status", (int)s->wsus.http_status, "curl_code",
                                      s->wsus.curl_code, "error", s->wsus.error, "latency_ms",
                                      (int)s->wsus.latency_ms));
    if (s->wu.known)
        json_object_set_new(root, "update_client", wu_json(&s->wu));
    json_dumpf(root, out, JSON_INDENT(2));
    fputc('\n', out);
    json_decref(root);
    return 0;
}
