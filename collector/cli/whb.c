/* whb: the admin CLI. Asks the collector why machines have not reported status, and prints
 * readable tables, or the collector's JSON with --json. Errors: one line, exit 2. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "messages.h"
#include "wsus_csv.h"

#define EXIT_USAGE 2

static const char usage[] =
    "usage: whb [--url URL] [--ca FILE] [--token-file FILE] [--json] COMMAND [ARGS]\n"
    "\n"
    "Why has a machine not reported status to WSUS?\n"
    "\n"
    "commands:\n"
    "  status                     fleet summary: reporting, not reporting, by reason\n"
    "  silent [--limit N]         machines not reporting, with the reason for each\n"
    "  why HOST                   why HOST is (not) reporting, with evidence and next step\n"
    "  history HOST               HOST's past silences, each explained, and its events\n"
    "  outages                    correlated outages: switches, access points, WSUS server\n"
    "  port SWITCH [PORT]         machines behind a switch (chassis id or system name)\n"
    "  wifi [--ssid S] [--bssid B] machines on a wireless network or access point\n"
    "  explain CODE               a WSUS message: not-reported, 6703, 0x80070643, services\n"
    "  wsus-import FILE.csv       answer for every computer WSUS lists as not reporting\n"
    "\n"
    "options:\n"
    "  --url URL          collector (default $WHB_URL or https://127.0.0.1:8443)\n"
    "  --ca FILE          CA for the collector's certificate (default $WHB_CA or system)\n"
    "  --token-file FILE  admin token when not on the collector's host ($WHB_TOKEN_FILE)\n"
    "  --json             print the collector's JSON\n";

struct opts {
    struct whb_cli cli;
    int json;
};

static int die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "whb: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

static const char *js(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long ji(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Calls the API; on a transport failure or an error answer prints one line. */
static json_t *call(const struct opts *o, const char *method, const char *path, const char *body,
                    int *rc)
{
    char why[512];
    long status;
    json_t *doc = whb_cli_call(&o->cli, method, path, body, &status, why, sizeof(why));
    *rc = 0;
    if (!doc) {
        *rc = die("%s%s", why, "");
        return NULL;
    }
    if (status != 200 && !(status == 404 && json_object_get(doc, "reason"))) {
        *rc = die("%s (HTTP %s)", js(doc, "error"), status == 404 ? "404" : "error");
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
    json_t *at = json_object_get(d, "attachment");
    if (at && (js(at, "switch_chassis")[0] || js(at, "bssid")[0] || js(at, "subnet")[0]))
        printf("\n  last seen on  %s%s%s%s%s%s%s\n", js(at, "adapter"),
               js(at, "switch_chassis")[0] ? "  switch " : "", js(at, "switch"),
               js(at, "port")[0] ? " port " : "", js(at, "port"), js(at, "bssid")[0] ? "  AP " : "",
               js(at, "bssid"));
    printf("\n  next step   %s\n", js(d, "next_step"));
}

static int cmd_why(const struct opts *o, const char *host)
{
    int rc;
    char path[600], *h = escape(host);
    if (!h)
        return die("out of memory%s%s", "", "");
    snprintf(path, sizeof(path), "/v1/machines/%s/why", h);
    free(h);
    json_t *d = call(o, "GET", path, NULL, &rc);
    if (!d)
        return rc;
    if (!strcmp(js(d, "status"), "unknown")) {
        rc = die("unknown host %s: no agent has ever reported from it%s", host, "");
        json_decref(d);
        return rc;
    }
    if (o->json)
        return print_json(d);
    print_why(d);
    json_decref(d);
    return 0;
}

static int cmd_history(const struct opts *o, const char *host)
{
    int rc;
    char path[600], *h = escape(host);
    if (!h)
        return die("out of memory%s%s", "", "");
    snprintf(path, sizeof(path), "/v1/machines/%s/history", h);
    free(h);
    json_t *d = call(o, "GET", path, NULL, &rc);
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
    printf("(%lld machines)\n", ji(d, "count"));
}

static int cmd_list(const struct opts *o, const char *path, int with_reason)
{
    int rc;
    json_t *d = call(o, "GET", path, NULL, &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    print_machines(d, with_reason);
    json_decref(d);
    return 0;
}

static int cmd_status(const struct opts *o)
{
    int rc;
    json_t *d = call(o, "GET", "/v1/status", NULL, &rc);
    if (!d)
        return rc;
    if (o->json)
        return print_json(d);
    printf("machines known %lld, reporting %lld, not reporting %lld\n", ji(d, "known"),
           ji(d, "reporting"), ji(d, "not_reporting"));
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(d, "by_reason"), i, r)
        printf("  %6lld  %-24s %s\n", ji(r, "machines"), js(r, "reason"), js(r, "term"));
    json_array_foreach(json_object_get(d, "collector_downtimes"), i, r)
        printf("collector down %s -> %s (%s): silences then are the collector's\n", js(r, "from"),
               js(r, "to"), js(r, "how"));
    json_decref(d);
    return 0;
}

static int cmd_outages(const struct opts *o)
{
    int rc;
    json_t *d = call(o, "GET", "/v1/outages", NULL, &rc);
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
        printf("%s: %lld machines since %s\n  %s\n  next step: %s\n  ", js(g, "where"),
               ji(g, "machines_count"), js(g, "since"), js(g, "term"), js(g, "next_step"));
        json_array_foreach(json_object_get(g, "machines"), k, m)
            printf("%s%s%s%s", k ? ", " : "", js(m, "machine"), js(m, "port")[0] ? " port " : "",
                   js(m, "port"));
        printf("\n\n");
    }
    json_decref(d);
    return 0;
}

