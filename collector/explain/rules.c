/* The rules. Every rule names the reason it supports and the evidence it needs; the engine
 * (explain.c) runs them all, the strongest finding is the answer and the others become the
 * alternatives. Scores order findings; confidence says how sure the finding itself is.
 *
 * What a rule may use: the machine's events inside the silence (on the collector's clock: the
 * store maps each agent's clock), the power event that was its last word, the pattern of the
 * half hour that led up to it, the neighbours as they were when it began, and the collector's
 * own downtimes. Nothing from an earlier or a later silence. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "explain/finding.h"
#include "explain/rules.h"
#include "whb.pb-c.h"

static void duration(int64_t ms, char *buf, size_t len)
{
    whb_clock_format_duration(ms, buf, (unsigned)len);
}

/* What a RESUME says the machine resumed from (proto: RESUME.reason_code); older agents say
 * it only in words. */
enum resume_kind { RESUMED_UNKNOWN, RESUMED_SLEEP, RESUMED_HIBERNATION, RESUMED_HYBRID_BOOT };

static enum resume_kind resume_kind(const struct whb_hist_event *r)
{
    if (!r)
        return RESUMED_UNKNOWN;
    if (r->reason_code == 3 || strstr(r->detail, "Fast Startup") || strstr(r->detail, "hybrid"))
        return RESUMED_HYBRID_BOOT;
    if (r->reason_code == 2 || strstr(r->detail, "hibernation"))
        return RESUMED_HIBERNATION;
    if (r->reason_code == 1 || r->reason_code == 4)
        return RESUMED_SLEEP;
    return RESUMED_UNKNOWN;
}

/* How the machine came back from its last gasp: a resume or an agent start within the span. */
static const struct whb_hist_event *came_back(const struct whb_explain_input *in,
                                              const struct whb_hist_event *g)
{
    struct span s = whb_explain_span(in);
    if (!s.past)
        return NULL;
    const struct whb_hist_event *r = whb_first_in(in, K(RESUME), g->at_ms, s.end + SLACK_MS);
    const struct whb_hist_event *a = whb_first_in(in, K(AGENT_START), g->at_ms, s.end + SLACK_MS);
    return r && (!a || r->at_ms <= a->at_ms) ? r : a;
}

/* Whether one of the collector's downtimes covers the moment at (it explains a delay). */
static int collector_down_at(const struct whb_explain_input *in, int64_t at)
{
    for (int i = 0; i < in->n_down; i++)
        if (in->down[i].from_ms <= at + SLACK_MS && in->down[i].to_ms >= at)
            return 1;
    return 0;
}

/* A second cause: the machine came back from its first (it resumed, or its agent started
 * again, at back) and stayed silent well past a heartbeat, its link lost on return (a carrier
 * lost then, or one gained only near the gap's end) or its reports failing with the link up.
 * The first cause explains the gap up to back, the second the rest: it is named beside the
 * answer, which is no longer sure to be the gap's whole story. Returns 1 when it found one. */
