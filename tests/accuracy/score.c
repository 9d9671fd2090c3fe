/* Scoring: each answer against the truth (right, honest "unknown", wrong, high and wrong,
 * over-confident where the evidence cannot decide, alternatives missing), a confusion matrix
 * per phase, calibration of "high" and "medium", stability of past answers, and a few
 * replayable examples of each failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc.h"

#define MAX_LABELS   40
#define MAX_EXAMPLES 64
#define MAX_SCEN     128

enum fail {
    F_HIGH_WRONG,
    F_OVERCONFIDENT,
    F_WRONG,
    F_MISSING_ALT,
    F_UNKNOWN_MISSED,
    F_NO_GAP,
    F_UNSTABLE,
    F_DRIFT_RESTART,
    F_WRONG_PLACE,
    F_COLLECTOR_SERVED,
    F_SW_NOT_HIGH,
    F_COUNT_
};

static const char *fail_names[F_COUNT_] = {
    "high confidence and wrong",
    "indistinguishable causes answered with high confidence",
    "wrong reason (low/medium)",
    "right reason, the other possible causes missing from the alternatives",
    "unknown although the evidence was there",
    "no gap stored for a silence",
    "past answer changed later",
    "answer changed across a collector restart",
    "wrong place (the next step sends a team where the fault is not)",
    "collector blamed while it served others",
    "the switch said the port was closed, the answer is not port_disabled high",
};

struct phase_score {
    unsigned total, right, unknown_honest, unknown_missed, wrong, wrong_high, overconfident,
        missing_alt, no_gap;
    unsigned mat[MAX_LABELS][MAX_LABELS];
};

struct acc_score {
    char labels[MAX_LABELS][40];
    int n_labels;
    struct phase_score ph[PHASE_COUNT_];
    unsigned conf_n[3], conf_right[3];
    unsigned stable_n, unstable;
    unsigned timelines, not_silent;
    char *examples[F_COUNT_][MAX_EXAMPLES];
    char keys[F_COUNT_][MAX_EXAMPLES][96];
    unsigned n_fail[F_COUNT_];
    const char *scen[MAX_SCEN];
    unsigned scen_n[MAX_SCEN][PHASE_COUNT_], scen_ok[MAX_SCEN][PHASE_COUNT_];
    int n_scen;
    /* Class switch: questions whose answer changes with the switch's word, how many were asked
     * once it had reached the collector, right then, and of those that settle the cause (a
     * closed port), answered with it at high confidence. */
    unsigned sw_items, sw_heard, sw_right, sw_settled, sw_settled_high;
    /* Issue 21's figures, over every answer and per class. */
    struct class_score {
        unsigned timelines, asked, ok, headline, wrong_high, wrong_place, coll_served, drift_past,
            drift_restart, drift_n;
    } cls[CLASS_COUNT_ + 1]; /* [CLASS_COUNT_]: all of them */
};

static const struct {
    const char *id, *abbr;
} abbrs[] = {{"turned_off", "OFF"},
             {"lost_connectivity", "LOST"},
             {"cable_unplugged", "CABL"},
             {"faulty_adapter", "FAUL"},
             {"port_disabled", "PORT"},
             {"wireless_association", "WIFI"},
             {"hibernation", "HIB"},
             {"removed", "REMV"},
             {"adapter_disabled", "ADIS"},
             {"sleep", "SLP"},
             {"wsus_unavailable", "W503"},
             {"wsus_unreachable", "WUNR"},
             {"update_service_stopped", "WUAU"},
             {"update_service_disabled", "WDIS"},
             {"update_client_elsewhere", "WELS"},
             {"wsus_policy_lost", "WGPO"},
             {"duplicate_wsus_identity", "WDUP"},
             {"update_scan_failing", "WSCN"},
             {"restart_pending", "RBOO"},
             {"clock_off", "CLCK"},
             {"agent_stopped", "ASTP"},
             {"agent_crashed", "ACRS"},
             {"collector_unavailable", "COLL"},
             {"no_agent", "NOAG"},
             {"reporting", "REP"},
             {"unknown", "UNKN"},
             {"(no gap)", "NOGP"}};

