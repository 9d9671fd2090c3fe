/* One read-API request at a time across the event loops (they share the console's sessions,
 * the keys, the uploads: the collector's api_lock), without a loop ever waiting for its turn:
 * a request that finds another loop's request running is parked, and its loop goes on
 * answering reports and /healthz until the other one is done. Internal to the collector. */
#ifndef WHB_HTTP_API_TURN_H
#define WHB_HTTP_API_TURN_H

#include <stdint.h>

struct evhttp_request;
struct whb_collector;
struct whb_loop;

/* Answers req, called with the api_lock held; waited_ms: how long it was parked. */
typedef void (*whb_api_serve_fn)(struct whb_loop *loop, struct evhttp_request *req,
                                 const char *path, long waited_ms);

struct whb_api_turn;

/* The turn of loop (its base); NULL when out of memory. */
struct whb_api_turn *whb_api_turn_new(struct whb_loop *loop, whb_api_serve_fn serve);
/* Forgets what is parked (evhttp then closes those connections): after the loop stopped. */
void whb_api_turn_free(struct whb_api_turn *t);
/* Serves req now if no other loop's request runs, else parks it. On loop's thread. */
void whb_api_turn_take(struct whb_api_turn *t, struct evhttp_request *req);
/* Lets the api_lock go and wakes the loops whose requests wait: how anyone who took the lock
 * outside a turn (none but tests) gives it back. */
void whb_api_turn_release(struct whb_collector *col);

#endif
