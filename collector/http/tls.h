/* TLS setup for the collector: server certificate, TLS 1.2 minimum, client certificates in
 * mTLS mode. */
#ifndef WHB_TLS_H
#define WHB_TLS_H

#include <stddef.h>

#include "config.h"

/* Returns a new SSL_CTX * (as void * to keep OpenSSL out of callers) or NULL with why. */
void *whb_tls_server_ctx(const struct whb_collector_config *cfg, char *why, size_t whylen);
void whb_tls_ctx_free(void *ctx);

#endif
