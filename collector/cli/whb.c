/* whb: the admin CLI. Asks the collector why machines have not reported status, and prints
 * readable tables, or the collector's JSON with --json. Errors: one line, exit 2. */
#include <curl/curl.h>
#ifdef _WIN32
#include <windows.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "client.h"
#include "import.h"
#include "messages.h"
#include "table.h"
#include "wsus_csv.h"

#define EXIT_USAGE 2
#ifndef WHB_DEFAULT_SOCKET
#define WHB_DEFAULT_SOCKET "/run/whb/control.sock"
#endif
#define LIMIT_MAX 100000

static const char usage[] =
    "usage: whb [--url URL | --socket PATH] [--ca FILE] [--token-file FILE] [--json] COMMAND\n"
    "\n"
    "Why has a machine not reported status to WSUS?\n"
    "\n"
    "commands:\n"
    "  status                     fleet summary: reporting, not reporting, by reason\n"
    "  silent [--limit N]         machines not reporting, with the reason for each\n"
    "  why HOST                   why HOST is (not) reporting, with evidence and next step\n"
    "                             (HOST: FQDN, short name or IP address)\n"
    "  history HOST               HOST's past silences, each explained, and its events\n"
    "  outages                    correlated outages: switches, access points, WSUS server\n"
    "  port SWITCH [PORT]         machines behind a switch (chassis id or system name), and\n"
    "                             each port's state as the switch itself says (SNMP, syslog)\n"
    "  wifi [--ssid S] [--bssid B] machines on a wireless network or access point\n"
    "  explain CODE               a WSUS message: not-reported, 6703, 0x80070643, services\n"
    "  enrollments [--all]        new machines to review: when and from where each enrolled,\n"
    "                             whether WSUS lists it (--all: every machine)\n"
    "  accept HOST | --all        mark a new machine reviewed: it counts as proven, and\n"
    "                             moves its neighbours' answers (--all: every one listed)\n"
    "  release HOST               unbind HOST's key: a reimaged machine enrolls again with\n"
    "                             the token (same id), or takes HOST's name (new id)\n"
    "  forget HOST                delete HOST: its binding, events and silences\n"
    "  wsus-import FILE.csv [--date-format CULTURE]\n"
    "                             answer for every computer WSUS lists as not reporting;\n"
    "                             CULTURE is the WSUS server's (de-DE, en-AU, en-US...) when\n"
    "                             its dates are not ISO 8601 (.ToString('o'))\n"
    "\n"
    "options:\n"
    "  --url URL          collector (default $WHB_URL; on the collector's host its control\n"
    "                     socket " WHB_DEFAULT_SOCKET " when present, else\n"
    "                     https://127.0.0.1:8443)\n"
    "  --socket PATH      the collector's control socket ($WHB_SOCKET): on its host, for\n"
    "                     root or its control_group, no token needed\n"
    "  --ca FILE          CA for the collector's certificate (default $WHB_CA or system)\n"
    "  --token-file FILE  admin or read token ($WHB_TOKEN_FILE); needed over --url\n"
    "  --json             print the collector's JSON\n"
    "  --version          print the version\n";

struct opts {
    struct whb_cli cli;
    int json;
    char url[1024]; /* --url without its trailing '/' */
};

static int die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "whb: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

/* A string of the answer, escaped for the terminal (see table.h). */
static const char *js(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return whb_table_cell(s ? s : "");
}

