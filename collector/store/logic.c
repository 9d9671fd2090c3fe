/* Implementation of store_logic.h: the decisions of put_report that do not depend on the
 * engine (moved from store_sqlite.c so that every backend makes them the same way). */
#include "store/logic.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/attach.h"
#include "store/census.h"
#include "store/attach_wu.h"
#include "error.h"

static int deny(struct whb_store_result *out, const char *fmt, const char *a, const char *b)
{
    out->status = WHB_EDENIED;
    snprintf(out->why, sizeof(out->why), fmt, a, b);
    return WHB_EDENIED;
}

/* Records the refusal against the machine whose key or name it was (rc of the store, or the
 * denial itself). */
static int refused(const struct whb_store_put_ops *ops, void *ctx,
                   const struct whb_store_report *in, const char *owner, const char *cause,
                   struct whb_store_result *out)
{
    const Whb__V1__Machine *m = in->report->machine;
    char claimant[200];
    snprintf(claimant, sizeof(claimant), "%.64s (%.120s)", m->machine_id, m->fqdn);
    int rc = ops->refuse ? ops->refuse(ctx, owner, cause, claimant, in->source_ip, in->now_ms) : 0;
    return rc ? rc : out->status;
}

/* Whether the machine has the address ip now: in one of its adapters, or as the report's
 * source. */
static int has_address(const struct whb_store_report *in, const char *ip)
{
    char a[64];
    if (!ip[0])
        return 0;
    if (!strcmp(in->source_ip, ip))
        return 1;
    const whb_snapshot *snap = in->report->snapshot;
    for (size_t i = 0; snap && i < snap->n_adapters; i++)
        for (size_t k = 0; k < snap->adapters[i]->n_addresses; k++)
            if (!whb_store_canonical_ip(snap->adapters[i]->addresses[k], a, sizeof(a)) &&
                !strcmp(a, ip))
                return 1;
    return 0;
}

/* [enrollment] require: a new machine's name must be on WSUS's list (and, with _and_ip, the
 * machine must have the address WSUS has for it). */
static int enroll_allowed(const struct whb_store_put_ops *ops, void *ctx,
                          const struct whb_store_report *in, struct whb_store_result *out)
{
    const Whb__V1__Machine *m = in->report->machine;
    char ip[64] = "";
    int listed = 0, rc;
    if (in->enroll_rule == WHB_ENROLL_ANY || !ops->wsus_listed)
        return 0;
    if ((rc = ops->wsus_listed(ctx, m->fqdn, &listed, ip, sizeof(ip))))
        return rc;
    if (!listed)
        return deny(out,
                    "denied: %s is not on WSUS's imported list ([enrollment] require), machine "
                    "%s",
                    m->fqdn, m->machine_id);
    if (in->enroll_rule == WHB_ENROLL_WSUS_NAME_IP && !has_address(in, ip))
        return deny(out,
                    "denied: WSUS lists %s at another address (%s) than this machine has "
                    "([enrollment] require = wsus_name_and_ip)",
                    m->fqdn, ip[0] ? ip : "none");
    return 0;
}

