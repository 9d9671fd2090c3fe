/* Implementation of console.h: serves the console's embedded files with ETag revalidation and
 * answers /console/session, /console/login and /console/logout. The pages themselves only talk
 * to the JSON API (/v1/...), the same one the CLI uses. */
#include "console/console.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "identity.h"
#include "log.h"
#include "collector.h"
#include "console/session.h"
#include "console/web_assets.h"

#define LOGIN_FAILURES_PER_MIN 10
#define LOGIN_BODY_MAX         4096

/* On every console answer: no inline code, no framing, no sniffing, no referrer. */
static void security_headers(struct evhttp_request *req)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Content-Security-Policy",
                      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                      "connect-src 'self'; form-action 'self'; base-uri 'none'; "
                      "frame-ancestors 'none'");
    evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(out, "X-Frame-Options", "DENY");
    evhttp_add_header(out, "Referrer-Policy", "no-referrer");
    evhttp_add_header(out, "Cross-Origin-Opener-Policy", "same-origin");
    evhttp_add_header(out, "Cross-Origin-Resource-Policy", "same-origin");
}

static void reply(struct evhttp_request *req, int code, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_ENSURE_ASCII) : NULL;
    struct evbuffer *body = evbuffer_new();
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    json_decref(doc);
    evhttp_add_header(out, "Content-Type", "application/json");
    evhttp_add_header(out, "Cache-Control", "no-store");
    if (body && text)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, text ? code : 500, code < 300 ? "OK" : "Error", body);
    if (body)
        evbuffer_free(body);
    free(text);
}

static void reply_error(struct evhttp_request *req, int code, const char *msg)
{
    reply(req, code, json_pack("{s:s}", "error", msg));
}

static const struct whb_web_asset *asset_for(const char *path)
{
    if (!strcmp(path, "/"))
        path = "/index.html";
    else if (!strcmp(path, "/login"))
        path = "/login.html";
    for (unsigned i = 0; i < whb_web_asset_count; i++)
        if (!strcmp(whb_web_assets[i].path, path))
            return &whb_web_assets[i];
    return NULL;
}

static void serve_asset(struct evhttp_request *req, const struct whb_web_asset *a)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
    evhttp_add_header(out, "ETag", a->etag);
    /* Revalidate every time: a new collector build must not be hidden behind a cache. */
    evhttp_add_header(out, "Cache-Control", "no-cache");
    if (inm && strstr(inm, a->etag)) {
        evhttp_send_reply(req, 304, "Not Modified", NULL);
        return;
    }
    struct evbuffer *body = evbuffer_new();
    if (!body) {
        evhttp_send_error(req, 503, "Service Unavailable");
        return;
    }
    evhttp_add_header(out, "Content-Type", a->type);
    evbuffer_add_reference(body, a->bytes, a->len, NULL, NULL);
    evhttp_send_reply(req, 200, "OK", body);
    evbuffer_free(body);
}

static int peer_loopback(struct evhttp_request *req, char **addr)
{
    ev_uint16_t port;
    *addr = NULL;
    evhttp_connection_get_peer(evhttp_request_get_connection(req), addr, &port);
    return whb_session_peer_loopback(*addr);
}

static json_t *session_json(const struct whb_session *s, const char *via)
{
    char at[32];
    whb_clock_format_iso(s->expires_ms, at, sizeof(at));
    return json_pack("{s:b, s:s, s:s, s:s}", "authenticated", s->authed, "via", via, "csrf",
                     s->csrf, "expires_at", at);
}

/* GET /console/session: who the browser is. Loopback callers get a session at once; others
 * get a short pre-session whose CSRF token protects the login form. */
static void on_session(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    char *addr;
    int loop = peer_loopback(req, &addr);
    struct whb_session *s = whb_session_find(col->sessions, req, now);
    if (!s || (loop && !s->authed)) {
        whb_session_drop(s);
        if (!(s = whb_session_new(col->sessions, loop, now))) {
            reply_error(req, 503, "no random source");
            return;
        }
        whb_session_set_cookie(req, s, now);
    }
    reply(req, 200, session_json(s, !s->authed ? "none" : loop ? "loopback" : "token"));
}

