/* Who may use the read API and the console, from what the caller proves, never from where it
 * seems to come from: the control socket (the OS checked the file's permissions), a token
 * (admin, read or upload), or a session cookie issued to this source address for one of
 * those. Loopback is no identity unless trust_loopback is on (demos). X-Forwarded-For is
 * ignored: an address grants nothing, so a proxy or forwarder passes on only what its clients
 * prove. Every request must name the collector in Host (and a browser's state change in
 * Origin): a page on another name (DNS rebinding) is refused. */
#ifndef WHB_CONSOLE_ACCESS_H
#define WHB_CONSOLE_ACCESS_H

#include "console/session.h"

struct evhttp_request;
struct whb_collector;

struct whb_caller {
    unsigned perms;  /* enum whb_perm bits; 0: nobody */
    const char *via; /* "control socket", "admin token", "session (read token)"... */
    struct whb_source source;
    char peer[96]; /* the address, or "uid 0 pid 812" on the control socket */
    int control;   /* on the control socket */
    int loopback;  /* from 127/8 or ::1: no identity unless trust_loopback */
    int browser;   /* carries a session cookie or an Origin: state changes need CSRF */
    struct whb_session *session;
};

/* The console's state (sessions, names), made on first use; NULL when out of memory or
 * without a random source. Under the collector's api_lock. */
struct whb_sessions *whb_access_state(struct whb_collector *col);

/* Who the caller is, once Host (and a present Origin) name this collector: 0 with c filled,
 * or -1 after answering 400 or 403 itself. */
int whb_access_identify(struct whb_collector *col, struct evhttp_request *req,
                        struct whb_caller *c);

/* The read API's gate: the caller must hold need; a state change from a browser needs the
 * CSRF token of its session (or, with trust_loopback, of its source). Answers 401 or 403 itself
 * and returns 0 when refused. Adds no-store and nosniff to every answer. */
int whb_access_allowed(struct whb_collector *col, struct evhttp_request *req, unsigned need,
                       int state_change, struct whb_caller *c);

#endif
