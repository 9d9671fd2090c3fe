/* whb-agent: start-up and flags. The service runs whb_agent_run(); --once --print looks once;
 * --notify talks to a running agent (the systemd-sleep hook uses it). */
#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "error.h"
#include "log.h"
#include "memory.h"
#include "print.h"
#include "settings.h"
#ifdef __linux__
#include "platform/linux/linux.h"
#endif
#ifdef _WIN32
#include "platform/windows/bridge.h"
#include "platform/windows/policy.h"
#include "platform/windows/winservice.h"
#endif

#define MAX_OPTS 64

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: whb-agent [-c FILE] [--setting VALUE ...] [--once --print [--json] [--wait S]]\n"
        "       whb-agent --notify \"pre suspend|pre hibernate|post|shutdown|stop\"\n"
        "\n"
        "Watches this machine's adapters, wireless, switch port, power and WSUS server and\n"
        "reports to the wsus-heartbeat collector, so that a machine that has not reported\n"
        "status can be explained.\n"
        "\n"
        "  -c, --config FILE   INI file, section [agent] (default /etc/whb/agent.conf when\n"
        "                      it exists)\n"
        "      --once          look once and exit (with --print)\n"
        "      --print         print the snapshot as text\n"
        "      --json          ... as JSON\n"
        "      --wait SECONDS  with --once: listen this long for LLDP and events first\n"
        "      --notify CMD    tell the running agent about a power transition and wait for\n"
        "                      its last gasp (at most 3 s)\n"
        "      --policies      list the Group Policy values the agent reads (name, type,\n"
        "                      bounds) for the ADMX template check\n"
        "  -h, --help          this text\n"
        "  -V, --version       the version\n"
        "\nThe machine's key is STATE_DIR/key (64 hex digits). When it is corrupt the agent\n"
        "refuses to start: restore it from a backup, or delete it and remove the machine's\n"
        "binding on the collector; the agent then enrolls again with its token. A collector\n"
        "that lost its database (403 not_enrolled) gets the token again automatically.\n"
        "\nSettings (INI key = flag; Group Policy value on Windows):\n");
    for (size_t i = 0; i < whb_settings_count; i++) {
        const struct whb_setting *s = &whb_settings[i];
        char flag[64];
        snprintf(flag, sizeof(flag), "--%s", s->key);
        for (char *p = flag; *p; p++)
            *p = *p == '_' ? '-' : *p;
        fprintf(out, "  %-24s %s%s%s%s\n", flag, s->help, s->def[0] ? " [" : "", s->def,
                s->def[0] ? "]" : "");
        if (s->policy)
            fprintf(out, "  %-24s (policy %s)\n", "", s->policy);
    }
}

/* One line per policy value: name, registry type, bounds or choices. */
static void print_policies(void)
{
    for (size_t i = 0; i < whb_settings_count; i++) {
        const struct whb_setting *s = &whb_settings[i];
        if (!s->policy)
            continue;
        if (s->type == WHB_SETTING_UINT)
            printf("%s REG_DWORD %u %u\n", s->policy, s->min, s->max);
        else if (s->type == WHB_SETTING_CHOICE)
            printf("%s REG_SZ %s\n", s->policy, s->choices);
        else if (s->type == WHB_SETTING_LIST)
            printf("%s REG_MULTI_SZ\n", s->policy);
        else
            printf("%s REG_SZ\n", s->policy);
    }
}

struct args {
    const char *config, *notify;
    int once, print, json, wait_s;
};

static int parse(int argc, char **argv, struct whb_agent_config *cfg, struct args *a)
{
    struct option opts[MAX_OPTS];
    static char names[MAX_OPTS][48];
    char why[256];
    size_t n = 0;
    for (size_t i = 0; i < whb_settings_count && n < MAX_OPTS - 10; i++, n++) {
        snprintf(names[n], sizeof(names[n]), "%s", whb_settings[i].key);
        for (char *p = names[n]; *p; p++)
            *p = *p == '_' ? '-' : *p;
        opts[n] = (struct option){names[n], required_argument, NULL, 1000 + (int)i};
    }
    opts[n++] = (struct option){"config", required_argument, NULL, 'c'};
    opts[n++] = (struct option){"once", no_argument, NULL, 'o'};
    opts[n++] = (struct option){"print", no_argument, NULL, 'p'};
    opts[n++] = (struct option){"json", no_argument, NULL, 'j'};
    opts[n++] = (struct option){"wait", required_argument, NULL, 'w'};
    opts[n++] = (struct option){"notify", required_argument, NULL, 'n'};
    opts[n++] = (struct option){"policies", no_argument, NULL, 'P'};
    opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[n++] = (struct option){"version", no_argument, NULL, 'V'};
    opts[n] = (struct option){0};

    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->config = optarg;
            break;
        case 'o':
            a->once = 1;
            break;
        case 'p':
            a->print = 1;
            break;
        case 'j':
            a->json = a->print = 1;
            break;
        case 'w':
            a->wait_s = atoi(optarg);
            break;
        case 'n':
            a->notify = optarg;
            break;
        case 'P':
            print_policies();
            return 1;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("whb-agent %s\n", WHB_VERSION);
            return 1;
        case '?':
            usage(stderr);
            return -1;
        default:
            break;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "whb-agent: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
#ifdef _WIN32
    /* Group Policy is the configuration on Windows; flags still override it. */
    const char *pd = getenv("ProgramData");
    if (strcmp(cfg->state_dir, "/var/lib/whb-agent") == 0)
        snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s\\whb-agent",
                 pd ? pd : "C:\\ProgramData");
    if (a->config) {
        fprintf(stderr, "whb-agent: -c: on Windows settings come from Group Policy\n");
        return -1;
    }
    if (whb_win_read_policies(cfg, why, sizeof(why))) {
        fprintf(stderr, "whb-agent: %s\n", why);
        return -1;
    }
