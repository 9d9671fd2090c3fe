/* Implementation of wu_client.h: the state read once, then kept current. A policy or
 * identity change, or a service's new start type, is noticed through registry notifications,
 * a new event of the client's logs through a subscription; PolicyState and MDM (whose keys
 * change for other reasons all the time) by a look every few minutes. The agent never writes any of
 * it. */
#include <windows.h>
#include <winevt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "wu_client.h"
#include "wu_log.h"

#define LOOK_EVERY_MS 300000 /* registry, PolicyState, MDM, services */
#define FILE_EVERY_MS 2000   /* a recorded events file (tests) */
#define QUERY_MAX     128    /* newest events read per channel at start */

/* Keys whose changes are watched; the first that exists of each list (the policy key may
 * not exist yet: then a parent, so that its creation is seen). The service control manager
 * keeps a service's start type in its key's Start value. */
#define SERVICES L"SYSTEM\\CurrentControlSet\\Services\\"
static const wchar_t *const watched[][4] = {
    {L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate",
     L"SOFTWARE\\Policies\\Microsoft\\Windows", L"SOFTWARE\\Policies\\Microsoft",
     L"SOFTWARE\\Policies"},
    {L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate", NULL, NULL, NULL},
    {SERVICES L"wuauserv", NULL, NULL, NULL},
    {SERVICES L"BITS", NULL, NULL, NULL},
    {SERVICES L"UsoSvc", NULL, NULL, NULL},
    {SERVICES L"CryptSvc", NULL, NULL, NULL},
};
#define N_KEYS (int)(sizeof(watched) / sizeof(watched[0]))
#define N_SUBS 2

struct whb_win_wu {
    struct whb_wu_state st;
    char events_file[512]; /* empty: the event log */
    int64_t file_offset;
    HKEY keys[N_KEYS];
    HANDLE key_events[N_KEYS];
    EVT_HANDLE subs[N_SUBS];
    HANDLE sub_events[N_SUBS];
    ULONGLONG next_look, next_file;
};

static void arm(struct whb_win_wu *w, int i)
{
    /* Asynchronous: the event is set on the next change, once; armed again after each. */
    if (w->keys[i] && RegNotifyChangeKeyValue(w->keys[i], TRUE,
                                              REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET,
                                              w->key_events[i], TRUE) != ERROR_SUCCESS) {
        RegCloseKey(w->keys[i]);
        w->keys[i] = NULL;
    }
}

static void watch_keys(struct whb_win_wu *w)
{
    for (int i = 0; i < N_KEYS; i++) {
        for (int k = 0; k < 4 && watched[i][k] && !w->keys[i]; k++)
            if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, watched[i][k], 0, KEY_NOTIFY, &w->keys[i]) !=
                ERROR_SUCCESS)
                w->keys[i] = NULL;
        /* Manual reset: the agent's wait must not consume what whb_win_wu_poll looks at. */
        if (w->keys[i] && !(w->key_events[i] = CreateEventW(NULL, TRUE, FALSE, NULL))) {
            RegCloseKey(w->keys[i]);
            w->keys[i] = NULL;
        }
        arm(w, i);
    }
}

static void open_log(struct whb_win_wu *w)
{
    static const wchar_t *const channels[N_SUBS] = {whb_win_wu_operational, L"System"};
    const wchar_t *queries[N_SUBS] = {whb_win_wu_query_operational, whb_win_wu_query_system};
    int changed = 0, read = 0;
    for (int i = 0; i < N_SUBS; i++) {
        if (whb_win_wu_log_query(channels[i], queries[i], QUERY_MAX, &w->st, &changed) != 0)
            continue;
        read = 1;
        /* Manual reset, set at first: EvtNext is asked once before anything arrives. */
        w->sub_events[i] = CreateEventW(NULL, TRUE, TRUE, NULL);
        if (w->sub_events[i])
            w->subs[i] = whb_win_wu_log_subscribe(channels[i], queries[i], w->sub_events[i]);
        if (!w->subs[i] && w->sub_events[i]) {
            CloseHandle(w->sub_events[i]);
            w->sub_events[i] = NULL;
        }
    }
    w->st.log_read = read;
    if (!read)
        whb_log_info("the Windows Update client's event logs cannot be read here: its scans "
                     "and their errors are not reported");
}

