/* What the file layer builds on its per-OS primitives (fs_posix.c, windows/fs_win.c). */
#include <stdio.h>

#include "fs.h"

int whb_fs_write_file(const char *path, const void *data, size_t len)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    int fd = whb_fs_open_trunc(tmp);
    if (fd < 0)
        return fd;
    int rc = whb_fs_write_all(fd, data, len);
    if (!rc)
        rc = whb_fs_sync(fd);
    whb_fs_close(fd);
    if (!rc)
        rc = whb_fs_replace(tmp, path);
    if (rc)
        whb_fs_remove(tmp);
    return rc;
}
