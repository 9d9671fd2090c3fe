/* What POST /v1/report answers on the lean path: the same checks, texts, audit lines and
 * metrics as http.c's on_report/on_committed, from the request's spans instead of evhttp's. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "identity.h"
#include "log.h"
#include "report_conn.h"
#include "server.h"

#define TEXT "text/plain; charset=utf-8"

/* A text answer ("...\n"), counted under cause like http.c's reject(). */
static void reject(struct whb_report_conn *cn, enum whb_reject_cause cause, int code,
                   const char *reason, const char *extra, const char *text)
{
    char body[512];
    int n = snprintf(body, sizeof(body), "%s\n", text);
    atomic_fetch_add(&cn->loop->srv->primary->metrics.rejected[cause], 1);
    whb_report_conn_reply(cn, code, reason, extra, TEXT, body,
                          n < 0                      ? 0
                          : (size_t)n < sizeof(body) ? (size_t)n
                                                     : sizeof(body) - 1,
                          0);
}

/* A header's value as a C string: the byte after it (CR, LF or blank) was parsed already. */
static const char *cstr(struct whb_report_http_span *s)
{
    if (!s->p)
        return NULL;
    ((char *)s->p)[s->n] = '\0';
    return s->p;
}

/* mTLS: the verified client certificate must name the report's FQDN. */
static int cert_names_fqdn(struct whb_report_conn *cn, const char *fqdn)
{
    if (!cn->ssl || SSL_get_verify_result(cn->ssl) != X509_V_OK)
        return 0;
    X509 *cert = SSL_get1_peer_certificate(cn->ssl);
    int ok = whb_identity_cert_matches(cert, fqdn);
    X509_free(cert);
    return ok;
}

static int authenticate(struct whb_report_conn *cn, struct whb_ingest_item *it)
{
    struct whb_server *srv = cn->loop->srv;
    const char *fqdn = it->report->machine->fqdn;
    char peer[80];

    it->in.mode = srv->cfg.identity;
    if (srv->cfg.identity == WHB_IDENTITY_MTLS) {
        if (cert_names_fqdn(cn, fqdn))
            return 0;
        whb_report_conn_peer(cn, peer, sizeof(peer));
        whb_log_limited(WHB_LOG_WARN,
                        "audit: denied report for %s from %s: client certificate names another "
                        "machine",
                        fqdn, peer);
        reject(cn, WHB_REJECT_DENIED, 403, "Forbidden", NULL,
               "forbidden: the client certificate does not name this machine");
        return WHB_EDENIED;
    }
    if (whb_identity_key_hash(cstr(&cn->http.req.authorization), it->in.key_hash)) {
        whb_report_conn_peer(cn, peer, sizeof(peer));
        whb_log_limited(WHB_LOG_WARN, "audit: report for %s from %s without a valid key", fqdn,
                        peer);
        reject(cn, WHB_REJECT_DENIED, 401, "Unauthorized", "WWW-Authenticate: Bearer\r\n",
               "unauthorized: a per-machine key (Authorization: Bearer) is required");
        return WHB_EDENIED;
    }
    it->in.enrolling =
        whb_identity_token_ok(cstr(&cn->http.req.enrollment), srv->cfg.enrollment_token);
    return 0;
}

void whb_report_serve(struct whb_report_conn *cn)
{
    struct whb_server *srv = cn->loop->srv;
    struct whb_report_http_req *req = &cn->http.req;
    struct whb_ingest_item *it = &cn->item;
    char why[256], text[300];

    if (req->method != HTTP_POST) {
        reject(cn, WHB_REJECT_METHOD, 405, "Method Not Allowed", "Allow: POST\r\n", "use POST");
        return;
    }
    if (req->body.n > srv->cfg.max_body) {
        reject(cn, WHB_REJECT_MALFORMED, 413, "Payload Too Large", NULL, "report too large");
        return;
    }
    /* In a reconnect storm most reports find the queue full: answered before any decoding. */
    if (whb_ingest_full(srv->ingest)) {
        reject(cn, WHB_REJECT_OVERLOAD, 503, "Service Unavailable", "Retry-After: 1\r\n",
               "collector busy, retry later");
        return;
    }
    memset(it, 0, sizeof(*it));
    if (whb_wire_report_unpack((const uint8_t *)req->body.p, req->body.n, &it->report, why,
                               sizeof(why))) {
        snprintf(text, sizeof(text), "malformed report: %s", why);
        reject(cn, WHB_REJECT_MALFORMED, 400, "Bad Request", NULL, text);
        return;
    }
    if (authenticate(cn, it))
        goto drop;
    it->request = cn;
    it->port = cn->loop->port;
    it->in.report = it->report;
    it->in.now_ms = whb_clock_wall_ms();
    it->in.grace = srv->cfg.grace;
    cn->in_writer = 1;
    if (whb_ingest_submit(srv->ingest, it)) {
        cn->in_writer = 0;
        reject(cn, WHB_REJECT_OVERLOAD, 503, "Service Unavailable", "Retry-After: 1\r\n",
               "collector busy, retry later");
        goto drop;
    }
    return;
drop:
    whb_wire_report_free(it->report);
    it->report = NULL;
}

