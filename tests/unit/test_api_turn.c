/* The read API's turn (collector/http/api_turn.h): the real collector on two event loops over
 * loopback. While one request holds the turn (this test holds the api_lock, as a long `why` or
 * an upload on another loop does), every /healthz is answered at once on whichever loop the
 * kernel gives its connection, and the requests that wait for their turn are answered, each
 * one, when it comes. Before the turn, a loop whose request waited for the lock answered
 * nothing else: half of the /healthz polls hung. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "collector.h"
#include "http/api_turn.h"
#include "server.h"
#include "tmpdir.h"

enum { WAITING = 8, POLLS = 10 };

static unsigned free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* A connection with one GET of path sent; the socket. */
static int send_get(unsigned port, const char *path)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char req[256];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", path);
    assert_int_equal(send(fd, req, (size_t)n, 0), n);
    return fd;
}

/* The status code of the answer on fd within timeout_ms; 0 if none came. Closes fd. */
static int status_within(int fd, int timeout_ms)
{
    char buf[512];
    size_t got = 0;
    int64_t end = whb_clock_mono_ns() / 1000000 + timeout_ms;
    int code = 0;
    while (got < 12) {
        int left = (int)(end - whb_clock_mono_ns() / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) != 1)
            break;
        ssize_t r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    if (got >= 12 && !strncmp(buf, "HTTP/1.1 ", 9))
        code = atoi(buf + 9);
    close(fd);
    return code;
}

static void *run_loop(void *arg)
{
    event_base_loop(arg, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

static void healthz_is_answered_while_a_request_waits_for_its_turn(void **state)
{
    (void)state;
    char dir[256], why[256];
    struct whb_collector_config cfg;
    struct whb_collector *col = NULL;
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    whb_config_defaults(&cfg);
    snprintf(cfg.listen_host, sizeof(cfg.listen_host), "127.0.0.1");
    cfg.port = free_port();
    cfg.tls = 0;
    cfg.loops = 2;
    cfg.metrics_public = 1;
    snprintf(cfg.db_path, sizeof(cfg.db_path), "%s/c.db", dir);
    struct event_base *base = event_base_new();
    assert_non_null(base);
    if (whb_server_start(base, &cfg, &col, why, sizeof(why)))
        fail_msg("start: %s", why);
    pthread_t loop0;
    assert_int_equal(pthread_create(&loop0, NULL, run_loop, base), 0);
    int fd = send_get(cfg.port, "/healthz");
    assert_int_equal(status_within(fd, 5000), 200);

    /* Another request holds the turn; requests for it arrive on both loops. */
    pthread_mutex_lock(&col->api_lock);
    int waiting[WAITING];
    for (unsigned i = 0; i < WAITING; i++)
        waiting[i] = send_get(cfg.port, "/no-such-page");
    usleep(200 * 1000); /* each reached its loop and waits */
    for (unsigned i = 0; i < POLLS; i++) {
        fd = send_get(cfg.port, "/healthz");
        assert_int_equal(status_within(fd, 1000), 200);
    }
    /* The turn is let go: each waiting request gets its answer. */
    whb_api_turn_release(col);
    for (unsigned i = 0; i < WAITING; i++)
        assert_int_equal(status_within(waiting[i], 5000), 404);

    event_base_loopexit(base, NULL);
    pthread_join(loop0, NULL);
    whb_server_free(col);
    event_base_free(base);
    whb_config_free(&cfg);
    test_rmtree(dir);
}

int main(void)
{
    evthread_use_pthreads();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthz_is_answered_while_a_request_waits_for_its_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
