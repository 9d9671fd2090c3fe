/* What POST /v1/report is answered, decided once for both HTTP paths (evhttp's in
 * http/report_evhttp.c, the lean one in http/report_lean.c): the status, its text, the header it
 * carries, the metric it is counted under and the audit line it logs. Each path only writes the
 * answer out. */
#ifndef WHB_REPORT_ANSWER_H
#define WHB_REPORT_ANSWER_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/writer.h"
#include "metrics.h"

struct whb_collector;

/* Audit lines, each rate-limited on its own. */
enum whb_report_audit {
    WHB_AUDIT_NONE,
    WHB_AUDIT_CERT,     /* the client certificate names another machine */
    WHB_AUDIT_KEY,      /* no valid per-machine key */
    WHB_AUDIT_CONFLICT, /* the id or name would shadow another machine's */
    WHB_AUDIT_DENIED,   /* the store's identity rules said no */
};

struct whb_report_answer {
    int code;                    /* the HTTP status; 200 with an ack (whb_report_ack) */
    const char *reason;          /* "Forbidden" */
    const char *header;          /* one header the answer carries ("Retry-After"), or NULL */
    const char *value;           /* its value */
    enum whb_reject_cause cause; /* counted under it when code is not 200 */
    char text[400];              /* the body: one line for the agent or the admin */
    enum whb_report_audit audit; /* the audit line it logs, with the peer's address */
    char subject[320];           /* what the audit line names: the FQDN, or the store's why */
};

/* Before decoding: 405 for a method other than POST, 413 for a body over max_body, 503 when
 * the writer's queue is full (a storm's 503 costs no decoding). 0: go on. */
int whb_report_admit(const struct whb_collector *col, int is_post, size_t body_len,
                     struct whb_report_answer *a);

/* 400 for a body that does not decode (why from the decoder). */
void whb_report_malformed(const char *why, struct whb_report_answer *a);

/* Who may report for the machine: with mTLS the verified client certificate (ssl, NULL over
 * plain HTTP) must name its FQDN; otherwise a per-machine key (Authorization: Bearer) is
 * needed, and X-Whb-Enrollment may carry the enrollment token. Fills it->in's identity.
 * 0, or WHB_EDENIED with the answer (401 or 403). */
int whb_report_identify(const struct whb_collector *col, SSL *ssl, const char *authorization,
                        const char *enrollment, struct whb_ingest_item *it,
                        struct whb_report_answer *a);

/* 503 when submitting found the queue full. */
void whb_report_busy(struct whb_report_answer *a);

/* Once the commit holding the report returned: 200 (ack) or the refusal (409, 400, 403, 503). */
void whb_report_committed(const struct whb_ingest_item *it, struct whb_report_answer *a);

/* The ack of a stored report into buf: its length, 0 when it does not fit. */
size_t whb_report_ack(const struct whb_collector *col, const struct whb_ingest_item *it,
                      uint8_t *buf, size_t cap);

/* Counts the answer (accepted, duplicate or rejected by cause) and logs its audit line. peer is
 * only read when there is one. */
void whb_report_note(struct whb_collector *col, const struct whb_ingest_item *it,
                     const struct whb_report_answer *a, const char *peer);

#endif
