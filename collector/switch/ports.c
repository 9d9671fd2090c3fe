/* Implementation of ports.h: switches in a fixed array found by a hash of their names; each
 * switch's ports in a growing array (up to max_ports) found by hashes of their key and their
 * ifIndex. Entries are never removed, only merged (marked dead), so indexes stay valid. */
#include "ports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* A trap whose sysUpTime is older than the state's by less than this came late (informs are
 * retried for tens of seconds); more, and the switch has restarted since: its clock began
 * again. */
#define LATE_MAX_CS (120u * 100u)

struct index {
    uint32_t *slot; /* entry + 1; 0 = empty */
    uint32_t mask;
    uint32_t used; /* slots taken, stale ones (renamed, merged ports) included */
};

struct sw {
    struct whb_switch_info info;
    struct whb_switch_port *ports;
    unsigned cap;
    struct index by_key, by_ifindex;
};

struct whb_switch_ports {
    struct sw *sws;
    unsigned n, max_sw, max_ports;
    struct index by_name;
};

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint32_t hash_int(int32_t v)
{
    uint32_t h = (uint32_t)v * 2654435761u;
    return h ^ (h >> 16);
}

static int index_init(struct index *ix, unsigned entries)
{
    uint32_t size = 16;
    while (size < entries * 2u)
        size <<= 1;
    ix->slot = calloc(size, sizeof(uint32_t));
    ix->mask = size - 1;
    ix->used = 0;
    return ix->slot ? 0 : WHB_ENOMEM;
}

static void index_put(struct index *ix, uint32_t h, unsigned entry)
{
    uint32_t i = h & ix->mask;
    while (ix->slot[i])
        i = (i + 1) & ix->mask;
    ix->slot[i] = entry + 1;
    ix->used++;
}

struct whb_switch_ports *whb_switch_ports_new(unsigned max_switches, unsigned max_ports)
{
    struct whb_switch_ports *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->max_sw = max_switches ? max_switches : 1;
    t->max_ports = max_ports ? max_ports : 1;
    t->sws = calloc(t->max_sw, sizeof(struct sw));
    if (!t->sws || index_init(&t->by_name, t->max_sw) != 0) {
        whb_switch_ports_free(t);
        return NULL;
    }
    return t;
}

void whb_switch_ports_free(struct whb_switch_ports *t)
{
    if (!t)
        return;
    for (unsigned i = 0; t->sws && i < t->n; i++) {
        free(t->sws[i].ports);
        free(t->sws[i].by_key.slot);
        free(t->sws[i].by_ifindex.slot);
    }
    free(t->sws);
    free(t->by_name.slot);
    free(t);
}

static struct sw *find_switch(const struct whb_switch_ports *t, const char *name)
{
    for (uint32_t i = hash_str(name) & t->by_name.mask; t->by_name.slot[i];
         i = (i + 1) & t->by_name.mask) {
        struct sw *s = &t->sws[t->by_name.slot[i] - 1];
        if (strcmp(s->info.name, name) == 0)
            return s;
    }
    return NULL;
}

static struct sw *add_switch(struct whb_switch_ports *t, const char *name)
{
    if (t->n == t->max_sw)
        return NULL;
    struct sw *s = &t->sws[t->n];
    memset(s, 0, sizeof(*s));
    if (index_init(&s->by_key, 8) != 0 || index_init(&s->by_ifindex, 8) != 0) {
        free(s->by_key.slot);
        free(s->by_ifindex.slot);
        return NULL;
    }
    whb_switch_text(s->info.name, sizeof(s->info.name), name, strlen(name));
    index_put(&t->by_name, hash_str(s->info.name), t->n);
    t->n++;
    return s;
}

static struct whb_switch_port *by_key(const struct sw *s, const char *key)
{
    for (uint32_t i = hash_str(key) & s->by_key.mask; s->by_key.slot[i];
         i = (i + 1) & s->by_key.mask) {
        struct whb_switch_port *p = &s->ports[s->by_key.slot[i] - 1];
        if (!p->dead && strcmp(p->key, key) == 0)
            return p;
    }
    return NULL;
}

static struct whb_switch_port *by_ifindex(const struct sw *s, int32_t ifindex)
{
    for (uint32_t i = hash_int(ifindex) & s->by_ifindex.mask; s->by_ifindex.slot[i];
         i = (i + 1) & s->by_ifindex.mask) {
        struct whb_switch_port *p = &s->ports[s->by_ifindex.slot[i] - 1];
        if (!p->dead && p->ifindex == ifindex)
            return p;
    }
    return NULL;
}

/* Makes room for the slots one event may take (a new port, a name, an ifIndex): both indexes
 * rebuilt from the live ports, which drops stale slots, at a size that keeps them at most half
 * full. Without it renames would fill an index and its probes would never end. */
