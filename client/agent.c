/* Implementation of agent.h: the main loop. Every state change becomes an event that is on
 * disk before it is sent; a report carries the current snapshot and the oldest unacknowledged
 * events; the spool is emptied only by the collector's ack. */
#include "agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "clock.h"
#include "collectors.h"
#include "encode.h"
#include "error.h"
#include "event_log.h"
#include "fs.h"
#include "log.h"
#include "memory.h"
#include "persist.h"
#include "sender.h"
#include "spool.h"
#include "state.h"
#include "text.h"
#include "wsus.h"

#define EVENTS_PER_REPORT      256
#define LAST_GASP_MS           1500
#define SEND_TIMEOUT_MS        10000
#define SLEEP_GAP_MS           2000 /* a clock gap larger than this was a sleep */
#define FAILURE_EVENT_EVERY_MS 3600000

/* UNCLEAN_STOP.reason_code (proto/whb.proto). */
#define UNCLEAN_AGENT 1 /* the agent died within this boot; the machine stayed up */
#define UNCLEAN_BOOT  2 /* the previous boot ended without a clean stop */

/* A wait at least this long drops the connection and OpenSSL's tables: the collector closes
 * an idle connection after its [server] timeout (10 s by default), so the next report would
 * open a new one anyway, and the half-closed one held ~30 KiB meanwhile. */
#define REST_AFTER_MS 10000

struct whb_agent {
    struct whb_agent_config cfg;
    struct whb_platform *plat;
    struct whb_identity id;
    struct whb_state state;
    struct whb_spool *spool;
    struct whb_sender *sender;
    struct whb_persist *persist;
    struct whb_previous_run prev;
    struct whb_backoff backoff;
    struct whb_collectors coll;
    char key[65];
    unsigned interval_s;
    uint64_t next_heartbeat, next_wsus, retry_at; /* on the with-sleep clock */
    uint64_t sleep_gap;                           /* with_sleep - awake at the last look */
    int64_t suspend_at; /* wall time of the last announced sleep, 0 if none pending */
    char wsus_class[32];
    char failure_class[64];
    int64_t failure_event_at;
    int failing;
    int enrolled;       /* the collector has acknowledged this machine once */
    int reenrolled;     /* the token was presented again after a 403 not_enrolled */
    int online;         /* an adapter has carrier, an address and a default route */
    int plain_send;     /* the last send was interrupted: the next one is not */
    int watch_power;    /* this send is abandoned for a power notification */
    char cert_path[96]; /* mTLS: the machine certificate found in its store */
    int shutting_down;  /* a shutdown was announced: the service stop that follows is part of it */
    enum whb_os_event_kind announced; /* the power event last announced, 0 once resumed */
    int stop;
    int want_flush;
    int tell_interval; /* the collector asked for another interval: a report says it is taken */
    int renumbering;   /* numbering above the collector's seq (WHB_SENT_SEQ_BEHIND): once */
    int sent_to;       /* the collector the last report went to */
};

static uint64_t now_mono(struct whb_agent *a)
{
    uint64_t awake, with_sleep;
    a->plat->ops->uptime_ms(a->plat, &awake, &with_sleep);
    return with_sleep;
}

static int64_t now_wall(struct whb_agent *a)
{
    return a->plat->ops->wall_ms(a->plat);
}

/* The boot clock when an event stamped at wall time at_ms was seen: what the collector places
 * it by when the wall clock stepped since. An event is recorded after it was seen (after a send
 * that held the loop, a carrier flap waits in the queue; an update client's failure is read
 * from its log), so the boot clock now, less the wall time since: all four flaps of
 * test_agent_flaps were otherwise placed at the same instant. Before this boot: 0, none. */
static uint64_t event_mono(struct whb_agent *a, int64_t at_ms)
{
    uint64_t mono = now_mono(a);
    int64_t ago = now_wall(a) - at_ms;
    if (at_ms <= 0 || ago <= 0)
        return mono;
    return (uint64_t)ago < mono ? mono - (uint64_t)ago : 0;
}

/* Puts one event in the spool; power and link events are synced before anything else. What
 * only the OS knows is added first (Windows: the reason for a resume or an unclean stop).
 * Its text comes from switches, servers and the OS: it is cleaned here, the one way into the
 * spool, so that no record can fail validation and block what follows it. */
static void record(struct whb_agent *a, const struct whb_agent_event *in, int sync)
{
    whb_event w;
    struct whb_agent_event annotated = *in, clean;
    if (!a->spool) /* --once: a look writes nothing */
        return;
    if (a->plat->ops->annotate)
        a->plat->ops->annotate(a->plat, &annotated);
    clean = annotated;
    whb_text_clean(clean.adapter, sizeof(clean.adapter), annotated.adapter,
                   sizeof(annotated.adapter));
    whb_text_clean(clean.detail, sizeof(clean.detail), annotated.detail, sizeof(annotated.detail));
    uint64_t seq = whb_persist_next_seq(a->persist);
    whb_encode_event(&clean, a->id.boot_id, seq, event_mono(a, clean.at_ms), &w);
    int rc = whb_event_log_spool(a->cfg.event_log, a->spool, &w, sync);
    if (rc && w.kind != WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT)
        whb_log_warnx("spool: could not keep a %s event: %s", whb_wire_event_kind_name(w.kind),
                      whb_strerror(rc));
    whb_log_debug("event %s %s %s", whb_wire_event_kind_name(clean.kind), clean.adapter,
                  clean.detail);
}

