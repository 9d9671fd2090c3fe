/* Connection admission: a cap on open connections and a per-source-address share of it, so
 * that one host (or a slowloris) cannot take every connection. Pure bookkeeping, no I/O. */
#ifndef WHB_CONNCAP_H
#define WHB_CONNCAP_H

#include <stdint.h>
#include <sys/socket.h>

struct whb_conncap;

/* A peer address as the table keys it: IPv4 as its IPv4-mapped IPv6 form, so that a client is
 * one source whether it arrives on an IPv4 or an IPv6 socket; IPv6 by its /64, the smallest
 * network a site gets (one host may use any of its 2^64 addresses). */
struct whb_conncap_addr {
    uint8_t b[16];
};

struct whb_conncap *whb_conncap_new(unsigned max_total, unsigned max_per_source);
void whb_conncap_free(struct whb_conncap *cap);

/* Fills key from a socket address; WHB_EINVAL for other families. */
int whb_conncap_key(const struct sockaddr *sa, struct whb_conncap_addr *key);

/* Counts one more connection from key: 0, WHB_EBUSY when max_total are open, or WHB_EDENIED
 * when this source already has max_per_source. A refused connection is not counted. */
int whb_conncap_admit(struct whb_conncap *cap, const struct whb_conncap_addr *key);

/* Forgets one admitted connection from key. */
void whb_conncap_release(struct whb_conncap *cap, const struct whb_conncap_addr *key);

unsigned whb_conncap_open(const struct whb_conncap *cap);
unsigned whb_conncap_from(const struct whb_conncap *cap, const struct whb_conncap_addr *key);

#endif
