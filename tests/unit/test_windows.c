/* The Windows backend's own paths, under wine: WLAN notifications translated into events (the
 * structures as the WLAN service delivers them) with their reasons in words, the bridge between
 * the service control handler and the agent (a power event waits for the last gasp; Modern
 * Standby from the display state), settings read from Group Policy in the registry, and the
 * System log's events that explain resumes (Fast Startup, hibernation, sleep) and unclean
 * stops. No radio, no service control manager and no power transitions exist here; these are
 * the handlers, fed with events as Windows renders them. */
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
#include "platform/windows/policy.h"
#include "platform/windows/eventlog.h"
#include "platform/windows/powerstate.h"
#include "platform/windows/wlan.h"
#include "agent.h"
#include "collectors.h"
#include "settings.h"
#include "spool.h"
#include "whb.pb-c.h"

/* WLAN_REASON_CODE values from the Windows SDK's wlanapi.h and dot1x.h. */
#define WLAN_REASON_CODE_NOT_VISIBLE           0x00028002 /* AC_CONNECT_BASE + 2 */
#define WLAN_REASON_CODE_NETWORK_NOT_AVAILABLE 0x0002800b /* AC_CONNECT_BASE + 11 */
#define WLAN_REASON_CODE_AP_STARTING_FAILURE   0x00038013 /* MSM_CONNECT_BASE + 19 */
#define WLAN_REASON_CODE_MSMSEC_PSK_MISMATCH   0x00048014 /* MSMSEC_CONNECT_BASE + 20 */
#define ONEX_EAP_FAILURE_RECEIVED              0x00050005 /* ONEX_REASON_START + 5 */

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
    assert_string_equal(ev.event.detail,
                        "connect to ssid Corp failed: the network is not available "
                        "(WLAN_REASON_CODE 0x2800b NETWORK_NOT_AVAILABLE)");

    /* 802.1X refused by the RADIUS server: the words an admin acts on, the code kept. */
    notification(&d, &c, wlan_notification_acm_connection_attempt_fail, ONEX_EAP_FAILURE_RECEIVED);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.reason_code, ONEX_EAP_FAILURE_RECEIVED);
    assert_non_null(strstr(ev.event.detail, "802.1X authentication failed: explicit EAP failure"));
    assert_non_null(
        strstr(ev.event.detail, "(WLAN_REASON_CODE 0x50005 ONEX_EAP_FAILURE_RECEIVED)"));

    notification(&d, &c, wlan_notification_acm_disconnected, WLAN_REASON_CODE_AP_STARTING_FAILURE);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED);
    /* Not in our table; wine has no WlanReasonCodeToString (Windows fills it in). */
    assert_string_equal(ev.event.detail, "disconnected from ssid Corp: reason not known to the "
                                         "agent (WLAN_REASON_CODE 0x38013)");

    notification(&d, &c, wlan_notification_acm_connection_complete, 0);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED);

    /* A completion with a failure code is a failed attempt. */
    notification(&d, &c, wlan_notification_acm_connection_complete, WLAN_REASON_CODE_NOT_VISIBLE);
    assert_int_equal(whb_win_wlan_translate(&d, "Wi-Fi", &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED);
    assert_non_null(strstr(ev.event.detail, "the network is not visible"));

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

static void wlan_reasons_in_words(void **state)
{
    (void)state;
    char why[160];
    assert_string_equal(whb_win_wlan_reason_text(WLAN_REASON_CODE_MSMSEC_PSK_MISMATCH),
                        "the Wi-Fi password (pre-shared key) is probably wrong");
    assert_string_equal(whb_win_wlan_reason_text(0x0002800d),
                        "the network key (Wi-Fi password) does not match");
    assert_non_null(strstr(whb_win_wlan_reason_text(0x00048003), "RADIUS"));
    assert_null(whb_win_wlan_reason_text(0));
    assert_null(whb_win_wlan_reason_text(0x0002800f)); /* AP_PROFILE_NOT_ALLOWED: not ours */
    whb_win_wlan_reason(0x0002800f, why, sizeof(why));
    assert_true(why[0] != '\0');
    /* Bounded: a short buffer gets a terminated prefix. */
    whb_win_wlan_reason(ONEX_EAP_FAILURE_RECEIVED, why, 12);
    assert_string_equal(why, "802.1X auth");
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

static DWORD WINAPI post_suspend_briefly(LPVOID arg)
{
    struct poster *p = arg;
    /* The OS's patience ran out before the agent was done (bounded wait). */
    whb_win_bridge_post(p->bridge, WHB_OS_SUSPEND, 50);
    return 0;
}

/* The handler gave up waiting and closed its event; the agent's late power_done must not
 * signal whatever object Windows gives that handle value next. */
static void late_power_done_touches_nothing_else(void **state)
{
    (void)state;
    struct whb_platform *plat;
    struct poster p = {whb_win_bridge_new(), 0};
    struct whb_platform_config cfg = {.state_dir = "C:\\whb-test",
                                      .fqdn = "pc-1.corp.example",
                                      .machine_id = "m-1",
                                      .service = p.bridge};
    struct whb_os_event evs[4];
    int n = 0;
    assert_int_equal(whb_platform_windows.open(&cfg, &plat), 0);
    HANDLE t = CreateThread(NULL, 0, post_suspend_briefly, &p, 0, NULL);
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    for (int i = 0; i < 10 && n == 0; i++)
        plat->ops->wait(plat, 200, evs, 4, &n);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].kind, WHB_OS_SUSPEND);
    HANDLE others[8];
    for (int i = 0; i < 8; i++)
        others[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
    plat->ops->power_done(plat, &evs[0]);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(WaitForSingleObject(others[i], 0), WAIT_TIMEOUT);
        CloseHandle(others[i]);
    }
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
    /* The editor's multi-line box: one URL a line, REG_MULTI_SZ. */
    const wchar_t more[] = L"https://whb-b.corp.example:8443/v1/report\0"
                           L"https://whb-c.corp.example:8443/v1/report\0";
    DWORD failback = 120;
    set_policy(agent, L"CollectorUrls", REG_MULTI_SZ, more, sizeof(more));
    set_policy(agent, L"CollectorFailbackSeconds", REG_DWORD, &failback, sizeof(failback));
    whb_settings_defaults(&cfg);
    assert_int_equal(whb_win_read_policies(&cfg, why, sizeof(why)), 0);
    assert_string_equal(cfg.collector_url, "https://whb.corp.example:8443/v1/report");
    assert_string_equal(cfg.collector_urls, "https://whb-b.corp.example:8443/v1/report "
                                            "https://whb-c.corp.example:8443/v1/report");
    assert_int_equal(cfg.collector_failback_s, 120);
    struct whb_collectors coll;
    assert_int_equal(whb_collectors_parse(&coll, cfg.collector_url, cfg.collector_urls,
                                          cfg.collector_failback_s, why, sizeof(why)),
                     0);
    assert_int_equal(coll.n, 3);
    assert_string_equal(coll.url[2], "https://whb-c.corp.example:8443/v1/report");
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

/* Recorded events. The shape is what EvtRender (and `wevtutil qe System /f:xml`) gives on
 * Windows 10/11: the standard event schema's <System> part and the <EventData> fields that
 * each provider's manifest defines (Kernel-Boot 27 BootType; Kernel-Power 42 TargetState,
 * EffectiveState, Reason, Flags; Kernel-Power 41 BugcheckCode ... PowerButtonTimestamp; SCM
 * 7031/7034 param1..param5 with the service key name as UTF-16 in <Binary>; EventLog 6008 as
 * a classic event with unnamed <Data>, its date with U+200E marks). The machine, times and
 * record ids are this scenario's, not a customer's. */
/* Indirect, so that KERNEL_BOOT etc. expand to their two arguments first. */
#define EV_HEAD(...) EV_HEAD_(__VA_ARGS__)
#define EV_HEAD_(provider, guid, id, qual, time)                                                   \
    L"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"               \
    L"<Provider Name='" provider L"' Guid='" guid L"'/><EventID" qual L">" id L"</EventID>"        \
    L"<Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode>"                        \
    L"<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='" time L"'/>"                \
    L"<EventRecordID>48213</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='8'/>"   \
    L"<Channel>System</Channel><Computer>pc-1.corp.example</Computer>"                             \
    L"<Security UserID='S-1-5-18'/></System>"
#define KERNEL_BOOT  L"Microsoft-Windows-Kernel-Boot", L"{15ca44ff-4d7a-4baa-bba5-0998955e531e}"
#define KERNEL_POWER L"Microsoft-Windows-Kernel-Power", L"{331c3b3a-2005-44c2-ac5e-77220c37d6b4}"
#define SCM          L"Service Control Manager", L"{555908d1-a6d7-4695-8e1e-26931d2012f4}"

#define BOOT27(time, type)                                                                         \
    EV_HEAD(KERNEL_BOOT, L"27", L"", time)                                                         \
    L"<EventData><Data Name='BootType'>" type L"</Data><Data Name='LoadOptions'></Data>"           \
    L"<Data Name='LastBootId'>41</Data></EventData></Event>"
/* TargetState/EffectiveState are SYSTEM_POWER_STATE: 4 = S3, 5 = hibernate, 6 = shutdown. */
#define POWER42(time, target, effective)                                                           \
    EV_HEAD(KERNEL_POWER, L"42", L"", time)                                                        \
    L"<EventData><Data Name='TargetState'>" target L"</Data>"                                      \
    L"<Data Name='EffectiveState'>" effective L"</Data><Data Name='Reason'>0</Data>"               \
    L"<Data Name='Flags'>4</Data><Data Name='TransitionsToOn'>1</Data></EventData></Event>"

/* 2026-11-25T10:37:27Z and friends, as ms since the epoch (checked with Python's calendar). */
#define T_SUSPEND 1795603047000LL          /* 2026-11-25T10:37:27Z */
#define T_NOW     (T_SUSPEND + 77000000LL) /* 2026-11-26T08:00:47Z, the next morning */

static void event_xml_fields(void **state)
{
    (void)state;
    static const wchar_t b27[] = BOOT27(L"2026-11-25T10:37:27.5000000Z", L"0x1");
    static const wchar_t dq[] =
        L"<Event><System><EventID>42</EventID>"
        L"<TimeCreated SystemTime=\"2026-11-24T18:02:10.1Z\"/></System>"
        L"<EventData><Data Name=\"TargetState\">4</Data></EventData></Event>";
    char text[32];
    assert_int_equal(whb_win_xml_event_id(b27), 27);
    assert_int_equal(whb_win_xml_time_ms(b27), T_SUSPEND + 500);
    assert_int_equal(whb_win_xml_number(b27, L"BootType"), 1);
    assert_int_equal(whb_win_xml_number(b27, L"LastBootId"), 41);
    assert_int_equal(whb_win_xml_number(b27, L"LoadOptions"), -1); /* empty: not a number */
    assert_int_equal(whb_win_xml_number(b27, L"Absent"), -1);
    assert_int_equal(whb_win_xml_data(b27, L"LastBootId", text, sizeof(text)), 0);
    assert_string_equal(text, "41");
    /* Get-WinEvent's ToXml() quotes with ". */
    assert_int_equal(whb_win_xml_event_id(dq), 42);
    assert_int_equal(whb_win_xml_time_ms(dq), 1795543330100LL);
    assert_int_equal(whb_win_xml_number(dq, L"TargetState"), 4);
    assert_int_equal(whb_win_xml_time_ms(L"<TimeCreated SystemTime='2026-13-01T00:00:00Z'/>"), -1);
    assert_int_equal(whb_win_xml_event_id(L"<Event/>"), -1);
    assert_int_equal(whb_win_xml_number(NULL, L"TargetState"), -1);
}

static void resume_after_fast_startup_hibernation_or_sleep(void **state)
{
    (void)state;
    char detail[256];
    /* Kernel-Power 42 of last night's sleep; this transition wrote none. */
    static const wchar_t old_sleep[] = POWER42(L"2026-11-24T18:02:10.0000000Z", L"4", L"4");
    static const wchar_t cold_boot[] = BOOT27(L"2026-11-18T08:00:03.0000000Z", L"0x0");

    /* Fast Startup: "Shut down" at 10:37:27 was a suspend to the agent; the next morning's
     * boot says hybrid boot. The user turned the machine off: reason 3, not hibernation. */
    static const wchar_t hybrid[] = BOOT27(L"2026-11-26T07:58:41.2000000Z", L"0x1");
    assert_int_equal(
        whb_win_resume_explain(hybrid, old_sleep, T_SUSPEND, T_NOW, detail, sizeof(detail)),
        WHB_RESUME_HYBRID_BOOT);
    assert_non_null(strstr(detail, "Fast Startup shutdown"));
    assert_non_null(strstr(detail, "boot type 0x1"));
    /* The same told by event 42 alone: a hibernation whose effective state is S5. */
    static const wchar_t hybrid42[] = POWER42(L"2026-11-25T10:37:26.8000000Z", L"5", L"6");
    assert_int_equal(
        whb_win_resume_explain(NULL, hybrid42, T_SUSPEND, T_NOW, detail, sizeof(detail)),
        WHB_RESUME_HYBRID_BOOT);

    /* Hibernation: 42 with TargetState 5 (S4) as it starts, 27 with boot type 0x2 on return. */
    static const wchar_t hib42[] = POWER42(L"2026-11-25T10:37:26.8000000Z", L"5", L"5");
    static const wchar_t hib27[] = BOOT27(L"2026-11-25T12:01:09.0000000Z", L"0x2");
    assert_int_equal(whb_win_resume_explain(hib27, hib42, T_SUSPEND, T_NOW, detail, sizeof(detail)),
                     WHB_RESUME_HIBERNATION);
    assert_non_null(strstr(detail, "hibernation"));
    /* The same when only event 42 is there (Kernel-Boot's log cleared). */
    assert_int_equal(whb_win_resume_explain(NULL, hib42, T_SUSPEND, T_NOW, detail, sizeof(detail)),
                     WHB_RESUME_HIBERNATION);

    /* Sleep (S3): 42 with TargetState 4 now; the newest 27 is last week's cold boot. */
    static const wchar_t s3[] = POWER42(L"2026-11-25T10:37:26.9000000Z", L"4", L"4");
    assert_int_equal(
        whb_win_resume_explain(cold_boot, s3, T_SUSPEND, T_NOW, detail, sizeof(detail)),
        WHB_RESUME_SLEEP);
    assert_string_equal(detail, "resumed from sleep (S3, Kernel-Power event 42)");

    /* A laptop's lid-close sleep as its System log recorded it (published in a forensic event
     * parser's tests, LAPTOP-9KUQNI2Q, 2017): TargetState 4 is S3, not hibernation. */
    static const wchar_t lid[] =
        L"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
        L"<Provider Name=\"Microsoft-Windows-Kernel-Power\" "
        L"Guid=\"{331C3B3A-2005-44C2-AC5E-77220C37D6B4}\"/><EventID>42</EventID>"
        L"<Version>3</Version><Level>4</Level><Task>64</Task><Opcode>0</Opcode>"
        L"<Keywords>0x8000400000000404</Keywords>"
        L"<TimeCreated SystemTime=\"2017-01-01T22:19:38.726978700Z\"/>"
        L"<EventRecordID>519</EventRecordID><Correlation/>"
        L"<Execution ProcessID=\"4\" ThreadID=\"372\"/><Channel>System</Channel>"
        L"<Computer>LAPTOP-9KUQNI2Q</Computer><Security/></System><EventData>"
        L"<Data Name=\"TargetState\">4</Data><Data Name=\"EffectiveState\">4</Data>"
        L"<Data Name=\"Reason\">0</Data><Data Name=\"Flags\">4</Data>"
        L"<Data Name=\"TransitionsToOn\">1</Data></EventData></Event>";
    const int64_t lid_suspend = whb_win_xml_time_ms(lid) + 400;
    assert_int_equal(whb_win_resume_explain(NULL, lid, lid_suspend, lid_suspend + 3600000, detail,
                                            sizeof(detail)),
                     WHB_RESUME_SLEEP);

    /* The suspend went unseen (no last gasp): only a 27 of the last minutes is this resume's.
     * This morning's Fast Startup boot does not explain an afternoon's sleep. */
    const int64_t afternoon = T_NOW + 8 * 3600000LL;
    assert_int_equal(whb_win_resume_explain(hybrid, s3, 0, afternoon, detail, sizeof(detail)),
                     WHB_RESUME_SLEEP);
    assert_int_equal(whb_win_resume_explain(hybrid, NULL, 0, T_NOW, detail, sizeof(detail)),
                     WHB_RESUME_HYBRID_BOOT);

    /* Only stale events: nothing is claimed. A cold boot never explains a resume. */
    assert_int_equal(
        whb_win_resume_explain(cold_boot, old_sleep, T_SUSPEND, T_NOW, detail, sizeof(detail)),
        WHB_RESUME_UNKNOWN);
    assert_string_equal(detail, "resumed");
    static const wchar_t cold_after[] = BOOT27(L"2026-11-26T07:58:41.2000000Z", L"0x0");
    assert_int_equal(
        whb_win_resume_explain(cold_after, NULL, T_SUSPEND, T_NOW, detail, sizeof(detail)),
        WHB_RESUME_UNKNOWN);
    /* Another event id in the buffer is not read as one of these. */
    assert_int_equal(whb_win_resume_explain(s3, hib27, T_SUSPEND, T_NOW, detail, sizeof(detail)),
                     WHB_RESUME_UNKNOWN);

    /* At PBT_APMSUSPEND: when this transition's 42 is already logged, the last gasp says
     * what it is, and a Fast Startup shutdown is announced as a shutdown. */
    const int64_t now = T_SUSPEND;
    assert_int_equal(whb_win_suspend_explain(hybrid42, now, detail, sizeof(detail)),
                     WHB_OS_SHUTDOWN);
    assert_non_null(strstr(detail, "Fast Startup"));
    assert_int_equal(whb_win_suspend_explain(hib42, now, detail, sizeof(detail)), WHB_OS_HIBERNATE);
    assert_int_equal(whb_win_suspend_explain(s3, now, detail, sizeof(detail)), WHB_OS_SUSPEND);
    assert_string_equal(detail, "going to sleep (S3, Kernel-Power event 42)");
    assert_int_equal(whb_win_suspend_explain(old_sleep, now, detail, sizeof(detail)),
                     WHB_OS_SUSPEND);
    assert_string_equal(detail, "going to sleep");
    assert_int_equal(whb_win_suspend_explain(NULL, now, detail, sizeof(detail)), WHB_OS_SUSPEND);
}

static struct whb_agent_event link_event(int kind, int64_t at, const char *detail, uint32_t code)
{
    struct whb_agent_event ev = {.kind = kind, .at_ms = at, .reason_code = code};
    snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
    snprintf(ev.adapter, sizeof(ev.adapter), "Wi-Fi");
    return ev;
}

/* GUID_CONSOLE_DISPLAY_STATE values as a laptop with Modern Standby sends them when the user
 * presses the power button, and again when it is pressed to wake up: the notice at
 * registration (on), dimmed, off; on. */
static void modern_standby_from_the_display_state(void **state)
{
    (void)state;
    struct whb_win_standby no = {.aoac = 0}, ms = {.aoac = 1};
    struct whb_agent_event ev, link;
    const int64_t t0 = T_SUSPEND;

    /* S3 machine: the display going off is only the display. */
    assert_int_equal(whb_win_standby_display(&no, 0, t0, &ev), 0);

    assert_int_equal(whb_win_standby_display(&ms, 1, t0 - 60000, &ev), 0);
    assert_int_equal(whb_win_standby_display(&ms, 2, t0 - 15000, &ev), 0);
    assert_int_equal(whb_win_standby_display(&ms, 0, t0, &ev), WHB_OS_SUSPEND);
    assert_int_equal(ev.kind, WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND);
    assert_int_equal(ev.reason_code, WHB_SUSPEND_STANDBY);
    assert_non_null(strstr(ev.detail, "Modern Standby"));
    assert_int_equal(whb_win_standby_display(&ms, 0, t0 + 1000, &ev), 0); /* a repeat */

    /* In standby the Wi-Fi goes by policy: not a flap. */
    link =
        link_event(WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, t0 + 5000, "carrier_changes 3", 0);
    assert_int_equal(whb_win_standby_mark(&ms, t0 + 5000, &link), 1);
    assert_int_equal(link.reason_code, WHB_LINK_BY_STANDBY);
    assert_string_equal(link.detail, "carrier_changes 3; by power policy while in standby");
    link = link_event(WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED, t0 + 6000,
                      "disconnected from ssid Corp: the connection was cancelled "
                      "(WLAN_REASON_CODE 0x38001)",
                      0x38001);
    assert_int_equal(whb_win_standby_mark(&ms, t0 + 6000, &link), 1);
    assert_int_equal(link.reason_code, WHB_LINK_BY_STANDBY);
    assert_non_null(strstr(link.detail, "0x38001)"));
    /* Address changes are not link events. */
    link = link_event(WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED, t0 + 7000, "no address", 0);
    assert_int_equal(whb_win_standby_mark(&ms, t0 + 7000, &link), 0);
    assert_int_equal(link.reason_code, 0);

    /* Power button again, 25 minutes later. */
    assert_int_equal(whb_win_standby_display(&ms, 1, t0 + 1500000, &ev), WHB_OS_RESUME);
    assert_int_equal(ev.kind, WHB__V1__EVENT_KIND__EVENT_KIND_RESUME);
    assert_int_equal(ev.reason_code, WHB_RESUME_STANDBY);
    assert_int_equal(ev.since_ms, t0);
    assert_string_equal(ev.detail, "left Modern Standby after 25 min 0 s (display on)");

    /* The reconnection right after is the standby's too; a loss minutes later is real. */
    link = link_event(WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED, t0 + 1508000, "866 Mb/s", 0);
    assert_int_equal(whb_win_standby_mark(&ms, t0 + 1508000, &link), 1);
    assert_non_null(strstr(link.detail, "while leaving standby"));
    link = link_event(WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, t0 + 1800000, "", 0);
    assert_int_equal(whb_win_standby_mark(&ms, t0 + 1800000, &link), 0);
    assert_int_equal(link.reason_code, 0);
    assert_string_equal(link.detail, "");
}

struct display_poster {
    struct whb_win_bridge *bridge;
    unsigned long display;
};

static DWORD WINAPI post_display(LPVOID arg)
{
    struct display_poster *p = arg;
    /* What the control handler does on PBT_POWERSETTINGCHANGE. */
    whb_win_bridge_display(p->bridge, p->display, 20000);
    return 0;
}

static int wait_for(struct whb_platform *plat, enum whb_os_event_kind kind,
                    struct whb_os_event *out)
{
    struct whb_os_event evs[4];
    for (int round = 0; round < 50; round++) {
        int n = 0;
        plat->ops->wait(plat, 200, evs, 4, &n);
        for (int i = 0; i < n; i++)
            if (evs[i].kind == kind) {
                *out = evs[i];
                return 1;
            }
    }
    return 0;
}

static void modern_standby_through_the_service_bridge(void **state)
{
    (void)state;
    struct whb_platform *plat;
    struct display_poster p = {whb_win_bridge_new(), 0};
    struct whb_platform_config cfg = {.state_dir = "C:\\whb-test",
                                      .fqdn = "pc-1.corp.example",
                                      .machine_id = "m-1",
                                      .service = p.bridge};
    struct whb_os_event got;
    whb_win_bridge_set_aoac(p.bridge, 1);
    assert_int_equal(whb_platform_windows.open(&cfg, &plat), 0);
    assert_non_null(plat->ops->annotate);

    /* Display off: the last gasp, and the handler holds the OS until it is out. */
    HANDLE t = CreateThread(NULL, 0, post_display, &p, 0, NULL);
    assert_true(wait_for(plat, WHB_OS_SUSPEND, &got));
    assert_int_equal(got.event.reason_code, WHB_SUSPEND_STANDBY);
    assert_int_equal(WaitForSingleObject(t, 300), WAIT_TIMEOUT);
    assert_int_equal(whb_win_bridge_in_standby(p.bridge), 1);
    plat->ops->power_done(plat, &got);
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);

    /* A carrier the core sees go meanwhile is marked by the backend. */
    struct whb_agent_event link =
        link_event(WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, 0, "carrier_changes 7", 0);
    plat->ops->annotate(plat, &link);
    assert_int_equal(link.reason_code, WHB_LINK_BY_STANDBY);

    /* Display on: the end of standby, without waiting. */
    whb_win_bridge_display(p.bridge, 1, 20000);
    assert_int_equal(whb_win_bridge_in_standby(p.bridge), 0);
    assert_true(wait_for(plat, WHB_OS_RESUME, &got));
    assert_int_equal(got.event.reason_code, WHB_RESUME_STANDBY);
    assert_non_null(strstr(got.event.detail, "left Modern Standby"));
    /* The core found the sleep by its clocks first and recorded a RESUME of its own: it gets
     * the backend's reason. */
    struct whb_agent_event resume = {.kind = WHB__V1__EVENT_KIND__EVENT_KIND_RESUME};
    snprintf(resume.detail, sizeof(resume.detail), "asleep for 3 s");
    plat->ops->annotate(plat, &resume);
    assert_int_equal(resume.reason_code, WHB_RESUME_STANDBY);
    assert_non_null(strstr(resume.detail, "left Modern Standby"));
    assert_non_null(strstr(resume.detail, "; asleep for 3 s"));

    plat->ops->close(plat);
    whb_win_bridge_free(p.bridge);
}

