/* The collector's HTTP(S) front: libevent evhttp, TLS through OpenSSL bufferevents, routes. */
#ifndef WHB_HTTP_H
#define WHB_HTTP_H

#include <stddef.h>

#include "config.h"

struct event_base;
struct whb_server;

/* Opens the store, starts the writer and listens. On failure writes a one-line cause. */
int whb_server_start(struct event_base *base, const struct whb_collector_config *cfg,
                     struct whb_server **out, char *why, size_t whylen);

/* Stops listening, commits and answers what is pending, frees everything. */
void whb_server_free(struct whb_server *srv);

#endif
