/* Implementation of powerstate.h. Which events Windows writes, and what they mean:
 * - Kernel-Boot 27 "The boot type was 0x%1" at every boot and every resume from S4:
 *   0x0 cold boot after a full shutdown, 0x1 hybrid boot (Fast Startup), 0x2 resume from
 *   hibernation. A resume cannot be a cold boot, so 0x0 (an older boot's event) is ignored.
 * - Kernel-Power 42 "The system is entering sleep" when a sleep starts. TargetState and
 *   EffectiveState are SYSTEM_POWER_STATE values (winnt.h): 2..4 = S1..S3, 5 = hibernate (S4),
 *   6 = shutdown (S5). A Fast Startup shutdown is a hibernation whose effective state is S5,
 *   as SYSTEM_POWER_STATE_CONTEXT documents for drivers (TargetSystemState S4, Effective S5).
 * - Kernel-Power 41 at the boot after one that ended without a clean shutdown, with the bug
 *   check code of a stop error, or the time the power button was held.
 * - EventLog 6008 "The previous system shutdown at %1 on %2 was unexpected."
 * - Service Control Manager 7031/7034: a service "terminated unexpectedly"; 7031 when a
 *   recovery action (our restart) follows. param1 is the service's display name. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "eventlog.h"
#include "platform/platform.h"
#include "powerstate.h"
#include "whb.pb-c.h"

/* The DisplayName in installer/windows/whb-agent.wxs: event 7031 names services by it. */
#define SERVICE_DISPLAY_NAME   "wsus-heartbeat agent"
#define SERVICE_DISPLAY_NAME_W L"wsus-heartbeat agent"
#define CLOCK_SLACK_MS         60000  /* RTC corrections around a boot */
#define SLEEP_EVENT_BEFORE     120000 /* Kernel-Power 42 precedes PBT_APMSUSPEND by this at most */
#define RESUME_EVENT_AGE       600000 /* unknown suspend: a 27 older than this is not ours */
#define XML_CHARS              8192

uint32_t whb_win_resume_explain(const wchar_t *boot27, const wchar_t *kp42, int64_t suspend_ms,
                                int64_t now_ms, char *detail, size_t n)
{
    long long boot = -1, target = -1, effective = -1;
    /* Event 27 is written by this very boot or resume: after the suspend, or lately. */
    int64_t boot_after = suspend_ms > 0 ? suspend_ms - CLOCK_SLACK_MS : now_ms - RESUME_EVENT_AGE;
    if (boot27 && whb_win_xml_event_id(boot27) == 27 && whb_win_xml_time_ms(boot27) >= boot_after)
        boot = whb_win_xml_number(boot27, L"BootType");
    if (kp42 && whb_win_xml_event_id(kp42) == 42) {
        int64_t t = whb_win_xml_time_ms(kp42);
        if (suspend_ms <= 0 ||
            (t >= suspend_ms - SLEEP_EVENT_BEFORE && t <= suspend_ms + CLOCK_SLACK_MS)) {
            target = whb_win_xml_number(kp42, L"TargetState");
            effective = whb_win_xml_number(kp42, L"EffectiveState");
        }
    }
    if (boot == 1) {
        snprintf(detail, n,
                 "started after a Fast Startup shutdown (hybrid boot: Windows kept the kernel "
                 "session on disk; Kernel-Boot event 27, boot type 0x1)");
        return WHB_RESUME_HYBRID_BOOT;
    }
    if (boot == 2) {
        snprintf(detail, n, "resumed from hibernation (Kernel-Boot event 27, boot type 0x2)");
        return WHB_RESUME_HIBERNATION;
    }
    if (target == PowerSystemHibernate && effective == PowerSystemShutdown) {
        snprintf(detail, n,
                 "started after a Fast Startup shutdown (Kernel-Power event 42: hibernation "
                 "with the effective state of a shutdown)");
        return WHB_RESUME_HYBRID_BOOT;
    }
    if (target == PowerSystemHibernate) {
        snprintf(detail, n, "resumed from hibernation (S4, Kernel-Power event 42)");
        return WHB_RESUME_HIBERNATION;
    }
    if (target >= PowerSystemSleeping1 && target <= PowerSystemSleeping3) {
        snprintf(detail, n, "resumed from sleep (S%lld, Kernel-Power event 42)", target - 1);
        return WHB_RESUME_SLEEP;
    }
    snprintf(detail, n, "resumed");
    return WHB_RESUME_UNKNOWN;
}

