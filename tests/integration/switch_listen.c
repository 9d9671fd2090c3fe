/* The switch service on its own, for tests/integration/test_switch.sh: loads the [switches]
 * and [switch ...] sections of CONFIG, listens and polls as they say, and prints every event
 * as one JSON line on stdout. Reads commands on stdin: "poll SWITCH PORT|-" (the port by name),
 * "pollix SWITCH IFINDEX", "ports SWITCH" (the table as JSON lines), "stats", "quit".
 * Usage: switch_listen CONFIG [CERT KEY] */
#include <event2/thread.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "switch.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void print(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    pthread_mutex_lock(&out_lock);
    printf("%s\n", s);
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
    free(s);
    json_decref(o);
}

static void on_event(void *arg, const struct whb_switch_event *ev,
                     const struct whb_switch_port *port, int changed)
{
    (void)arg;
    (void)port;
    (void)changed;
    print(json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:I,s:I,s:i,s:s,s:s,s:s,s:s,s:I}", "type", "event",
        "source", whb_switch_source_name(ev->source), "kind", whb_switch_kind_name(ev->kind), "sw",
        ev->sw, "port", ev->port, "ifindex", ev->ifindex, "admin", whb_if_status_name(ev->admin),
        "oper", whb_if_status_name(ev->oper), "at", (json_int_t)ev->at_ms, "since",
        (json_int_t)ev->since_ms, "speed", (int)ev->speed_mbps, "cause", ev->cause, "mac", ev->mac,
        "who", ev->who, "text", ev->text, "uptime", (json_int_t)ev->uptime_cs));
}

static void print_port(const struct whb_switch_port *p)
{
    print(json_pack("{s:s,s:s,s:i,s:s,s:s,s:I,s:i,s:i,s:b,s:s,s:s}", "type", "port", "port",
                    p->name, "ifindex", p->ifindex, "admin", whb_if_status_name(p->admin), "oper",
                    whb_if_status_name(p->oper), "changed", (json_int_t)p->changed_ms, "speed",
                    (int)p->speed_mbps, "prev_speed", (int)p->prev_speed_mbps, "err_disabled",
                    p->err_disabled, "cause", p->cause, "alias", p->alias));
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: switch_listen CONFIG [CERT KEY]\n");
        return 2;
    }
    whb_log_init("switch_listen", 0, WHB_LOG_INFO);
    evthread_use_pthreads();
    struct whb_switch_config cfg;
    char why[256] = "";
    whb_switch_config_defaults(&cfg);
    if (whb_switch_config_load(&cfg, argv[1], why, sizeof(why)) != 0 ||
        whb_switch_config_check(&cfg, why, sizeof(why)) != 0) {
        fprintf(stderr, "switch_listen: %s\n", why);
        return 1;
    }
    struct whb_switch_hooks hooks = {.sink = on_event};
    if (argc == 4) {
        hooks.tls_cert = argv[2];
        hooks.tls_key = argv[3];
    }
    struct whb_switch_service *s = whb_switch_start(&cfg, &hooks, why, sizeof(why));
    whb_switch_config_free(&cfg);
    if (!s) {
        fprintf(stderr, "switch_listen: %s\n", why);
        return 1;
    }
    print(json_pack(
        "{s:s,s:i,s:i,s:i,s:i}", "type", "ready", "udp", whb_switch_bound_port(s, WHB_SWL_UDP),
        "tcp", whb_switch_bound_port(s, WHB_SWL_TCP), "tls", whb_switch_bound_port(s, WHB_SWL_TLS),
        "trap", whb_switch_bound_port(s, WHB_SWL_TRAP)));
    char line[512];
    while (fgets(line, sizeof(line), stdin)) {
        char cmd[16], a[128], b[128];
        int n = sscanf(line, "%15s %127s %127s", cmd, a, b);
        if (n >= 1 && !strcmp(cmd, "quit"))
            break;
        if (n == 3 && !strcmp(cmd, "poll")) {
            int rc = whb_switch_poll(s, a, NULL, b, 0);
            print(json_pack("{s:s,s:s}", "type", "polled", "rc", whb_strerror(rc)));
        } else if (n == 3 && !strcmp(cmd, "pollix")) {
            int rc = whb_switch_poll(s, a, NULL, NULL, atoi(b));
            print(json_pack("{s:s,s:s}", "type", "polled", "rc", whb_strerror(rc)));
        } else if (n == 2 && !strcmp(cmd, "ports")) {
            static struct whb_switch_port ports[512];
            unsigned k = whb_switch_ports_copy(s, a, ports, 512);
            for (unsigned i = 0; i < k && i < 512; i++)
                print_port(&ports[i]);
            print(json_pack("{s:s,s:i}", "type", "ports-end", "count", (int)k));
        } else if (n >= 1 && !strcmp(cmd, "stats")) {
            struct whb_switch_stats st;
            whb_switch_get_stats(s, &st);
            print(json_pack(
                "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "type", "stats",
                "syslog_msgs", (json_int_t)st.syslog_msgs, "syslog_link",
                (json_int_t)st.syslog_link, "syslog_unknown", (json_int_t)st.syslog_unknown,
                "syslog_rate", (json_int_t)st.syslog_rate, "syslog_bad", (json_int_t)st.syslog_bad,
                "tcp_refused", (json_int_t)st.tcp_refused, "traps", (json_int_t)st.traps,
                "traps_denied", (json_int_t)st.traps_denied, "traps_rate",
                (json_int_t)st.traps_rate, "informs_answered", (json_int_t)st.informs_answered,
                "polls", (json_int_t)st.polls, "poll_timeouts", (json_int_t)st.poll_timeouts,
                "poll_errors", (json_int_t)st.poll_errors, "poll_dropped",
                (json_int_t)st.poll_dropped));
        }
    }
    whb_switch_stop(s);
    return 0;
}
