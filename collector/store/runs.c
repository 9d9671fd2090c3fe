/* Implementation of runs.h. */
#include "store/runs.h"

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
