/* whb-forge: sends reports as an attacker (or a test) would make them, to the real collector:
 * any machine id and name, switch, Wi-Fi, address, events and their stamps, the snapshot field
 * repeated, many machines from one source address, or the body written to a file instead.
 * Prints one line per report: "<status> <first line of the answer>". Tests only. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

static const char usage[] =
    "usage: whb-forge --url URL [options]\n"
    "  --url URL            the collector's report URL (.../v1/report)\n"
    "  --ca FILE            its CA (default: not verified)\n"
    "  --bind ADDRESS       send from this local address\n"
    "  --token TOKEN        X-Whb-Enrollment\n"
    "  --key HEX            the machine's key (default: one per machine id)\n"
    "  --id ID --fqdn NAME  the machine; %d is replaced by 1..count\n"
    "  --count N            that many machines, one report each (default 1)\n"
    "  --repeat N           N reports of each machine, seq after seq (default 1)\n"
    "  --quiet              print only a count of each status at the end\n"
    "  --seq N --boot ID --sent-at MS (default now) --interval S\n"
    "  --switch CHASSIS --switch-name NAME --port PORT\n"
    "  --ssid S --bssid B   a wireless adapter instead of a wired one\n"
    "  --addr CIDR          the adapter's address (default 10.66.<n/256>.<n%256>/16)\n"
    "  --events N           N carrier events (lost, gained, ...), a second apart\n"
    "  --event-at MS        every event stamped so on the agent's clock\n"
    "  --snapshots N        the snapshot field N times (protobuf merges them)\n"
    "  --pad-to BYTES       one unknown field filling the body up to this size\n"
    "  --out FILE           write the (first) body there instead of sending\n";

struct opts {
    const char *url, *ca, *bind, *token, *key, *id, *fqdn, *boot, *sw, *sw_name, *port, *ssid,
        *bssid, *addr, *out;
    unsigned count, repeat, events, snapshots, interval;
    int quiet;
    unsigned long long seq;
    long long sent_at, event_at;
    size_t pad_to;
    int has_event_at;
};

static void subst(char *out, size_t len, const char *pattern, unsigned i)
{
    const char *d = strstr(pattern, "%d");
    if (!d)
        snprintf(out, len, "%s", pattern);
    else
        snprintf(out, len, "%.*s%u%s", (int)(d - pattern), pattern, i, d + 2);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* The packed report with the snapshot field repeated and padding appended. */