#else
    if (!a->config) {
        FILE *f = fopen("/etc/whb/agent.conf", "r");
        if (f) {
            fclose(f);
            a->config = "/etc/whb/agent.conf";
        }
    }
    if (a->config && whb_settings_load(cfg, a->config, why, sizeof(why))) {
        fprintf(stderr, "whb-agent: %s\n", why);
        return -1;
    }
#endif
    /* Collectors named on the command line replace those of the file or policy, in the order
     * given: the first --collector-url is the preferred one, the others follow it. */
    int urls_given = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        if (c < 1000)
            continue;
        const struct whb_setting *s = &whb_settings[c - 1000];
        int url = strcmp(s->key, "collector_url") == 0;
        int rc;
        if (url || strcmp(s->key, "collector_urls") == 0) {
            if (!urls_given++)
                cfg->collector_url[0] = cfg->collector_urls[0] = '\0';
            if (url && !cfg->collector_url[0])
                rc = whb_setting_set(cfg, s, optarg, why, sizeof(why));
            else
                rc = whb_setting_append(cfg, whb_setting_find("collector_urls"), optarg, why,
                                        sizeof(why));
        } else {
            rc = whb_setting_set(cfg, s, optarg, why, sizeof(why));
        }
        if (rc) {
            fprintf(stderr, "whb-agent: %s\n", why);
            return -1;
        }
    }
    return 0;
}

static int notify(const struct whb_agent_config *cfg, const char *cmd)
{
#ifdef __linux__
    char path[600];
    if (cfg->control_socket[0])
        snprintf(path, sizeof(path), "%s", cfg->control_socket);
    else
        snprintf(path, sizeof(path), "%s/control", cfg->state_dir);
    int rc = whb_control_notify(path, cmd, 3000);
    if (rc)
        fprintf(stderr, "whb-agent: --notify %s: %s\n", cmd, whb_strerror(rc));
    return rc ? 1 : 0;
#else
    (void)cfg;
    fprintf(stderr, "whb-agent: --notify %s: not used on this platform\n", cmd);
    return 2;
#endif
}

struct run_ctx {
    struct whb_agent_config *cfg;
    const struct whb_platform_ops *ops;
};

/* The service's life: open, run until stopped, close. bridge is NULL in the console. */
static int run_agent(void *bridge, void *arg)
{
    struct run_ctx *r = arg;
    struct whb_agent *agent = NULL;
    char why[512];
    r->cfg->service = bridge;
    if (whb_agent_open(r->cfg, r->ops, &agent, why, sizeof(why))) {
        whb_log_error("%s", why);
        return 1;
    }
    int rc = whb_agent_run(agent);
    whb_agent_close(agent);
    return rc;
}

/* --once: one look, printed. Its own function: the state it fills (~22 KiB) is then not in
 * main's frame, whose pages stay resident for the service's life. */
static int __attribute__((noinline))
look_once(struct whb_agent_config *cfg, const struct whb_platform_ops *ops, const struct args *args)
{
    struct whb_agent *agent = NULL;
    struct whb_state s;
    struct whb_identity id;
    char why[512];
    int rc = 0;
    cfg->collector_url[0] = cfg->collector_urls[0] = '\0'; /* a look sends nothing */
    cfg->look_only = 1;                                    /* ... and writes nothing */
    if (whb_agent_open(cfg, ops, &agent, why, sizeof(why))) {
        whb_log_error("%s", why);
        return 1;
    }
    whb_agent_look(agent, args->wait_s * 1000, &s, &id);
    if (args->json)
        rc = whb_print_json(stdout, &id, &s) ? 1 : 0;
    else
        whb_print_text(stdout, &id, &s);
    whb_agent_close(agent);
    return rc;
}

int main(int argc, char **argv)
{
    struct whb_agent_config cfg;
    struct args args = {0};
    enum whb_log_level level = WHB_LOG_INFO;

    whb_settings_defaults(&cfg);
    int rc = parse(argc, argv, &cfg, &args);
    if (rc)
        return rc > 0 ? 0 : 2;
    whb_log_level_parse(cfg.log_level, &level);
    whb_log_init("whb-agent", 0, level);
    if (args.notify)
        return notify(&cfg, args.notify);
    if (!args.once && !cfg.collector_url[0] && !cfg.collector_urls[0]) {
        fprintf(stderr, "whb-agent: no collector_url: set it in the config file or with "
                        "--collector-url (or use --once --print)\n");
        return 2;
    }
#ifndef _WIN32
    /* A hook that gave up, or a collector that reset a TLS connection, must not end the
     * agent through SIGPIPE (curl runs with CURLOPT_NOSIGNAL and does not ignore it). */
    signal(SIGPIPE, SIG_IGN);
#endif
    whb_memory_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    whb_memory_tls_fresh();
    const struct whb_platform_ops *ops =
        strcmp(cfg.platform, "replay") == 0 ? &whb_platform_replay : &WHB_PLATFORM_NATIVE;
    if (args.once) {
        rc = look_once(&cfg, ops, &args);
    } else {
        struct run_ctx r = {&cfg, ops};
#ifdef _WIN32
        int service_rc = 0;
        whb_win_eventlog_open();
        if (whb_win_service_run(run_agent, &r, &service_rc) == 0)
            rc = service_rc;
        else
            rc = run_agent(NULL, &r); /* not started by the service manager: the console */
#else
        rc = run_agent(NULL, &r);
#endif
    }
    whb_memory_tls_end();
    curl_global_cleanup();
    return rc;
}
