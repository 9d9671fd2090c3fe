/* What the idle agent keeps in memory: glibc's heap held to one arena and given back after each
 * round, and OpenSSL's algorithm tables dropped between exchanges. tests/bench/agent-footprint.sh
 * measures the effect. */
#ifndef WHB_MEMORY_H
#define WHB_MEMORY_H

/* Once at start-up, before curl_global_init and any thread: one malloc arena (curl's resolver
 * threads would each get their own, kept for the process's life). */
void whb_memory_init(void);

/* After curl_global_init (which loads OpenSSL's configuration into the global context), and
 * again whenever the agent goes idle for long with no TLS object left (whb_sender_rest done,
 * no WSUS probe running): OpenSSL 3.0 builds, on the first fetch of a kind, a method for every
 * algorithm of that kind (124 ciphers for the DRBG's one AES-CTR, every digest, signature, key
 * manager, decoder...), ~180 KiB that no call frees but the library context's end. They go
 * into a context of the agent's own, set as the thread's default (curl uses the default);
 * this frees the previous one and starts an empty one. The next exchange builds them again
 * (a few ms of CPU). Nothing on Windows or with mbedTLS. */
void whb_memory_tls_fresh(void);

/* At exit, before curl_global_cleanup: the agent's context is freed, the global one is the
 * default again. */
void whb_memory_tls_end(void);

/* When the agent goes idle: heap pages freed by the round (snapshot, TLS handshake, report)
 * go back to the system instead of staying dirty until the next one. */
void whb_memory_release(void);

#endif
