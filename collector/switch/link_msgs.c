/* Implementation of link_msgs.h: the table, then a small matcher of its patterns. Cisco-style
 * "%FAC-SEV-MNEMONIC:" tags are found by one scan for '%'; the few other tags by the header's
 * tag or a search of the text. Matching looks at most MATCH_MAX bytes of a message. */
#include "link_msgs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_MAX 1024

#define D WHB_IF_DOWN
#define U WHB_IF_UP
#define Q WHB_IF_UNKNOWN

static const struct whb_link_msg_row rows[] = {
    /* Cisco IOS / IOS-XE (and Arista EOS, which writes the same tags). A shut port says
     * LINK-5-CHANGED and never LINK-3-UPDOWN down; an err-disabled one says PM-4-ERR_DISABLE
     * first, then LINK-3-UPDOWN down. */
    {"ios-link-admin-down", "cisco-ios", "%LINK-5-CHANGED",
     "Interface %P, changed state to administratively down", WHB_SW_ADMIN_DOWN, D, D},
    {"ios-link-down", "cisco-ios", "%LINK-3-UPDOWN", "Interface %P, changed state to down",
     WHB_SW_LINK_DOWN, Q, D},
    {"ios-link-up", "cisco-ios", "%LINK-3-UPDOWN", "Interface %P, changed state to up",
     WHB_SW_LINK_UP, U, U},
    {"ios-lineproto-down", "cisco-ios", "%LINEPROTO-5-UPDOWN",
     "Line protocol on Interface %P, changed state to down", WHB_SW_LINK_DOWN, Q, D},
    {"ios-lineproto-up", "cisco-ios", "%LINEPROTO-5-UPDOWN",
     "Line protocol on Interface %P, changed state to up", WHB_SW_LINK_UP, U, U},
    {"ios-err-disable", "cisco-ios", "%PM-4-ERR_DISABLE",
     "%C error detected on %P, putting %* in err-disable state", WHB_SW_ERR_DISABLED, Q, D},
    {"ios-err-recover", "cisco-ios", "%PM-4-ERR_RECOVER",
     "Attempting to recover from %C err-disable state on %P", WHB_SW_ERR_RECOVER, Q, Q},
    {"ios-psecure-violation", "cisco-ios", "%PORT_SECURITY-2-PSECURE_VIOLATION",
     "Security violation occurred, caused by MAC address %M on port %P", WHB_SW_PORT_SECURITY, Q,
     Q},
    {"ios-dot1x-fail", "cisco-ios", "%DOT1X-5-FAIL",
     "Authentication failed for client (%M) on Interface %P", WHB_SW_DOT1X_FAIL, Q, Q},
    {"ios-config", "cisco-ios", "%SYS-5-CONFIG_I", "Configured from %* by %W", WHB_SW_CONFIG, Q, Q},
    /* Cisco NX-OS: the reason in words at the end. */
    {"nxos-admin-down", "cisco-nxos", "%ETHPORT-5-IF_DOWN_ADMIN_DOWN",
     "Interface %P%*is down (Administratively down)", WHB_SW_ADMIN_DOWN, D, D},
    {"nxos-link-failure", "cisco-nxos", "%ETHPORT-5-IF_DOWN_LINK_FAILURE",
     "Interface %P%*is down (Link failure)", WHB_SW_LINK_DOWN, U, D},
    {"nxos-err-disabled", "cisco-nxos", "%ETHPORT-5-IF_DOWN_ERROR_DISABLED",
     "Interface %P%*is down (Error disabled. Reason:%C)", WHB_SW_ERR_DISABLED, Q, D},
    {"nxos-up", "cisco-nxos", "%ETHPORT-5-IF_UP", "Interface %P%*is up", WHB_SW_LINK_UP, U, U},
    /* Juniper Junos (mib2d): the trap's contents, admin status included. */
    {"junos-link-down", "juniper-junos", "SNMP_TRAP_LINK_DOWN",
     "ifIndex %I, ifAdminStatus %A, ifOperStatus %O, ifName %P", WHB_SW_LINK_DOWN, Q, D},
    {"junos-link-up", "juniper-junos", "SNMP_TRAP_LINK_UP",
     "ifIndex %I, ifAdminStatus %A, ifOperStatus %O, ifName %P", WHB_SW_LINK_UP, Q, U},
    /* HPE ArubaOS-Switch (ProCurve) port manager. */
    {"arubaos-offline", "hpe-arubaos-switch", "ports", "port %P is now off-line", WHB_SW_LINK_DOWN,
     Q, D},
    {"arubaos-online", "hpe-arubaos-switch", "ports", "port %P is now on-line", WHB_SW_LINK_UP, U,
     U},
    {"arubaos-disabled-by", "hpe-arubaos-switch", "ports", "%C has disabled port %P",
     WHB_SW_ERR_DISABLED, Q, D},
    /* Linux-based switches: the kernel bridge (Cumulus-style) does not say why a port left
     * forwarding (shut and pulled cable print the same), so admin stays unknown: poll it. */
    {"linux-bridge-disabled", "linux", "kernel", "%*port %I(%P) entered disabled state",
     WHB_SW_LINK_DOWN, Q, D},
    {"linux-bridge-forwarding", "linux", "kernel", "%*port %I(%P) entered forwarding state",
     WHB_SW_LINK_UP, U, U},
    {"sonic-oper-down", "sonic", "setHostIntfsOperStatus",
     "Set operation status DOWN to host interface %P", WHB_SW_LINK_DOWN, Q, D},
    {"sonic-oper-up", "sonic", "setHostIntfsOperStatus",
     "Set operation status UP to host interface %P", WHB_SW_LINK_UP, U, U},
};

