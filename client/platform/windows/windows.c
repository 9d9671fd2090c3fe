/* The Windows platform backend: identity from the registry and the computer name, adapters
 * from IP Helper (GetIfTable2, GetAdaptersAddresses) with change notifications
 * (NotifyIpInterfaceChange), power and stop events from the service control handler through a
 * bridge queue (with Modern Standby followed from the display state), what the System log
 * says about resumes and unclean stops, the Windows Update client's own state (wu_client.h),
 * and two clocks: the tick count (counts sleep) and the unbiased interrupt time (does not). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <powrprof.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "machinecert.h"
#include "clock.h"
#include "error.h"
#include "log.h"
#include "platform/platform.h"
#include "bridge.h"
#include "services.h"
#include "powerstate.h"
#include "wlan.h"
#include "wu_client.h"
#include "whb.pb-c.h"

struct win_platform {
    struct whb_platform base;
    struct whb_platform_config cfg;
    struct whb_win_bridge *bridge; /* NULL in console mode */
    int own_bridge;
    HANDLE changed; /* set by the IP Helper callback */
    HANDLE notify;
    struct whb_win_wlan *wlan; /* NULL without a WLAN service */
    struct whb_win_wu *wu;     /* the Windows Update client */
    char fqdn[254], machine_id[65];
    int64_t suspend_ms; /* wall time the last suspend was taken from the bridge */
    int resume_pending; /* a resume was explained; the core's RESUME record gets it */
    uint32_t resume_reason;
    char resume_detail[WHB_TEXT_LEN * 2];
};

static struct win_platform *wp(struct whb_platform *p)
{
    return (struct win_platform *)p;
}

static VOID NETIOAPI_API_ on_interface_change(PVOID ctx, PMIB_IPINTERFACE_ROW row,
                                              MIB_NOTIFICATION_TYPE type)
{
    (void)row;
    (void)type;
    SetEvent(((struct win_platform *)ctx)->changed);
}

static void win_close(struct whb_platform *p)
{
    struct win_platform *w = wp(p);
    if (!w)
        return;
    if (w->notify)
        CancelMibChangeNotify2(w->notify);
    whb_win_wlan_close(w->wlan);
    whb_win_wu_close(w->wu);
    if (w->changed)
        CloseHandle(w->changed);
    if (w->own_bridge)
        whb_win_bridge_free(w->bridge);
    free(w);
}

static int win_open(const struct whb_platform_config *cfg, struct whb_platform **out)
{
    struct win_platform *w = calloc(1, sizeof(*w));
    if (!w)
        return WHB_ENOMEM;
    w->base.ops = &whb_platform_windows;
    w->cfg = *cfg;
    w->bridge = cfg->service;
    if (!w->bridge) {
        /* Console mode: nobody posts power events, but stop still arrives (Ctrl+C). */
        w->bridge = whb_win_bridge_new();
        w->own_bridge = 1;
    }
    if (cfg->fqdn)
        snprintf(w->fqdn, sizeof(w->fqdn), "%s", cfg->fqdn);
    if (cfg->machine_id)
        snprintf(w->machine_id, sizeof(w->machine_id), "%s", cfg->machine_id);
    w->changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!w->bridge || !w->changed) {
        win_close(&w->base);
        return WHB_ENOMEM;
    }
    if (NotifyIpInterfaceChange(AF_UNSPEC, on_interface_change, w, FALSE, &w->notify) != NO_ERROR) {
        w->notify = NULL;
        whb_log_warnx("IP Helper change notifications unavailable: adapters are polled");
    }
    if (whb_win_wlan_open(w->bridge, w->changed, &w->wlan))
        whb_log_info("no WLAN service: wireless is not watched");
    if (whb_win_wu_open(cfg->update_events_file, &w->wu)) {
        win_close(&w->base);
        return WHB_ENOMEM;
    }
    whb_log_info("power: Modern Standby %s, Fast Startup %s, hibernation file %s",
                 w->bridge->standby.aoac ? "yes" : "no", w->bridge->hiberboot ? "on" : "off",
                 w->bridge->hiberfile ? "present" : "absent");
    *out = &w->base;
    return 0;
}

static unsigned win_caps(struct whb_platform *p)
{
    return (wp(p)->notify ? WHB_CAP_LINK_EVENTS : 0) | (wp(p)->wlan ? WHB_CAP_WIRELESS : 0) |
           WHB_CAP_POWER | WHB_CAP_SERVICE_STATE;
}

static void narrow(const wchar_t *w, char *out, size_t len)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)len, NULL, NULL) && len)
        out[0] = '\0';
}

