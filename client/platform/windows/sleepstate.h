/* The target of the last sleep transition, from the System event log (see sleepstate.c). */
#ifndef WHB_WIN_SLEEPSTATE_H
#define WHB_WIN_SLEEPSTATE_H

#include <wchar.h>

/* The TargetState of the latest Kernel-Power event 42 (4 = hibernation), or -1 unknown. */
int whb_win_last_sleep_target(void);

/* Parses TargetState out of one event's XML; -1 when absent. Pure, for tests. */
int whb_win_sleep_target_parse(const wchar_t *xml);

#endif
