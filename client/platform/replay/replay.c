/* The replay backend: plays a scenario file of timestamped states and OS events, paced in real
 * time from the agent's start, through the same core as the real backends. It stands in for
 * what cannot exist on a test machine: radios (nl80211 messages in the kernel's own format)
 * and Windows power events.
 *
 *   identity machine_id=m-1 fqdn=pc-1.corp.example [boot_id=b-1] [os=...]
 *   <ms> adapter NAME [type=ethernet|wireless] [mac=..] [admin=0|1] [carrier=0|1] [speed=N]
 *                     [addr=CIDR] [gw=IP] [rx_errors=N] [crc=N] [carrier_changes=N]
 *   <ms> wifi NAME ssid=S bssid=B signal=DBM associated=0|1
 *   <ms> lldp NAME chassis=C port=P [sysname=S] [portdesc=D]
 *   <ms> remove NAME
 *   <ms> nl80211 HEX           one nl80211 generic netlink message (Linux builds)
 *   <ms> wlan NAME KIND CODE   a WLAN API notification: KIND = disconnected|failed
 *   <ms> power suspend|hibernate|shutdown|resume|stop
 *   <ms> sleep MS              an unannounced sleep: the with-sleep clock jumps by MS
 *   <ms> clock offset=MS       the machine's wall clock runs MS ahead (negative: behind)
 *   <ms> asleep MS             the machine sleeps for MS: nothing runs (the agent waits, as a
 *                              suspended process does), then the with-sleep clock is MS ahead
 *   <ms> end                   the agent stops
 * The Windows Update client (as the Windows backend reads it; a line replaces its part):
 *   <ms> wu policy [server=URL] [status=URL] [use_wu_server=0|1] [target_group=G]
 *                  [no_auto_update=0|1] [detection_frequency=H] [do_not_connect=0|1]
 *                  [disable_dual_scan=0|1] [deferral=0|1] [class_source=0|1]
 *                  [source=F,Q,D,O]   each wu|wsus|- (SetPolicyDrivenUpdateSourceFor*)
 *   <ms> wu applied [source=F,Q,D,O] [dual_scan=0|1] [deferral=0|1]   (PolicyState)
 *   <ms> wu mdm settings=N [url=URL] [source=F,Q,D,O]
 *   <ms> wu id [sus=GUID] [validation=0|1]
 *   <ms> wu log EVENT_ID [ago=MS] [error=0xHRESULT] [service=wsus|wu|mu|store|GUID]
 *                        [detail=WORD]   a Windows event (25 scan failed, 26 scan ok, 20, 21...)
 *   <ms> wu service NAME auto|delayed|manual|disabled|absent [running=0|1]
 *   <ms> wu restarted          the restart that event 21 asked for happened
 * Adapter and wu lines change the snapshot and raise a "changed" event. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "platform/platform.h"
#include "update_client.h"
#include "whb.pb-c.h"
#ifdef __linux__
#include "platform/linux/linux.h"
#endif

#define MAX_LINE 8192

struct replay {
    struct whb_platform base;
    FILE *f;
    struct whb_identity id;
    struct whb_state state;
    uint64_t start_mono;
    uint64_t slept;       /* injected sleep, ms */
    uint64_t frozen;      /* time spent asleep, which the awake clock does not count */
    int64_t clock_offset; /* the wall clock's error, ms */
    char pending[MAX_LINE];
    int has_pending, ended;
    uint64_t pending_at;
};

static struct replay *rp(struct whb_platform *p)
{
    return (struct replay *)p;
}

