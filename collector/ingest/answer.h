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
struct whb_store;

/* Audit lines, each rate-limited on its own. */
enum whb_report_audit {
    WHB_AUDIT_NONE,
    WHB_AUDIT_CERT,     /* the client certificate names another machine */
    WHB_AUDIT_NOCERT,   /* mTLS, and no verified client certificate */
    WHB_AUDIT_KEY,      /* no valid per-machine key */
    WHB_AUDIT_CONFLICT, /* the id or name would shadow another machine's */
    WHB_AUDIT_DENIED,   /* the store's identity rules said no */
    WHB_AUDIT_UNKNOWN,  /* a key bound to no machine, without the enrollment token */
    WHB_AUDIT_RATE,     /* enrollments from one source beyond its rate */
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
    char retry[16];              /* Retry-After's value when computed (value points here) */
};

/* Before decoding: 405 for a method other than POST, 413 for a body over max_body, 503 when
 * the writer's queue is full (a storm's 503 costs no decoding). 0: go on. */
int whb_report_admit(const struct whb_collector *col, int is_post, size_t body_len,
                     struct whb_report_answer *a);

/* 400 for a body that does not decode (why from the decoder). */
void whb_report_malformed(const char *why, struct whb_report_answer *a);

/* A connection's peer address, as the caps and the store take it. */
struct whb_report_peer {
    struct whb_source source; /* IPv6 by its /64 */
    char ip[48];
};

/* The peer of the connection fd; all zero when it cannot be read. */
void whb_report_peer_of(int fd, struct whb_report_peer *p);

/* What the connection says of a report's sender before its body is decoded. */
struct whb_report_sender {
    SSL *ssl;                  /* the TLS session, NULL over plain HTTP */
    const char *authorization; /* "Bearer <the machine's key>" (key mode) */
    const char *enrollment;    /* X-Whb-Enrollment: the enrollment token, when enrolling */
    int fd;                    /* the connection: its peer's address */
    /* The peer's address read once for the connection (whb_report_peer_of), or NULL: read
     * from fd for this report. */
    const struct whb_report_peer *peer;
};

/* The sender first, the body after (issue 22: decoding ran before the key was looked at).
 * mTLS: a verified client certificate. Key mode: a well-formed key (else 401), bound to a
 * machine in the store (reader, this loop's handle) or coming with the enrollment token (else
 * 403 not_enrolled), and, for a new binding, within its source's enrollment rate (else 429).
 * Fills it->in's identity and source. Whose key it is (the machine id in the body) the store
 * still checks. 0, or an error with the answer. */
int whb_report_sender(struct whb_collector *col, struct whb_store *reader,
                      const struct whb_report_sender *s, struct whb_ingest_item *it,
                      struct whb_report_answer *a);

/* The body, scanned and decoded (proto/wire.h) into it->report: 0, or 400 with the cause.
 * With an arena (wire_arena.h) the report is decoded into it, and goes with its reset; NULL:
 * malloc'd, for whb_wire_report_free. */
int whb_report_decode(const uint8_t *body, size_t len, struct whb_wire_arena *arena,
                      struct whb_ingest_item *it, struct whb_report_answer *a);

/* Once decoded, with mTLS: the verified certificate must name the report's FQDN. 0, or
 * WHB_EDENIED with the answer (403). */
int whb_report_identify(const struct whb_collector *col, SSL *ssl, struct whb_ingest_item *it,
                        struct whb_report_answer *a);

/* What the writer needs besides the report: its time of receipt and the collector's rules. */
void whb_report_stamp(const struct whb_collector *col, struct whb_ingest_item *it);

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
