/* Implementation of clock.h. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>

int64_t whb_clock_wall_ms(void)
{
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    uint64_t t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    /* 100 ns ticks since 1601 to ms since 1970. */
    return (int64_t)(t / 10000) - 11644473600000LL;
}

int64_t whb_clock_mono_ns(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (int64_t)(c.QuadPart / f.QuadPart * 1000000000 +
                     c.QuadPart % f.QuadPart * 1000000000 / f.QuadPart);
}

#else
int64_t whb_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t whb_clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif

void whb_clock_format_iso(int64_t ms, char *buf, unsigned len)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
#ifdef _WIN32
    gmtime_s(&tm, &secs);
#else
    gmtime_r(&secs, &tm);
#endif
    if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 && len > 0)
        buf[0] = '\0';
}

void whb_clock_format_duration(int64_t ms, char *buf, unsigned len)
{
    int64_t s = ms < 0 ? 0 : ms / 1000;
    int64_t d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;

    if (d > 0)
        snprintf(buf, len, "%lld d %lld h", (long long)d, (long long)h);
    else if (h > 0)
        snprintf(buf, len, "%lld h %lld min", (long long)h, (long long)m);
    else if (m > 0)
        snprintf(buf, len, "%lld min %lld s", (long long)m, (long long)(s % 60));
    else
        snprintf(buf, len, "%lld s", (long long)s);
}