static void reg_string(HKEY root, const wchar_t *key, const wchar_t *value, char *out, size_t len)
{
    wchar_t buf[256];
    DWORD size = sizeof(buf);
    out[0] = '\0';
    if (RegGetValueW(root, key, value, RRF_RT_REG_SZ, NULL, buf, &size) == ERROR_SUCCESS)
        narrow(buf, out, len);
}

static int win_identity(struct whb_platform *p, struct whb_identity *id)
{
    struct win_platform *w = wp(p);
    wchar_t name[256];
    DWORD n = 256;
    memset(id, 0, sizeof(*id));
    if (w->machine_id[0])
        snprintf(id->machine_id, sizeof(id->machine_id), "%s", w->machine_id);
    else
        reg_string(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                   id->machine_id, sizeof(id->machine_id));
    if (w->fqdn[0])
        snprintf(id->fqdn, sizeof(id->fqdn), "%s", w->fqdn);
    else if (GetComputerNameExW(ComputerNameDnsFullyQualified, name, &n))
        narrow(name, id->fqdn, sizeof(id->fqdn));
    const char *dot = strchr(id->fqdn, '.');
    snprintf(id->domain, sizeof(id->domain), "%s", dot ? dot + 1 : "");
    char product[96], build[32];
    reg_string(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
               L"ProductName", product, sizeof(product));
    reg_string(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
               L"CurrentBuild", build, sizeof(build));
    snprintf(id->os, sizeof(id->os), "%s (build %s)", product[0] ? product : "Windows", build);
    /* A boot is named by when it started: wall time now minus time since boot, to the minute,
     * so the same boot gets the same id across agent restarts. */
    ULONGLONG since_boot = GetTickCount64() * 10000ULL; /* sleep included, as 100 ns */
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    ULONGLONG now = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    snprintf(id->boot_id, sizeof(id->boot_id), "boot-%llu",
             (unsigned long long)((now - since_boot) / 600000000ULL));
    return id->machine_id[0] && id->fqdn[0] ? 0 : WHB_ENOTFOUND;
}

static enum whb_oper oper_of(IF_OPER_STATUS s)
{
    switch (s) {
    case IfOperStatusUp:
        return WHB_OPER_UP;
    case IfOperStatusDown:
        return WHB_OPER_DOWN;
    case IfOperStatusLowerLayerDown:
        return WHB_OPER_LOWER_LAYER_DOWN;
    case IfOperStatusDormant:
        return WHB_OPER_DORMANT;
    case IfOperStatusNotPresent:
        return WHB_OPER_NOT_PRESENT;
    case IfOperStatusTesting:
        return WHB_OPER_TESTING;
    default:
        return WHB_OPER_UNKNOWN;
    }
}

static void format_mac(const UCHAR *a, ULONG n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (ULONG i = 0; i < n && used + 3 < len; i++)
        used += (size_t)snprintf(out + used, len - used, i ? ":%02x" : "%02x", a[i]);
}

static void sockaddr_text(const SOCKADDR *sa, char *out, size_t len)
{
    DWORD n = (DWORD)len;
    wchar_t buf[64];
    DWORD wn = 64;
    out[0] = '\0';
    int salen = sa->sa_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
    if (WSAAddressToStringW((LPSOCKADDR)sa, (DWORD)salen, NULL, buf, &wn) == 0)
        narrow(buf, out, n);
}

/* Addresses and default gateways, matched to the IfTable rows by LUID. */
static void add_addresses(struct whb_state *s, const NET_LUID *luids)
{
    ULONG size = 16 * 1024;
    IP_ADAPTER_ADDRESSES *list = NULL;
    for (int tries = 0; tries < 3; tries++) {
        free(list);
        list = malloc(size);
        if (!list)
            return;
        ULONG rc = GetAdaptersAddresses(AF_UNSPEC,
                                        GAA_FLAG_INCLUDE_GATEWAYS | GAA_FLAG_SKIP_ANYCAST |
                                            GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                                        NULL, list, &size);
        if (rc == NO_ERROR)
            break;
        if (rc != ERROR_BUFFER_OVERFLOW) {
            free(list);
            return;
        }
    }
    for (IP_ADAPTER_ADDRESSES *a = list; a; a = a->Next) {
        for (int i = 0; i < s->n_adapters; i++) {
            if (luids[i].Value != a->Luid.Value)
                continue;
            struct whb_adapter_state *ad = &s->adapters[i];
            for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress;
                 u && ad->n_addrs < WHB_MAX_ADDRS; u = u->Next) {
                char ip[WHB_ADDR_LEN];
                sockaddr_text(u->Address.lpSockaddr, ip, sizeof(ip));
                if (u->Address.lpSockaddr->sa_family == AF_INET6 &&
                    IN6_IS_ADDR_LINKLOCAL(&((SOCKADDR_IN6 *)u->Address.lpSockaddr)->sin6_addr))
                    continue;
                snprintf(ad->addrs[ad->n_addrs++], WHB_ADDR_LEN, "%.40s/%u", ip,
                         u->OnLinkPrefixLength);
            }
            if (a->FirstGatewayAddress)
                sockaddr_text(a->FirstGatewayAddress->Address.lpSockaddr, ad->gateway,
                              sizeof(ad->gateway));
        }
    }
    free(list);
}