static const char *abbr(const char *id)
{
    for (size_t i = 0; i < sizeof(abbrs) / sizeof(abbrs[0]); i++)
        if (strcmp(abbrs[i].id, id) == 0)
            return abbrs[i].abbr;
    return id;
}

static int label(struct acc_score *s, const char *id)
{
    for (int i = 0; i < s->n_labels; i++)
        if (strcmp(s->labels[i], id) == 0)
            return i;
    if (s->n_labels >= MAX_LABELS)
        return MAX_LABELS - 1;
    snprintf(s->labels[s->n_labels], sizeof(s->labels[0]), "%s", id);
    return s->n_labels++;
}

struct acc_score *acc_score_new(void)
{
    struct acc_score *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    /* Columns in the catalog's order, the rest as they come. */
    for (size_t i = 0; i < sizeof(abbrs) / sizeof(abbrs[0]); i++)
        label(s, abbrs[i].id);
    return s;
}

void acc_score_free(struct acc_score *s)
{
    if (!s)
        return;
    for (int f = 0; f < F_COUNT_; f++)
        for (int i = 0; i < MAX_EXAMPLES; i++)
            free(s->examples[f][i]);
    free(s);
}

static int in_set(const struct acc_item *it, const char *id)
{
    for (int i = 0; i < it->n_accept; i++)
        if (strcmp(it->accept[i], id) == 0)
            return 1;
    return 0;
}

static int conf_level(const char *c)
{
    return strcmp(c, "high") == 0 ? 2 : strcmp(c, "medium") == 0 ? 1 : 0;
}

/* One line per item, enough to turn it into a table case. */
static void describe(const struct acc_timeline *tl, const struct acc_item *it, char *buf,
                     size_t len)
{
    const struct acc_world *w = &tl->w;
    size_t o = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (o < len)                                                                               \
            o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);                                  \
    } while (0)
    PUT("--seed %llu --only %u  %s %s| %s %s at +%llds", (unsigned long long)tl->seed, tl->index,
        tl->scenario, tl->modifiers, it->machine >= 0 ? w->m[it->machine].fqdn : "pc-ghost",
        it->phase == PHASE_HISTORY ? "history"
        : it->phase == PHASE_BACK  ? "why (back)"
                                   : "why",
        (long long)((it->ask_at - w->t0) / 1000));
    if (it->phase != PHASE_NOW)
        PUT(" (silence +%llds..+%llds)", (long long)((it->inc_start - w->t0) / 1000),
            (long long)((it->inc_end - w->t0) / 1000));
    PUT("\n      truth %s", it->truth);
    if (it->n_accept > 1) {
        PUT(" {");
        for (int i = 0; i < it->n_accept; i++)
            PUT("%s%s", i ? "," : "", it->accept[i]);
        PUT("}%s", it->capped ? " at most medium" : "");
    }
    PUT("\n      answer %s (%s)", it->answer, it->confidence);
    if (it->n_alts) {
        PUT(" also");
        for (int i = 0; i < it->n_alts; i++)
            PUT(" %s", it->alts[i]);
    }
    if (it->later[0])
        PUT("; asked again at the end: %s (%s)", it->later, it->later_conf);
    if (it->summary[0])
        PUT("\n      summary %s", it->summary);
    if (it->step[0])
        PUT("\n      next step %s", it->step);
    for (int i = 0; i < it->n_evidence; i++)
        PUT("\n      evidence %s", it->evidence[i]);
#undef PUT
}

void acc_item_print(const struct acc_timeline *tl, const struct acc_item *it)
{
    char buf[2048];
    describe(tl, it, buf, sizeof(buf));
    printf("  ASKED %s\n", buf);
}