static void record_coded(struct whb_agent *a, int kind, uint32_t reason_code, const char *detail,
                         int64_t since, int sync)
{
    struct whb_agent_event ev = {
        .kind = kind, .at_ms = now_wall(a), .since_ms = since, .reason_code = reason_code};
    snprintf(ev.detail, sizeof(ev.detail), "%s", detail ? detail : "");
    record(a, &ev, sync);
}

static void record_simple(struct whb_agent *a, int kind, const char *detail, int64_t since,
                          int sync)
{
    record_coded(a, kind, 0, detail, since, sync);
}

/* Remembers a failed delivery as an event when its cause changes, and hourly while it lasts.
 * Returns 1 when it was new (and logged). */
static int note_failure(struct whb_agent *a, const struct whb_send_result *r)
{
    int fresh = 0;
    char cls[64];
    snprintf(cls, sizeof(cls), "%d/%ld/%d", r->curl_code, r->http_status, (int)r->outcome);
    int64_t now = now_wall(a);
    if (strcmp(cls, a->failure_class) != 0 || now - a->failure_event_at >= FAILURE_EVENT_EVERY_MS) {
        struct whb_agent_event ev = {.kind = WHB__V1__EVENT_KIND__EVENT_KIND_DELIVERY_FAILED,
                                     .at_ms = now,
                                     .http_status = (uint32_t)r->http_status,
                                     .curl_code = r->curl_code};
        snprintf(ev.detail, sizeof(ev.detail), "%s", r->error);
        record(a, &ev, 0);
        snprintf(a->failure_class, sizeof(a->failure_class), "%s", cls);
        a->failure_event_at = now;
        if (a->coll.n > 1)
            whb_log_warnx("delivery to %s failed: %s", a->coll.url[a->sent_to], r->error);
        else
            whb_log_warnx("delivery failed: %s", r->error);
        fresh = 1;
    }
    a->failing = 1;
    return fresh;
}

/* The collector answered 403: say what it means and what to do. Returns 1 when an
 * immediate retry makes sense (the token is presented again). */
static int on_denied(struct whb_agent *a, const struct whb_send_result *r, int fresh)
{
    if (r->outcome == WHB_SENT_NOT_ENROLLED && a->enrolled && a->cfg.enrollment_token[0] &&
        !a->reenrolled) {
        /* Its database was rebuilt or restored from an older backup: enroll again, once per
         * refusal streak, so that a wrong token does not make us hammer the collector. */
        if (a->coll.n > 1)
            /* Each collector with a store of its own learns the machine once. */
            whb_log_warnx("audit: collector %s does not know machine %s (%s) (first contact "
                          "with it, or its database was rebuilt or restored): enrolling with "
                          "the enrollment token",
                          a->coll.url[a->sent_to], a->id.machine_id, a->id.fqdn);
        else
            whb_log_warnx("audit: the collector does not know machine %s (%s) (its database "
                          "was rebuilt or restored?): enrolling again with the enrollment token",
                          a->id.machine_id, a->id.fqdn);
        a->enrolled = 0;
        a->reenrolled = 1;
        whb_persist_set_enrolled(a->cfg.state_dir, 0);
        whb_sender_set_enrolled(a->sender, 0);
        return 1;
    }
    if (!fresh) /* said already: the cause has not changed */
        return 0;
    if (r->outcome == WHB_SENT_NOT_ENROLLED)
        whb_log_error("the collector does not know machine %s (%s) and %s: set "
                      "enrollment_token (policy EnrollmentToken) to the collector's token; "
                      "events stay spooled",
                      a->id.machine_id, a->id.fqdn,
                      a->cfg.enrollment_token[0] ? "refused our enrollment token"
                                                 : "no enrollment_token is configured");
    else if (r->outcome == WHB_SENT_KEY_MISMATCH)
        whb_log_error("the collector has another key bound to machine %s (%s): this machine's "
                      "key file %s/key was replaced or lost (reinstalled?). An admin must restore "
                      "that file from a backup, or release the old binding on the collector "
                      "(whb release %s) so that it enrolls again with its token; events stay "
                      "spooled",
                      a->id.machine_id, a->id.fqdn, a->cfg.state_dir, a->id.fqdn);
    return 0;
}

/* While a report is on its way (a few times a second): the OS's link notifications are read
 * and stamped now, not after the send; a waiting power notification abandons the send. */
static int during_send(void *arg)
{
    struct whb_agent *a = arg;
    if (a->plat->ops->capture)
        a->plat->ops->capture(a->plat);
    return a->watch_power && a->plat->ops->power_pending(a->plat);
}

/* Sends the snapshot and the oldest spooled events to collector i; *n is how many events went
 * with it. The spool gives them up on an ack only. */