int whb_store_check_identity(const struct whb_store_put_ops *ops, void *ctx,
                             const struct whb_store_report *in, const struct whb_store_row *row,
                             whb_store_clash_fn clash, struct whb_store_result *out)
{
    const Whb__V1__Machine *m = in->report->machine;
    char owner[WHB_WIRE_MAX_ID + 1];
    int keyed = in->mode == WHB_IDENTITY_KEY, rebind = 0, rc;

    if (row->found && keyed && row->released_ms && !row->has_key) {
        /* Released by an admin: the machine enrolls again with the token, under a new key. */
        if (!in->enrolling) {
            out->denial = WHB_DENY_NOT_ENROLLED;
            return deny(out,
                        "machine %s (%s) was released by an admin and presented no valid "
                        "enrollment token",
                        m->machine_id, m->fqdn);
        }
        rebind = 1;
    } else if (row->found && keyed &&
               (!row->has_key || !whb_identity_hash_equal(row->key_hash, in->key_hash))) {
        out->denial = WHB_DENY_KEY_MISMATCH;
        deny(out, "machine %s (%s) presented a key other than the one bound to it", m->machine_id,
             m->fqdn);
        return refused(ops, ctx, in, m->machine_id, WHB_REFUSAL_KEY, out);
    }
    out->denial = !row->found && keyed && !in->enrolling ? WHB_DENY_NOT_ENROLLED : WHB_DENY_OTHER;
    if (out->denial == WHB_DENY_NOT_ENROLLED)
        return deny(out,
                    "machine %s (%s) is not enrolled and presented no valid enrollment "
                    "token",
                    m->machine_id, m->fqdn);
    if (!row->found && keyed && (rc = enroll_allowed(ops, ctx, in, out)))
        return rc;
    if (row->found && strcasecmp(row->fqdn, m->fqdn) == 0)
        return rebind ? ops->rebind(ctx, in) : 0;
    /* A new machine, or a known one under a new name: the name must not belong to another. */
    if (row->found && in->mode == WHB_IDENTITY_MTLS)
        return deny(out, "machine %s is bound to another name than %s", m->machine_id, m->fqdn);
    if (row->found && keyed && ops->wsus_listed) {
        /* Issue 22: an enrolled machine took any free name, e.g. a computer on WSUS's list whose
         * agent was not installed yet, which then got 409 forever. A name WSUS lists is taken
         * only by the machine that has the address WSUS has for it. */
        char ip[64] = "";
        int listed = 0;
        if ((rc = ops->wsus_listed(ctx, m->fqdn, &listed, ip, sizeof(ip))))
            return rc;
        if (listed && !has_address(in, ip)) {
            out->conflict = 1;
            deny(out,
                 "machine %s may not rename itself to %s: WSUS lists that name for another "
                 "computer (at another address)",
                 m->machine_id, m->fqdn);
            return refused(ops, ctx, in, m->machine_id, WHB_REFUSAL_RENAME, out);
        }
    }
    char owner_fqdn[WHB_WIRE_MAX_FQDN + 1];
    int released = 0;
    if (clash(ctx, m, owner, sizeof(owner), owner_fqdn, sizeof(owner_fqdn), &released))
        return WHB_ESTORE;
    if (owner[0] && released && keyed && in->enrolling && ops->drop_machine) {
        /* The reimaged machine under a new id takes the released one's name (and leaves its
         * history behind, with it). */
        if ((rc = ops->drop_machine(ctx, owner)))
            return rc;
        owner[0] = '\0';
    }
    if (!owner[0])
        return rebind ? ops->rebind(ctx, in) : 0;
    out->conflict = 1;
    out->status = WHB_EDENIED;
    snprintf(out->why, sizeof(out->why),
             "machine %.64s (%.60s) would shadow machine %.64s (%.60s) in name lookups",
             m->machine_id, m->fqdn, owner, owner_fqdn);
    return refused(ops, ctx, in, owner, WHB_REFUSAL_NAME, out);
}

int64_t whb_store_map_time(int64_t agent_ms, int64_t off, int64_t now)
{
    int64_t t;
    if (__builtin_add_overflow(agent_ms, off, &t))
        t = off > 0 ? INT64_MAX : 0;
    return t < 0 ? 0 : t > now ? now : t;
}

/* A seq far above the last one stored would make every later report of the boot a duplicate.
 * The agent skips at most one block of 1000 per restart and spends a few numbers per
 * interval while it cannot deliver, so the bound grows with the silence and no real agent
 * reaches it; a new boot counts from 0 since the machine's last report. */
#define SEQ_JUMP_BASE    1000000u
#define SEQ_JUMP_PER_SEC 10u

int whb_store_seq_jump_too_far(const struct whb_store_row *row, int same_boot, uint64_t seq,
                               int64_t now_ms, struct whb_store_result *out)
{
    uint64_t last = same_boot ? row->last_seq : 0;
    int64_t silent_s = now_ms > row->last_seen ? (now_ms - row->last_seen) / 1000 : 0;
    uint64_t room = SEQ_JUMP_BASE + (uint64_t)silent_s * SEQ_JUMP_PER_SEC;
    uint64_t bound = last > UINT64_MAX - room ? UINT64_MAX : last + room;
    if (seq <= bound)
        return 0;
    snprintf(out->why, sizeof(out->why),
             "seq %llu is more than %llu above the last stored seq %llu of this boot",
             (unsigned long long)seq, (unsigned long long)room, (unsigned long long)last);
    return 1;
}