/* UNCLEAN_STOP as the core makes it from its run marker, last alive at `since`. */
static struct whb_agent_event unclean(uint32_t code, int64_t since)
{
    struct whb_agent_event ev = {.kind = WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP,
                                 .since_ms = since,
                                 .reason_code = code};
    snprintf(ev.detail, sizeof(ev.detail), "core's words");
    return ev;
}

static void unclean_stop_explained_by_the_system_log(void **state)
{
    (void)state;
    const int64_t alive = T_SUSPEND;
    struct whb_agent_event ev;
    /* The service control manager restarted the crashed agent (our recovery actions). */
    static const wchar_t e7031[] = EV_HEAD(
        SCM, L"7031", L" Qualifiers='49152'",
        L"2026-11-25T10:37:29."
        L"0000000"
        L"Z") L"<EventData><Data Name='param1'>wsus-heartbeat agent</Data><Data "
              L"Name='param2'>1</Data>"
              L"<Data Name='param3'>5000</Data><Data Name='param4'>1</Data>"
              L"<Data Name='param5'>Restart the service</Data>"
              L"<Binary>7700680062002D006100670065006E0074000000</Binary></EventData></Event>";
    static const wchar_t other7034[] = EV_HEAD(
        SCM, L"7034", L" Qualifiers='49152'",
        L"2026-11-25T10:40:00."
        L"0000000"
        L"Z") L"<EventData><Data Name='param1'>Print Spooler</Data><Data Name='param2'>2</Data>"
              L"<Binary>530070006F006F006C00650072000000</Binary></EventData></Event>";
    static const wchar_t our7034[] = EV_HEAD(
        SCM, L"7034", L" Qualifiers='49152'",
        L"2026-11-25T10:40:00."
        L"0000000"
        L"Z") L"<EventData><Data Name='param1'>wsus-heartbeat agent</Data><Data "
              L"Name='param2'>3</Data>"
              L"<Binary>7700680062002D006100670065006E0074000000</Binary></EventData></Event>";
#define POWER41(time, bug, button, asleep)                                                         \
    EV_HEAD(KERNEL_POWER, L"41", L"", time)                                                        \
    L"<EventData><Data Name='BugcheckCode'>" bug L"</Data>"                                        \
    L"<Data Name='BugcheckParameter1'>0x3</Data><Data Name='BugcheckParameter2'>0x0</Data>"        \
    L"<Data Name='BugcheckParameter3'>0x0</Data><Data Name='BugcheckParameter4'>0x0</Data>"        \
    L"<Data Name='SleepInProgress'>" asleep L"</Data><Data "                                       \
    L"Name='PowerButtonTimestamp'"                                                                 \
    L">" button L"</Data><Data "                                                                   \
    L"Name='BootAppStatus'>0</Data><Data "                                                         \
    L"Name='Checkpoint'>0</Data>"                                                                  \
    L"<Data Name='ConnectedStandbyInProgress'>false</Data>"                                        \
    L"<Data Name='SystemSleepTransitionsToOn'>0</Data><Data Name='CsEntryScenarioInstanceId'>0"    \
    L"</Data><Data Name='BugcheckInfoFromEFI'>false</Data><Data Name='CheckpointStatus'>0</Data>"  \
    L"</EventData></Event>"
    static const wchar_t bugcheck[] = POWER41(L"2026-11-25T10:41:02.0000000Z", L"159", L"0", L"0");
    static const wchar_t button[] =
        POWER41(L"2026-11-25T10:41:02.0000000Z", L"0", L"133456789012345678", L"0");
    static const wchar_t power_cut[] = POWER41(L"2026-11-25T10:41:02.0000000Z", L"0", L"0", L"4");
    static const wchar_t last_month[] = POWER41(L"2026-10-30T09:00:00.0000000Z", L"0", L"0", L"0");
    static const wchar_t e6008[] =
        EV_HEAD(L"EventLog", L"", L"6008", L" Qualifiers='32768'",
                L"2026-11-25T10:41:05.0000000Z") L"<EventData><Data>10:37:31 AM</Data><Data>\x200e"
                                                 L"11/\x200e"
                                                 L"25/\x200e"
                                                 L"2026</Data>"
                                                 L"<Data></Data><Data></Data><Data>48213</"
                                                 L"Data><Data></Data><Data></Data>"
                                                 L"<Binary>EA07</Binary></EventData></Event>";

    ev = unclean(1, alive);
    whb_win_unclean_explain(&ev, e7031, NULL, NULL);
    assert_int_equal(ev.reason_code, WHB_UNCLEAN_AGENT_DIED);
    assert_string_equal(ev.detail, "core's words; the agent crashed and the service control "
                                   "manager restarted it (event 7031: terminated unexpectedly, "
                                   "1 time(s); Restart the service after 5000 ms)");
    ev = unclean(1, alive);
    whb_win_unclean_explain(&ev, our7034, NULL, NULL);
    assert_int_equal(ev.reason_code, WHB_UNCLEAN_AGENT_DIED);
    assert_non_null(strstr(ev.detail, "event 7034"));
    assert_non_null(strstr(ev.detail, "3 time(s)"));

    /* Another service's crash, or ours before the gap, says nothing about this one. */
    ev = unclean(1, alive);
    whb_win_unclean_explain(&ev, other7034, NULL, NULL);
    assert_string_equal(ev.detail, "core's words");
    ev = unclean(1, alive + 3600000);
    whb_win_unclean_explain(&ev, e7031, NULL, NULL);
    assert_string_equal(ev.detail, "core's words");

    /* The previous boot ended badly: a stop error, the power button held, a power cut. */
    ev = unclean(2, alive);
    whb_win_unclean_explain(&ev, NULL, bugcheck, e6008);
    assert_int_equal(ev.reason_code, WHB_UNCLEAN_MACHINE);
    assert_non_null(strstr(ev.detail, "stop error (bug check 0x9f)"));
    ev = unclean(2, alive);
    whb_win_unclean_explain(&ev, NULL, button, NULL);
    assert_non_null(strstr(ev.detail, "power button was held"));
    ev = unclean(0, alive);
    whb_win_unclean_explain(&ev, NULL, power_cut, NULL);
    assert_int_equal(ev.reason_code, WHB_UNCLEAN_MACHINE);
    assert_non_null(
        strstr(ev.detail, "power was lost or the machine was reset while it was asleep"));
    /* Only 6008 (Kernel-Power 41 of an older incident). */
    ev = unclean(0, alive);
    whb_win_unclean_explain(&ev, NULL, last_month, e6008);
    assert_int_equal(ev.reason_code, WHB_UNCLEAN_MACHINE);
    assert_non_null(strstr(ev.detail, "previous shutdown at 10:37:31 AM on 11/25/2026 was "
                                      "unexpected (event 6008)"));
    /* Nothing of Windows' in the gap: the core's reason stands. */
    ev = unclean(2, alive);
    whb_win_unclean_explain(&ev, NULL, last_month, NULL);
    assert_int_equal(ev.reason_code, 2);
    assert_string_equal(ev.detail, "core's words");
}

