/* Implementation of sender.h. */
#include "sender.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "text.h"
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
    int (*interrupt)(void *arg);
    void *interrupt_arg;
};

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct whb_sender *s = arg;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return s->interrupt && s->interrupt(s->interrupt_arg) ? 1 : 0;
}

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

long whb_sender_ssl_options(void)
{
#ifdef _WIN32
    return (long)CURLSSLOPT_REVOKE_BEST_EFFORT;
#else
    return 0;
#endif
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
    if (whb_sender_ssl_options())
        curl_easy_setopt(s->h, CURLOPT_SSL_OPTIONS, whb_sender_ssl_options());
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

void whb_sender_rest(struct whb_sender *s)
{
    CURL *fresh = curl_easy_duphandle(s->h);
    if (!fresh)
        return; /* keeps the old handle and its connection: nothing is lost */
    curl_easy_cleanup(s->h);
    s->h = fresh;
}

void whb_sender_set_url(struct whb_sender *s, const char *url)
{
    s->cfg.url = url;
    curl_easy_setopt(s->h, CURLOPT_URL, url);
}

void whb_sender_set_enrolled(struct whb_sender *s, int enrolled)
{
    s->enrolled = enrolled;
}

void whb_sender_set_interrupt(struct whb_sender *s, int (*fn)(void *arg), void *arg)
{
    s->interrupt = fn;
    s->interrupt_arg = arg;
    curl_easy_setopt(s->h, CURLOPT_XFERINFOFUNCTION, fn ? on_progress : NULL);
    curl_easy_setopt(s->h, CURLOPT_XFERINFODATA, s);
    curl_easy_setopt(s->h, CURLOPT_NOPROGRESS, fn ? 0L : 1L);
}

/* The collector's 403 body starts with a machine-readable cause: "not_enrolled: ...". */
static enum whb_send_outcome denial(const uint8_t *body, size_t len)
{
    static const struct {
        const char *code;
        enum whb_send_outcome outcome;
    } causes[] = {{"not_enrolled", WHB_SENT_NOT_ENROLLED}, {"key_mismatch", WHB_SENT_KEY_MISMATCH}};
    for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
        size_t n = strlen(causes[i].code);
        if (len > n && memcmp(body, causes[i].code, n) == 0 &&
            (body[n] == ':' || body[n] == '\n' || body[n] == '\r'))
            return causes[i].outcome;
    }
    return WHB_SENT_DENIED;
}

void whb_sender_judge(long http_status, const uint8_t *body, size_t len,
                      const struct whb_ack_expect *expect, struct whb_send_result *res)
{
    char text[128];
    res->ok = 0;
    res->outcome = WHB_SENT_FAILED;
    if (http_status != 200) {
        /* The body is the collector's (or a proxy's) text: cleaned before it goes anywhere. */
        size_t n = len;
        for (size_t i = 0; i < len; i++)
            if (body[i] == '\n' || body[i] == '\r') {
                n = i;
                break;
            }
        whb_text_clean(text, sizeof(text), (const char *)body, n);
        snprintf(res->error, sizeof(res->error), "HTTP %ld: %s", http_status, text);
        if (http_status == 403)
            res->outcome = denial(body, len);
        return;
    }
    whb_ack *ack = whb_wire_ack_unpack(body, len);
    if (!ack) {
        res->outcome = WHB_SENT_NOT_AN_ACK;
        snprintf(res->error, sizeof(res->error),
                 "HTTP 200 but the answer (%zu bytes) is not an ack: not the collector?", len);
        return;
    }
    if (ack->boot_id && strcmp(ack->boot_id, expect->boot_id) == 0 &&
        ack->acked_seq > expect->max_seq) {
        /* The collector took this report for a resend: it has stored higher numbers of this
         * boot than this run ever handed out, so an earlier run's numbers are being reused
         * and every event with them would be dropped as already stored. */
        res->outcome = WHB_SENT_SEQ_BEHIND;
        res->acked_seq = ack->acked_seq;
        snprintf(res->error, sizeof(res->error),
                 "the collector has seq %llu of this boot, above ours (%llu): numbers of an "
                 "earlier run (its run file lost) are being reused",
                 (unsigned long long)ack->acked_seq, (unsigned long long)expect->max_seq);
        whb_wire_ack_free(ack);
        return;
    }
    if (!ack->boot_id || strcmp(ack->boot_id, expect->boot_id) != 0 ||
        ack->acked_seq < expect->min_seq || ack->acked_seq > expect->max_seq) {
        res->outcome = WHB_SENT_NOT_AN_ACK;
        whb_text_clean(text, 72, ack->boot_id ? ack->boot_id : "", 64);
        snprintf(res->error, sizeof(res->error),
                 "HTTP 200 but not an ack for this report (boot '%s' seq %llu; sent boot %s "
                 "seq %llu..%llu)",
                 text, (unsigned long long)ack->acked_seq, expect->boot_id,
                 (unsigned long long)expect->min_seq, (unsigned long long)expect->max_seq);
        whb_wire_ack_free(ack);
        return;
    }
    res->ok = 1;
    res->outcome = WHB_SENT_ACKED;
    res->acked_seq = ack->acked_seq;
    res->interval_s = ack->interval_s;
    res->server_time_ms = ack->server_time_ms;
    whb_wire_ack_free(ack);
}

void whb_sender_post(struct whb_sender *s, const uint8_t *body, size_t len, long timeout_ms,
                     const struct whb_ack_expect *expect, struct whb_send_result *res)
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
    curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, NULL); /* errbuf ends with this call */
    curl_slist_free_all(hdrs);

    res->curl_code = (int)rc;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &res->http_status);
    res->retry_after_s = s->retry_after;
    if (rc != CURLE_OK) {
        res->outcome = rc == CURLE_ABORTED_BY_CALLBACK ? WHB_SENT_INTERRUPTED : WHB_SENT_FAILED;
        whb_text_clean(res->error, sizeof(res->error), errbuf[0] ? errbuf : curl_easy_strerror(rc),
                       sizeof(errbuf));
        return;
    }
    whb_sender_judge(res->http_status, s->ack, s->ack_len, expect, res);
}
