/* whb-collector: start-up, flags and signals. Everything else is in http.c and below. */
#include <event2/event.h>
#include <event2/thread.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"
#include "server.h"
#include "init/init.h"
#include "log.h"
#include "store/migrate.h"

static const char usage[] =
    "usage: whb-collector [-c FILE] [options]\n"
    "       whb-collector init [--dir /etc/whb] ...   tokens, key, certificate or CSR, config\n"
    "                                                 (whb-collector init --help)\n"
    "       whb-collector migrate --from sqlite:PATH --to postgresql://...  copy a store\n"
    "\n"
    "Receives wsus-heartbeat agent reports, stores them and answers why a machine has not\n"
    "reported status.\n"
    "\n"
    "  -c, --config FILE            INI file (default: none; /etc/whb/collector.conf when\n"
    "                               installed by the package)\n"
    "      --listen HOST:PORT       [server] listen      (default 0.0.0.0:8443)\n"
    "      --cert FILE              [server] cert        PEM certificate chain\n"
    "      --key FILE               [server] key         PEM private key\n"
    "      --plain-http             [server] tls = off   loopback demos only\n"
    "      --identity key|mtls      [server] identity    (default key)\n"
    "      --client-ca FILE         [server] client_ca   CA for client certificates (mtls)\n"
    "      --enrollment-token-file F [server] enrollment_token_file  (key mode)\n"
    "      --admin-token-file FILE  [server] admin_token_file  bearer token: everything (the\n"
    "                               read API, the console, WSUS uploads, machine admin)\n"
    "      --read-token-file FILE   [server] read_token_file  read-only: read API, console\n"
    "      --upload-token-file FILE [server] upload_token_file  WSUS list uploads only\n"
    "      --control-socket PATH    [server] control_socket  Unix socket for whb on this\n"
    "                               host: admin for whoever may open it (0600)\n"
    "      --control-group GROUP    [server] control_group  the socket 0660 for GROUP\n"
    "      --names N1,N2            [server] names       more names Host may carry (a\n"
    "                               proxy's, an alias); own names and addresses always\n"
    "      --trust-loopback         [server] trust_loopback = on  loopback callers are admin\n"
    "                               without a token: demos only, never in production\n"
    "      --enroll-per-minute N    [enrollment] per_source_per_minute  new machines a\n"
    "                               minute from one address or /64 (default 60; 0: none)\n"
    "      --enroll-require R       [enrollment] require  none | wsus_name |\n"
    "                               wsus_name_and_ip  who may enroll (default none)\n"
    "      --max-body BYTES         [server] max_body    (default 65536; larger: 413)\n"
    "      --timeout SECONDS        [server] timeout     a request's headers and body must\n"
    "                               arrive within this; idle connections close (default 10)\n"
    "      --max-connections N      [server] max_connections  open connections; more are\n"
    "                               closed at once (default 4096, at most the fd limit - 64)\n"
    "      --max-connections-per-source N  [server] max_connections_per_source  of those,\n"
    "                               from one address (default 512)\n"
    "      --metrics-public on|off  [server] metrics_public  /metrics and /healthz for any\n"
    "                               caller; off: the read or admin token (default on)\n"
    "      --max-pending N          [server] max_pending reports awaiting commit before 503\n"
    "                               (default 4096)\n"
    "      --loops N                [server] loops       event loops (threads) that accept and\n"
    "                               answer on the port; 0: one per CPU, at most 8 (default 0)\n"
    "      --db FILE                [store] path         (default /var/lib/whb/collector.db)\n"
    "      --db-group GROUP         [store] group        database files 0640 for GROUP\n"
    "                               (default: none, 0600)\n"
    "      --store-backend sqlite|postgresql  [store] backend  (default sqlite)\n"
    "      --store-conninfo CONNINFO [store] conninfo (or url) libpq conninfo or\n"
    "                               postgresql:// URL; a password is refused: use a passfile\n"
    "      --collector-id NAME      [store] collector_id  this collector among those sharing\n"
    "                               a PostgreSQL database (default: the host name)\n"
    "      --batch-max N            [store] batch_max    reports per commit (default 1024)\n"
    "      --events-per-hour N      [store] events_per_hour  a machine's event budget\n"
    "                               refill (default 3600)\n"
    "      --events-burst N         [store] events_burst  and its size (default 20000)\n"
    "      --events-kept N          [store] events_kept  events kept per machine, the\n"
    "                               oldest tenth dropped past it (default 200000)\n"
    "      --interval SECONDS       [heartbeat] interval asked of agents (default 60)\n"
    "      --grace N                [heartbeat] grace    silent after N intervals (default 3)\n"
    "      --wsus-not-reported-days N [wsus] not_reported_days  a computer of WSUS's list\n"
    "                               has not reported after N days (default 30, as the\n"
    "                               WSUS console)\n"
    "      --syslog                 [log] syslog = on\n"
    "      --log-level LEVEL        [log] level          error|warn|info|debug (default info)\n"
    "  -h, --help                   this text\n"
    "  -V, --version                print the version\n";