static int win_snapshot(struct whb_platform *p, struct whb_state *out)
{
    struct win_platform *w = wp(p);
    MIB_IF_TABLE2 *table = NULL;
    NET_LUID luids[WHB_MAX_ADAPTERS];
    memset(out, 0, sizeof(*out));
    if (GetIfTable2(&table) != NO_ERROR)
        return WHB_EIO;
    for (ULONG i = 0; i < table->NumEntries && out->n_adapters < WHB_MAX_ADAPTERS; i++) {
        const MIB_IF_ROW2 *r = &table->Table[i];
        /* Physical adapters only: not the filter and miniport layers stacked on them. */
        if (!r->InterfaceAndOperStatusFlags.HardwareInterface &&
            r->Type != IF_TYPE_ETHERNET_CSMACD && r->Type != IF_TYPE_IEEE80211)
            continue;
        if (r->Type == IF_TYPE_SOFTWARE_LOOPBACK || r->InterfaceAndOperStatusFlags.FilterInterface)
            continue;
        struct whb_adapter_state *a = &out->adapters[out->n_adapters];
        luids[out->n_adapters++] = r->InterfaceLuid;
        narrow(r->Alias, a->name, sizeof(a->name));
        a->ifindex = (int)r->InterfaceIndex;
        a->type = r->Type == IF_TYPE_IEEE80211         ? WHB_ADAPTER_WIRELESS
                  : r->Type == IF_TYPE_ETHERNET_CSMACD ? WHB_ADAPTER_ETHERNET
                                                       : WHB_ADAPTER_OTHER;
        format_mac(r->PhysicalAddress, r->PhysicalAddressLength, a->mac, sizeof(a->mac));
        a->admin_up = r->AdminStatus == NET_IF_ADMIN_STATUS_UP;
        a->oper = oper_of(r->OperStatus);
        a->carrier = r->MediaConnectState == MediaConnectStateConnected;
        a->speed_mbps = a->carrier ? r->ReceiveLinkSpeed / 1000000 : 0;
        a->mtu = r->Mtu;
        a->counters.rx_errors = r->InErrors;
        a->counters.tx_errors = r->OutErrors;
        a->counters.rx_dropped = r->InDiscards;
        a->counters.tx_dropped = r->OutDiscards;
        a->device_problem = r->OperStatus == IfOperStatusNotPresent && a->admin_up;
        if (a->type == WHB_ADAPTER_WIRELESS)
            whb_win_wlan_query(w->wlan, &r->InterfaceGuid, &a->wifi);
    }
    FreeMibTable(table);
    add_addresses(out, luids);
    int running;
    if (whb_win_update_service_running(&running) == 0) {
        out->wsus.service_known = 1;
        out->wsus.service_running = running;
    }
    whb_win_wu_get(w->wu, &out->wu);
    SYSTEM_POWER_STATUS ps;
    if (GetSystemPowerStatus(&ps))
        out->power = ps.ACLineStatus == 1   ? WHB_POWER_AC
                     : ps.ACLineStatus == 0 ? WHB_POWER_BATTERY
                                            : WHB_POWER_UNKNOWN;
    return 0;
}

