/* Implementation of client.h. */
#include "client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (64 * 1024 * 1024)

struct buf {
    char *data;
    size_t len;
};

static size_t on_body(char *d, size_t size, size_t nmemb, void *arg)
{
    struct buf *b = arg;
    size_t n = size * nmemb;
    if (b->len + n > MAX_ANSWER)
        return 0;
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, d, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

json_t *whb_cli_call(const struct whb_cli *c, const char *method, const char *path,
                     const char *body, long *status, char *why, size_t whylen)
{
    char url[1024], auth[300], err[CURL_ERROR_SIZE] = "";
    struct buf b = {0};
    struct curl_slist *hdrs = NULL;
    CURL *h = curl_easy_init();
    *status = 0;
    if (!h) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    snprintf(url, sizeof(url), "%s%s", c->url, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    if (c->ca)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
    if (c->token[0]) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
        hdrs = curl_slist_append(hdrs, auth);
    }
    if (body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "collector %s: %s", c->url, err[0] ? err : curl_easy_strerror(rc));
        free(b.data);
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = b.data ? json_loads(b.data, 0, &jerr) : NULL;
    if (!doc)
        snprintf(why, whylen, "collector %s answered HTTP %ld without JSON: %.80s", c->url, *status,
                 b.data ? b.data : "");
    free(b.data);
    return doc;
}
