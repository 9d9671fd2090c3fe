/* What POST /v1/report is answered (collector/ingest/answer.c): admission before decoding (405,
 * 413, 503 with the writer's queue full), a malformed body (400 with the decoder's why), who may
 * report, asked before the body (a per-machine key bound in the store, or the enrollment token
 * within its source's rate; mTLS through real handshakes with the collector's own TLS context), the
 * answer to each result of a real SQLite store (200, 409, 400, 403 and their first words, 503), the
 * ack as the agent decodes it, and the counters and audit lines each answer is noted under. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "collector.h"
#include "error.h"
#include "http/tls.h"
#include "identity.h"
#include "ingest/answer.h"
#include "ingest/enroll.h"
#include "ingest/keys.h"
#include "log.h"
#include "sample.h"
#include "store/store.h"
#include "testdb.h"
#include "tmpdir.h"

#define KEY_A "Bearer 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY_B "Bearer ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define TOKEN "enroll-s3cret"
#define T0    1764000000000LL

/* Audit lines as the log layer writes them. */
static char audit[8][512];
static unsigned naudit;

static void capture(enum whb_log_level level, const char *line)
{
    if (level == WHB_LOG_WARN && !strncmp(line, "audit: ", 7) && naudit < 8)
        snprintf(audit[naudit++], sizeof(audit[0]), "%s", line);
}

struct fixture {
    char dir[256], db[300];
    struct whb_collector col;
    struct whb_store *store;
    struct event_base *base;
    struct whb_ingest_port *port;
    unsigned answered;
};

static void on_done(struct whb_ingest_item *it, void *arg)
{
    struct fixture *f = arg;
    f->answered++;
    whb_ingest_item_free(it);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[256];
    if (!f || test_tmpdir(f->dir, sizeof(f->dir)))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
    whb_config_defaults(&f->col.cfg);
    snprintf(f->col.cfg.enrollment_token, sizeof(f->col.cfg.enrollment_token), TOKEN);
    f->col.cfg.interval_s = 30;
    if (whb_store_sqlite.open(f->db, &f->store, why, sizeof(why)) ||
        whb_ingest_start(f->store, 1, 16, &f->col.metrics, &f->col.ingest) ||
        !(f->base = event_base_new()) ||
        !(f->port = whb_ingest_port_new(f->col.ingest, f->base, on_done, f))) {
        fprintf(stderr, "setup: %s\n", why);
        return -1;
    }
    if (!(f->col.keys = whb_keys_new()))
        return -1;
    naudit = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    whb_ingest_stop(f->col.ingest);
    whb_keys_free(f->col.keys);
    event_base_free(f->base);
    f->store->ops->close(f->store);
    test_rmtree(f->dir);
    free(f);
    return 0;
}

/* A report of machine n as the HTTP layer has it after decoding. */
static struct whb_ingest_item *item_new(struct fixture *f, unsigned n, uint64_t seq)
{
    struct whb_ingest_item *it = calloc(1, sizeof(*it));
    assert_non_null(it);
    assert_non_null(it->report = sample_report(n, seq, 1));
    it->port = f->port;
    it->in.report = it->report;
    it->in.now_ms = T0 + (int64_t)seq * 1000;
    it->in.grace = 3;
    return it;
}

static uint64_t rejected(struct fixture *f, enum whb_reject_cause c)
{
    return atomic_load(&f->col.metrics.rejected[c]);
}

