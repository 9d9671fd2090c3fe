/* The state differ: from two snapshots to the events that explain what changed. State that
 * did not change produces nothing, so a heartbeat stays small. */
#ifndef WHB_STATE_H
#define WHB_STATE_H

#include "model.h"

/* Writes at most max events into out and returns how many. */
int whb_state_diff(const struct whb_state *before, const struct whb_state *after, int64_t now_ms,
                   struct whb_agent_event *out, int max);

/* Makes every text the OS or a switch gave (adapter names, SSID, LLDP names) safe to send:
 * the collector refuses control and bidi characters, and a refused report would silence the
 * machine. */
void whb_state_clean(struct whb_state *s);

#endif
