/* The Linux platform backend: identity from /etc and /proc, adapters from rtnetlink, wireless
 * events from nl80211, switch ports from LLDP, power from logind or the sleep hook, all
 * multiplexed with poll(). What is missing (no nl80211, no CAP_NET_RAW, no logind) is said
 * once in the log and the rest goes on. */
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "linux.h"
#include "log.h"

struct linux_platform {
    struct whb_platform base;
    struct whb_platform_config cfg;
    char fqdn[254], machine_id[65], sysfs[64];
    struct whb_netlink *nl;
    struct whb_nl80211 *wifi;
    struct whb_lldp_rx *lldp;
    struct whb_logind *logind;
    struct whb_control *control;
    int sigfd;
    unsigned caps;
    int changed; /* a notification read by capture, not yet told by wait */
};

static struct linux_platform *lp(struct whb_platform *p)
{
    return (struct linux_platform *)p;
}

static void linux_close(struct whb_platform *p)
{
    struct linux_platform *l = lp(p);
    if (!l)
        return;
    whb_netlink_close(l->nl);
    whb_nl80211_close(l->wifi);
    whb_lldp_rx_close(l->lldp);
    whb_logind_close(l->logind);
    whb_control_close(l->control);
    if (l->sigfd >= 0)
        close(l->sigfd);
    free(l);
}

static int linux_open(const struct whb_platform_config *cfg, struct whb_platform **out)
{
    struct linux_platform *l = calloc(1, sizeof(*l));
    if (!l)
        return WHB_ENOMEM;
    l->base.ops = &whb_platform_linux;
    l->cfg = *cfg;
    l->sigfd = -1;
    snprintf(l->sysfs, sizeof(l->sysfs), "/sys");
    if (cfg->fqdn)
        snprintf(l->fqdn, sizeof(l->fqdn), "%s", cfg->fqdn);
    if (cfg->machine_id)
        snprintf(l->machine_id, sizeof(l->machine_id), "%s", cfg->machine_id);
    int rc = whb_netlink_open(&l->nl);
    if (rc) {
        linux_close(&l->base);
        return rc;
    }
    l->caps = WHB_CAP_LINK_EVENTS;
    if (whb_nl80211_open(&l->wifi) == 0)
        l->caps |= WHB_CAP_WIRELESS;
    else
        whb_log_info("no nl80211 on this machine: wireless events are not watched");
    rc = whb_lldp_rx_open(&l->lldp);
    if (rc == 0)
        l->caps |= WHB_CAP_LLDP;
    else
        whb_log_warnx("LLDP: %s (needs CAP_NET_RAW); switch ports will not be reported",
                      whb_strerror(rc));
    if (whb_logind_open(&l->logind) == 0)
        l->caps |= WHB_CAP_POWER;
    else
        whb_log_info("no logind: sleep and shutdown are known through the sleep hook only");
    if (cfg->control_path && whb_control_open(cfg->control_path, &l->control))
        whb_log_warnx("control socket %s: cannot listen; the sleep hook cannot reach us",
                      cfg->control_path);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    *out = &l->base;
    return 0;
}

static unsigned linux_caps(struct whb_platform *p)
{
    return lp(p)->caps;
}

static void os_name(char *out, size_t len)
{
    char line[256];
    struct utsname u;
    FILE *f = fopen("/etc/os-release", "r");
    snprintf(out, len, "Linux");
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
            char *v = line + 12;
            v += *v == '"';
            v[strcspn(v, "\"\n")] = '\0';
            snprintf(out, len, "%s", v);
        }
    }
    if (f)
        fclose(f);
    if (uname(&u) == 0)
        snprintf(out + strlen(out), len - strlen(out), " (%s)", u.release);
}

