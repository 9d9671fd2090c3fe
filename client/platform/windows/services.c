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
