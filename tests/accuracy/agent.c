/* A simulated whb-agent: it sees the world only as the real agent can (its adapter, LLDP frames,
 * power notifications, its own delivery attempts, WSUS probes) and emits what the real one
 * emits (client/agent.c, state.c): events spooled before they are sent, a report per
 * heartbeat or change carrying the oldest spooled events, last gasps, backoff while offline,
 * undelivered heartbeats kept, an unclean-stop marker from its run file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "wire.h"

#define EVENTS_PER_REPORT 256
#define WSUS_EVERY_MS     900000
#define LLDP_EVERY_MS     30000
#define LLDP_HOLD_MS      150000
#define SEQ_BLOCK         1000
#define HOUR_MS           3600000
/* The boot clock (CLOCK_BOOTTIME, GetTickCount64) counts from power on; the service starts
 * seconds later: its first event is never at 0 (0 says "not given" on the wire). */
#define BOOTED_MS 8000
#define WSUS_URL  "http://wsus.corp.example:8530/ClientWebService/client.asmx"
/* The update client's side (client/platform/windows/wu_*.c, client/update_client.c). */
#define WU_SERVER     "http://wsus.corp.example:8530"
#define WU_OLD_SERVER "http://wsus-old.corp.example:8530"
#define WU_MANAGED    "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}" /* serviceGuid of WSUS */

static int64_t wall(const struct acc_world *w, const struct acc_agent *a, int64_t t);

/* The spread of a report's way to the collector, ms: 200, or WHB_ACC_LATENCY (1-60000) for
 * a slow path (a VPN, a congested uplink): each report maps the agent's clock by its own
 * delivery, so the spread is how far apart the collector may stamp what the agent saw
 * together. */
static unsigned latency_spread(void)
{
    static unsigned spread;
    if (!spread) {
        const char *e = getenv("WHB_ACC_LATENCY");
        long v = e ? atol(e) : 0;
        spread = v >= 1 && v <= 60000 ? (unsigned)v : 200;
    }
    return spread;
}

/* Events per report: the real agent's 256, or WHB_ACC_PACK (1-256) to split the same events
 * over more reports (a flush then sends as many more reports, so that it still delivers as
 * much): what the engine answers of a past silence must not depend on the packing. */
static int events_per_report(void)
{
    static int pack;
    if (!pack) {
        const char *e = getenv("WHB_ACC_PACK");
        int v = e ? atoi(e) : 0;
        pack = v >= 1 && v <= EVENTS_PER_REPORT ? v : EVENTS_PER_REPORT;
    }
    return pack;
}

/* What the agent reads of the update client: the policy keys, PolicyState, the PolicyManager,
 * SusClientId, the start types and the newest events 26, 25 and 21 of its logs. */
struct wu_msgs {
    Whb__V1__UpdateClient uc;
    Whb__V1__UpdateSources pol, eff, mdm;
    Whb__V1__UpdateLogEvent log[3];
    Whb__V1__UpdateLogEvent *logp[3];
    Whb__V1__UpdateService svc[4];
    Whb__V1__UpdateService *svcp[4];
};

static void wu_sources(Whb__V1__UpdateSources *s, Whb__V1__UpdateSource all,
                       Whb__V1__UpdateSource quality)
{
    whb__v1__update_sources__init(s);
    s->feature = s->driver = s->other = all;
    s->quality = quality;
}

static void wu_fill(struct wu_msgs *m, const struct acc_agent *a, const struct acc_world *w)
{
    const struct acc_wu *u = &a->wu;
    const struct acc_machine *mc = &w->m[a->m];
    const Whb__V1__UpdateSource WSUS = WHB__V1__UPDATE_SOURCE__UPDATE_SOURCE_WSUS,
                                MU = WHB__V1__UPDATE_SOURCE__UPDATE_SOURCE_WINDOWS_UPDATE,
                                UNSET = WHB__V1__UPDATE_SOURCE__UPDATE_SOURCE_NOT_SET;
    const Whb__V1__Flag ON = WHB__V1__FLAG__FLAG_ON, OFF = WHB__V1__FLAG__FLAG_OFF;
    Whb__V1__UpdateClient *c = &m->uc;
    whb__v1__update_client__init(c);
    int policy = u->route != WU_NO_POLICY;
    c->wu_server = !policy ? "" : u->route == WU_OTHER_SERVER ? WU_OLD_SERVER : WU_SERVER;
    c->wu_status_server = u->route == WU_NO_STATUS ? "" : c->wu_server;
    c->use_wu_server = !policy ? WHB__V1__FLAG__FLAG_NOT_SET : u->route == WU_USE_WU_OFF ? OFF : ON;
    c->disable_dual_scan = policy ? OFF : WHB__V1__FLAG__FLAG_NOT_SET;
    c->deferral_policy = u->route == WU_DUAL_SCAN ? ON : WHB__V1__FLAG__FLAG_NOT_SET;
    wu_sources(&m->pol, UNSET, UNSET);
    if (u->route == WU_SCAN_SOURCE) {
        c->use_update_class_policy_source = ON;
        wu_sources(&m->pol, WSUS, MU);
    }
    c->policy_sources = &m->pol;
    /* Older builds have no PolicyState; the MDM machine is one of them. */
    c->policy_state_read = u->route != WU_MDM;
    if (c->policy_state_read) {
        if (!policy)
            wu_sources(&m->eff, MU, MU);
        else if (u->route == WU_SCAN_SOURCE)
            wu_sources(&m->eff, WSUS, MU);
        else if (u->route == WU_DUAL_SCAN)
            wu_sources(&m->eff, UNSET, UNSET);
        else
            wu_sources(&m->eff, WSUS, WSUS);
        c->effective_sources = &m->eff;
        c->dual_scan_active = u->route == WU_DUAL_SCAN ? ON : OFF;
    }
    if (u->route == WU_MDM) {
        c->mdm_update_settings = 4;
        wu_sources(&m->mdm, MU, MU);
        c->mdm_sources = &m->mdm;
    }
    c->sus_client_id = (char *)mc->sus;
    c->sus_client_id_validation = 1;
    c->log_read = 1;
    int n = 0;
    if (u->ok_at) {
        whb__v1__update_log_event__init(&m->log[n]);
        m->log[n].event_id = 26;
        m->log[n].at_ms = wall(w, a, u->ok_at);
        m->log[n].service_id = WU_MANAGED;
        m->log[n].detail = "2";
        n++;
    }
    if (u->fail_at) {
        whb__v1__update_log_event__init(&m->log[n]);
        m->log[n].event_id = 25;
        m->log[n].at_ms = wall(w, a, u->fail_at);
        m->log[n].error_code = u->fail_code;
        m->log[n].service_id = WU_MANAGED;
        n++;
    }
    if (u->restart_at) {
        whb__v1__update_log_event__init(&m->log[n]);
        m->log[n].event_id = 21;
        m->log[n].at_ms = wall(w, a, u->restart_at);
        n++;
    }
    for (int i = 0; i < n; i++)
        m->logp[i] = &m->log[i];
    c->log = m->logp;
    c->n_log = (size_t)n;
    c->restart_pending = u->restart_at != 0;
    static const char *const names[4] = {"wuauserv", "BITS", "UsoSvc", "CryptSvc"};
    for (int i = 0; i < 4; i++) {
        whb__v1__update_service__init(&m->svc[i]);
        m->svc[i].name = (char *)names[i];
        m->svc[i].start_type = i >= 2 ? WHB__V1__START_TYPE__START_TYPE_AUTOMATIC
                                      : WHB__V1__START_TYPE__START_TYPE_MANUAL;
        m->svc[i].running = i >= 2;
        m->svcp[i] = &m->svc[i];
    }
    if (u->disabled)
        m->svc[0].start_type = WHB__V1__START_TYPE__START_TYPE_DISABLED;
    m->svc[0].running = a->obs.service;
    c->services = m->svcp;
    c->n_services = 4;
}

