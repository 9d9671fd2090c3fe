/* What the idle agent keeps in memory: glibc's heap held to one arena and given back after each
 * round, and OpenSSL without its error strings.
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

/* Whether OpenSSL's error strings are left out (the agent's curl is over OpenSSL). */
int whb_memory_lean_ssl(void);

#endif
