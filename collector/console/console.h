/* The web console: its files from the binary (web_assets.h), the login page's endpoints and
 * the security headers every console answer carries. */
#ifndef WHB_CONSOLE_H
#define WHB_CONSOLE_H

struct evhttp_request;
struct whb_collector;

/* Returns 1 when path belongs to the console and the request was answered. */
int whb_console_route(struct whb_collector *col, struct evhttp_request *req, const char *path);

/* Frees the session table (NULL is fine). */
void whb_console_free(struct whb_collector *col);

#endif
