/* What api_pages.c borrows from api.c: the same JSON shapes and the same way of answering. */
#ifndef WHB_API_PAGES_H
#define WHB_API_PAGES_H

#include <jansson.h>
#include <stdint.h>

#include "explain/explain.h"
#include "status.h"
#include "store.h"

struct evhttp_request;
struct whb_server;

void whb_api_reply_json(struct evhttp_request *req, int code, json_t *doc);
json_t *whb_api_iso(int64_t ms);
json_t *whb_api_attachment_json(const struct whb_machine_view *m);
/* Streams the machines of a filter (api_list.c): {generated_at, machines: [...], count}; limit
 * 0: all of them; explain: each with its reason (the first few thousand). */
void whb_api_list_stream(struct whb_server *srv, struct evhttp_request *req,
                         enum whb_store_filter_kind kind, const char *a, const char *b,
                         unsigned limit, int explain);
/* The key of a sort by switch: switch (or SSID), port (or BSSID), name. */
#define WHB_API_WHERE_MAX 700
void whb_api_sort_where(const struct whb_machine_view *m, char *buf, size_t len);
/* GET /v1/status and the other fleet-wide summaries: status.h. */
void whb_api_reply_summary(struct whb_server *srv, struct evhttp_request *req, enum whb_summary k);

#endif