static void answer_ack(struct whb_report_conn *cn)
{
    struct whb_server *srv = cn->loop->srv;
    struct whb_ingest_item *it = &cn->item;
    whb_ack ack = WHB__V1__ACK__INIT;
    uint8_t buf[512]; /* an ack is a boot id (<= 64 bytes) and three numbers */
    ack.acked_seq = it->result.acked_seq;
    ack.server_time_ms = whb_clock_wall_ms();
    ack.interval_s = srv->cfg.interval_s;
    ack.boot_id = it->report->boot_id;
    if (whb__v1__ack__get_packed_size(&ack) <= sizeof(buf)) {
        size_t n = whb__v1__ack__pack(&ack, buf);
        whb_report_conn_reply(cn, 200, "OK", NULL, "application/x-protobuf", buf, n, 0);
    } else {
        whb_report_conn_reply(cn, 503, "Service Unavailable", NULL, NULL, NULL, 0, 0);
    }
    atomic_fetch_add(&srv->primary->metrics.accepted, 1);
    if (it->result.duplicate)
        atomic_fetch_add(&srv->primary->metrics.duplicates, 1);
}

/* Runs on the loop's thread once the commit holding the report returned; a connection whose
 * peer went meanwhile (dead) is only counted, its reply goes nowhere. */
void whb_report_serve_committed(struct whb_report_conn *cn)
{
    struct whb_ingest_item *it = &cn->item;
    char peer[80], text[360];

    cn->in_writer = 0;
    if (it->result.status == WHB_EDENIED && it->result.conflict) {
        whb_report_conn_peer(cn, peer, sizeof(peer));
        whb_log_limited(WHB_LOG_WARN, "audit: refused report from %s: %s", peer, it->result.why);
        reject(cn, WHB_REJECT_DENIED, 409, "Conflict", NULL,
               "conflict: this machine's id or name would shadow another machine's name; "
               "see the collector's audit log");
    } else if (it->result.status == WHB_EPROTO) {
        snprintf(text, sizeof(text), "malformed report: %s", it->result.why);
        reject(cn, WHB_REJECT_MALFORMED, 400, "Bad Request", NULL, text);
    } else if (it->result.status == WHB_EDENIED) {
        whb_report_conn_peer(cn, peer, sizeof(peer));
        whb_log_limited(WHB_LOG_WARN, "audit: denied report from %s: %s", peer, it->result.why);
        /* The first word is for the agent: not_enrolled makes it present its token again;
         * key_mismatch needs an admin. */
        reject(cn, WHB_REJECT_DENIED, 403, "Forbidden", NULL,
               it->result.denial == WHB_DENY_NOT_ENROLLED
                   ? "not_enrolled: forbidden: this machine is not enrolled; present the "
                     "enrollment token"
               : it->result.denial == WHB_DENY_KEY_MISMATCH
                   ? "key_mismatch: forbidden: another key is bound to this machine"
                   : "denied: forbidden: this machine is bound to another identity");
    } else if (it->result.status) {
        reject(cn, WHB_REJECT_STORE, 503, "Service Unavailable", "Retry-After: 5\r\n",
               "storage unavailable");
    } else {
        answer_ack(cn);
    }
    whb_wire_report_free(it->report);
    it->report = NULL;
}
