/* What POST /v1/report gets on the lean path (report_conn.h calls these through its
 * environment): submitted, or answered at once, and the answer once its commit returned.
 * Internal to http/. */
#ifndef WHB_HTTP_REPORT_LEAN_H
#define WHB_HTTP_REPORT_LEAN_H

struct whb_report_conn;

void whb_report_serve(struct whb_report_conn *cn);
void whb_report_serve_committed(struct whb_report_conn *cn);

#endif
