/* Console access: who may use the console and the JSON API from a browser. Loopback callers
 * are trusted; others exchange the admin token for a session cookie. Every browser POST carries
 * the session's CSRF token (X-CSRF-Token). */
#ifndef WHB_SESSION_H
#define WHB_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct evhttp_request;
struct whb_collector;

#define WHB_SESSION_MAX      64
#define WHB_SESSION_LIFETIME (8 * 3600 * 1000LL) /* ms; absolute, from login */
#define WHB_SESSION_PRE_LIFE (10 * 60 * 1000LL)  /* ms; a login page's pre-session */
#define WHB_SESSION_ID_LEN   43                  /* base64url of 32 random bytes */

struct whb_session {
    char id[WHB_SESSION_ID_LEN + 1];
    char csrf[WHB_SESSION_ID_LEN + 1];
    int64_t expires_ms;
    int authed; /* 0: a pre-session that only protects the login form */
};

struct whb_sessions {
    struct whb_session slot[WHB_SESSION_MAX];
    int64_t fail_window_ms; /* start of the current minute of failed logins */
    unsigned failures;
};

/* 1 when the peer is a loopback address (127/8, ::1, or ::ffff:127/104 from a [::] socket). */
int whb_session_peer_loopback(const char *addr);

/* The live session named by the request's whb_session cookie, or NULL. */
struct whb_session *whb_session_find(struct whb_sessions *s, struct evhttp_request *req,
                                     int64_t now);

/* A new session (authed or not) with fresh random id and CSRF token; evicts the one closest
 * to expiry when full. NULL when the random source fails. */
struct whb_session *whb_session_new(struct whb_sessions *s, int authed, int64_t now);

void whb_session_drop(struct whb_session *sess);

/* Constant-time check of the request's X-CSRF-Token against sess. */
int whb_session_csrf_ok(const struct whb_session *sess, struct evhttp_request *req);

/* Adds Set-Cookie for sess (NULL: clears the cookie). */
void whb_session_set_cookie(struct evhttp_request *req, const struct whb_session *sess,
                            int64_t now);

/* Gate for the JSON API: Bearer admin token, a logged-in session, or loopback. Browser POSTs
 * (Origin header or session cookie) need the CSRF token. Answers 401/403 itself and returns 0
 * when refused; adds no-store and nosniff headers to every answer. */
int whb_session_api_allowed(struct whb_collector *col, struct evhttp_request *req, int is_post);

#endif