static uint64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Finds key=value in a line of words; values run to the next space. */
static int field(const char *line, const char *key, char *out, size_t len)
{
    size_t klen = strlen(key);
    for (const char *p = line; (p = strstr(p, key)) != NULL; p++) {
        if ((p == line || p[-1] == ' ') && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t n = strcspn(v, " \t\r\n");
            if (n >= len)
                n = len - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}

static long long field_num(const char *line, const char *key, long long def)
{
    char buf[32];
    return field(line, key, buf, sizeof(buf)) ? atoll(buf) : def;
}

static struct whb_adapter_state *adapter(struct replay *r, const char *name, int create)
{
    for (int i = 0; i < r->state.n_adapters; i++)
        if (strcmp(r->state.adapters[i].name, name) == 0)
            return &r->state.adapters[i];
    if (!create || r->state.n_adapters >= WHB_MAX_ADAPTERS)
        return NULL;
    struct whb_adapter_state *a = &r->state.adapters[r->state.n_adapters++];
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->ifindex = r->state.n_adapters + 1;
    a->type = WHB_ADAPTER_ETHERNET;
    a->admin_up = a->carrier = 1;
    a->oper = WHB_OPER_UP;
    a->mtu = 1500;
    return a;
}

static void apply_adapter(struct whb_adapter_state *a, const char *args)
{
    char v[WHB_ADDR_LEN];
    if (field(args, "type", v, sizeof(v)))
        a->type = strcmp(v, "wireless") == 0 ? WHB_ADAPTER_WIRELESS : WHB_ADAPTER_ETHERNET;
    field(args, "mac", a->mac, sizeof(a->mac));
    a->admin_up = (int)field_num(args, "admin", a->admin_up);
    a->carrier = (int)field_num(args, "carrier", a->carrier) && a->admin_up;
    a->oper = a->carrier ? WHB_OPER_UP : WHB_OPER_DOWN;
    a->speed_mbps = a->carrier ? (uint64_t)field_num(args, "speed", 1000) : 0;
    if (field(args, "addr", v, sizeof(v))) {
        snprintf(a->addrs[0], sizeof(a->addrs[0]), "%s", v);
        a->n_addrs = strcmp(v, "none") != 0;
    }
    if (field(args, "gw", v, sizeof(v)))
        snprintf(a->gateway, sizeof(a->gateway), "%s", strcmp(v, "none") ? v : "");
    a->counters.rx_errors =
        (uint64_t)field_num(args, "rx_errors", (long long)a->counters.rx_errors);
    a->counters.rx_crc_errors =
        (uint64_t)field_num(args, "crc", (long long)a->counters.rx_crc_errors);
    a->counters.carrier_changes =
        (uint64_t)field_num(args, "carrier_changes", (long long)a->counters.carrier_changes);
}

#ifdef __linux__
/* nl80211 lines carry a message as hex; only Linux builds parse nl80211. */
static int hex_decode(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]) && n < max) {
        unsigned b;
        sscanf(hex, "%2x", &b);
        out[n++] = (uint8_t)b;
        hex += 2;
    }
    return (int)n;
}
#endif

static enum whb_wu_flag wu_flag(const char *args, const char *key)
{
    long long v = field_num(args, key, -1);
    return v < 0 ? WHB_WU_NOT_SET : v ? WHB_WU_ON : WHB_WU_OFF;
}

/* source=wu,wsus,-,- : feature, quality, driver, other. */
static void wu_sources(const char *args, enum whb_wu_source *out)
{
    char v[64], *save = NULL;
    int i = 0;
    for (i = 0; i < WHB_WU_CLASSES; i++)
        out[i] = WHB_WU_SOURCE_NOT_SET;
    if (!field(args, "source", v, sizeof(v)))
        return;
    i = 0;
    for (char *t = strtok_r(v, ",", &save); t && i < WHB_WU_CLASSES;
         t = strtok_r(NULL, ",", &save), i++)
        out[i] = !strcmp(t, "wu")     ? WHB_WU_SOURCE_WU
                 : !strcmp(t, "wsus") ? WHB_WU_SOURCE_WSUS
                                      : WHB_WU_SOURCE_NOT_SET;
}

static void wu_service_id(const char *name, char *out, size_t n)
{
    static const struct {
        const char *name, *guid;
    } ids[] = {{"wsus", "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}"},
               {"wu", "{9482f4b4-e343-43b6-b170-9a65bc822c77}"},
               {"mu", "{7971f918-a847-4430-9279-4a52d1efe18d}"},
               {"store", "{855e8a7c-ecb4-4ca3-b045-1dfa50104289}"}};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        if (!strcmp(name, ids[i].name)) {
            snprintf(out, n, "%s", ids[i].guid);
            return;
        }
    snprintf(out, n, "%.38s", name); /* a "{guid}" at most */
}

