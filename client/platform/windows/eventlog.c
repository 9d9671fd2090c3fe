/* Implementation of eventlog.h. EvtRender gives single quotes, exported .evtx/Get-WinEvent
 * XML double quotes; both are read. Values are copied bounded and never trusted as numbers
 * until parsed. */
#include <windows.h>
#include <winevt.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "error.h"
#include "eventlog.h"

int whb_win_eventlog_latest(const wchar_t *channel, const wchar_t *xpath, wchar_t *xml, size_t n)
{
    EVT_HANDLE q = EvtQuery(NULL, channel, xpath, EvtQueryChannelPath | EvtQueryReverseDirection);
    EVT_HANDLE ev = NULL;
    DWORD got = 0, used = 0, props = 0;
    int rc = WHB_ENOTFOUND;
    if (!q)
        return WHB_EIO;
    if (EvtNext(q, 1, &ev, 1000, 0, &got) && got == 1) {
        rc =
            EvtRender(NULL, ev, EvtRenderEventXml, (DWORD)(n * sizeof(wchar_t)), xml, &used, &props)
                ? 0
                : WHB_EIO;
        EvtClose(ev);
    }
    EvtClose(q);
    return rc;
}

/* Finds the text after <Data Name='name'> or <Data Name="name">. */
static const wchar_t *data_start(const wchar_t *xml, const wchar_t *name)
{
    wchar_t tag[96];
    if (!xml || !name)
        return NULL;
    for (int quote = 0; quote < 2; quote++) {
        const wchar_t q = quote ? L'"' : L'\'';
        swprintf(tag, sizeof(tag) / sizeof(tag[0]), L"<Data Name=%lc%ls%lc>", q, name, q);
        const wchar_t *p = wcsstr(xml, tag);
        if (p)
            return p + wcslen(tag);
    }
    return NULL;
}

int whb_win_xml_data(const wchar_t *xml, const wchar_t *name, char *out, size_t n)
{
    const wchar_t *p = data_start(xml, name);
    wchar_t buf[256];
    size_t len = 0;
    if (!p || n == 0)
        return -1;
    while (p[len] && p[len] != L'<' && len + 1 < sizeof(buf) / sizeof(buf[0])) {
        buf[len] = p[len];
        len++;
    }
    buf[len] = L'\0';
    if (!WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, (int)n, NULL, NULL))
        out[0] = '\0';
    return 0;
}

static long long parse_number(const wchar_t *p)
{
    long long v = 0;
    int digits = 0;
    if (p[0] == L'0' && (p[1] == L'x' || p[1] == L'X')) {
        for (p += 2; iswxdigit(*p) && digits < 16; p++, digits++)
            v = v * 16 + (iswdigit(*p) ? *p - L'0' : (towlower(*p) - L'a' + 10));
    } else {
        for (; iswdigit(*p) && digits < 18; p++, digits++)
            v = v * 10 + (*p - L'0');
    }
    return digits && (*p == L'<' || *p == L'\0') ? v : -1;
}

long long whb_win_xml_number(const wchar_t *xml, const wchar_t *name)
{
    const wchar_t *p = data_start(xml, name);
    return p ? parse_number(p) : -1;
}

int whb_win_xml_provider_is(const wchar_t *xml, const wchar_t *name)
{
    const wchar_t *p = xml ? wcsstr(xml, L"<Provider ") : NULL;
    const wchar_t *end = p ? wcschr(p, L'>') : NULL;
    size_t n = name ? wcslen(name) : 0;
    /* " Name=", not the end of EventSourceName= */
    if (!p || !end || !(p = wcsstr(p, L" Name=")) || p > end)
        return 0;
    p += 6;
    if (*p != L'\'' && *p != L'"')
        return 0;
    return wcsncmp(p + 1, name, n) == 0 && p[1 + n] == *p;
}

long whb_win_xml_event_id(const wchar_t *xml)
{
    const wchar_t *p = xml ? wcsstr(xml, L"<EventID") : NULL;
    if (!p || !(p = wcschr(p, L'>')))
        return -1;
    return (long)parse_number(p + 1);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t whb_win_xml_time_ms(const wchar_t *xml)
{
    const wchar_t *p = xml ? wcsstr(xml, L"SystemTime=") : NULL;
    int y, mo, d, h, mi, s;
    unsigned frac = 0;
    if (!p)
        return -1;
    p += wcslen(L"SystemTime=") + 1;
    if (swscanf(p, L"%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 || mo < 1 ||
        mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return -1;
    p += 19;
    if (*p == L'.') { /* up to 7 digits (100 ns); milliseconds are kept */
        int i = 0;
        for (p++; i < 3 && iswdigit(*p); p++, i++)
            frac = frac * 10 + (unsigned)(*p - L'0');
        for (; i < 3; i++)
            frac *= 10;
    }
    return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + frac;
}