/* The machine's wall clock at t: its skew, and every step (class clocks) made by then. */
static int64_t wall(const struct acc_world *w, const struct acc_agent *a, int64_t t)
{
    const struct acc_machine *mc = &w->m[a->m];
    int64_t v = t + mc->skew_ms;
    for (int i = 0; i < mc->n_steps; i++)
        if (t >= mc->step_at[i])
            v += mc->step_ms[i];
    return v;
}

static uint64_t next_seq(struct acc_agent *a)
{
    if (a->next_seq > a->reserved)
        a->reserved = a->next_seq + SEQ_BLOCK - 1;
    return a->next_seq++;
}

static void clock_str(int64_t t0, int64_t t, char *buf, size_t len)
{
    int64_t s = (t - t0) / 1000;
    snprintf(buf, len, "+%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
             (long long)(s % 60));
}

/* A dock laptop's adapters as Windows names them: the dock's USB/Thunderbolt NIC, its Wi-Fi. */
#define DOCK_IF "Ethernet 2"
#define WIFI_IF "Wi-Fi"

/* Access point ap as the snapshot names it: the first, the next, or the network off site. */
static const struct acc_ap *ap_at(const struct acc_world *w, int ap)
{
    return ap == 2 ? &w->away : ap == 1 ? &w->ap2 : &w->ap;
}

/* Whether the adapter the snapshot o describes is wireless: a Wi-Fi machine's, or an undocked
 * laptop's. */
static int on_wifi(const struct acc_world *w, const struct acc_agent *a, const struct acc_obs *o)
{
    return w->m[a->m].wireless || (w->m[a->m].dock && !o->docked);
}

static const char *if_name(const struct acc_world *w, const struct acc_agent *a,
                           const struct acc_obs *o)
{
    if (w->m[a->m].dock)
        return o->docked ? DOCK_IF : WIFI_IF;
    return w->m[a->m].wireless ? "wlan0" : "eth0";
}

/* Class lossy: no write succeeds (a full disk). */
static int disk_full(const struct acc_world *w, const struct acc_agent *a, int64_t t)
{
    const struct acc_machine *mc = &w->m[a->m];
    return mc->disk_full_at && t >= mc->disk_full_at && t < mc->disk_free_at;
}

/* The real agent fsyncs power, link and state events, not heartbeats, delivery failures or
 * WSUS probe results (client/agent.c: record(..., 0)). */
static int synced_kind(int kind)
{
    return kind != WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT &&
           kind != WHB__V1__EVENT_KIND__EVENT_KIND_DELIVERY_FAILED &&
           kind != WHB__V1__EVENT_KIND__EVENT_KIND_WSUS_PROBE;
}

/* A record's bytes in the spool file: its frame (length, CRC) and the packed event, with room
 * for the codes and times set after it is recorded. */
static unsigned record_size(const struct acc_ev *e)
{
    whb_event x;
    whb__v1__event__init(&x);
    x.seq = e->seq;
    x.boot_id = (char *)e->boot;
    x.at_ms = e->at_ms;
    x.mono_ms = e->mono_ms;
    x.kind = (Whb__V1__EventKind)e->kind;
    x.adapter = (char *)e->adapter;
    x.detail = (char *)e->detail;
    return 8 + (unsigned)whb__v1__event__get_packed_size(&x) + 8;
}

/* client/spool.c whb_spool_append on a spool bounded to max bytes, e just added at the end: 1
 * when it is kept. Full, the oldest heartbeats go first (rewritten through a synced temporary
 * file); a heartbeat finding none is dropped, an event is refused when only events fill it. */
static int spool_room(struct acc_agent *a, unsigned max, struct acc_ev *e)
{
    uint64_t bytes = 0;
    int routine = 0, last = a->n_spool - 1;
    for (int i = 0; i < last; i++) {
        bytes += a->spool[i].size;
        routine += a->spool[i].kind == WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT;
    }
    if (bytes + e->size <= max)
        return 1;
    if (e->kind == WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT && !routine)
        return 0;
    uint64_t need = bytes + e->size - max, freed = 0;
    int k = 0;
    for (int i = 0; i < last; i++) {
        struct acc_ev *x = &a->spool[i];
        if (freed < need && x->kind == WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT) {
            freed += x->size;
            continue;
        }
        x->synced = 1;
        a->spool[k++] = *x;
    }
    a->spool[k] = *e;
    a->n_spool = k + 1;
    return bytes - freed + a->spool[k].size <= max;
}

static struct acc_ev *record(struct acc_agent *a, const struct acc_world *w, int64_t t, int kind,
                             const char *detail, int verbose)
{
    const struct acc_machine *mc = &w->m[a->m];
    if (a->n_spool >= ACC_SPOOL_MAX)
        return NULL; /* the spool is full: the real agent drops what it cannot keep */
    if (disk_full(w, a, t)) {
        next_seq(a); /* numbered, then not written */
        return NULL;
    }
    struct acc_ev *e = &a->spool[a->n_spool++];
    memset(e, 0, sizeof(*e));
    e->seq = next_seq(a);
    snprintf(e->boot, sizeof(e->boot), "%s", a->boot);
    e->at_ms = wall(w, a, t);
    e->mono_ms = (uint64_t)(t - a->boot_t + BOOTED_MS);
    e->kind = kind;
    snprintf(e->adapter, sizeof(e->adapter), "%s", a->ev_if ? a->ev_if : if_name(w, a, &a->obs));
    snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
    e->synced = synced_kind(kind);
    if (e->synced && mc->cache_lost)
        for (int i = 0; i < a->n_spool; i++)
            a->spool[i].synced = 1;
    if (mc->spool_max) {
        e->size = record_size(e);
        if (!spool_room(a, mc->spool_max, e)) {
            a->n_spool--;
            if (verbose) {
                char c[48];
                clock_str(w->t0, t, c, sizeof(c));
                printf("  %s %-6s spool full: a %s not kept\n", c, mc->fqdn,
                       whb_wire_event_kind_name(kind));
            }
            return NULL;
        }
        e = &a->spool[a->n_spool - 1];
    }
    if (verbose) {
        char c[48];
        clock_str(w->t0, t, c, sizeof(c));
        printf("  %s %-6s event %-16s %s\n", c, w->m[a->m].fqdn, whb_wire_event_kind_name(kind),
               e->detail);
    }
    return e;
}

/* client/backoff.c with the agent's ceiling: its heartbeat interval. */
static unsigned backoff_next(struct acc_agent *a, const struct acc_world *w)
{
    uint64_t cap = (uint64_t)w->interval_s * 1000, ceiling = 1000;
    if (cap < 1000)
        cap = 1000;
    for (unsigned i = 0; i < a->attempt && ceiling < cap; i++)
        ceiling *= 2;
    if (ceiling > cap)
        ceiling = cap;
    if (a->attempt < 64)
        a->attempt++;
    a->rng ^= a->rng << 13;
    a->rng ^= a->rng >> 7;
    a->rng ^= a->rng << 17;
    uint64_t d = a->rng % (ceiling + 1);
    return (unsigned)(d < 500 ? 500 : d);
}

