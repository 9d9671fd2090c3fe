/* Implementation of report_answer.h: the texts agents and admins read are here, once. */
#include "ingest/answer.h"

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "clock.h"
#include "collector.h"
#include "error.h"
#include "identity.h"
#include "ingest/enroll.h"
#include "ingest/keys.h"
#include "log.h"
#include "store/store.h"

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

void whb_report_peer_of(int fd, struct whb_report_peer *p)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    memset(p, 0, sizeof(*p));
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl))
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        p->source.b[10] = p->source.b[11] = 0xff;
        memcpy(p->source.b + 12, &a->sin_addr, 4);
        inet_ntop(AF_INET, &a->sin_addr, p->ip, sizeof(p->ip));
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        int mapped = IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
        memcpy(p->source.b, &a->sin6_addr, mapped ? 16 : 8);
        if (mapped)
            inet_ntop(AF_INET, a->sin6_addr.s6_addr + 12, p->ip, sizeof(p->ip));
        else
            inet_ntop(AF_INET6, &a->sin6_addr, p->ip, sizeof(p->ip));
    }
}

/* The peer's address as text and as the caps' source: the connection's, read once, or read
 * now. */
static void source_of(const struct whb_report_sender *s, struct whb_store_report *in)
{
    struct whb_report_peer now;
    const struct whb_report_peer *p = s->peer;
    if (!p) {
        whb_report_peer_of(s->fd, &now);
        p = &now;
    }
    in->source = p->source;
    _Static_assert(sizeof(in->source_ip) == sizeof(p->ip), "the same address text");
    memcpy(in->source_ip, p->ip, sizeof(in->source_ip));
}

/* Whether the key is bound to some machine: the set first, the store on a miss. A store that
 * cannot say lets decoding go on (the writer decides, and answers 503 if it fails too). */
static int key_bound(struct whb_collector *col, struct whb_store *reader, const uint8_t *hash)
{
    if (col->keys && whb_keys_has(col->keys, hash))
        return 1;
    int known = reader && reader->ops->key_known ? reader->ops->key_known(reader, hash) : -1;
    if (known == 1 && col->keys)
        whb_keys_add(col->keys, hash);
    return known != 0;
}

int whb_report_sender(struct whb_collector *col, struct whb_store *reader,
                      const struct whb_report_sender *s, struct whb_ingest_item *it,
                      struct whb_report_answer *a)
{
    struct whb_store_report *in = &it->in;
    in->mode = col->cfg.identity;
    source_of(s, in);
    if (col->cfg.identity == WHB_IDENTITY_MTLS) {
        if (s->ssl && SSL_get_verify_result(s->ssl) == X509_V_OK) {
            X509 *cert = SSL_get0_peer_certificate(s->ssl);
            if (cert)
                return 0;
        }
        refuse(a, WHB_REJECT_DENIED, 403, "Forbidden",
               "forbidden: a verified client certificate is required");
        a->audit = WHB_AUDIT_NOCERT;
        return WHB_EDENIED;
    }
    if (whb_identity_key_hash(s->authorization, in->key_hash)) {
        refuse(a, WHB_REJECT_DENIED, 401, "Unauthorized",
               "unauthorized: a per-machine key (Authorization: Bearer) is required");
        a->header = "WWW-Authenticate";
        a->value = "Bearer";
        a->audit = WHB_AUDIT_KEY;
        return WHB_EDENIED;
    }
    in->enrolling = whb_identity_token_ok(s->enrollment, col->cfg.enrollment_token);
    if (key_bound(col, reader, in->key_hash))
        return 0;
    if (!in->enrolling) {
        refuse(a, WHB_REJECT_DENIED, 403, "Forbidden",
               "not_enrolled: forbidden: this machine is not enrolled; present the enrollment "
               "token");
        a->audit = WHB_AUDIT_UNKNOWN;
        return WHB_EDENIED;
    }
    /* A new binding: within its source's rate, or 429 before any decoding. */
    unsigned wait = whb_enroll_limit_take(col->enroll_limit, &in->source, whb_clock_wall_ms());
    if (wait) {
        refuse(a, WHB_REJECT_QUOTA, 429, "Too Many Requests", "");
        snprintf(a->text, sizeof(a->text),
                 "enrollment rate: too many new machines from this address; retry in %u s "
                 "([enrollment] per_source_per_minute)",
                 wait);
        snprintf(a->retry, sizeof(a->retry), "%u", wait);
        a->header = "Retry-After";
        a->value = a->retry;
        a->audit = WHB_AUDIT_RATE;
        return WHB_EBUSY;
    }
    return 0;
}

