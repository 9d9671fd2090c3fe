/* Implementation of config.h. */
#include "config.h"

#include <libpq-fe.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "wire.h"

void whb_config_defaults(struct whb_collector_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen_host, sizeof(cfg->listen_host), "0.0.0.0");
    cfg->port = 8443;
    cfg->tls = 1;
    cfg->identity = WHB_IDENTITY_KEY;
    cfg->max_body = 64 * 1024;
    cfg->timeout_s = 10;
    cfg->max_connections = 4096;
    cfg->max_connections_per_source = 512;
    cfg->metrics_public = 1;
    cfg->max_pending = 4096;
    cfg->batch_max = 1024;
    snprintf(cfg->db_path, sizeof(cfg->db_path), "/var/lib/whb/collector.db");
    cfg->interval_s = 60;
    cfg->grace = 3;
    cfg->wsus_not_reported_days = 30;
    cfg->enroll_per_minute = 60;
    cfg->events_per_hour = 3600;
    cfg->events_burst = 20000;
    cfg->events_kept = 200000;
    cfg->log_level = WHB_LOG_INFO;
    if (gethostname(cfg->collector_id, sizeof(cfg->collector_id) - 1) || !cfg->collector_id[0])
        snprintf(cfg->collector_id, sizeof(cfg->collector_id), "collector");
    whb_switch_config_defaults(&cfg->switches);
}

void whb_config_free(struct whb_collector_config *cfg)
{
    whb_switch_config_free(&cfg->switches);
}

/* A token is a role: a file every local user may read (or change) hands that role to all of
 * them. Said, not refused: an admin who chose it can still start the collector. */
static void say_loose_mode(FILE *f, const char *path)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) || !(sb.st_mode & (S_IROTH | S_IWOTH | S_IWGRP)))
        return;
    whb_log_warnx("%s can be %s by %s (mode %04o): whoever can read a token holds its role; "
                  "chmod 0600, or 0640 for the collector's group (as whb-collector init writes)",
                  path, sb.st_mode & S_IROTH ? "read" : "changed",
                  sb.st_mode & (S_IROTH | S_IWOTH) ? "every user on this host" : "its group",
                  (unsigned)(sb.st_mode & 07777));
}

int whb_config_read_secret(const char *path, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return WHB_EIO;
    say_loose_mode(f, path);
    if (!fgets(out, (int)outlen, f)) {
        fclose(f);
        return WHB_EINVAL;
    }
    /* fgets stopped at the buffer's end: the line must end right there. */
    int c = strpbrk(out, "\r\n") ? EOF : fgetc(f);
    fclose(f);
    if (c != EOF && c != '\r' && c != '\n')
        return WHB_ETOOBIG;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] ? 0 : WHB_EINVAL;
}

int whb_config_conninfo_check(const char *conninfo, char *why, size_t whylen)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    int rc = 0;
    if (!opts) {
        snprintf(why, whylen, "store: not a libpq conninfo or URL: %s", err ? err : "?");
        rc = WHB_EINVAL;
    } else {
        for (PQconninfoOption *o = opts; o->keyword; o++)
            if (!strcmp(o->keyword, "password") && o->val && o->val[0]) {
                snprintf(why, whylen,
                         "store: the conninfo carries a password: put it in a passfile "
                         "(passfile=FILE, or PGPASSFILE) instead");
                rc = WHB_EINVAL;
            }
    }
    PQconninfoFree(opts);
    PQfreemem(err);
    return rc;
}