static int then_silent(const struct whb_explain_input *in, struct finding *f, int64_t back,
                       char *rest, size_t len)
{
    struct span s = whb_explain_span(in);
    rest[0] = 0;
    if (!s.past || !back || s.end - back <= RETURN_MS(s.interval) + s.interval ||
        collector_down_at(in, back) || collector_down_at(in, s.end - RETURN_MS(s.interval)))
        return 0;
    const struct whb_hist_event *lost = whb_first_in(in, K(CARRIER_LOST), back - SLACK_MS, s.end);
    const struct whb_hist_event *gained =
        whb_first_in(in, K(CARRIER_GAINED), back + SLACK_MS, s.end + SLACK_MS);
    const struct whb_hist_event *failed =
        whb_first_in(in, K(DELIVERY_FAILED), back - SLACK_MS, s.end);
    if (lost && lost->at_ms > back + RETURN_MS(s.interval))
        lost = NULL; /* lost later: a cause of its own after the return, not on it */
    char dur[32];
    if (lost || (gained && gained->at_ms >= s.end - RETURN_MS(s.interval))) {
        int64_t from = lost ? lost->at_ms : back;
        duration(s.end - from, dur, sizeof(dur));
        if (lost)
            whb_evidence_event(f, in, lost, "back without its link: carrier lost on return");
        else
            whb_evidence_event(f, in, gained, "back without its link: carrier only regained now");
        snprintf(rest, len, "then %s without its link", dur);
        if (in->m && in->m->wireless) {
            whb_also(f, WHB_REASON_WIRELESS_ASSOCIATION);
        } else {
            whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
            whb_also(f, WHB_REASON_PORT_DISABLED);
        }
        return 1;
    }
    /* On a network of its own (a home, a hotel): taken away, not failed by the fleet's. */
    const struct whb_hist_event *other =
        failed ? whb_other_network(in, back - SLACK_MS, s.end) : NULL;
    if (other) {
        duration(s.end - failed->at_ms, dur, sizeof(dur));
        whb_evidence_event(f, in, failed, "back, its reports failing: %s", failed->detail);
        whb_evidence_event(f, in, other, "on another network: %s", other->detail);
        snprintf(rest, len, "then %s on another network", dur);
        whb_also(f, WHB_REASON_REMOVED);
        return 1;
    }
    if (failed) {
        duration(s.end - failed->at_ms, dur, sizeof(dur));
        whb_evidence_event(f, in, failed, "back, its reports failing: %s", failed->detail);
        snprintf(rest, len, "then %s unable to reach the collector", dur);
        whb_also(f, in->m && in->m->wireless ? WHB_REASON_WIRELESS_ASSOCIATION
                                             : WHB_REASON_LOST_CONNECTIVITY);
        return 1;
    }
    return 0;
}

/* The common shape of the last-gasp rules: what it said, how long, how it came back. */
static void gasp_story(const struct whb_explain_input *in, struct finding *f,
                       const struct whb_hist_event *g, const char *what)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *back = came_back(in, g);
    char dur[32];
    const struct whb_hist_event *c = s.past ? whb_first_cause(in) : NULL;
    if (c && c != g && c->at_ms <= g->at_ms)
        whb_evidence_event(f, in, c, "%s before it (%s): the last gasp could not leave",
                           c->kind == K(CARRIER_LOST)      ? "link lost"
                           : c->kind == K(ADAPTER_REMOVED) ? "adapter removed"
                                                           : "wireless disconnected",
                           c->detail[0] ? c->detail : "-");
    whb_evidence_event(f, in, g, "last gasp: %s (%s)", what, g->detail);
    if (s.past) {
        int64_t until = back ? back->at_ms : s.end;
        if (back)
            whb_evidence_event(f, in, back, "%s%s%s",
                               back->kind == K(RESUME) ? "resumed" : "agent started",
                               back->detail[0] ? ": " : "", back->detail);
        duration(until - g->at_ms, dur, sizeof(dur));
        char rest[80];
        if (back && then_silent(in, f, back->at_ms, rest, sizeof(rest)))
            whb_say(f->summary, "%s for %s, %s", what, dur, rest);
        else
            whb_say(f->summary, "%s for %s", what, dur);
    } else {
        duration(in->now_ms - g->at_ms, dur, sizeof(dur));
        whb_say(f->summary, "%s %s ago", what, dur);
    }
    whb_say(f->why, "the machine announced it before going silent");
}

static void rule_hibernate(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *g = whb_last_gasp(in);
    if (!g || (g->kind != K(HIBERNATE) && g->kind != K(SUSPEND)))
        return;
    enum resume_kind rk = resume_kind(came_back(in, g));
    if (rk == RESUMED_HYBRID_BOOT || (g->kind == K(SUSPEND) && rk != RESUMED_HIBERNATION))
        return;
    gasp_story(in, f, g, "hibernated");
    /* Windows learns the target only on resume (Kernel-Power 42): a suspend that resumed from
     * hibernation was one. */
    whb_hit(f, g->kind == K(SUSPEND) ? 91 : 90, WHB_CONFIDENCE_HIGH);
}