/* The network's dice, apart from the agent's own backoff jitter. */
static unsigned roll(struct acc_agent *a, unsigned n)
{
    uint64_t z = (a->loss_rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (unsigned)((z ^ (z >> 31)) % n);
}

/* The report, packed as the real encoder would (snapshot + oldest events). */
static uint8_t *pack(const struct acc_agent *a, const struct acc_world *w, int64_t t, uint64_t seq,
                     int n_ev, int last_gasp, size_t *len)
{
    const struct acc_machine *mc = &w->m[a->m];
    char addr[24], gw[16], chassis[18] = "", port[16] = "", sysname[32] = "", ssid[32] = "",
                           bssid[18] = "", err[80] = "", url[] = WSUS_URL;
    char *addrs[1] = {addr};
    Whb__V1__Machine machine = WHB__V1__MACHINE__INIT;
    machine.machine_id = (char *)mc->id;
    /* Renamed (class reimaged): the name is read as the agent starts, in the boot after it. */
    machine.fqdn =
        (char *)(mc->fqdn_new[0] && a->boot_t >= mc->renamed_at ? mc->fqdn_new : mc->fqdn);
    machine.domain = "corp.example";
    machine.os = mc->windows ? "Windows 11 Enterprise 23H2" : "Debian GNU/Linux 12";
    machine.agent_version = "0.1.0";

    Whb__V1__Counters counters = WHB__V1__COUNTERS__INIT;
    counters.rx_errors = a->obs.crc;
    counters.rx_crc_errors = a->obs.crc;
    counters.carrier_changes = a->obs.carrier_changes;
    whb_adapter ad = WHB__V1__ADAPTER__INIT;
    int wifi_on = on_wifi(w, a, &a->obs);
    ad.name = (char *)if_name(w, a, &a->obs);
    ad.type = wifi_on ? WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS
                      : WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_ETHERNET;
    ad.mac = (char *)mc->mac;
    ad.admin_up = a->obs.admin_up;
    ad.oper_state = !a->obs.admin_up ? WHB__V1__OPER_STATE__OPER_STATE_DOWN
                    : a->obs.carrier ? WHB__V1__OPER_STATE__OPER_STATE_UP
                                     : WHB__V1__OPER_STATE__OPER_STATE_LOWER_LAYER_DOWN;
    ad.carrier = a->obs.carrier;
    ad.speed_mbps = a->obs.carrier ? (wifi_on ? 300 : 1000) : 0;
    ad.mtu = 1500;
    snprintf(addr, sizeof(addr), "%s", a->obs.addr);
    snprintf(gw, sizeof(gw), "%s", a->obs.gw);
    ad.addresses = addrs;
    ad.n_addresses = addr[0] ? 1 : 0;
    ad.gateway = gw;
    ad.counters = &counters;
    Whb__V1__Wireless wifi = WHB__V1__WIRELESS__INIT;
    if (wifi_on) {
        if (a->obs.assoc) {
            snprintf(ssid, sizeof(ssid), "%s", ap_at(w, a->obs.ap)->ssid);
            snprintf(bssid, sizeof(bssid), "%s", ap_at(w, a->obs.ap)->bssid);
        }
        wifi.ssid = ssid;
        wifi.bssid = bssid;
        wifi.signal_dbm = a->obs.assoc ? -55 : 0;
        wifi.associated = a->obs.assoc;
        ad.wireless = &wifi;
    }
    Whb__V1__Lldp lldp = WHB__V1__LLDP__INIT;
    if (!wifi_on && a->obs.lldp_sw >= 0) {
        snprintf(chassis, sizeof(chassis), "%s", w->sw[a->obs.lldp_sw].chassis);
        snprintf(sysname, sizeof(sysname), "%s", w->sw[a->obs.lldp_sw].name);
        snprintf(port, sizeof(port), "Gi1/0/%d", a->obs.lldp_port);
        lldp.chassis_id = chassis;
        lldp.port_id = port;
        lldp.system_name = sysname;
        lldp.port_description = "";
        ad.lldp = &lldp;
    }
    whb_adapter *ads[2] = {&ad, NULL};
    /* Docked, the laptop's Wi-Fi is there beside the dock's adapter, not associated (Windows
     * keeps one connection to the domain's network). */
    whb_adapter idle = WHB__V1__ADAPTER__INIT;
    Whb__V1__Wireless idle_wifi = WHB__V1__WIRELESS__INIT;
    Whb__V1__Counters idle_counters = WHB__V1__COUNTERS__INIT;
    char idle_mac[18];
    if (mc->dock && a->obs.docked) {
        snprintf(idle_mac, sizeof(idle_mac), "%s", mc->mac);
        idle_mac[0] = idle_mac[0] == '0' ? '1' : '0';
        idle.name = WIFI_IF;
        idle.type = WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS;
        idle.mac = idle_mac;
        idle.admin_up = 1;
        idle.oper_state = WHB__V1__OPER_STATE__OPER_STATE_LOWER_LAYER_DOWN;
        idle.mtu = 1500;
        idle.gateway = "";
        idle.counters = &idle_counters;
        idle_wifi.ssid = "";
        idle_wifi.bssid = "";
        idle.wireless = &idle_wifi;
        ads[1] = &idle;
    }
    /* Its Wi-Fi kept associated beside the dock's adapter (wifi_kept): up, leased, with its
     * own default route (a higher metric than the dock's). */
    char kept_addr[24], kept_gw[16], kept_ssid[32], kept_bssid[18];
    char *kept_addrs[1] = {kept_addr};
    if (mc->dock && a->obs.docked && a->obs.kept) { /* leased or not yet */
        snprintf(kept_addr, sizeof(kept_addr), "10.20.%d.%d/24", w->ap.subnet, mc->host);
        snprintf(kept_gw, sizeof(kept_gw), "10.20.%d.1", w->ap.subnet);
        snprintf(kept_ssid, sizeof(kept_ssid), "%s", w->ap.ssid);
        snprintf(kept_bssid, sizeof(kept_bssid), "%s", w->ap.bssid);
        idle.oper_state = WHB__V1__OPER_STATE__OPER_STATE_UP;
        idle.carrier = 1;
        idle.speed_mbps = 300;
        idle.addresses = kept_addrs;
        idle.n_addresses = a->obs.kept_leased;
        idle.gateway = a->obs.kept_leased ? kept_gw : "";
        idle_wifi.ssid = kept_ssid;
        idle_wifi.bssid = kept_bssid;
        idle_wifi.associated = 1;
        idle_wifi.signal_dbm = -55;
    }
    Whb__V1__WsusProbe probe = WHB__V1__WSUS_PROBE__INIT;
    whb_snapshot snap = WHB__V1__SNAPSHOT__INIT;
    snap.power_source = WHB__V1__POWER_SOURCE__POWER_SOURCE_AC;
    snap.adapters = ads;
    snap.n_adapters = ads[1] ? 2 : 1;
    if (a->wsus_at) {
        probe.url = url;
        probe.at_ms = a->wsus_at;
        probe.http_status = a->wsus_http;
        probe.curl_code = a->wsus_curl;
        if (a->wsus_curl)
            snprintf(err, sizeof(err), "curl error %d", a->wsus_curl);
        else if (a->wsus_http >= 400)
            snprintf(err, sizeof(err), "HTTP %u", a->wsus_http);
        probe.error = err;
        probe.latency_ms = 12;
        probe.service_known = mc->windows;
        probe.service_running = a->obs.service;
        snap.wsus = &probe;
    }
    struct wu_msgs wu;
    if (mc->windows) {
        wu_fill(&wu, a, w);
        snap.update_client = &wu.uc;
    }
    whb_event *evs = calloc((size_t)(n_ev ? n_ev : 1), sizeof(*evs));
    whb_event **ptrs = calloc((size_t)(n_ev ? n_ev : 1), sizeof(*ptrs));
    uint8_t *buf = NULL;
    if (!evs || !ptrs)
        goto done;
    for (int i = 0; i < n_ev; i++) {
        const struct acc_ev *e = &a->spool[i];
        whb__v1__event__init(&evs[i]);
        evs[i].seq = e->seq;
        evs[i].boot_id = (char *)e->boot;
        evs[i].at_ms = e->at_ms;
        evs[i].mono_ms = e->mono_ms;
        evs[i].kind = (Whb__V1__EventKind)e->kind;
        evs[i].adapter = (char *)e->adapter;
        evs[i].reason_code = e->code;
        evs[i].detail = (char *)e->detail;
        evs[i].since_ms = e->since_ms;
        evs[i].http_status = e->http;
        evs[i].curl_code = e->curl;
        ptrs[i] = &evs[i];
    }
    whb_report r = WHB__V1__REPORT__INIT;
    r.schema_version = WHB_WIRE_SCHEMA_VERSION;
    r.machine = &machine;
    r.boot_id = (char *)a->boot;
    r.seq = seq;
    r.sent_at_ms = wall(w, a, t);
    r.mono_ms = (uint64_t)(t - a->boot_t + BOOTED_MS);
    r.interval_s = w->interval_s;
    r.snapshot = &snap;
    r.events = ptrs;
    r.n_events = (size_t)n_ev;
    r.last_gasp = last_gasp;
    buf = whb_wire_report_pack(&r, len);
done:
    free(evs);
    free(ptrs);
    return buf;
}

/* The collector stores (boot, seq) of the report it is given. */
static void stored(struct acc_agent *a, uint64_t seq)
{
    if (strcmp(a->coll_boot, a->boot) != 0 || seq > a->coll_seq) {
        snprintf(a->coll_boot, sizeof(a->coll_boot), "%s", a->boot);
        a->coll_seq = seq;
    }
}

/* What a send attempt meets: the path as it is at link_t, the collector as it is at t. A
 * report at or below the seq the collector stored of this boot is taken for a resend: its ack
 * names that seq, which the agent reads as its run file lost (client/sender.c
 * WHB_SENT_SEQ_BEHIND, client/agent.c number_above): *behind is set. */
static int transmit(struct acc_agent *a, const struct acc_world *w, int64_t t, int64_t link_t,
                    struct acc_feed *f, uint8_t *buf, size_t len, uint64_t seq, uint64_t *behind,
                    int *curl, unsigned *http, const char **err)
{
    struct acc_link l;
    unsigned share = 0;
    acc_world_link(w, a->m, link_t, &l);
    *curl = 0;
    *http = 0;
    if (l.path_ok) /* (a dock's Wi-Fi kept beside it: a way out while the dock's is down) */
        ;
    else if (!l.carrier || !l.admin_up)
        *curl = 7, *err = "Failed to connect: Network is unreachable";
    else if (!l.has_addr)
        *curl = 6, *err = "Could not resolve host: whb.corp.example";
    else if (!l.has_gw)
        *curl = 7, *err = "Failed to connect: Network is unreachable";
    else if (l.foreign)
        *curl = 6, *err = "Could not resolve host: whb.corp.example";
    else
        *curl = 28, *err = "Connection timed out after 5000 milliseconds";
    if (!*curl && !acc_world_collector_up(w, t))
        *curl = 7, *err = "Failed to connect to whb.corp.example port 8443: Connection refused";
    /* Class collside: running, it answers 503 (the real agent reads Retry-After but waits its
     * own backoff, client/agent.c), or the agent refuses its certificate. */
    if (!*curl && acc_world_collector_refuses(w, a->m, t, &share, http, curl, err) &&
        (share >= 100 || roll(a, 100) < share)) {
        free(buf);
        return 0;
    }
    *http = 0;
    if (*curl) {
        free(buf);
        return 0;
    }
    const struct acc_machine *mc = &w->m[a->m];
    int64_t arrive = mc->same_name ? t + 20 + (int64_t)roll(a, 200) : 0;
    if (mc->same_name && arrive < mc->release_at) {
        /* A new identity under a name the collector has bound to another machine id: refused
         * (409, the refusal recorded against the owner) until an admin releases that binding
         * (store/logic.c whb_store_check_identity); the agent backs off and tries again. */
        acc_feed_send(f, a->m, arrive, buf, len);
        *curl = 0;
        *http = 409;
        *err = "HTTP 409: conflict: this machine's id or name would shadow another machine's name";
        return 0;
    }
    if (mc->wipe_at && strcmp(a->coll_boot, a->boot) == 0 && seq <= a->coll_seq) {
        acc_feed_send(f, a->m, t + 20 + (int64_t)roll(a, latency_spread()), buf, len);
        *behind = a->coll_seq;
        *err = "HTTP 200: the collector has a higher seq of this boot";
        return 0;
    }
    if (t >= mc->held_from && t < mc->held_to) {
        /* Held in the path (class repeats): stored late, the agent's wait over before it. */
        acc_feed_send(f, a->m, t + 12000 + (int64_t)roll(a, 8000), buf, len);
        *curl = 28;
        *err = "Operation timed out after 10000 milliseconds with 0 bytes received";
        return 0;
    }
    unsigned lossy = mc->lossy;
    if (lossy && roll(a, 100) < lossy) {
        /* Stored, but the agent never hears so: the ack is lost, or the report arrives after
         * the agent gave up on it (and after its resend). */
        int late = roll(a, 2);
        acc_feed_send(f, a->m, t + (late ? 12000 + (int64_t)roll(a, 8000) : 150), buf, len);
        stored(a, seq);
        *curl = 28;
        *err = "Operation timed out after 10000 milliseconds with 0 bytes received";
        return 0;
    }
    /* Sent after the ack of the report before it (client/agent.c flush: one at a time). */
    int64_t at = t + 20 + (int64_t)roll(a, latency_spread());
    if (at <= a->acked_arrival)
        at = a->acked_arrival + 20;
    a->acked_arrival = at;
    acc_feed_send(f, a->m, at, buf, len);
    stored(a, seq);
    return 1;
}

static void note_failure(struct acc_agent *a, const struct acc_world *w, int64_t t, int curl,
                         unsigned http, const char *err, int verbose)
{
    char cls[32];
    snprintf(cls, sizeof(cls), "%d/%u", curl, http);
    if (strcmp(cls, a->failure_class) != 0 || wall(w, a, t) - a->failure_event_at >= HOUR_MS) {
        struct acc_ev *e =
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_DELIVERY_FAILED, err, verbose);
        if (e)
            e->curl = curl, e->http = http;
        snprintf(a->failure_class, sizeof(a->failure_class), "%s", cls);
        a->failure_event_at = wall(w, a, t);
    }
    a->failing = 1;
}

