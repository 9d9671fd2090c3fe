/* Implementation of the JSON answers of api.h. */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>

#include "api/api.h"
#include "http/reply.h"

/* Sends JSON text as the body and frees it. */
void whb_api_reply_json_text(struct evhttp_request *req, int code, char *text)
{
    if (!text) {
        whb_http_reply_text(req, 500, "Internal Server Error", "out of memory");
        return;
    }
    struct evbuffer *body = evbuffer_new();
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    if (body)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", body);
    if (body)
        evbuffer_free(body);
    free(text);
}

void whb_api_reply_json(struct evhttp_request *req, int code, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    whb_api_reply_json_text(req, code, text);
}

void whb_api_reply_error(struct evhttp_request *req, int code, const char *msg)
{
    whb_api_reply_json(req, code, json_pack("{s:s}", "error", msg));
}
