/* The read API and the collector's health, for the routing of an event loop's requests
 * (server.c hands the route to each loop). */
#ifndef WHB_API_ROUTE_H
#define WHB_API_ROUTE_H

struct evhttp_request;
struct whb_collector;
struct whb_loop;

/* Answers /v1/... (not /v1/report): returns 1 when path is the API's. */
int whb_api_route(struct whb_loop *loop, struct evhttp_request *req, const char *path);

/* Answers /healthz and /metrics: returns 1 when path is one of them. */
int whb_api_health(struct whb_loop *loop, struct evhttp_request *req, const char *path);

/* Frees what the API keeps between requests (the console's uploads in progress). */
void whb_api_uploads_free(struct whb_collector *col);

#endif