static void rule_sleep(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *g = whb_last_gasp(in);
    if (g && g->kind == K(SUSPEND)) {
        enum resume_kind rk = resume_kind(came_back(in, g));
        if (rk == RESUMED_HIBERNATION || rk == RESUMED_HYBRID_BOOT)
            return;
        gasp_story(in, f, g, g->reason_code == 1 ? "in Modern Standby" : "asleep");
        whb_hit(f, 90, WHB_CONFIDENCE_HIGH);
        /* Windows tells services only "suspend": sleep, hibernation and a Fast Startup
         * shutdown look alike until its log (Kernel-Power 42) or the resume says which. */
        if (!s.past && g->reason_code != 1 && strstr(in->m->os, "Windows") &&
            !strstr(g->detail, "Kernel-Power")) {
            whb_say(f->why, "Windows announced a suspend without saying sleep, hibernation or "
                            "Fast Startup shutdown; sleep is the likeliest");
            whb_also(f, WHB_REASON_HIBERNATION);
            whb_also(f, WHB_REASON_TURNED_OFF);
        }
        return;
    }
    if (g || !s.past)
        return;
    /* The boot clocks drifted apart by the time asleep: a sleep nobody announced, which must
     * have begun when the silence did. */
    const struct whb_hist_event *d =
        whb_first_in(in, K(SLEEP_DETECTED), s.start - SLACK_MS, s.end + SLACK_MS);
    const struct whb_hist_event *c = whb_first_cause(in);
    if (!d || d->since_ms > whb_cause_until(&s) || (c && c->at_ms < d->since_ms))
        return;
    whb_evidence_event(f, in, d, "clocks show %s", d->detail);
    whb_say(f->summary, "%s", d->detail);
    whb_say(f->why, "the boot clocks drifted apart by the time asleep; no notification came");
    whb_also(f, WHB_REASON_HIBERNATION);
    whb_hit(f, 74, WHB_CONFIDENCE_MEDIUM);
}

static void rule_shutdown(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *g = whb_last_gasp(in);
    if (!g)
        return;
    if (g->kind == K(SHUTDOWN)) {
        gasp_story(in, f, g, "shut down");
        whb_hit(f, 90, WHB_CONFIDENCE_HIGH);
    } else if ((g->kind == K(SUSPEND) || g->kind == K(HIBERNATE)) &&
               resume_kind(came_back(in, g)) == RESUMED_HYBRID_BOOT) {
        /* Fast Startup: "Shut down" hibernates the kernel session; the boot type tells. */
        gasp_story(in, f, g, "shut down (Fast Startup)");
        whb_say(f->why, "Windows reported a hybrid boot: the user shut down with Fast Startup on");
        whb_hit(f, 92, WHB_CONFIDENCE_HIGH);
    } else if (g->kind == K(AGENT_STOP) && s.past && in->gap && in->gap->rebooted) {
        /* The service was stopped and the machine came back from another boot. */
        gasp_story(in, f, g, "shut down");
        whb_say(f->why, "the agent was stopped and the machine came back from a new boot");
        whb_also(f, WHB_REASON_AGENT_STOPPED);
        whb_hit(f, 86, WHB_CONFIDENCE_MEDIUM);
    }
}

static void rule_agent_stop(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *g = whb_last_gasp(in);
    if (!g || g->kind != K(AGENT_STOP))
        return;
    gasp_story(in, f, g, "agent stopped");
    if (in->gap && in->gap->rebooted)
        whb_hit(f, 70, WHB_CONFIDENCE_MEDIUM);
    else
        whb_hit(f, 85, WHB_CONFIDENCE_HIGH);
}