static int flush(struct acc_agent *a, const struct acc_world *w, int64_t t, int64_t link_t,
                 int last_gasp, struct acc_feed *f, int verbose)
{
    int rounds = 0, renumbered = 0;
    do {
    resend:;
        int per = events_per_report();
        int n = a->n_spool < per ? a->n_spool : per;
        size_t len = 0;
        int curl = 0;
        unsigned http = 0;
        const char *err = "";
        /* One report after the other: each takes post_ms (0 but in class repeats). */
        int64_t on = rounds * w->m[a->m].post_ms;
        uint64_t seq = next_seq(a), behind = 0;
        uint8_t *buf = pack(a, w, t, seq, n, last_gasp, &len);
        int ok = buf &&
                 transmit(a, w, t + on, link_t + on, f, buf, len, seq, &behind, &curl, &http, &err);
        if (behind && !renumbered) {
            /* client/agent.c number_above: on above the collector's seq, the spool too. */
            a->next_seq = behind + 1;
            a->reserved = a->next_seq + SEQ_BLOCK - 1;
            for (int i = 0; i < a->n_spool; i++)
                if (strcmp(a->spool[i].boot, a->boot) == 0)
                    a->spool[i].seq = next_seq(a);
            renumbered = 1;
            goto resend;
        }
        if (!ok) {
            if (verbose) {
                char c[48];
                clock_str(w->t0, t, c, sizeof(c));
                printf("  %s %-6s send failed: %s\n", c, w->m[a->m].fqdn, err);
            }
            note_failure(a, w, t, curl, http, err, verbose);
            a->retry_at = t + backoff_next(a, w);
            return 0;
        }
        memmove(a->spool, a->spool + n, (size_t)(a->n_spool - n) * sizeof(*a->spool));
        a->n_spool -= n;
        a->failing = 0;
        a->failure_class[0] = '\0';
        a->attempt = 0;
        a->last_ok = t;
    } while (a->n_spool > 0 && ++rounds < 64 * (EVENTS_PER_REPORT / events_per_report()));
    if (!disk_full(w, a, t)) /* the run file's alive mark is a write too */
        a->run_alive = wall(w, a, t);
    a->want_flush = 0;
    a->retry_at = 0;
    return 1;
}

