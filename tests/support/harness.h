/* Runs the real whb-collector as a child process for integration tests, and speaks HTTP(S) to
 * it with libcurl. */
#ifndef WHB_TEST_HARNESS_H
#define WHB_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct collector_proc {
    pid_t pid;
    unsigned port;
    int tls;
    char dir[128]; /* scratch directory: database, tokens, logs */
    char db[192];
    char log[192];
    char base_url[64];
};

/* Makes a scratch directory under /tmp for one test group. */
int harness_mkdir(char *out, size_t len);

/* Starts the collector with the given extra flags (NULL-terminated) on a free loopback port
 * and waits, at most 10 s, until /healthz answers. The flag HARNESS_LISTEN_ANY makes it listen
 * on [::] (all addresses) on that port instead. */
#define HARNESS_LISTEN_ANY "@listen-any"
int collector_start(struct collector_proc *c, const char *dir, int tls, const char *const *flags);

/* Sends sig and waits for the process (bounded: SIGKILL after 10 s). */
int collector_stop(struct collector_proc *c, int sig);

struct http_opts {
    const char *ca;             /* trust for the server certificate */
    const char *cert, *key;     /* client certificate (mTLS) */
    const char *const *headers; /* NULL-terminated "Name: value" */
};

struct http_reply {
    long status; /* 0 when no HTTP answer came (e.g. handshake refused) */
    int curl_code;
    uint8_t body[65536];
    size_t body_len;
    char retry_after[16];
};

int http_request(const char *method, const char *url, const void *body, size_t len,
                 const struct http_opts *opts, struct http_reply *out);

/* Path of a built binary next to the tests (set by CMake). */
const char *harness_bin(const char *name);

#endif
