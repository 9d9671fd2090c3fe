/* A slow event loop for tests, made from outside the collector: preloaded into it (LD_PRELOAD),
 * every epoll_wait that found events returns them WHB_TEST_EPOLL_DELAY_MS later. Bytes that
 * arrive in that time are read in a pass that epoll woke for other reasons, with no edge of
 * their own to come: the order a loaded machine makes now and then, made every time
 * (test_report_path's "tls, slow loop" group). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
    static int (*real)(int, struct epoll_event *, int, int);
    static long delay_ms = -1;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "epoll_wait");
    if (delay_ms < 0) {
        const char *d = getenv("WHB_TEST_EPOLL_DELAY_MS");
        delay_ms = d ? atol(d) : 0;
    }
    int n = real(epfd, events, maxevents, timeout);
    if (n > 0 && delay_ms > 0) {
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
    }
    return n;
}