static void observe(struct acc_agent *a, const struct acc_world *w, int64_t t,
                    const struct acc_link *l, struct acc_obs *o)
{
    const struct acc_machine *mc = &w->m[a->m];
    memset(o, 0, sizeof(*o));
    o->admin_up = l->admin_up;
    o->carrier = l->carrier;
    int sw, port;
    o->docked = acc_world_docked(w, a->m, t, &sw, &port);
    o->assoc = on_wifi(w, a, o) && l->carrier;
    o->ap = !o->assoc ? -1 : mc->dock ? 0 : acc_world_ap(w, a->m, t);
    o->service = acc_world_update_service(w, a->m, t);
    if (l->has_addr && l->foreign) {
        snprintf(o->addr, sizeof(o->addr), "192.168.%u.%u/24", (unsigned)w->away.subnet & 255,
                 (unsigned)(100 + mc->host) & 255);
        if (l->has_gw)
            snprintf(o->gw, sizeof(o->gw), "192.168.%u.1", (unsigned)w->away.subnet & 255);
    } else if (l->has_addr) {
        int net = acc_world_subnet(w, a->m, l->sw);
        snprintf(o->addr, sizeof(o->addr), "10.20.%d.%d/24", net, mc->host);
        if (l->has_gw)
            snprintf(o->gw, sizeof(o->gw), "10.20.%d.1", net);
    }
    o->kept = l->kept;
    o->kept_leased = l->kept_leased;
    o->crc = l->crc_errors;
    o->carrier_changes = a->obs.carrier_changes + (a->obs.carrier != l->carrier);
    o->lldp_sw = a->obs.lldp_sw;
    o->lldp_port = a->obs.lldp_port;
}

static void dock_diff(struct acc_agent *a, const struct acc_world *w, int64_t t,
                      const struct acc_obs *x, const struct acc_obs *y, int verbose);
static void beside_diff(struct acc_agent *a, const struct acc_world *w, int64_t t,
                        const struct acc_obs *x, const struct acc_obs *y, int verbose);

/* state.c's differ, on this one adapter. */
static void diff(struct acc_agent *a, const struct acc_world *w, int64_t t, const struct acc_obs *x,
                 const struct acc_obs *y, int verbose)
{
    char d[128];
    struct acc_ev *e;
    int any = 0;
    if (w->m[a->m].dock && x->docked != y->docked) {
        dock_diff(a, w, t, x, y, verbose);
        return;
    }
    if (w->m[a->m].dock && x->docked && (x->kept != y->kept || x->kept_leased != y->kept_leased))
        beside_diff(a, w, t, x, y, verbose);
    if (x->admin_up != y->admin_up)
        any = !!record(a, w, t,
                       y->admin_up ? WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_UP
                                   : WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN,
                       "", verbose);
    if (y->admin_up && x->carrier != y->carrier) {
        if (y->carrier)
            snprintf(d, sizeof(d), "%d Mb/s carrier_changes %llu", on_wifi(w, a, y) ? 300 : 1000,
                     (unsigned long long)y->carrier_changes);
        else
            snprintf(d, sizeof(d), "carrier_changes %llu", (unsigned long long)y->carrier_changes);
        record(a, w, t,
               y->carrier ? WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED
                          : WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST,
               d, verbose);
        any = 1;
        if (y->carrier)
            a->next_wsus = t + 3000;
    }
    if (y->crc > x->crc) {
        snprintf(d, sizeof(d),
                 "rx_errors +%llu tx_errors +0 crc +%llu frame +0 carrier_changes %llu",
                 (unsigned long long)(y->crc - x->crc), (unsigned long long)(y->crc - x->crc),
                 (unsigned long long)y->carrier_changes);
        any |= !!record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_LINK_ERRORS, d, verbose);
    }
    /* A roam (another BSSID of the SSID) is an association too. */
    if (on_wifi(w, a, y) && y->assoc && (!x->assoc || x->ap != y->ap)) {
        snprintf(d, sizeof(d), "ssid %s bssid %s signal -55 dBm", ap_at(w, y->ap)->ssid,
                 ap_at(w, y->ap)->bssid);
        any |= !!record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED, d, verbose);
    } else if (on_wifi(w, a, x) && x->assoc && !y->assoc) {
        snprintf(d, sizeof(d), "left ssid %s bssid %s", ap_at(w, x->ap)->ssid,
                 ap_at(w, x->ap)->bssid);
        any |= !!record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED, d, verbose);
    }
    if (strcmp(x->addr, y->addr) != 0 || strcmp(x->gw, y->gw) != 0) {
        snprintf(d, sizeof(d), "%s gw %s", y->addr[0] ? y->addr : "no address",
                 y->gw[0] ? y->gw : "none");
        any |= !!record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED, d, verbose);
        a->next_wsus = t + 3000;
    }
    if (x->lldp_sw != y->lldp_sw || x->lldp_port != y->lldp_port) {
        if (y->lldp_sw >= 0)
            snprintf(d, sizeof(d), "switch %s (%s) port Gi1/0/%d", w->sw[y->lldp_sw].name,
                     w->sw[y->lldp_sw].chassis, y->lldp_port);
        else
            snprintf(d, sizeof(d), "switch - (-) port -");
        e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_LLDP_CHANGED, d, verbose);
        any |= !!e;
    }
    a->want_flush |= any;
}

/* The dock's adapter came or went (state.c: ADAPTER_REMOVED for an adapter no longer in the
 * snapshot, ADAPTER_ADDED and, with addresses, NETWORK_CHANGED for a new one), and the Wi-Fi
 * beside it changed as the differ sees it: associated after an undock, let go by Windows once
 * docked (one connection to the domain's network). */
static void dock_diff(struct acc_agent *a, const struct acc_world *w, int64_t t,
                      const struct acc_obs *x, const struct acc_obs *y, int verbose)
{
    struct acc_obs idle = {
        .admin_up = 1, .service = y->service, .lldp_sw = -1, .lldp_port = -1, .ap = -1};
    char d[128];
    if (x->docked) { /* undocked */
        a->ev_if = DOCK_IF;
        record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_REMOVED, "", verbose);
        a->ev_if = WIFI_IF;
        idle.crc = y->crc;
        idle.carrier_changes = y->carrier_changes - (uint64_t)y->carrier;
        diff(a, w, t, &idle, y, verbose);
    } else { /* docked */
        a->ev_if = WIFI_IF;
        idle.crc = x->crc;
        idle.carrier_changes = x->carrier_changes + (uint64_t)x->carrier;
        diff(a, w, t, x, &idle, verbose);
        a->ev_if = DOCK_IF;
        snprintf(d, sizeof(d), "%s wired admin up carrier %s", w->m[a->m].mac,
                 y->carrier ? "up" : "down");
        record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_ADDED, d, verbose);
        if (y->addr[0]) {
            snprintf(d, sizeof(d), "%s gw %s", y->addr, y->gw[0] ? y->gw : "none");
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED, d, verbose);
            a->next_wsus = t + 3000;
        }
    }
    a->ev_if = NULL;
    a->want_flush = 1;
}