static int cmd_explain(const struct opts *o, const char *code)
{
    const struct whb_wsus_message *m = whb_message_find(code);
    if (!m) {
        int n;
        const struct whb_wsus_message *all = whb_messages(&n);
        fprintf(stderr, "whb: unknown message '%s'; known:", code);
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

static int cmd_wsus_import(const struct opts *o, const char *file)
{
    struct whb_wsus_computer *rows;
    size_t n;
    char why[300];
    int rc;
    if (whb_wsus_csv_read(file, &rows, &n, why, sizeof(why)))
        return die("%s: %s", file, why);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I}", "fqdn", rows[i].fqdn, "ip",
                                             rows[i].ip, "last_status",
                                             (json_int_t)rows[i].last_status_ms, "last_sync",
                                             (json_int_t)rows[i].last_sync_ms));
    free(rows);
    char *body = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    json_t *d = body ? call(o, "POST", "/v1/wsus/import", body, &rc) : NULL;
    free(body);
    if (!d)
        return body ? rc : die("out of memory%s%s", "", "");
    if (o->json)
        return print_json(d);
    printf("%lld computers imported, %lld have not reported status to WSUS\n\n", ji(d, "imported"),
           ji(d, "not_reported"));
    size_t i;
    json_t *a;
    printf("%-32s %-14s %-24s %s\n", "COMPUTER", "AGENT SAYS", "REASON", "NEXT STEP");
    json_array_foreach(json_object_get(d, "answers"), i, a)
        printf("%-32s %-14s %-24s %s\n", js(a, "machine"), js(a, "status"), js(a, "reason"),
               js(a, "next_step"));
    json_decref(d);
    return 0;
}

static void read_token(struct whb_cli *c, const char *file)
{
    FILE *f = file ? fopen(file, "r") : NULL;
    if (f) {
        if (fgets(c->token, sizeof(c->token), f))
            c->token[strcspn(c->token, "\r\n")] = '\0';
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    const char *token_file = getenv("WHB_TOKEN_FILE");
    const char *ssid = "", *bssid = "", *limit = NULL;
    static const struct option lo[] = {{"url", required_argument, NULL, 'u'},
                                       {"ca", required_argument, NULL, 'a'},
                                       {"token-file", required_argument, NULL, 't'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"ssid", required_argument, NULL, 's'},
                                       {"bssid", required_argument, NULL, 'b'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
    o.cli.url = getenv("WHB_URL") ? getenv("WHB_URL") : "https://127.0.0.1:8443";
    o.cli.ca = getenv("WHB_CA");
    int c;
    while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        switch (c) {
        case 'u':
            o.cli.url = optarg;
            break;
        case 'a':
            o.cli.ca = optarg;
            break;
        case 't':
            token_file = optarg;
            break;
        case 'j':
            o.json = 1;
            break;
        case 's':
            ssid = optarg;
            break;
        case 'b':
            bssid = optarg;
            break;
        case 'l':
            limit = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    /* Options may also follow the command ("whb why PC-042 --json"). */
    char *args[8];
    int nargs = 0;
    for (int i = optind; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            o.json = 1;
        else if ((!strcmp(argv[i], "--ssid") || !strcmp(argv[i], "--bssid") ||
                  !strcmp(argv[i], "--limit")) &&
                 i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(argv[i - 1], "--ssid"))
                ssid = v;
            else if (!strcmp(argv[i - 1], "--bssid"))
                bssid = v;
            else
                limit = v;
        } else if (nargs < 8)
            args[nargs++] = argv[i];
        else
            return die("too many arguments%s%s", "", "");
    }
    if (nargs == 0) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    read_token(&o.cli, token_file);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *cmd = args[0];
    char path[600];
    int rc;
    if (!strcmp(cmd, "status") && nargs == 1)
        rc = cmd_status(&o);
    else if (!strcmp(cmd, "silent") && nargs == 1) {
        snprintf(path, sizeof(path), "/v1/silent?explain=1&limit=%d", limit ? atoi(limit) : 200);
        rc = cmd_list(&o, path, 1);
    } else if (!strcmp(cmd, "why") && nargs == 2)
        rc = cmd_why(&o, args[1]);
    else if (!strcmp(cmd, "history") && nargs == 2)
        rc = cmd_history(&o, args[1]);
    else if (!strcmp(cmd, "outages") && nargs == 1)
        rc = cmd_outages(&o);
    else if (!strcmp(cmd, "port") && (nargs == 2 || nargs == 3)) {
        char *sw = escape(args[1]), *port = escape(nargs == 3 ? args[2] : "");
        snprintf(path, sizeof(path), "/v1/network/switch?switch=%s&port=%s", sw ? sw : "",
                 port ? port : "");
        free(sw);
        free(port);
        rc = cmd_list(&o, path, 1);
    } else if (!strcmp(cmd, "wifi") && nargs == 1) {
        char *s = escape(ssid), *b = escape(bssid);
        snprintf(path, sizeof(path), "/v1/network/wifi?ssid=%s&bssid=%s", s ? s : "", b ? b : "");
        free(s);
        free(b);
        rc = cmd_list(&o, path, 1);
    } else if (!strcmp(cmd, "explain") && nargs >= 2) {
        /* "whb explain computer has not reported status" works too. */
        char code[200] = "";
        for (int i = 1; i < nargs; i++)
            snprintf(code + strlen(code), sizeof(code) - strlen(code), "%s%s", i > 1 ? " " : "",
                     args[i]);
        rc = cmd_explain(&o, code);
    } else if (!strcmp(cmd, "wsus-import") && nargs == 2)
        rc = cmd_wsus_import(&o, args[1]);
    else
        rc = die("bad arguments for '%s' (see whb --help)%s", cmd, "");
    curl_global_cleanup();
    return rc;
}
