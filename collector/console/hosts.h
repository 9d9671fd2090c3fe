/* The collector's own names and addresses, which a request's Host (and a browser's Origin) must
 * carry: a page on another name that resolves here (DNS rebinding) reads nothing. Internal to
 * console/. */
#ifndef WHB_CONSOLE_HOSTS_H
#define WHB_CONSOLE_HOSTS_H

#include <stddef.h>
#include <stdint.h>

struct whb_collector_config;

#define WHB_HOSTS_NAMES_MAX 64
#define WHB_HOSTS_ADDRS_MAX 128

struct whb_hosts {
    /* Lower case, no trailing dot; "*.example" matches one label under example. */
    char names[WHB_HOSTS_NAMES_MAX][254];
    unsigned n_names;
    /* The host's interface addresses, as IPv6 (IPv4 mapped), read again on a miss. */
    uint8_t addrs[WHB_HOSTS_ADDRS_MAX][16];
    unsigned n_addrs;
    int64_t addrs_read_ms;
};

/* The names: [server] names, the host name and its FQDN, localhost, a named listen address and
 * the DNS names of the server certificate. */
void whb_hosts_init(struct whb_hosts *h, const struct whb_collector_config *cfg);

/* Whether a Host header value ("name", "name:port", "[v6]:port", "v4:port") names this
 * collector: one of its names, an address of one of its interfaces, or a loopback address. */
int whb_hosts_match(struct whb_hosts *h, const char *host, int64_t now_ms);

/* Whether an Origin header value ("https://name:port") names this collector. */
int whb_hosts_match_origin(struct whb_hosts *h, const char *origin, int64_t now_ms);

/* Adds one name (tests, and the init above). */
void whb_hosts_add(struct whb_hosts *h, const char *name, size_t len);

#endif