static int parse_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max || v[0] == '-')
        return -1;
    *out = n;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int copy_str(char *dst, size_t dstlen, const char *v)
{
    if (strlen(v) >= dstlen)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* "host:port", "[v6]:port" or ":port". */
static int parse_listen(struct whb_collector_config *cfg, const char *v)
{
    const char *colon = strrchr(v, ':');
    unsigned long port;
    if (!colon || parse_uint(colon + 1, 1, 65535, &port))
        return -1;
    size_t hlen = (size_t)(colon - v);
    if (hlen >= 2 && v[0] == '[' && v[hlen - 1] == ']') {
        v++;
        hlen -= 2;
    } else if (memchr(v, ':', hlen)) {
        return -1; /* "::1" is an IPv6 address without a port, not host ":" port 1 */
    }
    if (hlen >= sizeof(cfg->listen_host))
        return -1;
    if (hlen == 0)
        snprintf(cfg->listen_host, sizeof(cfg->listen_host), "0.0.0.0");
    else {
        memcpy(cfg->listen_host, v, hlen);
        cfg->listen_host[hlen] = '\0';
    }
    cfg->port = (unsigned)port;
    return 0;
}

/* Where a token file's secret goes, NULL when name is not a token file's setting. */
static char *token_slot(struct whb_collector_config *cfg, const char *name)
{
    if (!strcmp(name, "server.enrollment_token_file"))
        return cfg->enrollment_token;
    if (!strcmp(name, "server.admin_token_file"))
        return cfg->admin_token;
    if (!strcmp(name, "server.read_token_file"))
        return cfg->read_token;
    if (!strcmp(name, "server.upload_token_file"))
        return cfg->upload_token;
    return NULL;
}

int whb_config_set(struct whb_collector_config *cfg, const char *section, const char *key,
                   const char *v, char *why, size_t whylen)
{
    unsigned long n = 0;
    int rc = 0;
    char name[96], *dst;
    snprintf(name, sizeof(name), "%s.%s", section, key);

    if (!strcmp(name, "server.listen"))
        rc = parse_listen(cfg, v);
    else if (!strcmp(name, "server.tls"))
        rc = parse_bool(v, &cfg->tls);
    else if (!strcmp(name, "server.cert"))
        rc = copy_str(cfg->cert, sizeof(cfg->cert), v);
    else if (!strcmp(name, "server.key"))
        rc = copy_str(cfg->key, sizeof(cfg->key), v);
    else if (!strcmp(name, "server.client_ca"))
        rc = copy_str(cfg->client_ca, sizeof(cfg->client_ca), v);
    else if (!strcmp(name, "server.identity")) {
        if (!strcmp(v, "key"))
            cfg->identity = WHB_IDENTITY_KEY;
        else if (!strcmp(v, "mtls"))
            cfg->identity = WHB_IDENTITY_MTLS;
        else
            rc = -1;
    } else if ((dst = token_slot(cfg, name))) {
        size_t len = sizeof(cfg->admin_token);
        int err = whb_config_read_secret(v, dst, len);
        if (err == WHB_ETOOBIG) {
            snprintf(why, whylen, "%s: the token in %s is longer than %zu characters", name, v,
                     len - 1);
            return WHB_EINVAL;
        }
        if (err) {
            snprintf(why, whylen, "%s: cannot read a token from %s", name, v);
            return WHB_EINVAL;
        }
    } else if (!strcmp(name, "server.trust_loopback"))
        rc = parse_bool(v, &cfg->trust_loopback);
    else if (!strcmp(name, "server.control_socket"))
        rc = copy_str(cfg->control_socket, sizeof(cfg->control_socket), v);
    else if (!strcmp(name, "server.control_group"))
        rc = copy_str(cfg->control_group, sizeof(cfg->control_group), v);
    else if (!strcmp(name, "server.names"))
        rc = copy_str(cfg->names, sizeof(cfg->names), v);
    else if (!strcmp(name, "enrollment.per_source_per_minute")) {
        rc = parse_uint(v, 0, 1000000, &n);
        cfg->enroll_per_minute = (unsigned)n;
    } else if (!strcmp(name, "enrollment.require")) {
        if (!strcmp(v, "none"))
            cfg->enroll_rule = WHB_ENROLL_ANY;
        else if (!strcmp(v, "wsus_name"))
            cfg->enroll_rule = WHB_ENROLL_WSUS_NAME;
        else if (!strcmp(v, "wsus_name_and_ip"))
            cfg->enroll_rule = WHB_ENROLL_WSUS_NAME_IP;
        else
            rc = -1;
    } else if (!strcmp(name, "store.events_per_hour")) {
        rc = parse_uint(v, 1, 100000000, &n);
        cfg->events_per_hour = (unsigned)n;
    } else if (!strcmp(name, "store.events_burst")) {
        rc = parse_uint(v, WHB_WIRE_MAX_EVENTS + 1, 100000000, &n);
        cfg->events_burst = (unsigned)n;
    } else if (!strcmp(name, "store.events_kept")) {
        rc = parse_uint(v, 1000, 1000000000, &n);
        cfg->events_kept = (unsigned)n;
    } else if (!strcmp(name, "server.max_body")) {
        rc = parse_uint(v, 1024, 16 * 1024 * 1024, &n);
        cfg->max_body = n;
    } else if (!strcmp(name, "server.timeout")) {
        rc = parse_uint(v, 1, 3600, &n);
        cfg->timeout_s = (unsigned)n;
    } else if (!strcmp(name, "server.max_connections")) {
        rc = parse_uint(v, 16, 1000000, &n);
        cfg->max_connections = (unsigned)n;
    } else if (!strcmp(name, "server.max_connections_per_source")) {
        rc = parse_uint(v, 1, 1000000, &n);
        cfg->max_connections_per_source = (unsigned)n;
    } else if (!strcmp(name, "server.metrics_public")) {
        rc = parse_bool(v, &cfg->metrics_public);
    } else if (!strcmp(name, "server.max_pending")) {
        rc = parse_uint(v, 1, 1000000, &n);
        cfg->max_pending = (unsigned)n;
    } else if (!strcmp(name, "server.loops")) {
        rc = parse_uint(v, 0, 64, &n);
        cfg->loops = (unsigned)n;
    } else if (!strcmp(name, "store.path"))
        rc = copy_str(cfg->db_path, sizeof(cfg->db_path), v);
    else if (!strcmp(name, "store.backend")) {
        if (!strcmp(v, "sqlite"))
            cfg->db_postgresql = 0;
        else if (!strcmp(v, "postgresql"))
            cfg->db_postgresql = 1;
        else
            rc = -1;
    } else if (!strcmp(name, "store.conninfo") || !strcmp(name, "store.url")) {
        /* A password here would sit in a file anyone with the config reads, or in argv. */
        if (whb_config_conninfo_check(v, why, whylen))
            return WHB_EINVAL;
        rc = copy_str(cfg->db_conninfo, sizeof(cfg->db_conninfo), v);
    } else if (!strcmp(name, "store.collector_id"))
        rc = !v[0] || copy_str(cfg->collector_id, sizeof(cfg->collector_id), v);
    else if (!strcmp(name, "store.group"))
        rc = copy_str(cfg->db_group, sizeof(cfg->db_group), v);
    else if (!strcmp(name, "store.batch_max")) {
        rc = parse_uint(v, 1, 100000, &n);
        cfg->batch_max = (unsigned)n;
    } else if (!strcmp(name, "heartbeat.interval")) {
        rc = parse_uint(v, 1, 86400, &n);
        cfg->interval_s = (unsigned)n;
    } else if (!strcmp(name, "heartbeat.grace")) {
        rc = parse_uint(v, 1, 1000, &n);
        cfg->grace = (unsigned)n;
    } else if (!strcmp(name, "wsus.not_reported_days")) {
        rc = parse_uint(v, 1, 3650, &n);
        cfg->wsus_not_reported_days = (unsigned)n;
    } else if (!strcmp(name, "log.syslog"))
        rc = parse_bool(v, &cfg->to_syslog);
    else if (!strcmp(name, "log.level"))
        rc = whb_log_level_parse(v, &cfg->log_level);
    else {
        snprintf(why, whylen, "unknown setting %s", name);
        return WHB_EINVAL;
    }
    if (rc) {
        snprintf(why, whylen, "bad value for %s: %s", name, v);
        return WHB_EINVAL;
    }
    return 0;
}

struct load_ctx {
    struct whb_collector_config *cfg;
    FILE *file;
    int lines;       /* read so far: the line inih is at */
    int failed_line; /* the first setting refused, and why */
    char cause[256];
};

/* inih's reader, counting lines: inih reports the first error's line, which may be a syntax
 * error before the setting that was refused. */
static char *read_line(char *str, int num, void *stream)
{
    struct load_ctx *ctx = stream;
    char *s = fgets(str, num, ctx->file);
    ctx->lines += s != NULL;
    return s;
}

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
    struct load_ctx *ctx = user;
    if (ctx->failed_line)
        return 0;
    /* The switches' sections come from files only (whb_config_set also serves flags). */
    if (whb_switch_config_section(section)) {
        if (whb_switch_config_set(&ctx->cfg->switches, section, key, value, ctx->cause,
                                  sizeof(ctx->cause))) {
            ctx->failed_line = ctx->lines;
            return 0;
        }
        return 1;
    }
    if (whb_config_set(ctx->cfg, section, key, value, ctx->cause, sizeof(ctx->cause))) {
        ctx->failed_line = ctx->lines;
        return 0;
    }
    return 1;
}

