/* Console sessions: a token (admin or read) exchanged for a session cookie, bound to the source
 * address it was issued to and to what the token allowed. Nothing anonymous takes a slot: the
 * login form's CSRF token is stateless (an HMAC of the source address and its expiry), so no
 * number of anonymous requests pushes out a session or a login in progress. Failed logins are
 * counted per source address (an IPv6 /64), never for everyone. */
#ifndef WHB_SESSION_H
#define WHB_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "console/hosts.h"

struct evhttp_request;

/* What a caller may do (console/access.h decides who has which). */
enum whb_perm {
    WHB_PERM_READ = 1 << 0,   /* the read API and the console's pages */
    WHB_PERM_UPLOAD = 1 << 1, /* POST /v1/wsus/import */
    WHB_PERM_ADMIN = 1 << 2,  /* machines' bindings, enrollments: change what is stored */
};
#define WHB_PERM_ALL (WHB_PERM_READ | WHB_PERM_UPLOAD | WHB_PERM_ADMIN)

#define WHB_SESSION_MAX      64
#define WHB_SESSION_LIFETIME (8 * 3600 * 1000LL) /* ms; absolute, from login */
#define WHB_SESSION_PRE_LIFE (10 * 60 * 1000LL)  /* ms; a login form's CSRF token */
#define WHB_SESSION_ID_LEN   43                  /* base64url of 32 random bytes */
#define WHB_SESSION_PRE_LEN  56                  /* the login form's CSRF token */
#define WHB_LOGIN_FAILURES   10                  /* per source and minute */
#define WHB_LOGIN_SOURCES    512

struct whb_session {
    char id[WHB_SESSION_ID_LEN + 1];
    char csrf[WHB_SESSION_ID_LEN + 1];
    int64_t expires_ms;
    unsigned perms;          /* 0: a free slot */
    struct whb_source owner; /* the address it was issued to: used from elsewhere, refused */
    const char *via;         /* "admin token", "read token" */
};

struct whb_login_source {
    struct whb_source source;
    int64_t window_ms; /* start of its minute of failures */
    unsigned failures;
};

struct whb_sessions {
    struct whb_session slot[WHB_SESSION_MAX];
    struct whb_login_source failed[WHB_LOGIN_SOURCES];
    unsigned char secret[32]; /* keys the login form's CSRF tokens; new at every start */
    struct whb_hosts hosts;
};

/* Fills the table (random secret); -1 when the random source fails. */
int whb_sessions_init(struct whb_sessions *s);

/* The session named by the request's whb_session cookie (live, or NULL); *elsewhere is set
 * when the cookie names a live session issued to another source. */
struct whb_session *whb_session_find(struct whb_sessions *s, struct evhttp_request *req,
                                     const struct whb_source *from, int64_t now, int *elsewhere);

/* A new session for a caller who presented a token; evicts the one closest to expiry when
 * full (only token holders make sessions). NULL when the random source fails. */
struct whb_session *whb_session_new(struct whb_sessions *s, unsigned perms, const char *via,
                                    const struct whb_source *from, int64_t now);

void whb_session_drop(struct whb_session *sess);

/* Constant-time check of the request's X-CSRF-Token against sess's. */
int whb_session_csrf_ok(const struct whb_session *sess, struct evhttp_request *req);

/* The stateless CSRF token of a login form for source from, valid WHB_SESSION_PRE_LIFE. */
void whb_session_pre_token(const struct whb_sessions *s, const struct whb_source *from, int64_t now,
                           char out[WHB_SESSION_PRE_LEN + 1]);
/* Whether the request's X-CSRF-Token is such a token, for this source, not expired. */
int whb_session_pre_ok(const struct whb_sessions *s, struct evhttp_request *req,
                       const struct whb_source *from, int64_t now);

/* Adds Set-Cookie for sess (NULL: clears the cookie). */
void whb_session_set_cookie(struct evhttp_request *req, const struct whb_session *sess,
                            int64_t now);

/* Failed logins from one source: whether it has used up its minute, and counting one more. */
int whb_login_blocked(struct whb_sessions *s, const struct whb_source *from, int64_t now);
void whb_login_failed(struct whb_sessions *s, const struct whb_source *from, int64_t now);

#endif
