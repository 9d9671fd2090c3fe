/* POST /v1/report through evhttp: a report that follows another request on a connection evhttp
 * already reads (the lean path, report_conn.h, takes the rest). Internal to http/. */
#ifndef WHB_HTTP_REPORT_EVHTTP_H
#define WHB_HTTP_REPORT_EVHTTP_H

struct evhttp_request;
struct whb_ingest_item;
struct whb_loop;

/* Admits, decodes, identifies and submits the report, or answers at once. */
void whb_report_evhttp(struct whb_loop *loop, struct evhttp_request *req);

/* The loop's ingest port's done callback (arg: the loop): the ack or the refusal. */
void whb_report_evhttp_committed(struct whb_ingest_item *it, void *arg);

#endif
