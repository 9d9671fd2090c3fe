/* The Windows backend's own paths, under wine: WLAN notifications translated into events (the
 * structures as the WLAN service delivers them), the bridge between the service control handler
 * and the agent (a power event waits for the last gasp), and settings read from Group Policy in
 * the registry. No radio and no service control manager exist here; these are the handlers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <windows.h>
#include <wlanapi.h>
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/windows/bridge.h"
#include "platform/windows/sleepstate.h"
#include "platform/windows/wlan.h"
#include "settings.h"
#include "whb.pb-c.h"

/* WLAN_REASON_CODE values from the Windows SDK's wlanapi.h. */
#define WLAN_REASON_CODE_NETWORK_NOT_AVAILABLE 0x00028002
#define WLAN_REASON_CODE_AP_STARTING_FAILURE   0x00030005

static void notification(WLAN_NOTIFICATION_DATA *d, WLAN_CONNECTION_NOTIFICATION_DATA *c,
                         DWORD code, DWORD reason)
{
    memset(d, 0, sizeof(*d));
    memset(c, 0, sizeof(*c));
    d->NotificationSource = WLAN_NOTIFICATION_SOURCE_ACM;
    d->NotificationCode = code;
    d->dwDataSize = sizeof(*c);
    d->pData = c;
    memcpy(c->dot11Ssid.ucSSID, "Corp", 4);
    c->dot11Ssid.uSSIDLength = 4;
    c->wlanReasonCode = reason;
}

static void wlan_notifications_become_events(void **state)
{
    (void)state;
    WLAN_NOTIFICATION_DATA d;
    WLAN_CONNECTION_NOTIFICATION_DATA c;
    struct whb_os_event ev;

    notification(&d, &c, wlan_notification_acm_connection_attempt_fail,
                 WLAN_REASON_CODE_NETWORK_NOT_AVAILABLE);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.kind, WHB_OS_WIFI);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED);
    assert_int_equal(ev.event.reason_code, WLAN_REASON_CODE_NETWORK_NOT_AVAILABLE);
    assert_string_equal(ev.event.adapter, "Wi-Fi");
    assert_non_null(strstr(ev.event.detail, "ssid Corp failed: WLAN_REASON_CODE 163842"));

    notification(&d, &c, wlan_notification_acm_disconnected, WLAN_REASON_CODE_AP_STARTING_FAILURE);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED);

    notification(&d, &c, wlan_notification_acm_connection_complete, 0);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED);

    /* A completion with a failure code is a failed attempt. */
    notification(&d, &c, wlan_notification_acm_connection_complete,
                 WLAN_REASON_CODE_NETWORK_NOT_AVAILABLE);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED);

    /* Not ours, or too short to be what it claims: ignored. */
    notification(&d, &c, wlan_notification_acm_scan_complete, 0);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 0);
    notification(&d, &c, wlan_notification_acm_disconnected, 1);
    d.dwDataSize = 8;
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 0);
    notification(&d, &c, wlan_notification_acm_disconnected, 1);
    d.NotificationSource = WLAN_NOTIFICATION_SOURCE_MSM;
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 0);
}

struct poster {
    struct whb_win_bridge *bridge;
    ULONGLONG took_ms;
};

static DWORD WINAPI post_suspend(LPVOID arg)
{
    struct poster *p = arg;
    ULONGLONG t0 = GetTickCount64();
    /* What the service control handler does on PBT_APMSUSPEND. */
    whb_win_bridge_post(p->bridge, WHB_OS_SUSPEND, 20000);
    p->took_ms = GetTickCount64() - t0;
    return 0;
}