int whb_win_suspend_explain(const wchar_t *kp42, int64_t now_ms, char *detail, size_t n)
{
    int64_t t = kp42 ? whb_win_xml_time_ms(kp42) : -1;
    long long target = -1, effective = -1;
    /* Only this transition's event: written just before the services hear of it. */
    if (kp42 && whb_win_xml_event_id(kp42) == 42 && t >= now_ms - SLEEP_EVENT_BEFORE &&
        t <= now_ms + CLOCK_SLACK_MS) {
        target = whb_win_xml_number(kp42, L"TargetState");
        effective = whb_win_xml_number(kp42, L"EffectiveState");
    }
    if (target == PowerSystemHibernate && effective == PowerSystemShutdown) {
        snprintf(detail, n,
                 "shutting down (Fast Startup: Windows hibernates its kernel session; "
                 "Kernel-Power event 42, effective state S5)");
        return WHB_OS_SHUTDOWN;
    }
    if (target == PowerSystemHibernate) {
        snprintf(detail, n, "going to hibernate (S4, Kernel-Power event 42)");
        return WHB_OS_HIBERNATE;
    }
    if (target >= PowerSystemSleeping1 && target <= PowerSystemSleeping3)
        snprintf(detail, n, "going to sleep (S%lld, Kernel-Power event 42)", target - 1);
    else
        snprintf(detail, n, "going to sleep");
    return WHB_OS_SUSPEND;
}

int whb_win_standby_display(struct whb_win_standby *s, unsigned long display, int64_t now_ms,
                            struct whb_agent_event *ev)
{
    char dur[32];
    if (!s->aoac)
        return 0;
    memset(ev, 0, sizeof(*ev));
    ev->at_ms = now_ms;
    if (display == 0 && !s->in_standby) {
        s->in_standby = 1;
        s->entered_ms = now_ms;
        ev->kind = WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND;
        ev->reason_code = WHB_SUSPEND_STANDBY;
        snprintf(ev->detail, sizeof(ev->detail),
                 "entering Modern Standby (display off, S0 low power idle)");
        return WHB_OS_SUSPEND;
    }
    if (display == 1 && s->in_standby) {
        s->in_standby = 0;
        s->left_ms = now_ms;
        whb_clock_format_duration(now_ms - s->entered_ms, dur, sizeof(dur));
        ev->kind = WHB__V1__EVENT_KIND__EVENT_KIND_RESUME;
        ev->reason_code = WHB_RESUME_STANDBY;
        ev->since_ms = s->entered_ms;
        snprintf(ev->detail, sizeof(ev->detail), "left Modern Standby after %s (display on)", dur);
        return WHB_OS_RESUME;
    }
    return 0; /* dimmed, or a repeat of the state we know */
}

int whb_win_standby_mark(const struct whb_win_standby *s, int64_t now_ms,
                         struct whb_agent_event *ev)
{
    const char *why;
    size_t used;
    if (ev->kind != WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST &&
        ev->kind != WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED &&
        ev->kind != WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED)
        return 0;
    if (s->in_standby)
        why = "by power policy while in standby";
    else if (s->left_ms && now_ms >= s->left_ms && now_ms - s->left_ms <= WHB_STANDBY_SETTLE_MS)
        why = "by power policy while leaving standby";
    else
        return 0;
    /* A WLAN reason code gives way to the standby mark; its words stay in the detail. */
    ev->reason_code = WHB_LINK_BY_STANDBY;
    used = strlen(ev->detail);
    snprintf(ev->detail + used, sizeof(ev->detail) - used, "%s%s", used ? "; " : "", why);
    return 1;
}

/* The n-th <Data> of a classic event (EventLog 6008 names none of its fields), as UTF-8. */
static void nth_data(const wchar_t *xml, int nth, char *out, size_t n)
{
    const wchar_t *p = xml ? wcsstr(xml, L"<EventData>") : NULL;
    wchar_t buf[128];
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; p && i <= nth; i++)
        p = wcsstr(p + 1, L"<Data");
    if (!p || !(p = wcschr(p, L'>')) || p[-1] == L'/')
        return;
    for (p++; *p && *p != L'<' && len + 1 < sizeof(buf) / sizeof(buf[0]); p++)
        if (*p != 0x200e) /* the left-to-right marks Windows puts in dates */
            buf[len++] = *p;
    buf[len] = L'\0';
    if (!WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, (int)n, NULL, NULL))
        out[0] = '\0';
}

/* An event that belongs to the gap that began when the agent was last known alive. */
static int in_gap(const wchar_t *xml, long id_a, long id_b, int64_t since_ms)
{
    long id = xml ? whb_win_xml_event_id(xml) : -1;
    int64_t t = xml ? whb_win_xml_time_ms(xml) : -1;
    return (id == id_a || id == id_b) && t >= 0 && (since_ms <= 0 || t >= since_ms);
}

