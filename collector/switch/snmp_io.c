/* net-snmp in the collector's process: set up once, its USM users made from the switches'
 * sections, and its single sessions driven by libevent (the pattern of net-snmp's own
 * snmptrapd main loop, snmp_select_info/snmp_read, with one session and a large fd set,
 * so that descriptors above FD_SETSIZE work). */
#include <event2/event.h>
#include <locale.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "error.h"
#include "log.h"
#include "switch_int.h"

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static int lib_ready;

static int on_snmp_log(int major, int minor, void *server, void *client)
{
    (void)major;
    (void)minor;
    (void)client;
    const struct snmp_log_message *m = server;
    if (!m || !m->msg)
        return 0;
    char line[256];
    size_t n = strcspn(m->msg, "\n");
    whb_switch_text(line, sizeof(line), m->msg, n < sizeof(line) ? n : sizeof(line) - 1);
    if (m->priority <= LOG_ERR)
        whb_log_limited(WHB_LOG_WARN, "net-snmp: %s", line);
    else if (m->priority <= LOG_NOTICE)
        whb_log_limited(WHB_LOG_INFO, "net-snmp: %s", line);
    return 0;
}

static int hex_bytes(const char *hex, u_char *out, size_t max)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t n = strlen(hex) / 2;
    if (n > max)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (u_char)v;
    }
    return (int)n;
}

/* A quoted word for net-snmp's config parser: \" and \\ escaped (read_config.c copy_nword). */
static size_t quoted(char *out, size_t outlen, const char *s)
{
    size_t o = 0;
    if (outlen < 3)
        return 0;
    out[o++] = '"';
    for (; *s && o + 3 < outlen; s++) {
        if (*s == '"' || *s == '\\')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

/* createUser [-e ENGINEID] NAME AUTH "PASS" PRIV "PASS", then a look-up that it took. */
static int create_user(const struct whb_switch_cred *cr, int with_engine)
{
    char line[1024], u[160], a[300], p[300];
    quoted(u, sizeof(u), cr->user);
    quoted(a, sizeof(a), cr->auth_pass);
    quoted(p, sizeof(p), cr->priv_pass);
    if (with_engine)
        snprintf(line, sizeof(line), "-e %s %s %s %s %s %s", cr->engine_id, u, cr->auth, a,
                 cr->priv, p);
    else
        snprintf(line, sizeof(line), "%s %s %s %s %s", u, cr->auth, a, cr->priv, p);
    usm_parse_create_usmUser("createUser", line);
    memset(line, 0, sizeof(line));
    memset(a, 0, sizeof(a));
    memset(p, 0, sizeof(p));
    u_char eid[64];
    int eidlen;
    if (with_engine) {
        eidlen = hex_bytes(cr->engine_id, eid, sizeof(eid));
    } else {
        eidlen = (int)snmpv3_get_engineID(eid, sizeof(eid));
    }
    return eidlen > 0 && usm_get_user(eid, (size_t)eidlen, (char *)cr->user) ? 0 : WHB_EINVAL;
}

static int make_users(const struct whb_switch_config *cfg, char *why, size_t whylen)
{
    for (unsigned i = 0; i < cfg->n; i++) {
        const struct whb_switch_cred *cr = &cfg->creds[i];
        if (cr->version != 3)
            continue;
        /* Its traps: the switch is the authoritative engine. */
        if (cr->engine_id[0] && create_user(cr, 1) != 0) {
            snprintf(why, whylen, "[%s]: net-snmp refused the SNMPv3 user", cr->section);
            return WHB_EINVAL;
        }
        /* Its informs: the collector is. One user per name: a second section with the same
         * user must use the same passphrases, or its informs will not authenticate. */
        int seen = 0;
        for (unsigned j = 0; j < i; j++)
            if (cfg->creds[j].version == 3 && strcmp(cfg->creds[j].user, cr->user) == 0) {
                seen = 1;
                if (strcmp(cfg->creds[j].auth_pass, cr->auth_pass) != 0 ||
                    strcmp(cfg->creds[j].priv_pass, cr->priv_pass) != 0 ||
                    strcmp(cfg->creds[j].auth, cr->auth) != 0 ||
                    strcmp(cfg->creds[j].priv, cr->priv) != 0)
                    whb_log_warnx("[%s]: user %s is also in [%s] with other passphrases: "
                                  "informs from one of them will not authenticate",
                                  cr->section, cr->user, cfg->creds[j].section);
            }
        if (!seen && create_user(cr, 0) != 0) {
            snprintf(why, whylen, "[%s]: net-snmp refused the SNMPv3 user", cr->section);
            return WHB_EINVAL;
        }
    }
    return 0;
}

int whb_snmp_lib_init(const struct whb_switch_config *cfg, char *why, size_t whylen)
{
    pthread_mutex_lock(&lib_lock);
    if (lib_ready) {
        pthread_mutex_unlock(&lib_lock);
        return 0; /* one service per process; a second start (tests) keeps the users */
    }
    /* Nothing read from or written to /etc/snmp, ~/.snmp or /var/lib/snmp: every setting
     * comes from the collector's configuration. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    /* Numeric OIDs only: no MIB is parsed (Debian ships none of the IETF's anyway). */
    netsnmp_set_mib_directory("/nonexistent");
    setenv("MIBS", "", 0);
    snmp_disable_log();
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_snmp_log, NULL);
    snmp_enable_calllog();
    /* init_snmp sets LC_CTYPE from the environment: the collector's ctype stays "C". */
    char *saved = setlocale(LC_CTYPE, NULL);
    char keep[64];
    snprintf(keep, sizeof(keep), "%s", saved ? saved : "C");
    init_snmp("whb-collector");
    setlocale(LC_CTYPE, keep);
    if (cfg->engine_id[0]) {
        u_char eid[64];
        int n = hex_bytes(cfg->engine_id, eid, sizeof(eid));
        if (n <= 0 || set_exact_engineID(eid, (size_t)n) != SNMPERR_SUCCESS) {
            snprintf(why, whylen, "[switches] engine_id: net-snmp refused it");
            pthread_mutex_unlock(&lib_lock);
            return WHB_EINVAL;
        }
    }
    int rc = make_users(cfg, why, whylen);
    lib_ready = rc == 0;
    pthread_mutex_unlock(&lib_lock);
    return rc;
}

int whb_snmp_source(const void *data, int len, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (!data)
        return WHB_EINVAL;
    if (len == (int)sizeof(netsnmp_indexed_addr_pair)) {
        const netsnmp_indexed_addr_pair *p = data;
        if (p->remote_addr.sa.sa_family == AF_INET) {
            memcpy(out, &p->remote_addr.sin, sizeof(struct sockaddr_in));
            return 0;
        }
#ifdef NETSNMP_ENABLE_IPV6
        if (p->remote_addr.sa.sa_family == AF_INET6) {
            memcpy(out, &p->remote_addr.sin6, sizeof(struct sockaddr_in6));
            return 0;
        }
#endif
        return WHB_EINVAL;
    }
    if (len == (int)sizeof(struct sockaddr_in6) &&
        ((const struct sockaddr *)data)->sa_family == AF_INET6) {
        memcpy(out, data, sizeof(struct sockaddr_in6));
        return 0;
    }
    if (len == (int)sizeof(struct sockaddr_in) &&
        ((const struct sockaddr *)data)->sa_family == AF_INET) {
        memcpy(out, data, sizeof(struct sockaddr_in));
        return 0;
    }
    return WHB_EINVAL;
}

struct whb_snmp_io {
    void *sessp;
    struct event *rd, *tmo;
};

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct whb_snmp_io *io = arg;
    netsnmp_large_fd_set fds;
    netsnmp_large_fd_set_init(&fds, (int)fd + 1);
    NETSNMP_LARGE_FD_SET((int)fd, &fds);
    snmp_sess_read2(io->sessp, &fds);
    netsnmp_large_fd_set_cleanup(&fds);
    whb_snmp_io_rearm(io);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct whb_snmp_io *io = arg;
    snmp_sess_timeout(io->sessp); /* retransmits, or calls back with a timeout */
    whb_snmp_io_rearm(io);
}

