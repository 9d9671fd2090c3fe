/* Implementation of print.h (JSON through jansson). */
#include "print.h"

#include <jansson.h>
#include <string.h>

#include "clock.h"
#include "error.h"

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
    json_dumpf(root, out, JSON_INDENT(2));
    fputc('\n', out);
    json_decref(root);
    return 0;
}