struct flag_map {
    const char *name;
    const char *section, *key;
};

static const struct flag_map flag_settings[] = {
    {"listen", "server", "listen"},
    {"cert", "server", "cert"},
    {"key", "server", "key"},
    {"identity", "server", "identity"},
    {"client-ca", "server", "client_ca"},
    {"enrollment-token-file", "server", "enrollment_token_file"},
    {"admin-token-file", "server", "admin_token_file"},
    {"read-token-file", "server", "read_token_file"},
    {"upload-token-file", "server", "upload_token_file"},
    {"control-socket", "server", "control_socket"},
    {"control-group", "server", "control_group"},
    {"names", "server", "names"},
    {"enroll-per-minute", "enrollment", "per_source_per_minute"},
    {"enroll-require", "enrollment", "require"},
    {"events-per-hour", "store", "events_per_hour"},
    {"events-burst", "store", "events_burst"},
    {"events-kept", "store", "events_kept"},
    {"max-body", "server", "max_body"},
    {"timeout", "server", "timeout"},
    {"max-pending", "server", "max_pending"},
    {"loops", "server", "loops"},
    {"max-connections", "server", "max_connections"},
    {"max-connections-per-source", "server", "max_connections_per_source"},
    {"metrics-public", "server", "metrics_public"},
    {"db-group", "store", "group"},
    {"db", "store", "path"},
    {"store-backend", "store", "backend"},
    {"store-conninfo", "store", "conninfo"},
    {"collector-id", "store", "collector_id"},
    {"batch-max", "store", "batch_max"},
    {"interval", "heartbeat", "interval"},
    {"grace", "heartbeat", "grace"},
    {"wsus-not-reported-days", "wsus", "not_reported_days"},
    {"log-level", "log", "level"},
};

#define N_SETTINGS (sizeof(flag_settings) / sizeof(flag_settings[0]))

/* libevent's own warnings (accept errors, bad requests) can be caused by any peer. */
static void on_libevent_log(int severity, const char *msg)
{
    if (severity >= EVENT_LOG_WARN)
        whb_log_limited(WHB_LOG_WARN, "libevent: %s", msg);
}

/* Takes the hard limit on file descriptors (epoll has no FD_SETSIZE) and keeps the connection
 * cap below it, with room for the database, the log and the listener. */
static void fit_fd_limit(struct whb_collector_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl))
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)cfg->max_connections + 64)
        return;
    unsigned fit = rl.rlim_cur > 64 + 16 ? (unsigned)rl.rlim_cur - 64 : 16;
    whb_log_warnx("max_connections lowered from %u to %u: the file descriptor limit is %llu",
                  cfg->max_connections, fit, (unsigned long long)rl.rlim_cur);
    cfg->max_connections = fit;
    if (cfg->max_connections_per_source > fit)
        cfg->max_connections_per_source = fit;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    whb_log_info("signal %d: stopping", (int)sig);
    event_base_loopexit(arg, NULL);
}

