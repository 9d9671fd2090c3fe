/* Implementation of syslog.h. Every read is bounded by the slice being read. */
#include "syslog.h"

#include <ctype.h>
#include <string.h>

#include "error.h"

struct cur {
    const char *p, *end;
};

static int at_end(const struct cur *c)
{
    return c->p >= c->end;
}

static int peek(const struct cur *c)
{
    return at_end(c) ? -1 : (unsigned char)*c->p;
}

/* A run of printable, non-space US-ASCII (RFC 5424's PRINTUSASCII). */
static struct whb_slice token(struct cur *c)
{
    struct whb_slice s = {c->p, 0};
    while (!at_end(c) && *c->p > 32 && *c->p < 127)
        c->p++;
    s.n = (size_t)(c->p - s.p);
    return s;
}

static int eat(struct cur *c, char ch)
{
    if (peek(c) != (unsigned char)ch)
        return 0;
    c->p++;
    return 1;
}

static int parse_pri(struct cur *c, int *pri)
{
    if (!eat(c, '<')) {
        *pri = 13; /* RFC 3164 4.3.3: no PRI, user.notice */
        return 0;
    }
    int v = 0, digits = 0;
    while (digits < 4 && isdigit(peek(c))) {
        v = v * 10 + (*c->p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 3 || v > 191 || !eat(c, '>'))
        return WHB_EPROTO;
    *pri = v;
    return 0;
}

/* SD-ELEMENT: "[" SD-ID *(SP SD-PARAM) "]", with \" \] \\ escaped inside values. */
static int parse_sd(struct cur *c, struct whb_slice *sd)
{
    sd->p = c->p;
    sd->n = 0;
    if (eat(c, '-'))
        return 0;
    if (peek(c) != '[')
        return WHB_EPROTO;
    while (peek(c) == '[') {
        int quoted = 0;
        c->p++;
        for (;;) {
            if (at_end(c))
                return WHB_EPROTO;
            char ch = *c->p++;
            if (quoted && ch == '\\') {
                if (at_end(c))
                    return WHB_EPROTO;
                c->p++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == ']') {
                break;
            }
        }
    }
    sd->n = (size_t)(c->p - sd->p);
    return 0;
}

static int parse_5424(struct cur *c, struct whb_syslog *m)
{
    struct whb_slice f[5]; /* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
    for (int i = 0; i < 5; i++) {
        if (!eat(c, ' '))
            return WHB_EPROTO;
        f[i] = token(c);
        if (f[i].n == 0)
            return WHB_EPROTO;
    }
    if (!eat(c, ' ') || parse_sd(c, &m->sd) != 0)
        return WHB_EPROTO;
    if (!(f[1].n == 1 && f[1].p[0] == '-'))
        m->host = f[1];
    if (!(f[2].n == 1 && f[2].p[0] == '-'))
        m->app = f[2];
    if (!(f[4].n == 1 && f[4].p[0] == '-'))
        m->msgid = f[4];
    if (eat(c, ' ')) {
        if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
            c->p += 3;
        m->msg.p = c->p;
        m->msg.n = (size_t)(c->end - c->p);
    } else if (!at_end(c)) {
        return WHB_EPROTO;
    }
    return 0;
}

static int is_month(const char *p)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (memcmp(p, months + i * 3, 3) == 0)
            return 1;
    return 0;
}

/* "Mmm dd hh:mm:ss" (dd space-padded or not), with a fraction after it where the switch adds
 * one; returns the length used, 0 when p does not start with one. */
static size_t bsd_time(const char *p, size_t n)
{
    if (n < 15 || !is_month(p) || p[3] != ' ')
        return 0;
    if (!(p[4] == ' ' || isdigit((unsigned char)p[4])) || !isdigit((unsigned char)p[5]) ||
        p[6] != ' ')
        return 0;
    for (int i = 7; i < 15; i++) {
        int colon = i == 9 || i == 12;
        if (colon ? p[i] != ':' : !isdigit((unsigned char)p[i]))
            return 0;
    }
    size_t used = 15;
    if (used < n && p[used] == '.') {
        used++;
        while (used < n && isdigit((unsigned char)p[used]))
            used++;
    }
    return used;
}

/* The time stamp at the start of an RFC 3164-like header: BSD ("Dec  6 11:27:23"), with the
 * year first as NX-OS writes it ("2018 Apr 20 13:15:07"), or RFC 3339 as rsyslog forwards. */
static size_t header_time(const char *p, size_t n)
{
    size_t t = bsd_time(p, n);
    if (t)
        return t;
    if (n > 5 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3])) {
        if (p[4] == ' ' && (t = bsd_time(p + 5, n - 5)) != 0)
            return 5 + t;
        if (p[4] == '-') {
            size_t i = 4;
            while (i < n && p[i] != ' ')
                i++;
            return i;
        }
    }
    return 0;
}