static void apply_wu(struct replay *r, const char *what, const char *args)
{
    struct whb_wu_state *u = &r->state.wu;
    char v[WHB_WU_URL_LEN];
    u->known = 1;
    u->log_read = 1;
    if (!strcmp(what, "policy")) {
        u->wu_server[0] = u->wu_status_server[0] = u->target_group[0] = '\0';
        field(args, "server", u->wu_server, sizeof(u->wu_server));
        field(args, "status", u->wu_status_server, sizeof(u->wu_status_server));
        u->target_group_enabled =
            field(args, "target_group", u->target_group, sizeof(u->target_group)) ? WHB_WU_ON
                                                                                  : WHB_WU_NOT_SET;
        u->use_wu_server = wu_flag(args, "use_wu_server");
        u->no_auto_update = wu_flag(args, "no_auto_update");
        u->detection_frequency_h = (unsigned)field_num(args, "detection_frequency", 0);
        u->do_not_connect = wu_flag(args, "do_not_connect");
        u->disable_dual_scan = wu_flag(args, "disable_dual_scan");
        u->deferral_policy = wu_flag(args, "deferral");
        u->use_class_source = wu_flag(args, "class_source");
        wu_sources(args, u->policy_source);
    } else if (!strcmp(what, "applied")) {
        u->policy_state_read = 1;
        wu_sources(args, u->effective_source);
        u->dual_scan_active = wu_flag(args, "dual_scan");
        u->deferral_active = wu_flag(args, "deferral");
    } else if (!strcmp(what, "mdm")) {
        u->mdm_settings = (unsigned)field_num(args, "settings", 0);
        u->mdm_service_url[0] = '\0';
        field(args, "url", u->mdm_service_url, sizeof(u->mdm_service_url));
        wu_sources(args, u->mdm_source);
    } else if (!strcmp(what, "id")) {
        u->sus_client_id[0] = '\0';
        field(args, "sus", u->sus_client_id, sizeof(u->sus_client_id));
        u->sus_validation = (int)field_num(args, "validation", u->sus_client_id[0] != 0);
        u->sus_malformed = 0;
    } else if (!strcmp(what, "log")) {
        struct whb_wu_log_event ev = {0};
        sscanf(args, "%*s %u", &ev.event_id);
        ev.at_ms = whb_clock_wall_ms() - field_num(args, "ago", 0);
        if (field(args, "error", v, sizeof(v)))
            ev.error_code = (uint32_t)strtoul(v, NULL, 16);
        if (field(args, "service", v, sizeof(v)))
            wu_service_id(v, ev.service_id, sizeof(ev.service_id));
        field(args, "detail", ev.detail, sizeof(ev.detail));
        whb_wu_log_put(u, &ev);
        if (ev.event_id == WHB_WU_EV_RESTART_REQUIRED)
            u->restart_pending = 1;
    } else if (!strcmp(what, "service")) {
        char name[16] = "", start[16] = "";
        sscanf(args, "%*s %15s %15s", name, start);
        struct whb_wu_service *svc = NULL;
        for (int i = 0; i < u->n_services && !svc; i++)
            if (!strcmp(u->services[i].name, name))
                svc = &u->services[i];
        if (!svc && u->n_services < WHB_WU_MAX_SERVICES && name[0]) {
            svc = &u->services[u->n_services++];
            snprintf(svc->name, sizeof(svc->name), "%s", name);
        }
        if (svc) {
            svc->start_type = !strcmp(start, "auto")       ? WHB_START_AUTO
                              : !strcmp(start, "delayed")  ? WHB_START_AUTO_DELAYED
                              : !strcmp(start, "manual")   ? WHB_START_MANUAL
                              : !strcmp(start, "disabled") ? WHB_START_DISABLED
                              : !strcmp(start, "absent")   ? WHB_START_NOT_INSTALLED
                                                           : WHB_START_UNKNOWN;
            svc->running = (int)field_num(args, "running", 0);
        }
    } else if (!strcmp(what, "restarted")) {
        u->restart_pending = 0;
    } else {
        whb_log_warnx("replay: unknown wu line '%s'", what);
    }
}

