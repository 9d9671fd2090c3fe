/* Implementation of session.h: a small fixed table of console sessions on the HTTP thread,
 * random ids from OpenSSL, cookies and the CSRF check. */
#include "console/session.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "identity.h"
#include "log.h"
#include "collector.h"

#define COOKIE_NAME "whb_session"

int whb_session_peer_loopback(const char *addr)
{
    if (!addr)
        return 0;
    if (!strncmp(addr, "::ffff:", 7))
        addr += 7;
    return !strncmp(addr, "127.", 4) || !strcmp(addr, "::1");
}

/* 43 characters of 6 random bits each: 258 bits, cookie- and header-safe. */
static int random_token(char out[WHB_SESSION_ID_LEN + 1])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[WHB_SESSION_ID_LEN];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return -1;
    for (int i = 0; i < WHB_SESSION_ID_LEN; i++)
        out[i] = b64[raw[i] & 63];
    out[WHB_SESSION_ID_LEN] = '\0';
    return 0;
}

static int token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == WHB_SESSION_ID_LEN && strlen(b) == n && CRYPTO_memcmp(a, b, n) == 0;
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
                                     int64_t now)
{
    char id[WHB_SESSION_ID_LEN + 2];
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
    if (!s || !cookie_value(h, COOKIE_NAME, id, sizeof(id)))
        return NULL;
    for (int i = 0; i < WHB_SESSION_MAX; i++) {
        struct whb_session *x = &s->slot[i];
        if (x->id[0] && x->expires_ms <= now)
            whb_session_drop(x);
        else if (x->id[0] && token_equal(id, x->id))
            return x;
    }
    return NULL;
}

struct whb_session *whb_session_new(struct whb_sessions *s, int authed, int64_t now)
{
    struct whb_session *pick = &s->slot[0];
    for (int i = 0; i < WHB_SESSION_MAX; i++) {
        struct whb_session *x = &s->slot[i];
        if (!x->id[0] || x->expires_ms <= now) {
            pick = x;
            break;
        }
        /* Full: a pre-session goes first, then the one that ends soonest. */
        if ((!x->authed && pick->authed) ||
            (x->authed == pick->authed && x->expires_ms < pick->expires_ms))
            pick = x;
    }
    whb_session_drop(pick);
    if (random_token(pick->id) || random_token(pick->csrf)) {
        whb_session_drop(pick);
        return NULL;
    }
    pick->authed = authed;
    pick->expires_ms = now + (authed ? WHB_SESSION_LIFETIME : WHB_SESSION_PRE_LIFE);
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
    return sess && h && token_equal(h, sess->csrf);
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

static void refuse(struct evhttp_request *req, int code, const char *msg)
{
    json_t *doc = json_pack("{s:s}", "error", msg);
    char *text = doc ? json_dumps(doc, 0) : NULL;
    struct evbuffer *body = evbuffer_new();
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    if (body && text)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, code, code == 401 ? "Unauthorized" : "Forbidden", body);
    if (body)
        evbuffer_free(body);
    free(text);
    json_decref(doc);
}

int whb_session_api_allowed(struct whb_collector *col, struct evhttp_request *req, int is_post)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    char *addr = NULL;
    ev_uint16_t port;
    evhttp_add_header(out, "Cache-Control", "no-store");
    evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
    evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr, &port);

    const char *auth = evhttp_find_header(in, "Authorization");
    if (col->cfg.admin_token[0] && auth && !strncmp(auth, "Bearer ", 7) &&
        whb_identity_token_ok(auth + 7, col->cfg.admin_token))
        return 1;
    struct whb_session *sess = whb_session_find(col->sessions, req, whb_clock_wall_ms());
    int browser = sess || evhttp_find_header(in, "Origin");
    if (sess && !sess->authed)
        sess = NULL;
    if (is_post && browser && !whb_session_csrf_ok(sess, req)) {
        whb_log_warnx("audit: POST without a valid CSRF token from %s refused", addr ? addr : "?");
        refuse(req, 403, "CSRF token missing or wrong: reload the console");
        return 0;
    }
    if (sess || whb_session_peer_loopback(addr))
        return 1;
    whb_log_warnx("audit: read API refused to %s", addr ? addr : "?");
    refuse(req, col->cfg.admin_token[0] ? 401 : 403,
           col->cfg.admin_token[0] ? "admin token required"
                                   : "the read API answers loopback only; set admin_token_file "
                                     "to allow other hosts");
    return 0;
}
