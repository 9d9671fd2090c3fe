/* Implementation of wsus_csv.h: the file is read whole, turned into UTF-8, then parsed with
 * libcsv one physical line at a time so that every row knows its line number. */
#include "wsus_csv.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "wire.h"
#include "wsus_dates.h"
#include "wu_service.h"

enum col { COL_FQDN, COL_IP, COL_STATUS, COL_SYNC, COL_ID, COL_COUNT_ };
static const char *const col_names[COL_COUNT_] = {"FullDomainName", "IPAddress",
                                                  "LastReportedStatusTime", "LastSyncTime", "Id"};
static const size_t col_max[COL_COUNT_] = {254, 45, 64, 64, 64};

#define MAX_COLS 64

struct reader {
    unsigned line; /* physical line being parsed */
    int header_done;
    int col_of[MAX_COLS]; /* field index -> column, -1 not ours */
    int field;
    char fields[COL_COUNT_][256];
    int too_long[COL_COUNT_];
    struct whb_wsus_row *rows;
    struct whb_date_scan (*scans)[2];
    size_t n, cap;
    char *why;
    size_t whylen;
    int failed;
};

static void fail(struct reader *r, const char *fmt, const char *a, const char *b)
{
    if (r->failed)
        return;
    int n = snprintf(r->why, r->whylen, "line %u, ", r->line);
    if (n > 0 && (size_t)n < r->whylen)
        snprintf(r->why + n, r->whylen - (size_t)n, fmt, a, b);
    r->failed = 1;
}

/* A value quoted into an error message, with anything unprintable escaped. */
static const char *shown(const char *v, char *out, size_t len)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p && o + 5 < len; p++) {
        if (*p < 0x20 || *p == 0x7f)
            o += (size_t)snprintf(out + o, len - o, "\\x%02x", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
    return out;
}

/* True when s is valid UTF-8 (no overlongs, no surrogates). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80             ? 0
                   : (c & 0xe0) == 0xc0 ? 1
                   : (c & 0xf0) == 0xe0 ? 2
                   : (c & 0xf8) == 0xf0 ? 3
                                        : 9;
        if (k == 9 || i + k >= n + (k == 0))
            return 0;
        unsigned cp = k == 0 ? c : k == 1 ? c & 0x1f : k == 2 ? c & 0x0f : c & 0x07;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void on_field(void *data, size_t len, void *arg)
{
    struct reader *r = arg;
    const char *v = data ? data : "";
    if (r->failed)
        return;
    if (!r->header_done) {
        /* A "#TYPE ..." line before the header is PowerShell's, not data. */
        if (r->field == 0 && len >= 5 && strncmp(v, "#TYPE", 5) == 0) {
            r->col_of[0] = -2;
            r->field++;
            return;
        }
        if (r->field < MAX_COLS) {
            r->col_of[r->field] = -1;
            for (int c = 0; c < COL_COUNT_; c++)
                if (strlen(col_names[c]) == len && strncasecmp(col_names[c], v, len) == 0)
                    r->col_of[r->field] = c;
        }
        r->field++;
        return;
    }
    int c = r->field < MAX_COLS ? r->col_of[r->field] : -1;
    r->field++;
    if (c < 0)
        return;
    if (len >= sizeof(r->fields[c])) {
        r->too_long[c] = 1;
        len = sizeof(r->fields[c]) - 1;
    }
    memcpy(r->fields[c], v, len);
    r->fields[c][len] = '\0';
    if (!utf8_ok((const unsigned char *)r->fields[c], len) && !r->too_long[c])
        fail(r, "field %s: expected UTF-8 text, got invalid bytes%s", col_names[c], "");
}