/* Agents stamp events with their own clocks, which may be off by hours: each report says when
 * it was sent, so (receipt - send) maps the agent's clock onto the collector's. A report that
 * waited on a dead link or a slow connection arrives late, so, as NTP does, the sample with
 * the least delay is the best: keep the smallest one seen this hour, unless the clock itself
 * moved (a change larger than any delivery can take). */
#define OFFSET_KEEP_MS 3600000
#define OFFSET_JUMP_MS 30000

static struct whb_clock_map offset_map(const struct whb_store_report *in,
                                       const struct whb_store_row *row)
{
    struct whb_clock_map c = {.offset = 0, .since = in->now_ms};
    if (in->report->sent_at_ms <= 0)
        return c;
    c.offset = in->now_ms - in->report->sent_at_ms;
    if (!row->found || !row->has_offset)
        return c;
    int64_t d = c.offset - row->clock_offset;
    int fresh = in->now_ms - row->clock_offset_at < OFFSET_KEEP_MS;
    if (fresh && d >= 0 && d <= OFFSET_JUMP_MS)
        c = (struct whb_clock_map){.offset = row->clock_offset, .since = row->clock_offset_at};
    return c;
}

struct whb_clock_map whb_store_clock_map(const struct whb_store_report *in,
                                         const struct whb_store_row *row)
{
    const whb_report *r = in->report;
    struct whb_clock_map c = offset_map(in, row);
    c.sent =
        r->sent_at_ms > 0 ? whb_store_map_time(r->sent_at_ms, c.offset, in->now_ms) : in->now_ms;
    c.mono = r->mono_ms;
    c.boot = r->boot_id ? r->boot_id : "";
    c.has_before = row->found && row->has_offset;
    c.before = row->clock_offset;
    c.before_boot = row->boot_id;
    return c;
}

/* Up this much longer than the silence lasted, the OS did not restart in it (a report's
 * delivery and the collector's receipt are not that far apart). */
#define BOOT_CLOCK_SLACK_MS 60000

int whb_store_rebooted(const struct whb_store_report *in, const struct whb_store_row *row)
{
    const whb_report *r = in->report;
    if (strcmp(row->boot_id, r->boot_id ? r->boot_id : "") == 0)
        return 0;
    /* Only the Windows agent names its boot by its wall clock (less the tick count): another
     * name on another OS (Linux: the kernel's boot_id) is another boot, whatever the clock
     * says (the e2e's power loss starts its agent on a new boot_id, the host's clock going on). */
    if (!r->machine || !r->machine->os || !strstr(r->machine->os, "Windows"))
        return 1;
    int64_t silent = in->now_ms - row->last_seen;
    return !(r->mono_ms && silent >= 0 && r->mono_ms <= (uint64_t)INT64_MAX &&
             (int64_t)r->mono_ms > silent + BOOT_CLOCK_SLACK_MS);
}

int64_t whb_store_event_at(const struct whb_clock_map *cm, const whb_event *e, int64_t now)
{
    const char *boot = e->boot_id && e->boot_id[0] ? e->boot_id : cm->boot;
    int same = strcmp(boot, cm->boot) == 0;
    if (same && cm->mono && e->mono_ms && e->mono_ms <= cm->mono) {
        uint64_t ago = cm->mono - e->mono_ms;
        return ago >= (uint64_t)cm->sent ? 0 : cm->sent - (int64_t)ago;
    }
    /* Spooled in an earlier boot: on the clock the collector knew that boot by. */
    if (!same && cm->has_before && strcmp(boot, cm->before_boot) == 0)
        return whb_store_map_time(e->at_ms, cm->before, now);
    return whb_store_map_time(e->at_ms, cm->offset, now);
}

