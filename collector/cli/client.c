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

/* What to do about a transport failure, after curl's own words. */
static const char *hint(const struct whb_cli *c, CURLcode rc)
{
    int https = !strncmp(c->url, "https:", 6);
    switch (rc) {
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
        return https ? "" : ": the collector probably speaks TLS: use --url https://...";
    case CURLE_SSL_CONNECT_ERROR:
        return https ? ": if the collector runs with tls = off, use --url http://..." : "";
    case CURLE_PEER_FAILED_VERIFICATION:
#if CURL_AT_LEAST_VERSION(7, 62, 0)
    case CURLE_SSL_CACERT_BADFILE:
#endif
        return c->ca ? ": is --ca the CA that signed the collector's certificate? (whb-collector "
                       "init writes it as collector-ca.crt)"
                     : ": the collector's certificate is not trusted here: give its CA with --ca "
                       "FILE (or WHB_CA), e.g. a copy of the collector's collector-ca.crt";
    case CURLE_COULDNT_CONNECT:
        return c->socket ? ": is whb-collector running with this [server] control_socket, and may "
                           "this user open it (root, or a member of its control_group)?"
                         : ": is whb-collector running, and is this its [server] listen address "
                           "and port?";
    case CURLE_COULDNT_RESOLVE_HOST:
        return ": the host name does not resolve";
    case CURLE_OPERATION_TIMEDOUT:
        return ": no answer in time (firewall? the collector's port must be open)";
    default:
        return "";
    }
}

void whb_cli_close(struct whb_cli *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    c->curl = NULL;
}

json_t *whb_cli_call(struct whb_cli *c, const char *method, const char *path, const char *body,
                     long *status, char *why, size_t whylen)
{
    char url[1024], auth[300], err[CURL_ERROR_SIZE] = "";
    struct buf b = {0};
    struct curl_slist *hdrs = NULL;
    if (!c->curl)
        c->curl = curl_easy_init();
    else
        curl_easy_reset(c->curl);
    CURL *h = c->curl;
    *status = 0;
    if (!h) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    snprintf(url, sizeof(url), "%s%s", c->socket ? "http://localhost" : c->url, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
#ifndef _WIN32
    if (c->socket)
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->socket);
#endif
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    if (c->ca)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
#ifdef _WIN32
    /* Schannel trusts the Windows certificate store (user and machine) when no --ca is given.
     * A collector CA made by whb-collector init has no CRL distribution point: check
     * revocation where the certificate says how, rather than fail where it cannot. */
    curl_easy_setopt(h, CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_REVOKE_BEST_EFFORT);
#endif
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
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "collector %s: %s%s", c->socket ? c->socket : c->url,
                 err[0] ? err : curl_easy_strerror(rc), hint(c, rc));
        free(b.data);
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = b.data ? json_loads(b.data, 0, &jerr) : NULL;
    if (!doc)
        snprintf(why, whylen, "%s%s answered HTTP %ld, not the read API%s", c->url, path, *status,
                 *status == 413   ? ": the request is larger than the collector's [server] max_body"
                 : *status == 404 ? ": is --url the collector (https://HOST:8443)?"
                                  : "");
    free(b.data);
    return doc;
}