static int make_room(struct sw *s)
{
    const uint32_t need = 3;
    if ((s->by_key.used + need) * 2 <= s->by_key.mask + 1 &&
        (s->by_ifindex.used + need) * 2 <= s->by_ifindex.mask + 1)
        return 0;
    struct index k, x;
    if (index_init(&k, s->info.n_ports + need) != 0)
        return WHB_ENOMEM;
    if (index_init(&x, s->info.n_ports + need) != 0) {
        free(k.slot);
        return WHB_ENOMEM;
    }
    for (unsigned i = 0; i < s->info.n_ports; i++) {
        const struct whb_switch_port *p = &s->ports[i];
        if (p->dead)
            continue;
        if (p->key[0])
            index_put(&k, hash_str(p->key), i);
        if (p->ifindex)
            index_put(&x, hash_int(p->ifindex), i);
    }
    free(s->by_key.slot);
    free(s->by_ifindex.slot);
    s->by_key = k;
    s->by_ifindex = x;
    return 0;
}

static struct whb_switch_port *add_port(struct whb_switch_ports *t, struct sw *s)
{
    if (s->info.n_ports == t->max_ports)
        return NULL;
    if (s->info.n_ports == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 16;
        if (cap > t->max_ports)
            cap = t->max_ports;
        struct whb_switch_port *np = realloc(s->ports, cap * sizeof(*np));
        if (!np)
            return NULL;
        s->ports = np;
        s->cap = cap;
    }
    struct whb_switch_port *p = &s->ports[s->info.n_ports++];
    memset(p, 0, sizeof(*p));
    return p;
}

static void set_name(struct sw *s, struct whb_switch_port *p, const char *name, const char *key)
{
    whb_switch_text(p->name, sizeof(p->name), name, strlen(name));
    memcpy(p->key, key, strlen(key) + 1);
    index_put(&s->by_key, hash_str(key), (unsigned)(p - s->ports));
}

static void set_ifindex(struct sw *s, struct whb_switch_port *p, int32_t ifindex)
{
    p->ifindex = ifindex;
    index_put(&s->by_ifindex, hash_int(ifindex), (unsigned)(p - s->ports));
}

/* The port an event speaks of, made when new. A name and an ifIndex heard apart (syslog and
 * a trap) become one port when an event carries both. */
static struct whb_switch_port *port_for(struct whb_switch_ports *t, struct sw *s,
                                        const struct whb_switch_event *ev)
{
    char key[WHB_PORT_KEY_MAX];
    if (make_room(s) != 0)
        return NULL;
    int named = ev->port[0] && whb_port_key(ev->port, key) == 0;
    struct whb_switch_port *pk = named ? by_key(s, key) : NULL;
    struct whb_switch_port *pi = ev->ifindex > 0 ? by_ifindex(s, ev->ifindex) : NULL;
    if (pk && pi && pk != pi) {
        /* Keep the ifIndex entry, with the name and the newer state; a state both said began
         * when the first of them said it, and a speed only one read is kept. */
        const struct whb_switch_port other = pk->heard_ms > pi->heard_ms ? *pi : *pk;
        if (pk->heard_ms > pi->heard_ms) {
            int32_t ix = pi->ifindex;
            *pi = *pk;
            pi->ifindex = ix;
        }
        if (other.oper && other.oper == pi->oper && other.changed_ms &&
            other.changed_ms < pi->changed_ms)
            pi->changed_ms = other.changed_ms;
        if (!pi->speed_mbps && other.speed_mbps) {
            pi->speed_mbps = other.speed_mbps;
            pi->prev_speed_mbps = other.prev_speed_mbps;
            pi->speed_changed_ms = other.speed_changed_ms;
        }
        if (other.word_ms > pi->word_ms)
            pi->word_ms = other.word_ms;
        pk->dead = 1;
        if (!pi->name[0] || strcmp(pi->key, key) != 0)
            set_name(s, pi, ev->port, key);
        else
            index_put(&s->by_key, hash_str(key), (unsigned)(pi - s->ports));
        return pi;
    }
    struct whb_switch_port *p = pk ? pk : pi;
    if (!p) {
        if (!named && ev->ifindex <= 0)
            return NULL;
        if (!(p = add_port(t, s)))
            return NULL;
    }
    if (named && strcmp(p->key, key) != 0)
        set_name(s, p, ev->port, key);
    /* One event naming the port both ways is the switch's word now: ifIndexes may be
     * renumbered when a switch restarts. */
    if (ev->ifindex > 0 && p->ifindex != ev->ifindex)
        set_ifindex(s, p, ev->ifindex);
    return p;
}