static void fail(struct acc_score *s, enum fail f, const struct acc_timeline *tl,
                 const struct acc_item *it)
{
    unsigned k = s->n_fail[f]++;
    /* One example per scenario, question and truth, so that the few printed differ. */
    char key[sizeof(s->keys[0][0])];
    snprintf(key, sizeof(key), "%s|%d|%s", tl->scenario, (int)it->phase, it->truth);
    for (k = 0; k < MAX_EXAMPLES && s->examples[f][k]; k++)
        if (strcmp(s->keys[f][k], key) == 0)
            return;
    if (k >= MAX_EXAMPLES)
        return;
    memcpy(s->keys[f][k], key, sizeof(key));
    char buf[2048];
    describe(tl, it, buf, sizeof(buf));
    s->examples[f][k] = strdup(buf);
}

static int scen_index(struct acc_score *s, const char *name)
{
    for (int i = 0; i < s->n_scen; i++)
        if (strcmp(s->scen[i], name) == 0)
            return i;
    if (s->n_scen >= MAX_SCEN)
        return MAX_SCEN - 1;
    s->scen[s->n_scen] = name;
    return s->n_scen++;
}

/* Where a cause sends someone when it is the truth. */
static unsigned place_of(const char *reason)
{
    static const char *const network[] = {"port_disabled", "wireless_association",
                                          "lost_connectivity"};
    if (strcmp(reason, "reporting") == 0)
        return PLACE_NONE;
    if (strcmp(reason, "collector_unavailable") == 0)
        return PLACE_COLLECTOR;
    if (strncmp(reason, "wsus_", 5) == 0)
        return PLACE_WSUS;
    for (size_t i = 0; i < sizeof(network) / sizeof(network[0]); i++)
        if (strcmp(reason, network[i]) == 0)
            return PLACE_NETWORK | PLACE_MACHINE;
    return PLACE_MACHINE;
}

/* Where the fault may be sent to: the truth's place, and those of the other answers the item
 * accepts (the world made them as likely), but the network's for a machine's own fault: a
 * port is in the set of a silent machine only because one machine cannot tell, and a team
 * sent to it for a crash or a pulled cable is sent astray. */
static unsigned truth_places(const struct acc_item *it)
{
    if (it->places)
        return it->places;
    unsigned own = place_of(it->truth), p = own;
    for (int i = 0; i < it->n_accept; i++)
        p |= place_of(it->accept[i]) & (own == PLACE_MACHINE ? ~(unsigned)PLACE_NETWORK : ~0u);
    return p;
}

/* Where the answer's next step sends someone, read as an admin reads it: the collector's admin,
 * the WSUS admin, the network team, or the admin to the machine (nothing, when it reports). */
static unsigned answer_place(const struct acc_item *it)
{
    char low[sizeof(it->step)];
    size_t i = 0;
    for (; it->step[i] && i + 1 < sizeof(low); i++)
        low[i] = (char)(it->step[i] >= 'A' && it->step[i] <= 'Z' ? it->step[i] + 32 : it->step[i]);
    low[i] = '\0';
    if (strcmp(it->answer, "reporting") == 0 || it->answer[0] == '(')
        return PLACE_NONE;
    if (strcmp(it->answer, "collector_unavailable") == 0)
        return PLACE_COLLECTOR;
    if (strncmp(it->answer, "wsus_", 5) == 0)
        return PLACE_WSUS;
    /* "network team: switch ..." is a dispatch; "check with your network team" is advice. */
    return strstr(low, "network team:") ? PLACE_NETWORK : PLACE_MACHINE;
}

static int wrong_place(const struct acc_item *it)
{
    unsigned a = answer_place(it), t = truth_places(it);
    /* An admin sent to a healthy machine is a wrong answer, not a team sent astray. */
    if (a == PLACE_NONE || t == PLACE_NONE)
        return 0;
    /* One machine's silence checked on site is the honest default, except where the fault is
     * the collector's or WSUS's own. */
    if (a == PLACE_MACHINE && !(t & (PLACE_COLLECTOR | PLACE_WSUS)))
        return 0;
    return !(a & t);
}