/* Applies one scenario line; may add an OS event. */
static void apply(struct replay *r, char *line, struct whb_os_event *evs, int max, int *n)
{
    char verb[16] = "", name[WHB_NAME_LEN] = "";
    unsigned long long at;
    int off = 0;
    if (sscanf(line, "%llu %15s %n", &at, verb, &off) < 2)
        return;
    const char *args = line + off;
    sscanf(args, "%63s", name);
    struct whb_os_event ev = {0};
    int changed = 0;

    if (!strcmp(verb, "adapter")) {
        struct whb_adapter_state *a = adapter(r, name, 1);
        /* As on a real link: a switch heard before the carrier dropped is forgotten. */
        if (a) {
            apply_adapter(a, args);
            if (!a->carrier)
                memset(&a->lldp, 0, sizeof(a->lldp));
        }
        changed = 1;
    } else if (!strcmp(verb, "remove")) {
        struct whb_adapter_state *a = adapter(r, name, 0);
        if (a) {
            *a = r->state.adapters[--r->state.n_adapters];
            changed = 1;
        }
    } else if (!strcmp(verb, "wifi")) {
        struct whb_adapter_state *a = adapter(r, name, 1);
        if (a) {
            a->type = WHB_ADAPTER_WIRELESS;
            field(args, "ssid", a->wifi.ssid, sizeof(a->wifi.ssid));
            field(args, "bssid", a->wifi.bssid, sizeof(a->wifi.bssid));
            a->wifi.signal_dbm = (int)field_num(args, "signal", a->wifi.signal_dbm);
            a->wifi.associated = (int)field_num(args, "associated", a->wifi.associated);
            a->carrier = a->wifi.associated && a->admin_up;
            changed = 1;
        }
    } else if (!strcmp(verb, "lldp")) {
        struct whb_adapter_state *a = adapter(r, name, 1);
        if (a) {
            field(args, "chassis", a->lldp.chassis_id, sizeof(a->lldp.chassis_id));
            field(args, "port", a->lldp.port_id, sizeof(a->lldp.port_id));
            field(args, "sysname", a->lldp.system_name, sizeof(a->lldp.system_name));
            field(args, "portdesc", a->lldp.port_description, sizeof(a->lldp.port_description));
            changed = 1;
        }
    } else if (!strcmp(verb, "nl80211")) {
#ifdef __linux__
        static uint8_t msg[4096];
        int len = hex_decode(args, msg, sizeof(msg));
        if (len > 0 && whb_nl80211_parse(msg, (size_t)len, &ev) && *n < max)
            evs[(*n)++] = ev;
#else
        whb_log_warnx("replay: nl80211 lines need a Linux build");
#endif
    } else if (!strcmp(verb, "wlan")) {
        char kind[16] = "";
        unsigned code = 0;
        sscanf(args, "%*s %15s %u", kind, &code);
        ev.kind = WHB_OS_WIFI;
        snprintf(ev.event.adapter, sizeof(ev.event.adapter), "%s", name);
        ev.event.reason_code = code;
        ev.event.kind = strcmp(kind, "failed") == 0
                            ? WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED
                            : WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED;
        snprintf(ev.event.detail, sizeof(ev.event.detail), "WLAN %s: reason %u", kind, code);
        if (*n < max)
            evs[(*n)++] = ev;
    } else if (!strcmp(verb, "power")) {
        static const struct {
            const char *name;
            enum whb_os_event_kind kind;
        } map[] = {{"suspend", WHB_OS_SUSPEND},
                   {"hibernate", WHB_OS_HIBERNATE},
                   {"shutdown", WHB_OS_SHUTDOWN},
                   {"resume", WHB_OS_RESUME},
                   {"stop", WHB_OS_STOP}};
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (!strcmp(name, map[i].name) && *n < max)
                evs[(*n)++] = (struct whb_os_event){.kind = map[i].kind};
    } else if (!strcmp(verb, "wu")) {
        apply_wu(r, name, args);
        changed = 1;
    } else if (!strcmp(verb, "clock")) {
        r->clock_offset = field_num(args, "offset", 0);
    } else if (!strcmp(verb, "sleep")) {
        r->slept += strtoull(name, NULL, 10);
    } else if (!strcmp(verb, "asleep")) {
        /* As a suspended machine: nothing of the agent runs meanwhile, and on resume only the
         * with-sleep clock has moved. */
        uint64_t ms = strtoull(name, NULL, 10), from = mono_now();
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL); /* a signal (the agent stopped) ends it early */
        r->frozen += mono_now() - from;
        r->slept += mono_now() - from;
    } else if (!strcmp(verb, "end")) {
        r->ended = 1;
    } else {
        whb_log_warnx("replay: unknown line '%s'", verb);
    }
    if (changed && *n < max)
        evs[(*n)++] = (struct whb_os_event){.kind = WHB_OS_CHANGED};
}

/* Reads the next timed line into pending; identity lines are applied as they come. */
static void read_next(struct replay *r)
{
    while (!r->has_pending && fgets(r->pending, sizeof(r->pending), r->f)) {
        r->pending[strcspn(r->pending, "\r\n")] = '\0';
        if (r->pending[0] == '#' || r->pending[0] == '\0')
            continue;
        if (!isdigit((unsigned char)r->pending[0]))
            continue;
        r->pending_at = strtoull(r->pending, NULL, 10);
        r->has_pending = 1;
    }
}