/* The Wi-Fi beside a docked laptop's dock adapter, as the differ sees that adapter: associated
 * (with the first access point), then leased; its own carrier count. */
static void beside_obs(const struct acc_world *w, const struct acc_agent *a,
                       const struct acc_obs *d, struct acc_obs *o)
{
    memset(o, 0, sizeof(*o));
    o->admin_up = 1;
    o->service = d->service;
    o->carrier = o->assoc = d->kept;
    o->ap = d->kept ? 0 : -1;
    o->lldp_sw = o->lldp_port = -1;
    o->carrier_changes = a->beside_changes;
    if (d->kept_leased) {
        snprintf(o->addr, sizeof(o->addr), "10.20.%d.%d/24", w->ap.subnet, w->m[a->m].host);
        snprintf(o->gw, sizeof(o->gw), "10.20.%d.1", w->ap.subnet);
    }
}

/* The Wi-Fi beside the dock's adapter changed (state.c diffs every adapter): associated once
 * Windows connects it, leased, let go once the dock's link is back. */
static void beside_diff(struct acc_agent *a, const struct acc_world *w, int64_t t,
                        const struct acc_obs *x, const struct acc_obs *y, int verbose)
{
    struct acc_obs bx, by;
    beside_obs(w, a, x, &bx);
    a->beside_changes += x->kept != y->kept;
    beside_obs(w, a, y, &by);
    a->ev_if = WIFI_IF;
    diff(a, w, t, &bx, &by, verbose);
    a->ev_if = NULL;
}

/* A working network as the agent judges it: carrier, an address and a default route. */
static int online(const struct acc_obs *o)
{
    return (o->admin_up && o->carrier && o->addr[0] && o->gw[0]) || o->kept_leased;
}

/* Takes a snapshot (as on a netlink or LLDP change, or a resume) and records the differences. */
static void snapshot(struct acc_agent *a, const struct acc_world *w, int64_t t,
                     const struct acc_link *l, int verbose)
{
    struct acc_obs o;
    observe(a, w, t, l, &o);
    /* The LLDP neighbour is held until its TTL runs out, looked up at snapshot time. */
    if (a->lldp_sw >= 0 && (a->lldp_expires < t || (w->m[a->m].dock && !o.docked)))
        a->lldp_sw = a->lldp_port = -1; /* expired, or gone with the dock's adapter */
    o.lldp_sw = a->lldp_sw;
    o.lldp_port = a->lldp_port;
    diff(a, w, t, &a->obs, &o, verbose);
    a->obs = o;
}

static void probe_wsus(struct acc_agent *a, const struct acc_world *w, int64_t t,
                       const struct acc_link *l, int verbose)
{
    char cls[32], d[128];
    unsigned http = 0;
    int curl = 0;
    if (l->path_ok)
        acc_world_wsus(w, t, &http, &curl);
    else if (!l->carrier || !l->admin_up)
        curl = 7;
    else if (!l->has_addr)
        curl = 6;
    else if (!l->has_gw)
        curl = 7;
    else if (l->foreign)
        curl = 6;
    else
        curl = 28;
    a->wsus_at = wall(w, a, t);
    a->wsus_http = http;
    a->wsus_curl = curl;
    if (curl)
        snprintf(cls, sizeof(cls), "unreachable:%d", curl);
    else if (http >= 400)
        snprintf(cls, sizeof(cls), "http_%u", http);
    else
        snprintf(cls, sizeof(cls), "ok");
    if (strcmp(cls, a->wsus_class) != 0) {
        snprintf(d, sizeof(d), "%.80s: %s", WSUS_URL,
                 curl          ? (curl == 28  ? "Connection timed out"
                                  : curl == 6 ? "Could not resolve host"
                                              : "Failed to connect")
                 : http >= 400 ? (http == 503 ? "HTTP 503" : "HTTP error")
                               : "ok");
        struct acc_ev *e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WSUS_PROBE, d, verbose);
        if (e) {
            e->http = http;
            e->curl = curl;
        }
        snprintf(a->wsus_class, sizeof(a->wsus_class), "%s", cls);
        a->want_flush = 1;
    }
    a->next_wsus = t + WSUS_EVERY_MS;
}

/* The update client read again (a registry notification, a new event in its logs): what changed
 * becomes events, as client/update_client.c's differ words them. */
static void wu_read(struct acc_agent *a, const struct acc_world *w, int64_t t, int diff,
                    int verbose)
{
    static const char *const where[WU_ROUTE_COUNT_] = {
        "WUServer " WU_SERVER,     "WUServer -",      "UseWUServer 0",
        "scan source quality WU",  "dual scan 1",     "MDM: 4 Update settings",
        "WUServer " WU_OLD_SERVER, "WUStatusServer -"};
    struct acc_wu u, was = a->wu;
    struct acc_ev *e;
    char d[128];
    if (!w->m[a->m].windows)
        return;
    acc_world_wu(w, a->m, t, &u);
    a->wu = u;
    if (!diff)
        return;
    if (u.route != was.route) {
        if ((e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_POLICY, where[u.route],
                        verbose)))
            e->adapter[0] = '\0';
        a->want_flush = 1;
    }
    if (u.disabled != was.disabled) {
        snprintf(d, sizeof(d), "wuauserv start type %s (was %s)",
                 u.disabled ? "disabled" : "manual", u.disabled ? "manual" : "disabled");
        if ((e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SERVICE, d, verbose))) {
            snprintf(e->adapter, sizeof(e->adapter), "wuauserv");
            e->code = u.disabled ? WHB__V1__START_TYPE__START_TYPE_DISABLED
                                 : WHB__V1__START_TYPE__START_TYPE_MANUAL;
        }
        a->want_flush = 1;
    }
    if (u.fail_at != was.fail_at) {
        snprintf(d, sizeof(d),
                 "Windows Update failed to check for updates with error 0x%08X (WSUS)",
                 u.fail_code);
        if ((e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_FAILED, d, verbose))) {
            snprintf(e->adapter, sizeof(e->adapter), "%s", WU_MANAGED);
            e->code = u.fail_code;
            e->since_ms = wall(w, a, u.fail_at);
        }
        a->want_flush = 1;
    }
    if (u.restart_at != was.restart_at && u.restart_at) {
        if ((e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_RESTART_REQUIRED,
                        "restart required: until this computer has been restarted, Windows "
                        "cannot search for or download new updates",
                        verbose))) {
            e->adapter[0] = '\0';
            e->since_ms = wall(w, a, u.restart_at);
        }
        a->want_flush = 1;
    }
}

/* The Windows agent names the boot by when it started, to the minute: the wall clock now less
 * the tick count (client/platform/windows/windows.c, win_identity). Once the wall clock has
 * stepped across a minute since the boot's first agent start, a restarted agent in the same
 * boot names another one (and reads its run file as the previous boot's). Linux reads
 * /proc/sys/kernel/random/boot_id, which no step moves. */
static void name_boot(struct acc_agent *a, const struct acc_world *w, int64_t t)
{
    if (!w->m[a->m].windows)
        return;
    int64_t ms = wall(w, a, t) - (t - a->boot_t + BOOTED_MS);
    int64_t minute = ms >= 0 ? ms / 60000 : -((-ms + 59999) / 60000);
    if (a->boot_minute < 0)
        a->boot_minute = minute;
    else if (minute != a->boot_minute)
        snprintf(a->boot, sizeof(a->boot), "m%d-boot-%d-%lld", a->m, a->boot_no, (long long)minute);
}

