/* Implementation of bridge.h: a small queue under a critical section, and an event for the
 * platform's wait. */
#include "bridge.h"

#include <powrprof.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

struct whb_win_bridge *whb_win_bridge_new(void)
{
    struct whb_win_bridge *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    InitializeCriticalSection(&b->lock);
    b->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    SYSTEM_POWER_CAPABILITIES caps;
    if (GetPwrCapabilities(&caps)) {
        /* mingw-w64's winnt.h predates Hiberboot, WakeAlarmPresent and AoAc and names those
         * bytes spare2[0..2] (offsets 0x12..0x14 in the SDK's structure). */
        _Static_assert(offsetof(SYSTEM_POWER_CAPABILITIES, spare2) == 0x12, "Hiberboot offset");
        b->hiberboot = caps.spare2[0] != 0;
        b->standby.aoac = caps.spare2[2] != 0;
        b->hiberfile = caps.HiberFilePresent != 0;
    }
    return b;
}

void whb_win_bridge_set_aoac(struct whb_win_bridge *b, int aoac)
{
    EnterCriticalSection(&b->lock);
    b->standby.aoac = aoac;
    LeaveCriticalSection(&b->lock);
}

void whb_win_bridge_free(struct whb_win_bridge *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->n; i++) /* never taken: nobody waits on these any more */
        if (b->queue[i].reply)
            CloseHandle(b->queue[i].reply);
    CloseHandle(b->ready);
    DeleteCriticalSection(&b->lock);
    free(b);
}

void whb_win_bridge_push(struct whb_win_bridge *b, const struct whb_os_event *ev)
{
    EnterCriticalSection(&b->lock);
    if (b->n < WHB_WIN_BRIDGE_QUEUE) {
        b->queue[b->n] = *ev;
        b->queue[b->n].reply = NULL;
        b->n++;
        SetEvent(b->ready);
    }
    LeaveCriticalSection(&b->lock);
}

void whb_win_bridge_post(struct whb_win_bridge *b, enum whb_os_event_kind kind, unsigned wait_ms)
{
    struct whb_os_event ev = {.kind = kind};
    whb_win_bridge_post_event(b, &ev, wait_ms);
}

void whb_win_bridge_post_event(struct whb_win_bridge *b, const struct whb_os_event *ev,
                               unsigned wait_ms)
{
    HANDLE done = wait_ms ? CreateEventW(NULL, TRUE, FALSE, NULL) : NULL, theirs = NULL;
    /* The agent gets its own handle to signal and close in power_done: when our wait times
     * out, ours is closed and its value may soon name another object. */
    if (done && !DuplicateHandle(GetCurrentProcess(), done, GetCurrentProcess(), &theirs, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS)) {
        CloseHandle(done);
        done = NULL;
    }
    EnterCriticalSection(&b->lock);
    if (b->n < WHB_WIN_BRIDGE_QUEUE) {
        b->queue[b->n] = *ev;
        b->queue[b->n].reply = theirs;
        b->n++;
        SetEvent(b->ready);
    } else if (done) {
        CloseHandle(theirs);
        CloseHandle(done);
        done = NULL;
    }
    LeaveCriticalSection(&b->lock);
    if (done) {
        /* The OS waits for us; we wait for the last gasp, but not forever. */
        WaitForSingleObject(done, wait_ms);
        CloseHandle(done);
    }
}

void whb_win_bridge_display(struct whb_win_bridge *b, unsigned long display, unsigned wait_ms)
{
    struct whb_os_event ev = {0};
    EnterCriticalSection(&b->lock);
    ev.kind = whb_win_standby_display(&b->standby, display, whb_clock_wall_ms(), &ev.event);
    LeaveCriticalSection(&b->lock);
    /* Entry is the last gasp: the network may go by policy at any moment after it. */
    if (ev.kind)
        whb_win_bridge_post_event(b, &ev, ev.kind == WHB_OS_SUSPEND ? wait_ms : 0);
}

int whb_win_bridge_in_standby(struct whb_win_bridge *b)
{
    EnterCriticalSection(&b->lock);
    int in = b->standby.in_standby;
    LeaveCriticalSection(&b->lock);
    return in;
}

int whb_win_bridge_take(struct whb_win_bridge *b, struct whb_os_event *evs, int max)
{
    int n = 0;
    EnterCriticalSection(&b->lock);
    while (n < max && n < b->n) {
        evs[n] = b->queue[n];
        n++;
    }
    memmove(b->queue, b->queue + n, (size_t)(b->n - n) * sizeof(b->queue[0]));
    b->n -= n;
    if (b->n == 0)
        ResetEvent(b->ready);
    LeaveCriticalSection(&b->lock);
    return n;
}
