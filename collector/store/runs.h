/* The collector's own life in its store: a start, an alive mark every few seconds, a clean
 * stop. A silence that falls in the collector's downtime is the collector's, not the
 * machines': the engine reads these back as downtimes (store ops `downtimes`). */
#ifndef WHB_RUNS_H
#define WHB_RUNS_H

#include <stdint.h>

#include "store/store.h"

/* How often a running collector marks itself alive: an unclean stop is known to this much,
 * which must be well under the shortest heartbeat (issue 21.1: a kill 5 s after the last mark
 * looked like one that began before a 2 s machine's report was due). */
#define WHB_RUNS_ALIVE_MS 1000
/* Without an alive mark this long, a collector that did not stop cleanly is not running. */
#define WHB_RUNS_STALE_MS 15000

int whb_runs_start(struct whb_store *st, int64_t now_ms);
int whb_runs_alive(struct whb_store *st, int64_t now_ms);
int whb_runs_stop(struct whb_store *st, int64_t now_ms);

#endif