int whb_config_load(struct whb_collector_config *cfg, const char *path, char *why, size_t whylen)
{
    struct load_ctx ctx = {.cfg = cfg, .file = fopen(path, "r")};
    if (!ctx.file) {
        snprintf(why, whylen, "%s: cannot open", path);
        return WHB_EIO;
    }
    int line = ini_parse_stream(read_line, &ctx, on_ini, &ctx);
    fclose(ctx.file);
    if (line < 0) {
        snprintf(why, whylen, "%s: cannot read", path);
        return WHB_EIO;
    }
    if (line != 0) {
        snprintf(why, whylen, "%s:%d: %s", path, line,
                 line == ctx.failed_line ? ctx.cause : "syntax error");
        return WHB_EINVAL;
    }
    return 0;
}

int whb_config_check(const struct whb_collector_config *cfg, char *why, size_t whylen)
{
    if (whb_switch_config_check(&cfg->switches, why, whylen))
        return WHB_EINVAL;
    if (cfg->switches.syslog_tls[0] && (!cfg->tls || !cfg->cert[0])) {
        snprintf(why, whylen, "[switches] syslog_tls needs the collector's TLS certificate");
        return WHB_EINVAL;
    }
    if (cfg->tls && (!cfg->cert[0] || !cfg->key[0])) {
        snprintf(why, whylen,
                 "TLS needs server.cert and server.key (or --plain-http for a "
                 "loopback demo)");
        return WHB_EINVAL;
    }
    if (cfg->identity == WHB_IDENTITY_MTLS && (!cfg->tls || !cfg->client_ca[0])) {
        snprintf(why, whylen, "identity = mtls needs TLS and server.client_ca");
        return WHB_EINVAL;
    }
    if (cfg->max_connections_per_source > cfg->max_connections) {
        snprintf(why, whylen,
                 "server.max_connections_per_source (%u) is above max_connections (%u)",
                 cfg->max_connections_per_source, cfg->max_connections);
        return WHB_EINVAL;
    }
    if (cfg->db_postgresql && !cfg->db_conninfo[0]) {
        snprintf(why, whylen, "store.backend = postgresql needs store.conninfo or store.url");
        return WHB_EINVAL;
    }
    /* One token, one role: a token given for two roles would take the larger one. */
    const char *tokens[] = {cfg->enrollment_token, cfg->admin_token, cfg->read_token,
                            cfg->upload_token};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (tokens[i][0] && !strcmp(tokens[i], tokens[j])) {
                snprintf(why, whylen,
                         "the enrollment, admin, read and upload tokens must differ from each "
                         "other (each file its own token)");
                return WHB_EINVAL;
            }
    if (cfg->identity == WHB_IDENTITY_KEY && !cfg->enrollment_token[0]) {
        snprintf(why, whylen, "identity = key needs server.enrollment_token_file");
        return WHB_EINVAL;
    }
    return 0;
}