static void send_report(struct whb_agent *a, int i, int last_gasp, long timeout_ms,
                        struct whb_send_result *res, int *n)
{
    whb_event *evs[EVENTS_PER_REPORT];
    *n = 0;
    int rc = whb_spool_peek(a->spool, evs, EVENTS_PER_REPORT, n);
    if (rc)
        whb_log_warnx("spool: cannot read: %s", whb_strerror(rc));
    struct whb_report_input in = {.id = &a->id,
                                  .seq = whb_persist_next_seq(a->persist),
                                  .sent_at_ms = now_wall(a),
                                  .mono_ms = now_mono(a),
                                  .interval_s = a->interval_s,
                                  .state = &a->state,
                                  .events = evs,
                                  .n_events = *n,
                                  .last_gasp = last_gasp,
                                  .collector_url = a->coll.url[i],
                                  .collector_rank = (unsigned)i};
    /* Only an ack for this report counts: the collector stored at least this report. */
    struct whb_ack_expect expect = {
        .boot_id = a->id.boot_id, .min_seq = in.seq, .max_seq = whb_persist_last_seq(a->persist)};
    uint8_t *buf = NULL;
    size_t len = 0;
    memset(res, 0, sizeof(*res));
    if (whb_encode_report(&in, &buf, &len) == 0) {
        a->watch_power = a->plat->ops->power_pending && !a->plain_send;
        whb_sender_set_url(a->sender, a->coll.url[i]);
        a->sent_to = i;
        whb_sender_set_interrupt(a->sender,
                                 a->watch_power || a->plat->ops->capture ? during_send : NULL, a);
        whb_sender_post(a->sender, buf, len, timeout_ms, &expect, res);
        free(buf);
    } else {
        snprintf(res->error, sizeof(res->error), "out of memory");
    }
    for (int k = 0; k < *n; k++)
        whb_wire_event_free(evs[k]);
    if (res->ok && (rc = whb_spool_drop(a->spool, (unsigned)*n)))
        whb_log_warnx("spool: cannot drop acknowledged records: %s", whb_strerror(rc));
}

static uint64_t spool_seq(void *arg)
{
    return whb_persist_next_seq(arg);
}

/* The collector has stored numbers of this boot above any this run handed out: the run file
 * was lost (a reinstall, a cleanup) and the numbers restarted at 1, so every event would be
 * dropped as one already stored. Number on above the collector's, the spool too. 1 when done. */
static int number_above(struct whb_agent *a, const struct whb_send_result *r)
{
    whb_log_warnx("%s; numbering from %llu on", r->error, (unsigned long long)r->acked_seq + 1);
    int rc = whb_persist_seq_above(a->persist, r->acked_seq);
    if (!rc)
        rc = whb_spool_renumber(a->spool, a->id.boot_id, spool_seq, a->persist);
    if (rc)
        whb_log_warnx("cannot number above the collector's seq: %s", whb_strerror(rc));
    return rc == 0;
}

/* Sends one report to the collector in use (or first to the preferred one, when it is time to
 * try it again), and follows the collectors' list: once per switch, it is logged. Returns 1
 * when a collector acked. */
static int deliver(struct whb_agent *a, int last_gasp, long timeout_ms)
{
    struct whb_send_result res;
    int n = 0, failback = 0;
    /* A last gasp has no time for a collector that may still be down. */
    int i = last_gasp ? a->coll.current : whb_collectors_pick(&a->coll, now_mono(a), &failback);
    for (;;) {
        int from = a->coll.current;
        send_report(a, i, last_gasp, timeout_ms, &res, &n);
        enum whb_collector_verdict v = whb_collectors_judge(res.outcome, res.http_status);
        enum whb_collector_move m = whb_collectors_record(&a->coll, i, v, now_mono(a));
        if (m == WHB_COLLECTOR_SWITCHED)
            whb_log_warnx("collector %s did not answer %d times in a row (%s): now reporting to "
                          "%s",
                          a->coll.url[from], WHB_COLLECTOR_FAILURES, res.error,
                          a->coll.url[a->coll.current]);
        else if (m == WHB_COLLECTOR_RETURNED)
            whb_log_info("collector %s answers again: reporting to it instead of %s",
                         a->coll.url[i], a->coll.url[from]);
        if (!failback || m == WHB_COLLECTOR_RETURNED || v == WHB_COLLECTOR_UNKNOWN)
            break;
        /* That more preferred one is still down: the next one, in order of preference, up
         * to the one in use, which takes the report if none of them answers. */
        whb_log_debug("collector %s still does not answer (%s)", a->coll.url[i], res.error);
        i = whb_collectors_after(&a->coll, i);
        failback = i != a->coll.current;
    }

    a->plain_send = res.outcome == WHB_SENT_INTERRUPTED;
    if (res.outcome == WHB_SENT_INTERRUPTED) {
        whb_log_debug("report abandoned for a power notification");
        return 0;
    }
    if (res.outcome == WHB_SENT_SEQ_BEHIND && !a->renumbering && number_above(a, &res)) {
        a->renumbering = 1;
        int ok = deliver(a, last_gasp, timeout_ms);
        a->renumbering = 0;
        return ok;
    }
    if (!res.ok) {
        int fresh = note_failure(a, &res);
        if (res.outcome >= WHB_SENT_NOT_ENROLLED && res.outcome <= WHB_SENT_DENIED &&
            on_denied(a, &res, fresh))
            return deliver(a, last_gasp, timeout_ms);
        return 0;
    }
    if (a->failing)
        whb_log_info("collector reachable again; %d spooled events delivered%s%s", n,
                     a->coll.n > 1 ? " to " : "", a->coll.n > 1 ? a->coll.url[a->sent_to] : "");
    a->failing = 0;
    a->failure_class[0] = '\0';
    whb_backoff_reset(&a->backoff);
    a->reenrolled = 0;
    if (!a->enrolled) {
        /* Enrolled only once a valid ack says so. */
        whb_persist_set_enrolled(a->cfg.state_dir, 1);
        whb_sender_set_enrolled(a->sender, 1);
        a->enrolled = 1;
        whb_log_info("enrolled: the collector acknowledged machine %s", a->id.machine_id);
    }
    if (res.interval_s >= 1 && res.interval_s <= 86400 && res.interval_s != a->interval_s) {
        whb_log_info("heartbeat interval %u s (asked by the collector)", res.interval_s);
        a->interval_s = res.interval_s;
        whb_backoff_set_cap(&a->backoff, a->interval_s * 1000);
        /* The collector's deadline for this machine came from the interval the report
         * carried: the next report corrects it at once, and a restart starts with it. */
        a->tell_interval = 1;
        whb_persist_set_interval(a->cfg.state_dir, a->interval_s);
    }
    return 1;
}