static const char *plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static long long ji(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* "; did you mean a, b?" from an answer's did_you_mean, or "". */
static const char *did_you_mean(json_t *doc)
{
    static char out[1200];
    json_t *names = json_object_get(doc, "did_you_mean"), *n;
    size_t i, used = 0;
    out[0] = '\0';
    json_array_foreach(names, i, n)
    {
        if (used >= sizeof(out) - 4)
            break;
        used +=
            (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? ", " : "; did you mean ",
                             whb_table_cell(json_string_value(n)));
    }
    if (used && used < sizeof(out) - 2)
        snprintf(out + used, sizeof(out) - used, "?");
    return out;
}

/* Calls the API; on a transport failure or an error answer prints one line. */
static json_t *call(struct opts *o, const char *method, const char *path, const char *body,
                    const char *what, int *rc)
{
    char why[700], status_text[16];
    long status;
    json_t *doc = whb_cli_call(&o->cli, method, path, body, &status, why, sizeof(why));
    *rc = 0;
    if (!doc) {
        *rc = die("%s%s", what, whb_table_cell(why));
        return NULL;
    }
    if (status != 200 && !(status == 404 && json_object_get(doc, "reason"))) {
        snprintf(status_text, sizeof(status_text), "%ld", status);
        const char *e = js(doc, "error");
        if (status == 401)
            *rc = die("%s%s: give the collector's admin or read token with --token-file FILE "
                      "(or WHB_TOKEN_FILE), or run whb on the collector's host as root (its "
                      "control socket)",
                      what, e);
        else {
            char msg[2000];
            snprintf(msg, sizeof(msg), "%s%s", e[0] ? e : status_text, did_you_mean(doc));
            *rc = die("%s%s", what, msg);
        }
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static int print_json(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
    return 0;
}

static char *escape(const char *host)
{
    CURL *h = curl_easy_init();
    char *e = h ? curl_easy_escape(h, host, 0) : NULL;
    char *copy = e ? strdup(e) : NULL;
    curl_free(e);
    curl_easy_cleanup(h);
    return copy;
}

/* Who says so, in a word (the API's evidence "source"). */
static const char *source_label(json_t *e)
{
    const char *s = js(e, "source");
    return !strcmp(s, "machine_on_return") ? "on return" : s[0] ? s : "-";
}

static void print_why(json_t *d)
{
    printf("%s: %s", js(d, "machine"), js(d, "status"));
    if (json_is_string(json_object_get(d, "silent_since")))
        printf(" since %s", js(d, "silent_since"));
    printf("\n\n  reason      %s%s\n", js(d, "term"),
           json_is_true(json_object_get(d, "documented")) ? "" : "");
    printf("  id          %s (%s)\n", js(d, "reason"),
           json_is_true(json_object_get(d, "documented")) ? "documented by WSUS"
                                                          : "ours, not on the WSUS page");
    if (js(d, "summary")[0])
        printf("  summary     %s\n", js(d, "summary"));
    if (js(d, "matched_by")[0])
        printf("  asked as    %s (%s; the agent reports as %s)\n", js(d, "asked"),
               !strcmp(js(d, "matched_by"), "ip_address")
                   ? "it had that address when WSUS last heard"
               : !strcmp(js(d, "matched_by"), "short_name") ? "matched by its short name"
               : !strcmp(js(d, "matched_by"), "id") ? "matched by its WSUS identity (SusClientId)"
                                                    : "matched by FQDN",
               js(d, "machine"));
    printf("  confidence  %s: %s\n", js(d, "confidence"), js(d, "confidence_why"));
    json_t *ev = json_object_get(d, "evidence");
    size_t i;
    json_t *e;
    if (json_array_size(ev)) {
        printf("\n  evidence   (machine: reported then; on return: spooled while silent, told "
               "on return; collector: its own records)\n");
        json_array_foreach(ev, i, e)
            printf("    %-20s  %-9s  %s\n", js(e, "at"), source_label(e), js(e, "text"));
    }
    json_t *alt = json_object_get(d, "alternatives");
    if (json_array_size(alt)) {
        printf("\n  also possible\n");
        json_array_foreach(alt, i, e) printf("    %-24s %s\n", js(e, "reason"), js(e, "why"));
    }
    json_t *ref = json_object_get(d, "refusals");
    if (json_array_size(ref)) {
        printf("\n  refused     (what the collector turned away in this machine's name or key)\n");
        json_array_foreach(ref, i, e) printf(
            "    %-20s  %-13s %lld time%s, last from %s: %s\n", js(e, "last"), js(e, "cause"),
            ji(e, "count"), ji(e, "count") == 1 ? "" : "s", js(e, "source"), js(e, "claimant"));
    }
    json_t *at = json_object_get(d, "attachment");
    if (at && (js(at, "switch_chassis")[0] || js(at, "bssid")[0] || js(at, "subnet")[0]))
        printf("\n  last seen on  %s%s%s%s%s%s%s\n", js(at, "adapter"),
               js(at, "switch_chassis")[0] ? "  switch " : "", js(at, "switch"),
               js(at, "port")[0] ? " port " : "", js(at, "port"), js(at, "bssid")[0] ? "  AP " : "",
               js(at, "bssid"));
    json_t *col = json_object_get(d, "collector");
    if (json_is_object(col)) {
        json_int_t rank = json_integer_value(json_object_get(col, "rank"));
        printf("\n  reports to    %s (%s", js(col, "url"),
               rank ? "failed over: its collector number " : "its first choice");
        if (rank)
            printf("%lld in order of preference", (long long)rank + 1);
        printf(")\n");
    }
    json_t *wu = json_object_get(d, "update_client");
    if (wu) {
        printf("\n  windows update client\n");
        printf("    identity   SusClientId %s\n",
               js(wu, "sus_client_id")[0] ? js(wu, "sus_client_id") : "absent");
        printf("    route      %s: %s\n", js(wu, "route"), js(wu, "route_why"));
        if (json_is_string(json_object_get(wu, "last_good_scan")))
            printf("    last good  scan against WSUS %s\n", js(wu, "last_good_scan"));
        if (json_is_string(json_object_get(wu, "last_failed_scan"))) {
            json_t *w = json_object_get(wu, "scan_error_words");
            printf("    failed     scan %s with %s%s%s%s%s\n", js(wu, "last_failed_scan"),
                   js(wu, "scan_error"), w ? " " : "", w ? js(w, "name") : "", w ? ": " : "",
                   w ? js(w, "description") : "");
        }
        if (js(wu, "disabled_services")[0])
            printf("    disabled   %s\n", js(wu, "disabled_services"));
        if (json_is_string(json_object_get(wu, "restart_pending_since")))
            printf("    restart    pending since %s\n", js(wu, "restart_pending_since"));
    }
    printf("\n  next step   %s\n", js(d, "next_step"));
    if (js(d, "source")[0])
        printf("  source      %s\n", js(d, "source"));
}

/* A computer only WSUS knows: what WSUS says, and what to do. */
static void print_no_agent(json_t *d)
{
    const char *last = js(d, "wsus_last_status");
    printf("%s: no agent\n\n", js(d, "wsus_name"));
    printf("  reason      %s\n", js(d, "term"));
    printf("  id          %s (ours, not on the WSUS page)\n", js(d, "reason"));
    printf("  WSUS says   %s%s%s, last reported status %s\n", js(d, "wsus_name"),
           js(d, "wsus_ip")[0] ? " at " : "", js(d, "wsus_ip"), last[0] ? last : "never");
    printf("  confidence  %s: %s\n", js(d, "confidence"), js(d, "confidence_why"));
    printf("\n  next step   %s\n", js(d, "next_step"));
}

static int cmd_why(struct opts *o, const char *host)
{
    int rc;
    char path[600], *h = escape(host);
    if (!h)
        return die("out of memory%s%s", "", "");
    snprintf(path, sizeof(path), "/v1/machines/%s/why", h);
    free(h);
    char what[300];
    snprintf(what, sizeof(what), "why %s: ", whb_table_cell(host));
    json_t *d = call(o, "GET", path, NULL, what, &rc);
    if (!d)
        return rc;
    int wsus_only = !strcmp(js(d, "status"), "unknown") && js(d, "wsus_name")[0];
    if (!strcmp(js(d, "status"), "unknown") && !wsus_only) {
        rc = die("unknown host %s: no agent has ever reported from it and WSUS's list (as last "
                 "imported) does not have it%s",
                 whb_table_cell(host),
                 did_you_mean(d)[0] ? did_you_mean(d)
                                    : " (try its FQDN, short name or IP address; `whb silent` "
                                      "lists the machines)");
        json_decref(d);
        return rc;
    }
    if (o->json)
        return print_json(d);
    if (wsus_only)
        print_no_agent(d);
    else
        print_why(d);
    json_decref(d);
    return 0;
}

static int cmd_history(struct opts *o, const char *host)
{
    int rc;
    char path[600], *h = escape(host);
    if (!h)
        return die("out of memory%s%s", "", "");
    snprintf(path, sizeof(path), "/v1/machines/%s/history", h);
    free(h);
    char what[300];
    snprintf(what, sizeof(what), "history %s: ", whb_table_cell(host));
    json_t *d = call(o, "GET", path, NULL, what, &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    size_t i, k;
    json_t *g, *e;
    printf("%s (first seen %s)\n\nsilences\n", js(d, "machine"), js(d, "first_seen"));
    if (!json_array_size(json_object_get(d, "gaps")))
        printf("  none\n");
    json_array_foreach(json_object_get(d, "gaps"), i, g)
    {
        printf("  %s -> %s  %-12s %s (%s)\n    %s\n", js(g, "from"), js(g, "to"), js(g, "duration"),
               js(g, "term"), js(g, "confidence"), js(g, "summary"));
        json_array_foreach(json_object_get(g, "evidence"), k, e)
            printf("      %-20s  %-9s  %s\n", js(e, "at"), source_label(e), js(e, "text"));
    }
    printf("\nevents (newest first)\n");
    json_array_foreach(json_object_get(d, "events"), i, e)
    {
        if (i >= 30)
            break;
        printf("  %-20s  %-18s %-8s %s\n", js(e, "at"), js(e, "kind"), js(e, "adapter"),
               js(e, "detail"));
    }
    json_decref(d);
    return 0;
}

static void print_machines(json_t *d, int with_reason)
{
    size_t i;
    json_t *m;
    printf("%-32s %-14s %-20s %-24s %s\n", "MACHINE", "STATUS", "LAST REPORT",
           with_reason ? "REASON" : "SWITCH/PORT", with_reason ? "SUMMARY" : "AP / SUBNET");
    json_array_foreach(json_object_get(d, "machines"), i, m)
    {
        json_t *at = json_object_get(m, "attachment");
        char where[200];
        snprintf(where, sizeof(where), "%s %s",
                 js(at, "switch")[0] ? js(at, "switch") : js(at, "switch_chassis"), js(at, "port"));
        printf("%-32s %-14s %-20s %-24s %s\n", js(m, "machine"), js(m, "status"),
               js(m, "last_report"), with_reason ? js(m, "reason") : where,
               with_reason ? js(m, "summary")
                           : (js(at, "bssid")[0] ? js(at, "bssid") : js(at, "subnet")));
    }
    printf("(%lld %s)\n", ji(d, "count"), plural(ji(d, "count"), "machine", "machines"));
}

/* The switch's own word on its ports (whb port): what it said of each, from SNMP and syslog. */
static void print_switch_says(json_t *ports, const char *sw)
{
    size_t i;
    json_t *p;
    if (!json_array_size(ports))
        return;
    printf("switch %s says (SNMP, syslog):\n", whb_table_cell(sw));
    printf("  %-22s %-6s %-14s %-22s %-7s %s\n", "PORT", "ADMIN", "OPER", "SINCE", "MB/S",
           "LAST WORD");
    json_array_foreach(ports, i, p)
    {
        char port[64], speed[16];
        snprintf(port, sizeof(port), "%s", js(p, "port")[0] ? js(p, "port") : "?");
        if (!js(p, "port")[0])
            snprintf(port, sizeof(port), "ifIndex %lld", ji(p, "ifindex"));
        snprintf(speed, sizeof(speed), "%lld", ji(p, "speed_mbps"));
        printf("  %-22s %-6s %-14s %-22s %-7s %s%s%s (%s): %s\n", port, js(p, "admin"),
               js(p, "oper"), js(p, "since"), ji(p, "speed_mbps") ? speed : "-",
               json_is_true(json_object_get(p, "err_disabled")) ? "err-disabled " : "",
               js(p, "cause"), js(p, "cause")[0] ? " " : "", js(p, "source"), js(p, "text"));
    }
    printf("\n");
}

static int why_empty(struct opts *o, const char *cmd, const char *a, const char *b);

static int cmd_port(struct opts *o, const char *sw, const char *port)
{
    int rc;
    char path[700];
    char *s = escape(sw), *p = escape(port);
    snprintf(path, sizeof(path), "/v1/network/switch/ports?switch=%s%s%s", s ? s : "",
             port[0] ? "&port=" : "", p ? p : "");
    long status;
    char why[700];
    /* The switch's word is extra: a collector without switches answers the list all the same. */
    json_t *says = whb_cli_call(&o->cli, "GET", path, NULL, &status, why, sizeof(why));
    snprintf(path, sizeof(path), "/v1/network/switch?switch=%s&port=%s", s ? s : "", p ? p : "");
    free(s);
    free(p);
    json_t *d = call(o, "GET", path, NULL, "", &rc);
    if (!d) {
        json_decref(says);
        return rc;
    }
    json_t *ports = json_array();
    if (says && json_object_get(says, "port") && json_is_object(json_object_get(says, "port")))
        json_array_append(ports, json_object_get(says, "port"));
    else if (says && json_is_array(json_object_get(says, "ports")))
        json_array_extend(ports, json_object_get(says, "ports"));
    if (ji(d, "count") == 0 && json_array_size(ports) == 0) {
        /* Neither a machine nor the switch's word: what is known instead. */
        json_decref(ports);
        json_decref(says);
        json_decref(d);
        return why_empty(o, "port", sw, port);
    }
    if (o->json) {
        json_object_set_new(d, "switch_says", ports);
        if (says && json_is_array(json_object_get(says, "events")))
            json_object_set(d, "switch_events", json_object_get(says, "events"));
        json_decref(says);
        return print_json(d);
    }
    print_switch_says(ports, sw);
    json_decref(ports);
    json_decref(says);
    print_machines(d, 1);
    json_decref(d);
    return 0;
}

/* cmd, a and b: port or wifi and their names, said when nothing matches them. */
static int cmd_list(struct opts *o, const char *path, int with_reason, const char *cmd,
                    const char *a, const char *b)
{
    int rc;
    json_t *d = call(o, "GET", path, NULL, "", &rc);
    if (!d)
        return rc;
    if (cmd && ji(d, "count") == 0) {
        json_decref(d);
        return why_empty(o, cmd, a, b);
    }
    if (o->json)
        return print_json(d);
    print_machines(d, with_reason);
    json_decref(d);
    return 0;
}

/* Appends "a, b, c" (at most 12, escaped) of the key values of list's objects to out. */
static void known_list(json_t *list, const char *key, const char *alt, char *out, size_t len)
{
    size_t i, used = strlen(out);
    json_t *g;
    json_array_foreach(list, i, g)
    {
        const char *v = js(g, key)[0] ? js(g, key) : js(g, alt);
        if (i == 12) {
            snprintf(out + used, len - used, ", ...");
            return;
        }
        if (used + 4 >= len)
            return;
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", v[0] ? v : "-");
    }
    if (!i)
        snprintf(out + used, len - used, "none yet");
}

/* Whether any object of list has v as its key or alt value. */
static int known_in(json_t *list, const char *key, const char *alt, const char *v)
{
    size_t i;
    json_t *g;
    json_array_foreach(list, i, g)
    {
        const char *a = json_string_value(json_object_get(g, key));
        const char *b = json_string_value(json_object_get(g, alt));
        if ((a && !strcmp(a, v)) || (b && !strcasecmp(b, v)))
            return 1;
    }
    return 0;
}

/* No machine behind a switch (port) or on a wireless network: say which name is unknown and
 * which are known, rather than "0 machines". */
static int why_empty(struct opts *o, const char *cmd, const char *a, const char *b)
{
    int rc, wifi = !strcmp(cmd, "wifi");
    char known[1500] = "", what[600];
    json_t *d = call(o, "GET", wifi ? "/v1/network/wifis" : "/v1/network/switches", NULL, "", &rc);
    if (!d)
        return rc;
    json_t *list = json_object_get(d, wifi ? "networks" : "switches");
    if (!wifi && !known_in(list, "switch", "chassis", a)) {
        known_list(list, "switch", "chassis", known, sizeof(known));
        snprintf(what, sizeof(what),
                 "port %s: no machine has reported this switch (LLDP system "
                 "name or chassis id, as `whb outages` and the console show them)",
                 whb_table_cell(a));
    } else if (!wifi) {
        snprintf(what, sizeof(what), "port %s %s: no machine reports this port of the switch",
                 whb_table_cell(a), whb_table_cell(b));
    } else if (a[0] && !known_in(list, "ssid", "ssid", a)) {
        known_list(list, "ssid", "bssid", known, sizeof(known));
        snprintf(what, sizeof(what), "wifi --ssid %s: no machine has reported this SSID",
                 whb_table_cell(a));
    } else if (b[0] && !known_in(list, "bssid", "bssid", b)) {
        known_list(list, "bssid", "ssid", known, sizeof(known));
        snprintf(what, sizeof(what), "wifi --bssid %s: no machine has reported this access point",
                 whb_table_cell(b));
    } else if (a[0] && b[0]) {
        snprintf(what, sizeof(what),
                 "wifi --ssid %s --bssid %s: no machine on this SSID through "
                 "this access point",
                 whb_table_cell(a), whb_table_cell(b));
    } else {
        snprintf(what, sizeof(what), "wifi: no wireless machine has reported yet");
    }
    rc = known[0] ? die("%s; known: %s", what, known) : die("%s%s", what, "");
    json_decref(d);
    return rc;
}

static int cmd_status(struct opts *o)
{
    int rc;
    json_t *d = call(o, "GET", "/v1/status", NULL, "", &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    printf("%lld %s known, %lld reporting, %lld not reporting\n", ji(d, "known"),
           plural(ji(d, "known"), "machine", "machines"), ji(d, "reporting"),
           ji(d, "not_reporting"));
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(d, "by_reason"), i, r)
        printf("  %6lld  %-24s %s\n", ji(r, "machines"), js(r, "reason"), js(r, "term"));
    json_array_foreach(json_object_get(d, "collectors"), i,
                       r) if (strcmp(js(r, "state"), "running"))
        printf("collector %s %s since %s\n", js(r, "id"),
               strcmp(js(r, "state"), "stopped") ? "not running (killed or crashed)" : "stopped",
               js(r, strcmp(js(r, "state"), "stopped") ? "alive" : "stopped"));
    json_array_foreach(json_object_get(d, "wsus_side"), i, r)
    {
        char how[48];
        if (ji(r, "http"))
            snprintf(how, sizeof(how), "answers HTTP %lld", ji(r, "http"));
        else
            snprintf(how, sizeof(how), "cannot be reached (%s)", js(r, "class"));
        printf("WSUS %s %s to %lld reporting %s (last probe %s): %s\n  next step: %s (`whb "
               "outages`)\n",
               js(r, "url"), how, ji(r, "machines"),
               plural(ji(r, "machines"), "machine", "machines"), js(r, "last_probe"), js(r, "term"),
               js(r, "next_step"));
    }
    json_array_foreach(json_object_get(d, "collector_downtimes"), i, r)
        printf("collector down %s -> %s (%s): silences then are the collector's\n", js(r, "from"),
               js(r, "to"), js(r, "how"));
    json_decref(d);
    return 0;
}

static int cmd_outages(struct opts *o)
{
    int rc;
    json_t *d = call(o, "GET", "/v1/outages", NULL, "", &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    size_t i, k;
    json_t *g, *m;
    if (!json_array_size(json_object_get(d, "outages")))
        printf("no correlated outage\n");
    json_array_foreach(json_object_get(d, "outages"), i, g)
    {
        printf("%s: %lld %s since %s\n  %s\n  next step: %s\n  ", js(g, "where"),
               ji(g, "machines_count"), plural(ji(g, "machines_count"), "machine", "machines"),
               js(g, "since"), js(g, "term"), js(g, "next_step"));
        json_array_foreach(json_object_get(g, "machines"), k, m)
            printf("%s%s%s%s", k ? ", " : "", js(m, "machine"), js(m, "port")[0] ? " port " : "",
                   js(m, "port"));
        printf("\n\n");
    }
    json_decref(d);
    return 0;
}

static int cmd_enrollments(struct opts *o, int all)
{
    int rc;
    json_t *d = call(o, "GET", all ? "/v1/enrollments?all=1&limit=10000" : "/v1/enrollments", NULL,
                     "enrollments: ", &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    size_t i;
    json_t *e;
    printf("%-32s %-20s %-40s %-8s %s\n", "MACHINE", "ENROLLED", "FROM", "ON WSUS", "REVIEWED");
    json_array_foreach(json_object_get(d, "enrollments"), i, e)
        printf("%-32s %-20s %-40s %-8s %s\n", js(e, "machine"), js(e, "enrolled_at"),
               js(e, "enrolled_from")[0] ? js(e, "enrolled_from") : "-",
               json_is_true(json_object_get(e, "on_wsus_list")) ? "yes" : "no",
               json_is_true(json_object_get(e, "reviewed")) ? js(e, "reviewed_at") : "no");
    printf("(%lld %s%s)\n", ji(d, "count"), plural(ji(d, "count"), "machine", "machines"),
           all ? "" : " to review: whb accept HOST, or whb forget HOST");
    json_decref(d);
    return 0;
}

/* accept, release, forget: POST /v1/machines/HOST/<action>. */
static int cmd_action(struct opts *o, const char *action, const char *host)
{
    int rc;
    char path[600], what[300], *h = escape(host);
    if (!h)
        return die("out of memory%s%s", "", "");
    snprintf(path, sizeof(path), "/v1/machines/%s/%s", h, action);
    free(h);
    snprintf(what, sizeof(what), "%s %s: ", action, whb_table_cell(host));
    json_t *d = call(o, "POST", path, "{}", what, &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    printf("%s (%s) %s\n", js(d, "machine"), js(d, "machine_id"), js(d, "done"));
    if (!strcmp(action, "release"))
        printf("its next report with the enrollment token binds its new key (or, from a new "
               "machine id, takes its name)\n");
    json_decref(d);
    return 0;
}

static int cmd_accept_all(struct opts *o)
{
    int rc;
    json_t *d = call(o, "POST", "/v1/enrollments/accept", "{}", "accept --all: ", &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    printf("every machine not reviewed yet accepted\n");
    json_decref(d);
    return 0;
}

static int cmd_explain(const struct opts *o, const char *code)
{
    const struct whb_wsus_message *m = whb_message_find(code);
    if (!m) {
        int n;
        const struct whb_wsus_message *all = whb_messages(&n);
        fprintf(stderr, "whb: unknown message '%s'; known:", whb_table_cell(code));
        for (int i = 0; i < n; i++)
            fprintf(stderr, " %s", all[i].code);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    if (o->json) {
        json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "code", m->code, "title", m->title, "cause",
                              m->cause, "resolution", m->resolution);
        return print_json(d);
    }
    printf("%s\n\ncause:\n  %s\n\nresolution:\n  %s\n", m->title, m->cause, m->resolution);
    return 0;
}

/* What an import changed against the list it replaced. */
static void print_changes(json_t *c)
{
    long long before = ji(c, "before"), added = ji(c, "added"), removed = ji(c, "removed");
    if (!c)
        return;
    if (!before) {
        printf("no list before this one\n");
        return;
    }
    printf("against the list before (%lld): %lld added, %lld removed, %lld kept\n", before, added,
           removed, ji(c, "kept"));
    static const char *const keys[2] = {"added_names", "removed_names"};
    long long counts[2] = {added, removed};
    for (int k = 0; k < 2; k++) {
        json_t *names = json_object_get(c, keys[k]), *v;
        size_t i;
        if (!json_array_size(names))
            continue;
        printf("  %s", k ? "removed:" : "added:  ");
        json_array_foreach(names, i, v)
            printf("%s %s", i ? "," : "", whb_table_cell(json_string_value(v)));
        if (counts[k] > (long long)json_array_size(names))
            printf(" and %lld more", counts[k] - (long long)json_array_size(names));
        printf("\n");
    }
}

static int cmd_wsus_import(struct opts *o, const char *file, const char *culture)
{
    struct whb_wsus_list list;
    char why[700];
    long http;
    json_t *d;
    if (whb_wsus_csv_read(file, culture, &list, why, sizeof(why)))
        return die("%s: %s", whb_table_cell(file), whb_table_cell(why));
    int rc = whb_import_send(&o->cli, &list, &d, &http, why, sizeof(why));
    char how[300];
    snprintf(how, sizeof(how), "%s, '%s'-separated, %s", list.encoding,
             list.delimiter == '\t'  ? "tab"
             : list.delimiter == ';' ? ";"
                                     : ",",
             list.dates);
    whb_wsus_list_free(&list);
    if (rc)
        return die("%s: %s", whb_table_cell(file), whb_table_cell(why));
    if (o->json)
        return print_json(d);
    long long n = ji(d, "imported"), silent = ji(d, "not_reported");
    printf("%lld %s imported (%s)\n", n, plural(n, "computer", "computers"), how);
    print_changes(json_object_get(d, "changes"));
    printf("%lld %s not reported status for %lld days or more (the collector's [wsus] "
           "not_reported_days)\n\n",
           silent, plural(silent, "has", "have"), ji(d, "not_reported_days"));
    size_t i;
    json_t *a;
    printf("%-32s %-14s %-11s %-24s %s\n", "COMPUTER", "AGENT SAYS", "MATCHED BY", "REASON",
           "NEXT STEP");
    json_array_foreach(json_object_get(d, "answers"), i, a)
    {
        printf("%-32s %-14s %-11s %-24s %s\n", js(a, "wsus_name"), js(a, "status"),
               js(a, "matched_by"), js(a, "reason"), js(a, "next_step"));
        /* By name, or by WSUS Id under the same name, the agent is the row's computer. */
        int same_name =
            !strcmp(js(a, "matched_by"), "id") && !strcasecmp(js(a, "machine"), js(a, "wsus_name"));
        if (strcmp(js(a, "matched_by"), "fqdn") && strcmp(js(a, "matched_by"), "none") &&
            !same_name)
            printf("    agent: %s\n", js(a, "match"));
        /* The answer covers the days WSUS has not heard from it. */
        if (json_object_get(a, "wsus_silent_days"))
            printf("    WSUS silent %lld days; the agent was on and online on %lld of them (our "
                   "records cover %lld)%s%s\n",
                   ji(a, "wsus_silent_days"), ji(a, "online_days"), ji(a, "record_days"),
                   json_object_get(a, "now") ? "; now: " : "",
                   json_object_get(a, "now") ? js(json_object_get(a, "now"), "reason") : "");
    }
    json_decref(d);
    return 0;
}

/* Every option, wherever it stands ("whb why PC-042 --json" too). */
struct cli_args {
    int url_given, url_flag, socket_flag, all;
    const char *token_file, *token_from;
    const char *ssid, *bssid, *limit, *date_format;
    char *args[8];
    int nargs;
};

static int parse_limit(const char *v, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!v[0] || *end || n < 1 || n > LIMIT_MAX)
        return -1;
    *out = n;
    return 0;
}

/* Returns 0, 1 when --help or --version answered, or EXIT_USAGE after one line. */
static int parse_args(int argc, char **argv, struct opts *o, struct cli_args *a)
{
    static const char *const with_value[] = {"--url",   "--ca",    "--token-file",  "--ssid",
                                             "--bssid", "--limit", "--date-format", "--socket"};
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_args || arg[0] != '-' || !arg[1]) {
            if (a->nargs == 8)
                return die("too many arguments (try: whb --help)%s%s", "", "");
            a->args[a->nargs++] = argv[i];
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_args = 1;
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(usage, stdout);
            return 1;
        }
        if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
            printf("whb %s\n", WHB_VERSION);
            return 1;
        }
        if (!strcmp(arg, "--json")) {
            o->json = 1;
            continue;
        }
        if (!strcmp(arg, "--all")) {
            a->all = 1;
            continue;
        }
        /* --opt=value or --opt value */
        char name[32];
        const char *eq = strchr(arg, '='), *v = NULL;
        size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof(name), "%.*s", (int)(nlen < sizeof(name) ? nlen : 0), arg);
        size_t k, nv = sizeof(with_value) / sizeof(with_value[0]);
        for (k = 0; k < nv; k++)
            if (!strcmp(name, with_value[k]))
                break;
        if (k == nv)
            return die("unknown option '%s' (try: whb --help)%s", whb_table_cell(arg), "");
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else
            return die("option %s needs a value (try: whb --help)%s", name, "");
        if (!strcmp(name, "--url"))
            o->cli.url = v, a->url_flag = 1;
        else if (!strcmp(name, "--socket"))
            o->cli.socket = v, a->socket_flag = 1;
        else if (!strcmp(name, "--ca"))
            o->cli.ca = v;
        else if (!strcmp(name, "--token-file"))
            a->token_file = v, a->token_from = "--token-file";
        else if (!strcmp(name, "--ssid"))
            a->ssid = v;
        else if (!strcmp(name, "--bssid"))
            a->bssid = v;
        else if (!strcmp(name, "--limit"))
            a->limit = v;
        else
            a->date_format = v;
    }
    return 0;
}

/* Settings checked before any request, each failure one line that says what to change. */
static int check_settings(struct opts *o, struct cli_args *a)
{
    long n;
    if (a->limit && parse_limit(a->limit, &n))
        return die("--limit: expected a whole number from 1 to 100000, got '%s'%s",
                   whb_table_cell(a->limit), "");
    const char *u = o->cli.url;
    if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
        return die("--url %s: expected https://HOST:PORT (the collector's address)%s",
                   whb_table_cell(u), "");
    const char *path = strchr(strstr(u, "://") + 3, '/');
    if (path && strspn(path, "/") != strlen(path))
        return die("--url %s: expected the collector's base URL without a path (like "
                   "https://whb.corp.example:8443), not the agents' %s",
                   whb_table_cell(u), strstr(path, "/v1/report") ? "/v1/report" : "endpoint");
    /* As copied from a browser's address bar: https://host:8443/ */
    size_t len = path ? (size_t)(path - u) : strlen(u);
    if (len >= sizeof(o->url))
        return die("--url %s: too long%s", whb_table_cell(u), "");
    memcpy(o->url, u, len);
    o->url[len] = '\0';
    o->cli.url = o->url;
    if (a->token_file) {
        FILE *f = fopen(a->token_file, "r");
        if (!f)
            return die("%s %s: cannot read the admin token file", a->token_from,
                       whb_table_cell(a->token_file));
        if (fgets(o->cli.token, sizeof(o->cli.token), f))
            o->cli.token[strcspn(o->cli.token, "\r\n")] = '\0';
        fclose(f);
        if (!o->cli.token[0])
            return die("%s %s: the file is empty (expected the admin token)", a->token_from,
                       whb_table_cell(a->token_file));
    }
    if (o->cli.ca) {
        FILE *f = fopen(o->cli.ca, "r");
        if (!f)
            return die("--ca %s: cannot read the CA file%s", whb_table_cell(o->cli.ca), "");
        fclose(f);
    }
    return 0;
}

struct command {
    const char *name;
    int min, max; /* arguments after the name */
    const char *usage;
};

static const struct command commands[] = {
    {"status", 0, 0, "whb status"},
    {"silent", 0, 0, "whb silent [--limit N]"},
    {"why", 1, 1, "whb why HOST"},
    {"history", 1, 1, "whb history HOST"},
    {"outages", 0, 0, "whb outages"},
    {"port", 1, 2, "whb port SWITCH [PORT]"},
    {"wifi", 0, 0, "whb wifi [--ssid S] [--bssid B]"},
    {"explain", 1, 7, "whb explain CODE"},
    {"wsus-import", 1, 1, "whb wsus-import FILE.csv [--date-format CULTURE]"},
    {"enrollments", 0, 0, "whb enrollments [--all]"},
    {"accept", 0, 1, "whb accept HOST | --all"},
    {"release", 1, 1, "whb release HOST"},
    {"forget", 1, 1, "whb forget HOST"},
};

int main(int argc, char **argv)
{
#ifdef _WIN32
    SetConsoleOutputCP(CP_UTF8); /* answers are UTF-8 */
#endif
    struct opts o = {0};
    struct cli_args a = {.ssid = "", .bssid = ""};
    const char *env = getenv("WHB_URL");
    o.cli.url = env && env[0] ? env : "https://127.0.0.1:8443";
    a.url_given = env && env[0];
    env = getenv("WHB_SOCKET");
    o.cli.socket = env && env[0] ? env : NULL;
    env = getenv("WHB_CA");
    o.cli.ca = env && env[0] ? env : NULL;
    env = getenv("WHB_TOKEN_FILE");
    if (env && env[0])
        a.token_file = env, a.token_from = "WHB_TOKEN_FILE";
    int rc = parse_args(argc, argv, &o, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    /* Flags before the environment; --socket before --url. On the collector's host, what the
     * OS proves (the socket file's permissions) rather than a token, unless a URL is given. */
    if (a.url_flag && !a.socket_flag)
        o.cli.socket = NULL;
#ifndef _WIN32
    if (!o.cli.socket && !a.url_given && !a.url_flag && !access(WHB_DEFAULT_SOCKET, F_OK))
        o.cli.socket = WHB_DEFAULT_SOCKET;
#else
    if (o.cli.socket)
        return die("--socket: control sockets are for whb on the collector's host (Linux)%s%s", "",
                   "");
#endif
    if (a.nargs == 0)
        return die("no command (try: whb --help)%s%s", "", "");
    const char *cmd = a.args[0];
    const struct command *c = NULL;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, cmd))
            c = &commands[i];
    if (!c)
        return die("unknown command '%s' (try: whb --help)%s", whb_table_cell(cmd), "");
    if (a.nargs - 1 < c->min || a.nargs - 1 > c->max)
        return die("%s: wrong number of arguments (usage: %s)", c->name, c->usage);
    if ((a.limit && strcmp(cmd, "silent")) || ((a.ssid[0] || a.bssid[0]) && strcmp(cmd, "wifi")) ||
        (a.date_format && strcmp(cmd, "wsus-import")) ||
        (a.all && strcmp(cmd, "enrollments") && strcmp(cmd, "accept")))
        return die("%s: option not for this command (usage: %s)", cmd, c->usage);
    if ((rc = check_settings(&o, &a)))
        return rc;
    char **args = a.args, path[600];
    long limit = 200;
    if (a.limit)
        parse_limit(a.limit, &limit);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!strcmp(cmd, "status"))
        rc = cmd_status(&o);
    else if (!strcmp(cmd, "silent")) {
        snprintf(path, sizeof(path), "/v1/silent?explain=1&limit=%ld", limit);
        rc = cmd_list(&o, path, 1, NULL, NULL, NULL);
    } else if (!strcmp(cmd, "why"))
        rc = cmd_why(&o, args[1]);
    else if (!strcmp(cmd, "history"))
        rc = cmd_history(&o, args[1]);
    else if (!strcmp(cmd, "outages"))
        rc = cmd_outages(&o);
    else if (!strcmp(cmd, "port")) {
        rc = cmd_port(&o, args[1], a.nargs == 3 ? args[2] : "");
    } else if (!strcmp(cmd, "wifi")) {
        char *s = escape(a.ssid), *b = escape(a.bssid);
        snprintf(path, sizeof(path), "/v1/network/wifi?ssid=%s&bssid=%s", s ? s : "", b ? b : "");
        free(s);
        free(b);
        rc = cmd_list(&o, path, 1, "wifi", a.ssid, a.bssid);
    } else if (!strcmp(cmd, "explain")) {
        /* "whb explain computer has not reported status" works too. */
        char code[200] = "";
        for (int i = 1; i < a.nargs; i++)
            snprintf(code + strlen(code), sizeof(code) - strlen(code), "%s%s", i > 1 ? " " : "",
                     args[i]);
        rc = cmd_explain(&o, code);
    } else if (!strcmp(cmd, "enrollments"))
        rc = cmd_enrollments(&o, a.all);
    else if (!strcmp(cmd, "accept") && a.all && a.nargs == 1)
        rc = cmd_accept_all(&o);
    else if (a.nargs != 2)
        rc = die("%s: wrong number of arguments (usage: %s)", c->name, c->usage);
    else if (!strcmp(cmd, "accept") || !strcmp(cmd, "release") || !strcmp(cmd, "forget"))
        rc = cmd_action(&o, cmd, args[1]);
    else
        rc = cmd_wsus_import(&o, args[1], a.date_format);
    whb_cli_close(&o.cli);
    curl_global_cleanup();
    return rc;
}
