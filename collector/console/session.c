/* Implementation of session.h: a small fixed table of sessions on the HTTP thread (under the
 * collector's api_lock), random ids from OpenSSL, HMAC-SHA256 for the login form's tokens, and
 * a fixed table of failed logins per source. */
#include "console/session.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COOKIE_NAME     "whb_session"
#define LOGIN_WINDOW_MS 60000

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int whb_sessions_init(struct whb_sessions *s)
{
    memset(s->slot, 0, sizeof(s->slot));
    memset(s->failed, 0, sizeof(s->failed));
    return RAND_bytes(s->secret, sizeof(s->secret)) == 1 ? 0 : -1;
}

/* 43 characters of 6 random bits each: 258 bits, cookie- and header-safe. */
static int random_token(char out[WHB_SESSION_ID_LEN + 1])
{
    unsigned char raw[WHB_SESSION_ID_LEN];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return -1;
    for (int i = 0; i < WHB_SESSION_ID_LEN; i++)
        out[i] = b64[raw[i] & 63];
    out[WHB_SESSION_ID_LEN] = '\0';
    return 0;
}

static int token_equal(const char *a, const char *b, size_t want)
{
    size_t n = strlen(a);
    return n == want && strlen(b) == n && CRYPTO_memcmp(a, b, n) == 0;
}

/* The value of cookie `name` in a Cookie header, copied into out; 0 when absent. */
static int cookie_value(const char *header, const char *name, char *out, size_t len)
{
    size_t nlen = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, ";");
        if (n > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
            size_t v = n - nlen - 1;
            if (v >= len)
                return 0;
            memcpy(out, p + nlen + 1, v);
            out[v] = '\0';
            return 1;
        }
        p += n;
    }
    return 0;
}

struct whb_session *whb_session_find(struct whb_sessions *s, struct evhttp_request *req,
                                     const struct whb_source *from, int64_t now, int *elsewhere)
{
    char id[WHB_SESSION_ID_LEN + 2];
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
    if (elsewhere)
        *elsewhere = 0;
    if (!s || !cookie_value(h, COOKIE_NAME, id, sizeof(id)))
        return NULL;
    for (int i = 0; i < WHB_SESSION_MAX; i++) {
        struct whb_session *x = &s->slot[i];
        if (!x->perms)
            continue;
        if (x->expires_ms <= now) {
            whb_session_drop(x);
        } else if (token_equal(id, x->id, WHB_SESSION_ID_LEN)) {
            /* A cookie carried to another address (copied, or through a forwarder) is not
             * the browser that logged in. */
            if (memcmp(&x->owner, from, sizeof(*from))) {
                if (elsewhere)
                    *elsewhere = 1;
                return NULL;
            }
            return x;
        }
    }
    return NULL;
}

struct whb_session *whb_session_new(struct whb_sessions *s, unsigned perms, const char *via,
                                    const struct whb_source *from, int64_t now)
{
    struct whb_session *pick = &s->slot[0];
    for (int i = 0; i < WHB_SESSION_MAX; i++) {
        struct whb_session *x = &s->slot[i];
        if (!x->perms || x->expires_ms <= now) {
            pick = x;
            break;
        }
        if (x->expires_ms < pick->expires_ms)
            pick = x;
    }
    whb_session_drop(pick);
    if (random_token(pick->id) || random_token(pick->csrf)) {
        whb_session_drop(pick);
        return NULL;
    }
    pick->perms = perms;
    pick->via = via;
    pick->owner = *from;
    pick->expires_ms = now + WHB_SESSION_LIFETIME;
    return pick;
}

void whb_session_drop(struct whb_session *sess)
{
    if (sess)
        OPENSSL_cleanse(sess, sizeof(*sess));
}

int whb_session_csrf_ok(const struct whb_session *sess, struct evhttp_request *req)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "X-CSRF-Token");
    return sess && h && token_equal(h, sess->csrf, WHB_SESSION_ID_LEN);
}