/* Delivers everything pending, a report at a time, while the collector answers. */
static void flush(struct whb_agent *a, int last_gasp, long timeout_ms)
{
    struct whb_spool_stats st;
    int rounds = 0;
    uint64_t before;
    whb_spool_stats(a->spool, &st);
    for (;;) {
        before = st.records;
        if (!deliver(a, last_gasp, timeout_ms)) {
            /* Abandoned for a power event: handle it, then send again at once. */
            a->retry_at = a->plain_send ? 0 : now_mono(a) + whb_backoff_next(&a->backoff);
            return;
        }
        whb_spool_stats(a->spool, &st);
        /* A report that took nothing out of the spool (records it cannot read) is not sent
         * again and again: the next flush tries once more. A new interval is told at once,
         * even with nothing spooled. */
        int again = a->tell_interval || (st.records > 0 && st.records < before);
        a->tell_interval = 0;
        if (!again || ++rounds >= 64)
            break;
    }
    /* Once per flush, not per report: it is an fsync'd file. */
    whb_persist_alive(a->persist, now_wall(a));
    a->want_flush = 0;
    a->retry_at = 0;
}

/* A working network: some adapter with carrier, an address and a default route. Without one a
 * WSUS probe would only measure our own outage. */
static int network_up(const struct whb_state *s)
{
    for (int i = 0; i < s->n_adapters; i++) {
        const struct whb_adapter_state *ad = &s->adapters[i];
        if (ad->admin_up && ad->carrier && ad->n_addrs > 0 && ad->gateway[0])
            return 1;
    }
    return 0;
}

/* The next state and its events (~45 KiB): on the heap, given back when the loop goes idle,
 * not on the stack, whose pages once touched stay resident (tests/bench/agent-footprint.sh). */
struct snapshot_scratch {
    struct whb_state next;
    struct whb_agent_event evs[64];
};

static void take_snapshot(struct whb_agent *a, int diff)
{
    struct snapshot_scratch *t = malloc(sizeof(*t));
    if (!t) {
        whb_log_warnx("snapshot skipped: out of memory");
        return;
    }
    if (a->plat->ops->snapshot(a->plat, &t->next))
        goto done;
    whb_state_clean(&t->next);
    /* A switch heard before the link went down may be one the machine has left: whatever the
     * backend remembers, no report names it once the carrier is gone. */
    for (int i = 0; i < t->next.n_adapters; i++)
        if (!t->next.adapters[i].carrier)
            memset(&t->next.adapters[i].lldp, 0, sizeof(t->next.adapters[i].lldp));
    /* The probe result is the agent's; the update service's state is the platform's. */
    int known = t->next.wsus.service_known, running = t->next.wsus.service_running;
    t->next.wsus = a->state.wsus;
    if (known) {
        t->next.wsus.service_known = 1;
        t->next.wsus.service_running = running;
    }
    if (diff) {
        int n = whb_state_diff(&a->state, &t->next, now_wall(a), t->evs, 64);
        for (int i = 0; i < n; i++) {
            record(a, &t->evs[i], 1);
            if (t->evs[i].kind == WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED ||
                t->evs[i].kind == WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED)
                a->next_wsus = now_mono(a) + 3000; /* probe once the network settled */
        }
        a->want_flush |= n > 0;
    }
    int was_online = a->online;
    a->online = network_up(&t->next);
    if (a->online && !was_online && diff) {
        /* Back online: what does WSUS say now? Once the network settled: a probe in the
         * first second (neighbour discovery, DHCP, DNS) fails and would blame WSUS until the
         * next probe, 15 minutes later, for a machine that reports. */
        a->next_wsus = now_mono(a) + 3000;
        /* And the collector: the backoff counted tries without a network, so what was
         * spooled meanwhile goes now rather than up to minutes later. */
        a->retry_at = 0;
    }
    a->state = t->next;
done:
    free(t);
}