static void admission_refuses_before_decoding(void **state)
{
    struct fixture *f = *state;
    struct whb_report_answer a;
    f->col.cfg.max_body = 4096;

    assert_int_equal(whb_report_admit(&f->col, 0, 10, &a), WHB_EINVAL);
    assert_int_equal(a.code, 405);
    assert_string_equal(a.reason, "Method Not Allowed");
    assert_string_equal(a.header, "Allow");
    assert_string_equal(a.value, "POST");
    assert_int_equal(a.cause, WHB_REJECT_METHOD);
    whb_report_note(&f->col, NULL, &a, "10.0.0.9");
    assert_int_equal(rejected(f, WHB_REJECT_METHOD), 1);

    assert_int_equal(whb_report_admit(&f->col, 1, 4096, &a), 0);
    assert_int_equal(whb_report_admit(&f->col, 1, 4097, &a), WHB_EINVAL);
    assert_int_equal(a.code, 413);
    assert_string_equal(a.text, "report too large");
    assert_null(a.header);
    assert_int_equal(a.cause, WHB_REJECT_MALFORMED);
    whb_report_note(&f->col, NULL, &a, "10.0.0.9");
    assert_int_equal(rejected(f, WHB_REJECT_MALFORMED), 1);
    assert_int_equal(naudit, 0); /* refusals of the form are counted, not audited */

    /* The writer's queue (max_pending 1) holds one report while the store is locked. */
    void *lock = testdb_lock(f->db);
    assert_non_null(lock);
    struct whb_ingest_item *it = item_new(f, 1, 1);
    it->in.enrolling = 1;
    assert_int_equal(whb_ingest_submit(f->col.ingest, it), 0);
    assert_int_equal(whb_report_admit(&f->col, 1, 100, &a), WHB_EBUSY);
    assert_int_equal(a.code, 503);
    assert_string_equal(a.header, "Retry-After");
    assert_string_equal(a.value, "1");
    assert_int_equal(a.cause, WHB_REJECT_OVERLOAD);
    whb_report_note(&f->col, NULL, &a, NULL);
    assert_int_equal(rejected(f, WHB_REJECT_OVERLOAD), 1);
    /* A method is refused before the queue is looked at. */
    assert_int_equal(whb_report_admit(&f->col, 0, 100, &a), WHB_EINVAL);
    assert_int_equal(a.code, 405);
    testdb_unlock(lock);
    for (int ms = 0; ms < 10000 && !f->answered; ms++) {
        event_base_loop(f->base, EVLOOP_NONBLOCK);
        usleep(1000);
    }
    assert_int_equal(f->answered, 1);
    assert_int_equal(whb_report_admit(&f->col, 1, 100, &a), 0);
}

static void a_malformed_body_is_answered_with_the_decoders_why(void **state)
{
    (void)state;
    struct whb_report_answer a;
    whb_report *r = NULL;
    char why[256];
    struct sample *s = sample_new(1, 1, 0);
    s->adapter.name = "LAN \xe2\x80\xae"
                      "1"; /* a bidi override */
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    assert_int_not_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_null(r);
    whb_report_malformed(why, &a);
    assert_int_equal(a.code, 400);
    assert_string_equal(a.reason, "Bad Request");
    assert_int_equal(a.cause, WHB_REJECT_MALFORMED);
    assert_int_equal(a.audit, WHB_AUDIT_NONE);
    char want[300];
    snprintf(want, sizeof(want), "malformed report: %s", why);
    assert_string_equal(a.text, want);
    assert_non_null(strstr(a.text, "bidi override"));
    free(buf);
    sample_free(s);
    /* A why longer than the answer's text is cut, never overrun. */
    char longwhy[1000];
    memset(longwhy, 'x', sizeof(longwhy) - 1);
    longwhy[sizeof(longwhy) - 1] = '\0';
    whb_report_malformed(longwhy, &a);
    assert_int_equal(strlen(a.text), sizeof(a.text) - 1);
    assert_memory_equal(a.text, "malformed report: xxx", 21);
}

/* The sender before the body (issue 22: decoding ran before the key was looked at): no key is
 * 401, a key bound to no machine without the token is 403 not_enrolled, and nothing of the
 * body is read for either; a new binding is within its source's enrollment rate. */
