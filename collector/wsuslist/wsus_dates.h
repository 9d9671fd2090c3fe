/* Dates as WSUS exports write them: ISO 8601 (`.ToString('o')`, accepted first), or the text
 * of a culture's "G" pattern (Export-Csv of a DateTime), whose day/month order is either named by
 * the admin (--date-format de-DE) or proven by the file itself. Never guessed. */
#ifndef WHB_WSUS_DATES_H
#define WHB_WSUS_DATES_H

#include <stdint.h>

enum whb_date_order { WHB_ORDER_UNKNOWN = 0, WHB_ORDER_MDY, WHB_ORDER_DMY, WHB_ORDER_YMD };

/* One date as scanned, before the order of its first two numbers is known. */
struct whb_date_scan {
    int empty;          /* no date: never reported */
    int iso;            /* ISO 8601: ms is final */
    int64_t ms;         /* ISO: ms since the epoch (0 for 0001-01-01, never) */
    int a, b, c;        /* numeric date parts in the order written */
    int h, mi, s, ampm; /* ampm: 0 none, 1 am, 2 pm */
    char sep;           /* the date separator: '/', '.', '-' */
};

/* Scans text; 0, or -1 when it is not a date in any form WSUS exports. */
int whb_date_scan(const char *text, struct whb_date_scan *out);

/* What a numeric date proves about the order: DMY when the first part is above 12, MDY when the
 * second is, YMD when the first has four digits; UNKNOWN when both fit a month. */
enum whb_date_order whb_date_proves(const struct whb_date_scan *d);

/* The order a culture writes (de-DE, en-AU, en-US, ...); UNKNOWN for a culture not known. */
enum whb_date_order whb_date_culture(const char *name);

/* Whether a scanned date is written the way culture name writes its dates (its date separator,
 * AM/PM or 24 hours): 0, or -1 (pattern: the culture's "G" pattern, for the message). ISO dates
 * and empty fields fit every culture. */
int whb_date_fits(const struct whb_date_scan *d, const char *name, const char **pattern);

/* Space-separated list of the cultures known, for an error message. */
const char *whb_date_cultures(void);

/* Resolves a scan with an order into ms since the epoch (UTC; WSUS keeps UTC times). */
int whb_date_resolve(const struct whb_date_scan *d, enum whb_date_order order, int64_t *ms);

#endif