static void probe_wsus(struct whb_agent *a)
{
    char cls[32];
    if (!a->cfg.wsus_url[0])
        return;
    if (!a->online && a->spool) {
        /* Offline, a failed probe would be blamed on WSUS: wait for the network instead
         * (take_snapshot probes as soon as it is back). A look (--once) probes anyway. */
        a->next_wsus = now_mono(a) + (uint64_t)a->cfg.wsus_interval_s * 1000;
        return;
    }
    a->state.wsus.at_ms = now_wall(a);
    whb_wsus_probe(a->cfg.wsus_url, 10000, a->cfg.ca_file[0] ? a->cfg.ca_file : NULL,
                   &a->state.wsus);
    whb_wsus_class(&a->state.wsus, cls, sizeof(cls));
    if (strcmp(cls, a->wsus_class) != 0) {
        struct whb_agent_event ev = {.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WSUS_PROBE,
                                     .at_ms = a->state.wsus.at_ms,
                                     .http_status = a->state.wsus.http_status,
                                     .curl_code = a->state.wsus.curl_code};
        snprintf(ev.detail, sizeof(ev.detail), "%.120s: %.120s", a->cfg.wsus_url,
                 a->state.wsus.error[0] ? a->state.wsus.error : "ok");
        record(a, &ev, 0);
        snprintf(a->wsus_class, sizeof(a->wsus_class), "%s", cls);
        a->want_flush = 1;
    }
    a->next_wsus = now_mono(a) + (uint64_t)a->cfg.wsus_interval_s * 1000;
}

/* The two boot clocks drift apart by exactly the time asleep: a sleep nobody announced. */
static void check_sleep(struct whb_agent *a)
{
    uint64_t awake, with_sleep;
    char detail[96], dur[32];
    a->plat->ops->uptime_ms(a->plat, &awake, &with_sleep);
    uint64_t gap = with_sleep - awake;
    if (gap > a->sleep_gap + SLEEP_GAP_MS) {
        int64_t slept = (int64_t)(gap - a->sleep_gap);
        int64_t since = now_wall(a) - slept;
        whb_clock_format_duration(slept, dur, sizeof(dur));
        if (a->suspend_at) {
            snprintf(detail, sizeof(detail), "asleep for %s", dur);
            record_simple(a, WHB__V1__EVENT_KIND__EVENT_KIND_RESUME, detail, a->suspend_at, 1);
        } else {
            snprintf(detail, sizeof(detail), "asleep for %s without notification", dur);
            record_simple(a, WHB__V1__EVENT_KIND__EVENT_KIND_SLEEP_DETECTED, detail, since, 1);
        }
        a->suspend_at = 0;
        a->announced = (enum whb_os_event_kind)0;
        a->want_flush = 1;
        a->next_heartbeat = 0;
        take_snapshot(a, 1);
    }
    a->sleep_gap = gap;
}

static void on_power(struct whb_agent *a, struct whb_os_event *ev)
{
    static const struct {
        enum whb_os_event_kind os;
        int kind;
        const char *what;
    } map[] = {
        {WHB_OS_SUSPEND, WHB__V1__EVENT_KIND__EVENT_KIND_SUSPEND, "going to sleep"},
        {WHB_OS_HIBERNATE, WHB__V1__EVENT_KIND__EVENT_KIND_HIBERNATE, "going to hibernate"},
        {WHB_OS_SHUTDOWN, WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN, "shutting down"},
        {WHB_OS_STOP, WHB__V1__EVENT_KIND__EVENT_KIND_AGENT_STOP, "agent stopping"},
    };
    if (ev->kind == WHB_OS_STOP && a->shutting_down) {
        a->plat->ops->power_done(a->plat, ev);
        a->stop = 1;
        return;
    }
    /* Told twice (logind, then the sleep hook or the unit's stop): the last gasp is out or
     * spooled already; a second one would only hold the machine up longer. */
    if (ev->kind == a->announced && ev->kind != WHB_OS_STOP) {
        whb_log_debug("power event %d announced again: nothing new to send", (int)ev->kind);
        a->plat->ops->power_done(a->plat, ev);
        return;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (map[i].os != ev->kind)
            continue;
        a->shutting_down |= ev->kind == WHB_OS_SHUTDOWN;
        a->announced = ev->kind;
        whb_log_info("last gasp: %s", map[i].what);
        /* The platform's reason code (Windows: entering Modern Standby) goes with it. */
        record_coded(a, map[i].kind, ev->event.reason_code,
                     ev->event.detail[0] ? ev->event.detail : map[i].what, 0, 1);
        /* A shutdown too: Windows' Fast Startup hibernates the service, which resumes. */
        if (ev->kind == WHB_OS_SUSPEND || ev->kind == WHB_OS_HIBERNATE ||
            ev->kind == WHB_OS_SHUTDOWN)
            a->suspend_at = now_wall(a);
        /* The last gasp is on disk (synced) before anything else. Then one bounded try to
         * send it, before the OS is let go: answered first, the machine would be asleep
         * before the gasp left. A send that was already running was abandoned for this
         * (power_pending), so the hook waits at most about a second for that plus
         * LAST_GASP_MS, below its 3 s. What does not go out stays spooled and explains the
         * gap on return. */
        flush(a, 1, LAST_GASP_MS);
        /* The last gasp was this interval's report: a heartbeat due in the moments before the
         * OS suspends would tell the collector the machine is still up, and the last gasp
         * would no longer be the last word. */
        a->next_heartbeat = now_mono(a) + (uint64_t)a->interval_s * 1000;
        a->plat->ops->power_done(a->plat, ev);
        if (ev->kind == WHB_OS_STOP)
            a->stop = 1;
        return;
    }
}

/* One link notification, as the OS told it: its carrier and admin state against the last known
 * ones, recorded at the time it was read. The snapshot after it then finds nothing new. */