static void the_sender_is_known_before_the_body(void **state)
{
    struct fixture *f = *state;
    struct whb_report_answer a;
    uint8_t want[WHB_IDENTITY_HASH_LEN];
    struct whb_ingest_item *it = calloc(1, sizeof(*it));
    struct whb_report_sender s = {.fd = -1, .enrollment = TOKEN};
    assert_non_null(it);

    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 401);
    assert_string_equal(a.header, "WWW-Authenticate");
    assert_string_equal(a.value, "Bearer");
    assert_int_equal(a.cause, WHB_REJECT_DENIED);
    assert_int_equal(a.audit, WHB_AUDIT_KEY);
    whb_report_note(&f->col, NULL, &a, "10.0.0.7");
    assert_int_equal(rejected(f, WHB_REJECT_DENIED), 1);
    assert_int_equal(naudit, 1);
    assert_string_equal(audit[0], "audit: report from 10.0.0.7 without a valid key");
    s.authorization = "Basic dXNlcjpwdw==";
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 401);

    /* A key bound to nothing, without the token: not enrolled, before decoding. */
    s.authorization = KEY_A;
    s.enrollment = NULL;
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 403);
    assert_memory_equal(a.text, "not_enrolled:", 13);
    assert_int_equal(a.audit, WHB_AUDIT_UNKNOWN);
    s.enrollment = TOKEN "x"; /* a wrong token is no token */
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EDENIED);
    /* With the token: enrolling, identified by its key's hash. */
    s.enrollment = TOKEN;
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), 0);
    assert_int_equal(it->in.mode, WHB_IDENTITY_KEY);
    assert_int_equal(whb_identity_key_hash(KEY_A, want), 0);
    assert_memory_equal(it->in.key_hash, want, WHB_IDENTITY_HASH_LEN);
    assert_true(it->in.enrolling);
    /* Once the store binds it, the key alone will do (looked up in the store, then known). */
    assert_non_null(it->report = sample_report(7, 1, 1));
    it->in.report = it->report;
    it->in.now_ms = T0;
    it->in.grace = 3;
    assert_int_equal(f->store->ops->begin(f->store), 0);
    assert_int_equal(f->store->ops->put_report(f->store, &it->in, &it->result), 0);
    assert_int_equal(f->store->ops->commit(f->store), 0);
    s.enrollment = NULL;
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), 0);
    assert_false(it->in.enrolling);
    assert_true(whb_keys_has(f->col.keys, want));

    /* New bindings from one source: within the rate, then 429 before any decoding. */
    f->col.enroll_limit = whb_enroll_limit_new(2);
    s.enrollment = TOKEN;
    s.authorization = KEY_B;
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), 0);
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), 0);
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EBUSY);
    assert_int_equal(a.code, 429);
    assert_string_equal(a.header, "Retry-After");
    assert_string_equal(a.value, "30"); /* one enrollment every 30 s */
    assert_int_equal(a.cause, WHB_REJECT_QUOTA);
    assert_int_equal(a.audit, WHB_AUDIT_RATE);
    /* A bound key is no enrollment: not counted. */
    s.authorization = KEY_A;
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), 0);
    whb_enroll_limit_free(f->col.enroll_limit);
    f->col.enroll_limit = NULL;

    /* A collector without a token enrolls nobody, even for an empty one. */
    f->col.cfg.enrollment_token[0] = '\0';
    s.authorization = KEY_B;
    s.enrollment = "";
    assert_int_equal(whb_report_sender(&f->col, f->store, &s, it, &a), WHB_EDENIED);
    assert_false(it->in.enrolling);
    whb_ingest_item_free(it);
}

/* Certificates for the mTLS cases: a CA the collector trusts, its server certificate, and
 * machine certificates. */
static X509 *make_cert(const char *cn, const char *san, int ca, X509 *issuer, EVP_PKEY *issuer_key,
                       EVP_PKEY **key)
{
    *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(uintptr_t)x & 0x7fffffff);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, *key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *ext[][2] = {{"basicConstraints", ca ? "critical,CA:TRUE" : "CA:FALSE"},
                            {"subjectAltName", san}};
    for (int i = 0; i < 2; i++) {
        if (!ext[i][1])
            continue;
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, ext[i][0], ext[i][1]);
        assert_non_null(e);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    X509_sign(x, issuer_key ? issuer_key : *key, EVP_sha256());
    return x;
}

static void write_pem(const char *path, X509 *x, EVP_PKEY *key)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    if (x)
        PEM_write_X509(fp, x);
    if (key)
        PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
    fclose(fp);
}

static int accept_any(int ok, X509_STORE_CTX *ctx)
{
    (void)ok;
    (void)ctx;
    return 1;
}

/* A real TLS handshake between the collector's context and a client presenting cert (NULL:
 * none), over a memory pipe; returns the server's side, or NULL when the handshake failed.
 * lax: the server goes on whatever the verification found (it still records the result). */
static SSL *handshake(SSL_CTX *server_ctx, X509 *cert, EVP_PKEY *key, int lax)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(cctx);
    if (cert) {
        assert_int_equal(SSL_CTX_use_certificate(cctx, cert), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey(cctx, key), 1);
    }
    SSL *c = SSL_new(cctx), *s = SSL_new(server_ctx);
    if (lax)
        SSL_set_verify(s, SSL_VERIFY_PEER, accept_any);
    BIO *cb, *sb;
    assert_int_equal(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    int cdone = 0, sdone = 0, failed = 0;
    for (int round = 0; round < 50 && !(cdone && sdone) && !failed; round++) {
        if (!cdone) {
            int rc = SSL_do_handshake(c);
            cdone = rc == 1;
            failed |= rc <= 0 && SSL_get_error(c, rc) != SSL_ERROR_WANT_READ;
        }
        if (!sdone) {
            int rc = SSL_do_handshake(s);
            sdone = rc == 1;
            failed |= rc <= 0 && SSL_get_error(s, rc) != SSL_ERROR_WANT_READ;
        }
    }
    SSL_free(c);
    SSL_CTX_free(cctx);
    if (!sdone) {
        SSL_free(s);
        return NULL;
    }
    return s;
}

