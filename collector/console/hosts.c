/* Implementation of hosts.h: names gathered once at start, interface addresses read with
 * getifaddrs and again (at most every few seconds) when a literal address is not among them. */
#include "console/hosts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"

#define ADDRS_REREAD_MS 5000

void whb_hosts_add(struct whb_hosts *h, const char *name, size_t len)
{
    while (len && (name[len - 1] == '.' || isspace((unsigned char)name[len - 1])))
        len--;
    while (len && isspace((unsigned char)*name)) {
        name++;
        len--;
    }
    if (!len || len > 253 || h->n_names == WHB_HOSTS_NAMES_MAX)
        return;
    char *out = h->names[h->n_names];
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[len] = '\0';
    for (unsigned i = 0; i < h->n_names; i++)
        if (!strcmp(h->names[i], out))
            return;
    h->n_names++;
}

static void add_str(struct whb_hosts *h, const char *name)
{
    whb_hosts_add(h, name, strlen(name));
}

/* 0 and the address as 16 bytes (IPv4 mapped) when s is a literal address. */
static int literal(const char *s, uint8_t out[16])
{
    struct in_addr a4;
    if (inet_pton(AF_INET6, s, out) == 1)
        return 0;
    if (inet_pton(AF_INET, s, &a4) != 1)
        return -1;
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, &a4, 4);
    return 0;
}

static void add_cert_names(struct whb_hosts *h, const char *path)
{
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!cert)
        return;
    GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
        if (g->type == GEN_DNS)
            whb_hosts_add(h, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
                          (size_t)ASN1_STRING_length(g->d.dNSName));
    }
    GENERAL_NAMES_free(sans);
    X509_free(cert);
}

static void read_addrs(struct whb_hosts *h, int64_t now_ms)
{
    struct ifaddrs *all = NULL;
    h->addrs_read_ms = now_ms;
    if (getifaddrs(&all))
        return;
    h->n_addrs = 0;
    for (struct ifaddrs *i = all; i && h->n_addrs < WHB_HOSTS_ADDRS_MAX; i = i->ifa_next) {
        if (!i->ifa_addr)
            continue;
        uint8_t *out = h->addrs[h->n_addrs];
        if (i->ifa_addr->sa_family == AF_INET6) {
            memcpy(out, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
        } else if (i->ifa_addr->sa_family == AF_INET) {
            memset(out, 0, 10);
            out[10] = out[11] = 0xff;
            memcpy(out + 12, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
        } else {
            continue;
        }
        h->n_addrs++;
    }
    freeifaddrs(all);
}

void whb_hosts_init(struct whb_hosts *h, const struct whb_collector_config *cfg)
{
    char host[256] = "";
    uint8_t ignored[16];
    memset(h, 0, sizeof(*h));
    add_str(h, "localhost");
    for (const char *p = cfg->names; *p;) {
        size_t n = strcspn(p, ", \t");
        whb_hosts_add(h, p, n);
        p += n;
        p += strspn(p, ", \t");
    }
    if (cfg->listen_host[0] && literal(cfg->listen_host, ignored))
        add_str(h, cfg->listen_host);
    if (!gethostname(host, sizeof(host) - 1)) {
        add_str(h, host);
        struct addrinfo hints = {.ai_flags = AI_CANONNAME}, *ai = NULL;
        if (!getaddrinfo(host, NULL, &hints, &ai) && ai && ai->ai_canonname)
            add_str(h, ai->ai_canonname);
        if (ai)
            freeaddrinfo(ai);
    }
    if (cfg->tls)
        add_cert_names(h, cfg->cert);
    read_addrs(h, 0);
}

static int name_known(const struct whb_hosts *h, const char *name)
{
    for (unsigned i = 0; i < h->n_names; i++) {
        const char *n = h->names[i];
        if (!strcmp(n, name))
            return 1;
        /* "*.corp.example": exactly one more label. */
        const char *dot = strchr(name, '.');
        if (n[0] == '*' && n[1] == '.' && dot && dot != name && !strcmp(dot, n + 1))
            return 1;
    }
    return 0;
}

static int addr_known(struct whb_hosts *h, const uint8_t a[16], int64_t now_ms)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    /* A loopback literal is this host, whichever of 127/8 it is. */
    if (!memcmp(a, lo6, 16) || (!memcmp(a, v4mapped, 12) && a[12] == 127))
        return 1;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < h->n_addrs; i++)
            if (!memcmp(h->addrs[i], a, 16))
                return 1;
        if (pass || now_ms - h->addrs_read_ms < ADDRS_REREAD_MS)
            break;
        read_addrs(h, now_ms); /* an address added since (DHCP, a new interface) */
    }
    return 0;
}

/* The host part of "name:port", "[v6]:port" or "v6" into out, lower case; -1 if malformed. */
static int host_part(const char *v, char *out, size_t len)
{
    size_t n;
    if (v[0] == '[') {
        const char *end = strchr(v, ']');
        if (!end || (end[1] && end[1] != ':'))
            return -1;
        v++;
        n = (size_t)(end - v);
    } else {
        const char *colon = strchr(v, ':');
        /* Two colons and no brackets: a bare IPv6 address (not valid in Host, but harmless). */
        n = colon && !strchr(colon + 1, ':') ? (size_t)(colon - v) : strlen(v);
    }
    while (n && v[n - 1] == '.')
        n--;
    if (!n || n >= len)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c >= 0x7f || c == '/' || c == '@')
            return -1;
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return 0;
}

int whb_hosts_match(struct whb_hosts *h, const char *host, int64_t now_ms)
{
    char name[256];
    uint8_t a[16];
    if (!host || host_part(host, name, sizeof(name)))
        return 0;
    if (!literal(name, a))
        return addr_known(h, a, now_ms);
    return name_known(h, name);
}

int whb_hosts_match_origin(struct whb_hosts *h, const char *origin, int64_t now_ms)
{
    const char *p = origin ? strstr(origin, "://") : NULL;
    if (!p)
        return 0;
    p += 3;
    if (strchr(p, '/')) /* an Origin is scheme://host[:port], nothing after */
        return 0;
    return whb_hosts_match(h, p, now_ms);
}
