/* Implementation of services.h: the service control manager, asked read-only. */
#include "services.h"

#include <windows.h>

#include "error.h"

int whb_win_update_service_running(int *running)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, L"wuauserv", SERVICE_QUERY_STATUS) : NULL;
    SERVICE_STATUS_PROCESS st;
    DWORD n;
    int rc = WHB_ENOTFOUND;
    if (svc && QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof(st), &n)) {
        *running = st.dwCurrentState == SERVICE_RUNNING;
        rc = 0;
    }
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
    return rc;
}

void whb_win_service_start(const wchar_t *name, enum whb_start_type *type, int *running)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc =
        scm ? OpenServiceW(scm, name, SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS) : NULL;
    union {
        QUERY_SERVICE_CONFIGW config;
        BYTE bytes[8192];
    } buf;
    SERVICE_DELAYED_AUTO_START_INFO delayed = {0};
    SERVICE_STATUS_PROCESS st;
    DWORD n;
    *type = WHB_START_UNKNOWN;
    *running = 0;
    if (!svc) {
        if (scm && GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST)
            *type = WHB_START_NOT_INSTALLED;
        goto done;
    }
    if (QueryServiceConfigW(svc, &buf.config, sizeof(buf), &n)) {
        switch (buf.config.dwStartType) {
        case SERVICE_BOOT_START:
        case SERVICE_SYSTEM_START:
            *type = WHB_START_SYSTEM;
            break;
        case SERVICE_AUTO_START:
            /* Not every system answers the delayed-start question (wine does not). */
            *type = QueryServiceConfig2W(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                                         (LPBYTE)&delayed, sizeof(delayed), &n) &&
                            delayed.fDelayedAutostart
                        ? WHB_START_AUTO_DELAYED
                        : WHB_START_AUTO;
            break;
        case SERVICE_DEMAND_START:
            *type = WHB_START_MANUAL;
            break;
        case SERVICE_DISABLED:
            *type = WHB_START_DISABLED;
            break;
        default:
            break;
        }
    }
    if (QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof(st), &n))
        *running = st.dwCurrentState == SERVICE_RUNNING;
done:
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}