static void mtls_needs_a_verified_certificate_naming_the_machine(void **state)
{
    struct fixture *f = *state;
    struct whb_report_answer a;
    struct whb_collector_config *cfg = &f->col.cfg;
    char why[256];
    EVP_PKEY *ca_key, *srv_key, *k1, *k2, *rogue_ca_key, *rogue_key;
    X509 *ca = make_cert("test ca", NULL, 1, NULL, NULL, &ca_key);
    X509 *srv = make_cert("localhost", "DNS:localhost", 0, ca, ca_key, &srv_key);
    X509 *pc1 = make_cert("pc-1.corp.example", "DNS:pc-1.corp.example", 0, ca, ca_key, &k1);
    X509 *pc2 = make_cert("pc-2.corp.example", "DNS:pc-2.corp.example", 0, ca, ca_key, &k2);
    X509 *rogue_ca = make_cert("rogue ca", NULL, 1, NULL, NULL, &rogue_ca_key);
    X509 *rogue = make_cert("pc-1.corp.example", "DNS:pc-1.corp.example", 0, rogue_ca, rogue_ca_key,
                            &rogue_key);
    snprintf(cfg->cert, sizeof(cfg->cert), "%s/server.crt", f->dir);
    snprintf(cfg->key, sizeof(cfg->key), "%s/server.key", f->dir);
    snprintf(cfg->client_ca, sizeof(cfg->client_ca), "%s/ca.crt", f->dir);
    write_pem(cfg->cert, srv, NULL);
    write_pem(cfg->key, NULL, srv_key);
    write_pem(cfg->client_ca, ca, NULL);
    cfg->identity = WHB_IDENTITY_MTLS;
    SSL_CTX *ctx = whb_tls_server_ctx(cfg, why, sizeof(why));
    assert_non_null(ctx);
    struct whb_ingest_item *it = item_new(f, 1, 1); /* pc-1.corp.example */

    /* Plain HTTP: no certificate at all, refused before the body. A key is no substitute. */
    struct whb_report_sender who = {.authorization = KEY_A, .fd = -1};
    assert_int_equal(whb_report_sender(&f->col, f->store, &who, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 403);
    assert_int_equal(a.audit, WHB_AUDIT_NOCERT);
    assert_non_null(strstr(a.text, "a verified client certificate is required"));
    whb_report_note(&f->col, it, &a, "10.0.0.1");
    assert_string_equal(audit[0],
                        "audit: denied report from 10.0.0.1: no verified client certificate");

    /* TLS without a client certificate (the handshake admits it for the API). */
    SSL *s = handshake(ctx, NULL, NULL, 0);
    assert_non_null(s);
    who.ssl = s;
    assert_int_equal(whb_report_sender(&f->col, f->store, &who, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 403);
    SSL_free(s);

    /* Its own certificate: identified, in mTLS mode. */
    s = handshake(ctx, pc1, k1, 0);
    assert_non_null(s);
    who.ssl = s;
    assert_int_equal(whb_report_sender(&f->col, f->store, &who, it, &a), 0);
    assert_int_equal(whb_report_identify(&f->col, s, it, &a), 0);
    assert_int_equal(it->in.mode, WHB_IDENTITY_MTLS);
    SSL_free(s);

    /* Another machine's certificate: verified, but it names another machine. */
    s = handshake(ctx, pc2, k2, 0);
    assert_non_null(s);
    who.ssl = s;
    assert_int_equal(whb_report_sender(&f->col, f->store, &who, it, &a), 0);
    assert_int_equal(whb_report_identify(&f->col, s, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 403);
    assert_int_equal(a.audit, WHB_AUDIT_CERT);
    assert_string_equal(a.subject, "pc-1.corp.example");
    assert_non_null(strstr(a.text, "client certificate does not name this machine"));
    SSL_free(s);

    /* One naming the machine from a CA the collector does not trust never gets that far. */
    assert_null(handshake(ctx, rogue, rogue_key, 0));
    /* Nor is it trusted where a handshake let it through: the verification's result counts. */
    s = handshake(ctx, rogue, rogue_key, 1);
    assert_non_null(s);
    assert_int_not_equal(SSL_get_verify_result(s), X509_V_OK);
    who.ssl = s;
    assert_int_equal(whb_report_sender(&f->col, f->store, &who, it, &a), WHB_EDENIED);
    assert_int_equal(a.code, 403);
    SSL_free(s);

    whb_ingest_item_free(it);
    whb_tls_ctx_free(ctx);
    X509 *certs[] = {ca, srv, pc1, pc2, rogue_ca, rogue};
    EVP_PKEY *keys[] = {ca_key, srv_key, k1, k2, rogue_ca_key, rogue_key};
    for (int i = 0; i < 6; i++) {
        X509_free(certs[i]);
        EVP_PKEY_free(keys[i]);
    }
}

/* Stores it through the real store in a transaction of its own, as the writer would. */
static void store_it(struct fixture *f, struct whb_ingest_item *it, const char *key, int enrolling)
{
    assert_int_equal(whb_identity_key_hash(key, it->in.key_hash), 0);
    it->in.mode = WHB_IDENTITY_KEY;
    it->in.enrolling = enrolling;
    memset(&it->result, 0, sizeof(it->result));
    assert_int_equal(f->store->ops->begin(f->store), 0);
    it->result.status = f->store->ops->put_report(f->store, &it->in, &it->result);
    assert_int_equal(f->store->ops->commit(f->store), 0);
}

static void each_store_result_gets_its_answer(void **state)
{
    struct fixture *f = *state;
    struct whb_report_answer a;
    struct whb_metrics *m = &f->col.metrics;
    struct whb_ingest_item *it = item_new(f, 1, 1);

    /* Stored: 200, counted as accepted, its key known from now on without the store; once
     * more: a duplicate, also acknowledged. */
    store_it(f, it, KEY_A, 1);
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 200);
    assert_string_equal(a.reason, "OK");
    assert_null(a.header);
    assert_false(whb_keys_has(f->col.keys, it->in.key_hash));
    whb_report_note(&f->col, it, &a, "10.0.0.1");
    assert_true(whb_keys_has(f->col.keys, it->in.key_hash));
    store_it(f, it, KEY_A, 0);
    assert_true(it->result.duplicate);
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 200);
    whb_report_note(&f->col, it, &a, "10.0.0.1");
    assert_int_equal(atomic_load(&m->accepted), 2);
    assert_int_equal(atomic_load(&m->duplicates), 1);

    /* Another key for the machine: key_mismatch (an admin must act). */
    it->report->seq = 2;
    store_it(f, it, KEY_B, 1);
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 403);
    assert_string_equal(a.reason, "Forbidden");
    assert_int_equal(a.cause, WHB_REJECT_DENIED);
    assert_string_equal(a.text, "key_mismatch: forbidden: another key is bound to this machine");
    assert_int_equal(a.audit, WHB_AUDIT_DENIED);
    assert_string_equal(a.subject, it->result.why);
    whb_report_note(&f->col, it, &a, "10.0.0.66");
    assert_false(whb_keys_has(f->col.keys, it->in.key_hash)); /* a refused one stays unknown */
    char want[600];
    snprintf(want, sizeof(want), "audit: denied report from 10.0.0.66: %s", it->result.why);
    assert_string_equal(audit[0], want);

    /* A machine never enrolled, without the token: not_enrolled (the agent presents it). */
    struct whb_ingest_item *stranger = item_new(f, 2, 1);
    store_it(f, stranger, KEY_B, 0);
    whb_report_committed(stranger, &a);
    assert_int_equal(a.code, 403);
    assert_memory_equal(a.text, "not_enrolled: forbidden", 23);
    whb_report_note(&f->col, stranger, &a, NULL);
    snprintf(want, sizeof(want), "audit: denied report from ?: %s", stranger->result.why);
    assert_string_equal(audit[1], want);

    /* Enrolled, it claims machine 1's name: 409, audited with the store's why. */
    store_it(f, stranger, KEY_B, 1);
    assert_int_equal(stranger->result.status, 0);
    stranger->report->seq = 2;
    char *own = stranger->report->machine->fqdn; /* freed with the report */
    stranger->report->machine->fqdn = "PC-1.corp.example";
    store_it(f, stranger, KEY_B, 0);
    whb_report_committed(stranger, &a);
    assert_int_equal(a.code, 409);
    assert_string_equal(a.reason, "Conflict");
    assert_int_equal(a.cause, WHB_REJECT_DENIED);
    assert_non_null(strstr(a.text, "would shadow another machine's name"));
    assert_int_equal(a.audit, WHB_AUDIT_CONFLICT);
    assert_non_null(strstr(a.subject, "would shadow machine m-1"));
    whb_report_note(&f->col, stranger, &a, "10.0.0.2");
    snprintf(want, sizeof(want), "audit: refused report from 10.0.0.2: %s", stranger->result.why);
    assert_string_equal(audit[2], want);
    stranger->report->machine->fqdn = own;

    /* A sequence number no agent sends: 400 with the store's why, not audited. */
    it->report->seq = INT64_MAX;
    store_it(f, it, KEY_A, 0);
    assert_int_equal(it->result.status, WHB_EPROTO);
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 400);
    assert_int_equal(a.cause, WHB_REJECT_MALFORMED);
    snprintf(want, sizeof(want), "malformed report: %s", it->result.why);
    assert_string_equal(a.text, want);
    whb_report_note(&f->col, it, &a, "10.0.0.1");

    /* A failed transaction (the writer's WHB_ESTORE): 503, retry in 5 s. */
    it->result.status = WHB_ESTORE;
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 503);
    assert_string_equal(a.text, "storage unavailable");
    assert_string_equal(a.header, "Retry-After");
    assert_string_equal(a.value, "5");
    assert_int_equal(a.cause, WHB_REJECT_STORE);
    whb_report_note(&f->col, it, &a, "10.0.0.1");

    /* An ack after all that leaves nothing of the refusals in the answer that is read. */
    it->result = (struct whb_store_result){.acked_seq = 1};
    whb_report_committed(it, &a);
    assert_int_equal(a.code, 200);
    assert_null(a.header);
    assert_int_equal(a.audit, WHB_AUDIT_NONE);
    whb_report_note(&f->col, it, &a, "10.0.0.1");

    assert_int_equal(atomic_load(&m->accepted), 3);
    assert_int_equal(atomic_load(&m->duplicates), 1);
    assert_int_equal(rejected(f, WHB_REJECT_DENIED), 3);
    assert_int_equal(rejected(f, WHB_REJECT_MALFORMED), 1);
    assert_int_equal(rejected(f, WHB_REJECT_STORE), 1);
    assert_int_equal(rejected(f, WHB_REJECT_OVERLOAD), 0);
    assert_int_equal(naudit, 3);
    whb_ingest_item_free(it);
    whb_ingest_item_free(stranger);
}