/* TAG[pid]: or TAG: at the start of the content. */
static void bsd_tag(struct whb_syslog *m)
{
    const char *p = m->msg.p;
    size_t n = m->msg.n, i = 0;
    while (i < n && i < 48 && (isalnum((unsigned char)p[i]) || strchr("_-./", p[i])))
        i++;
    if (i == 0 || i >= n || (p[i] != ':' && p[i] != '['))
        return;
    size_t j = i;
    if (p[j] == '[') {
        while (j < n && p[j] != ']')
            j++;
        if (j + 1 >= n || p[j + 1] != ':')
            return;
        j++;
    }
    m->app.p = p;
    m->app.n = i;
    j++; /* the colon */
    if (j < n && p[j] == ' ')
        j++;
    m->msg.p = p + j;
    m->msg.n = n - j;
}

static void parse_3164(struct cur *c, struct whb_syslog *m)
{
    m->msg.p = c->p;
    m->msg.n = (size_t)(c->end - c->p);
    size_t t = header_time(c->p, m->msg.n);
    if (t == 0 || t >= m->msg.n || c->p[t] != ' ')
        return; /* no header we know: the whole text is the message */
    c->p += t + 1;
    struct whb_slice host = token(c);
    /* A token ending in ':' is a tag: the sender left its host name out. */
    if (host.n > 0 && host.p[host.n - 1] != ':' && host.p[host.n - 1] != ']' && eat(c, ' ')) {
        m->host = host;
        m->msg.p = c->p;
        m->msg.n = (size_t)(c->end - c->p);
    } else {
        m->msg.p = host.p;
        m->msg.n = (size_t)(c->end - host.p);
    }
    bsd_tag(m);
}

int whb_syslog_parse(const char *buf, size_t len, struct whb_syslog *out)
{
    memset(out, 0, sizeof(*out));
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == '\0'))
        len--;
    if (len == 0)
        return WHB_EPROTO;
    struct cur c = {buf, buf + len};
    if (parse_pri(&c, &out->pri) != 0)
        return WHB_EPROTO;
    if (c.end - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') {
        c.p++;
        out->version = 1;
        return parse_5424(&c, out);
    }
    parse_3164(&c, out);
    return 0;
}

int whb_syslog_sd_param(const struct whb_syslog *m, const char *id_prefix, const char *param,
                        char *out, size_t outlen)
{
    if (outlen == 0)
        return WHB_EINVAL;
    if (m->sd.n == 0)
        return WHB_ENOTFOUND;
    const char *p = m->sd.p, *end = m->sd.p + m->sd.n;
    size_t idl = strlen(id_prefix), pl = strlen(param);
    while (p < end && *p == '[') {
        const char *id = ++p;
        while (p < end && *p != ' ' && *p != ']')
            p++;
        int want = (size_t)(p - id) >= idl && memcmp(id, id_prefix, idl) == 0;
        /* SD-PARAMs: SP name="value" */
        while (p < end && *p == ' ') {
            const char *name = ++p;
            while (p < end && *p != '=')
                p++;
            int match = want && (size_t)(p - name) == pl && memcmp(name, param, pl) == 0;
            if (p + 1 >= end || p[1] != '"')
                return WHB_ENOTFOUND;
            p += 2;
            size_t o = 0;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end)
                    p++;
                if (match && o + 1 < outlen)
                    out[o++] = *p;
                p++;
            }
            if (p >= end)
                return WHB_ENOTFOUND;
            p++; /* closing quote */
            if (match) {
                out[o] = '\0';
                return 0;
            }
        }
        if (p < end && *p == ']')
            p++;
    }
    return WHB_ENOTFOUND;
}
