/* Implementation of runs.h. */
#include "runs.h"

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "server.h"

int whb_runs_start(struct whb_store *st, int64_t now_ms)
{
    return st->ops->mark_run(st, WHB_RUN_START, now_ms);
}

int whb_runs_alive(struct whb_store *st, int64_t now_ms)
{
    return st->ops->mark_run(st, WHB_RUN_ALIVE, now_ms);
}

int whb_runs_stop(struct whb_store *st, int64_t now_ms)
{
    return st->ops->mark_run(st, WHB_RUN_STOP, now_ms);
}

static void on_alive(evutil_socket_t fd, short what, void *arg)
{
    struct whb_server *srv = arg;
    (void)fd;
    (void)what;
    /* A full disk fails this too; the store logs it, and the run simply ends earlier. */
    whb_runs_alive(srv->reader, whb_clock_wall_ms());
}

int whb_runs_begin(struct whb_server *srv)
{
    struct timeval every = {WHB_RUNS_ALIVE_MS / 1000, (WHB_RUNS_ALIVE_MS % 1000) * 1000};
    if (whb_runs_start(srv->reader, whb_clock_wall_ms()))
        whb_log_warnx("store: cannot record this run's start: downtimes will not be known");
    srv->alive_ev = event_new(srv->base, -1, EV_PERSIST, on_alive, srv);
    if (!srv->alive_ev || event_add(srv->alive_ev, &every))
        return -1;
    return 0;
}

void whb_runs_end(struct whb_server *srv)
{
    if (!srv->alive_ev)
        return;
    event_free(srv->alive_ev);
    srv->alive_ev = NULL;
    whb_runs_stop(srv->reader, whb_clock_wall_ms());
}
