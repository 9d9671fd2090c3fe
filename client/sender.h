/* Delivery to the collector over HTTPS with libcurl: one reused handle (keep-alive), the
 * machine's key or client certificate, and the ack decoded. */
#ifndef WHB_SENDER_H
#define WHB_SENDER_H

#include <stddef.h>
#include <stdint.h>

struct whb_sender;

struct whb_sender_config {
    const char *url;
    const char *ca_file;     /* NULL: the system store */
    const char *client_cert; /* mTLS */
    const char *client_key;
    const char *key_hex;      /* key mode: the machine's own key */
    const char *enroll_token; /* key mode: sent until the collector acknowledged once */
    int insecure_plain_ok;    /* allow http:// (loopback demos) */
};

/* What an answer meant. Only WHB_SENT_ACKED lets the agent drop spooled events. */
enum whb_send_outcome {
    WHB_SENT_FAILED = 0,   /* no answer, or an error status: retry later */
    WHB_SENT_ACKED,        /* 200 with an ack naming this boot and a sequence we sent */
    WHB_SENT_NOT_AN_ACK,   /* 200 whose body is not an ack for this report */
    WHB_SENT_NOT_ENROLLED, /* 403 not_enrolled: the collector does not know this machine */
    WHB_SENT_KEY_MISMATCH, /* 403 key_mismatch: another key is bound to this machine */
    WHB_SENT_DENIED,       /* any other 403 */
    WHB_SENT_INTERRUPTED,  /* abandoned for a power event (see whb_sender_set_interrupt) */
    WHB_SENT_SEQ_BEHIND,   /* an ack of this boot naming a seq above any this run handed out:
                              the collector stored numbers of this boot that this run never
                              used (its run file was lost); acked_seq says where to go above */
};

/* What the ack must name: this boot, and a sequence in [min_seq, max_seq] (the report's own
 * up to the highest the agent has handed out). */
struct whb_ack_expect {
    const char *boot_id;
    uint64_t min_seq, max_seq;
};

struct whb_send_result {
    int ok; /* outcome == WHB_SENT_ACKED */
    enum whb_send_outcome outcome;
    long http_status; /* 0 when no HTTP answer */
    int curl_code;
    char error[256];
    uint64_t acked_seq;
    unsigned interval_s; /* 0 when the ack did not ask for one */
    int64_t server_time_ms;
    unsigned retry_after_s;
};

int whb_sender_open(const struct whb_sender_config *cfg, struct whb_sender **out);
void whb_sender_close(struct whb_sender *s);

/* Posts one packed report, giving up after timeout_ms, and judges the answer. */
void whb_sender_post(struct whb_sender *s, const uint8_t *body, size_t len, long timeout_ms,
                     const struct whb_ack_expect *expect, struct whb_send_result *res);

/* Drops the connection and its TLS state (the handle's options stay): before a long idle
 * wait. */
void whb_sender_rest(struct whb_sender *s);

/* Judges a complete HTTP answer (exposed for tests): fills outcome, ok, error and the ack's
 * fields. error is sanitized text. */
void whb_sender_judge(long http_status, const uint8_t *body, size_t len,
                      const struct whb_ack_expect *expect, struct whb_send_result *res);

/* Sends the next reports to another collector (the same TLS settings and identity). url must
 * stay valid while it is used. */
void whb_sender_set_url(struct whb_sender *s, const char *url);

/* CURLOPT_SSL_OPTIONS as the sender sets it. On Windows, Schannel checks the collector
 * certificate's revocation (CRL, OCSP) and by default fails the handshake when that cannot be
 * reached, as on an isolated network: revocation is still checked, but an unreachable answer
 * is not a failure (CURLSSLOPT_REVOKE_BEST_EFFORT). Elsewhere: 0. */
long whb_sender_ssl_options(void);

/* Once enrolled, the token is no longer sent; a collector that forgot us (403 not_enrolled)
 * makes the agent send it again. */
void whb_sender_set_enrolled(struct whb_sender *s, int enrolled);

/* While a post runs, fn(arg) is asked a few times a second; non-zero abandons the post
 * (WHB_SENT_INTERRUPTED): a power notification must not wait behind the network. */
void whb_sender_set_interrupt(struct whb_sender *s, int (*fn)(void *arg), void *arg);

#endif