static void read_identity(struct replay *r)
{
    char line[MAX_LINE];
    long pos = ftell(r->f);
    while (fgets(line, sizeof(line), r->f)) {
        if (strncmp(line, "identity ", 9) != 0)
            continue;
        field(line, "machine_id", r->id.machine_id, sizeof(r->id.machine_id));
        field(line, "fqdn", r->id.fqdn, sizeof(r->id.fqdn));
        field(line, "boot_id", r->id.boot_id, sizeof(r->id.boot_id));
        field(line, "os", r->id.os, sizeof(r->id.os));
    }
    fseek(r->f, pos, SEEK_SET);
}

static void replay_close(struct whb_platform *p)
{
    struct replay *r = rp(p);
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r);
}

static int replay_open(const struct whb_platform_config *cfg, struct whb_platform **out)
{
    struct replay *r = calloc(1, sizeof(*r));
    if (!r)
        return WHB_ENOMEM;
    r->base.ops = &whb_platform_replay;
    r->f = cfg->replay_file ? fopen(cfg->replay_file, "r") : NULL;
    if (!r->f) {
        free(r);
        return WHB_ENOTFOUND;
    }
    snprintf(r->id.os, sizeof(r->id.os), "replay");
    snprintf(r->id.boot_id, sizeof(r->id.boot_id), "replay-boot");
    read_identity(r);
    if (cfg->fqdn)
        snprintf(r->id.fqdn, sizeof(r->id.fqdn), "%s", cfg->fqdn);
    if (cfg->machine_id)
        snprintf(r->id.machine_id, sizeof(r->id.machine_id), "%s", cfg->machine_id);
    const char *dot = strchr(r->id.fqdn, '.');
    snprintf(r->id.domain, sizeof(r->id.domain), "%s", dot ? dot + 1 : "");
    r->start_mono = mono_now();
    /* Lines at time 0 describe the machine as the agent finds it. */
    struct whb_os_event evs[16];
    int n = 0;
    read_next(r);
    while (r->has_pending && r->pending_at == 0) {
        apply(r, r->pending, evs, 16, &n);
        r->has_pending = 0;
        read_next(r);
    }
    *out = &r->base;
    return 0;
}

static unsigned replay_caps(struct whb_platform *p)
{
    (void)p;
    return WHB_CAP_LINK_EVENTS | WHB_CAP_WIRELESS | WHB_CAP_LLDP | WHB_CAP_POWER;
}

static int replay_identity(struct whb_platform *p, struct whb_identity *out)
{
    *out = rp(p)->id;
    return out->machine_id[0] && out->fqdn[0] ? 0 : WHB_ENOTFOUND;
}

static int replay_snapshot(struct whb_platform *p, struct whb_state *out)
{
    *out = rp(p)->state;
    return 0;
}

static int replay_wait(struct whb_platform *p, int timeout_ms, struct whb_os_event *evs, int max,
                       int *n)
{
    struct replay *r = rp(p);
    *n = 0;
    if (r->ended)
        return WHB_ENOTFOUND;
    uint64_t now = mono_now() - r->start_mono;
    uint64_t until = now + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    if (r->has_pending && r->pending_at < until)
        until = r->pending_at > now ? r->pending_at : now;
    if (until > now) {
        struct timespec ts = {(time_t)((until - now) / 1000),
                              (long)((until - now) % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    now = mono_now() - r->start_mono;
    while (r->has_pending && r->pending_at <= now && *n < max - 1) {
        apply(r, r->pending, evs, max, n);
        r->has_pending = 0;
        read_next(r);
    }
    return r->ended && *n == 0 ? WHB_ENOTFOUND : 0;
}

/* Nothing waits on a replayed power event: the scenario goes on by its own clock. */
static void replay_power_done(struct whb_platform *p, struct whb_os_event *ev)
{
    (void)p;
    (void)ev;
}

static int64_t replay_wall_ms(struct whb_platform *p)
{
    return whb_clock_wall_ms() + rp(p)->clock_offset;
}

static void replay_uptime_ms(struct whb_platform *p, uint64_t *awake, uint64_t *with_sleep)
{
    *awake = mono_now() - rp(p)->frozen;
    *with_sleep = *awake + rp(p)->slept;
}

const struct whb_platform_ops whb_platform_replay = {
    .name = "replay",
    .open = replay_open,
    .close = replay_close,
    .caps = replay_caps,
    .identity = replay_identity,
    .snapshot = replay_snapshot,
    .wait = replay_wait,
    .power_done = replay_power_done,
    .wall_ms = replay_wall_ms,
    .uptime_ms = replay_uptime_ms,
};
