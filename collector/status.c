/* Implementation of status.h: one worker thread, woken when the summary gets old. */
#include "status.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "server.h"

struct whb_status {
    struct whb_server *srv;
    struct whb_store *st; /* the worker's own handle */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    char *text;   /* the latest summary, NULL before the first */
    int64_t made; /* when it was made */
    int want, busy, stop;
};

static void keep(struct whb_status *s, const char *text, int64_t made)
{
    char *copy = text ? strdup(text) : NULL;
    if (!copy)
        return;
    free(s->text);
    s->text = copy;
    s->made = made;
}

static void *worker(void *arg)
{
    struct whb_status *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->want && !s->stop)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->stop)
            break;
        s->want = 0;
        s->busy = 1;
        pthread_mutex_unlock(&s->lock);
        int64_t now = whb_clock_wall_ms();
        char *text = whb_api_status_text(s->srv, s->st, now);
        pthread_mutex_lock(&s->lock);
        keep(s, text, now);
        free(text);
        s->busy = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int whb_status_start(struct whb_server *srv, const char *db_path, struct whb_status **out)
{
    char why[256];
    struct whb_status *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->srv = srv;
    if (srv->reader->ops->open(db_path, &s->st, why, sizeof(why))) {
        free(s);
        return WHB_ESTORE;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        s->st->ops->close(s->st);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
        free(s);
        return WHB_ENOMEM;
    }
    *out = s;
    return 0;
}

void whb_status_stop(struct whb_status *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    s->st->ops->close(s->st);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s->text);
    free(s);
}

char *whb_status_text(struct whb_status *s, struct whb_server *srv, int64_t now)
{
    uint64_t known = 0, silent = 0;
    /* A few silent machines are explained in well under a second: then the answer is now. */
    if (!s || srv->reader->ops->count_machines(srv->reader, now, &known, &silent) ||
        silent <= WHB_STATUS_IN_PLACE)
        return whb_api_status_text(srv, srv->reader, now);
    pthread_mutex_lock(&s->lock);
    char *copy = s->text ? strdup(s->text) : NULL;
    int cold = !s->text;
    if (!cold && now - s->made >= WHB_STATUS_FRESH_MS && !s->busy) {
        s->want = 1;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    if (!cold)
        return copy;
    /* The first one: made here, once, and kept for the next callers. */
    char *text = whb_api_status_text(srv, srv->reader, now);
    pthread_mutex_lock(&s->lock);
    if (!s->text)
        keep(s, text, now);
    pthread_mutex_unlock(&s->lock);
    return text;
}