static int header_row(struct reader *r)
{
    if (r->col_of[0] == -2) { /* the #TYPE line */
        r->col_of[0] = 0;
        return 0;
    }
    int seen[COL_COUNT_] = {0};
    for (int i = 0; i < r->field && i < MAX_COLS; i++)
        if (r->col_of[i] >= 0)
            seen[r->col_of[i]] = 1;
    if (!seen[COL_FQDN] || !seen[COL_STATUS]) {
        fail(r, "header: expected the columns FullDomainName and LastReportedStatusTime (%s)",
             "Select-Object FullDomainName,IPAddress,LastReportedStatusTime,LastSyncTime", "");
        return -1;
    }
    r->header_done = 1;
    return 0;
}

static int ip_ok(const char *s)
{
    for (; *s; s++)
        if (!strchr("0123456789abcdefABCDEF:.%", *s))
            return 0;
    return 1;
}

static void on_row(int end, void *arg)
{
    struct reader *r = arg;
    char a[300];
    (void)end;
    if (r->failed)
        return;
    if (!r->header_done) {
        header_row(r);
        r->field = 0;
        return;
    }
    for (int c = 0; c < COL_COUNT_; c++)
        if (r->too_long[c] || strlen(r->fields[c]) >= col_max[c]) {
            char max[16];
            snprintf(max, sizeof(max), "%zu", col_max[c] - 1);
            fail(r, "field %s: expected at most %s characters", col_names[c], max);
            return;
        }
    char *fqdn = r->fields[COL_FQDN];
    size_t flen = strlen(fqdn);
    if (flen > 1 && fqdn[flen - 1] == '.')
        fqdn[--flen] = '\0';
    if (!fqdn[0]) {
        fail(r, "field FullDomainName: expected a host name, got nothing%s%s", "", "");
        return;
    }
    if (!whb_wire_hostname_ok(fqdn)) {
        fail(r, "field FullDomainName: expected a host name (letters, digits, '-', '.'), got '%s'",
             shown(fqdn, a, sizeof(a)), "");
        return;
    }
    if (!ip_ok(r->fields[COL_IP])) {
        fail(r, "field IPAddress: expected an IP address, got '%s'%s",
             shown(r->fields[COL_IP], a, sizeof(a)), "");
        return;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        if (cap > WHB_WSUS_CSV_MAX_ROWS)
            cap = WHB_WSUS_CSV_MAX_ROWS;
        if (r->n >= cap) {
            fail(r,
                 "more than %s computers: split the export (Get-WsusComputer "
                 "-ComputerTargetGroups)%s",
                 "500000", "");
            return;
        }
        struct whb_wsus_row *rows = realloc(r->rows, cap * sizeof(*rows));
        if (rows)
            r->rows = rows;
        void *scans = rows ? realloc(r->scans, cap * sizeof(*r->scans)) : NULL;
        if (!scans) {
            fail(r, "out of memory%s%s", "", "");
            return;
        }
        r->scans = scans;
        r->cap = cap;
    }
    struct whb_wsus_row *row = &r->rows[r->n];
    memset(row, 0, sizeof(*row));
    row->line = r->line;
    /* WSUS's ComputerTargetId: a GUID, matched against the clients' SusClientId. */
    if (r->fields[COL_ID][0] &&
        whb_wu_guid_canon(r->fields[COL_ID], 0, row->target_id, sizeof(row->target_id))) {
        fail(r, "field Id: expected the computer's GUID (ComputerTargetId), got '%s'%s",
             shown(r->fields[COL_ID], a, sizeof(a)), "");
        return;
    }
    static const int date_cols[2] = {COL_STATUS, COL_SYNC};
    for (int k = 0; k < 2; k++)
        if (whb_date_scan(r->fields[date_cols[k]], &r->scans[r->n][k])) {
            fail(r,
                 "field %s: expected a date such as 2026-11-25T19:58:12.0000000Z (export with "
                 ".ToString('o')), got '%s'",
                 col_names[date_cols[k]], shown(r->fields[date_cols[k]], a, sizeof(a)));
            return;
        }
    row->fqdn = strdup(fqdn);
    row->ip = strdup(r->fields[COL_IP]);
    r->n++;
    if (!row->fqdn || !row->ip)
        fail(r, "out of memory%s%s", "", "");
    memset(r->fields, 0, sizeof(r->fields));
    memset(r->too_long, 0, sizeof(r->too_long));
    r->field = 0;
}