int64_t whb_store_event_since(const struct whb_clock_map *cm, const whb_event *e, int64_t at,
                              int64_t now)
{
    if (!e->since_ms)
        return 0;
    switch (e->kind) {
    case WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP:
    case WHB__V1__EVENT_KIND__EVENT_KIND_RESUME:
        /* Last alive in the previous run, or the suspend: stamped before the silence, with
         * the clock the collector then knew (a step since, or a boot on a dead RTC battery,
         * moved the clock the report was sent with). */
        return whb_store_map_time(e->since_ms, cm->has_before ? cm->before : cm->offset, now);
    case WHB__V1__EVENT_KIND__EVENT_KIND_SLEEP_DETECTED: {
        /* The agent's clock at the event less the time the boot clocks say it slept. */
        int64_t slept;
        if (__builtin_sub_overflow(e->at_ms, e->since_ms, &slept) || slept < 0 || slept > at)
            return whb_store_map_time(e->since_ms, cm->offset, now);
        return at - slept;
    }
    default:
        return whb_store_map_time(e->since_ms, cm->offset, now);
    }
}

static int event_loses_network(const whb_event *e)
{
    switch (e->kind) {
    case WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST:
        return e->reason_code == 0; /* 1: by power policy in Modern Standby */
    case WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN:
    case WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED:
        return 1;
    case WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED:
        return e->detail && (strstr(e->detail, "no address") || strstr(e->detail, "gw none"));
    default:
        return 0;
    }
}

static int event_regains_network(const whb_event *e)
{
    switch (e->kind) {
    case WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED:
    case WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_UP:
    case WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED:
        return 1;
    case WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED:
        return !event_loses_network(e);
    default:
        return 0;
    }
}

struct whb_net_story whb_store_net_story(const struct whb_store_report *in,
                                         const struct whb_store_row *row,
                                         const struct whb_clock_map *cm)
{
    /* A machine's first report ends no silence: it has been online as far as anyone knows. */
    int back = row->found && in->now_ms > row->due_at;
    struct whb_net_story n = {row->net_lost_at, row->net_back_at,
                              back ? in->now_ms : row->online_since};
    for (size_t i = 0; i < in->report->n_events; i++) {
        const whb_event *e = in->report->events[i];
        int64_t at = whb_store_event_at(cm, e, in->now_ms);
        if (event_loses_network(e) && at > n.lost_at)
            n.lost_at = at;
        else if (event_regains_network(e) && at > n.back_at)
            n.back_at = at;
    }
    return n;
}

/* A WSUS probe that got no answer at all while the machine itself was cut off (its own
 * network lost before the probe and back only after it, or any time before it was reporting
 * again: a path beyond its switch) is not classified: it would blame WSUS for the machine's
 * own outage. An HTTP answer proves the way to WSUS worked. */
void whb_store_report_view(const struct whb_store_report *in, const struct whb_net_story *net,
                           int64_t off, struct whb_machine_view *view)
{
    memset(view, 0, sizeof(*view));
    whb_attach_from_snapshot(in->report->snapshot, view);
    whb_attach_update_client(in->report->snapshot ? in->report->snapshot->update_client : NULL,
                             view->wsus_url, off, &view->wu);
    if (in->report->collector_url)
        snprintf(view->collector_url, sizeof(view->collector_url), "%s", in->report->collector_url);
    view->collector_rank = in->report->collector_rank;
    if (view->wsus_at_ms) {
        int64_t p = view->wsus_at_ms = whb_store_map_time(view->wsus_at_ms, off, in->now_ms);
        int own = net->lost_at && net->lost_at <= p &&
                  !(net->back_at > net->lost_at && net->back_at <= p);
        if (view->wsus_curl && (own || p < net->online_since))
            view->wsus_class[0] = '\0';
    }
}

int64_t whb_store_wu_route_since(const struct whb_store_row *row,
                                 const struct whb_machine_view *view, int64_t now_ms)
{
    /* The first route the collector learns is not a change: since when, nobody knows (0). */
    if (!row->found || !row->wu_hash)
        return 0;
    return row->wu_route == (int)view->wu.route ? row->wu_route_since : now_ms;
}

