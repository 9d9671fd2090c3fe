/* Implementation of runs_alive.h. */
#include "store/runs_alive.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "store/runs.h"
#include "store/store.h"

struct whb_alive {
    struct whb_store *st;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC: a wall clock step neither hurries nor stalls it */
    int stop;
};

static void *alive_main(void *arg)
{
    struct whb_alive *a = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&a->lock);
    while (!a->stop) {
        next.tv_nsec += (WHB_RUNS_ALIVE_MS % 1000) * 1000000L;
        next.tv_sec += WHB_RUNS_ALIVE_MS / 1000 + next.tv_nsec / 1000000000L;
        next.tv_nsec %= 1000000000L;
        while (!a->stop && pthread_cond_timedwait(&a->wake, &a->lock, &next) != ETIMEDOUT)
            ;
        if (a->stop)
            break;
        pthread_mutex_unlock(&a->lock);
        /* A full disk fails this too; the store logs it, and the run simply ends earlier. */
        whb_runs_alive(a->st, whb_clock_wall_ms());
        pthread_mutex_lock(&a->lock);
        /* A mark that took longer than the period is not made up for: the next is a period on. */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next.tv_sec || (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec))
            next = now;
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

struct whb_alive *whb_alive_start(const struct whb_collector_config *cfg, char *why, size_t whylen)
{
    struct whb_alive *a = calloc(1, sizeof(*a));
    pthread_condattr_t attr;
    if (!a) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    if (whb_store_open_config(cfg, 0, &a->st, why, whylen)) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&a->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&a->thread, NULL, alive_main, a)) {
        snprintf(why, whylen, "cannot start the alive mark's thread");
        a->st->ops->close(a->st);
        pthread_cond_destroy(&a->wake);
        pthread_mutex_destroy(&a->lock);
        free(a);
        return NULL;
    }
    return a;
}

void whb_alive_stop(struct whb_alive *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    a->st->ops->close(a->st);
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->lock);
    free(a);
}
