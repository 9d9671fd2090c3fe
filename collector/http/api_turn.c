/* Implementation of api_turn.h: a trylock, a queue per loop, and an event that another loop
 * activates when it lets the lock go. */
#include "http/api_turn.h"

#include <event2/event.h>
#include <event2/http.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "clock.h"
#include "collector.h"
#include "http/loop.h"

struct parked {
    struct evhttp_request *req;
    int64_t since_ns;
    struct parked *next;
};

struct whb_api_turn {
    struct whb_loop *loop;
    whb_api_serve_fn serve;
    struct event *retry;
    struct parked *head, **tail;
    _Atomic unsigned waiting; /* read by the other loops when they let the lock go */
};

/* A loop that parks a request counts it before its own retry tries the lock: whoever lets
 * the lock go after that retry failed sees the count and wakes it. */
static void release(struct whb_collector *col, const struct whb_loop *self)
{
    pthread_mutex_unlock(&col->api_lock);
    for (unsigned i = 0; i < col->n_loops; i++) {
        const struct whb_loop *l = col->loops[i];
        if (l && l != self && l->turn && atomic_load(&l->turn->waiting))
            event_active(l->turn->retry, EV_TIMEOUT, 1);
    }
}

void whb_api_turn_release(struct whb_collector *col)
{
    release(col, NULL);
}

/* With the lock held: answers req and lets the lock go. */
static void serve_locked(struct whb_api_turn *t, struct evhttp_request *req, long waited_ms)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    t->serve(t->loop, req, path ? path : "", waited_ms);
    release(t->loop->col, t->loop);
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    struct whb_api_turn *t = arg;
    (void)fd;
    (void)what;
    while (t->head) {
        if (pthread_mutex_trylock(&t->loop->col->api_lock))
            return; /* woken again when the lock is let go */
        struct parked *p = t->head;
        t->head = p->next;
        if (!t->head)
            t->tail = &t->head;
        atomic_fetch_sub(&t->waiting, 1);
        serve_locked(t, p->req, (long)((whb_clock_mono_ns() - p->since_ns) / 1000000));
        free(p);
    }
}

struct whb_api_turn *whb_api_turn_new(struct whb_loop *loop, whb_api_serve_fn serve)
{
    struct whb_api_turn *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->loop = loop;
    t->serve = serve;
    t->tail = &t->head;
    t->retry = event_new(loop->base, -1, 0, on_retry, t);
    if (!t->retry) {
        free(t);
        return NULL;
    }
    return t;
}

void whb_api_turn_free(struct whb_api_turn *t)
{
    if (!t)
        return;
    while (t->head) {
        struct parked *p = t->head;
        t->head = p->next;
        free(p);
    }
    event_free(t->retry);
    free(t);
}

void whb_api_turn_take(struct whb_api_turn *t, struct evhttp_request *req)
{
    pthread_mutex_t *lock = &t->loop->col->api_lock;
    /* Behind the ones parked already (their order kept), or while another loop's runs. */
    if (!t->head && pthread_mutex_trylock(lock) == 0) {
        serve_locked(t, req, 0);
        return;
    }
    struct parked *p = malloc(sizeof(*p));
    if (!p) { /* no room to park it: waited for, as before */
        pthread_mutex_lock(lock);
        serve_locked(t, req, 0);
        return;
    }
    p->req = req;
    p->since_ns = whb_clock_mono_ns();
    p->next = NULL;
    *t->tail = p;
    t->tail = &p->next;
    atomic_fetch_add(&t->waiting, 1);
    event_active(t->retry, EV_TIMEOUT, 1);
}