/* A resend says the machine was alive when it sent it, which may be long before it arrived
 * (it waited in a queue or on a dead link): it never moves "last seen" past that. */
int64_t whb_store_resend_alive(const struct whb_store_report *in, const struct whb_store_row *row,
                               const struct whb_clock_map *cm)
{
    const whb_report *r = in->report;
    int64_t alive =
        r->sent_at_ms > 0 ? whb_store_map_time(r->sent_at_ms, cm->offset, in->now_ms) : in->now_ms;
    if (alive > in->now_ms)
        alive = in->now_ms;
    if (alive < row->last_seen)
        alive = row->last_seen;
    return alive;
}

/* The machine's event budget now (a token bucket: events_burst, refilled at events_per_hour):
 * -1 when there is no bound. */
static int64_t events_left(const struct whb_store_report *in, const struct whb_store_row *row)
{
    int64_t burst = in->events_burst;
    if (!in->events_per_hour || !burst)
        return -1;
    if (!row->found || row->quota_events < 0)
        return burst;
    int64_t since = in->now_ms > row->quota_at ? in->now_ms - row->quota_at : 0;
    int64_t refill =
        since / 3600000 * in->events_per_hour + since % 3600000 * in->events_per_hour / 3600000;
    return row->quota_events + refill > burst ? burst : row->quota_events + refill;
}

/* Back before it was due, but on another switch or in another subnet, its network lost since
 * its last report: a wired machine unplugged there and plugged in here between two heartbeats.
 * Its short silence is kept as a gap, with where it went quiet: without it a neighbour whose
 * silence began at the same moment looks alone (the accuracy benchmark's moved class: a switch
 * lost its power, its other machine was back on the floor switch within three heartbeats, and
 * the one left behind read "cable unplugged"). */
static int moved_between_beats(const struct whb_store_row *row, const struct whb_machine_view *v,
                               const struct whb_net_story *net)
{
    if (!row->found || !row->sw[0] || net->lost_at <= row->last_seen)
        return 0;
    return (v->sw_chassis[0] && strcmp(v->sw_chassis, row->sw) != 0) ||
           (v->subnet[0] && row->subnet[0] && strcmp(v->subnet, row->subnet) != 0);
}

int whb_store_put(const struct whb_store_put_ops *ops, void *ctx, const struct whb_store_report *in,
                  struct whb_store_result *out)
{
    const whb_report *r = in->report;
    struct whb_store_row row;
    struct whb_machine_view view;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = ops->bind(ctx, in, &row, out)))
        return out->status = rc;
    /* Agents deliver in order, so a (boot, seq) at or below the last one stored is a resend:
     * it only says the machine was alive. */
    int same_boot = row.found && strcmp(row.boot_id, r->boot_id) == 0;
    if (row.found && whb_store_seq_jump_too_far(&row, same_boot, r->seq, in->now_ms, out))
        return out->status = WHB_EPROTO;
    int back = !row.found || in->now_ms > row.due_at;
    out->duplicate = same_boot && r->seq <= row.last_seq;
    out->acked_seq = out->duplicate ? row.last_seq : r->seq;

    /* Issue 22: one key stored 135,000 events in 2.8 s. New events come out of the machine's
     * budget, or nothing of the report is stored (the agent keeps them and sends them later). */
    struct whb_store_quota q = {row.found ? row.quota_events : -1, row.found ? row.quota_at : 0,
                                row.found ? row.events_stored : 0};
    int64_t left = events_left(in, &row);
    if (!out->duplicate && r->n_events && left >= 0) {
        if ((int64_t)r->n_events > left) {
            int64_t need = (int64_t)r->n_events - left;
            out->quota = 1;
            out->retry_after_s = (unsigned)(need * 3600 / in->events_per_hour + 1);
            snprintf(out->why, sizeof(out->why),
                     "machine %.64s is over its event quota ([store] events_per_hour %u, burst "
                     "%u): %zu events, %lld left",
                     r->machine->machine_id, in->events_per_hour, in->events_burst, r->n_events,
                     (long long)left);
            return out->status = WHB_EDENIED;
        }
        q.events = left - (int64_t)r->n_events;
        q.at = in->now_ms;
    }

    struct whb_clock_map cm = whb_store_clock_map(in, &row);
    /* A resend, or an older report overtaken in the path by a later one, sent before the
     * machine was due ends no silence (as a gap it would take the real one's start, and the
     * real one would be lost: gaps are keyed by their start). One sent after it did: an agent
     * whose numbers started again (its run file lost) is back all the same. */
    int64_t alive = out->duplicate ? whb_store_resend_alive(in, &row, &cm) : in->now_ms;
    if (back && row.found && out->duplicate && alive <= row.due_at)
        back = 0;
    struct whb_net_story net = whb_store_net_story(in, &row, &cm);
    whb_store_report_view(in, &net, cm.offset, &view);
    int64_t grace_ms = (int64_t)in->grace * r->interval_s * 1000;
    int64_t inserted = 0;
    if ((rc = ops->insert_events(ctx, in, &cm, &inserted)))
        return out->status = rc;
    q.stored += inserted;
    /* Past events_kept, the oldest tenth goes: one delete now and then, not one per report. */
    if (in->events_kept && q.stored > (int64_t)in->events_kept && ops->prune) {
        int64_t gone =
            ops->prune(ctx, r->machine->machine_id, q.stored - (int64_t)in->events_kept * 9 / 10);
        if (gone < 0)
            return out->status = (int)gone;
        q.stored -= gone;
    }
    if (row.found && (back || (!out->duplicate && moved_between_beats(&row, &view, &net))) &&
        (rc = ops->note_gap(ctx, in, &row, &view)))
        return out->status = rc;
    if (out->duplicate) {
        rc = ops->touch(ctx, in, alive, alive + grace_ms, &net, &cm, &q);
    } else {
        rc = ops->write(ctx, in, &row, in->now_ms + grace_ms, &net, &cm, &view, &q);
    }
    return out->status = rc;
}