static void power_event_waits_for_the_last_gasp(void **state)
{
    (void)state;
    struct whb_platform *plat;
    struct poster p = {whb_win_bridge_new(), 0};
    struct whb_platform_config cfg = {.state_dir = "C:\\whb-test",
                                      .fqdn = "pc-1.corp.example",
                                      .machine_id = "m-1",
                                      .service = p.bridge};
    assert_int_equal(whb_platform_windows.open(&cfg, &plat), 0);
    HANDLE t = CreateThread(NULL, 0, post_suspend, &p, 0, NULL);
    struct whb_os_event evs[4];
    int n = 0;
    for (int i = 0; i < 50 && n == 0; i++)
        plat->ops->wait(plat, 200, evs, 4, &n);
    int found = -1;
    for (int i = 0; i < n; i++)
        if (evs[i].kind == WHB_OS_SUSPEND)
            found = i;
    assert_true(found >= 0);
    /* The handler is still waiting: the OS would not sleep yet. */
    assert_int_equal(WaitForSingleObject(t, 300), WAIT_TIMEOUT);
    plat->ops->power_done(plat, &evs[found]);
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    assert_true(p.took_ms < 10000); /* released by the agent, not by the 20 s bound */
    CloseHandle(t);
    plat->ops->close(plat);
    whb_win_bridge_free(p.bridge);
}

static void set_policy(const wchar_t *key, const wchar_t *name, DWORD type, const void *v,
                       DWORD len)
{
    assert_int_equal(RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, type, v, len), ERROR_SUCCESS);
}

static void settings_come_from_group_policy(void **state)
{
    (void)state;
    static const wchar_t agent[] = L"SOFTWARE\\Policies\\whb\\Agent";
    static const wchar_t wu[] = L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate";
    const wchar_t url[] = L"https://whb.corp.example:8443/v1/report";
    const wchar_t wsus[] = L"http://wsus.corp.example:8530";
    const wchar_t mode[] = L"mtls";
    DWORD interval = 45;
    struct whb_agent_config cfg;
    char why[256];
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, agent);
    set_policy(agent, L"CollectorUrl", REG_SZ, url, sizeof(url));
    set_policy(agent, L"HeartbeatIntervalSeconds", REG_DWORD, &interval, sizeof(interval));
    set_policy(agent, L"IdentityMode", REG_SZ, mode, sizeof(mode));
    set_policy(wu, L"WUServer", REG_SZ, wsus, sizeof(wsus));
    whb_settings_defaults(&cfg);
    assert_int_equal(whb_win_read_policies(&cfg, why, sizeof(why)), 0);
    assert_string_equal(cfg.collector_url, "https://whb.corp.example:8443/v1/report");
    assert_int_equal(cfg.interval_s, 45);
    assert_string_equal(cfg.identity, "mtls");
    /* No probe URL of its own: the Windows Update client's server. */
    assert_string_equal(cfg.wsus_url, "http://wsus.corp.example:8530");

    /* A value out of the ADMX's bounds is refused with its name. */
    interval = 0;
    set_policy(agent, L"HeartbeatIntervalSeconds", REG_DWORD, &interval, sizeof(interval));
    whb_settings_defaults(&cfg);
    assert_int_not_equal(whb_win_read_policies(&cfg, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "interval"));
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, agent);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, wu);
}

/* Kernel-Power event 42 as EvtRender gives it (the EventData part of a real event). */
static void sleep_target_from_kernel_power_event(void **state)
{
    (void)state;
    static const wchar_t hibernate[] =
        L"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
        L"<Provider Name='Microsoft-Windows-Kernel-Power'/><EventID>42</EventID></System>"
        L"<EventData><Data Name='TargetState'>4</Data><Data Name='EffectiveState'>4</Data>"
        L"<Data Name='Reason'>7</Data><Data Name='Flags'>0</Data></EventData></Event>";
    static const wchar_t standby[] =
        L"<Event><EventData><Data Name='TargetState'>6</Data><Data Name='Reason'>0</Data>"
        L"</EventData></Event>";
    assert_int_equal(whb_win_sleep_target_parse(hibernate), 4);
    assert_int_equal(whb_win_sleep_target_parse(standby), 6);
    assert_int_equal(whb_win_sleep_target_parse(L"<Event/>"), -1);
    assert_int_equal(whb_win_sleep_target_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wlan_notifications_become_events),
        cmocka_unit_test(power_event_waits_for_the_last_gasp),
        cmocka_unit_test(settings_come_from_group_policy),
        cmocka_unit_test(sleep_target_from_kernel_power_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
