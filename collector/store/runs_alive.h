/* The run's alive mark (store/runs.h) every WHB_RUNS_ALIVE_MS, on a thread of its own with its
 * own store handle: a mark is a write and a sync, which waits for the writer's lock and the
 * disk; on an event loop it held every request of that loop for as long (seconds on a busy
 * disk, up to the store's busy timeout behind a long group commit). */
#ifndef WHB_RUNS_ALIVE_H
#define WHB_RUNS_ALIVE_H

#include <stddef.h>

struct whb_collector_config;
struct whb_alive;

/* Opens the handle and starts marking; NULL (why says so) when it cannot. */
struct whb_alive *whb_alive_start(const struct whb_collector_config *cfg, char *why, size_t whylen);
/* Stops the marks (after the one in progress, if any) and closes the handle. NULL is fine. */
void whb_alive_stop(struct whb_alive *a);

#endif