static int linux_identity(struct whb_platform *p, struct whb_identity *id)
{
    struct linux_platform *l = lp(p);
    memset(id, 0, sizeof(*id));
    if (l->machine_id[0])
        snprintf(id->machine_id, sizeof(id->machine_id), "%s", l->machine_id);
    else
        whb_linux_read_line("/etc/machine-id", id->machine_id, sizeof(id->machine_id));
    whb_linux_read_line("/proc/sys/kernel/random/boot_id", id->boot_id, sizeof(id->boot_id));
    if (!id->machine_id[0] || !id->boot_id[0])
        return WHB_ENOTFOUND;
    if (l->fqdn[0]) {
        snprintf(id->fqdn, sizeof(id->fqdn), "%s", l->fqdn);
    } else {
        gethostname(id->fqdn, sizeof(id->fqdn) - 1);
        struct addrinfo hints = {.ai_flags = AI_CANONNAME}, *res = NULL;
        if (!strchr(id->fqdn, '.') && getaddrinfo(id->fqdn, NULL, &hints, &res) == 0) {
            if (res->ai_canonname && strchr(res->ai_canonname, '.'))
                snprintf(id->fqdn, sizeof(id->fqdn), "%s", res->ai_canonname);
            freeaddrinfo(res);
        }
    }
    const char *dot = strchr(id->fqdn, '.');
    snprintf(id->domain, sizeof(id->domain), "%s", dot ? dot + 1 : "");
    os_name(id->os, sizeof(id->os));
    return 0;
}

static enum whb_power_source power_source(void)
{
    char buf[32];
    whb_linux_read_line("/sys/class/power_supply/AC/online", buf, sizeof(buf));
    if (buf[0])
        return buf[0] == '1' ? WHB_POWER_AC : WHB_POWER_BATTERY;
    whb_linux_read_line("/sys/class/power_supply/BAT0/status", buf, sizeof(buf));
    if (buf[0])
        return strcmp(buf, "Discharging") == 0 ? WHB_POWER_BATTERY : WHB_POWER_AC;
    return WHB_POWER_UNKNOWN;
}

static int linux_snapshot(struct whb_platform *p, struct whb_state *out)
{
    struct linux_platform *l = lp(p);
    int rc = whb_netlink_snapshot(l->nl, l->sysfs, out);
    if (rc)
        return rc;
    out->power = power_source();
    /* Without nl80211 the association stays empty, as the adapter's type alone can tell. */
    for (int i = 0; i < out->n_adapters && l->wifi; i++)
        if (out->adapters[i].type == WHB_ADAPTER_WIRELESS)
            whb_nl80211_query(l->wifi, out->adapters[i].ifindex, &out->adapters[i].wifi);
    for (int i = 0; i < out->n_adapters && l->lldp; i++) {
        struct whb_adapter_state *a = &out->adapters[i];
        if (a->type != WHB_ADAPTER_ETHERNET)
            continue;
        whb_lldp_rx_watch(l->lldp, a->ifindex);
        /* Down, or down and up since the frame: that switch may be one we were moved off. */
        whb_lldp_rx_lookup(l->lldp, a, &a->lldp);
    }
    return 0;
}

static int add_fd(struct pollfd *pfd, int *n, int fd)
{
    if (fd < 0)
        return -1;
    pfd[*n] = (struct pollfd){fd, POLLIN, 0};
    return (*n)++;
}