static int set_oper(struct whb_switch_port *p, enum whb_if_status oper, int64_t at)
{
    if (oper == WHB_IF_UNKNOWN || oper == p->oper)
        return 0;
    p->oper = oper;
    p->changed_ms = at;
    return 1;
}

static int set_admin(struct whb_switch_port *p, enum whb_if_status admin)
{
    if (admin == WHB_IF_UNKNOWN || admin == p->admin)
        return 0;
    p->admin = admin;
    return 1;
}

/* An agent may answer from a table it refreshes every few seconds (net-snmp on Linux: 3 s):
 * a read that contradicts what the switch itself sent just before is that table, not news. */
#define READ_STALE_MS 5000
/* ifLastChange turned into the collector's clock moves by the poll's own delay. */
#define SINCE_SLACK_MS 2000

static int apply_poll(struct whb_switch_port *p, const struct whb_switch_event *ev)
{
    int changed = 0;
    int contradicts = (ev->admin && p->admin && !p->admin_unsure && ev->admin != p->admin) ||
                      (ev->oper && p->oper && ev->oper != p->oper);
    if (!(contradicts && p->word_ms && ev->at_ms - p->word_ms < READ_STALE_MS)) {
        /* A read that says what a link-down word left unsaid is news, even when it finds
         * the port as the table assumed. */
        if (p->admin_unsure && ev->admin != WHB_IF_UNKNOWN) {
            p->admin_unsure = 0;
            changed = 1;
        }
        changed |= set_admin(p, ev->admin);
        int oper_changed = set_oper(p, ev->oper, ev->at_ms);
        changed |= oper_changed;
        if (ev->since_ms > 0 && ev->oper != WHB_IF_UNKNOWN) {
            int64_t d = ev->since_ms - p->changed_ms;
            /* An agent that notices its links itself (net-snmp on Linux looks every few
             * seconds) dates a change later than the switch's own word did: the word's time
             * stands. Otherwise, found as it was but since another moment: it changed and
             * changed back unseen (a switch only read, not heard). */
            if (oper_changed || !p->word_ms || d <= 0 || d >= READ_STALE_MS) {
                if (!oper_changed && p->changed_ms && llabs(d) > SINCE_SLACK_MS)
                    changed = 1;
                p->changed_ms = ev->since_ms;
            }
        }
    }
    if (ev->speed_mbps && ev->speed_mbps != p->speed_mbps) {
        p->prev_speed_mbps = p->speed_mbps;
        p->speed_mbps = ev->speed_mbps;
        p->speed_changed_ms = ev->at_ms;
        changed = 1;
    }
    if (ev->alias[0])
        memcpy(p->alias, ev->alias, sizeof(p->alias));
    /* An err-disabled port reads enabled without its link; Cisco's MIB says why. */
    if (ev->cause[0] && ev->oper == WHB_IF_DOWN && ev->admin != WHB_IF_DOWN &&
        (!p->err_disabled || strcmp(p->cause, ev->cause) != 0)) {
        p->err_disabled = 1;
        memcpy(p->cause, ev->cause, sizeof(p->cause));
        p->cause_ms = ev->since_ms ? ev->since_ms : ev->at_ms;
        changed = 1;
    }
    if (p->oper == WHB_IF_UP || p->admin == WHB_IF_DOWN)
        p->err_disabled = 0;
    return changed;
}

static int late(const struct whb_switch_port *p, const struct whb_switch_event *ev)
{
    return ev->uptime_cs && p->state_uptime && ev->uptime_cs < p->state_uptime &&
           p->state_uptime - ev->uptime_cs < LATE_MAX_CS;
}

