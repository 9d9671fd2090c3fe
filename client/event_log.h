/* A local-only record of every event the agent creates, for the fault soak (tests/soak): one
 * line "<boot_id> <seq> <kind>" per event, appended before the event enters the spool, and a
 * "dropped <boot_id> <seq> <heartbeats> <refused>" line when the spool had to make room. */
#ifndef WHB_EVENT_LOG_H
#define WHB_EVENT_LOG_H

#include "spool.h"
#include "wire.h"

/* Appends ev to the spool as whb_spool_append does; with a non-empty path, first appends the
 * event's line to that file, and after it a line for heartbeats the spool dropped or events
 * it refused. A failing log never stops the event from being spooled. */
int whb_event_log_spool(const char *path, struct whb_spool *sp, const whb_event *ev, int sync);

#endif