static void class_add(struct acc_score *s, enum acc_class c, const struct acc_item *it, int ok,
                      int high_wrong, int misplaced, int coll, int drift_past, int drift_restart,
                      int drift_n)
{
    struct class_score *k[2] = {&s->cls[c], &s->cls[CLASS_COUNT_]};
    for (int i = 0; i < 2; i++) {
        k[i]->asked++;
        k[i]->ok += (unsigned)ok;
        k[i]->headline += strcmp(it->answer, it->truth) == 0;
        k[i]->wrong_high += (unsigned)high_wrong;
        k[i]->wrong_place += (unsigned)misplaced;
        k[i]->coll_served += (unsigned)coll;
        k[i]->drift_past += (unsigned)drift_past;
        k[i]->drift_restart += (unsigned)drift_restart;
        k[i]->drift_n += (unsigned)drift_n;
    }
}

static void add_item(struct acc_score *s, const struct acc_timeline *tl, const struct acc_item *it)
{
    struct phase_score *p = &s->ph[it->phase];
    int sc = scen_index(s, tl->scenario);
    p->total++;
    s->scen_n[sc][it->phase]++;
    p->mat[label(s, it->truth)][label(s, it->answer)]++;
    int high = conf_level(it->confidence) == 2, ok = 0;
    int member = in_set(it, it->answer);
    if (strcmp(it->answer, "(no gap)") == 0) {
        p->no_gap++;
        fail(s, F_NO_GAP, tl, it);
    } else if (strcmp(it->answer, "unknown") == 0) {
        if (it->capped)
            p->unknown_honest++, ok = 1;
        else {
            p->unknown_missed++;
            fail(s, F_UNKNOWN_MISSED, tl, it);
        }
    } else if (member && it->capped && high) {
        p->overconfident++;
        p->wrong_high++;
        fail(s, F_OVERCONFIDENT, tl, it);
    } else if (member) {
        int alts = 0;
        for (int i = 0; i < it->n_alts; i++)
            alts += strcmp(it->alts[i], it->answer) != 0 && in_set(it, it->alts[i]);
        if (alts < it->alt_need) {
            p->missing_alt++;
            fail(s, F_MISSING_ALT, tl, it);
        } else {
            p->right++;
            ok = 1;
        }
    } else {
        p->wrong++;
        if (high) {
            p->wrong_high++;
            fail(s, F_HIGH_WRONG, tl, it);
        } else {
            fail(s, F_WRONG, tl, it);
        }
    }
    s->scen_ok[sc][it->phase] += (unsigned)ok;
    if (strcmp(it->answer, "unknown") != 0 && it->answer[0] != '(') {
        int c = conf_level(it->confidence);
        s->conf_n[c]++;
        s->conf_right[c] += (unsigned)(member && !(it->capped && high));
    }
    int drift_past = 0, drift_restart = 0, drift_n = 0;
    if (it->phase == PHASE_HISTORY && it->later[0]) {
        s->stable_n++;
        drift_n = 1;
        if (strcmp(it->later, it->answer) != 0 || strcmp(it->later_conf, it->confidence) != 0) {
            s->unstable++;
            drift_past = 1;
            fail(s, F_UNSTABLE, tl, it);
        }
    }
    if (it->same_as > 0 && it->same_as <= tl->n_items && tl->items[it->same_as - 1].asked == 1) {
        const struct acc_item *b = &tl->items[it->same_as - 1];
        drift_n = 1;
        if (strcmp(b->answer, it->answer) != 0 || strcmp(b->confidence, it->confidence) != 0) {
            drift_restart = 1;
            fail(s, F_DRIFT_RESTART, tl, it);
        }
    }
    int misplaced = wrong_place(it);
    if (misplaced)
        fail(s, F_WRONG_PLACE, tl, it);
    int coll = strcmp(it->answer, "collector_unavailable") == 0 && it->served_others;
    if (coll)
        fail(s, F_COLLECTOR_SERVED, tl, it);
    if (it->sw_word) {
        s->sw_items++;
        if (it->sw_heard) {
            s->sw_heard++;
            s->sw_right += (unsigned)ok;
            if (!it->capped) {
                s->sw_settled++;
                int settled = high && strcmp(it->answer, it->truth) == 0;
                s->sw_settled_high += (unsigned)settled;
                if (!settled)
                    fail(s, F_SW_NOT_HIGH, tl, it);
            }
        }
    }
    int high_wrong = high && (!member || it->capped) && strcmp(it->answer, "unknown") != 0 &&
                     it->answer[0] != '(';
    class_add(s, tl->cls, it, ok, high_wrong, misplaced, coll, drift_past, drift_restart, drift_n);
}