/* Its last alive stamped at or after its own start cannot be: the collector mapped it with a
 * clock the previous run did not have (a boot on a dead RTC battery whose first report
 * came before this one, and taught the collector the new boot's clock). Not known, then. */
static int misplaced_alive(const struct whb_hist_event *u)
{
    return u->since_ms && u->since_ms >= u->at_ms;
}

/* On return the agent says whether its previous run stopped cleanly, and when it was last
 * known alive (proto: UNCLEAN_STOP). */
static const struct whb_hist_event *unclean_stop(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    if (!s.past)
        return NULL;
    const struct whb_hist_event *u =
        whb_first_in(in, K(UNCLEAN_STOP), s.start - SLACK_MS, s.end + SLACK_MS);
    if (!u || whb_last_gasp(in))
        return NULL;
    int misplaced = misplaced_alive(u);
    /* It died when the silence began, not after some other cause had silenced it. */
    if (!misplaced && u->since_ms > whb_cause_until(&s))
        return NULL;
    const struct whb_hist_event *c = whb_first_cause(in);
    /* A send that failed as the silence began is the last report's answer lost, not another
     * cause. */
    if (c && (c->kind == K(DELIVERY_FAILED) || c->kind == K(HEARTBEAT)) &&
        c->at_ms <= whb_sends_from(&s))
        c = NULL;
    /* Nor is the collector refusing its reports: that silenced the machine only until it
     * died. */
    if (c && c == s.refused)
        c = NULL;
    /* When it died not known: another cause before the agent's start may have come first
     * (one at its start, the new run's first send before its network is up, did not). */
    if (misplaced)
        return c && c->at_ms < u->at_ms ? NULL : u;
    return c && c->at_ms < u->since_ms ? NULL : u;
}

/* The agent's word (code 2: a previous boot's run) yields to a past gap the store found not
 * rebooted by the boot clock: a Windows agent names the boot by its wall clock less its tick
 * count, and one restarted after a clock step names another (store/logic.c
 * whb_store_rebooted). */
static int renamed_boot(const struct whb_explain_input *in, const struct whb_hist_event *u)
{
    return u->reason_code == 2 && in->gap && !in->gap->rebooted;
}

/* When the previous run was last alive: its run file's word, unless the collector heard from it
 * later. The agent writes it only once a whole flush went through, so a return that delivered
 * part of its spool before the next silence (or whose reports were stored after its wait gave
 * up on them) leaves the one before an earlier gap: the stretch is this gap's, not that one's
 * too. */
static int64_t last_alive(const struct whb_explain_input *in, const struct whb_hist_event *u)
{
    struct span s = whb_explain_span(in);
    return u->since_ms < s.start || misplaced_alive(u) ? s.start : u->since_ms;
}

static int same_boot(const struct whb_explain_input *in, const struct whb_hist_event *u)
{
    if (renamed_boot(in, u))
        return 1;
    if (u->reason_code == 1 || u->reason_code == 2)
        return u->reason_code == 1;
    if (in->gap)
        return !in->gap->rebooted;
    return strstr(u->detail, "in this boot") != NULL;
}

static void rule_agent_crash(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *u = unclean_stop(in);
    if (!u || !same_boot(in, u))
        return;
    char dur[32];
    whb_evidence_event(f, in, u, "%s", u->detail);
    if (renamed_boot(in, u))
        whb_evidence(f, u->at_ms, WHB_SOURCE_COLLECTOR,
                     "its boot clock: up since before it went quiet (the agent named the boot "
                     "anew: its clock had stepped)");
    duration(u->at_ms - last_alive(in, u), dur, sizeof(dur));
    char rest[80];
    if (then_silent(in, f, u->at_ms, rest, sizeof(rest)))
        whb_say(f->summary, "agent stopped unexpectedly; restarted %s later in the same boot, %s",
                dur, rest);
    else
        whb_say(f->summary, "agent stopped unexpectedly; restarted %s later in the same boot", dur);
    whb_say(f->why, "the agent found on start that its last run died while the machine stayed "
                    "up");
    whb_hit(f, 76, WHB_CONFIDENCE_HIGH);
}