#undef D
#undef U
#undef Q

const struct whb_link_msg_row *whb_link_msg_rows(size_t *n)
{
    *n = sizeof(rows) / sizeof(rows[0]);
    return rows;
}

struct text {
    const char *p;
    size_t n;
};

/* The literal run at pat (up to the next '%' field), its length in *len. */
static size_t literal_len(const char *pat)
{
    size_t i = 0;
    while (pat[i] && pat[i] != '%')
        i++;
    return i;
}

/* Matches literal lit[0..ln) at t[*at]: case-insensitive, a space matching one or more. */
static int literal_at(const char *lit, size_t ln, struct text t, size_t *at)
{
    size_t j = *at;
    for (size_t i = 0; i < ln; i++) {
        if (lit[i] == ' ') {
            if (j >= t.n || t.p[j] != ' ')
                return 0;
            while (j < t.n && t.p[j] == ' ')
                j++;
            continue;
        }
        if (j >= t.n || tolower((unsigned char)t.p[j]) != tolower((unsigned char)lit[i]))
            return 0;
        j++;
    }
    *at = j;
    return 1;
}

/* Where literal lit[0..ln) first occurs in t from pos on; t.n when it does not. */
static size_t literal_find(const char *lit, size_t ln, struct text t, size_t pos)
{
    for (size_t s = pos; s < t.n; s++) {
        size_t at = s;
        if (literal_at(lit, ln, t, &at))
            return s;
    }
    return t.n;
}

static int port_char(char c)
{
    return c > ' ' && c < 127 && !strchr(",;()", c);
}

struct fields {
    struct text port, mac, cause, word, admin, oper, num;
};

static enum whb_if_status status_word(struct text s)
{
    /* "down(2)", "up(1)", "down", "up", "testing(3)" */
    static const char *const words[] = {"",        "up",      "down",       "testing",
                                        "unknown", "dormant", "notpresent", "lowerlayerdown"};
    size_t n = 0;
    while (n < s.n && isalpha((unsigned char)s.p[n]))
        n++;
    for (size_t i = 1; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && strncasecmp(words[i], s.p, n) == 0)
            return (enum whb_if_status)i;
    return WHB_IF_UNKNOWN;
}

static int match_pattern(const char *pat, struct text t, struct fields *f)
{
    size_t at = 0;
    while (*pat) {
        if (*pat != '%') {
            size_t ln = literal_len(pat);
            if (!literal_at(pat, ln, t, &at))
                return 0;
            pat += ln;
            continue;
        }
        char field = pat[1];
        pat += 2;
        size_t start = at;
        struct text *dst = NULL;
        switch (field) {
        case 'C':
        case '*': {
            size_t ln = literal_len(pat);
            size_t end = ln ? literal_find(pat, ln, t, at) : t.n;
            if (ln && end == t.n)
                return 0;
            at = end;
            while (field == 'C' && end > start && (t.p[end - 1] == ' ' || t.p[end - 1] == '.'))
                end--;
            if (field == 'C') {
                if (end == start)
                    return 0;
                f->cause = (struct text){t.p + start, end - start};
            }
            continue;
        }
        case 'P':
            dst = &f->port;
            while (at < t.n && port_char(t.p[at]))
                at++;
            break;
        case 'M':
            dst = &f->mac;
            while (at < t.n && (isxdigit((unsigned char)t.p[at]) || strchr(".:-", t.p[at])))
                at++;
            break;
        case 'I':
            dst = &f->num;
            while (at < t.n && isdigit((unsigned char)t.p[at]))
                at++;
            break;
        case 'W':
        case 'A':
        case 'O':
            dst = field == 'W' ? &f->word : field == 'A' ? &f->admin : &f->oper;
            while (at < t.n && t.p[at] > ' ' && t.p[at] != ',')
                at++;
            break;
        default:
            return 0;
        }
        size_t end = at;
        if (field == 'P')
            while (end > start && t.p[end - 1] == '.')
                end--; /* "on port FastEthernet0/14." */
        if (end == start)
            return 0;
        *dst = (struct text){t.p + start, end - start};
    }
    return 1;
}