static int too_many_failures(struct whb_sessions *s, int64_t now)
{
    if (now - s->fail_window_ms > 60000) {
        s->fail_window_ms = now;
        s->failures = 0;
    }
    return s->failures >= LOGIN_FAILURES_PER_MIN;
}

/* POST /console/login {"token": "..."}: the admin token for an authenticated session. */
static void on_login(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    char *addr;
    peer_loopback(req, &addr);
    if (!col->ssl_ctx && !whb_session_peer_loopback(addr)) {
        /* The cookie is Secure: over plain HTTP the browser would drop it and loop. */
        reply_error(req, 403, "logins need HTTPS: the collector runs with tls = off");
        return;
    }
    struct whb_session *s = whb_session_find(col->sessions, req, now);
    if (!whb_session_csrf_ok(s, req)) {
        reply_error(req, 403, "CSRF token missing or wrong: reload the login page");
        return;
    }
    if (!col->cfg.admin_token[0]) {
        reply_error(req, 403,
                    "no admin token is configured (admin_token_file): only loopback "
                    "callers may use the console");
        return;
    }
    if (too_many_failures(col->sessions, now)) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "60");
        reply_error(req, 429, "too many failed logins; wait a minute");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *token = NULL;
    json_t *doc = len && len <= LOGIN_BODY_MAX
                      ? json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len, 0, NULL)
                      : NULL;
    if (json_unpack(doc, "{s:s}", "token", &token) ||
        !whb_identity_token_ok(token, col->cfg.admin_token)) {
        col->sessions->failures++;
        whb_log_warnx("audit: console login refused to %s", addr ? addr : "?");
        json_decref(doc);
        reply_error(req, 401, "wrong admin token");
        return;
    }
    json_decref(doc);
    /* A fresh id on login, so a planted pre-session cookie never becomes a session. */
    whb_session_drop(s);
    if (!(s = whb_session_new(col->sessions, 1, now))) {
        reply_error(req, 503, "no random source");
        return;
    }
    whb_log_info("audit: console login from %s", addr ? addr : "?");
    whb_session_set_cookie(req, s, now);
    reply(req, 200, session_json(s, "token"));
}

static void on_logout(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    struct whb_session *s = whb_session_find(col->sessions, req, now);
    if (!whb_session_csrf_ok(s, req)) {
        reply_error(req, 403, "CSRF token missing or wrong");
        return;
    }
    whb_session_drop(s);
    whb_session_set_cookie(req, NULL, now);
    reply(req, 200, json_pack("{s:b}", "authenticated", 0));
}

int whb_console_route(struct whb_collector *col, struct evhttp_request *req, const char *path)
{
    static const char prefix[] = "/console/";
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    int64_t now = whb_clock_wall_ms();
    const struct whb_web_asset *a = asset_for(path);
    if (!a && strncmp(path, prefix, sizeof(prefix) - 1))
        return 0;
    security_headers(req);
    if (!col->sessions && !(col->sessions = calloc(1, sizeof(*col->sessions)))) {
        reply_error(req, 503, "out of memory");
        return 1;
    }
    const char *what = path + sizeof(prefix) - 1;
    int post = !a && (!strcmp(what, "login") || !strcmp(what, "logout"));
    if (cmd != (post ? EVHTTP_REQ_POST : EVHTTP_REQ_GET) && !(cmd == EVHTTP_REQ_HEAD && !post)) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", post ? "POST" : "GET");
        reply_error(req, 405, post ? "use POST" : "use GET");
    } else if (a)
        serve_asset(req, a);
    else if (!strcmp(what, "session"))
        on_session(col, req, now);
    else if (!strcmp(what, "login"))
        on_login(col, req, now);
    else if (!strcmp(what, "logout"))
        on_logout(col, req, now);
    else
        reply_error(req, 404, "not found");
    return 1;
}

void whb_console_free(struct whb_collector *col)
{
    if (col && col->sessions) {
        OPENSSL_cleanse(col->sessions, sizeof(*col->sessions));
        free(col->sessions);
        col->sessions = NULL;
    }
}
