/* Implementation of event_log.h. Each line is one write() on an O_APPEND descriptor, so a line
 * written before a kill -9 is whole and in the file; the file is opened per event because
 * events are rare (seconds apart) and a soak may move or inspect it at any time. */
#include "event_log.h"

#include <inttypes.h>
#include <stdio.h>

#include "fs.h"

static void put_line(const char *path, const char *line, int len)
{
    if (len <= 0)
        return;
    int fd = whb_fs_open_append(path);
    if (fd < 0)
        return;
    whb_fs_write_all(fd, line, (size_t)len);
    whb_fs_close(fd);
}

int whb_event_log_spool(const char *path, struct whb_spool *sp, const whb_event *ev, int sync)
{
    char line[160];
    struct whb_spool_stats before, after;
    const char *boot = ev->boot_id ? ev->boot_id : "-";
    if (!path || !path[0])
        return whb_spool_append(sp, ev, sync);
    put_line(path, line,
             snprintf(line, sizeof(line), "%.64s %" PRIu64 " %s\n", boot, ev->seq,
                      whb_wire_event_kind_name(ev->kind)));
    whb_spool_stats(sp, &before);
    int rc = whb_spool_append(sp, ev, sync);
    whb_spool_stats(sp, &after);
    if (after.dropped != before.dropped || after.refused != before.refused)
        put_line(path, line,
                 snprintf(line, sizeof(line), "dropped %.64s %" PRIu64 " %u %u\n", boot, ev->seq,
                          after.dropped - before.dropped, after.refused - before.refused));
    return rc;
}
