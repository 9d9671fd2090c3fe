/* Implementation of wlan.h. WLAN_REASON_CODE values are Windows' own (wlanapi.h, dot1x.h), not
 * IEEE 802.11 codes; the detail says which it is so that the collector never mixes them up,
 * and says in words why, as WLAN AutoConfig's event 8002 does. */
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

/* The failures admins meet, in their words. Values from the Windows SDK's wlanapi.h
 * (WLAN_REASON_CODE_*: AC 0x2xxxx, MSM 0x3xxxx, MSMSEC 0x4xxxx, profile 0x8xxxx) and dot1x.h
 * (ONEX_* 0x5xxxx, 802.1X). Codes not here are asked of WlanReasonCodeToString. */
static const struct {
    uint32_t code;
    const char *name; /* the SDK's, without WLAN_REASON_CODE_ */
    const char *text;
} reasons[] = {
    {0x00010001, "UNKNOWN", "Windows gave no reason"},
    {0x00020001, "NETWORK_NOT_COMPATIBLE", "the network is not compatible with this computer"},
    {0x00020002, "PROFILE_NOT_COMPATIBLE", "the Wi-Fi profile does not fit this network"},
    {0x00028001, "NO_AUTO_CONNECTION", "the Wi-Fi profile is not set to connect automatically"},
    {0x00028002, "NOT_VISIBLE", "the network is not visible (out of range or hidden)"},
    {0x00028003, "GP_DENIED", "Group Policy denies this network"},
    {0x00028004, "USER_DENIED", "the user has blocked this network"},
    {0x00028006, "IN_FAILED_LIST", "the network failed a moment ago and is set aside"},
    {0x00028007, "IN_BLOCKED_LIST", "the network is on the blocked list"},
    {0x0002800b, "NETWORK_NOT_AVAILABLE", "the network is not available"},
    {0x0002800c, "PROFILE_CHANGED_OR_DELETED", "the Wi-Fi profile was changed or deleted"},
    {0x0002800d, "KEY_MISMATCH", "the network key (Wi-Fi password) does not match"},
    {0x0002800e, "USER_NOT_RESPOND", "nobody answered the sign-in prompt"},
    {0x00030001, "UNSUPPORTED_SECURITY_SET_BY_OS",
     "Windows does not support the network's security"},
    {0x00030002, "UNSUPPORTED_SECURITY_SET", "the adapter does not support the network's security"},
    {0x00030004, "PHY_TYPE_UNMATCH", "the adapter does not support the network's radio type"},
    {0x00030005, "DATARATE_UNMATCH", "the adapter does not support the network's data rates"},
    {0x00038001, "USER_CANCELLED", "the connection was cancelled"},
    {0x00038002, "ASSOCIATION_FAILURE", "association with the access point failed"},
    {0x00038003, "ASSOCIATION_TIMEOUT", "the access point did not answer the association in time"},
    {0x00038006, "SECURITY_FAILURE", "authentication with the network failed"},
    {0x00038007, "SECURITY_TIMEOUT", "authentication with the network timed out"},
    {0x00038008, "ROAMING_FAILURE", "moving to another access point failed"},
    {0x00038009, "ROAMING_SECURITY_FAILURE",
     "authentication failed while moving to another access point"},
    {0x0003800b, "DRIVER_DISCONNECTED", "the wireless adapter's driver dropped the connection"},
    {0x0003800c, "DRIVER_OPERATION_FAILURE", "the wireless adapter's driver failed"},
    {0x00038010, "INTERNAL_FAILURE", "the WLAN service failed internally"},
    {0x00038012, "TOO_MANY_SECURITY_ATTEMPTS", "authentication failed too often while roaming"},
    {0x00038014, "NO_VISIBLE_AP", "no access point of the network is in range"},
    {0x00040012, "MSMSEC_CAPABILITY_NETWORK",
     "the network does not offer the security the profile requires"},
    {0x00040013, "MSMSEC_CAPABILITY_NIC",
     "the adapter does not offer the security the profile requires"},
    {0x00048002, "MSMSEC_AUTH_START_TIMEOUT",
     "802.1X authentication did not start (is 802.1X on for this port/SSID?)"},
    {0x00048003, "MSMSEC_AUTH_SUCCESS_TIMEOUT",
     "802.1X authentication did not finish in time (RADIUS server slow or unreachable)"},
    {0x00048004, "MSMSEC_KEY_START_TIMEOUT", "the key exchange did not start in time"},
    {0x00048005, "MSMSEC_KEY_SUCCESS_TIMEOUT",
     "the key exchange did not finish (wrong Wi-Fi password?)"},
    {0x0004800f, "MSMSEC_NO_AUTHENTICATOR",
     "the profile requires 802.1X but the network offers none"},
    {0x00048014, "MSMSEC_PSK_MISMATCH_SUSPECTED",
     "the Wi-Fi password (pre-shared key) is probably wrong"},
    {0x00050001, "ONEX_UNABLE_TO_IDENTIFY_USER",
     "802.1X authentication failed: no user or machine identity to present"},
    {0x00050002, "ONEX_IDENTITY_NOT_FOUND",
     "802.1X authentication failed: no certificate or account to sign in with"},
    {0x00050003, "ONEX_UI_DISABLED",
     "802.1X authentication needs a sign-in prompt that cannot be shown"},
    {0x00050005, "ONEX_EAP_FAILURE_RECEIVED",
     "802.1X authentication failed: explicit EAP failure (the server refused the credentials, "
     "or the machine refused the server's certificate)"},
    {0x00050006, "ONEX_AUTHENTICATOR_NO_LONGER_PRESENT",
     "802.1X authentication failed: the authenticator went away"},
    {0x00050007, "ONEX_NO_RESPONSE_TO_IDENTITY",
     "802.1X authentication failed: no answer to the identity (RADIUS server unreachable?)"},
    {0x0005000a, "ONEX_PROFILE_DISALLOWED_EAP_TYPE",
     "802.1X authentication failed: the profile's EAP method is not allowed"},
    {0x00050011, "ONEX_UI_CANCELLED", "802.1X authentication was cancelled at the sign-in prompt"},
    {0x00050013, "ONEX_PROFILE_EXPIRED_EXPLICIT_CREDENTIALS",
     "802.1X authentication failed: the saved credentials have expired"},
    {0x00080002, "PROFILE_MISSING", "there is no Wi-Fi profile for this network"},
};