static int linux_wait(struct whb_platform *p, int timeout_ms, struct whb_os_event *evs, int max,
                      int *n)
{
    struct linux_platform *l = lp(p);
    struct pollfd pfd[6];
    int np = 0;
    int i_nl = add_fd(pfd, &np, whb_netlink_fd(l->nl));
    int i_wifi = add_fd(pfd, &np, l->wifi ? whb_nl80211_fd(l->wifi) : -1);
    int i_lldp = add_fd(pfd, &np, l->lldp ? whb_lldp_rx_fd(l->lldp) : -1);
    int i_logind = add_fd(pfd, &np, l->logind ? whb_logind_fd(l->logind) : -1);
    int i_ctl = add_fd(pfd, &np, l->control ? whb_control_fd(l->control) : -1);
    int i_sig = add_fd(pfd, &np, l->sigfd);
    *n = 0;
    /* What capture read during a send, and link notifications not told yet (more than one
     * wait holds), are told at once. */
    int hold = whb_netlink_hold_ms(l->nl, whb_clock_wall_ms());
    int ready = (l->changed || whb_netlink_pending(l->nl)) && !hold;
    int wait = ready ? 0 : hold && (timeout_ms < 0 || hold < timeout_ms) ? hold : timeout_ms;
    if (poll(pfd, (nfds_t)np, wait) <= 0 && !ready && !hold)
        return 0;
    int changed = l->changed;
    l->changed = 0;
    if (i_nl >= 0 && pfd[i_nl].revents)
        changed |= whb_netlink_drain(l->nl, whb_clock_wall_ms());
    if (i_lldp >= 0 && pfd[i_lldp].revents)
        changed |= whb_lldp_rx_read(l->lldp);
    if (whb_netlink_hold_ms(l->nl, whb_clock_wall_ms())) {
        /* An adapter went down a moment ago: it and the snapshot wait until it is known
         * whether it is being deleted. */
        l->changed = changed;
        changed = 0;
    } else {
        /* Each link notification as it came, then the snapshot that catches up with the
         * rest. */
        *n += whb_netlink_links(l->nl, evs + *n, max - 1 - *n);
    }
    if (changed && *n < max)
        evs[(*n)++] = (struct whb_os_event){.kind = WHB_OS_CHANGED};
    if (i_wifi >= 0 && pfd[i_wifi].revents)
        *n += whb_nl80211_read(l->wifi, evs + *n, max - *n);
    if (i_logind >= 0 && pfd[i_logind].revents)
        *n += whb_logind_read(l->logind, evs + *n, max - *n);
    if (i_ctl >= 0 && pfd[i_ctl].revents && *n < max && whb_control_read(l->control, &evs[*n]))
        (*n)++;
    for (int i = 0; i < *n && l->lldp; i++)
        if (evs[i].kind == WHB_OS_RESUME)
            whb_lldp_rx_forget(l->lldp);
    if (i_sig >= 0 && pfd[i_sig].revents && *n < max) {
        struct signalfd_siginfo si;
        if (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
            evs[(*n)++] = (struct whb_os_event){.kind = WHB_OS_STOP};
    }
    return 0;
}

/* During a send: link notifications are read now, stamped now, told by the next wait. */
static void linux_capture(struct whb_platform *p)
{
    struct linux_platform *l = lp(p);
    l->changed |= whb_netlink_drain(l->nl, whb_clock_wall_ms());
}

static void linux_power_done(struct whb_platform *p, struct whb_os_event *ev)
{
    if (ev->reply)
        whb_control_reply(ev, "ok");
    else if (lp(p)->logind)
        whb_logind_release(lp(p)->logind);
}

static int linux_power_pending(struct whb_platform *p)
{
    struct linux_platform *l = lp(p);
    struct pollfd pfd[2];
    int np = 0;
    add_fd(pfd, &np, l->control ? whb_control_fd(l->control) : -1);
    add_fd(pfd, &np, l->logind ? whb_logind_fd(l->logind) : -1);
    return np && poll(pfd, (nfds_t)np, 0) > 0;
}

static int64_t linux_wall_ms(struct whb_platform *p)
{
    (void)p;
    return whb_clock_wall_ms();
}

static void linux_uptime_ms(struct whb_platform *p, uint64_t *awake, uint64_t *with_sleep)
{
    (void)p;
    struct timespec m, b;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_BOOTTIME, &b);
    *awake = (uint64_t)m.tv_sec * 1000 + (uint64_t)m.tv_nsec / 1000000;
    *with_sleep = (uint64_t)b.tv_sec * 1000 + (uint64_t)b.tv_nsec / 1000000;
}

const struct whb_platform_ops whb_platform_linux = {
    .name = "linux",
    .open = linux_open,
    .close = linux_close,
    .caps = linux_caps,
    .identity = linux_identity,
    .snapshot = linux_snapshot,
    .wait = linux_wait,
    .capture = linux_capture,
    .power_done = linux_power_done,
    .wall_ms = linux_wall_ms,
    .uptime_ms = linux_uptime_ms,
    .power_pending = linux_power_pending,
};