void whb_win_unclean_explain(struct whb_agent_event *ev, const wchar_t *scm, const wchar_t *kp41,
                             const wchar_t *ev6008)
{
    char extra[200], a[96] = "", b[96] = "", c[32] = "";
    if (in_gap(scm, 7031, 7034, ev->since_ms) &&
        whb_win_xml_data(scm, L"param1", a, sizeof(a)) == 0 &&
        strcmp(a, SERVICE_DISPLAY_NAME) == 0) {
        whb_win_xml_data(scm, L"param2", b, sizeof(b));
        ev->reason_code = WHB_UNCLEAN_AGENT_DIED;
        if (whb_win_xml_event_id(scm) == 7031) {
            whb_win_xml_data(scm, L"param3", c, sizeof(c));
            whb_win_xml_data(scm, L"param5", a, sizeof(a));
            snprintf(extra, sizeof(extra),
                     "the agent crashed and the service control manager restarted it (event "
                     "7031: terminated unexpectedly, %s time(s); %.40s after %s ms)",
                     b, a, c);
        } else {
            snprintf(extra, sizeof(extra),
                     "the agent crashed (service control manager event 7034: terminated "
                     "unexpectedly, %s time(s))",
                     b);
        }
    } else if (in_gap(kp41, 41, 41, ev->since_ms)) {
        long long bug = whb_win_xml_number(kp41, L"BugcheckCode");
        long long button = whb_win_xml_number(kp41, L"PowerButtonTimestamp");
        long long asleep = whb_win_xml_number(kp41, L"SleepInProgress");
        ev->reason_code = WHB_UNCLEAN_MACHINE;
        if (bug > 0)
            snprintf(extra, sizeof(extra),
                     "Windows stopped with a stop error (bug check 0x%llx) and restarted "
                     "(Kernel-Power event 41)",
                     bug);
        else if (button > 0)
            snprintf(extra, sizeof(extra),
                     "the power button was held to turn the machine off (Kernel-Power event 41)");
        else
            snprintf(extra, sizeof(extra),
                     "power was lost or the machine was reset%s (Kernel-Power event 41)",
                     asleep > 0 ? " while it was asleep" : "");
    } else if (in_gap(ev6008, 6008, 6008, ev->since_ms)) {
        nth_data(ev6008, 0, a, sizeof(a));
        nth_data(ev6008, 1, b, sizeof(b));
        ev->reason_code = WHB_UNCLEAN_MACHINE;
        snprintf(extra, sizeof(extra),
                 "Windows recorded that the previous shutdown at %.30s on %.30s was unexpected "
                 "(event 6008)",
                 a, b);
    } else {
        return;
    }
    size_t used = strlen(ev->detail);
    snprintf(ev->detail + used, sizeof(ev->detail) - used, "%s%s", used ? "; " : "", extra);
}

static wchar_t *latest(const wchar_t *xpath)
{
    wchar_t *xml = malloc(XML_CHARS * sizeof(wchar_t));
    if (xml && whb_win_eventlog_latest(L"System", xpath, xml, XML_CHARS) == 0)
        return xml;
    free(xml);
    return NULL;
}

uint32_t whb_win_resume_from_log(int64_t suspend_ms, char *detail, size_t n)
{
    wchar_t *b27 = latest(L"*[System[Provider[@Name='Microsoft-Windows-Kernel-Boot'] and "
                          L"(EventID=27)]]");
    wchar_t *k42 = latest(L"*[System[Provider[@Name='Microsoft-Windows-Kernel-Power'] and "
                          L"(EventID=42)]]");
    uint32_t reason = whb_win_resume_explain(b27, k42, suspend_ms, whb_clock_wall_ms(), detail, n);
    free(b27);
    free(k42);
    return reason;
}

int whb_win_suspend_from_log(int64_t now_ms, char *detail, size_t n)
{
    wchar_t *k42 = latest(L"*[System[Provider[@Name='Microsoft-Windows-Kernel-Power'] and "
                          L"(EventID=42)]]");
    int kind = whb_win_suspend_explain(k42, now_ms, detail, n);
    free(k42);
    return kind;
}

void whb_win_unclean_from_log(struct whb_agent_event *ev)
{
    wchar_t *scm = latest(L"*[System[Provider[@Name='Service Control Manager'] and "
                          L"(EventID=7031 or EventID=7034)]] and "
                          L"*[EventData[Data[@Name='param1']='" SERVICE_DISPLAY_NAME_W L"']]");
    wchar_t *kp41 = latest(L"*[System[Provider[@Name='Microsoft-Windows-Kernel-Power'] and "
                           L"(EventID=41)]]");
    wchar_t *e6008 = latest(L"*[System[Provider[@Name='EventLog'] and (EventID=6008)]]");
    whb_win_unclean_explain(ev, scm, kp41, e6008);
    free(scm);
    free(kp41);
    free(e6008);
}