static void start_process(struct acc_agent *a, const struct acc_world *w, int64_t t,
                          struct acc_feed *f, int verbose)
{
    char d[160];
    struct acc_link l;
    /* client/persist.c: the run file written at the start; on a full disk the agent refuses to
     * start (the service manager tries again). */
    if (disk_full(w, a, t))
        return;
    name_boot(a, w, t);
    int unclean = a->run_status == 1, same_boot = strcmp(a->run_boot, a->boot) == 0;
    int64_t alive = a->run_alive;
    a->next_seq = same_boot && a->reserved ? a->reserved + 1 : 1;
    a->reserved = a->next_seq + SEQ_BLOCK - 1;
    a->run_status = 1;
    snprintf(a->run_boot, sizeof(a->run_boot), "%s", a->boot);
    a->run_alive = wall(w, a, t);
    a->running = 1;
    a->want_flush = a->failing = a->wifi_failing = a->beacons_lost = 0;
    a->retry_at = a->next_wifi_retry = a->suspend_at = a->failure_event_at = 0;
    a->attempt = 0;
    a->failure_class[0] = a->wsus_class[0] = '\0';
    a->lldp_sw = a->lldp_port = -1;
    a->lldp_expires = 0;
    a->wsus_at = 0;
    snprintf(d, sizeof(d),
             "whb-agent 0.1.0 on %s: link events yes, wireless yes, lldp yes, power yes",
             w->m[a->m].windows ? "windows" : "linux");
    /* client/agent.c start_events: what the spool lost on disk is said with the start. */
    if (a->torn_bytes)
        snprintf(d + strlen(d), sizeof(d) - strlen(d), "; spool: torn tail of %u bytes cut",
                 a->torn_bytes);
    a->torn_bytes = 0;
    record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_AGENT_START, d, verbose);
    if (unclean) {
        snprintf(d, sizeof(d), "%s",
                 same_boot ? "the agent stopped without a clean stop in this boot"
                           : "the previous boot ended without a clean stop (power loss, crash or "
                             "hard reset)");
        struct acc_ev *e =
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP, d, verbose);
        if (e) {
            e->since_ms = alive;
            e->code = same_boot ? 1 : 2;
        }
    }
    acc_world_link(w, a->m, t, &l);
    memset(&a->obs, 0, sizeof(a->obs));
    observe(a, w, t, &l, &a->obs);
    a->obs.carrier_changes = 0;
    a->obs.lldp_sw = a->obs.lldp_port = -1;
    a->next_lldp = t + 1000 * (1 + (a->m * 7 + a->boot_no * 3) % 29);
    wu_read(a, w, t, 0, verbose); /* the first look is the state, not a change */
    probe_wsus(a, w, t, &l, verbose);
    flush(a, w, t, t, 0, f, verbose);
    a->next_heartbeat = t + (int64_t)w->interval_s * 1000;
}

static void new_boot(struct acc_agent *a, int64_t t)
{
    a->boot_no++;
    snprintf(a->boot, sizeof(a->boot), "m%d-boot-%d", a->m, a->boot_no);
    a->boot_t = t;
    a->boot_minute = -1;
    a->running = 0;
}

/* A last gasp: recorded and synced, then sent with a short deadline while the network still
 * answers (link_t: just before the power goes). */
static void gasp(struct acc_agent *a, const struct acc_world *w, int64_t t, int kind,
                 const char *what, struct acc_feed *f, int verbose)
{
    record(a, w, t, kind, what, verbose);
    /* Windows: a Fast Startup shutdown is a suspend the service resumes from. */
    if (kind == WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND ||
        kind == WHB__V1__EVENT_KIND__EVENT_KIND_HIBERNATE ||
        (kind == WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN && w->m[a->m].windows))
        a->suspend_at = wall(w, a, t);
    flush(a, w, t, t - 1000, 1, f, verbose);
}

/* Linux knows sleep from hibernation at once (logind). Windows' service hears "suspend"; its
 * agent reads this transition's Kernel-Power 42 when already logged: sleep (S3), hibernation
 * (S4) or a Fast Startup shutdown (S4 effective S5), else it can only say "going to sleep". */
static void suspend_gasp(struct acc_agent *a, const struct acc_world *w, int64_t t,
                         const struct acc_incident *why, struct acc_feed *f, int verbose)
{
    int windows = w->m[a->m].windows;
    if (why->kind == INC_FAST_STARTUP && !why->unnamed)
        gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN,
             "shutting down (Fast Startup: Windows hibernates its kernel session; Kernel-Power "
             "event 42, effective state S5)",
             f, verbose);
    else if (why->kind == INC_HIBERNATE && (!windows || !why->unnamed))
        gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_HIBERNATE,
             windows ? "going to hibernate (S4, Kernel-Power event 42)" : "going to hibernate", f,
             verbose);
    else
        gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND,
             windows && !why->unnamed ? "going to sleep (S3, Kernel-Power event 42)"
                                      : "going to sleep",
             f, verbose);
}

static void going_down(struct acc_agent *a, const struct acc_world *w, int64_t t,
                       const struct acc_incident *why, enum acc_power p, struct acc_feed *f,
                       int verbose)
{
    a->asleep_by = why ? why->kind : INC_POWER_CUT;
    a->asleep_at = t;
    if (a->running && why) {
        switch (why->kind) {
        case INC_SHUTDOWN:
            gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN, "shutting down", f, verbose);
            if (!disk_full(w, a, t)) {
                a->run_status = 2;
                a->run_alive = wall(w, a, t);
            }
            break;
        case INC_HIBERNATE:
        case INC_FAST_STARTUP:
        case INC_SLEEP:
            suspend_gasp(a, w, t, why, f, verbose);
            break;
        case INC_MODERN_STANDBY:
            gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND, "entering modern standby", f,
                 verbose);
            break;
        default:
            break; /* power cut, unannounced sleep: nothing leaves the machine */
        }
    }
    if (p == PWR_OFF)
        a->running = 0;
}

static void resumed(struct acc_agent *a, const struct acc_world *w, int64_t t, int verbose)
{
    char d[96];
    long long min = (long long)((t - a->asleep_at) / 60000);
    if (!a->running)
        return;
    if (a->suspend_at) {
        unsigned code = a->asleep_by == INC_HIBERNATE        ? 2
                        : a->asleep_by == INC_FAST_STARTUP   ? 3
                        : a->asleep_by == INC_MODERN_STANDBY ? 4
                                                             : 1;
        snprintf(d, sizeof(d), "asleep for %lld min", min);
        struct acc_ev *e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_RESUME, d, verbose);
        if (e) {
            e->since_ms = a->suspend_at;
            e->code = code;
        }
    } else {
        snprintf(d, sizeof(d), "asleep for %lld min without notification", min);
        struct acc_ev *e =
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_SLEEP_DETECTED, d, verbose);
        /* As the real agent (client/agent.c check_sleep): the wall clock now less the time
         * the boot clocks say it slept, so a step while asleep moves it too. */
        if (e)
            e->since_ms = wall(w, a, t) - (t - a->asleep_at);
    }
    a->suspend_at = 0;
    a->want_flush = 1;
    a->next_heartbeat = t;
}

/* Class lossy: a power loss takes what the disk's cache held: the records written since the
 * last fsync; one of them may be left torn, cut (and told) at the next start. */
static void power_lost(struct acc_agent *a, const struct acc_world *w)
{
    const struct acc_machine *mc = &w->m[a->m];
    if (!mc->cache_lost)
        return;
    int keep = a->n_spool;
    while (keep > 0 && !a->spool[keep - 1].synced)
        keep--;
    if (keep < a->n_spool && mc->torn)
        a->torn_bytes = a->spool[keep].size > 20 ? a->spool[keep].size - 11 : 9;
    a->n_spool = keep;
}

