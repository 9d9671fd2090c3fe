/* Implementation of console.h: serves the console's embedded files with ETag revalidation and
 * answers /console/session, /console/login and /console/logout (access.h says who may). The
 * pages themselves only talk to the JSON API (/v1/...), the same one the CLI uses. */
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
#include "console/access.h"
#include "console/web_assets.h"

#define LOGIN_BODY_MAX 4096

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

static const char *role(unsigned perms)
{
    return perms & WHB_PERM_ADMIN ? "admin" : perms & WHB_PERM_READ ? "read" : "none";
}

/* GET /console/session: who the browser is. A logged-in session, or with trust_loopback a
 * loopback caller, is authenticated; anyone else gets the login form's CSRF token (stateless,
 * bound to its address: it takes no session slot). */
static void on_session(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    struct whb_caller c;
    char pre[WHB_SESSION_PRE_LEN + 1], at[32];
    if (whb_access_identify(col, req, &c))
        return;
    whb_session_pre_token(col->sessions, &c.source, now, pre);
    int authed = (c.perms & WHB_PERM_READ) != 0;
    const char *via = !authed                                   ? "none"
                      : c.via && !strncmp(c.via, "loopback", 8) ? "loopback"
                                                                : role(c.perms);
    whb_clock_format_iso(c.session ? c.session->expires_ms : now + WHB_SESSION_PRE_LIFE, at,
                         sizeof(at));
    reply(req, 200,
          json_pack("{s:b, s:s, s:s, s:s, s:s}", "authenticated", authed, "via", via, "role",
                    role(authed ? c.perms : 0), "csrf", c.session ? c.session->csrf : pre,
                    "expires_at", at));
}

/* POST /console/login {"token": "..."}: the admin or read token for a session cookie bound to
 * this address. Failed logins are limited per source address, never for everyone. */
static void on_login(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    struct whb_caller c;
    const char *via;
    unsigned perms;
    if (whb_access_identify(col, req, &c))
        return;
    if (!col->ssl_ctx && !c.loopback) {
        /* The cookie is Secure: over plain HTTP the browser would drop it and loop. */
        reply_error(req, 403, "logins need HTTPS: the collector runs with tls = off");
        return;
    }
    if (!whb_session_pre_ok(col->sessions, req, &c.source, now) &&
        !whb_session_csrf_ok(c.session, req)) {
        reply_error(req, 403, "CSRF token missing or wrong: reload the login page");
        return;
    }
    if (!col->cfg.admin_token[0] && !col->cfg.read_token[0]) {
        reply_error(req, 403,
                    "no admin or read token is configured (admin_token_file, read_token_file): "
                    "nobody can log in");
        return;
    }
    if (whb_login_blocked(col->sessions, &c.source, now)) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "60");
        reply_error(req, 429, "too many failed logins from this address; wait a minute");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *token = NULL;
    json_t *doc = len && len <= LOGIN_BODY_MAX
                      ? json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len, 0, NULL)
                      : NULL;
    if (json_unpack(doc, "{s:s}", "token", &token))
        token = NULL;
    if (token && col->cfg.admin_token[0] && whb_identity_token_ok(token, col->cfg.admin_token)) {
        perms = WHB_PERM_ALL;
        via = "session (admin token)";
    } else if (token && col->cfg.read_token[0] &&
               whb_identity_token_ok(token, col->cfg.read_token)) {
        perms = WHB_PERM_READ;
        via = "session (read token)";
    } else {
        whb_login_failed(col->sessions, &c.source, now);
        whb_log_limited(WHB_LOG_WARN, "audit: console login refused to %s", c.peer);
        json_decref(doc);
        reply_error(req, 401, "wrong token");
        return;
    }
    json_decref(doc);
    /* A fresh id on every login, so a planted cookie never becomes a session. */
    whb_session_drop(c.session);
    struct whb_session *s = whb_session_new(col->sessions, perms, via, &c.source, now);
    if (!s) {
        reply_error(req, 503, "no random source");
        return;
    }
    whb_log_info("audit: console login from %s with the %s token", c.peer, role(perms));
    whb_session_set_cookie(req, s, now);
    char at[32];
    whb_clock_format_iso(s->expires_ms, at, sizeof(at));
    reply(req, 200,
          json_pack("{s:b, s:s, s:s, s:s, s:s}", "authenticated", 1, "via", role(perms), "role",
                    role(perms), "csrf", s->csrf, "expires_at", at));
}

static void on_logout(struct whb_collector *col, struct evhttp_request *req, int64_t now)
{
    struct whb_caller c;
    if (whb_access_identify(col, req, &c))
        return;
    if (!whb_session_csrf_ok(c.session, req) &&
        !whb_session_pre_ok(col->sessions, req, &c.source, now)) {
        reply_error(req, 403, "CSRF token missing or wrong");
        return;
    }
    whb_session_drop(c.session);
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
    if (!whb_access_state(col)) {
        reply_error(req, 503, "out of memory");
        return 1;
    }
    const char *what = path + sizeof(prefix) - 1;
    int post = !a && (!strcmp(what, "login") || !strcmp(what, "logout"));
    if (cmd != (post ? EVHTTP_REQ_POST : EVHTTP_REQ_GET) && !(cmd == EVHTTP_REQ_HEAD && !post)) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", post ? "POST" : "GET");
        reply_error(req, 405, post ? "use POST" : "use GET");
    } else if (a) {
        struct whb_caller c;
        if (!whb_access_identify(col, req, &c)) /* Host names this collector */
            serve_asset(req, a);
    } else if (!strcmp(what, "session"))
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
