/* Small facts and answers of an evhttp request that every part answering one needs. */
#ifndef WHB_HTTP_REPLY_H
#define WHB_HTTP_REPLY_H

#include <stddef.h>

struct evhttp_request;

/* Answers with a short text body, e.g. "400 malformed report: seq missing". */
void whb_http_reply_text(struct evhttp_request *req, int code, const char *reason,
                         const char *text);

/* "address:port" of the peer, for audit lines. */
void whb_http_peer_name(struct evhttp_request *req, char *buf, size_t len);

#endif
