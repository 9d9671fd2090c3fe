/* Implementation of report_answer.h: the texts agents and admins read are here, once. */
#include "ingest/answer.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "identity.h"
#include "log.h"
#include "collector.h"

static void refuse(struct whb_report_answer *a, enum whb_reject_cause cause, int code,
                   const char *reason, const char *text)
{
    memset(a, 0, sizeof(*a));
    a->code = code;
    a->reason = reason;
    a->cause = cause;
    snprintf(a->text, sizeof(a->text), "%s", text);
}

int whb_report_admit(const struct whb_collector *col, int is_post, size_t body_len,
                     struct whb_report_answer *a)
{
    if (!is_post) {
        refuse(a, WHB_REJECT_METHOD, 405, "Method Not Allowed", "use POST");
        a->header = "Allow";
        a->value = "POST";
        return WHB_EINVAL;
    }
    if (body_len > col->cfg.max_body) {
        refuse(a, WHB_REJECT_MALFORMED, 413, "Payload Too Large", "report too large");
        return WHB_EINVAL;
    }
    if (whb_ingest_full(col->ingest)) {
        whb_report_busy(a);
        return WHB_EBUSY;
    }
    return 0;
}

void whb_report_malformed(const char *why, struct whb_report_answer *a)
{
    refuse(a, WHB_REJECT_MALFORMED, 400, "Bad Request", "");
    snprintf(a->text, sizeof(a->text), "malformed report: %s", why);
}

void whb_report_busy(struct whb_report_answer *a)
{
    refuse(a, WHB_REJECT_OVERLOAD, 503, "Service Unavailable", "collector busy, retry later");
    a->header = "Retry-After";
    a->value = "1";
}

/* mTLS: the verified client certificate must name the report's FQDN. */
static int cert_names_fqdn(SSL *ssl, const char *fqdn)
{
    if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK)
        return 0;
    X509 *cert = SSL_get1_peer_certificate(ssl);
    int ok = whb_identity_cert_matches(cert, fqdn);
    X509_free(cert);
    return ok;
}

int whb_report_identify(const struct whb_collector *col, SSL *ssl, const char *authorization,
                        const char *enrollment, struct whb_ingest_item *it,
                        struct whb_report_answer *a)
{
    const char *fqdn = it->report->machine->fqdn;
    it->in.mode = col->cfg.identity;
    if (col->cfg.identity == WHB_IDENTITY_MTLS) {
        if (cert_names_fqdn(ssl, fqdn))
            return 0;
        refuse(a, WHB_REJECT_DENIED, 403, "Forbidden",
               "forbidden: the client certificate does not name this machine");
        a->audit = WHB_AUDIT_CERT;
        snprintf(a->subject, sizeof(a->subject), "%s", fqdn);
        return WHB_EDENIED;
    }
    if (whb_identity_key_hash(authorization, it->in.key_hash)) {
        refuse(a, WHB_REJECT_DENIED, 401, "Unauthorized",
               "unauthorized: a per-machine key (Authorization: Bearer) is required");
        a->header = "WWW-Authenticate";
        a->value = "Bearer";
        a->audit = WHB_AUDIT_KEY;
        snprintf(a->subject, sizeof(a->subject), "%s", fqdn);
        return WHB_EDENIED;
    }
    it->in.enrolling = whb_identity_token_ok(enrollment, col->cfg.enrollment_token);
    return 0;
}

void whb_report_committed(const struct whb_ingest_item *it, struct whb_report_answer *a)
{
    const struct whb_store_result *r = &it->result;
    if (r->status == WHB_EDENIED && r->conflict) {
        refuse(a, WHB_REJECT_DENIED, 409, "Conflict",
               "conflict: this machine's id or name would shadow another machine's name; "
               "see the collector's audit log");
        a->audit = WHB_AUDIT_CONFLICT;
        snprintf(a->subject, sizeof(a->subject), "%s", r->why);
    } else if (r->status == WHB_EPROTO) {
        whb_report_malformed(r->why, a);
    } else if (r->status == WHB_EDENIED) {
        /* The first word is for the agent: not_enrolled makes it present its token again;
         * key_mismatch needs an admin. */
        refuse(a, WHB_REJECT_DENIED, 403, "Forbidden",
               r->denial == WHB_DENY_NOT_ENROLLED
                   ? "not_enrolled: forbidden: this machine is not enrolled; present the "
                     "enrollment token"
               : r->denial == WHB_DENY_KEY_MISMATCH
                   ? "key_mismatch: forbidden: another key is bound to this machine"
                   : "denied: forbidden: this machine is bound to another identity");
        a->audit = WHB_AUDIT_DENIED;
        snprintf(a->subject, sizeof(a->subject), "%s", r->why);
    } else if (r->status) {
        refuse(a, WHB_REJECT_STORE, 503, "Service Unavailable", "storage unavailable");
        a->header = "Retry-After";
        a->value = "5";
    } else {
        /* The ack: nothing else of the answer is read, so no clearing on this hot path. */
        a->code = 200;
        a->reason = "OK";
        a->header = NULL;
        a->audit = WHB_AUDIT_NONE;
    }
}

size_t whb_report_ack(const struct whb_collector *col, const struct whb_ingest_item *it,
                      uint8_t *buf, size_t cap)
{
    whb_ack ack = WHB__V1__ACK__INIT;
    ack.acked_seq = it->result.acked_seq;
    ack.server_time_ms = whb_clock_wall_ms();
    ack.interval_s = col->cfg.interval_s;
    ack.boot_id = it->report->boot_id;
    if (whb__v1__ack__get_packed_size(&ack) > cap)
        return 0;
    return whb__v1__ack__pack(&ack, buf);
}

void whb_report_note(struct whb_collector *col, const struct whb_ingest_item *it,
                     const struct whb_report_answer *a, const char *peer)
{
    struct whb_metrics *m = &col->metrics;
    if (a->code == 200) {
        atomic_fetch_add(&m->accepted, 1);
        if (it && it->result.duplicate)
            atomic_fetch_add(&m->duplicates, 1);
        return;
    }
    atomic_fetch_add(&m->rejected[a->cause], 1);
    peer = peer ? peer : "?";
    switch (a->audit) {
    case WHB_AUDIT_CERT:
        whb_log_limited(WHB_LOG_WARN,
                        "audit: denied report for %s from %s: client certificate names another "
                        "machine",
                        a->subject, peer);
        break;
    case WHB_AUDIT_KEY:
        whb_log_limited(WHB_LOG_WARN, "audit: report for %s from %s without a valid key",
                        a->subject, peer);
        break;
    case WHB_AUDIT_CONFLICT:
        whb_log_limited(WHB_LOG_WARN, "audit: refused report from %s: %s", peer, a->subject);
        break;
    case WHB_AUDIT_DENIED:
        whb_log_limited(WHB_LOG_WARN, "audit: denied report from %s: %s", peer, a->subject);
        break;
    case WHB_AUDIT_NONE:
        break;
    }
}
