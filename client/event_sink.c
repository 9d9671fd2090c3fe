/* Implementation of event_sink.h. */
#include "event_sink.h"

#include <stdio.h>
#include <string.h>

struct whb_agent_event *whb_event_sink_emit(struct whb_event_sink *k, int kind, const char *subject)
{
    if (k->n >= k->max)
        return NULL;
    struct whb_agent_event *e = &k->out[k->n++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->at_ms = k->now;
    snprintf(e->adapter, sizeof(e->adapter), "%s", subject);
    return e;
}