/* WHB_ACC_ANSWERS=file: one line per question asked (timeline, question, answer), so that two
 * runs of one seed that differ in a knob (WHB_ACC_PACK) can be compared answer by answer. */
static void dump_answers(const struct acc_timeline *tl)
{
    static FILE *out;
    static int opened;
    if (!opened) {
        const char *path = getenv("WHB_ACC_ANSWERS");
        opened = 1;
        out = path && path[0] ? fopen(path, "w") : NULL;
    }
    if (!out)
        return;
    for (int i = 0; i < tl->n_items; i++) {
        const struct acc_item *it = &tl->items[i];
        if (it->asked != 1)
            continue;
        fprintf(out, "%llu %u %d %s %s %lld %s %s %s %s\n", (unsigned long long)tl->seed, tl->index,
                i,
                it->phase == PHASE_HISTORY ? "history"
                : it->phase == PHASE_BACK  ? "back"
                                           : "now",
                it->machine >= 0 ? tl->w.m[it->machine].fqdn : "pc-ghost",
                (long long)((it->inc_start - tl->w.t0) / 1000), it->answer, it->confidence,
                it->later[0] ? it->later : "-", it->later[0] ? it->later_conf : "-");
    }
    fflush(out);
}

void acc_score_add(struct acc_score *s, const struct acc_timeline *tl)
{
    dump_answers(tl);
    s->timelines++;
    s->cls[tl->cls].timelines++;
    s->cls[CLASS_COUNT_].timelines++;
    for (int i = 0; i < tl->n_items; i++) {
        if (tl->items[i].asked == 1)
            add_item(s, tl, &tl->items[i]);
        else if (tl->items[i].asked == -2 && s->not_silent++ < 3)
            fprintf(stderr,
                    "whb-accuracy: generator check: --seed %llu --only %u: %s still "
                    "reported when asked as silent\n",
                    (unsigned long long)tl->seed, tl->index, tl->w.m[tl->items[i].machine].fqdn);
    }
}

static double pct(unsigned a, unsigned b)
{
    return b ? 100.0 * a / b : 100.0;
}

static int classes_run(const struct acc_score *s)
{
    int n = 0;
    for (int c = 0; c < CLASS_COUNT_; c++)
        n += s->cls[c].timelines > 0;
    return n;
}

static void print_matrix(const struct acc_score *s, enum acc_phase ph)
{
    const struct phase_score *p = &s->ph[ph];
    int used[MAX_LABELS] = {0}, rows[MAX_LABELS] = {0};
    for (int r = 0; r < s->n_labels; r++)
        for (int c = 0; c < s->n_labels; c++)
            if (p->mat[r][c])
                used[c] = rows[r] = 1;
    static const char *what[PHASE_COUNT_] = {"while silent (why)", "after return (history)",
                                             "once back (why)"};
    printf("\nconfusion matrix, %s (rows: truth, columns: answer)\n%-24s", what[ph], "");
    for (int c = 0; c < s->n_labels; c++)
        if (used[c])
            printf("%5.4s", abbr(s->labels[c]));
    printf("\n");
    for (int r = 0; r < s->n_labels; r++) {
        if (!rows[r])
            continue;
        printf("%-19.19s %4.4s", s->labels[r], abbr(s->labels[r]));
        for (int c = 0; c < s->n_labels; c++)
            if (used[c]) {
                if (p->mat[r][c])
                    printf("%5u", p->mat[r][c]);
                else
                    printf("%5s", ".");
            }
        printf("\n");
    }
}

