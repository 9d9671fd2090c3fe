/* The Windows Update client's state as the core handles it: the newest log event of each id
 * and update service, one line that says where the client is told to scan and report, and the
 * events that explain a change. OS-neutral: the Windows and replay backends fill the state
 * (model.h, struct whb_wu_state), the core diffs and sends it. */
#ifndef WHB_UPDATE_CLIENT_H
#define WHB_UPDATE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Windows event ids of provider Microsoft-Windows-WindowsUpdateClient that the agent follows. */
enum {
    WHB_WU_EV_CANNOT_CONNECT_AU = 16, /* System: unable to connect to the AU service */
    WHB_WU_EV_INSTALL_FAILED = 20,    /* System */
    WHB_WU_EV_RESTART_REQUIRED = 21,  /* System */
    WHB_WU_EV_SCAN_FAILED = 25,       /* Operational */
    WHB_WU_EV_SCAN_OK = 26,           /* Operational */
    WHB_WU_EV_CANNOT_CONNECT = 32,    /* System: cannot connect to server %1 */
    WHB_WU_EV_PROXY_AUTH = 33,        /* System: proxy %1 needs credentials */
};

/* Keeps ev when it is the newest of its event id and service; when the list is full the
 * oldest entry gives way. Returns 1 when the state changed. */
int whb_wu_log_put(struct whb_wu_state *st, const struct whb_wu_log_event *ev);

/* The wire's event kind for a followed Windows event id; 0 for any other. */
int whb_wu_event_kind(uint32_t event_id);

/* "automatic", "manual", "disabled", ... */
const char *whb_wu_start_words(enum whb_start_type t);

/* One line: where the client is told to scan and report, and what Windows applies. Two
 * states that give the same line route updates the same way. */
void whb_wu_where(const struct whb_wu_state *st, char *buf, size_t n);

/* Writes at most max events that explain how after differs from before (policy, identity,
 * services, new log events); returns how many. */
int whb_wu_diff(const struct whb_wu_state *before, const struct whb_wu_state *after, int64_t now_ms,
                struct whb_agent_event *out, int max);

/* Makes the texts read from the registry and the event log safe to send. */
void whb_wu_clean(struct whb_wu_state *st);

#endif