/* Decodes the file into UTF-8 and names its encoding. */
static char *to_utf8(const unsigned char *in, size_t n, size_t *outlen, char *enc, size_t enclen)
{
    int le = -1;
    size_t skip = 0;
    if (n >= 2 && in[0] == 0xff && in[1] == 0xfe)
        le = 1, skip = 2;
    else if (n >= 2 && in[0] == 0xfe && in[1] == 0xff)
        le = 0, skip = 2;
    else if (n >= 4 && in[1] == 0 && in[3] == 0 && in[0] && in[2]) /* UTF-16LE, no BOM */
        le = 1;
    char *out;
    if (le < 0) {
        skip = n >= 3 && !memcmp(in, "\xef\xbb\xbf", 3) ? 3 : 0;
        snprintf(enc, enclen, "%s", skip ? "UTF-8 BOM" : "UTF-8");
        out = malloc(n - skip + 1);
        if (!out)
            return NULL;
        memcpy(out, in + skip, n - skip);
        *outlen = n - skip;
        out[*outlen] = '\0';
        return out;
    }
    snprintf(enc, enclen, "%s", le ? "UTF-16LE" : "UTF-16BE");
    out = malloc((n - skip) / 2 * 3 + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = skip; i + 1 < n; i += 2) {
        unsigned cp = le ? in[i] | in[i + 1] << 8 : in[i] << 8 | in[i + 1];
        if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < n) {
            unsigned lo = le ? in[i + 2] | in[i + 3] << 8 : in[i + 2] << 8 | in[i + 3];
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 2;
            }
        }
        if (cp >= 0xd800 && cp <= 0xdfff)
            cp = 0xfffd; /* a lone surrogate: shown, then refused as not a host name */
        if (cp < 0x80)
            out[o++] = (char)cp;
        else if (cp < 0x800) {
            out[o++] = (char)(0xc0 | cp >> 6);
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xe0 | cp >> 12);
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[o++] = (char)(0xf0 | cp >> 18);
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* The delimiter of the header line (the first one that is not "#TYPE"): ',' ';' or tab. */
static char delimiter_of(const char *text)
{
    const char *line = text;
    if (!strncmp(line, "#TYPE", 5) && strchr(line, '\n'))
        line = strchr(line, '\n') + 1;
    int counts[3] = {0}, quoted = 0;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted)
            counts[0] += *p == ',', counts[1] += *p == ';', counts[2] += *p == '\t';
    }
    return counts[1] > counts[0] && counts[1] >= counts[2] ? ';'
           : counts[2] > counts[0]                         ? '\t'
                                                           : ',';
}

