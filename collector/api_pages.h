/* What api_pages.c borrows from api.c: the same JSON shapes and the same way of answering. */
#ifndef WHB_API_PAGES_H
#define WHB_API_PAGES_H

#include <jansson.h>
#include <stdint.h>

#include "explain/explain.h"

struct evhttp_request;

void whb_api_reply_json(struct evhttp_request *req, int code, json_t *doc);
json_t *whb_api_iso(int64_t ms);
json_t *whb_api_attachment_json(const struct whb_machine_view *m);

#endif
