/* Which sleep the machine came back from. PBT_APMSUSPEND does not say; Windows records it in
 * the System log when the transition starts: Kernel-Power event 42, "The system is entering
 * sleep", with TargetState 4 for hibernation (S4) and 3/5/6 for sleep. Read on resume. */
#include <windows.h>
#include <winevt.h>
#include <stdio.h>
#include <string.h>

#include "sleepstate.h"

int whb_win_sleep_target_parse(const wchar_t *xml)
{
    static const wchar_t tag[] = L"<Data Name='TargetState'>";
    const wchar_t *p = xml ? wcsstr(xml, tag) : NULL;
    if (!p) {
        static const wchar_t tag2[] = L"<Data Name=\"TargetState\">";
        p = xml ? wcsstr(xml, tag2) : NULL;
        if (!p)
            return -1;
        p += sizeof(tag2) / sizeof(tag2[0]) - 1;
    } else {
        p += sizeof(tag) / sizeof(tag[0]) - 1;
    }
    int v = 0;
    if (*p < L'0' || *p > L'9')
        return -1;
    while (*p >= L'0' && *p <= L'9')
        v = v * 10 + (*p++ - L'0');
    return v;
}

int whb_win_last_sleep_target(void)
{
    EVT_HANDLE q = EvtQuery(NULL, L"System",
                            L"*[System[Provider[@Name='Microsoft-Windows-Kernel-Power'] and "
                            L"(EventID=42)]]",
                            EvtQueryChannelPath | EvtQueryReverseDirection);
    EVT_HANDLE ev = NULL;
    DWORD got = 0, used = 0, props = 0;
    int target = -1;
    if (!q)
        return -1;
    if (EvtNext(q, 1, &ev, 1000, 0, &got) && got == 1) {
        static wchar_t xml[8192];
        if (EvtRender(NULL, ev, EvtRenderEventXml, sizeof(xml), xml, &used, &props))
            target = whb_win_sleep_target_parse(xml);
        EvtClose(ev);
    }
    EvtClose(q);
    return target;
}