int whb_store_name_seen(const struct whb_machine_view *found, int n, const char *machine_id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(found[i].machine_id, machine_id))
            return 1;
    return 0;
}

static int collect(struct whb_store *base, whb_store_name_fn lookup, const char *host,
                   struct whb_machine_view *found, int max, int *n)
{
    char key[WHB_WIRE_MAX_FQDN + 2];
    int rc;
    *n = 0;
    snprintf(key, sizeof(key), "%s", host);
    size_t len = strlen(key);
    if (len > 1 && key[len - 1] == '.') /* an absolute name */
        key[len - 1] = '\0';
    if ((rc = lookup(base, WHB_NAME_FQDN, key, found, max, n)) ||
        (rc = lookup(base, WHB_NAME_ID, key, found, max, n)))
        return rc;
    if (!strchr(key, '.'))
        rc = lookup(base, WHB_NAME_SHORT, key, found, max, n);
    return rc;
}

int whb_store_get_machine(struct whb_store *base, const char *host, struct whb_machine_view *out)
{
    struct whb_machine_view found[2];
    int n, rc;
    if ((rc = collect(base, base->ops->lookup_name, host, found, 2, &n)))
        return rc;
    if (n == 0)
        return WHB_ENOTFOUND;
    /* Two machines answer to this name: the caller lists them (find_machines). */
    if (n > 1)
        return WHB_EINVAL;
    *out = found[0];
    return 0;
}

int whb_store_find_machines(struct whb_store *base, const char *host, struct whb_store_match *out,
                            int max, int *n)
{
    struct whb_machine_view *found = calloc((size_t)max, sizeof(*found));
    if (!found)
        return WHB_ENOMEM;
    int rc = collect(base, base->ops->lookup_name, host, found, max, n);
    for (int i = 0; !rc && i < *n; i++) {
        snprintf(out[i].machine_id, sizeof(out[i].machine_id), "%s", found[i].machine_id);
        snprintf(out[i].fqdn, sizeof(out[i].fqdn), "%s", found[i].fqdn);
    }
    free(found);
    return rc;
}