static int apply_port(struct whb_switch_port *p, const struct whb_switch_event *ev)
{
    int stale = late(p, ev), changed = 0;
    switch (ev->kind) {
    case WHB_SW_POLL:
        changed = apply_poll(p, ev);
        break;
    case WHB_SW_ADMIN_DOWN:
        if (stale)
            break;
        changed = set_admin(p, WHB_IF_DOWN) | set_oper(p, WHB_IF_DOWN, ev->at_ms);
        p->err_disabled = 0;
        p->admin_unsure = 0;
        break;
    case WHB_SW_LINK_DOWN:
        if (!stale) {
            changed = set_admin(p, ev->admin) | set_oper(p, WHB_IF_DOWN, ev->at_ms);
            if (ev->admin == WHB_IF_UNKNOWN)
                p->admin_unsure |= changed;
            else
                p->admin_unsure = 0;
        }
        break;
    case WHB_SW_LINK_UP:
        if (stale)
            break;
        changed = set_admin(p, WHB_IF_UP) | set_oper(p, WHB_IF_UP, ev->at_ms);
        p->err_disabled = 0;
        p->admin_unsure = 0;
        break;
    case WHB_SW_ERR_DISABLED:
        if (stale)
            break;
        changed = set_oper(p, WHB_IF_DOWN, ev->at_ms) | !p->err_disabled;
        p->err_disabled = 1;
        memcpy(p->cause, ev->cause, sizeof(p->cause));
        p->cause_ms = ev->at_ms;
        break;
    case WHB_SW_PORT_SECURITY:
        memcpy(p->violation_mac, ev->mac, sizeof(p->violation_mac));
        p->violation_ms = ev->at_ms;
        changed = 1;
        break;
    case WHB_SW_DOT1X_FAIL:
        memcpy(p->dot1x_mac, ev->mac, sizeof(p->dot1x_mac));
        p->dot1x_ms = ev->at_ms;
        changed = 1;
        break;
    default:
        break;
    }
    if (!stale && ev->uptime_cs)
        p->state_uptime = ev->uptime_cs;
    if (!stale && ev->source != WHB_SWSRC_POLL &&
        (ev->kind == WHB_SW_ADMIN_DOWN || ev->kind == WHB_SW_LINK_DOWN ||
         ev->kind == WHB_SW_LINK_UP || ev->kind == WHB_SW_ERR_DISABLED))
        p->word_ms = ev->at_ms;
    if (ev->at_ms > p->heard_ms)
        p->heard_ms = ev->at_ms;
    p->last_kind = ev->kind;
    p->last_source = ev->source;
    if (ev->text[0])
        memcpy(p->text, ev->text, sizeof(p->text));
    return changed;
}

int whb_switch_ports_apply(struct whb_switch_ports *t, const struct whb_switch_event *ev)
{
    if (!ev->sw[0] || ev->kind <= WHB_SW_NONE || ev->kind >= WHB_SW_KIND_COUNT_)
        return WHB_EINVAL;
    struct sw *s = find_switch(t, ev->sw);
    if (!s && !(s = add_switch(t, ev->sw)))
        return WHB_EBUSY;
    if (ev->at_ms > s->info.heard_ms && ev->kind != WHB_SW_NO_ANSWER)
        s->info.heard_ms = ev->at_ms;
    if (ev->kind == WHB_SW_CONFIG) {
        memcpy(s->info.config_who, ev->who, sizeof(s->info.config_who));
        s->info.config_ms = ev->at_ms;
        return 1;
    }
    if (ev->kind == WHB_SW_NO_ANSWER) {
        s->info.no_answer_ms = ev->at_ms;
        return 1;
    }
    if (ev->source == WHB_SWSRC_POLL)
        s->info.answered_ms = ev->at_ms;
    if (!ev->port[0] && ev->ifindex <= 0)
        return WHB_EINVAL;
    struct whb_switch_port *p = port_for(t, s, ev);
    if (!p)
        return WHB_EBUSY;
    return apply_port(p, ev);
}

int whb_switch_ports_take(struct whb_switch_ports *t, struct whb_switch_event *ev,
                          struct whb_switch_port *port, int *have_port)
{
    *have_port = 0;
    int rc = whb_switch_ports_apply(t, ev);
    if (rc < 0 || (!ev->port[0] && ev->ifindex <= 0))
        return rc;
    const struct whb_switch_port *p =
        whb_switch_ports_get(t, ev->sw, ev->ifindex > 0 ? NULL : ev->port, ev->ifindex);
    if (p) {
        *port = *p;
        *have_port = 1;
        /* A trap names the port by number: its name, when known, goes with it. */
        if (!ev->port[0] && p->name[0])
            snprintf(ev->port, sizeof(ev->port), "%s", p->name);
    }
    return rc;
}

const struct whb_switch_port *whb_switch_ports_get(const struct whb_switch_ports *t, const char *sw,
                                                   const char *port, int32_t ifindex)
{
    const struct sw *s = find_switch(t, sw);
    if (!s)
        return NULL;
    char key[WHB_PORT_KEY_MAX];
    if (port && port[0])
        return whb_port_key(port, key) == 0 ? by_key(s, key) : NULL;
    return ifindex > 0 ? by_ifindex(s, ifindex) : NULL;
}

const struct whb_switch_info *whb_switch_ports_switch(const struct whb_switch_ports *t,
                                                      const char *sw)
{
    const struct sw *s = find_switch(t, sw);
    return s ? &s->info : NULL;
}

unsigned whb_switch_ports_each(const struct whb_switch_ports *t, const char *sw,
                               whb_switch_port_cb cb, void *arg)
{
    const struct sw *s = find_switch(t, sw);
    unsigned n = 0;
    for (unsigned i = 0; s && i < s->info.n_ports; i++) {
        if (s->ports[i].dead)
            continue;
        cb(arg, &s->ports[i]);
        n++;
    }
    return n;
}
