/* The collector's connections: admission against the connection cap and per-source share, a
 * deadline for each whole request (headers and body, not reset by every byte that trickles
 * in), and pausing accept() when file descriptors run out instead of spinning on it. */
#ifndef WHB_CONNS_H
#define WHB_CONNS_H

#include <stddef.h>

struct whb_loop;
struct whb_conns;
struct evhttp_bound_socket;
struct evhttp_request;

/* Hooks loop->http (its bufferevent callback) and the bound socket's listener. With several
 * event loops each has its own, and all count against first's caps (NULL for the first). */
int whb_conns_start(struct whb_loop *loop, struct evhttp_bound_socket *bound,
                    struct whb_conns *first, struct whb_conns **out, char *why, size_t whylen);

/* A complete request arrived: its deadline stops until the answer is sent. */
void whb_conns_request(struct whb_conns *c, struct evhttp_request *req);

/* The connection on fd, read so far without evhttp, is evhttp's again: the request deadline
 * runs. */
void whb_conns_resume(struct whb_conns *c, int fd);

/* After evhttp_free (which closes every connection through the hooks); the first last. */
void whb_conns_free(struct whb_conns *c);

#endif