static uint8_t *build(const struct opts *o, unsigned i, size_t *len)
{
    char id[128], fqdn[300], addr[64], boot[80];
    subst(id, sizeof(id), o->id, i);
    subst(fqdn, sizeof(fqdn), o->fqdn, i);
    if (o->addr)
        subst(addr, sizeof(addr), o->addr, i);
    else
        snprintf(addr, sizeof(addr), "10.66.%u.%u/16", (i >> 8) & 255, i & 255);
    snprintf(boot, sizeof(boot), "%s", o->boot ? o->boot : "forged-boot");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

    Whb__V1__Machine m = WHB__V1__MACHINE__INIT;
    m.machine_id = id;
    m.fqdn = fqdn;
    m.domain = "corp.example";
    m.os = "Windows 11";
    m.agent_version = "forged";
    Whb__V1__Lldp lldp = WHB__V1__LLDP__INIT;
    lldp.chassis_id = (char *)(o->sw ? o->sw : "");
    lldp.system_name = (char *)(o->sw_name ? o->sw_name : "");
    lldp.port_id = (char *)(o->port ? o->port : "");
    Whb__V1__Wireless wifi = WHB__V1__WIRELESS__INIT;
    wifi.ssid = (char *)(o->ssid ? o->ssid : "");
    wifi.bssid = (char *)(o->bssid ? o->bssid : "");
    wifi.associated = 1;
    wifi.signal_dbm = -55;
    whb_adapter ad = WHB__V1__ADAPTER__INIT, *ads[1] = {&ad};
    char *addrs[1] = {addr};
    ad.name = o->ssid ? "wlan0" : "eth0";
    ad.type = o->ssid ? WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS
                      : WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_ETHERNET;
    ad.mac = "52:54:00:66:00:01";
    ad.admin_up = 1;
    ad.oper_state = WHB__V1__OPER_STATE__OPER_STATE_UP;
    ad.carrier = 1;
    ad.addresses = addrs;
    ad.n_addresses = 1;
    ad.gateway = "10.66.0.1";
    if (o->sw)
        ad.lldp = &lldp;
    if (o->ssid)
        ad.wireless = &wifi;
    whb_snapshot snap = WHB__V1__SNAPSHOT__INIT;
    snap.power_source = WHB__V1__POWER_SOURCE__POWER_SOURCE_AC;
    snap.adapters = ads;
    snap.n_adapters = 1;
    whb_report r = WHB__V1__REPORT__INIT;
    r.schema_version = WHB_WIRE_SCHEMA_VERSION;
    r.machine = &m;
    r.boot_id = boot;
    r.seq = o->seq;
    r.sent_at_ms = o->sent_at ? o->sent_at : now;
    r.mono_ms = 1000;
    r.interval_s = o->interval;
    r.snapshot = &snap;
    whb_event *evs = calloc(o->events ? o->events : 1, sizeof(*evs));
    whb_event **evp = calloc(o->events ? o->events : 1, sizeof(*evp));
    for (unsigned k = 0; evs && evp && k < o->events; k++) {
        whb__v1__event__init(&evs[k]);
        evs[k].seq = o->seq * 10000 + k + 1;
        evs[k].at_ms = o->has_event_at ? o->event_at : r.sent_at_ms - 1000LL * (o->events - k);
        evs[k].kind = k % 2 ? WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED
                            : WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST;
        evs[k].adapter = (char *)ad.name;
        evp[k] = &evs[k];
    }
    r.events = evp;
    r.n_events = o->events;
    size_t plen = 0, slen = 0;
    uint8_t *packed = whb_wire_report_pack(&r, &plen);
    uint8_t *sbuf = whb_wire_snapshot_pack(&snap, &slen);
    free(evs);
    free(evp);
    if (!packed || !sbuf) {
        free(packed);
        free(sbuf);
        return NULL;
    }
    size_t extra = o->snapshots > 1 ? (o->snapshots - 1) * (slen + 11) : 0;
    size_t cap = plen + extra + (o->pad_to > plen + extra ? o->pad_to - plen - extra : 0) + 16;
    uint8_t *body = realloc(packed, cap);
    if (!body) {
        free(packed);
        free(sbuf);
        return NULL;
    }
    size_t n = plen;
    for (unsigned k = 1; k < o->snapshots; k++) {
        body[n++] = (8 << 3) | 2; /* field 8, length-delimited: the snapshot again */
        n += put_varint(body + n, slen);
        memcpy(body + n, sbuf, slen);
        n += slen;
    }
    if (o->pad_to > n + 8) { /* field 99 (unknown), bytes */
        size_t want = o->pad_to - n - 6;
        body[n++] = (uint8_t)((99 << 3) | 2) | 0x80;
        body[n++] = 99 >> 4;
        n += put_varint(body + n, want);
        memset(body + n, 'x', want);
        n += want;
    }
    free(sbuf);
    *len = n;
    return body;
}

static size_t first_line(char *d, size_t size, size_t nmemb, void *arg)
{
    char *line = arg;
    size_t have = strlen(line), n = size * nmemb;
    for (size_t i = 0; i < n && have < 255 && d[i] != '\n'; i++)
        line[have++] = d[i];
    line[have] = '\0';
    return n;
}

/* Sends one report: the HTTP status, 0 when none came. */
static long send_one(CURL *h, const struct opts *o, unsigned i, const uint8_t *body, size_t len)
{
    char auth[300], enroll[300], id[128], key[130], line[256] = "";
    struct curl_slist *hdrs = NULL;
    subst(id, sizeof(id), o->id, i);
    if (o->key)
        snprintf(key, sizeof(key), "%s", o->key);
    else { /* a key of its own for every machine id: 64 hex digits */
        unsigned long long x = 1469598103934665603ull;
        for (const char *p = id; *p; p++)
            x = (x ^ (unsigned char)*p) * 1099511628211ull;
        snprintf(key, sizeof(key), "%016llx%016llx%016llx%016llx", x, x ^ 1, x ^ 2, x ^ 3);
    }
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
    hdrs = curl_slist_append(hdrs, auth);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/x-protobuf");
    if (o->token) {
        snprintf(enroll, sizeof(enroll), "X-Whb-Enrollment: %s", o->token);
        hdrs = curl_slist_append(hdrs, enroll);
    }
    curl_easy_setopt(h, CURLOPT_URL, o->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, first_line);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)line);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    if (o->ca)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca);
    else {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (o->bind)
        curl_easy_setopt(h, CURLOPT_INTERFACE, o->bind);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        if (!o->quiet)
            printf("0 %s\n", curl_easy_strerror(rc));
        return 0;
    }
    /* An ack is protobuf: say so rather than print its bytes. */
    if (!o->quiet)
        printf("%ld %s\n", status, status == 200 ? "ack" : line);
    return status;
}