const char *whb_store_peer_start(enum whb_peer_kind kind, const struct whb_machine_view *m,
                                 struct whb_peer_group *out)
{
    const char *key = kind == WHB_PEERS_SWITCH         ? m->sw_chassis
                      : kind == WHB_PEERS_ACCESS_POINT ? m->bssid
                                                       : m->subnet;
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    if (!key[0])
        return NULL;
    if (kind == WHB_PEERS_SWITCH)
        snprintf(out->label, sizeof(out->label), "%.90s (%.90s)",
                 m->sw_name[0] ? m->sw_name : "switch", m->sw_chassis);
    else if (kind == WHB_PEERS_ACCESS_POINT)
        snprintf(out->label, sizeof(out->label), "%s (SSID %s)", m->bssid, m->ssid);
    else
        snprintf(out->label, sizeof(out->label), "%s", m->subnet);
    return key;
}

void whb_store_peer_returned(struct whb_peer_row *peers, unsigned n, const char *id, int64_t end_ms)
{
    for (unsigned i = 0; i < n; i++)
        if (strcmp(peers[i].id, id) == 0) {
            peers[i].returned = 1;
            if (end_ms > peers[i].returned_ms)
                peers[i].returned_ms = end_ms;
        }
}

int whb_store_gap_group(enum whb_peer_kind kind)
{
    return kind == WHB_PEERS_SWITCH ? 0 : kind == WHB_PEERS_ACCESS_POINT ? 1 : 2;
}

void whb_store_peer_tally(struct whb_store *base, whb_store_gap_fn gap, const char *self,
                          const char *key, const struct whb_peer_row *peers, unsigned n,
                          int64_t now, int64_t anchor, int64_t window, int with_gaps,
                          struct whb_peer_group *out)
{
    size_t used = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct whb_peer_row *p = &peers[i];
        /* Issue 22: four machines enrolled with the token from one host, "on" a real machine's
         * switch, went silent with it and made its cable a switch outage. A neighbour nobody
         * reviewed, certified or knew before reviews existed counts neither as silent with the
         * machine nor as healthy: it moves no answer but its own. */
        if (p->unproven && strcmp(p->id, self))
            continue;
        int silent_now = p->due < now;
        int near = silent_now && !p->gasped && llabs(p->last_seen - anchor) <= window;
        int healthy;
        int64_t back = 0; /* another one's return from the silence it shared with this one */
        if (!with_gaps) {
            out->total++;
            /* Back from a silence that began with this one's: it went quiet with it. */
            if (!silent_now && p->returned)
                near = 1, back = p->returned_ms;
            /* Reporting since this one went quiet; one not due yet that has not reported
             * since then is not known to be either. */
            healthy = !near && !silent_now && p->last_seen > anchor;
        } else {
            /* A past gap: the neighbours as they were at its start, not as they are now; one
             * first seen within its window was there when it began (as the fleet counts). */
            if (p->first_seen > anchor + window)
                continue;
            out->total++;
            /* A silence of its own that began here: one that began on another switch (a
             * machine moved onto this one since) is no part of this group's. */
            if (!near) {
                back = gap(base, 0, p->id, anchor - window, anchor + window, out->kind, key);
                near = back != 0;
                back = back > 0 ? back : 0; /* -1: back elsewhere */
            }
            /* Nor healthy with a silence over any of the window, ended or not: one that shut
             * down (its last gasp) as this one went quiet was not reporting through it. */
            healthy = !near && !(silent_now && p->last_seen <= anchor + window) &&
                      !gap(base, 1, p->id, anchor, anchor + window, out->kind, key);
        }
        out->healthy += healthy;
        if (!near)
            continue;
        out->together++;
        if (back && strcmp(p->id, self)) {
            out->back++;
            if (back > out->back_ms)
                out->back_ms = back;
        }
        if (out->n_ids < WHB_PEER_IDS_MAX)
            snprintf(out->together_ids[out->n_ids++], sizeof(out->together_ids[0]), "%s", p->id);
        if (p->port[0] && used + strlen(p->port) + 2 < sizeof(out->ports))
            used += (size_t)snprintf(out->ports + used, sizeof(out->ports) - used, "%s%s",
                                     used ? "," : "", p->port);
    }
}

