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

struct whb_send_result {
    int ok;           /* 2xx with a valid ack */
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

/* Posts one packed report, giving up after timeout_ms. */
void whb_sender_post(struct whb_sender *s, const uint8_t *body, size_t len, long timeout_ms,
                     struct whb_send_result *res);

/* Once enrolled, the token is no longer sent. */
void whb_sender_enrolled(struct whb_sender *s);

#endif
