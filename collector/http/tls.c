/* Implementation of tls.h. */
#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

static void ssl_why(char *why, size_t whylen, const char *what, const char *path)
{
    char err[160];
    ERR_error_string_n(ERR_get_error(), err, sizeof(err));
    snprintf(why, whylen, "%s %s: %s", what, path, err);
}

void *whb_tls_server_ctx(const struct whb_collector_config *cfg, char *why, size_t whylen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        snprintf(why, whylen, "cannot create a TLS context");
        return NULL;
    }
    /* TLS 1.3 is preferred by OpenSSL's negotiation; 1.2 is the floor. */
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* A client that closes without close_notify is a plain end of connection (HTTP frames
     * by Content-Length). Without this, OpenSSL 3 queues "unexpected eof while reading" on
     * the loop thread's error queue; libevent's OpenSSL bufferevent never clears that queue,
     * so the next connection it read on the same thread took the stale error for its own and
     * was closed unanswered (test_report_path, under load). */
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* No read-ahead: libevent's OpenSSL bufferevent would not notice records buffered inside
     * OpenSSL and connections stall (seen in tests/bench/ingest.sh). */
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
        ssl_why(why, whylen, "certificate", cfg->cert);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ssl_why(why, whylen, "private key", cfg->key);
        goto fail;
    }
    if (cfg->identity == WHB_IDENTITY_MTLS) {
        static const unsigned char sid_ctx[] = "whb-collector";
        if (SSL_CTX_load_verify_locations(ctx, cfg->client_ca, NULL) != 1) {
            ssl_why(why, whylen, "client CA", cfg->client_ca);
            goto fail;
        }
        /* A certificate that is presented must verify; one that is missing is refused per
         * request (403 on /v1/report) so that health checks and the API work without one. */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        /* Session resumption with client certificates needs a session id context. */
        SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

void whb_tls_ctx_free(void *ctx)
{
    SSL_CTX_free(ctx);
}