static void on_link(struct whb_agent *a, const struct whb_os_event *ev)
{
    struct whb_adapter_state *ad = NULL;
    for (int i = 0; i < a->state.n_adapters; i++)
        if (!strcmp(a->state.adapters[i].name, ev->event.adapter))
            ad = &a->state.adapters[i];
    if (!ad) /* a new adapter: the snapshot that follows says so */
        return;
    struct whb_agent_event e = {.at_ms = ev->event.at_ms ? ev->event.at_ms : now_wall(a)};
    snprintf(e.adapter, sizeof(e.adapter), "%s", ad->name);
    if (ad->admin_up != ev->link_admin_up) {
        e.kind = ev->link_admin_up ? WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_UP
                                   : WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN;
        record(a, &e, 1);
        ad->admin_up = ev->link_admin_up;
        a->want_flush = 1;
    }
    /* Carrier only means something while the adapter is enabled (as whb_state_diff). */
    if (ev->link_admin_up && ad->carrier != ev->link_carrier) {
        e.kind = ev->link_carrier ? WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_GAINED
                                  : WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST;
        snprintf(e.detail, sizeof(e.detail), "link notification");
        record(a, &e, 1);
        a->want_flush = 1;
        if (ev->link_carrier)
            a->next_wsus = now_mono(a) + 3000; /* probe once the network settled */
    }
    ad->carrier = ev->link_carrier;
}

static void handle(struct whb_agent *a, struct whb_os_event *ev)
{
    switch (ev->kind) {
    case WHB_OS_CHANGED:
        take_snapshot(a, 1);
        break;
    case WHB_OS_LINK:
        on_link(a, ev);
        break;
    case WHB_OS_WIFI:
        ev->event.at_ms = ev->event.at_ms ? ev->event.at_ms : now_wall(a);
        record(a, &ev->event, 1);
        a->want_flush = 1;
        break;
    case WHB_OS_RESUME:
        a->shutting_down = 0; /* whatever was announced, this process lives on */
        a->announced = (enum whb_os_event_kind)0;
        check_sleep(a);
        if (a->suspend_at) {
            /* The platform may know what it resumed from (Windows: hibernation or sleep). */
            record_coded(a, WHB__V1__EVENT_KIND__EVENT_KIND_RESUME, ev->event.reason_code,
                         ev->event.detail[0] ? ev->event.detail : "resumed", a->suspend_at, 1);
            a->suspend_at = 0;
        }
        take_snapshot(a, 1);
        a->want_flush = 1;
        break;
    default:
        on_power(a, ev);
        break;
    }
}

