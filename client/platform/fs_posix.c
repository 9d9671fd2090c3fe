/* POSIX implementation of fs.h (Linux; the Windows backend has its own). */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

static int err(void)
{
    return errno == ENOMEM ? WHB_ENOMEM : errno == EACCES ? WHB_EDENIED : WHB_EIO;
}

int whb_fs_open_append(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    return fd < 0 ? err() : fd;
}

int whb_fs_open_read(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? (errno == ENOENT ? WHB_ENOTFOUND : err()) : fd;
}

int whb_fs_open_trunc(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd < 0 ? err() : fd;
}

int whb_fs_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return err();
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int whb_fs_read_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err();
        if (n == 0)
            return 1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int whb_fs_sync(int fd)
{
    return fsync(fd) == 0 ? 0 : err();
}

int whb_fs_truncate(int fd, uint64_t size)
{
    return ftruncate(fd, (off_t)size) == 0 ? 0 : err();
}

int64_t whb_fs_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (int64_t)st.st_size : err();
}

void whb_fs_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

static int sync_dir_of(const char *path)
{
    char copy[1024];
    snprintf(copy, sizeof(copy), "%s", path);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return err();
    int rc = fsync(dfd) == 0 ? 0 : err();
    close(dfd);
    return rc;
}

int whb_fs_replace(const char *tmp, const char *path)
{
    if (rename(tmp, path) != 0)
        return err();
    return sync_dir_of(path);
}

int whb_fs_remove(const char *path)
{
    return unlink(path) == 0 ? 0 : WHB_EIO;
}

int whb_fs_read_file(const char *path, char *buf, size_t len)
{
    int fd = whb_fs_open_read(path);
    if (fd < 0)
        return fd;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return err();
    buf[n] = '\0';
    return (int)n;
}

int whb_fs_mkdir(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return err();
}

int whb_os_random(void *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err();
    int rc = whb_fs_read_exact(fd, buf, len);
    close(fd);
    return rc == 0 ? 0 : WHB_EIO;
}