static int reason_index(uint32_t code)
{
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].code == code)
            return (int)i;
    return -1;
}

const char *whb_win_wlan_reason_text(uint32_t code)
{
    int i = reason_index(code);
    return i < 0 ? NULL : reasons[i].text;
}

/* Windows' own words for codes outside the table. wine only has a stub that raises an
 * exception, so it is asked only on Windows. */
static void os_reason_text(uint32_t code, char *out, size_t n)
{
    typedef DWORD(WINAPI * to_string_fn)(DWORD, DWORD, PWCHAR, PVOID);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    HMODULE wlan = GetModuleHandleW(L"wlanapi.dll");
    to_string_fn fn =
        wlan ? (to_string_fn)(void (*)(void))GetProcAddress(wlan, "WlanReasonCodeToString") : NULL;
    wchar_t w[256];
    out[0] = '\0';
    if (!fn || (ntdll && GetProcAddress(ntdll, "wine_get_version")))
        return;
    if (fn(code, 256, w, NULL) == ERROR_SUCCESS &&
        !WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)n, NULL, NULL))
        out[0] = '\0';
    /* Windows ends its sentences; our details go on after them. */
    size_t len = strlen(out);
    while (len && (out[len - 1] == '.' || out[len - 1] == ' ' || out[len - 1] == '\r' ||
                   out[len - 1] == '\n'))
        out[--len] = '\0';
}

/* "(WLAN_REASON_CODE 0x2800b NETWORK_NOT_AVAILABLE)": the SDK's name helps a search. */
static void code_note(uint32_t code, char *out, size_t n)
{
    int i = reason_index(code);
    snprintf(out, n, "(WLAN_REASON_CODE 0x%lx%s%s)", (unsigned long)code, i < 0 ? "" : " ",
             i < 0 ? "" : reasons[i].name);
}

void whb_win_wlan_reason(uint32_t code, char *out, size_t n)
{
    const char *t = whb_win_wlan_reason_text(code);
    if (t) {
        snprintf(out, n, "%s", t);
        return;
    }
    os_reason_text(code, out, n);
    if (!out[0])
        snprintf(out, n, "reason not known to the agent");
}

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
    char ssid[33 * 4], why[160], note[64];
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
        whb_win_wlan_reason(c->wlanReasonCode, why, sizeof(why));
        code_note(c->wlanReasonCode, note, sizeof(note));
        snprintf(ev->event.detail, sizeof(ev->event.detail), "connect to ssid %.64s failed: %s %s",
                 ssid, why, note);
        return 1;
    case wlan_notification_acm_disconnected:
        ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED;
        whb_win_wlan_reason(c->wlanReasonCode, why, sizeof(why));
        code_note(c->wlanReasonCode, note, sizeof(note));
        snprintf(ev->event.detail, sizeof(ev->event.detail), "disconnected from ssid %.64s: %s %s",
                 ssid, why, note);
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
