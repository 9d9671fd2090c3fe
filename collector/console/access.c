/* Implementation of access.h. */
#include "console/access.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "collector.h"
#include "http/conncap.h"
#include "identity.h"
#include "log.h"

struct whb_sessions *whb_access_state(struct whb_collector *col)
{
    if (col->sessions)
        return col->sessions;
    struct whb_sessions *s = calloc(1, sizeof(*s));
    if (!s || whb_sessions_init(s)) {
        free(s);
        return NULL;
    }
    whb_hosts_init(&s->hosts, &col->cfg);
    col->sessions = s;
    return s;
}

static void refuse(struct evhttp_request *req, int code, const char *msg)
{
    json_t *doc = json_pack("{s:s}", "error", msg);
    char *text = doc ? json_dumps(doc, 0) : NULL;
    struct evbuffer *body = evbuffer_new();
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Content-Type", "application/json");
    if (code == 401)
        evhttp_add_header(out, "WWW-Authenticate", "Bearer");
    if (body && text)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, code,
                      code == 401   ? "Unauthorized"
                      : code == 400 ? "Bad Request"
                                    : "Forbidden",
                      body);
    if (body)
        evbuffer_free(body);
    free(text);
    json_decref(doc);
}

/* The peer as an address (and its source key), or the control socket's uid and pid. */
static void peer_of(struct evhttp_request *req, struct whb_caller *c)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    snprintf(c->peer, sizeof(c->peer), "?");
    if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len))
        return;
    if (ss.ss_family == AF_UNIX) {
        struct ucred cred;
        socklen_t cl = sizeof(cred);
        c->control = 1;
        if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl))
            snprintf(c->peer, sizeof(c->peer), "uid %u, pid %d", (unsigned)cred.uid, (int)cred.pid);
        return;
    }
    len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len))
        return;
    whb_conncap_key((struct sockaddr *)&ss, (struct whb_conncap_addr *)&c->source);
    if (ss.ss_family == AF_INET)
        c->loopback = ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24 == 127;
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
        c->loopback = IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    char *addr = NULL;
    ev_uint16_t port = 0;
    evhttp_connection_get_peer(conn, &addr, &port);
    snprintf(c->peer, sizeof(c->peer), "%s", addr ? addr : "?");
}

/* A bearer token's role. */
static unsigned token_perms(const struct whb_collector_config *cfg, const char *token,
                            const char **via)
{
    if (cfg->admin_token[0] && whb_identity_token_ok(token, cfg->admin_token)) {
        *via = "admin token";
        return WHB_PERM_ALL;
    }
    if (cfg->read_token[0] && whb_identity_token_ok(token, cfg->read_token)) {
        *via = "read token";
        return WHB_PERM_READ;
    }
    if (cfg->upload_token[0] && whb_identity_token_ok(token, cfg->upload_token)) {
        *via = "upload token";
        return WHB_PERM_UPLOAD;
    }
    return 0;
}

int whb_access_identify(struct whb_collector *col, struct evhttp_request *req, struct whb_caller *c)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct whb_sessions *s = whb_access_state(col);
    int64_t now = whb_clock_wall_ms();
    memset(c, 0, sizeof(*c));
    peer_of(req, c);
    if (!s) {
        refuse(req, 503, "out of memory");
        return -1;
    }
    if (c->control) { /* the OS checked the socket file's permissions */
        c->perms = WHB_PERM_ALL;
        c->via = "the control socket";
        return 0;
    }
    const char *host = evhttp_find_header(in, "Host");
    if (!host && (req->major > 1 || req->minor >= 1)) {
        refuse(req, 400, "Host header required (RFC 9112)");
        return -1;
    }
    if (host && !whb_hosts_match(&s->hosts, host, now)) {
        whb_log_limited(WHB_LOG_WARN,
                        "audit: request for Host %.100s from %s refused: not a name "
                        "of this collector ([server] names)",
                        host, c->peer);
        refuse(req, 403,
               "the Host header does not name this collector; add the name to "
               "[server] names if a proxy or alias uses it");
        return -1;
    }
    const char *origin = evhttp_find_header(in, "Origin");
    if (origin && strcmp(origin, "null") && !whb_hosts_match_origin(&s->hosts, origin, now)) {
        whb_log_limited(WHB_LOG_WARN, "audit: request with Origin %.100s from %s refused", origin,
                        c->peer);
        refuse(req, 403, "the Origin header does not name this collector");
        return -1;
    }
    c->browser = origin != NULL;
    const char *auth = evhttp_find_header(in, "Authorization");
    if (auth) {
        if (strncmp(auth, "Bearer ", 7) ||
            !(c->perms = token_perms(&col->cfg, auth + 7, &c->via))) {
            whb_log_limited(WHB_LOG_WARN, "audit: a wrong token from %s refused", c->peer);
            refuse(req, 401, "the token is not one of this collector's");
            return -1;
        }
        return 0;
    }
    int elsewhere = 0;
    c->session = whb_session_find(s, req, &c->source, now, &elsewhere);
    if (evhttp_find_header(in, "Cookie") && (c->session || elsewhere))
        c->browser = 1;
    if (elsewhere)
        whb_log_limited(WHB_LOG_WARN,
                        "audit: a session cookie issued to another address was "
                        "presented by %s: refused",
                        c->peer);
    if (c->session) {
        c->perms = c->session->perms;
        c->via = c->session->via;
    } else if (col->cfg.trust_loopback && c->loopback) {
        c->perms = WHB_PERM_ALL;
        c->via = "loopback (trust_loopback)";
    }
    return 0;
}

int whb_access_allowed(struct whb_collector *col, struct evhttp_request *req, unsigned need,
                       int state_change, struct whb_caller *c)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Cache-Control", "no-store");
    evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
    if (whb_access_identify(col, req, c))
        return 0;
    if (state_change && c->browser && !c->control) {
        int64_t now = whb_clock_wall_ms();
        int ok = c->session ? whb_session_csrf_ok(c->session, req)
                            : whb_session_pre_ok(col->sessions, req, &c->source, now);
        if (!ok) {
            whb_log_limited(WHB_LOG_WARN,
                            "audit: a browser's state change without a valid CSRF token from %s "
                            "refused",
                            c->peer);
            refuse(req, 403, "CSRF token missing or wrong: reload the console");
            return 0;
        }
    }
    if ((c->perms & need) == need)
        return 1;
    if (!c->perms) {
        whb_log_limited(WHB_LOG_WARN, "audit: read API refused to %s: no token", c->peer);
        refuse(req, 401,
               "a token is required (Authorization: Bearer, the admin or read token) "
               "or a console login");
        return 0;
    }
    whb_log_limited(WHB_LOG_WARN, "audit: %s from %s may not %s", c->via, c->peer,
                    need & WHB_PERM_ADMIN    ? "change machines' bindings"
                    : need & WHB_PERM_UPLOAD ? "upload WSUS's list"
                                             : "read the API");
    refuse(req, 403,
           need & WHB_PERM_ADMIN    ? "this needs the admin token"
           : need & WHB_PERM_UPLOAD ? "this needs the admin or upload token"
                                    : "this needs the admin or read token");
    return 0;
}
