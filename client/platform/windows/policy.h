/* The agent's settings from Group Policy (Windows backend). */
#ifndef WHB_WIN_POLICY_H
#define WHB_WIN_POLICY_H

#include <stddef.h>

/* Reads the agent's settings from Group Policy (HKLM\SOFTWARE\Policies\whb\Agent) and the
 * WSUS server from the WUServer policy when no probe URL is set. */
struct whb_agent_config;
int whb_win_read_policies(struct whb_agent_config *cfg, char *why, size_t whylen);

#endif
