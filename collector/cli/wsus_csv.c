/* Implementation of wsus_csv.h with libcsv. */
#include "wsus_csv.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "error.h"
#include "wire.h"

enum col { COL_FQDN, COL_IP, COL_STATUS, COL_SYNC, COL_COUNT_ };
static const char *const col_names[COL_COUNT_] = {"FullDomainName", "IPAddress",
                                                  "LastReportedStatusTime", "LastSyncTime"};

#define MAX_ROWS 1000000

struct reader {
    int line; /* physical line of the row being read */
    int header_done;
    int col_of[16]; /* field index -> column, -1 unknown */
    int field;
    char fields[COL_COUNT_][256];
    struct whb_wsus_computer *rows;
    size_t n, cap;
    char *why;
    size_t whylen;
    int failed;
};

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (no time zone involved). */
static long long days_from_civil(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long long days = 0;
    for (int yy = 1970; yy < y; yy++)
        days += 365 + is_leap(yy);
    days += before[m - 1] + (m > 2 && is_leap(y)) + d - 1;
    return days;
}

int whb_wsus_csv_time(const char *t, long long *ms)
{
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
    char ampm[3] = "";
    *ms = 0;
    while (*t == ' ')
        t++;
    if (!*t)
        return 0;
    if (sscanf(t, "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) == 6 ||
        sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
        /* ISO 8601; a zone suffix (Z or an offset) is accepted and treated as UTC. */
    } else if (sscanf(t, "%2d/%2d/%4d %2d:%2d:%2d %2s%n", &mo, &d, &y, &h, &mi, &s, ampm, &n) ==
               7) {
        if (strcasecmp(ampm, "PM") == 0 && h < 12)
            h += 12;
        else if (strcasecmp(ampm, "AM") == 0 && h == 12)
            h = 0;
        else if (strcasecmp(ampm, "AM") != 0 && strcasecmp(ampm, "PM") != 0)
            return -1;
    } else {
        return -1;
    }
    if (y == 1) /* DateTime.MinValue: never */
        return 0;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + s * 1000LL;
    return 0;
}

static void fail(struct reader *r, const char *cause)
{
    if (!r->failed)
        snprintf(r->why, r->whylen, "line %d: %s", r->line, cause);
    r->failed = 1;
}

static void on_field(void *data, size_t len, void *arg)
{
    struct reader *r = arg;
    const char *v = data ? data : "";
    if (r->failed)
        return;
    if (!r->header_done) {
        if (r->field == 0 && len >= 3 && !memcmp(v, "\xef\xbb\xbf", 3)) {
            v += 3; /* a UTF-8 byte order mark (Export-Csv -Encoding UTF8) */
            len -= 3;
        }
        /* A "#TYPE ..." line before the header is PowerShell's, not data. */
        if (r->field == 0 && len >= 5 && strncmp(v, "#TYPE", 5) == 0) {
            r->col_of[0] = -2;
            r->field++;
            return;
        }
        if (r->field < 16) {
            r->col_of[r->field] = -1;
            for (int c = 0; c < COL_COUNT_; c++)
                if (strlen(col_names[c]) == len && strncasecmp(col_names[c], v, len) == 0)
                    r->col_of[r->field] = c;
        }
        r->field++;
        return;
    }
    int c = r->field < 16 ? r->col_of[r->field] : -1;
    r->field++;
    if (c < 0)
        return;
    if (len >= sizeof(r->fields[c])) {
        fail(r, "field too long");
        return;
    }
    memcpy(r->fields[c], v, len);
    r->fields[c][len] = '\0';
}

static void on_row(int end, void *arg)
{
    struct reader *r = arg;
    (void)end;
    if (r->failed)
        return;
    if (!r->header_done) {
        if (r->col_of[0] == -2) { /* the #TYPE line */
            r->field = 0;
            r->col_of[0] = 0;
            r->line++;
            return;
        }
        int seen[COL_COUNT_] = {0};
        for (int i = 0; i < r->field && i < 16; i++)
            if (r->col_of[i] >= 0)
                seen[r->col_of[i]] = 1;
        if (!seen[COL_FQDN] || !seen[COL_STATUS]) {
            fail(r, "the header needs FullDomainName and LastReportedStatusTime");
            return;
        }
        r->header_done = 1;
        r->field = 0;
        r->line++;
        return;
    }
    struct whb_wsus_computer row = {0};
    long long t;
    if (!whb_wire_hostname_ok(r->fields[COL_FQDN]))
        fail(r, "FullDomainName is missing or not a host name");
    else if (whb_wsus_csv_time(r->fields[COL_STATUS], &t))
        fail(r, "LastReportedStatusTime is not a date WSUS writes");
    if (r->failed)
        return;
    snprintf(row.fqdn, sizeof(row.fqdn), "%.253s", r->fields[COL_FQDN]);
    snprintf(row.ip, sizeof(row.ip), "%.63s", r->fields[COL_IP]);
    row.last_status_ms = t;
    if (whb_wsus_csv_time(r->fields[COL_SYNC], &t)) {
        fail(r, "LastSyncTime is not a date WSUS writes");
        return;
    }
    row.last_sync_ms = t;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        struct whb_wsus_computer *grown =
            cap <= MAX_ROWS ? realloc(r->rows, cap * sizeof(row)) : NULL;
        if (!grown) {
            fail(r, "too many computers");
            return;
        }
        r->rows = grown;
        r->cap = cap;
    }
    r->rows[r->n++] = row;
    memset(r->fields, 0, sizeof(r->fields));
    r->field = 0;
    r->line++;
}

int whb_wsus_csv_read(const char *path, struct whb_wsus_computer **rows, size_t *n, char *why,
                      size_t whylen)
{
    struct reader r = {.line = 1, .why = why, .whylen = whylen};
    struct csv_parser p;
    char buf[65536];
    FILE *f = fopen(path, "rb");
    *rows = NULL;
    *n = 0;
    if (!f) {
        snprintf(why, whylen, "%s: cannot open", path);
        return WHB_EIO;
    }
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    size_t got;
    while (!r.failed && (got = fread(buf, 1, sizeof(buf), f)) > 0)
        if (csv_parse(&p, buf, got, on_field, on_row, &r) != got)
            fail(&r, csv_strerror(csv_error(&p)));
    if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0)
        fail(&r, csv_strerror(csv_error(&p)));
    if (!r.failed && !r.header_done)
        fail(&r, "no header line");
    csv_free(&p);
    fclose(f);
    if (r.failed) {
        free(r.rows);
        return WHB_EINVAL;
    }
    *rows = r.rows;
    *n = r.n;
    return 0;
}