static void start_events(struct whb_agent *a)
{
    char detail[256], when[32];
    struct whb_spool_stats st;
    int len;
    /* What this machine can observe goes with the start, so that the collector's history
     * shows why, say, no switch port is ever reported. */
    unsigned caps = a->plat->ops->caps(a->plat);
    len = snprintf(detail, sizeof(detail),
                   "whb-agent %s on %s: link events %s, wireless %s, lldp %s, power %s",
                   WHB_VERSION, a->plat->ops->name, caps & WHB_CAP_LINK_EVENTS ? "yes" : "no",
                   caps & WHB_CAP_WIRELESS ? "yes" : "no", caps & WHB_CAP_LLDP ? "yes" : "no",
                   caps & WHB_CAP_POWER ? "yes" : "no");
    /* What the spool lost on disk before this run is said with the run's start: it is not a
     * delivery failure (the engine reads those as network or collector trouble). */
    whb_spool_stats(a->spool, &st);
    if (st.damaged && len > 0 && (size_t)len < sizeof(detail))
        len += snprintf(detail + len, sizeof(detail) - (size_t)len,
                        "; spool: %u damaged record(s) dropped (%llu bytes)", st.damaged,
                        (unsigned long long)st.damaged_bytes);
    if (st.truncated_bytes && len > 0 && (size_t)len < sizeof(detail))
        snprintf(detail + len, sizeof(detail) - (size_t)len, "; spool: torn tail of %u bytes cut",
                 st.truncated_bytes);
    record_simple(a, WHB__V1__EVENT_KIND__EVENT_KIND_AGENT_START, detail, 0, 1);
    if (a->prev.unclean) {
        whb_clock_format_iso(a->prev.last_alive_ms, when, sizeof(when));
        snprintf(detail, sizeof(detail), "%s; last known alive %s",
                 a->prev.same_boot ? "the agent stopped without a clean stop in this boot"
                                   : "the previous boot ended without a clean stop (power loss, "
                                     "crash or hard reset)",
                 when);
        struct whb_agent_event ev = {.kind = WHB__V1__EVENT_KIND__EVENT_KIND_UNCLEAN_STOP,
                                     .at_ms = now_wall(a),
                                     .since_ms = a->prev.last_alive_ms,
                                     .reason_code =
                                         a->prev.same_boot ? UNCLEAN_AGENT : UNCLEAN_BOOT};
        snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
        record(a, &ev, 1);
        whb_log_warnx("%s", detail);
    }
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

/* Its own function: the list's buffer is then not in the frame of the loop, whose stack pages
 * stay resident for the service's life. */
static void __attribute__((noinline)) log_start(struct whb_agent *a)
{
    whb_log_info("reporting to %s every %u s as %s", a->coll.n ? a->coll.url[0] : "(none)",
                 a->interval_s, a->cfg.fqdn[0] ? a->cfg.fqdn : a->id.fqdn);
    if (a->coll.n > 1) {
        char more[WHB_MAX_COLLECTORS * (WHB_COLLECTOR_URL_MAX + 2)] = "";
        size_t len = 0;
        for (int i = 1; i < a->coll.n && len < sizeof(more); i++)
            len += (size_t)snprintf(more + len, sizeof(more) - len, "%s%s", i > 1 ? ", " : "",
                                    a->coll.url[i]);
        whb_log_info("failover: %s, in this order, each after %d sends in a row without an "
                     "answer; the ones before tried again every %u s",
                     more, WHB_COLLECTOR_FAILURES, a->coll.failback_ms / 1000);
    }
}

int whb_agent_run(struct whb_agent *a)
{
    struct whb_os_event evs[16];
    log_start(a);
    start_events(a);
    take_snapshot(a, 0);
    probe_wsus(a);
    flush(a, 0, SEND_TIMEOUT_MS);
    a->next_heartbeat = now_mono(a) + (uint64_t)a->interval_s * 1000;

    while (!a->stop) {
        uint64_t now = now_mono(a);
        uint64_t due = earliest(a->next_heartbeat, a->cfg.wsus_url[0] ? a->next_wsus : 0);
        if (a->want_flush && a->retry_at)
            due = earliest(due, a->retry_at);
        int timeout = due > now ? (int)(due - now > 600000 ? 600000 : due - now) : 0;
        if (a->want_flush && !a->retry_at)
            timeout = 0;
        int n = 0;
        /* Snapshots, handshakes and reports are transient: their memory goes back while the
         * agent waits. */
        if (timeout >= REST_AFTER_MS && a->sender) {
            whb_sender_rest(a->sender);
            whb_memory_tls_fresh();
        }
        whb_memory_release();
        int rc = a->plat->ops->wait(a->plat, timeout, evs, 16, &n);
        if (rc == WHB_ENOTFOUND) /* the replay scenario ended */
            break;
        check_sleep(a);
        for (int i = 0; i < n && !a->stop; i++)
            handle(a, &evs[i]);
        if (a->stop)
            break;
        now = now_mono(a);
        int heartbeat = now >= a->next_heartbeat, sent = 0;
        if (heartbeat) {
            a->next_heartbeat = now + (uint64_t)a->interval_s * 1000;
            a->want_flush = 1;
        }
        /* Online, a heartbeat is always tried, backing off or not: a collector that answers
         * again ends the backoff at the next heartbeat at the latest. */
        if (a->want_flush && ((heartbeat && a->online) || !a->retry_at || now >= a->retry_at)) {
            flush(a, 0, SEND_TIMEOUT_MS);
            sent = !a->want_flush; /* a flush that went through clears it */
        }
        /* A heartbeat that did not go (backing off, or tried and failed) is kept so that the
         * collector learns the machine was on. */
        if (heartbeat && !sent && !a->plain_send)
            record_simple(a, WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT, "undelivered", 0, 0);
        /* After the flush: a WSUS server that is slow to answer (up to the probe's 10 s) must
         * not hold back the report of a network that just came back. A new result is sent
         * at once by the next round. */
        if (a->cfg.wsus_url[0] && now_mono(a) >= a->next_wsus)
            probe_wsus(a);
    }
    whb_persist_stopped(a->persist, now_wall(a));
    return 0;
}

int whb_agent_look(struct whb_agent *a, int wait_ms, struct whb_state *out, struct whb_identity *id)
{
    struct whb_os_event evs[16];
    uint64_t end = now_mono(a) + (uint64_t)(wait_ms > 0 ? wait_ms : 0);
    take_snapshot(a, 0);
    while (wait_ms > 0 && now_mono(a) < end) {
        int n = 0;
        if (a->plat->ops->wait(a->plat, (int)(end - now_mono(a)), evs, 16, &n))
            break;
        take_snapshot(a, 0);
    }
    probe_wsus(a);
    *out = a->state;
    *id = a->id;
    return 0;
}

static void collector_config(const struct whb_agent_config *cfg, const char *key,
                             struct whb_sender_config *sc)
{
    memset(sc, 0, sizeof(*sc));
    sc->ca_file = cfg->ca_file[0] ? cfg->ca_file : NULL;
    if (strcmp(cfg->identity, "mtls") == 0) {
        sc->client_cert = cfg->client_cert;
        sc->client_key = cfg->client_key[0] ? cfg->client_key : NULL;
    } else {
        sc->key_hex = key;
        /* Kept even once enrolled: a collector that lost its database asks for it again. */
        sc->enroll_token = cfg->enrollment_token[0] ? cfg->enrollment_token : NULL;
    }
    sc->insecure_plain_ok = cfg->allow_plain_http != 0;
}

int whb_agent_open(const struct whb_agent_config *cfg, const struct whb_platform_ops *ops,
                   struct whb_agent **out, char *why, size_t whylen)
{
    struct whb_agent *a = calloc(1, sizeof(*a));
    char path[600], control[600];
    struct whb_sender_config sc;
    int rc;
    if (!a)
        return WHB_ENOMEM;
    a->cfg = *cfg;
    a->interval_s = cfg->interval_s;
    /* A look (--once) touches no state: no directory, key, run marker, spool or socket. */
    if (!cfg->look_only && (rc = whb_fs_mkdir(cfg->state_dir))) {
        snprintf(why, whylen, "state directory %s: %s", cfg->state_dir, whb_strerror(rc));
        goto fail;
    }
    snprintf(control, sizeof(control), "%s/control", cfg->state_dir);
    struct whb_platform_config pc = {
        .state_dir = cfg->state_dir,
        .fqdn = cfg->fqdn[0] ? cfg->fqdn : NULL,
        .machine_id = cfg->machine_id[0] ? cfg->machine_id : NULL,
        .replay_file = cfg->replay_file[0] ? cfg->replay_file : NULL,
        .control_path = cfg->look_only           ? NULL
                        : cfg->control_socket[0] ? cfg->control_socket
                                                 : control,
        .service = cfg->service,
        .update_events_file = cfg->update_events_file[0] ? cfg->update_events_file : NULL,
    };
    if ((rc = ops->open(&pc, &a->plat))) {
        snprintf(why, whylen, "platform %s: %s", ops->name, whb_strerror(rc));
        goto fail;
    }
    if ((rc = a->plat->ops->identity(a->plat, &a->id))) {
        snprintf(why, whylen, "cannot tell who this machine is: %s", whb_strerror(rc));
        goto fail;
    }
    /* The OS names itself from the registry or os-release: text the collector must accept. */
    whb_text_fix(a->id.os, sizeof(a->id.os));
    whb_text_fix(a->id.domain, sizeof(a->id.domain));
    if (cfg->look_only)
        goto done;
    snprintf(path, sizeof(path), "%s/spool", cfg->state_dir);
    if ((rc = whb_spool_open(path, cfg->spool_max, &a->spool))) {
        snprintf(why, whylen, "spool %s: %s", path, whb_strerror(rc));
        goto fail;
    }
    if ((rc =
             whb_persist_open(cfg->state_dir, a->id.boot_id, now_wall(a), &a->persist, &a->prev))) {
        snprintf(why, whylen, "state %s: %s", cfg->state_dir, whb_strerror(rc));
        goto fail;
    }
    if (strcmp(cfg->identity, "key") == 0 && (rc = whb_persist_key(cfg->state_dir, a->key))) {
        if (rc == WHB_ECORRUPT)
            snprintf(why, whylen,
                     "machine key file %s/key is corrupt (it must hold 64 hex digits); not "
                     "starting, since a new key would be refused by the collector. Restore the "
                     "file from a backup; if it is lost, delete it and remove this machine's "
                     "binding on the collector, and the agent enrolls again with its token",
                     cfg->state_dir);
        else
            snprintf(why, whylen, "machine key %s/key: %s", cfg->state_dir, whb_strerror(rc));
        goto fail;
    }
    a->enrolled = whb_persist_enrolled(cfg->state_dir);
    /* The interval the collector asked for last time, until it says otherwise. */
    unsigned asked = whb_persist_interval(cfg->state_dir);
    if (asked)
        a->interval_s = asked;
    if (cfg->collector_url[0] || cfg->collector_urls[0]) {
        if ((rc = whb_collectors_parse(&a->coll, cfg->collector_url, cfg->collector_urls,
                                       cfg->collector_failback_s, why, whylen)))
            goto fail;
        collector_config(cfg, a->key, &sc);
        sc.url = a->coll.url[0];
        /* mTLS without a certificate named (or "auto"): the one the domain's CA gave this
         * machine (Windows: AD CS autoenrollment), found by its name. */
        if (!strcmp(cfg->identity, "mtls") &&
            (!cfg->client_cert[0] || !strcmp(cfg->client_cert, "auto"))) {
            if (!a->plat->ops->machine_cert ||
                a->plat->ops->machine_cert(a->plat, a->id.fqdn, a->cert_path,
                                           sizeof(a->cert_path))) {
                snprintf(why, whylen,
                         "identity mtls: no client certificate configured, and none in the "
                         "machine's store names %s (for client authentication, valid now)",
                         a->id.fqdn);
                rc = WHB_ENOTFOUND;
                goto fail;
            }
            sc.client_cert = a->cert_path;
            whb_log_info("client certificate: %s (found by its name %s)", a->cert_path, a->id.fqdn);
        }
        if ((rc = whb_sender_open(&sc, &a->sender))) {
            snprintf(why, whylen, "sender: %s", whb_strerror(rc));
            goto fail;
        }
    }
    if (a->sender)
        whb_sender_set_enrolled(a->sender, a->enrolled);
done:;
    uint64_t seed = 0;
    for (const char *p = a->id.machine_id; *p; p++)
        seed = seed * 131 + (unsigned char)*p;
    /* Retries after failures wait at most a heartbeat interval: a machine whose collector is
     * back reports within its grace (issue 21: 312 s of silence with a 300 s ceiling). */
    whb_backoff_init(&a->backoff, 1000, a->interval_s * 1000, seed);
    uint64_t awake, with_sleep;
    a->plat->ops->uptime_ms(a->plat, &awake, &with_sleep);
    a->sleep_gap = with_sleep - awake;
    *out = a;
    return 0;
fail:
    whb_agent_close(a);
    return rc ? rc : WHB_EINVAL;
}

void whb_agent_close(struct whb_agent *a)
{
    if (!a)
        return;
    whb_sender_close(a->sender);
    whb_persist_close(a->persist);
    whb_spool_close(a->spool);
    if (a->plat)
        a->plat->ops->close(a->plat);
    free(a);
}
