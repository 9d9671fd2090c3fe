/* Implementation of wsus_dates.h: no locale of the C library is involved, so the result does
 * not depend on the machine that runs whb. */
#include "wsus_dates.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct culture {
    const char *name;
    enum whb_date_order order;
    const char *seps; /* the date separators its "G" pattern may use (Windows versions differ) */
    int clock;        /* 12: with AM/PM; 24: without; 0: either */
    const char *pattern;
};

/* Each culture's "G" pattern as .NET writes it (short date, long time). Where Windows versions
 * (NLS, ICU) differ, both forms are allowed. */
static const struct culture cultures[] = {
    {"en-US", WHB_ORDER_MDY, "/", 12, "M/d/yyyy h:mm:ss tt"},
    {"en-PH", WHB_ORDER_MDY, "/", 12, "M/d/yyyy h:mm:ss tt"},
    {"es-US", WHB_ORDER_MDY, "/", 0, "M/d/yyyy h:mm:ss tt"},
    {"en-GB", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"en-AU", WHB_ORDER_DMY, "/", 12, "d/MM/yyyy h:mm:ss tt"},
    {"en-NZ", WHB_ORDER_DMY, "/", 12, "d/MM/yyyy h:mm:ss tt"},
    {"en-IE", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"en-IN", WHB_ORDER_DMY, "-/", 0, "dd-MM-yyyy HH:mm:ss"},
    {"de-DE", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"de-AT", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"de-CH", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"fr-FR", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"fr-BE", WHB_ORDER_DMY, "-/", 24, "dd-MM-yy HH:mm:ss"},
    {"fr-CH", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"it-IT", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"es-ES", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy H:mm:ss"},
    {"es-MX", WHB_ORDER_DMY, "/", 0, "dd/MM/yyyy hh:mm:ss tt"},
    {"pt-BR", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"pt-PT", WHB_ORDER_DMY, "/", 24, "dd/MM/yyyy HH:mm:ss"},
    {"nl-NL", WHB_ORDER_DMY, "-", 24, "d-M-yyyy HH:mm:ss"},
    {"nl-BE", WHB_ORDER_DMY, "/", 24, "d/MM/yyyy H:mm:ss"},
    {"da-DK", WHB_ORDER_DMY, "-.", 24, "dd-MM-yyyy HH:mm:ss"},
    {"nb-NO", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"fi-FI", WHB_ORDER_DMY, ".", 24, "d.M.yyyy H.mm.ss"},
    {"pl-PL", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"ru-RU", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy H:mm:ss"},
    {"cs-CZ", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy H:mm:ss"},
    {"sk-SK", WHB_ORDER_DMY, ".", 24, "d. M. yyyy H:mm:ss"},
    {"tr-TR", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"uk-UA", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy H:mm:ss"},
    {"el-GR", WHB_ORDER_DMY, "/", 0, "d/M/yyyy h:mm:ss tt"},
    {"ro-RO", WHB_ORDER_DMY, ".", 24, "dd.MM.yyyy HH:mm:ss"},
    {"ja-JP", WHB_ORDER_YMD, "/", 24, "yyyy/MM/dd H:mm:ss"},
    {"zh-CN", WHB_ORDER_YMD, "/", 24, "yyyy/M/d H:mm:ss"},
    {"zh-TW", WHB_ORDER_YMD, "/", 0, "yyyy/M/d tt hh:mm:ss"},
    {"sv-SE", WHB_ORDER_YMD, "-", 24, "yyyy-MM-dd HH:mm:ss"},
    {"lt-LT", WHB_ORDER_YMD, "-.", 24, "yyyy-MM-dd HH:mm:ss"},
    {"fr-CA", WHB_ORDER_YMD, "-", 24, "yyyy-MM-dd HH:mm:ss"},
    {"en-ZA", WHB_ORDER_YMD, "/", 0, "yyyy/MM/dd hh:mm:ss tt"},
    {"hu-HU", WHB_ORDER_YMD, ".", 24, "yyyy. MM. dd. H:mm:ss"},
};

#define N_CULTURES (sizeof(cultures) / sizeof(cultures[0]))

static const struct culture *culture_of(const char *name)
{
    for (size_t i = 0; i < N_CULTURES; i++)
        if (!strcasecmp(cultures[i].name, name))
            return &cultures[i];
    return NULL;
}

enum whb_date_order whb_date_culture(const char *name)
{
    const struct culture *c = culture_of(name);
    return c ? c->order : WHB_ORDER_UNKNOWN;
}

int whb_date_fits(const struct whb_date_scan *d, const char *name, const char **pattern)
{
    const struct culture *c = culture_of(name);
    *pattern = c ? c->pattern : "";
    if (!c || d->empty || d->iso)
        return c ? 0 : -1;
    if (!strchr(c->seps, d->sep))
        return -1;
    /* A time written without AM/PM where the culture writes one, or with it where it does not. */
    int has_time = d->h || d->mi || d->s || d->ampm;
    if ((c->clock == 24 && d->ampm) || (c->clock == 12 && has_time && !d->ampm))
        return -1;
    return 0;
}

const char *whb_date_cultures(void)
{
    static char list[N_CULTURES * 7];
    if (!list[0])
        for (size_t i = 0; i < N_CULTURES; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
                     cultures[i].name);
    return list;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return n[m - 1] + (m == 2 && is_leap(y));
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int civil_ms(int y, int mo, int d, int h, int mi, int s, int64_t *ms)
{
    if (y == 1) { /* DateTime.MinValue: never */
        *ms = 0;
        return 0;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
        mi > 59 || s > 60)
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + s * 1000LL;
    return 0;
}

static int digits(const char **p, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (isdigit((unsigned char)**p) && n < max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < min || isdigit((unsigned char)**p))
        return -1;
    *out = v;
    return 0;
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|(+|-)HH[:]MM] */
static int scan_iso(const char *p, struct whb_date_scan *out)
{
    int y, mo, d, h = 0, mi = 0, s = 0, off = 0;
    if (digits(&p, 4, 4, &y) || *p++ != '-' || digits(&p, 1, 2, &mo) || *p++ != '-' ||
        digits(&p, 1, 2, &d))
        return -1;
    if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (digits(&p, 1, 2, &h) || *p++ != ':' || digits(&p, 2, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, 2, &s))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                int frac;
                if (digits(&p, 1, 9, &frac))
                    return -1;
            }
        }
    }
    if (*p == 'Z')
        p++;
    else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, 2, &om))
            return -1;
        if (oh > 14 || om > 59)
            return -1;
        off = sign * (oh * 60 + om);
    }
    while (*p == ' ')
        p++;
    if (*p || civil_ms(y, mo, d, h, mi, s, &out->ms))
        return -1;
    if (out->ms) /* local time = UTC + offset */
        out->ms -= off * 60000LL;
    out->iso = 1;
    return 0;
}

