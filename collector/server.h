/* The collector assembled: its stores, the writer thread, the summaries worker, its event loops
 * and their threads, the run's alive mark, and the route every loop hands its requests to. */
#ifndef WHB_SERVER_H
#define WHB_SERVER_H

#include <stddef.h>

#include "config.h"

struct event_base;
struct whb_collector;

/* Opens the store, starts the writer and listens: on base (run by the caller) and, with
 * cfg->loops > 1 (0: one per CPU), on further event loops of its own threads, all on the same
 * port. On failure writes a one-line cause. */
int whb_server_start(struct event_base *base, const struct whb_collector_config *cfg,
                     struct whb_collector **out, char *why, size_t whylen);

/* Stops the other loops, commits and answers what is pending, frees everything. Called after
 * base's loop returned. */
void whb_server_free(struct whb_collector *col);

#endif
