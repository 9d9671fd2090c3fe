/* Implementation of wlan.h. WLAN_REASON_CODE values are Windows' own (wlanapi.h), not IEEE
 * 802.11 codes; the detail says which it is so that the collector never mixes them up. */
#include "wlan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "whb.pb-c.h"

#ifndef WLAN_REASON_CODE_SUCCESS
#define WLAN_REASON_CODE_SUCCESS 0
#endif

struct whb_win_wlan {
    HANDLE client;
    struct whb_win_bridge *bridge;
    HANDLE changed;
};

static void ssid_text(const DOT11_SSID *s, char *out, size_t len)
{
    size_t n = s->uSSIDLength < 32 ? s->uSSIDLength : 32, used = 0;
    for (size_t i = 0; i < n && used + 5 < len; i++) {
        unsigned char c = s->ucSSID[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[used++] = (char)c;
        else
            used += (size_t)snprintf(out + used, len - used, "\\x%02x", c);
    }
    out[used] = '\0';
}

int whb_win_wlan_translate(const WLAN_NOTIFICATION_DATA *d, const char *adapter,
                           struct whb_os_event *ev)
{
    char ssid[33 * 4];
    if (d->NotificationSource != WLAN_NOTIFICATION_SOURCE_ACM || !d->pData ||
        d->dwDataSize < offsetof(WLAN_CONNECTION_NOTIFICATION_DATA, dwFlags))
        return 0;
    const WLAN_CONNECTION_NOTIFICATION_DATA *c = d->pData;
    memset(ev, 0, sizeof(*ev));
    ev->kind = WHB_OS_WIFI;
    snprintf(ev->event.adapter, sizeof(ev->event.adapter), "%s", adapter ? adapter : "");
    ssid_text(&c->dot11Ssid, ssid, sizeof(ssid));
    ev->event.reason_code = c->wlanReasonCode;
    switch (d->NotificationCode) {
    case wlan_notification_acm_connection_complete:
        if (c->wlanReasonCode == WLAN_REASON_CODE_SUCCESS) {
            ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED;
            snprintf(ev->event.detail, sizeof(ev->event.detail), "connected to ssid %s", ssid);
            return 1;
        }
        /* A completion that failed is a failed attempt. */
        __attribute__((fallthrough));
    case wlan_notification_acm_connection_attempt_fail:
        ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED;
        snprintf(ev->event.detail, sizeof(ev->event.detail),
                 "connect to ssid %s failed: WLAN_REASON_CODE %lu", ssid,
                 (unsigned long)c->wlanReasonCode);
        return 1;
    case wlan_notification_acm_disconnected:
        ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED;
        snprintf(ev->event.detail, sizeof(ev->event.detail),
                 "disconnected from ssid %s: WLAN_REASON_CODE %lu", ssid,
                 (unsigned long)c->wlanReasonCode);
        return 1;
    default:
        return 0;
    }
}

static VOID CALLBACK on_notification(PWLAN_NOTIFICATION_DATA d, PVOID ctx)
{
    struct whb_win_wlan *w = ctx;
    struct whb_os_event ev;
    if (whb_win_wlan_translate(d, NULL, &ev))
        whb_win_bridge_push(w->bridge, &ev);
    SetEvent(w->changed);
}

int whb_win_wlan_open(struct whb_win_bridge *bridge, HANDLE changed, struct whb_win_wlan **out)
{
    DWORD version = 0;
    struct whb_win_wlan *w = calloc(1, sizeof(*w));
    if (!w)
        return WHB_ENOMEM;
    w->bridge = bridge;
    w->changed = changed;
    if (WlanOpenHandle(2, NULL, &version, &w->client) != ERROR_SUCCESS) {
        free(w);
        return WHB_EUNSUPPORTED;
    }
    if (WlanRegisterNotification(w->client, WLAN_NOTIFICATION_SOURCE_ACM, TRUE, on_notification, w,
                                 NULL, NULL) != ERROR_SUCCESS)
        whb_log_warnx("WLAN notifications unavailable: failed associations are not seen");
    *out = w;
    return 0;
}

void whb_win_wlan_close(struct whb_win_wlan *w)
{
    if (!w)
        return;
    WlanRegisterNotification(w->client, WLAN_NOTIFICATION_SOURCE_NONE, TRUE, NULL, NULL, NULL,
                             NULL);
    WlanCloseHandle(w->client, NULL);
    free(w);
}

void whb_win_wlan_query(struct whb_win_wlan *w, const GUID *guid, struct whb_wifi *out)
{
    WLAN_CONNECTION_ATTRIBUTES *attr = NULL;
    DWORD size = 0;
    memset(out, 0, sizeof(*out));
    if (!w || WlanQueryInterface(w->client, guid, wlan_intf_opcode_current_connection, NULL, &size,
                                 (PVOID *)&attr, NULL) != ERROR_SUCCESS)
        return;
    if (attr->isState == wlan_interface_state_connected) {
        const WLAN_ASSOCIATION_ATTRIBUTES *a = &attr->wlanAssociationAttributes;
        out->associated = 1;
        ssid_text(&a->dot11Ssid, out->ssid, sizeof(out->ssid));
        const UCHAR *b = a->dot11Bssid;
        snprintf(out->bssid, sizeof(out->bssid), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
                 b[3], b[4], b[5]);
        /* Quality 0..100 maps linearly onto -100..-50 dBm (Microsoft's documented rule). */
        out->signal_dbm = (int)a->wlanSignalQuality / 2 - 100;
    }
    WlanFreeMemory(attr);
}
