/* The Windows Update client's own logs: its events as EvtRender gives them, read into the
 * newest event of each id and update service. Which events, with which fields, is the
 * provider's manifest (Microsoft-Windows-WindowsUpdateClient, wuaueng.dll): 25 "Windows
 * Update failed to check for updates with error %1" (errorCode, serviceGuid) and 26 "...
 * successfully found %1 updates" (updateCount, serviceGuid) in the Operational channel; 16
 * "Unable to Connect", 20 "Installation Failure" (errorCode, updateTitle ...), 21 "Restart
 * Required ... Until this computer has been restarted, Windows cannot search for or download
 * new updates", 32 "cannot connect to the server %1" and 33 proxy credentials (serverName)
 * in System. Version 0 of 20/25/26 has no serviceGuid. */
#include <windows.h>
#include <winevt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "eventlog.h"
#include "text.h"
#include "update_client.h"
#include "wu_client.h"
#include "wu_log.h"

#define PROVIDER   L"Microsoft-Windows-WindowsUpdateClient"
#define XML_CHARS  8192
#define NEXT_BATCH 16

const wchar_t whb_win_wu_operational[] = PROVIDER L"/Operational";
const wchar_t whb_win_wu_query_operational[] =
    L"*[System[Provider[@Name='" PROVIDER L"'] and (EventID=25 or EventID=26)]]";
const wchar_t whb_win_wu_query_system[] =
    L"*[System[Provider[@Name='" PROVIDER L"'] and (EventID=16 or EventID=20 or EventID=21 or "
    L"EventID=32 or EventID=33)]]";

/* A field as UTF-8, cut at a character boundary to fit the state's detail. */
static void field_text(const wchar_t *xml, const wchar_t *name, char *out, size_t n)
{
    char wide[WHB_WU_DETAIL_LEN * 4];
    out[0] = '\0';
    if (whb_win_xml_data(xml, name, wide, sizeof(wide)) == 0)
        whb_text_clean(out, n, wide, sizeof(wide));
}

int whb_win_wu_apply_xml(struct whb_wu_state *st, const wchar_t *xml)
{
    struct whb_wu_log_event ev;
    long id = whb_win_xml_event_id(xml);
    memset(&ev, 0, sizeof(ev));
    if (!whb_win_xml_provider_is(xml, PROVIDER) || id <= 0 || !whb_wu_event_kind((uint32_t)id))
        return -1;
    ev.event_id = (uint32_t)id;
    if ((ev.at_ms = whb_win_xml_time_ms(xml)) < 0)
        return -1;
    long long code = whb_win_xml_number(xml, L"errorCode");
    ev.error_code = code > 0 && code <= 0xffffffffLL ? (uint32_t)code : 0;
    field_text(xml, L"serviceGuid", ev.service_id, sizeof(ev.service_id));
    switch (id) {
    case WHB_WU_EV_SCAN_OK:
        field_text(xml, L"updateCount", ev.detail, sizeof(ev.detail));
        break;
    case WHB_WU_EV_INSTALL_FAILED:
        field_text(xml, L"updateTitle", ev.detail, sizeof(ev.detail));
        break;
    case WHB_WU_EV_CANNOT_CONNECT:
    case WHB_WU_EV_PROXY_AUTH:
        field_text(xml, L"serverName", ev.detail, sizeof(ev.detail));
        break;
    default:
        break;
    }
    return whb_wu_log_put(st, &ev);
}

int whb_win_wu_restart_pending(const struct whb_wu_state *st, int64_t boot_ms)
{
    for (int i = 0; i < st->n_log; i++)
        if (st->log[i].event_id == WHB_WU_EV_RESTART_REQUIRED && st->log[i].at_ms > boot_ms)
            return 1;
    return 0;
}

/* Renders and applies what EvtNext gives from a query or a subscription, at most max. */
static int apply_next(EVT_HANDLE h, struct whb_wu_state *st, int max, int *changed)
{
    wchar_t *xml = malloc(XML_CHARS * sizeof(wchar_t));
    EVT_HANDLE evs[NEXT_BATCH];
    DWORD got = 0;
    int seen = 0;
    if (!xml)
        return WHB_ENOMEM;
    while (seen < max && EvtNext(h, NEXT_BATCH, evs, 0, 0, &got) && got > 0) {
        for (DWORD i = 0; i < got; i++) {
            DWORD used = 0, props = 0;
            if (EvtRender(NULL, evs[i], EvtRenderEventXml, XML_CHARS * sizeof(wchar_t), xml, &used,
                          &props) &&
                whb_win_wu_apply_xml(st, xml) == 1)
                *changed = 1;
            EvtClose(evs[i]);
        }
        seen += (int)got;
    }
    free(xml);
    return 0;
}

int whb_win_wu_log_query(const wchar_t *channel, const wchar_t *query, int max,
                         struct whb_wu_state *st, int *changed)
{
    /* Newest first: the first of each id and service is the one kept. */
    EVT_HANDLE q = EvtQuery(NULL, channel, query, EvtQueryChannelPath | EvtQueryReverseDirection);
    if (!q)
        return WHB_EIO;
    int rc = apply_next(q, st, max, changed);
    EvtClose(q);
    return rc;
}

EVT_HANDLE whb_win_wu_log_subscribe(const wchar_t *channel, const wchar_t *query, HANDLE signal)
{
    return EvtSubscribe(NULL, signal, channel, query, NULL, NULL, NULL, EvtSubscribeToFutureEvents);
}

int whb_win_wu_log_drain(EVT_HANDLE sub, HANDLE signal, struct whb_wu_state *st, int *changed)
{
    /* The signal stays set until EvtNext has nothing more (the pull model's contract). */
    int rc = apply_next(sub, st, 256, changed);
    if (GetLastError() == ERROR_NO_MORE_ITEMS)
        ResetEvent(signal);
    return rc;
}

int whb_win_wu_file_read(const char *path, int64_t *offset, struct whb_wu_state *st, int *changed)
{
    char *line = malloc(XML_CHARS * 3);
    wchar_t *xml = malloc(XML_CHARS * sizeof(wchar_t));
    FILE *f = fopen(path, "rb");
    int rc = WHB_EIO;
    if (!line || !xml || !f)
        goto done;
    if (_fseeki64(f, 0, SEEK_END) || _ftelli64(f) < *offset)
        *offset = 0; /* a new file: read it from the start */
    if (_fseeki64(f, *offset, SEEK_SET))
        goto done;
    /* Only whole lines: a writer may be half-way through the last one. */
    while (fgets(line, XML_CHARS * 3, f)) {
        size_t n = strlen(line);
        if (n == 0)
            break;
        if (line[n - 1] != '\n') {
            if (n + 1 < XML_CHARS * 3)
                break;
            /* Longer than any event: skipped whole, not read again and again. */
            int c;
            int64_t skipped = (int64_t)n;
            while ((c = fgetc(f)) != EOF && c != '\n')
                skipped++;
            if (c == EOF)
                break;
            *offset += skipped + 1;
            continue;
        }
        *offset += (int64_t)n;
        line[--n] = '\0';
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (MultiByteToWideChar(CP_UTF8, 0, line, -1, xml, XML_CHARS) &&
            whb_win_wu_apply_xml(st, xml) == 1)
            *changed = 1;
    }
    rc = 0;
done:
    if (f)
        fclose(f);
    free(line);
    free(xml);
    return rc;
}
