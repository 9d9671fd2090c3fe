/* What the idle agent keeps in memory: glibc's heap held to one arena and given back after each
 * exchange, and OpenSSL's per-connection buffers released while a kept-alive connection waits.
 * tests/bench/agent-footprint.sh measures the effect. */
#ifndef WHB_MEMORY_H
#define WHB_MEMORY_H

/* Once at start-up, before curl_global_init and any thread: one malloc arena (curl's resolver
 * threads would each get their own, kept for the process's life), and OpenSSL without its
 * error strings. */
void whb_memory_init(void);

/* When the agent goes idle: heap pages freed by the round (snapshot, TLS handshake, report)
 * go back to the system instead of staying dirty until the next one. */
void whb_memory_release(void);

/* For the collector's connections (from CURLOPT_SSL_CTX_FUNCTION, ssl_ctx being the SSL_CTX
 * curl made): OpenSSL frees a connection's read and write buffers (~34 KiB) whenever they are
 * empty, as on an idle kept-alive connection. Returns 0, or -1 where it does not apply. */
int whb_memory_ssl_lean(void *ssl_ctx);

/* Whether whb_memory_ssl_lean applies to the TLS library linked (OpenSSL). */
int whb_memory_ssl_applies(void);

#endif
