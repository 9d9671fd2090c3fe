/* Implementation of wsus.h with libcurl. */
#include "wsus.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static size_t discard(char *d, size_t size, size_t nmemb, void *arg)
{
    (void)d;
    (void)arg;
    return size * nmemb;
}

void whb_wsus_probe(const char *url, long timeout_ms, const char *ca_file,
                    struct whb_wsus_result *out)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    int64_t at = out->at_ms;
    int known = out->service_known, running = out->service_running;
    memset(out, 0, sizeof(*out));
    out->at_ms = at;
    out->service_known = known;
    out->service_running = running;
    snprintf(out->url, sizeof(out->url), "%s", url);
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(out->error, sizeof(out->error), "out of memory");
        out->curl_code = CURLE_OUT_OF_MEMORY;
        return;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    double total = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total);
    curl_easy_cleanup(h);
    out->curl_code = (int)rc;
    out->http_status = (unsigned)status;
    out->latency_ms = (unsigned)(total * 1000);
    if (rc != CURLE_OK)
        /* curl's text can quote the server (names, certificate fields): cleaned. */
        whb_text_clean(out->error, sizeof(out->error), errbuf[0] ? errbuf : curl_easy_strerror(rc),
                       CURL_ERROR_SIZE);
    else if (status >= 400)
        snprintf(out->error, sizeof(out->error), "HTTP %ld", status);
}

void whb_wsus_class(const struct whb_wsus_result *r, char *buf, unsigned len)
{
    if (r->curl_code)
        snprintf(buf, len, "unreachable:%d", r->curl_code);
    else if (r->http_status >= 400)
        snprintf(buf, len, "http_%u", r->http_status);
    else
        snprintf(buf, len, "ok");
}
