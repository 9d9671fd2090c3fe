/* Internal to api/: what the read API's files share, the way they answer and each other's
 * handlers. */
#ifndef WHB_API_API_H
#define WHB_API_API_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"
#include "summaries/worker.h"

struct evhttp_request;
struct evkeyvalq;
struct whb_loop;

/* JSON bodies: text is sent and freed (NULL: 500); doc is dumped and released. */
void whb_api_reply_json_text(struct evhttp_request *req, int code, char *text);
void whb_api_reply_json(struct evhttp_request *req, int code, json_t *doc);
/* {"error": msg} */
void whb_api_reply_error(struct evhttp_request *req, int code, const char *msg);

/* A fleet-wide summary from the worker (summaries/worker.h), or 503. */
void whb_api_reply_summary(struct whb_loop *loop, struct evhttp_request *req, enum whb_summary k);

/* Streams the machines of a filter (list.c): {generated_at, machines: [...], count}; limit
 * 0: all of them; explain: each with its reason (the first few thousand). */
void whb_api_list_stream(struct whb_loop *loop, struct evhttp_request *req,
                         enum whb_store_filter_kind kind, const char *a, const char *b,
                         unsigned limit, int explain);

struct whb_caller;

/* /v1/machines/HOST/why and /history, and POST .../accept, /release, /forget (machine.c). */
void whb_api_machine(struct whb_loop *loop, struct evhttp_request *req, const char *path,
                     const struct whb_caller *caller);

/* Machines' identities (identity.c): the enrollments to review, and an admin's action on one
 * machine, audited with the caller. */
void whb_api_enrollments(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q);
void whb_api_identity_action(struct whb_loop *loop, struct evhttp_request *req, const char *host,
                             enum whb_store_admin action, const struct whb_caller *caller);
void whb_api_accept_all(struct whb_loop *loop, struct evhttp_request *req,
                        const struct whb_caller *caller);

/* WSUS's list (wsus.c). */
void whb_api_wsus_computers(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q);
void whb_api_wsus_import(struct whb_loop *loop, struct evhttp_request *req, int may_read);
/* Replaces the list with session's staged rows and answers as the import does (format: how the
 * file was read, for an upload; NULL for the CLI's parts). A caller who may not read (the upload
 * token) gets the counts only. */
void whb_api_wsus_finish(struct whb_loop *loop, struct evhttp_request *req, const char *session,
                         int64_t now, const char *format, int may_read);
/* POST /v1/wsus/upload: the file itself (upload.c). */
void whb_api_wsus_upload(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q,
                         int may_read);
/* What an import changed, as JSON: {before, added, removed, kept, added_names, removed_names}. */
json_t *whb_api_wsus_change_json(const struct whb_wsus_change *c);

/* The switches' own word on their ports (switch.c): /v1/network/switch/ports. */
void whb_api_switch_ports(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q);
json_t *whb_api_switch_port_json(const struct whb_switch_port *p);

/* The console's additions (pages.c): returns 1 when it handled path. */
int whb_api_pages_route(struct whb_loop *loop, struct evhttp_request *req, const char *path,
                        struct evkeyvalq *q);

#endif
