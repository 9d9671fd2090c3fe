/* The Windows Update client as the Windows backend reads it, only ever reading: its policy,
 * PolicyState, MDM leftovers and identity from the registry (wu_policy.c), the start types
 * of the services it needs, and the newest events of its own logs (wu_log.c), with the
 * Event Log API or, where there is none (wine), from a file of recorded rendered events.
 * wu_client.c keeps the result and notices changes: registry notifications, event log
 * subscriptions and a periodic look. */
#ifndef WHB_WIN_WU_CLIENT_H
#define WHB_WIN_WU_CLIENT_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct whb_win_wu;

/* Reads everything once. events_file NULL: the event log. Never fails for lack of a key or
 * a log: what cannot be read stays unknown. */
int whb_win_wu_open(const char *events_file, struct whb_win_wu **out);
void whb_win_wu_close(struct whb_win_wu *w);

/* Handles to wait on (registry notifications, subscriptions); returns how many (<= max). */
int whb_win_wu_handles(struct whb_win_wu *w, HANDLE *hs, int max);

/* Milliseconds until the next periodic look. */
DWORD whb_win_wu_due_ms(struct whb_win_wu *w);

/* Handles what was signalled and the periodic look when due; 1 when the state changed. */
int whb_win_wu_poll(struct whb_win_wu *w);

/* The current state, with restart_pending judged against this boot. */
void whb_win_wu_get(struct whb_win_wu *w, struct whb_wu_state *out);

/* wu_policy.c: the registry's part and the services' start types. */
void whb_win_wu_read_registry(struct whb_wu_state *st);
void whb_win_wu_read_services(struct whb_wu_state *st);

/* wu_log.c: one rendered event (EvtRender's XML, or an exported one) of provider
 * Microsoft-Windows-WindowsUpdateClient put into st when it is one the agent follows and the
 * newest of its id and service. 1 when st changed, 0 when not, -1 when it is not such an
 * event. */
int whb_win_wu_apply_xml(struct whb_wu_state *st, const wchar_t *xml);

/* A restart asked for by event 21 is pending when the event is newer than this boot. */
int whb_win_wu_restart_pending(const struct whb_wu_state *st, int64_t boot_ms);

#endif
