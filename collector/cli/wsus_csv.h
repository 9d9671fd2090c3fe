/* Reads the CSV an admin exports on the WSUS server with
 *   Get-WsusComputer | Select-Object FullDomainName,IPAddress,LastReportedStatusTime,LastSyncTime |
 *     Export-Csv FILE
 * All or nothing: on the first bad line it says which and why, and returns no rows. */
#ifndef WHB_WSUS_CSV_H
#define WHB_WSUS_CSV_H

#include <stddef.h>

#include "store.h"

/* On success *rows (free()) holds *n computers. On failure why holds "line N: cause". */
int whb_wsus_csv_read(const char *path, struct whb_wsus_computer **rows, size_t *n, char *why,
                      size_t whylen);

/* Parses one time as WSUS exports it (ISO 8601, or M/D/YYYY h:mm:ss AM/PM); 0001 means never.
 * Returns 0 and ms since the epoch (0 for never), or -1. */
int whb_wsus_csv_time(const char *text, long long *ms);

#endif
