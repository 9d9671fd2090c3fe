/* What Windows' power states mean for the agent's events: which sleep a resume came back from
 * (sleep, hibernation, a Fast Startup "shutdown", Modern Standby), when Modern Standby starts
 * and ends (the console display on a machine with AoAc), and why the agent's previous run
 * ended uncleanly. The translators are pure and take events as the event log renders them;
 * the reason codes are the wire contract with the collector's engine. */
#ifndef WHB_WIN_POWERSTATE_H
#define WHB_WIN_POWERSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "model.h"

/* RESUME.reason_code */
enum {
    WHB_RESUME_UNKNOWN = 0,
    WHB_RESUME_SLEEP = 1,
    WHB_RESUME_HIBERNATION = 2,
    WHB_RESUME_HYBRID_BOOT = 3, /* Fast Startup: the user shut down, the kernel hibernated */
    WHB_RESUME_STANDBY = 4,     /* left Modern Standby */
};
/* SUSPEND.reason_code */
enum { WHB_SUSPEND_SLEEP = 0, WHB_SUSPEND_STANDBY = 1 };
/* UNCLEAN_STOP.reason_code */
enum { WHB_UNCLEAN_UNKNOWN = 0, WHB_UNCLEAN_AGENT_DIED = 1, WHB_UNCLEAN_MACHINE = 2 };
/* CARRIER_LOST / CARRIER_GAINED / WIFI_DISCONNECTED.reason_code while in Modern Standby */
enum { WHB_LINK_BY_STANDBY = 1 };

/* Link events this long after leaving Modern Standby are still its reconnection. */
#define WHB_STANDBY_SETTLE_MS 60000

/* Explains a resume. boot27 is the newest Kernel-Boot event 27 (BootType 0 cold boot, 1
 * hybrid boot, 2 resume from hibernation), kp42 the newest Kernel-Power event 42 (Target and
 * EffectiveState of the sleep); either may be NULL. Each counts only when it belongs to this
 * transition: written after suspend_ms (27) or around it (42). suspend_ms 0 when unknown:
 * then a 27 of the 10 minutes before now_ms, and the newest 42. Sets the detail and returns
 * the RESUME reason code. */
uint32_t whb_win_resume_explain(const wchar_t *boot27, const wchar_t *kp42, int64_t suspend_ms,
                                int64_t now_ms, char *detail, size_t n);

/* What a PBT_APMSUSPEND is, from this transition's Kernel-Power event 42 when it is already
 * in the log (kp42 NULL or older: unknown): WHB_OS_SHUTDOWN for a Fast Startup shutdown,
 * WHB_OS_HIBERNATE, else WHB_OS_SUSPEND; sets the last gasp's detail. */
int whb_win_suspend_explain(const wchar_t *kp42, int64_t now_ms, char *detail, size_t n);

/* Modern Standby, followed from the console display state (GUID_CONSOLE_DISPLAY_STATE:
 * 0 off, 1 on, 2 dimmed) on a machine whose power capabilities say AoAc. */
struct whb_win_standby {
    int aoac;
    int in_standby;
    int64_t entered_ms, left_ms;
};

/* One display notification: returns WHB_OS_SUSPEND on entry, WHB_OS_RESUME on exit (with
 * their reason codes and details in ev), 0 when it means nothing. */
int whb_win_standby_display(struct whb_win_standby *s, unsigned long display, int64_t now_ms,
                            struct whb_agent_event *ev);

/* Marks a link event that happens in standby (or while reconnecting from it) as caused by
 * the power policy, so that it is not taken for a flapping link. 1 when marked. */
int whb_win_standby_mark(const struct whb_win_standby *s, int64_t now_ms,
                         struct whb_agent_event *ev);

/* Adds Windows' evidence to an UNCLEAN_STOP the core made (reason_code already 1 or 2 from
 * its own run marker; since_ms = last known alive). scm is the newest Service Control Manager
 * event 7031/7034 about our service, kp41 the newest Kernel-Power 41, ev6008 the newest
 * EventLog 6008; any may be NULL. Windows' records, when they belong to this gap, decide. */
void whb_win_unclean_explain(struct whb_agent_event *ev, const wchar_t *scm, const wchar_t *kp41,
                             const wchar_t *ev6008);

/* The same, reading the System log (at most a few queries; nothing when it cannot be read). */
uint32_t whb_win_resume_from_log(int64_t suspend_ms, char *detail, size_t n);
int whb_win_suspend_from_log(int64_t now_ms, char *detail, size_t n);
void whb_win_unclean_from_log(struct whb_agent_event *ev);

#endif
