/* The few file operations the agent's durable state needs, with the durability each OS
 * requires (fsync and a directory fsync here; FlushFileBuffers and MoveFileExW with
 * write-through on Windows). Handles are C runtime file descriptors on both. */
#ifndef WHB_FS_H
#define WHB_FS_H

#include <stddef.h>
#include <stdint.h>

/* Opens for appending (created 0600 if missing); returns an fd or WHB_E*. */
int whb_fs_open_append(const char *path);
int whb_fs_open_read(const char *path);
/* Creates or empties path for writing (0600). */
int whb_fs_open_trunc(const char *path);
int whb_fs_write_all(int fd, const void *buf, size_t len);
/* Reads exactly len bytes: 0 on success, 1 at a clean or torn end, WHB_E* on error. */
int whb_fs_read_exact(int fd, void *buf, size_t len);
int whb_fs_sync(int fd);
int whb_fs_truncate(int fd, uint64_t size);
int64_t whb_fs_size(int fd);
void whb_fs_close(int fd);
/* Renames tmp over path so that either the old or the new file survives a crash. */
int whb_fs_replace(const char *tmp, const char *path);
int whb_fs_remove(const char *path);
/* Writes a small file atomically (tmp, flush, rename). */
int whb_fs_write_file(const char *path, const void *data, size_t len);
/* Reads a small file into buf (NUL-terminated); returns bytes or WHB_E*. */
int whb_fs_read_file(const char *path, char *buf, size_t len);
int whb_fs_mkdir(const char *path);

/* Fills buf with cryptographically strong random bytes. */
int whb_os_random(void *buf, size_t len);
#endif
