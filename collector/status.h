/* GET /v1/status explains up to thousands of silent machines: seconds at a large fleet, during
 * which the HTTP thread would answer no report. With more than WHB_STATUS_IN_PLACE silent
 * machines the summary is made on a thread of its own, with its own store handle, and served
 * from the last one made (its generated_at says when); a refresh starts when it is older than
 * WHB_STATUS_FRESH_MS. Only the first such request waits for it. */
#ifndef WHB_STATUS_H
#define WHB_STATUS_H

#include <stdint.h>

#define WHB_STATUS_FRESH_MS 5000
#define WHB_STATUS_IN_PLACE 200

struct whb_server;
struct whb_status;

/* Opens its own handle on the database at db_path. */
int whb_status_start(struct whb_server *srv, const char *db_path, struct whb_status **out);
void whb_status_stop(struct whb_status *s);

/* A copy of the latest summary (the caller frees it); NULL when the store cannot be read.
 * s may be NULL: then it is made in place with srv's reader. */
char *whb_status_text(struct whb_status *s, struct whb_server *srv, int64_t now);

/* The summary itself (api.c), through the store handle st. */
struct whb_store;
char *whb_api_status_text(struct whb_server *srv, struct whb_store *st, int64_t now);

#endif
