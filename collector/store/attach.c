/* Implementation of attach.h. */
#include "store/attach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/subnet.h"

/* The adapter that carries the machine's traffic: the one with the default route, else the
 * first with a link, else the first. */
static const whb_adapter *primary(const whb_snapshot *s)
{
    const whb_adapter *link = NULL;
    for (size_t i = 0; i < s->n_adapters; i++) {
        const whb_adapter *a = s->adapters[i];
        if (a->gateway && a->gateway[0])
            return a;
        if (!link && a->carrier)
            link = a;
    }
    return link ? link : s->n_adapters ? s->adapters[0] : NULL;
}

/* The subnet of the adapter's first IPv4 address. */
static void subnet_of(const whb_adapter *a, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < a->n_addresses; i++)
        if (whb_subnet_name(a->addresses[i], strlen(a->addresses[i]), out, len))
            return;
}

/* snprintf's "%s" with truncation, without its format machinery (every report comes here). */
static void copy_text(char *dst, size_t len, const char *src)
{
    size_t n = src ? strnlen(src, len - 1) : 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

#define COPY(dst, src) copy_text((dst), sizeof(dst), (src))

void whb_attach_from_snapshot(const whb_snapshot *s, struct whb_machine_view *v)
{
    v->update_service = -1;
    if (!s)
        return;
    v->on_battery = s->power_source == WHB__V1__POWER_SOURCE__POWER_SOURCE_BATTERY;
    const whb_adapter *a = primary(s);
    if (a) {
        COPY(v->primary_if, a->name);
        v->wireless = a->type == WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS;
        v->carrier = a->carrier;
        v->admin_up = a->admin_up;
        if (a->lldp) {
            COPY(v->sw_chassis, a->lldp->chassis_id);
            COPY(v->sw_name, a->lldp->system_name);
            COPY(v->sw_port, a->lldp->port_id);
            COPY(v->sw_mgmt, a->lldp->mgmt_address);
        }
        if (a->wireless) {
            COPY(v->ssid, a->wireless->ssid);
            COPY(v->bssid, a->wireless->bssid);
            v->wifi_associated = a->wireless->associated;
            v->signal_dbm = a->wireless->signal_dbm;
        }
        subnet_of(a, v->subnet, sizeof(v->subnet));
    }
    if (s->wsus) {
        const Whb__V1__WsusProbe *w = s->wsus;
        COPY(v->wsus_url, w->url);
        v->wsus_http = w->http_status;
        v->wsus_curl = w->curl_code;
        v->wsus_at_ms = w->at_ms;
        if (w->curl_code)
            snprintf(v->wsus_class, sizeof(v->wsus_class), "unreachable:%d", w->curl_code);
        else if (w->http_status >= 400)
            snprintf(v->wsus_class, sizeof(v->wsus_class), "http_%u", w->http_status);
        else
            snprintf(v->wsus_class, sizeof(v->wsus_class), "ok");
        if (w->service_known)
            v->update_service = w->service_running ? 1 : 0;
    }
}