static void the_ack_decodes_as_the_agent_reads_it(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[256];
    struct whb_ingest_item *it = item_new(f, 4, 9);
    it->result.acked_seq = 9;
    int64_t t0 = whb_clock_wall_ms();
    size_t n = whb_report_ack(&f->col, it, buf, sizeof(buf));
    int64_t t1 = whb_clock_wall_ms();
    assert_true(n > 0);
    whb_ack *ack = whb_wire_ack_unpack(buf, n);
    assert_non_null(ack);
    assert_int_equal(ack->acked_seq, 9);
    assert_int_equal(ack->interval_s, 30);
    assert_string_equal(ack->boot_id, "boot-4");
    assert_true(ack->server_time_ms >= t0 && ack->server_time_ms <= t1);
    whb_wire_ack_free(ack);
    /* A buffer one byte short gets nothing rather than a cut ack. */
    assert_int_equal(whb_report_ack(&f->col, it, buf, n - 1), 0);
    whb_ingest_item_free(it);
}

int main(void)
{
    evthread_use_pthreads();
    whb_log_init("test_answer", 0, WHB_LOG_INFO);
    whb_log_set_sink(capture);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(admission_refuses_before_decoding, setup, teardown),
        cmocka_unit_test(a_malformed_body_is_answered_with_the_decoders_why),
        cmocka_unit_test_setup_teardown(the_sender_is_known_before_the_body, setup, teardown),
        cmocka_unit_test_setup_teardown(mtls_needs_a_verified_certificate_naming_the_machine, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(each_store_result_gets_its_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(the_ack_decodes_as_the_agent_reads_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