/* Flags override the file, so the file is read first and flags applied after. */
static int parse_args(int argc, char **argv, struct whb_collector_config *cfg)
{
    struct option opts[N_SETTINGS + 7];
    char why[512];
    const char *config_path = NULL;
    size_t i;

    for (i = 0; i < N_SETTINGS; i++)
        opts[i] = (struct option){flag_settings[i].name, required_argument, NULL, 1000 + (int)i};
    opts[i++] = (struct option){"config", required_argument, NULL, 'c'};
    opts[i++] = (struct option){"plain-http", no_argument, NULL, 'P'};
    opts[i++] = (struct option){"trust-loopback", no_argument, NULL, 'L'};
    opts[i++] = (struct option){"syslog", no_argument, NULL, 'S'};
    opts[i++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[i++] = (struct option){"version", no_argument, NULL, 'V'};
    opts[i] = (struct option){0};

    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        if (c == 'c')
            config_path = optarg;
        else if (c == 'h') {
            fputs(usage, stdout);
            return 1;
        } else if (c == 'V') {
            printf("whb-collector %s\n", WHB_VERSION);
            return 1;
        } else if (c == '?') {
            fputs(usage, stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "whb-collector: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (config_path && whb_config_load(cfg, config_path, why, sizeof(why))) {
        fprintf(stderr, "whb-collector: %s\n", why);
        return -1;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        int rc = 0;
        if (c >= 1000 && c < 1000 + (int)N_SETTINGS) {
            const struct flag_map *f = &flag_settings[c - 1000];
            rc = whb_config_set(cfg, f->section, f->key, optarg, why, sizeof(why));
        } else if (c == 'P')
            cfg->tls = 0;
        else if (c == 'L')
            cfg->trust_loopback = 1;
        else if (c == 'S')
            cfg->to_syslog = 1;
        if (rc) {
            fprintf(stderr, "whb-collector: --%s: %s\n", flag_settings[c - 1000].name, why);
            return -1;
        }
    }
    if (whb_config_check(cfg, why, sizeof(why))) {
        fprintf(stderr, "whb-collector: %s\n", why);
        return -1;
    }
    return 0;
}

/* The server only says it could not listen: bind again to learn why, in words that say what
 * to do. */
static void listen_cause(const struct whb_collector_config *cfg, char *why, size_t whylen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;
    char port[8];
    int err = 0;
    snprintf(port, sizeof(port), "%u", cfg->port);
    if (getaddrinfo(cfg->listen_host, port, &hints, &ai) == 0 && ai) {
        int fd = socket(ai->ai_family, ai->ai_socktype, 0), one = 1;
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen))
                err = errno;
            close(fd);
        }
    }
    if (ai)
        freeaddrinfo(ai);
    const char *cause = err == EADDRINUSE      ? "address in use (another process listens there: "
                                                 "ss -ltnp; or choose another [server] listen)"
                        : err == EACCES        ? "permission denied (ports below 1024 need root or "
                                                 "CAP_NET_BIND_SERVICE)"
                        : err == EADDRNOTAVAIL ? "no interface has this address"
                        : err                  ? strerror(err)
                                               : "the address does not resolve";
    snprintf(why, whylen, "cannot listen on %s:%u: %s", cfg->listen_host, cfg->port, cause);
}

int main(int argc, char **argv)
{
    struct whb_collector_config cfg;
    struct whb_collector *col = NULL;
    char why[512];

    if (argc > 1 && !strcmp(argv[1], "init"))
        return whb_init_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "migrate"))
        return whb_store_migrate_main(argc - 1, argv + 1);
    whb_config_defaults(&cfg);
    /* What reading the configuration says (a token file's mode) goes out under our name. */
    whb_log_init("whb-collector", 0, WHB_LOG_INFO);
    int rc = parse_args(argc, argv, &cfg);
    if (rc)
        return rc > 0 ? 0 : 2;

    whb_log_init("whb-collector", cfg.to_syslog, cfg.log_level);
    signal(SIGPIPE, SIG_IGN);
    /* Past a file size limit a write fails (the report gets 503) instead of killing us. */
    signal(SIGXFSZ, SIG_IGN);
    event_set_log_callback(on_libevent_log);
    fit_fd_limit(&cfg);
    evthread_use_pthreads();
    /* The changelist folds the many add/delete pairs of TLS bufferevents into one epoll_ctl
     * per file descriptor and loop iteration. */
    struct event_config *ecfg = event_config_new();
    if (ecfg)
        event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    struct event_base *base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    event_config_free(ecfg);
    if (!base) {
        whb_log_error("cannot create the event loop");
        return 1;
    }
    struct event *sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    struct event *sigint = evsignal_new(base, SIGINT, on_signal, base);
    evsignal_add(sigterm, NULL);
    evsignal_add(sigint, NULL);

    if (whb_server_start(base, &cfg, &col, why, sizeof(why))) {
        if (!strncmp(why, "cannot listen on", 16))
            listen_cause(&cfg, why, sizeof(why));
        whb_log_error("%s", why);
        rc = 1;
        goto out;
    }
    if (!cfg.tls)
        whb_log_warnx("plain HTTP: reports and keys travel unencrypted; use only on loopback");
    if (cfg.trust_loopback)
        whb_log_warnx("trust_loopback = on: every local user and any forwarder on this host is "
                      "an admin without a token; for demos only");
    whb_log_info("listening on %s:%u (%s, identity %s, store %s)", cfg.listen_host, cfg.port,
                 cfg.tls ? "TLS" : "plain HTTP", cfg.identity == WHB_IDENTITY_KEY ? "key" : "mtls",
                 cfg.db_postgresql ? "postgresql" : cfg.db_path);
    event_base_dispatch(base);
    rc = 0;
out:
    whb_server_free(col);
    event_free(sigterm);
    event_free(sigint);
    event_base_free(base);
    whb_config_free(&cfg);
    whb_log_close();
    return rc;
}
