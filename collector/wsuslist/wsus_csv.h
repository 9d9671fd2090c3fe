/* Reads the computer list an admin exports on the WSUS server, in whatever form Windows writes:
 * comma or semicolon separated (Export-Csv -Delimiter ';' / -UseCulture), UTF-8 with or without a
 * byte order mark, UTF-16 (Windows PowerShell 5.1 Out-File), a "#TYPE" line or not; dates in ISO
 * 8601 or in a culture's own format. All or nothing: on the first bad line it says the line, the
 * field and what was expected, and returns no rows. */
#ifndef WHB_WSUS_CSV_H
#define WHB_WSUS_CSV_H

#include <stddef.h>
#include <stdint.h>

#define WHB_WSUS_CSV_MAX_ROWS  500000
#define WHB_WSUS_CSV_MAX_BYTES (256u * 1024 * 1024)

struct whb_wsus_row {
    char *fqdn;             /* trailing dot removed */
    char *ip;               /* "" when WSUS has none */
    int64_t last_status_ms; /* 0: never reported to WSUS */
    int64_t last_sync_ms;
    char target_id[40]; /* Id (ComputerTargetId, the client's SusClientId), lower case; "" */
    unsigned line;      /* in the file, for errors the collector finds */
};

struct whb_wsus_list {
    struct whb_wsus_row *rows;
    size_t n;
    char encoding[16]; /* "UTF-8", "UTF-8 BOM", "UTF-16LE", "UTF-16BE" */
    char delimiter;
    char dates[200]; /* how the dates were read, for the admin */
};

/* culture: NULL to read ISO 8601 and day/month orders the file proves; else e.g. "de-DE".
 * On failure why holds "line N, field F: expected ..., got ...". */
int whb_wsus_csv_read(const char *path, const char *culture, struct whb_wsus_list *out, char *why,
                      size_t whylen);

/* The same from the file's bytes in memory (the console's upload): the collector reads with it. */
int whb_wsus_csv_parse(const void *data, size_t len, const char *culture, struct whb_wsus_list *out,
                       char *why, size_t whylen);

void whb_wsus_list_free(struct whb_wsus_list *l);

#endif