/* a<sep>b<sep>c[.] [h:mm[:ss]] [am|pm|a.m.|p.m.] */
static int scan_numeric(const char *p, struct whb_date_scan *out)
{
    if (digits(&p, 1, 4, &out->a))
        return -1;
    out->sep = *p;
    if (*p != '/' && *p != '.' && *p != '-')
        return -1;
    p++;
    while (*p == ' ') /* hu-HU: "2026. 11. 25." */
        p++;
    if (digits(&p, 1, 2, &out->b) || *p++ != out->sep)
        return -1;
    while (*p == ' ')
        p++;
    if (digits(&p, 1, 4, &out->c))
        return -1;
    if (*p == out->sep)
        p++;
    while (*p == ' ')
        p++;
    if (*p) {
        if (digits(&p, 1, 2, &out->h) || *p++ != ':' || digits(&p, 2, 2, &out->mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, 2, &out->s))
                return -1;
        }
        while (*p == ' ')
            p++;
        char mark[8] = "";
        size_t n = 0;
        while (*p && *p != ' ' && n < sizeof(mark) - 1)
            if (*p++ != '.')
                mark[n++] = (char)tolower((unsigned char)p[-1]);
        mark[n] = '\0';
        while (*p == ' ')
            p++;
        if (*p)
            return -1;
        if (!strcmp(mark, "am"))
            out->ampm = 1;
        else if (!strcmp(mark, "pm"))
            out->ampm = 2;
        else if (mark[0])
            return -1;
        if (out->ampm && (out->h < 1 || out->h > 12))
            return -1;
    }
    /* The four-digit part is the year: first (YMD) or last. */
    if (out->a < 1000 && out->c < 1000 && out->c != 1)
        return -1;
    return 0;
}

int whb_date_scan(const char *text, struct whb_date_scan *out)
{
    memset(out, 0, sizeof(*out));
    while (*text == ' ')
        text++;
    if (!*text) {
        out->empty = 1;
        return 0;
    }
    if (scan_iso(text, out) == 0)
        return 0;
    memset(out, 0, sizeof(*out));
    int64_t ms;
    /* Year first needs no order: check the date now. */
    if (scan_numeric(text, out) || (out->a >= 1000 && whb_date_resolve(out, WHB_ORDER_YMD, &ms)))
        return -1;
    return 0;
}

enum whb_date_order whb_date_proves(const struct whb_date_scan *d)
{
    if (d->empty || d->iso)
        return WHB_ORDER_UNKNOWN;
    if (d->a >= 1000)
        return WHB_ORDER_YMD;
    if (d->c == 1) /* 0001: never, whatever the order */
        return WHB_ORDER_UNKNOWN;
    if (d->a > 12 && d->b <= 12)
        return WHB_ORDER_DMY;
    if (d->b > 12 && d->a <= 12)
        return WHB_ORDER_MDY;
    /* No culture writes month.day.year: dots prove day first. */
    if (d->sep == '.' && d->a != d->b)
        return WHB_ORDER_DMY;
    return WHB_ORDER_UNKNOWN;
}

int whb_date_resolve(const struct whb_date_scan *d, enum whb_date_order order, int64_t *ms)
{
    *ms = 0;
    if (d->empty)
        return 0;
    if (d->iso) {
        *ms = d->ms;
        return 0;
    }
    if (d->a < 1000 && d->c == 1) /* 1/1/0001: never */
        return 0;
    int h = d->h;
    if (d->ampm == 1 && h == 12)
        h = 0;
    else if (d->ampm == 2 && h < 12)
        h += 12;
    if (d->a >= 1000)
        return civil_ms(d->a, d->b, d->c, h, d->mi, d->s, ms);
    /* Equal day and month need no order. */
    if (order == WHB_ORDER_UNKNOWN && d->a == d->b)
        order = WHB_ORDER_DMY;
    if (order == WHB_ORDER_MDY)
        return civil_ms(d->c, d->a, d->b, h, d->mi, d->s, ms);
    if (order == WHB_ORDER_DMY)
        return civil_ms(d->c, d->b, d->a, h, d->mi, d->s, ms);
    return -1;
}