int main(int argc, char **argv)
{
    struct opts o = {.id = "forged-%d",
                     .fqdn = "forged-%d.corp.example",
                     .count = 1,
                     .repeat = 1,
                     .seq = 1,
                     .interval = 60,
                     .snapshots = 1};
    static const struct option lo[] = {
        {"url", 1, 0, 'u'},    {"ca", 1, 0, 'c'},          {"bind", 1, 0, 'B'},
        {"token", 1, 0, 't'},  {"key", 1, 0, 'k'},         {"id", 1, 0, 'i'},
        {"fqdn", 1, 0, 'f'},   {"count", 1, 0, 'n'},       {"seq", 1, 0, 's'},
        {"boot", 1, 0, 'b'},   {"sent-at", 1, 0, 'a'},     {"interval", 1, 0, 'I'},
        {"switch", 1, 0, 'w'}, {"switch-name", 1, 0, 'W'}, {"port", 1, 0, 'p'},
        {"ssid", 1, 0, 'S'},   {"bssid", 1, 0, 'D'},       {"addr", 1, 0, 'A'},
        {"events", 1, 0, 'e'}, {"event-at", 1, 0, 'E'},    {"snapshots", 1, 0, 'R'},
        {"pad-to", 1, 0, 'P'}, {"out", 1, 0, 'o'},         {"help", 0, 0, 'h'},
        {"repeat", 1, 0, 'r'}, {"quiet", 0, 0, 'q'},       {0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'u':
            o.url = optarg;
            break;
        case 'c':
            o.ca = optarg;
            break;
        case 'B':
            o.bind = optarg;
            break;
        case 't':
            o.token = optarg;
            break;
        case 'k':
            o.key = optarg;
            break;
        case 'i':
            o.id = optarg;
            break;
        case 'f':
            o.fqdn = optarg;
            break;
        case 'n':
            o.count = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 's':
            o.seq = strtoull(optarg, NULL, 10);
            break;
        case 'b':
            o.boot = optarg;
            break;
        case 'a':
            o.sent_at = strtoll(optarg, NULL, 10);
            break;
        case 'I':
            o.interval = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'w':
            o.sw = optarg;
            break;
        case 'W':
            o.sw_name = optarg;
            break;
        case 'p':
            o.port = optarg;
            break;
        case 'S':
            o.ssid = optarg;
            break;
        case 'D':
            o.bssid = optarg;
            break;
        case 'A':
            o.addr = optarg;
            break;
        case 'e':
            o.events = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'E':
            o.event_at = strtoll(optarg, NULL, 10), o.has_event_at = 1;
            break;
        case 'R':
            o.snapshots = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'P':
            o.pad_to = strtoul(optarg, NULL, 10);
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'r':
            o.repeat = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'q':
            o.quiet = 1;
            break;
        default:
            fputs(usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (!o.url && !o.out) {
        fputs(usage, stderr);
        return 2;
    }
    size_t len;
    uint8_t *body;
    if (o.out) {
        FILE *f = fopen(o.out, "wb");
        body = build(&o, 1, &len);
        if (!f || !body || fwrite(body, 1, len, f) != len)
            return 1;
        fclose(f);
        free(body);
        return 0;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    int failed = 0;
    unsigned long long first_seq = o.seq;
    long statuses[600] = {0};
    for (unsigned i = 1; h && i <= o.count; i++)
        for (unsigned r = 0; r < o.repeat; r++) {
            o.seq = first_seq + r;
            if (!(body = build(&o, i, &len)))
                return 1;
            long st = send_one(h, &o, i, body, len);
            failed |= st == 0;
            statuses[st >= 0 && st < 600 ? st : 0]++;
            free(body);
        }
    if (o.quiet)
        for (int k = 0; k < 600; k++)
            if (statuses[k])
                printf("%d:%ld\n", k, statuses[k]);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return failed;
}