static void print_phase(const struct acc_score *s, enum acc_phase ph)
{
    const struct phase_score *p = &s->ph[ph];
    printf("%-8s %6u asked: right %u, unknown where indistinguishable %u (%.1f %% right or "
           "honest); wrong %u, high and wrong %u (of which over-confident %u), alternatives "
           "missing %u, unknown with evidence %u, no gap %u\n",
           ph == PHASE_NOW       ? "why"
           : ph == PHASE_HISTORY ? "history"
                                 : "why back",
           p->total, p->right, p->unknown_honest, pct(p->right + p->unknown_honest, p->total),
           p->wrong + p->overconfident, p->wrong_high, p->overconfident, p->missing_alt,
           p->unknown_missed, p->no_gap);
}

int acc_score_print(const struct acc_score *s, unsigned examples)
{
    const struct phase_score *now = &s->ph[PHASE_NOW], *hist = &s->ph[PHASE_HISTORY];
    printf("legend:");
    for (int i = 0; i < s->n_labels; i++)
        printf(" %s=%s", abbr(s->labels[i]), s->labels[i]);
    printf("\n");
    print_matrix(s, PHASE_NOW);
    print_matrix(s, PHASE_HISTORY);
    print_matrix(s, PHASE_BACK);

    printf("\nper scenario (right or honest / asked)      why        history     why back\n");
    for (int i = 0; i < s->n_scen; i++)
        printf("  %-28s %5u/%-5u  %5u/%-5u  %5u/%-5u\n", s->scen[i], s->scen_ok[i][PHASE_NOW],
               s->scen_n[i][PHASE_NOW], s->scen_ok[i][PHASE_HISTORY], s->scen_n[i][PHASE_HISTORY],
               s->scen_ok[i][PHASE_BACK], s->scen_n[i][PHASE_BACK]);

    if (examples) {
        for (int f = 0; f < F_COUNT_; f++) {
            if (!s->n_fail[f])
                continue;
            printf("\n%s: %u, for example:\n", fail_names[f], s->n_fail[f]);
            for (unsigned i = 0; i < examples && i < MAX_EXAMPLES && s->examples[f][i]; i++)
                printf("  %s\n", s->examples[f][i]);
        }
    }

    unsigned wrong_high = now->wrong_high + hist->wrong_high + s->ph[PHASE_BACK].wrong_high;
    double p_now = pct(now->right + now->unknown_honest, now->total);
    double p_hist = pct(hist->right + hist->unknown_honest, hist->total);
    double p_back = pct(s->ph[PHASE_BACK].right, s->ph[PHASE_BACK].total);
    double p_high = pct(s->conf_right[2], s->conf_n[2]);
    double p_med = pct(s->conf_right[1], s->conf_n[1]);
    printf("\n%u timelines\n", s->timelines);
    print_phase(s, PHASE_NOW);
    print_phase(s, PHASE_HISTORY);
    print_phase(s, PHASE_BACK);
    printf("calibration: high right %u/%u (%.1f %%), medium %u/%u (%.1f %%), low %u/%u (%.1f "
           "%%)\n",
           s->conf_right[2], s->conf_n[2], p_high, s->conf_right[1], s->conf_n[1], p_med,
           s->conf_right[0], s->conf_n[0], pct(s->conf_right[0], s->conf_n[0]));
    printf("stability: %u of %u past answers changed when asked again later\n", s->unstable,
           s->stable_n);
    if (s->sw_items)
        printf("switch's word: heard before %u of %u questions it would settle or narrow; right "
               "with it %u (%.1f %%); a closed port said so: port_disabled high %u of %u "
               "(%.1f %%)\n",
               s->sw_heard, s->sw_items, s->sw_right, pct(s->sw_right, s->sw_heard),
               s->sw_settled_high, s->sw_settled, pct(s->sw_settled_high, s->sw_settled));
    printf("\nper class     timelines  asked  right or honest  headline right  high wrong  "
           "wrong place  collector blamed  drift\n");
    for (int c = 0; c <= CLASS_COUNT_; c++) {
        const struct class_score *k = &s->cls[c];
        if (!k->timelines || (c == CLASS_COUNT_ && classes_run(s) == 1))
            continue;
        printf("  %-13s %7u %6u  %6.1f %%         %6.1f %%       %5u  %5u (%.2f %%)  %8u     "
               "%3u of %u\n",
               acc_class_name((enum acc_class)c), k->timelines, k->asked, pct(k->ok, k->asked),
               pct(k->headline, k->asked), k->wrong_high, k->wrong_place,
               pct(k->wrong_place, k->asked), k->coll_served, k->drift_past + k->drift_restart,
               k->drift_n);
    }
    const struct class_score *every = &s->cls[CLASS_COUNT_];
    struct {
        const char *what;
        int met;
        char got[48];
    } goals[] = {
        {"high confidence and wrong = 0", wrong_high == 0, ""},
        {"right while silent >= 95 %", p_now >= 95.0, ""},
        {"right after return >= 99 %", p_hist >= 99.0, ""},
        {"once back, why right >= 99 %", p_back >= 99.0, ""},
        {"high right >= 99 %", p_high >= 99.0, ""},
        {"medium right >= 80 %", p_med >= 80.0, ""},
        {"past answers stable", s->unstable == 0, ""},
        {"drift = 0 (past, across restarts)", every->drift_past + every->drift_restart == 0, ""},
        {"collector blamed while serving = 0", every->coll_served == 0, ""},
        {"wrong place <= 1 %", pct(every->wrong_place, every->asked) <= 1.0, ""},
        {"right or honest (all) >= 99 %", pct(every->ok, every->asked) >= 99.0, ""},
        {"switch said closed: high >= 99 %",
         !s->sw_settled || pct(s->sw_settled_high, s->sw_settled) >= 99.0, ""},
    };
    snprintf(goals[0].got, sizeof(goals[0].got), "%u", wrong_high);
    snprintf(goals[1].got, sizeof(goals[1].got), "%.1f %%", p_now);
    snprintf(goals[2].got, sizeof(goals[2].got), "%.1f %%", p_hist);
    snprintf(goals[3].got, sizeof(goals[3].got), "%.1f %%", p_back);
    snprintf(goals[4].got, sizeof(goals[4].got), "%.1f %%", p_high);
    snprintf(goals[5].got, sizeof(goals[5].got), "%.1f %%", p_med);
    snprintf(goals[6].got, sizeof(goals[6].got), "%u changed", s->unstable);
    snprintf(goals[7].got, sizeof(goals[7].got), "%u past, %u across restarts", every->drift_past,
             every->drift_restart);
    snprintf(goals[8].got, sizeof(goals[8].got), "%u", every->coll_served);
    snprintf(goals[9].got, sizeof(goals[9].got), "%.2f %% (%u of %u)",
             pct(every->wrong_place, every->asked), every->wrong_place, every->asked);
    snprintf(goals[10].got, sizeof(goals[10].got), "%.1f %% (headline right %.1f %%)",
             pct(every->ok, every->asked), pct(every->headline, every->asked));
    if (s->sw_settled)
        snprintf(goals[11].got, sizeof(goals[11].got), "%.1f %% (%u of %u)",
                 pct(s->sw_settled_high, s->sw_settled), s->sw_settled_high, s->sw_settled);
    else
        snprintf(goals[11].got, sizeof(goals[11].got), "no switch's word asked");
    int all = s->not_silent == 0;
    if (s->not_silent)
        printf("generator check: %u machines still reported when asked as silent (not scored)\n",
               s->not_silent);
    printf("goals:\n");
    for (size_t i = 0; i < sizeof(goals) / sizeof(goals[0]); i++) {
        printf("  %-4s %-32s %s\n", goals[i].met ? "met" : "MISS", goals[i].what, goals[i].got);
        all &= goals[i].met;
    }
    return all;
}
