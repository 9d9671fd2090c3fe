/* The agent's core: observe, diff, spool, deliver. Knows nothing of the OS. */
#ifndef WHB_AGENT_H
#define WHB_AGENT_H

#include "model.h"
#include "platform/platform.h"
#include "settings.h"

struct whb_agent;

int whb_agent_open(const struct whb_agent_config *cfg, const struct whb_platform_ops *ops,
                   struct whb_agent **out, char *why, size_t whylen);
void whb_agent_close(struct whb_agent *a);

/* Runs until the platform says stop. Returns 0 after a clean stop. */
int whb_agent_run(struct whb_agent *a);

/* One look, for --once --print: snapshot (waiting up to wait_ms for LLDP and events) and a
 * WSUS probe when configured. */
int whb_agent_look(struct whb_agent *a, int wait_ms, struct whb_state *out,
                   struct whb_identity *id);

#endif
