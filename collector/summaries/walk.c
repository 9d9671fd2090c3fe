/* Implementation of walk.h. */
#include "summaries/walk.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"

struct chunk {
    whb_store_machine_fn fn;
    void *arg;
    struct whb_machine_view last;
    unsigned rows;
    int stopped;
};

static int one(const struct whb_machine_view *m, void *arg)
{
    struct chunk *c = arg;
    c->last = *m;
    c->rows++;
    c->stopped = c->fn(m, c->arg);
    return c->stopped;
}

static void pause_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) == -1)
        ;
}

int whb_summaries_walk(struct whb_store *st, const struct whb_store_filter *f, int64_t now,
                       whb_store_machine_fn fn, void *arg, const _Atomic int *cancel)
{
    int keyset =
        f->kind == WHB_FILTER_SILENT || f->kind == WHB_FILTER_SWITCH || f->kind == WHB_FILTER_WIFI;
    if (!keyset)
        return st->ops->each_machine(st, f, now, fn, arg);
    struct chunk c = {.fn = fn, .arg = arg};
    struct whb_store_filter part = *f;
    unsigned left = f->limit ? f->limit : (unsigned)-1;
    while (left && !(cancel && *cancel)) {
        int64_t t0 = whb_clock_mono_ns();
        part.limit = left < WHB_WALK_CHUNK ? left : WHB_WALK_CHUNK;
        part.after = c.rows ? &c.last : f->after;
        unsigned before = c.rows;
        int rc = st->ops->each_machine(st, &part, now, one, &c);
        if (rc || c.stopped)
            return rc;
        unsigned got = c.rows - before;
        left -= got;
        if (got < part.limit)
            break;
        if (cancel)
            pause_ns(whb_clock_mono_ns() - t0);
    }
    return 0;
}

void whb_summaries_lower_priority(void)
{
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
}