int whb_report_decode(const uint8_t *body, size_t len, struct whb_wire_arena *arena,
                      struct whb_ingest_item *it, struct whb_report_answer *a)
{
    char why[256];
    if (!(arena ? whb_wire_report_unpack_in(arena, body, len, &it->report, why, sizeof(why))
                : whb_wire_report_unpack(body, len, &it->report, why, sizeof(why))))
        return 0;
    whb_report_malformed(why, a);
    return WHB_EPROTO;
}

int whb_report_identify(const struct whb_collector *col, SSL *ssl, struct whb_ingest_item *it,
                        struct whb_report_answer *a)
{
    const char *fqdn = it->report->machine->fqdn;
    if (col->cfg.identity != WHB_IDENTITY_MTLS || cert_names_fqdn(ssl, fqdn))
        return 0;
    refuse(a, WHB_REJECT_DENIED, 403, "Forbidden",
           "forbidden: the client certificate does not name this machine");
    a->audit = WHB_AUDIT_CERT;
    snprintf(a->subject, sizeof(a->subject), "%s", fqdn);
    return WHB_EDENIED;
}

void whb_report_stamp(const struct whb_collector *col, struct whb_ingest_item *it)
{
    struct whb_store_report *in = &it->in;
    in->report = it->report;
    in->now_ms = whb_clock_wall_ms();
    in->grace = col->cfg.grace;
    in->enroll_rule = col->cfg.enroll_rule;
    in->events_per_hour = col->cfg.events_per_hour;
    in->events_burst = col->cfg.events_burst;
    in->events_kept = col->cfg.events_kept;
}

void whb_report_committed(const struct whb_ingest_item *it, struct whb_report_answer *a)
{
    const struct whb_store_result *r = &it->result;
    if (r->status == WHB_EDENIED && r->quota) {
        /* The agent keeps its events and sends them again later. */
        refuse(a, WHB_REJECT_QUOTA, 429, "Too Many Requests", "");
        snprintf(a->text, sizeof(a->text), "quota: %s", r->why);
        snprintf(a->retry, sizeof(a->retry), "%u", r->retry_after_s);
        a->header = "Retry-After";
        a->value = a->retry;
        a->audit = WHB_AUDIT_DENIED;
        snprintf(a->subject, sizeof(a->subject), "%s", r->why);
    } else if (r->status == WHB_EDENIED && r->conflict) {
        refuse(a, WHB_REJECT_DENIED, 409, "Conflict",
               strstr(r->why, "may not rename")
                   ? "conflict: WSUS lists this name for another computer; an admin decides "
                     "(whb release, whb forget)"
                   : "conflict: this machine's id or name would shadow another machine's name; "
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
               : !strncmp(r->why, "denied: ", 8)
                   ? r->why
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
        /* An enrollment the store took binds its key: the machine's next reports are known
         * without a store read each (a fleet enrolling after an install, or a storm). */
        if (it && it->in.enrolling && it->in.mode == WHB_IDENTITY_KEY && col->keys)
            whb_keys_add(col->keys, it->in.key_hash);
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
    case WHB_AUDIT_NOCERT:
        whb_log_limited(WHB_LOG_WARN,
                        "audit: denied report from %s: no verified client certificate", peer);
        break;
    case WHB_AUDIT_KEY:
        whb_log_limited(WHB_LOG_WARN, "audit: report from %s without a valid key", peer);
        break;
    case WHB_AUDIT_CONFLICT:
        whb_log_limited(WHB_LOG_WARN, "audit: refused report from %s: %s", peer, a->subject);
        break;
    case WHB_AUDIT_DENIED:
        whb_log_limited(WHB_LOG_WARN, "audit: denied report from %s: %s", peer, a->subject);
        break;
    case WHB_AUDIT_UNKNOWN:
        whb_log_limited(WHB_LOG_WARN,
                        "audit: denied report from %s: a key bound to no machine, without the "
                        "enrollment token",
                        peer);
        break;
    case WHB_AUDIT_RATE:
        whb_log_limited(WHB_LOG_WARN,
                        "audit: enrollment from %s refused: over [enrollment] "
                        "per_source_per_minute",
                        peer);
        break;
    case WHB_AUDIT_NONE:
        break;
    }
}
