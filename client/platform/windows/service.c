/* The Windows service: the control handler accepts stop, pre-shutdown and power events (and
 * the console display state, which marks Modern Standby) and hands them to the agent through
 * the bridge, waiting (bounded) for the last gasp. When not started by the service control
 * manager the agent runs in the console instead. Also: Group Policy settings, the Event Log,
 * the Windows Update service state. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "settings.h"
#include "bridge.h"
#include "clock.h"
#include "powerstate.h"
#include "winservice.h"

#define SERVICE_NAME L"whb-agent"
/* Windows gives a suspending system about two seconds; keep a margin. */
#define SUSPEND_WAIT_MS  1800
#define SHUTDOWN_WAIT_MS 5000

struct service {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    struct whb_win_bridge *bridge;
    HPOWERNOTIFY display; /* GUID_CONSOLE_DISPLAY_STATE, else GUID_MONITOR_POWER_ON */
    int (*body)(void *bridge, void *ctx);
    void *ctx;
    int rc;
};

/* The dispatcher calls ServiceMain without a context: this is where it finds ours. */
static struct service *the_service;

static void report(struct service *s, DWORD state)
{
    s->status.dwCurrentState = state;
    s->status.dwControlsAccepted =
        state == SERVICE_RUNNING
            ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_POWEREVENT
            : 0;
    SetServiceStatus(s->handle, &s->status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct service *s = ctx;
    switch (control) {
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    case SERVICE_CONTROL_STOP:
        report(s, SERVICE_STOP_PENDING);
        whb_win_bridge_post(s->bridge, WHB_OS_STOP, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_PRESHUTDOWN:
        report(s, SERVICE_STOP_PENDING);
        whb_win_bridge_post(s->bridge, WHB_OS_SHUTDOWN, SHUTDOWN_WAIT_MS);
        whb_win_bridge_post(s->bridge, WHB_OS_STOP, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_POWEREVENT:
        /* PBT_APMSUSPEND does not say sleep or hibernate: the System log does, at once when
         * its event is there, else on resume. In Modern Standby the display already gave the
         * last gasp and will give the end: PBT_APMSUSPEND comes late or not at all there, and
         * a wake in standby (PBT_APMRESUMEAUTOMATIC) is not its end. */
        if (type == PBT_POWERSETTINGCHANGE && data) {
            const POWERBROADCAST_SETTING *ps = data;
            if (ps->DataLength >= sizeof(DWORD) &&
                (IsEqualGUID(&ps->PowerSetting, &GUID_CONSOLE_DISPLAY_STATE) ||
                 IsEqualGUID(&ps->PowerSetting, &GUID_MONITOR_POWER_ON)))
                whb_win_bridge_display(s->bridge, *(const DWORD *)ps->Data, SUSPEND_WAIT_MS);
        } else if (whb_win_bridge_in_standby(s->bridge)) {
            break;
        } else if (type == PBT_APMSUSPEND) {
            /* This transition's Kernel-Power 42, when already logged, tells sleep from
             * hibernation from a Fast Startup shutdown (then the last gasp is a shutdown). */
            struct whb_os_event ev = {0};
            ev.kind = whb_win_suspend_from_log(whb_clock_wall_ms(), ev.event.detail,
                                               sizeof(ev.event.detail));
            whb_win_bridge_post_event(s->bridge, &ev, SUSPEND_WAIT_MS);
        } else if (type == PBT_APMRESUMEAUTOMATIC || type == PBT_APMRESUMESUSPEND) {
            whb_win_bridge_post(s->bridge, WHB_OS_RESUME, 0);
        }
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    return NO_ERROR;
}

/* Restart on failure (5 s, 30 s, then every 60 s): recovery actions that wixl's MSI tables
 * cannot express, so the service sets them on itself. */
static void set_recovery(void)
{
    SC_ACTION actions[3] = {
        {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_RESTART, 60000}};
    SERVICE_FAILURE_ACTIONSW fa = {.dwResetPeriod = 86400, .cActions = 3, .lpsaActions = actions};
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc =
        scm ? OpenServiceW(scm, SERVICE_NAME, SERVICE_CHANGE_CONFIG | SERVICE_START) : NULL;
    if (!svc || !ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
        whb_log_warnx("could not set the service's recovery actions");
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

static VOID WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    struct service *s = the_service;
    (void)argc;
    (void)argv;
    s->handle = RegisterServiceCtrlHandlerExW(SERVICE_NAME, handler, s);
    if (!s->handle) {
        s->rc = 1;
        return;
    }
    s->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s->status.dwWaitHint = 10000;
    report(s, SERVICE_RUNNING);
    set_recovery();
    /* The display state is the start of Modern Standby (Windows 8 and later); the monitor
     * notification is the older spelling of the same. The first notice is the current state. */
    s->display = RegisterPowerSettingNotification(s->handle, &GUID_CONSOLE_DISPLAY_STATE,
                                                  DEVICE_NOTIFY_SERVICE_HANDLE);
    if (!s->display)
        s->display = RegisterPowerSettingNotification(s->handle, &GUID_MONITOR_POWER_ON,
                                                      DEVICE_NOTIFY_SERVICE_HANDLE);
    if (!s->display)
        whb_log_warnx("display state notifications unavailable: Modern Standby is seen late");
    s->rc = s->body(s->bridge, s->ctx);
    if (s->display)
        UnregisterPowerSettingNotification(s->display);
    s->status.dwWin32ExitCode = s->rc ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
    s->status.dwServiceSpecificExitCode = (DWORD)s->rc;
    report(s, SERVICE_STOPPED);
}

int whb_win_service_run(int (*body)(void *bridge, void *ctx), void *ctx, int *rc)
{
    static SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)SERVICE_NAME, service_main}, {NULL, NULL}};
    struct service s = {.body = body, .ctx = ctx};
    s.bridge = whb_win_bridge_new();
    if (!s.bridge)
        return WHB_ENOMEM;
    the_service = &s;
    BOOL ok = StartServiceCtrlDispatcherW(table);
    DWORD err = GetLastError();
    the_service = NULL;
    whb_win_bridge_free(s.bridge);
    if (!ok)
        return err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT ? WHB_EUNSUPPORTED : WHB_EIO;
    *rc = s.rc;
    return 0;
}

static HANDLE event_source;

static void eventlog_sink(enum whb_log_level level, const char *line)
{
    static const WORD types[] = {EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE,
                                 EVENTLOG_INFORMATION_TYPE, EVENTLOG_INFORMATION_TYPE};
    wchar_t w[1024];
    LPCWSTR strings[1] = {w};
    if (!event_source)
        return;
    MultiByteToWideChar(CP_UTF8, 0, line, -1, w, 1024);
    ReportEventW(event_source, types[level], 0, 1000 + (DWORD)level, NULL, 1, 0, strings, NULL);
}

void whb_win_eventlog_open(void)
{
    event_source = RegisterEventSourceW(NULL, SERVICE_NAME);
    if (event_source)
        whb_log_set_sink(eventlog_sink);
}
