/* Implementation of switch_config.h. */
#include "switch_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"

#define INCLUDE_DEPTH_MAX 4

void whb_switch_config_defaults(struct whb_switch_config *c)
{
    memset(c, 0, sizeof(*c));
    c->rate = 200;
    c->burst = 1000;
    c->max_tcp = 256;
    c->poll_timeout_ms = 1000;
    c->poll_rate = 5;
    c->cache_ms = 2000;
    c->max_ports = 2048;
}

void whb_switch_config_free(struct whb_switch_config *c)
{
    if (!c->creds)
        return;
    /* Secrets do not linger in freed memory. */
    memset(c->creds, 0, c->n * sizeof(*c->creds));
    free(c->creds);
    c->creds = NULL;
    c->n = 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int whb_switch_config_section(const char *section)
{
    return strcmp(section, "switches") == 0 || starts(section, "switch ") ||
           starts(section, "switch-range ");
}

/* An address as IPv4-mapped IPv6 (IPv4) or IPv6; prefix in IPv6 bits. */
static int parse_net(const char *text, int range, uint8_t net[16], unsigned *prefix)
{
    char buf[64];
    if (strlen(text) >= sizeof(buf))
        return -1;
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    long bits = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (!range || end == slash + 1 || *end)
            return -1;
    } else if (range) {
        return -1;
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        if (bits > 32)
            return -1;
        memset(net, 0, 10);
        net[10] = net[11] = 0xff;
        memcpy(net + 12, &a4, 4);
        *prefix = 96 + (unsigned)(bits < 0 ? 32 : bits);
    } else if (inet_pton(AF_INET6, buf, &a6) == 1) {
        if (bits > 128)
            return -1;
        memcpy(net, &a6, 16);
        *prefix = (unsigned)(bits < 0 ? 128 : bits);
    } else {
        return -1;
    }
    /* Host bits cleared, so that 10.20.1.7/16 means 10.20.0.0/16. */
    for (unsigned i = *prefix; i < 128; i++)
        net[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
    return 0;
}

static struct whb_switch_cred *cred_for(struct whb_switch_config *c, const char *section, char *why,
                                        size_t whylen)
{
    for (unsigned i = 0; i < c->n; i++)
        if (strcmp(c->creds[i].section, section) == 0)
            return &c->creds[i];
    if (c->n == WHB_SWITCHES_MAX) {
        snprintf(why, whylen, "more than %d switch sections", WHB_SWITCHES_MAX);
        return NULL;
    }
    int range = starts(section, "switch-range ");
    const char *arg = section + (range ? strlen("switch-range ") : strlen("switch "));
    while (*arg == ' ')
        arg++;
    struct whb_switch_cred cr;
    memset(&cr, 0, sizeof(cr));
    if (!*arg || strlen(section) >= sizeof(cr.section) ||
        (!range && strlen(arg) >= sizeof(cr.name))) {
        snprintf(why, whylen, "[%s]: a switch section needs a name or a range", section);
        return NULL;
    }
    strcpy(cr.section, section);
    if (range) {
        if (parse_net(arg, 1, cr.net, &cr.prefix) != 0) {
            snprintf(why, whylen, "[%s]: not an address range (10.20.0.0/16)", section);
            return NULL;
        }
        snprintf(cr.address, sizeof(cr.address), "%s", arg);
    } else {
        for (const char *p = arg; *p; p++)
            if (*p <= ' ' || *p >= 127) {
                snprintf(why, whylen, "[%s]: a switch name is one word", section);
                return NULL;
            }
        strcpy(cr.name, arg);
    }
    cr.snmp_port = 161;
    cr.version = 3;
    strcpy(cr.auth, "SHA");
    strcpy(cr.priv, "AES");
    cr.poll = cr.syslog = 1;
    struct whb_switch_cred *grown = realloc(c->creds, (c->n + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    c->creds = grown;
    c->creds[c->n] = cr;
    return &c->creds[c->n++];
}

static int copy_str(char *dst, size_t dstlen, const char *v)
{
    if (strlen(v) >= dstlen)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int parse_uint(const char *v, unsigned long min, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < min || n > max)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int one_of(const char *v, const char *const *names, char *dst, size_t dstlen)
{
    for (; *names; names++)
        if (strcasecmp(v, *names) == 0)
            return copy_str(dst, dstlen, *names);
    return -1;
}

/* "host:port", "[v6]:port" or ":port" (port 0: any free one); "" or "off" turns the
 * listener off. */
static int parse_listen(const char *v, char *dst, size_t dstlen)
{
    if (!v[0] || !strcmp(v, "off")) {
        dst[0] = '\0';
        return 0;
    }
    const char *colon = strrchr(v, ':');
    unsigned port;
    if (!colon || parse_uint(colon + 1, 0, 65535, &port) != 0)
        return -1;
    return copy_str(dst, dstlen, v);
}

/* A v3 engine ID: 0x and 5 to 32 octets in hex (RFC 3411 SnmpEngineID). */
static int parse_engine_id(const char *v, char *dst, size_t dstlen)
{
    const char *h = v;
    if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
        h += 2;
    size_t n = strlen(h);
    if (n < 10 || n > 64 || n % 2)
        return -1;
    for (const char *p = h; *p; p++)
        if (!strchr("0123456789abcdefABCDEF", *p))
            return -1;
    if (n + 3 > dstlen)
        return -1;
    snprintf(dst, dstlen, "0x%s", h);
    return 0;
}

static int set_switches(struct whb_switch_config *c, const char *key, const char *v, char *why,
                        size_t whylen, int depth);

static int set_cred(struct whb_switch_cred *cr, const char *key, const char *v)
{
    static const char *const auths[] = {"SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512", NULL};
    static const char *const privs[] = {"AES", "AES-192", "AES-256", NULL};
    if (!strcmp(key, "address")) {
        if (!cr->name[0] || parse_net(v, 0, cr->net, &cr->prefix) != 0)
            return -1;
        return copy_str(cr->address, sizeof(cr->address), v);
    }
    if (!strcmp(key, "version")) {
        if (!strcmp(v, "3"))
            cr->version = 3;
        else if (!strcmp(v, "2c") || !strcmp(v, "2"))
            cr->version = 2;
        else
            return -1;
        return 0;
    }
    if (!strcmp(key, "community"))
        return copy_str(cr->community, sizeof(cr->community), v);
    if (!strcmp(key, "user"))
        return copy_str(cr->user, sizeof(cr->user), v);
    if (!strcmp(key, "auth"))
        return one_of(v, auths, cr->auth, sizeof(cr->auth));
    if (!strcmp(key, "auth_password"))
        return copy_str(cr->auth_pass, sizeof(cr->auth_pass), v);
    if (!strcmp(key, "priv"))
        return one_of(v, privs, cr->priv, sizeof(cr->priv));
    if (!strcmp(key, "priv_password"))
        return copy_str(cr->priv_pass, sizeof(cr->priv_pass), v);
    if (!strcmp(key, "engine_id"))
        return parse_engine_id(v, cr->engine_id, sizeof(cr->engine_id));
    if (!strcmp(key, "snmp_port"))
        return parse_uint(v, 1, 65535, &cr->snmp_port);
    if (!strcmp(key, "poll"))
        return parse_bool(v, &cr->poll);
    if (!strcmp(key, "syslog"))
        return parse_bool(v, &cr->syslog);
    return -2;
}

static int set_any(struct whb_switch_config *c, const char *section, const char *key, const char *v,
                   char *why, size_t whylen, int depth)
{
    if (!whb_switch_config_section(section)) {
        snprintf(why, whylen, "[%s] is not a switch section", section);
        return WHB_EINVAL;
    }
    if (!strcmp(section, "switches"))
        return set_switches(c, key, v, why, whylen, depth);
    struct whb_switch_cred *cr = cred_for(c, section, why, whylen);
    if (!cr)
        return WHB_EINVAL;
    int rc = set_cred(cr, key, v);
    if (rc == -2) {
        snprintf(why, whylen, "unknown setting %s in [%s]", key, section);
        return WHB_EINVAL;
    }
    if (rc != 0) {
        /* Never the value: it may be a secret. */
        snprintf(why, whylen, "bad value for %s in [%s]", key, section);
        return WHB_EINVAL;
    }
    return 0;
}

struct load_ctx {
    struct whb_switch_config *c;
    char why[256];
    int depth;
    int failed;
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
    struct load_ctx *ctx = user;
    if (ctx->failed)
        return 0;
    if (set_any(ctx->c, section, key, value, ctx->why, sizeof(ctx->why), ctx->depth) != 0) {
        ctx->failed = 1;
        return 0;
    }
    return 1;
}

static int load(struct whb_switch_config *c, const char *path, char *why, size_t whylen, int depth)
{
    if (depth > INCLUDE_DEPTH_MAX) {
        snprintf(why, whylen, "%s: credentials files nested too deep", path);
        return WHB_EINVAL;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "%s: cannot open", path);
        return WHB_EIO;
    }
    /* It holds passphrases: readable by others is a mistake worth stopping for. */
    if (st.st_mode & S_IROTH) {
        snprintf(why, whylen, "%s: readable by everyone; it holds switch credentials (chmod 600)",
                 path);
        return WHB_EDENIED;
    }
    struct load_ctx ctx = {.c = c, .depth = depth};
    int line = ini_parse(path, on_ini, &ctx);
    if (line == -1) {
        snprintf(why, whylen, "%s: cannot open", path);
        return WHB_EIO;
    }
    if (line != 0) {
        snprintf(why, whylen, "%s:%d: %s", path, line, ctx.why[0] ? ctx.why : "syntax error");
        return WHB_EINVAL;
    }
    return 0;
}

static int set_switches(struct whb_switch_config *c, const char *key, const char *v, char *why,
                        size_t whylen, int depth)
{
    int rc;
    if (!strcmp(key, "credentials"))
        return load(c, v, why, whylen, depth + 1);
    if (!strcmp(key, "syslog_udp"))
        rc = parse_listen(v, c->syslog_udp, sizeof(c->syslog_udp));
    else if (!strcmp(key, "syslog_tcp"))
        rc = parse_listen(v, c->syslog_tcp, sizeof(c->syslog_tcp));
    else if (!strcmp(key, "syslog_tls"))
        rc = parse_listen(v, c->syslog_tls, sizeof(c->syslog_tls));
    else if (!strcmp(key, "snmp_traps"))
        rc = parse_listen(v, c->snmp_traps, sizeof(c->snmp_traps));
    else if (!strcmp(key, "engine_id"))
        rc = parse_engine_id(v, c->engine_id, sizeof(c->engine_id));
    else if (!strcmp(key, "rate"))
        rc = parse_uint(v, 1, 1000000, &c->rate);
    else if (!strcmp(key, "burst"))
        rc = parse_uint(v, 1, 1000000, &c->burst);
    else if (!strcmp(key, "max_tcp"))
        rc = parse_uint(v, 1, 100000, &c->max_tcp);
    else if (!strcmp(key, "poll_timeout_ms"))
        rc = parse_uint(v, 50, 60000, &c->poll_timeout_ms);
    else if (!strcmp(key, "poll_rate"))
        rc = parse_uint(v, 1, 1000, &c->poll_rate);
    else if (!strcmp(key, "cache_ms"))
        rc = parse_uint(v, 0, 600000, &c->cache_ms);
    else if (!strcmp(key, "max_ports"))
        rc = parse_uint(v, 8, 100000, &c->max_ports);
    else {
        snprintf(why, whylen, "unknown setting %s in [switches]", key);
        return WHB_EINVAL;
    }
    if (rc != 0) {
        snprintf(why, whylen, "bad value for %s in [switches]: %s", key, v);
        return WHB_EINVAL;
    }
    return 0;
}

int whb_switch_config_set(struct whb_switch_config *c, const char *section, const char *key,
                          const char *value, char *why, size_t whylen)
{
    return set_any(c, section, key, value, why, whylen, 0);
}

int whb_switch_config_load(struct whb_switch_config *c, const char *path, char *why, size_t whylen)
{
    return load(c, path, why, whylen, 1);
}

int whb_switch_config_check(const struct whb_switch_config *c, char *why, size_t whylen)
{
    for (unsigned i = 0; i < c->n; i++) {
        const struct whb_switch_cred *cr = &c->creds[i];
        if (cr->name[0] && !cr->address[0]) {
            snprintf(why, whylen, "[%s] needs address", cr->section);
            return WHB_EINVAL;
        }
        if (cr->version == 2 && !cr->community[0]) {
            snprintf(why, whylen, "[%s]: version = 2c needs community", cr->section);
            return WHB_EINVAL;
        }
        if (cr->version == 3) {
            /* USM derives keys from passphrases of at least 8 octets (RFC 3414 11.2). */
            if (!cr->user[0] || strlen(cr->auth_pass) < 8 || strlen(cr->priv_pass) < 8) {
                snprintf(why, whylen,
                         "[%s]: SNMPv3 needs user, auth_password and priv_password (8 "
                         "characters at least); or version = 2c and community",
                         cr->section);
                return WHB_EINVAL;
            }
        }
    }
    if ((c->syslog_udp[0] || c->syslog_tcp[0] || c->syslog_tls[0] || c->snmp_traps[0]) &&
        c->n == 0) {
        snprintf(why, whylen,
                 "[switches] listens for switches but none is configured: add [switch NAME] or "
                 "[switch-range CIDR] sections");
        return WHB_EINVAL;
    }
    return 0;
}

static int in_net(const struct whb_switch_cred *cr, const uint8_t a[16])
{
    unsigned full = cr->prefix / 8, rest = cr->prefix % 8;
    if (memcmp(a, cr->net, full) != 0)
        return 0;
    return rest == 0 || ((a[full] ^ cr->net[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

const struct whb_switch_cred *whb_switch_config_match(const struct whb_switch_config *c,
                                                      const struct sockaddr *addr)
{
    uint8_t a[16];
    if (addr->sa_family == AF_INET) {
        memset(a, 0, 10);
        a[10] = a[11] = 0xff;
        memcpy(a + 12, &((const struct sockaddr_in *)addr)->sin_addr, 4);
    } else if (addr->sa_family == AF_INET6) {
        memcpy(a, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
    } else {
        return NULL;
    }
    const struct whb_switch_cred *best = NULL;
    for (unsigned i = 0; i < c->n; i++) {
        const struct whb_switch_cred *cr = &c->creds[i];
        if (!cr->address[0] || !in_net(cr, a))
            continue;
        if (!best || cr->prefix > best->prefix)
            best = cr;
    }
    return best;
}

const struct whb_switch_cred *whb_switch_config_find(const struct whb_switch_config *c,
                                                     const char *name)
{
    for (unsigned i = 0; i < c->n; i++)
        if (c->creds[i].name[0] && strcmp(c->creds[i].name, name) == 0)
            return &c->creds[i];
    return NULL;
}