static void rule_power_loss(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *u = unclean_stop(in);
    if (!u || same_boot(in, u))
        return;
    char dur[32];
    int64_t alive = last_alive(in, u);
    whb_evidence(f, alive, alive == u->since_ms ? WHB_SOURCE_MACHINE_LATER : WHB_SOURCE_COLLECTOR,
                 "last known alive");
    whb_evidence_event(f, in, u, "%s", u->detail);
    duration(u->at_ms - alive, dur, sizeof(dur));
    char rest[80];
    if (then_silent(in, f, u->at_ms, rest, sizeof(rest)))
        whb_say(f->summary,
                "off without a clean shutdown (power loss, crash or hard reset) for %s, %s", dur,
                rest);
    else
        whb_say(f->summary, "off without a clean shutdown (power loss, crash or hard reset) for %s",
                dur);
    whb_say(f->why, "the agent found on start that the previous boot never shut down cleanly, "
                    "and it was alive until the silence began");
    whb_hit(f, 75, WHB_CONFIDENCE_HIGH);
}

/* On return the agent started anew with no word of how its last run ended: no last gasp, no
 * UNCLEAN_STOP, nothing spooled before its start. Its run file and spool were lost (a
 * reinstall, a cleanup of its state directory). The start still says what stopped: in a new
 * boot the machine was off (or restarted), in the same boot the agent; how is not known. */
static const struct whb_hist_event *start_unrecorded(const struct whb_explain_input *in,
                                                     int rebooted)
{
    struct span s = whb_explain_span(in);
    if (!s.past || !in->gap || in->gap->rebooted != rebooted || whb_last_gasp(in))
        return NULL;
    const struct whb_hist_event *st =
        whb_first_in(in, K(AGENT_START), s.start - SLACK_MS, s.end + SLACK_MS);
    if (!st || whb_first_in(in, K(UNCLEAN_STOP), s.start - SLACK_MS, s.end + SLACK_MS))
        return NULL;
    const struct whb_hist_event *c = whb_first_cause(in);
    if (c && c->at_ms < st->at_ms)
        return NULL;
    /* A last gasp placed before the last report: a clock stepped back, up to the 30 s the
     * store takes for a delay (store/logic.c OFFSET_JUMP_MS). Recorded, just misplaced. */
    static const int gasps[] = {K(SHUTDOWN), K(AGENT_STOP), K(SUSPEND), K(HIBERNATE)};
    for (size_t i = 0; i < sizeof(gasps) / sizeof(gasps[0]); i++)
        if (whb_first_in(in, gasps[i], s.start - 30000 - SLACK_MS, s.end + SLACK_MS))
            return NULL;
    return st;
}

static void unrecorded_story(const struct whb_explain_input *in, struct finding *f,
                             const struct whb_hist_event *st, const char *what)
{
    whb_evidence_event(f, in, st,
                       "the agent started again (%s) with no record of its last run: "
                       "no last gasp, no unclean stop, nothing spooled before it",
                       what);
    whb_say(f->why, "the agent's start said nothing of how its previous run ended: its state "
                    "(run file, spool) was lost, as after a reinstall or a cleanup");
    /* What silenced it before that went with the spool: its link as likely. */
    whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
    whb_hit(f, 40, WHB_CONFIDENCE_MEDIUM);
}

static void rule_off_unrecorded(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *st = start_unrecorded(in, 1);
    if (!st)
        return;
    whb_say(f->summary, "back from a new boot; how it went off was not recorded (the agent's "
                        "state was lost)");
    unrecorded_story(in, f, st, "a new boot");
}

