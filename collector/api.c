/* The collector's read API (JSON): filled in with the explanation engine. */
#include "server.h"

int whb_api_route(struct whb_server *srv, struct evhttp_request *req, const char *path)
{
    (void)srv;
    (void)req;
    (void)path;
    return 0;
}