struct whb_snmp_io *whb_snmp_io_new(struct event_base *base, void *sessp)
{
    netsnmp_transport *t = snmp_sess_transport(sessp);
    if (!t || t->sock < 0)
        return NULL;
    struct whb_snmp_io *io = calloc(1, sizeof(*io));
    if (!io)
        return NULL;
    io->sessp = sessp;
    io->rd = event_new(base, t->sock, EV_READ | EV_PERSIST, on_readable, io);
    io->tmo = evtimer_new(base, on_timer, io);
    if (!io->rd || !io->tmo || event_add(io->rd, NULL) != 0) {
        whb_snmp_io_free(io);
        return NULL;
    }
    return io;
}

void whb_snmp_io_rearm(struct whb_snmp_io *io)
{
    int numfds = 0, block = 1;
    struct timeval tv = {0, 0};
    netsnmp_large_fd_set fds;
    netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
    snmp_sess_select_info2(io->sessp, &numfds, &fds, &tv, &block);
    netsnmp_large_fd_set_cleanup(&fds);
    if (block)
        evtimer_del(io->tmo); /* nothing outstanding */
    else
        evtimer_add(io->tmo, &tv);
}

void whb_snmp_io_free(struct whb_snmp_io *io)
{
    if (!io)
        return;
    if (io->rd)
        event_free(io->rd);
    if (io->tmo)
        event_free(io->tmo);
    free(io);
}