struct agent_run {
    struct whb_agent *agent;
    int rc;
};

static DWORD WINAPI run_agent(LPVOID arg)
{
    struct agent_run *r = arg;
    r->rc = whb_agent_run(r->agent);
    return 0;
}

/* The agent's state directory holds files only (key, run, spool). */
static void remove_state_dir(const char *dir)
{
    char pattern[600], file[600];
    WIN32_FIND_DATAA f;
    snprintf(pattern, sizeof(pattern), "%s\\*", dir);
    HANDLE h = FindFirstFileA(pattern, &f);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            snprintf(file, sizeof(file), "%s\\%s", dir, f.cFileName);
            if (!(f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
                DeleteFileA(file);
        } while (FindNextFileA(h, &f));
        FindClose(h);
    }
    assert_true(RemoveDirectoryA(dir));
}

static const whb_event *spooled(whb_event **evs, int n, int kind)
{
    for (int i = 0; i < n; i++)
        if ((int)evs[i]->kind == kind)
            return evs[i];
    return NULL;
}

/* The real core with the Windows backend: a crashed previous run, a Modern Standby entered
 * and left through the service's display notifications, a stop. With no collector to take
 * them, the events wait in the spool, with the reason codes the engine reads. */
static void agent_spools_windows_reasons(void **state)
{
    (void)state;
    struct whb_agent_config cfg;
    struct whb_agent *a;
    struct whb_spool *sp;
    whb_event *evs[64];
    char why[256], path[600];
    int n = 0;
    whb_settings_defaults(&cfg);
    snprintf(cfg.state_dir, sizeof(cfg.state_dir), "C:\\whb-agent-test-%lu",
             (unsigned long)GetTickCount());
    snprintf(cfg.fqdn, sizeof(cfg.fqdn), "pc-1.corp.example");
    snprintf(cfg.machine_id, sizeof(cfg.machine_id), "m-1");
    snprintf(cfg.collector_url, sizeof(cfg.collector_url), "http://127.0.0.1:9/v1/report");
    cfg.allow_plain_http = 1;
    struct whb_win_bridge *b = whb_win_bridge_new();
    whb_win_bridge_set_aoac(b, 1);
    cfg.service = b;

    /* A first run that dies: opened, never stopped. */
    assert_int_equal(whb_agent_open(&cfg, &whb_platform_windows, &a, why, sizeof(why)), 0);
    whb_agent_close(a);

    assert_int_equal(whb_agent_open(&cfg, &whb_platform_windows, &a, why, sizeof(why)), 0);
    struct agent_run r = {a, -1};
    HANDLE t = CreateThread(NULL, 0, run_agent, &r, 0, NULL);
    whb_win_bridge_display(b, 0, 20000); /* returns once the last gasp is spooled */
    whb_win_bridge_display(b, 1, 0);
    /* A Fast Startup "Shut down" as the handler announces it when event 42 says so; the
     * service is hibernated, not stopped, and resumes at the next boot. */
    struct whb_os_event hybrid = {.kind = WHB_OS_SHUTDOWN};
    snprintf(hybrid.event.detail, sizeof(hybrid.event.detail), "shutting down (Fast Startup)");
    whb_win_bridge_post_event(b, &hybrid, 20000);
    whb_win_bridge_post(b, WHB_OS_RESUME, 0);
    whb_win_bridge_post(b, WHB_OS_STOP, 0);
    assert_int_equal(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(r.rc, 0);
    whb_agent_close(a);
    whb_win_bridge_free(b);

    snprintf(path, sizeof(path), "%s/spool", cfg.state_dir);
    assert_int_equal(whb_spool_open(path, cfg.spool_max, &sp), 0);
    assert_int_equal(whb_spool_peek(sp, evs, 64, &n), 0);
    const whb_event *unclean = spooled(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP);
    const whb_event *suspend = spooled(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND);
    const whb_event *resume = spooled(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_RESUME);
    assert_non_null(unclean);
    assert_int_equal(unclean->reason_code, WHB_UNCLEAN_AGENT_DIED);
    assert_non_null(suspend);
    assert_int_equal(suspend->reason_code, WHB_SUSPEND_STANDBY);
    assert_non_null(strstr(suspend->detail, "Modern Standby"));
    assert_non_null(resume);
    assert_int_equal(resume->reason_code, WHB_RESUME_STANDBY);
    assert_true(resume->seq > suspend->seq);
    const whb_event *shutdown = spooled(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN);
    assert_non_null(shutdown);
    assert_string_equal(shutdown->detail, "shutting down (Fast Startup)");
    /* The shutdown that came back is a resume from it, and the service's later stop is a
     * stop of its own, not part of that shutdown. */
    const whb_event *back = NULL;
    for (int i = 0; i < n; i++)
        if (evs[i]->kind == WHB__V1__EVENT_KIND__EVENT_KIND_RESUME && evs[i]->seq > shutdown->seq)
            back = evs[i];
    assert_non_null(back);
    assert_true(back->since_ms >= shutdown->at_ms && back->since_ms < shutdown->at_ms + 1000);
    const whb_event *stop = spooled(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_AGENT_STOP);
    assert_non_null(stop);
    assert_true(stop->seq > back->seq);
    for (int i = 0; i < n; i++)
        whb_wire_event_free(evs[i]);
    whb_spool_close(sp);
    remove_state_dir(cfg.state_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wlan_notifications_become_events),
        cmocka_unit_test(power_event_waits_for_the_last_gasp),
        cmocka_unit_test(late_power_done_touches_nothing_else),
        cmocka_unit_test(settings_come_from_group_policy),
        cmocka_unit_test(wlan_reasons_in_words),
        cmocka_unit_test(event_xml_fields),
        cmocka_unit_test(resume_after_fast_startup_hibernation_or_sleep),
        cmocka_unit_test(modern_standby_from_the_display_state),
        cmocka_unit_test(modern_standby_through_the_service_bridge),
        cmocka_unit_test(unclean_stop_explained_by_the_system_log),
        cmocka_unit_test(agent_spools_windows_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
