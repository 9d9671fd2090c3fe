/* Implementation of sender.h. */
#include "sender.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "wire.h"

#define MAX_ACK 4096

struct whb_sender {
    CURL *h;
    struct whb_sender_config cfg;
    char auth[160];
    char enroll[300];
    int enrolled;
    char cert_path[600]; /* Windows: the certificate store path */
    uint8_t ack[MAX_ACK];
    size_t ack_len;
    unsigned retry_after;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct whb_sender *s = arg;
    size_t n = size * nmemb;
    if (n > MAX_ACK - s->ack_len)
        return 0; /* an ack is small; anything larger is not one */
    memcpy(s->ack + s->ack_len, data, n);
    s->ack_len += n;
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct whb_sender *s = arg;
    size_t n = size * nmemb;
    if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0)
        s->retry_after = (unsigned)strtoul(data + 12, NULL, 10);
    return n;
}

int whb_sender_open(const struct whb_sender_config *cfg, struct whb_sender **out)
{
    struct whb_sender *s = calloc(1, sizeof(*s));
    if (!s)
        return WHB_ENOMEM;
    s->cfg = *cfg;
    s->h = curl_easy_init();
    if (!s->h) {
        free(s);
        return WHB_ENOMEM;
    }
    if (cfg->key_hex)
        snprintf(s->auth, sizeof(s->auth), "Authorization: Bearer %s", cfg->key_hex);
    if (cfg->enroll_token)
        snprintf(s->enroll, sizeof(s->enroll), "X-Whb-Enrollment: %s", cfg->enroll_token);
    curl_easy_setopt(s->h, CURLOPT_URL, cfg->url);
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(s->h, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, cfg->insecure_plain_ok ? "http,https" : "https");
    curl_easy_setopt(s->h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (cfg->ca_file)
        curl_easy_setopt(s->h, CURLOPT_CAINFO, cfg->ca_file);
    if (cfg->client_cert) {
#ifdef _WIN32
        /* Schannel takes a certificate from a store as "<location>\<store>\<thumbprint>";
         * a bare thumbprint means the machine's personal store. */
        if (!strchr(cfg->client_cert, '\\'))
            snprintf(s->cert_path, sizeof(s->cert_path), "LocalMachine\\MY\\%s", cfg->client_cert);
        else
            snprintf(s->cert_path, sizeof(s->cert_path), "%s", cfg->client_cert);
        curl_easy_setopt(s->h, CURLOPT_SSLCERT, s->cert_path);
#else
        curl_easy_setopt(s->h, CURLOPT_SSLCERT, cfg->client_cert);
        curl_easy_setopt(s->h, CURLOPT_SSLKEY, cfg->client_key);
#endif
    }
    *out = s;
    return 0;
}

void whb_sender_close(struct whb_sender *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->h);
    free(s);
}

void whb_sender_enrolled(struct whb_sender *s)
{
    s->enrolled = 1;
}

void whb_sender_post(struct whb_sender *s, const uint8_t *body, size_t len, long timeout_ms,
                     struct whb_send_result *res)
{
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/x-protobuf");
    char errbuf[CURL_ERROR_SIZE] = "";
    memset(res, 0, sizeof(*res));
    if (s->auth[0])
        hdrs = curl_slist_append(hdrs, s->auth);
    if (s->enroll[0] && !s->enrolled)
        hdrs = curl_slist_append(hdrs, s->enroll);
    s->ack_len = 0;
    s->retry_after = 0;
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(s->h);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);

    res->curl_code = (int)rc;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &res->http_status);
    res->retry_after_s = s->retry_after;
    if (rc != CURLE_OK) {
        snprintf(res->error, sizeof(res->error), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return;
    }
    if (res->http_status != 200) {
        snprintf(res->error, sizeof(res->error), "HTTP %ld: %.*s", res->http_status,
                 (int)(s->ack_len > 120 ? 120 : s->ack_len), (const char *)s->ack);
        res->error[strcspn(res->error, "\r\n")] = '\0';
        return;
    }
    whb_ack *ack = whb_wire_ack_unpack(s->ack, s->ack_len);
    if (!ack) {
        snprintf(res->error, sizeof(res->error), "the collector's answer is not an ack");
        return;
    }
    res->ok = 1;
    res->acked_seq = ack->acked_seq;
    res->interval_s = ack->interval_s;
    res->server_time_ms = ack->server_time_ms;
    whb_wire_ack_free(ack);
}
