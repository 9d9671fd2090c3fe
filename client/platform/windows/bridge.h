/* Internal to the Windows backend: the bridge between the service control handler (its own
 * thread, owned by the service control manager) and the platform's wait loop. */
#ifndef WHB_WIN_BRIDGE_H
#define WHB_WIN_BRIDGE_H

#include <windows.h>

#include "platform/platform.h"
#include "powerstate.h"

#define WHB_WIN_BRIDGE_QUEUE 16

struct whb_win_bridge {
    CRITICAL_SECTION lock;
    HANDLE ready; /* set while the queue holds events */
    struct whb_os_event queue[WHB_WIN_BRIDGE_QUEUE];
    int n;
    struct whb_win_standby standby; /* changed by the control handler, read by annotate */
    int hiberboot, hiberfile;       /* Fast Startup enabled; a hibernation file exists */
};

/* Made by main before the platform opens; handed over in whb_platform_config.service. */
struct whb_win_bridge *whb_win_bridge_new(void);
void whb_win_bridge_free(struct whb_win_bridge *b);

/* Called from the control handler: queues a power or stop event for the agent and waits, at
 * most wait_ms, until the agent says its last gasp is out. */
void whb_win_bridge_post(struct whb_win_bridge *b, enum whb_os_event_kind kind, unsigned wait_ms);

/* The same with a prepared event (reason code, detail). */
void whb_win_bridge_post_event(struct whb_win_bridge *b, const struct whb_os_event *ev,
                               unsigned wait_ms);

/* Called from the control handler with each console display state (GUID_CONSOLE_DISPLAY_STATE
 * or GUID_MONITOR_POWER_ON): on a Modern Standby machine, display off posts the standby's last
 * gasp (waiting at most wait_ms) and display on its end. */
void whb_win_bridge_display(struct whb_win_bridge *b, unsigned long display, unsigned wait_ms);

/* Whether the machine is in Modern Standby as far as the display told us. */
int whb_win_bridge_in_standby(struct whb_win_bridge *b);

/* Overrides what GetPwrCapabilities said about AoAc (tests: wine has no Modern Standby). */
void whb_win_bridge_set_aoac(struct whb_win_bridge *b, int aoac);

/* Queues an event without waiting (WLAN notifications). */
void whb_win_bridge_push(struct whb_win_bridge *b, const struct whb_os_event *ev);

/* Takes up to max queued events (the platform's wait, when ready is set). */
int whb_win_bridge_take(struct whb_win_bridge *b, struct whb_os_event *evs, int max);

#endif