/* "<expiry, 12 hex digits>" then 44 characters of HMAC-SHA256(secret, expiry | source): the
 * top 6 bits of each of its 32 bytes, then the low 6 bits of the first 12 (256 bits shown). */
static void pre_token(const struct whb_sessions *s, const struct whb_source *from, int64_t expiry,
                      char out[WHB_SESSION_PRE_LEN + 1])
{
    unsigned char msg[12 + sizeof(from->b)], mac[EVP_MAX_MD_SIZE];
    unsigned maclen = 0;
    snprintf(out, WHB_SESSION_PRE_LEN + 1, "%012llx",
             (unsigned long long)expiry & 0xffffffffffffull);
    memcpy(msg, out, 12);
    memcpy(msg + 12, from->b, sizeof(from->b));
    HMAC(EVP_sha256(), s->secret, sizeof(s->secret), msg, sizeof(msg), mac, &maclen);
    for (int i = 0; i < WHB_SESSION_PRE_LEN - 12; i++)
        out[12 + i] = b64[mac[i % maclen] >> (i < (int)maclen ? 2 : 0) & 63];
    out[WHB_SESSION_PRE_LEN] = '\0';
}

void whb_session_pre_token(const struct whb_sessions *s, const struct whb_source *from, int64_t now,
                           char out[WHB_SESSION_PRE_LEN + 1])
{
    pre_token(s, from, now + WHB_SESSION_PRE_LIFE, out);
}

int whb_session_pre_ok(const struct whb_sessions *s, struct evhttp_request *req,
                       const struct whb_source *from, int64_t now)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "X-CSRF-Token");
    char want[WHB_SESSION_PRE_LEN + 1], *end;
    if (!h || strlen(h) != WHB_SESSION_PRE_LEN)
        return 0;
    char stamp[13];
    memcpy(stamp, h, 12);
    stamp[12] = '\0';
    long long expiry = strtoll(stamp, &end, 16);
    if (*end || expiry <= now || expiry > now + WHB_SESSION_PRE_LIFE)
        return 0;
    pre_token(s, from, expiry, want);
    return CRYPTO_memcmp(want, h, WHB_SESSION_PRE_LEN) == 0;
}

void whb_session_set_cookie(struct evhttp_request *req, const struct whb_session *sess, int64_t now)
{
    char line[160];
    long long age = sess ? (sess->expires_ms - now) / 1000 : 0;
    snprintf(line, sizeof(line),
             COOKIE_NAME "=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; "
                         "SameSite=Strict",
             sess ? sess->id : "", age > 0 ? age : 0);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", line);
}

/* The source's entry, or the one to reuse: a free one, else the one whose minute is oldest
 * (a source that stopped failing long ago). */
static struct whb_login_source *login_entry(struct whb_sessions *s, const struct whb_source *from,
                                            int create)
{
    struct whb_login_source *pick = NULL;
    for (int i = 0; i < WHB_LOGIN_SOURCES; i++) {
        struct whb_login_source *e = &s->failed[i];
        if (e->failures && !memcmp(&e->source, from, sizeof(*from)))
            return e;
        if (!pick || (!e->failures && pick->failures) ||
            (!!e->failures == !!pick->failures && e->window_ms < pick->window_ms))
            pick = e;
    }
    if (!create)
        return NULL;
    memset(pick, 0, sizeof(*pick));
    pick->source = *from;
    return pick;
}

int whb_login_blocked(struct whb_sessions *s, const struct whb_source *from, int64_t now)
{
    struct whb_login_source *e = login_entry(s, from, 0);
    if (!e)
        return 0;
    if (now - e->window_ms > LOGIN_WINDOW_MS) {
        memset(e, 0, sizeof(*e));
        return 0;
    }
    return e->failures >= WHB_LOGIN_FAILURES;
}

void whb_login_failed(struct whb_sessions *s, const struct whb_source *from, int64_t now)
{
    struct whb_login_source *e = login_entry(s, from, 1);
    if (!e->failures || now - e->window_ms > LOGIN_WINDOW_MS) {
        e->window_ms = now;
        e->failures = 0;
    }
    e->failures++;
}
