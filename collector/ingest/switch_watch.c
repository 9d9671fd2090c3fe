/* Implementation of switch_watch.h. */
#include "ingest/switch_watch.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store/store.h"
#include "switch/switch.h"

#define WATCH_EVERY_MS  10000
#define WATCH_RECENT_MS 30000 /* a silence this young is asked about at each pass */
#define WATCH_MAX       256   /* machines asked about per pass */

struct whb_switch_watch {
    struct event *ev;
    struct whb_store *reader;
    struct whb_switch_service *svc;
    int64_t now;
    unsigned asked;
};

static int on_silent(const struct whb_machine_view *m, void *arg)
{
    struct whb_switch_watch *w = arg;
    /* Most recently silent first: past the window, every other one is older. */
    if (w->now - m->due_ms > WATCH_RECENT_MS || w->asked >= WATCH_MAX)
        return 1;
    if (!m->wireless && m->sw_name[0] && m->sw_port[0]) {
        whb_switch_poll(w->svc, m->sw_name, m->sw_mgmt[0] ? m->sw_mgmt : NULL, m->sw_port, 0);
        w->asked++;
    }
    return 0;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct whb_switch_watch *w = arg;
    struct whb_store_filter f = {.kind = WHB_FILTER_SILENT, .limit = WATCH_MAX};
    w->now = whb_clock_wall_ms();
    w->asked = 0;
    w->reader->ops->each_machine(w->reader, &f, w->now, on_silent, w);
}

struct whb_switch_watch *whb_switch_watch_start(struct event_base *base, struct whb_store *reader,
                                                struct whb_switch_service *svc)
{
    struct whb_switch_watch *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->reader = reader;
    w->svc = svc;
    struct timeval every = {WATCH_EVERY_MS / 1000, 0};
    w->ev = event_new(base, -1, EV_PERSIST, on_timer, w);
    if (!w->ev || event_add(w->ev, &every)) {
        whb_switch_watch_stop(w);
        return NULL;
    }
    return w;
}

void whb_switch_watch_stop(struct whb_switch_watch *w)
{
    if (!w)
        return;
    if (w->ev)
        event_free(w->ev);
    free(w);
}