int whb_store_fleet_group(struct whb_store *base, const struct whb_store_fleet_ops *ops,
                          int64_t now, int64_t anchor, int64_t window, int64_t ended,
                          struct whb_peer_group *out)
{
    struct whb_fleet_counts fc;
    int64_t gapped = 0, gap_subnets = 0, gaps_at = 0, newcomers = 0;
    memset(out, 0, sizeof(*out));
    out->kind = WHB_PEERS_FLEET;
    snprintf(out->label, sizeof(out->label), "the whole fleet");
    int past = anchor < now - window;
    int64_t until = past ? anchor + window : INT64_MAX;
    int64_t ended_before = INT64_MAX;
    /* The census only for a silence it has settled: a fresh one is the store's to count. */
    const struct whb_census *c = whb_census_get(base->census, now);
    int counted = c && whb_census_settled(c, anchor + window);
    /* Machines first seen after the window, while the silence lasted: the collector stored
     * their reports, so it was not out of everyone's reach (the accuracy benchmark's
     * late_enrolled class: 7 wired machines silent, a Wi-Fi one enrolled 5 s after the core
     * failed and reporting, answered "the whole fleet went silent"). The census counts those
     * it holds them all for; the store, only the ones first seen since (an index's short
     * range, not every machine first seen in a year-long silence). */
    int64_t newer_from = anchor + window;
    if (counted) {
        whb_census_counts(c, anchor, window, until, &fc);
        ended_before = whb_census_made(c);
        int64_t complete = whb_census_first_complete(c);
        if (complete > newer_from) {
            newcomers = (int64_t)whb_census_proven_between(c, newer_from,
                                                           ended < complete ? ended : complete);
            newer_from = complete;
        }
    }
    whb_census_put(base->census, c);
    if (!counted && ops->machines(base, now, anchor, window, until, &fc))
        return WHB_ESTORE;
    /* A past silence: who else had one starting then, and who was silent at the time. */
    if (past && ops->gaps(base, anchor, window, ended_before, &gapped, &gap_subnets, &gaps_at))
        return WHB_ESTORE;
    int64_t newer = 0;
    if (ended > newer_from && ops->newcomers(base, newer_from, ended, &newer))
        return WHB_ESTORE;
    newcomers += newer;
    out->total = (unsigned)(fc.known + newcomers);
    out->together = (unsigned)(fc.silent + gapped);
    out->groups = (unsigned)(fc.subnets > gap_subnets ? fc.subnets : gap_subnets);
    int64_t healthy = fc.known + newcomers - fc.silent_at - gaps_at;
    out->healthy = healthy > 0 ? (unsigned)healthy : 0;
    return 0;
}

int whb_store_wsus_part_check(const char *session, int found, unsigned parts, unsigned part,
                              char *why, size_t whylen)
{
    if (found && part == parts + 1)
        return 0;
    if (found)
        snprintf(why, whylen, "import session %.64s: expected part %u, got part %u", session,
                 parts + 1, part);
    else
        snprintf(why, whylen,
                 "import session %.64s is not open (expired after an hour, or finished): "
                 "send the list again from part 1",
                 session);
    return WHB_EINVAL;
}

int whb_store_wsus_dup(const struct whb_wsus_computer *row, int first_line, char *why,
                       size_t whylen)
{
    snprintf(why, whylen,
             "line %u, field FullDomainName: expected each computer once, got %.253s "
             "again (first on line %d)",
             row->line, row->fqdn, first_line);
    return WHB_EINVAL;
}

int whb_store_canonical_ip(const char *in, char *out, size_t len)
{
    char buf[64];
    unsigned char bin[16];
    size_t n = strcspn(in, "/%");
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, in, n);
    buf[n] = '\0';
    int af = strchr(buf, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(af, buf, bin) != 1 || !inet_ntop(af, bin, out, (socklen_t)len))
        return -1;
    return 0;
}

int whb_store_ip_worth_noting(const char *ip)
{
    /* Link-local and loopback addresses say nothing about which machine WSUS saw. */
    return strncmp(ip, "fe80:", 5) && strncmp(ip, "169.254.", 8) && strncmp(ip, "127.", 4) &&
           strcmp(ip, "::1");
}
