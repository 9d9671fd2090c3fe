/* Windows implementation of fs.h: C runtime descriptors over files opened with the Win32 API,
 * FlushFileBuffers for durability, MoveFileExW with write-through for atomic replacement, and
 * files the agent creates readable by SYSTEM and Administrators only. */
#include "fs.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>
#include <aclapi.h>
#include <bcrypt.h>
#include <sddl.h>

#include "error.h"

static int err_of(DWORD e)
{
    switch (e) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
        return WHB_ENOTFOUND;
    case ERROR_ACCESS_DENIED:
        return WHB_EDENIED;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return WHB_ENOMEM;
    default:
        return WHB_EIO;
    }
}

static int widen(const char *path, wchar_t *out, int len)
{
    return MultiByteToWideChar(CP_UTF8, 0, path, -1, out, len) > 0 ? 0 : WHB_EINVAL;
}

/* SYSTEM and Administrators full control, nobody else: the spool and the machine key. */
static int private_security(SECURITY_ATTRIBUTES *sa, PSECURITY_DESCRIPTOR *sd)
{
    sa->nLength = sizeof(*sa);
    sa->bInheritHandle = FALSE;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;FA;;;SY)(A;;FA;;;BA)",
                                                              SDDL_REVISION_1, sd, NULL))
        return err_of(GetLastError());
    sa->lpSecurityDescriptor = *sd;
    return 0;
}

static int open_fd(const char *path, DWORD access, DWORD disposition, int crt_flags)
{
    wchar_t w[MAX_PATH];
    SECURITY_ATTRIBUTES sa;
    PSECURITY_DESCRIPTOR sd = NULL;
    if (widen(path, w, MAX_PATH))
        return WHB_EINVAL;
    int rc = private_security(&sa, &sd);
    if (rc)
        return rc;
    HANDLE h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &sa,
                           disposition, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD e = GetLastError();
    LocalFree(sd);
    if (h == INVALID_HANDLE_VALUE)
        return err_of(e);
    int fd = _open_osfhandle((intptr_t)h, crt_flags | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        return WHB_EIO;
    }
    return fd;
}

int whb_fs_open_append(const char *path)
{
    return open_fd(path, FILE_APPEND_DATA | GENERIC_READ, OPEN_ALWAYS, _O_APPEND);
}

int whb_fs_open_read(const char *path)
{
    return open_fd(path, GENERIC_READ, OPEN_EXISTING, _O_RDONLY);
}

int whb_fs_open_trunc(const char *path)
{
    return open_fd(path, GENERIC_WRITE | GENERIC_READ, CREATE_ALWAYS, 0);
}

int whb_fs_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        int n = _write(fd, p, len > 0x40000000 ? 0x40000000u : (unsigned)len);
        if (n <= 0)
            return WHB_EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int whb_fs_read_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        int n = _read(fd, p, len > 0x40000000 ? 0x40000000u : (unsigned)len);
        if (n < 0)
            return WHB_EIO;
        if (n == 0)
            return 1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int whb_fs_sync(int fd)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    return FlushFileBuffers(h) ? 0 : err_of(GetLastError());
}

int whb_fs_truncate(int fd, uint64_t size)
{
    return _chsize_s(fd, (__int64)size) == 0 ? 0 : WHB_EIO;
}

int64_t whb_fs_size(int fd)
{
    __int64 n = _filelengthi64(fd);
    return n < 0 ? WHB_EIO : (int64_t)n;
}

void whb_fs_close(int fd)
{
    if (fd >= 0)
        _close(fd);
}

int whb_fs_replace(const char *tmp, const char *path)
{
    wchar_t a[MAX_PATH], b[MAX_PATH];
    if (widen(tmp, a, MAX_PATH) || widen(path, b, MAX_PATH))
        return WHB_EINVAL;
    /* Write-through: the rename is on disk when this returns (the directory fsync of POSIX). */
    return MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)
               ? 0
               : err_of(GetLastError());
}

int whb_fs_remove(const char *path)
{
    return _unlink(path) == 0 ? 0 : WHB_EIO;
}

int whb_fs_read_file(const char *path, char *buf, size_t len)
{
    int fd = whb_fs_open_read(path);
    if (fd < 0)
        return fd;
    int n = _read(fd, buf, (unsigned)(len - 1));
    _close(fd);
    if (n < 0)
        return WHB_EIO;
    buf[n] = '\0';
    return n;
}

int whb_fs_mkdir(const char *path)
{
    wchar_t w[MAX_PATH];
    SECURITY_ATTRIBUTES sa;
    PSECURITY_DESCRIPTOR sd = NULL;
    if (widen(path, w, MAX_PATH))
        return WHB_EINVAL;
    int rc = private_security(&sa, &sd);
    if (rc)
        return rc;
    BOOL ok = CreateDirectoryW(w, &sa);
    DWORD e = GetLastError();
    LocalFree(sd);
    return ok || e == ERROR_ALREADY_EXISTS ? 0 : err_of(e);
}

int whb_os_random(void *buf, size_t len)
{
    return BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0 ? 0
                                                                                        : WHB_EIO;
}