static int by_name(const void *a, const void *b)
{
    const struct whb_wsus_row *x = a, *y = b;
    int c = strcasecmp(x->fqdn, y->fqdn);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A scanned date as written (its numbers, separator, time and AM/PM), for a message. */
static const char *date_text(const struct whb_date_scan *d, char *out, size_t len)
{
    int n = snprintf(out, len, "%d%c%d%c%04d", d->a, d->sep, d->b, d->sep, d->c);
    if (n > 0 && (size_t)n < len && (d->h || d->mi || d->s || d->ampm))
        snprintf(out + n, len - (size_t)n, " %d:%02d:%02d%s", d->h, d->mi, d->s,
                 d->ampm == 1   ? " AM"
                 : d->ampm == 2 ? " PM"
                                : "");
    return out;
}

/* The day/month order: the culture's, else the one the file proves; never a guess. */
static int resolve_dates(struct reader *r, const char *culture, struct whb_wsus_list *out)
{
    static const char *const names[2] = {"LastReportedStatusTime", "LastSyncTime"};
    static const char *const orders[] = {"", "month/day/year", "day/month/year", "year/month/day"};
    enum whb_date_order order = WHB_ORDER_UNKNOWN;
    unsigned proof_line[4] = {0};
    int numeric = 0;
    if (culture) {
        order = whb_date_culture(culture);
        if (order == WHB_ORDER_UNKNOWN) {
            snprintf(r->why, r->whylen, "--date-format %s: expected one of: %s", culture,
                     whb_date_cultures());
            return -1;
        }
        snprintf(out->dates, sizeof(out->dates), "dates read as %s (%s, --date-format)",
                 orders[order], culture);
    } else {
        for (size_t i = 0; i < r->n; i++)
            for (int k = 0; k < 2; k++) {
                enum whb_date_order p = whb_date_proves(&r->scans[i][k]);
                numeric |= !r->scans[i][k].iso && !r->scans[i][k].empty;
                if (p != WHB_ORDER_YMD && p && !proof_line[p])
                    proof_line[p] = r->rows[i].line;
            }
        if (proof_line[WHB_ORDER_DMY] && proof_line[WHB_ORDER_MDY]) {
            snprintf(r->why, r->whylen,
                     "line %u reads day first and line %u month first: export with "
                     ".ToString('o') or name the culture with --date-format (e.g. en-AU, en-US)",
                     proof_line[WHB_ORDER_DMY], proof_line[WHB_ORDER_MDY]);
            return -1;
        }
        order = proof_line[WHB_ORDER_DMY]   ? WHB_ORDER_DMY
                : proof_line[WHB_ORDER_MDY] ? WHB_ORDER_MDY
                                            : 0;
        if (order)
            snprintf(out->dates, sizeof(out->dates), "dates read as %s (line %u proves it)",
                     orders[order], proof_line[order]);
        else
            snprintf(out->dates, sizeof(out->dates), "%s",
                     numeric ? "dates read as year/month/day" : "dates in ISO 8601");
    }
    for (size_t i = 0; i < r->n; i++)
        for (int k = 0; k < 2; k++) {
            const struct whb_date_scan *d = &r->scans[i][k];
            int64_t *ms = k ? &r->rows[i].last_sync_ms : &r->rows[i].last_status_ms;
            const char *pattern;
            /* Another culture's dates read as this one's would be wrong dates, not errors. */
            if (culture && whb_date_fits(d, culture, &pattern)) {
                char text[80];
                snprintf(r->why, r->whylen,
                         "line %u, field %s: %s is not how %s writes dates (%s): name the "
                         "culture of the WSUS server that exported it with --date-format, or "
                         "export the dates with .ToString('o')",
                         r->rows[i].line, names[k], date_text(d, text, sizeof(text)), culture,
                         pattern);
                return -1;
            }
            if (whb_date_resolve(d, order, ms) == 0)
                continue;
            if (!order && whb_date_proves(d) == WHB_ORDER_UNKNOWN && d->a <= 12 && d->b <= 12)
                snprintf(r->why, r->whylen,
                         "line %u, field %s: %d/%d/%04d could be day/month or month/day and no "
                         "line of the file tells which: export the dates with .ToString('o') "
                         "(see docs/cli.md) or name the culture of the WSUS server with "
                         "--date-format (e.g. en-AU, de-DE, en-US)",
                         r->rows[i].line, names[k], d->a, d->b, d->c);
            else
                snprintf(r->why, r->whylen,
                         "line %u, field %s: expected a date in %s, got %d%c%d%c%04d",
                         r->rows[i].line, names[k], order ? orders[order] : "ISO 8601", d->a,
                         d->sep, d->b, d->sep, d->c);
            return -1;
        }
    return 0;
}

void whb_wsus_list_free(struct whb_wsus_list *l)
{
    for (size_t i = 0; l->rows && i < l->n; i++) {
        free(l->rows[i].fqdn);
        free(l->rows[i].ip);
    }
    free(l->rows);
    l->rows = NULL;
    l->n = 0;
}

static char *read_file(const char *path, size_t *n, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    if (!f) {
        snprintf(why, whylen, "cannot open the file");
        return NULL;
    }
    for (;;) {
        if (*n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *grown = cap <= WHB_WSUS_CSV_MAX_BYTES + 65536 ? realloc(buf, cap) : NULL;
            if (!grown) {
                snprintf(why, whylen, "larger than %u MiB", WHB_WSUS_CSV_MAX_BYTES >> 20);
                goto fail;
            }
            buf = grown;
        }
        size_t got = fread(buf + *n, 1, 65536, f);
        *n += got;
        if (got < 65536)
            break;
    }
    if (ferror(f)) {
        snprintf(why, whylen, "read error");
        goto fail;
    }
    fclose(f);
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

int whb_wsus_csv_read(const char *path, const char *culture, struct whb_wsus_list *out, char *why,
                      size_t whylen)
{
    size_t raw_len;
    memset(out, 0, sizeof(*out));
    char *raw = read_file(path, &raw_len, why, whylen);
    if (!raw)
        return WHB_EIO;
    int rc = whb_wsus_csv_parse(raw, raw_len, culture, out, why, whylen);
    free(raw);
    return rc;
}

int whb_wsus_csv_parse(const void *raw, size_t raw_len, const char *culture,
                       struct whb_wsus_list *out, char *why, size_t whylen)
{
    struct reader r = {.line = 1, .why = why, .whylen = whylen};
    struct csv_parser p;
    size_t len;
    int rc = WHB_EINVAL;
    memset(out, 0, sizeof(*out));
    if (raw_len > WHB_WSUS_CSV_MAX_BYTES) {
        snprintf(why, whylen, "larger than %u MiB", WHB_WSUS_CSV_MAX_BYTES >> 20);
        return WHB_EINVAL;
    }
    char *text = to_utf8(raw, raw_len, &len, out->encoding, sizeof(out->encoding));
    if (!text) {
        snprintf(why, whylen, "out of memory");
        return WHB_ENOMEM;
    }
    out->delimiter = delimiter_of(text);
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    csv_set_delim(&p, (unsigned char)out->delimiter);
    /* One physical line per call: r.line is the line a row ends on. */
    for (size_t at = 0; at < len && !r.failed; r.line++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        if (csv_parse(&p, text + at, n, on_field, on_row, &r) != n)
            fail(&r, "expected %s (CSV: %s)",
                 csv_error(&p) == CSV_EPARSE ? "a quote only around a whole field" : "valid CSV",
                 csv_strerror(csv_error(&p)));
        at += n;
    }
    if (!r.failed) {
        r.line--;
        if (csv_fini(&p, on_field, on_row, &r) != 0)
            fail(&r, "expected a closing quote (CSV: %s)%s", csv_strerror(csv_error(&p)), "");
    }
    if (!r.failed && !r.header_done)
        snprintf(why, whylen,
                 "no header line (expected FullDomainName,...,LastReportedStatusTime)"),
            r.failed = 1;
    csv_free(&p);
    free(text);
    out->rows = r.rows;
    out->n = r.n;
    if (r.failed || resolve_dates(&r, culture, out))
        goto fail;
    /* Two rows for one computer: the import would keep one of them silently. */
    struct whb_wsus_row *sorted = malloc((r.n ? r.n : 1) * sizeof(*sorted));
    if (!sorted) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    memcpy(sorted, r.rows, r.n * sizeof(*sorted));
    qsort(sorted, r.n, sizeof(*sorted), by_name);
    for (size_t i = 1; i < r.n; i++)
        if (!strcasecmp(sorted[i].fqdn, sorted[i - 1].fqdn)) {
            snprintf(why, whylen,
                     "line %u, field FullDomainName: expected each computer once, got %.253s "
                     "again (first on line %u)",
                     sorted[i].line, sorted[i].fqdn, sorted[i - 1].line);
            free(sorted);
            goto fail;
        }
    free(sorted);
    free(r.scans);
    return 0;
fail:
    free(r.scans);
    whb_wsus_list_free(out);
    return rc;
}