int whb_win_wu_open(const char *events_file, struct whb_win_wu **out)
{
    struct whb_win_wu *w = calloc(1, sizeof(*w));
    int changed = 0;
    if (!w)
        return WHB_ENOMEM;
    w->st.known = 1;
    whb_win_wu_read_registry(&w->st);
    whb_win_wu_read_services(&w->st);
    if (events_file) {
        snprintf(w->events_file, sizeof(w->events_file), "%s", events_file);
        w->st.log_read =
            whb_win_wu_file_read(w->events_file, &w->file_offset, &w->st, &changed) == 0;
        whb_log_info("Windows Update client events from %s (recorded), not the event log: %s",
                     events_file, w->st.log_read ? "read" : "cannot be read");
    } else {
        open_log(w);
    }
    watch_keys(w);
    w->next_look = GetTickCount64() + LOOK_EVERY_MS;
    w->next_file = GetTickCount64() + FILE_EVERY_MS;
    *out = w;
    return 0;
}

void whb_win_wu_close(struct whb_win_wu *w)
{
    if (!w)
        return;
    for (int i = 0; i < N_KEYS; i++) {
        if (w->keys[i])
            RegCloseKey(w->keys[i]);
        if (w->key_events[i])
            CloseHandle(w->key_events[i]);
    }
    for (int i = 0; i < N_SUBS; i++) {
        if (w->subs[i])
            EvtClose(w->subs[i]);
        if (w->sub_events[i])
            CloseHandle(w->sub_events[i]);
    }
    free(w);
}

int whb_win_wu_handles(struct whb_win_wu *w, HANDLE *hs, int max)
{
    int n = 0;
    for (int i = 0; i < N_KEYS && n < max; i++)
        if (w->keys[i])
            hs[n++] = w->key_events[i];
    for (int i = 0; i < N_SUBS && n < max; i++)
        if (w->subs[i])
            hs[n++] = w->sub_events[i];
    return n;
}

DWORD whb_win_wu_due_ms(struct whb_win_wu *w)
{
    ULONGLONG now = GetTickCount64();
    ULONGLONG due = w->events_file[0] && w->next_file < w->next_look ? w->next_file : w->next_look;
    return due > now ? (DWORD)(due - now) : 0;
}

static int signalled(HANDLE h)
{
    return h && WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
}

int whb_win_wu_poll(struct whb_win_wu *w)
{
    struct whb_wu_state next = w->st;
    int registry = 0, services = 0, changed = 0;
    ULONGLONG now = GetTickCount64();
    for (int i = 0; i < N_KEYS; i++)
        if (w->keys[i] && signalled(w->key_events[i])) {
            ResetEvent(w->key_events[i]);
            arm(w, i);
            registry = services = 1; /* a dozen reads: not worth telling apart */
        }
    for (int i = 0; i < N_SUBS; i++)
        if (w->subs[i] && signalled(w->sub_events[i]))
            whb_win_wu_log_drain(w->subs[i], w->sub_events[i], &next, &changed);
    if (now >= w->next_look) {
        registry = services = 1;
        w->next_look = now + LOOK_EVERY_MS;
    }
    if (w->events_file[0] && now >= w->next_file) {
        next.log_read = whb_win_wu_file_read(w->events_file, &w->file_offset, &next, &changed) == 0;
        w->next_file = now + FILE_EVERY_MS;
    }
    if (registry)
        whb_win_wu_read_registry(&next);
    if (services)
        whb_win_wu_read_services(&next);
    /* next began as a copy: a field read again unchanged leaves its bytes as they were. */
    if (memcmp(&next, &w->st, sizeof(next)) == 0)
        return 0;
    w->st = next;
    return 1;
}

void whb_win_wu_get(struct whb_win_wu *w, struct whb_wu_state *out)
{
    *out = w->st;
    int64_t boot_ms = whb_clock_wall_ms() - (int64_t)GetTickCount64();
    out->restart_pending = whb_win_wu_restart_pending(&w->st, boot_ms);
}
