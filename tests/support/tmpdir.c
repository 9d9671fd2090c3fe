/* Implementation of tmpdir.h. */
#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

int test_tmpdir(char *out, size_t len)
{
#ifdef _WIN32
    char base[MAX_PATH];
    DWORD n = GetTempPathA(sizeof(base), base);
    if (!n || n >= sizeof(base))
        return -1;
    for (int i = 0; i < 100; i++) {
        snprintf(out, len, "%swhb-test-%lu-%d", base, GetCurrentProcessId(), i);
        if (_mkdir(out) == 0)
            return 0;
    }
    return -1;
#else
    snprintf(out, len, "/tmp/whb-test-XXXXXX");
    return mkdtemp(out) ? 0 : -1;
#endif
}

int test_rmtree(const char *dir)
{
    char cmd[600];
#ifdef _WIN32
    snprintf(cmd, sizeof(cmd), "rmdir /s /q \"%s\"", dir);
#else
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
#endif
    return system(cmd) == 0 ? 0 : -1;
}