static int win_wait(struct whb_platform *p, int timeout_ms, struct whb_os_event *evs, int max,
                    int *n)
{
    struct win_platform *w = wp(p);
    HANDLE hs[16] = {w->changed, w->bridge->ready};
    int nh = 2 + whb_win_wu_handles(w->wu, hs + 2, 14);
    /* The update client's periodic look bounds the wait. */
    DWORD wait = timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms, due = whb_win_wu_due_ms(w->wu);
    *n = 0;
    DWORD rc = WaitForMultipleObjects((DWORD)nh, hs, FALSE, due < wait ? due : wait);
    int changed = rc == WAIT_OBJECT_0;
    /* A new policy, identity, service start type or client event: a new snapshot. */
    changed |= whb_win_wu_poll(w->wu);
    if (changed && *n < max)
        evs[(*n)++] = (struct whb_os_event){.kind = WHB_OS_CHANGED};
    int first = *n;
    *n += whb_win_bridge_take(w->bridge, evs + *n, max - *n);
    for (int i = first; i < *n; i++) {
        /* A shutdown too: a Fast Startup one resumes, and its events are judged by then. */
        if (evs[i].kind == WHB_OS_SUSPEND || evs[i].kind == WHB_OS_HIBERNATE ||
            evs[i].kind == WHB_OS_SHUTDOWN)
            w->suspend_ms = whb_clock_wall_ms();
        if (evs[i].kind != WHB_OS_RESUME)
            continue;
        /* Other resumes ask the System log; leaving Modern Standby explains itself, unless
         * the standby ended in hibernation (Windows does that after hours on battery). */
        char detail[WHB_TEXT_LEN * 2];
        uint32_t logged = whb_win_resume_from_log(w->suspend_ms, detail, sizeof(detail));
        if (!evs[i].event.reason_code || logged == WHB_RESUME_HIBERNATION ||
            logged == WHB_RESUME_HYBRID_BOOT) {
            evs[i].event.reason_code = logged;
            snprintf(evs[i].event.detail, sizeof(evs[i].event.detail), "%s", detail);
        }
        w->resume_pending = 1;
        w->resume_reason = evs[i].event.reason_code;
        snprintf(w->resume_detail, sizeof(w->resume_detail), "%s", evs[i].event.detail);
    }
    return 0;
}

/* The core records some events from what it sees itself (a resume found by the clocks, an
 * unclean stop from its run marker, a lost carrier): Windows adds what it knows. */
static void win_annotate(struct whb_platform *p, struct whb_agent_event *ev)
{
    struct win_platform *w = wp(p);
    switch (ev->kind) {
    case WHB__V1__EVENT_KIND__EVENT_KIND_RESUME:
        /* The clocks may show the sleep before the service control manager says resume. */
        if (!w->resume_pending && !ev->reason_code)
            w->resume_reason =
                whb_win_resume_from_log(w->suspend_ms, w->resume_detail, sizeof(w->resume_detail));
        if (!ev->reason_code && w->resume_reason) {
            char core[WHB_TEXT_LEN * 2];
            snprintf(core, sizeof(core), "%s", ev->detail);
            ev->reason_code = w->resume_reason;
            snprintf(ev->detail, sizeof(ev->detail), "%s; %s", w->resume_detail, core);
        }
        w->resume_pending = 0;
        break;
    case WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP:
        whb_win_unclean_from_log(ev);
        break;
    default:
        EnterCriticalSection(&w->bridge->lock);
        whb_win_standby_mark(&w->bridge->standby, ev->at_ms ? ev->at_ms : whb_clock_wall_ms(), ev);
        LeaveCriticalSection(&w->bridge->lock);
        break;
    }
}

static void win_power_done(struct whb_platform *p, struct whb_os_event *ev)
{
    (void)p;
    if (ev->reply) {
        SetEvent((HANDLE)ev->reply);
        CloseHandle((HANDLE)ev->reply);
    }
    ev->reply = NULL;
}

static int64_t win_wall_ms(struct whb_platform *p)
{
    (void)p;
    return whb_clock_wall_ms();
}

static void win_uptime_ms(struct whb_platform *p, uint64_t *awake, uint64_t *with_sleep)
{
    (void)p;
    ULONGLONG unbiased = 0;
    /* Unbiased interrupt time stops while asleep; the tick count (interrupt time) does not. */
    QueryUnbiasedInterruptTime(&unbiased);
    *awake = unbiased / 10000;
    *with_sleep = GetTickCount64();
}

static int win_machine_cert(struct whb_platform *p, const char *fqdn, char *out, size_t len)
{
    (void)p;
    return whb_win_machine_cert(fqdn, out, len);
}

const struct whb_platform_ops whb_platform_windows = {
    .name = "windows",
    .open = win_open,
    .close = win_close,
    .caps = win_caps,
    .identity = win_identity,
    .snapshot = win_snapshot,
    .wait = win_wait,
    .power_done = win_power_done,
    .wall_ms = win_wall_ms,
    .uptime_ms = win_uptime_ms,
    .annotate = win_annotate,
    .machine_cert = win_machine_cert,
};