void acc_agent_init(struct acc_agent *a, const struct acc_world *w, int m)
{
    memset(a, 0, sizeof(*a));
    a->m = m;
    a->power = PWR_OFF;
    a->spool = calloc(ACC_SPOOL_MAX, sizeof(*a->spool));
    a->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)(m + 1) * 0x100000001b3ull) ^ (uint64_t)w->t0;
    a->loss_rng = a->rng * 31 + 7;
    a->lldp_sw = a->lldp_port = -1;
}

void acc_agent_free(struct acc_agent *a)
{
    free(a->spool);
    a->spool = NULL;
}

void acc_agent_step(struct acc_agent *a, const struct acc_world *w, int64_t t, struct acc_feed *f,
                    int verbose)
{
    const struct acc_incident *why;
    struct acc_link l;
    if (!a->spool)
        return;
    enum acc_power p = acc_world_power(w, a->m, t, &why);
    if (p != a->power) {
        enum acc_power was = a->power;
        if (was == PWR_ON)
            going_down(a, w, t, why, p, f, verbose);
        if (was == PWR_ON && p == PWR_OFF && (!why || why->kind != INC_SHUTDOWN))
            power_lost(a, w);
        a->power = p;
        if (p == PWR_ON && was == PWR_OFF)
            new_boot(a, t);
        else if (p == PWR_ON && was == PWR_ASLEEP)
            resumed(a, w, t, verbose);
        else if (p == PWR_OFF)
            a->running = 0;
    }
    if (p != PWR_ON)
        return;

    int wanted = acc_world_agent_wanted(w, a->m, t, &why);
    if (a->running && !wanted) {
        if (why && why->kind == INC_AGENT_STOP) {
            gasp(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_AGENT_STOP, "agent stopping", f, verbose);
            if (!disk_full(w, a, t)) {
                a->run_status = 2;
                a->run_alive = wall(w, a, t);
            }
        }
        a->running = 0; /* a crash leaves the run file saying "running" */
        return;
    }
    if (!wanted)
        return;
    if (!a->running) {
        const struct acc_machine *mc = &w->m[a->m];
        if (mc->wipe_at && t >= mc->wipe_at && !a->wiped) {
            /* Reinstalled, or its state directory cleaned up: no run file, no spool. */
            a->wiped = 1;
            a->n_spool = 0;
            a->run_status = 0;
            a->run_boot[0] = '\0';
            a->reserved = 0;
        }
        start_process(a, w, t, f, verbose);
        return;
    }

    acc_world_link(w, a->m, t, &l);
    /* The Wi-Fi backend reports failures with their IEEE 802.11 code. */
    if (l.wifi_fail && !a->wifi_failing) {
        char d[96];
        snprintf(d, sizeof(d), "deauthenticated: reason %u (IEEE 802.1X authentication failed)",
                 l.wifi_fail);
        struct acc_ev *e =
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED, d, verbose);
        if (e)
            e->code = l.wifi_fail;
        a->wifi_failing = 1;
        a->next_wifi_retry = t + 30000;
        a->want_flush = 1;
    } else if (l.wifi_fail && t >= a->next_wifi_retry) {
        char d[96];
        snprintf(d, sizeof(d), "association with %s failed: 802.1X authentication failed (%u)",
                 w->ap.bssid, l.wifi_fail);
        struct acc_ev *e =
            record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED, d, verbose);
        if (e)
            e->code = l.wifi_fail;
        a->next_wifi_retry = t + 60000;
    } else if (!l.wifi_fail) {
        a->wifi_failing = 0;
    }

    /* Its access point's beacons lost (out of range, or the AP without power): the driver
     * disconnects. Linux (mac80211 beacon loss, nl80211 DISCONNECT): reason 4, "inactivity",
     * locally generated; Windows (WLAN ACM disconnected): no access point in range. */
    if (w->m[a->m].wireless && a->obs.assoc && !l.carrier && l.admin_up && !l.wifi_fail &&
        acc_world_ap(w, a->m, t) < 0) {
        int win = w->m[a->m].windows;
        char d[128];
        snprintf(d, sizeof(d),
                 "disconnected from ssid %s: no access point of the network is in range "
                 "(NO_VISIBLE_AP, 0x00038014)",
                 ap_at(w, a->obs.ap)->ssid);
        struct acc_ev *e = record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED,
                                  win ? d : "disconnected by this machine: reason 4", verbose);
        if (e)
            e->code = win ? 0x00038014u : 4u;
        a->want_flush = 1;
        a->beacons_lost = 1;
    } else if (a->beacons_lost && l.carrier) {
        /* Connected again: nl80211 CONNECT (Linux), ACM connection_complete (Windows). */
        char d[64];
        int ap = acc_world_ap(w, a->m, t);
        if (w->m[a->m].windows)
            snprintf(d, sizeof(d), "connected to ssid %s", ap_at(w, ap)->ssid);
        else
            snprintf(d, sizeof(d), "connected to bssid %s", ap_at(w, ap)->bssid);
        record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED, d, verbose);
        a->beacons_lost = 0;
        a->want_flush = 1;
    }

    /* LLDP frames every 30 s while the link is up; a new neighbour means a snapshot. */
    int lldp_new = 0;
    if (!w->m[a->m].wireless && l.carrier && l.sw >= 0 && t >= a->next_lldp) {
        lldp_new = a->lldp_sw != l.sw || a->lldp_port != l.port;
        a->lldp_sw = l.sw;
        a->lldp_port = l.port;
        a->lldp_expires = t + LLDP_HOLD_MS;
        a->next_lldp = t + LLDP_EVERY_MS;
    }
    if (!l.carrier)
        a->next_lldp = t + 1000 * (1 + (a->m * 7 + a->boot_no * 3) % 29);
    struct acc_obs o;
    observe(a, w, t, &l, &o);
    /* A roam wakes the agent for a snapshot, whose new BSSID tells it: Windows' WLAN
     * notification, Linux's nl80211 ROAM (client/platform/linux/nl80211.c: no event of its own). */
    int roamed = o.assoc && a->obs.assoc && o.ap != a->obs.ap;
    if (lldp_new || roamed || o.docked != a->obs.docked || o.admin_up != a->obs.admin_up ||
        o.carrier != a->obs.carrier || o.service != a->obs.service || o.kept != a->obs.kept ||
        o.kept_leased != a->obs.kept_leased || strcmp(o.addr, a->obs.addr) != 0 ||
        strcmp(o.gw, a->obs.gw) != 0) {
        int was_online = online(&a->obs);
        snapshot(a, w, t, &l, verbose);
        /* Back online (client/agent.c take_snapshot): the backoff counted tries without a
         * network, so what was spooled goes now. */
        if (online(&a->obs) && !was_online)
            a->retry_at = 0;
    }
    wu_read(a, w, t, 1, verbose);

    if (t >= a->next_wsus)
        probe_wsus(a, w, t, &l, verbose);
    int heartbeat = t >= a->next_heartbeat, sent = 0;
    if (heartbeat) {
        a->next_heartbeat = t + (int64_t)w->interval_s * 1000;
        a->want_flush = 1;
    }
    /* Online, a heartbeat is always tried, backing off or not (client/agent.c). */
    if (a->want_flush && ((heartbeat && online(&a->obs)) || !a->retry_at || t >= a->retry_at))
        sent = flush(a, w, t, t, 0, f, verbose);
    /* A heartbeat that did not go (backing off, or tried and failed) is kept. */
    if (heartbeat && !sent)
        record(a, w, t, WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT, "undelivered", verbose);
}