/* The text after "tag:" in t (then spaces skipped), or NULL. */
static const char *after_tag(const char *tag, struct text t, size_t *rest)
{
    size_t tl = strlen(tag);
    for (size_t s = 0; s + tl < t.n; s++) {
        if (t.p[s] != tag[0] || memcmp(t.p + s, tag, tl) != 0 || t.p[s + tl] != ':')
            continue;
        /* A whole tag: not the tail of a longer word ("xports:"). */
        if (s > 0 && (isalnum((unsigned char)t.p[s - 1]) || t.p[s - 1] == '_'))
            continue;
        size_t i = s + tl + 1;
        while (i < t.n && t.p[i] == ' ')
            i++;
        *rest = t.n - i;
        return t.p + i;
    }
    return NULL;
}

static int slice_is(struct whb_slice s, const char *word)
{
    return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

/* The Cisco-style tag in t: "%" FACILITY "-" SEVERITY "-" MNEMONIC ":"; its length in *tl. */
static const char *cisco_tag(struct text t, size_t *tl)
{
    for (const char *p = memchr(t.p, '%', t.n); p;
         p = memchr(p + 1, '%', t.n - 1 - (size_t)(p - t.p))) {
        size_t i = 1, left = t.n - (size_t)(p - t.p), dashes = 0;
        while (i < left && (isupper((unsigned char)p[i]) || isdigit((unsigned char)p[i]) ||
                            p[i] == '_' || p[i] == '-')) {
            dashes += p[i] == '-';
            i++;
        }
        if (i < left && p[i] == ':' && dashes >= 2) {
            *tl = i;
            return p;
        }
        if ((size_t)(p - t.p) + 1 >= t.n)
            break;
    }
    return NULL;
}

static void fill(const struct whb_link_msg_row *r, const struct fields *f, const char *from,
                 size_t n, struct whb_switch_event *ev)
{
    ev->kind = r->kind;
    ev->admin = r->admin;
    ev->oper = r->oper;
    whb_switch_text(ev->port, sizeof(ev->port), f->port.p, f->port.n);
    if (f->cause.n)
        whb_switch_text(ev->cause, sizeof(ev->cause), f->cause.p, f->cause.n);
    if (f->word.n)
        whb_switch_text(ev->who, sizeof(ev->who), f->word.p, f->word.n);
    if (f->mac.n && whb_switch_mac(f->mac.p, f->mac.n, ev->mac) != 0)
        ev->mac[0] = '\0';
    if (f->num.n && f->num.n < 10)
        ev->ifindex = (int32_t)strtol(f->num.p, NULL, 10);
    if (f->admin.n)
        ev->admin = status_word(f->admin);
    if (f->oper.n)
        ev->oper = status_word(f->oper);
    if (ev->kind == WHB_SW_LINK_DOWN && ev->admin == WHB_IF_DOWN)
        ev->kind = WHB_SW_ADMIN_DOWN;
    whb_switch_text(ev->text, sizeof(ev->text), from, n);
}

static const struct whb_link_msg_row *try_rows(const char *tag, size_t tl, struct text body,
                                               const char *from, size_t fromn,
                                               struct whb_switch_event *ev)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct whb_link_msg_row *r = &rows[i];
        if (strlen(r->tag) != tl || memcmp(r->tag, tag, tl) != 0)
            continue;
        struct fields f = {0};
        if (!match_pattern(r->pattern, body, &f))
            continue;
        if (r->kind != WHB_SW_CONFIG && f.port.n == 0)
            continue;
        fill(r, &f, from, fromn, ev);
        return r;
    }
    return NULL;
}

const struct whb_link_msg_row *whb_link_msg_match(const struct whb_syslog *m,
                                                  struct whb_switch_event *ev)
{
    struct text t = {m->msg.p, m->msg.n > MATCH_MAX ? MATCH_MAX : m->msg.n};
    if (!t.p || t.n == 0)
        return NULL;
    size_t tl, rest;
    const char *ct = cisco_tag(t, &tl);
    if (ct) {
        size_t off = (size_t)(ct - t.p) + tl + 1;
        while (off < t.n && t.p[off] == ' ')
            off++;
        return try_rows(ct, tl, (struct text){t.p + off, t.n - off}, ct, t.n - (size_t)(ct - t.p),
                        ev);
    }
    /* Tags that are the header's own (RFC 5424 MSGID or APP-NAME, RFC 3164 TAG), or that
     * follow it in the text ("mib2d[2424]: SNMP_TRAP_LINK_DOWN: ..."). */
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct whb_link_msg_row *r = &rows[i];
        if (r->tag[0] == '%' || (i > 0 && strcmp(rows[i - 1].tag, r->tag) == 0))
            continue; /* each tag tried once, with all its rows */
        size_t n = strlen(r->tag);
        const struct whb_link_msg_row *hit = NULL;
        if (slice_is(m->msgid, r->tag) || slice_is(m->app, r->tag))
            hit = try_rows(r->tag, n, t, t.p, t.n, ev);
        const char *body;
        if (!hit && (body = after_tag(r->tag, t, &rest)) != NULL)
            hit = try_rows(r->tag, n, (struct text){body, rest}, body - n - 1, rest + n + 1, ev);
        if (hit)
            return hit;
    }
    return NULL;
}