static void rule_agent_unrecorded(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *st = start_unrecorded(in, 0);
    if (!st)
        return;
    whb_say(f->summary, "agent started again in the same boot; how it stopped was not recorded "
                        "(the agent's state was lost)");
    whb_also(f, WHB_REASON_AGENT_STOPPED);
    unrecorded_story(in, f, st, "the same boot");
}

/* The collector's own downtime, or its error answers: the silence is not the machine's. */
static void rule_collector(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_downtime *d = s.down;
    char a[32], b[32];
    if (d) {
        whb_clock_format_iso(d->from_ms, a, sizeof(a));
        whb_clock_format_iso(d->to_ms, b, sizeof(b));
        whb_evidence(f, d->from_ms, WHB_SOURCE_COLLECTOR, "the collector %s",
                     d->clean ? "was stopped" : "stopped without a clean stop (killed or crashed)");
        whb_evidence(f, d->to_ms, WHB_SOURCE_COLLECTOR, "the collector started again");
        whb_say(f->summary, "the collector was down %s -> %s", a + 11, b + 11);
        whb_say(f->step, "collector downtime %s to %s", a, b);
        /* Agents come back within a heartbeat once the collector is up again. */
        if (s.end <= d->to_ms + RETURN_MS(s.interval)) {
            whb_say(f->why, "the machine went silent when the collector went down%s",
                    s.past ? " and reported again once it was back" : "");
            /* Down shorter than a heartbeat, it met only the machines that tried to report
             * then: a silence of the machine's own may have begun at the same moment. */
            int whole = d->to_ms - d->from_ms >= s.interval || s.past;
            whb_hit(f, 95, whole ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
            if (!whole)
                whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
        } else {
            whb_say(f->why, "the collector was down when the machine went silent, but the "
                            "machine stayed silent after the collector was back: something "
                            "else kept it silent");
            /* Below the machine's own story, even "silent, no last gasp". */
            whb_hit(f, 35, WHB_CONFIDENCE_LOW);
        }
        return;
    }
    const struct whb_hist_event *e = s.refused;
    if (e) {
        if (e->http_status >= 500) {
            whb_evidence_event(f, in, e, "the collector answered HTTP %u: %s", e->http_status,
                               e->detail);
            whb_say(f->summary, "the collector refused reports (HTTP %u)", e->http_status);
            whb_say(f->why, "the machine reached the collector, which answered with an error");
        } else {
            whb_evidence_event(f, in, e,
                               "the agent refused the collector's certificate (curl %d): %s",
                               e->curl_code, e->detail);
            whb_say(f->summary, "the agents refused the collector's TLS certificate (curl %d)",
                    e->curl_code);
            whb_say(f->why, "the machine reached the collector, whose certificate its agent "
                            "would not take (expired, replaced, or another in front of it)");
            whb_say(f->step, "the collector's TLS certificate: its expiry, its issuer (the CA "
                             "the agents trust), and what answers on its address and port");
        }
        /* A cause of the machine's own after the refusal began kept it silent (as a downtime
         * it outlasted, above): below that cause's own rule. */
        const struct whb_hist_event *own = whb_first_cause(in);
        if ((own && own->kind != K(DELIVERY_FAILED) && own->kind != K(HEARTBEAT)) ||
            unclean_stop(in)) {
            whb_say(f->why, "the collector refused the machine's reports when it went silent, "
                            "but a cause of the machine's own followed and kept it silent");
            whb_hit(f, 35, WHB_CONFIDENCE_LOW);
            return;
        }
        whb_hit(f, 93, WHB_CONFIDENCE_HIGH);
        return;
    }
    /* The whole fleet quiet at once while the collector ran: nobody reached it, so the way to
     * it (its network, its firewall, its certificate). A collector that stored others' reports
     * then was neither down nor out of reach: see whb_rule_fleet_path. */
    const struct whb_peer_group *p = whb_peers(in, WHB_PEERS_FLEET);
    if (p && !s.down_near && p->together >= 3 && p->together >= p->total && p->groups >= 2 &&
        !p->healthy) {
        whb_evidence(f, s.start, WHB_SOURCE_COLLECTOR,
                     "all %u machines, in %u subnets, went silent together; the collector "
                     "stored no report from any of them",
                     p->together, p->groups);
        whb_say(f->summary, "the whole fleet went silent at once");
        whb_say(f->why, "every machine, all over the network, went silent together: the "
                        "collector or the way to it");
        whb_say(f->step, "the collector's own network: its switch port, firewall, address");
        whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
        whb_hit(f, 72, WHB_CONFIDENCE_MEDIUM);
    }
}

static void rule_adapter_disabled(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *c = whb_first_cause(in);
    if (!s.past || !c || c->kind != K(ADMIN_DOWN) || c->at_ms > whb_cause_until(&s))
        return;
    const struct whb_hist_event *u = whb_first_in(in, K(ADMIN_UP), c->at_ms, s.end + SLACK_MS);
    char dur[32];
    whb_evidence_event(f, in, c, "adapter %s disabled on the machine", c->adapter);
    if (u) {
        whb_evidence_event(f, in, u, "adapter %s enabled again", u->adapter);
        duration(u->at_ms - c->at_ms, dur, sizeof(dur));
        whb_say(f->summary, "adapter %s disabled for %s", c->adapter, dur);
    } else {
        whb_say(f->summary, "adapter %s disabled", c->adapter);
    }
    whb_say(f->why, "the machine itself set the adapter administratively down");
    whb_hit(f, 87, WHB_CONFIDENCE_HIGH);
}

static const struct whb_rule rules[] = {
    {"collector down", WHB_REASON_COLLECTOR_UNAVAILABLE,
     "the collector's own downtime before the next report was due, an error answer from it, or "
     "the whole fleet silent at once",
     rule_collector},
    {"last gasp: hibernate", WHB_REASON_HIBERNATION,
     "HIBERNATE as the last word (or a SUSPEND that resumed from hibernation)", rule_hibernate},
    {"last gasp: sleep", WHB_REASON_SLEEP,
     "SUSPEND as the last word; in a gap, SLEEP_DETECTED from when it began", rule_sleep},
    {"last gasp: shutdown", WHB_REASON_TURNED_OFF,
     "SHUTDOWN as the last word, or a suspend that came back as a hybrid boot (Fast Startup)",
     rule_shutdown},
    {"last gasp: agent stop", WHB_REASON_AGENT_STOPPED, "AGENT_STOP as the last word",
     rule_agent_stop},
    {"agent died", WHB_REASON_AGENT_CRASHED,
     "on return, UNCLEAN_STOP in the same boot, last alive when the silence began",
     rule_agent_crash},
    {"power loss", WHB_REASON_TURNED_OFF,
     "on return, UNCLEAN_STOP of the previous boot, last alive when the silence began",
     rule_power_loss},
    {"restarted, unrecorded (new boot)", WHB_REASON_TURNED_OFF,
     "on return, AGENT_START in a new boot with no gasp, no UNCLEAN_STOP and nothing before it "
     "(the agent's state lost)",
     rule_off_unrecorded},
    {"restarted, unrecorded (same boot)", WHB_REASON_AGENT_CRASHED,
     "on return, AGENT_START in the same boot with no gasp, no UNCLEAN_STOP and nothing before "
     "it (the agent's state lost)",
     rule_agent_unrecorded},
    {"adapter disabled", WHB_REASON_ADAPTER_DISABLED, "ADMIN_DOWN as the first cause",
     rule_adapter_disabled},
    {"moved", WHB_REASON_REMOVED, "back on another switch, port or subnet than before",
     whb_rule_removed},
    {"switch: port disabled", WHB_REASON_PORT_DISABLED,
     "the switch says the port was shut or err-disabled when the silence began",
     whb_rule_switch_port_disabled},
    {"switch: port closed after a last gasp", WHB_REASON_PORT_DISABLED,
     "the switch says the port was shut or err-disabled after the machine announced its sleep, "
     "hibernation or shutdown (now: still closed; a gap: back without its link behind it)",
     whb_rule_switch_closed_since},
    {"switch: 802.1X failed", WHB_REASON_PORT_DISABLED,
     "the switch says the computer's wired 802.1X authentication failed on its port",
     whb_rule_switch_dot1x},
    {"switch: link lost, port enabled", WHB_REASON_CABLE_UNPLUGGED,
     "the switch says the port lost its link with the port enabled", whb_rule_switch_link_lost},
    {"switch: port up with link", WHB_REASON_AGENT_CRASHED,
     "now: the switch reads the port up with the machine's link at its speed",
     whb_rule_switch_link_up},
    {"switch: ports up, whole switch silent", WHB_REASON_LOST_CONNECTIVITY,
     "now: the port up with its link while every known machine on the switch is silent",
     whb_rule_switch_path},
    {"switch: link slower (Wake-on-LAN)", WHB_REASON_TURNED_OFF,
     "now: the port keeps the machine's link, renegotiated to a lower speed",
     whb_rule_switch_wake_on_lan},
    {"flapping link", WHB_REASON_FAULTY_ADAPTER,
     "3+ CARRIER_LOST in the half hour up to the silence, or LINK_ERRORS", whb_rule_flapping},
    {"ports down together", WHB_REASON_PORT_DISABLED,
     "CARRIER_LOST as the first cause while neighbours on the switch went silent too",
     whb_rule_ports},
    {"carrier lost alone", WHB_REASON_CABLE_UNPLUGGED,
     "CARRIER_LOST as the first cause, no neighbour on the switch silent", whb_rule_carrier},
    {"adapter removed, back in place", WHB_REASON_REMOVED,
     "in a gap, ADAPTER_REMOVED as the first cause (a dock's adapter), added again where it was",
     whb_rule_adapter_removed},
    {"address or route lost", WHB_REASON_LOST_CONNECTIVITY,
     "NETWORK_CHANGED to no address or no gateway with the link up", whb_rule_address},
    {"wireless failures", WHB_REASON_WIRELESS_ASSOCIATION,
     "WIFI_ASSOC_FAILED / WIFI_DISCONNECTED with their codes, or not associated",
     whb_rule_wireless},
    {"network path", WHB_REASON_LOST_CONNECTIVITY,
     "undelivered reports spooled with the link up, alone or with neighbours",
     whb_rule_network_path},
    {"neighbours silent (switch)", WHB_REASON_PORT_DISABLED,
     "now: 2+ machines on the switch silent together while others on it report",
     whb_rule_switch_now},
    {"neighbours silent (whole switch)", WHB_REASON_LOST_CONNECTIVITY,
     "now: every known machine on the switch silent together", whb_rule_whole_switch_now},
    {"neighbours silent (access point)", WHB_REASON_WIRELESS_ASSOCIATION,
     "now: 2+ machines on the access point silent together", whb_rule_ap_now},
    {"neighbours silent (subnet)", WHB_REASON_LOST_CONNECTIVITY,
     "now: 3+ machines in the subnet silent together", whb_rule_subnet_now},
    {"subnets silent, collector serving", WHB_REASON_LOST_CONNECTIVITY,
     "3+ machines in 2+ subnets silent together while the collector stored others' reports",
     whb_rule_fleet_path},
    {"silent, no last gasp", WHB_REASON_LOST_CONNECTIVITY, "now: silence without any of the above",
     whb_rule_silent},
};

const struct whb_rule *whb_rules(size_t *n)
{
    *n = sizeof(rules) / sizeof(rules[0]);
    return rules;
}
