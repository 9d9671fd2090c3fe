/* What the idle agent keeps in memory: glibc's heap held to one arena and given back after each
 * round. tests/bench/agent-footprint.sh measures the effect. */
#ifndef WHB_MEMORY_H
#define WHB_MEMORY_H

/* Once at start-up, before curl_global_init and any thread: one malloc arena (curl's resolver
 * threads would each get their own, kept for the process's life). */
void whb_memory_init(void);

/* When the agent goes idle: heap pages freed by the round (snapshot, TLS handshake, report)
 * go back to the system instead of staying dirty until the next one. */
void whb_memory_release(void);

#endif
