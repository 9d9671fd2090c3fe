/* Where the state differs write the events a change makes: a bounded array, one clock. Shared
 * by the adapters' differ (state.c) and the Windows Update client's (update_client.c). */
#ifndef WHB_EVENT_SINK_H
#define WHB_EVENT_SINK_H

#include <stdint.h>

#include "model.h"

struct whb_event_sink {
    struct whb_agent_event *out;
    int max, n;
    int64_t now;
};

/* The next event of kind about subject (an adapter, a service), stamped now and otherwise
 * zeroed; NULL once max events are written. */
struct whb_agent_event *whb_event_sink_emit(struct whb_event_sink *k, int kind,
                                            const char *subject);

#endif
