/* The real whb-collector on loopback with a real SQLite file and real TLS: accepted reports,
 * every rejection, impersonation under both identity modes, overload, stalled clients, and an
 * acknowledged report surviving kill -9. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "testdb.h"
#include "sample.h"

#define KEY_A                                                                                      \
    "Authorization: Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY_B                                                                                      \
    "Authorization: Bearer bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define TOKEN "X-Whb-Enrollment: it-enroll-token"

struct group {
    char dir[128];
    char ca[192], token_file[192], admin_file[192];
    struct collector_proc c;
};

static struct group g;

static int make_certs(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sh %s/make-certs.sh %s/certs", WHB_TEST_SRC_DIR, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int group_dir(void)
{
    if (harness_mkdir(g.dir, sizeof(g.dir)) || make_certs(g.dir))
        return -1;
    snprintf(g.ca, sizeof(g.ca), "%s/certs/ca.crt", g.dir);
    snprintf(g.token_file, sizeof(g.token_file), "%s/enroll.token", g.dir);
    FILE *f = fopen(g.token_file, "w");
    if (!f)
        return -1;
    fputs("it-enroll-token\n", f);
    fclose(f);
    snprintf(g.admin_file, sizeof(g.admin_file), "%s/admin.token", g.dir);
    f = fopen(g.admin_file, "w");
    if (!f)
        return -1;
    fputs("it-admin-token\n", f);
    fclose(f);
    return 0;
}

static int key_group_setup(void **state)
{
    (void)state;
    if (group_dir())
        return -1;
    const char *flags[] = {"--identity",         "key",        "--enrollment-token-file",
                           g.token_file,         "--timeout",  "2",
                           "--admin-token-file", g.admin_file, NULL};
    return collector_start(&g.c, g.dir, 1, flags);
}

static int group_teardown(void **state)
{
    (void)state;
    collector_stop(&g.c, SIGTERM);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", g.dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void url(char *buf, size_t len, const char *path)
{
    snprintf(buf, len, "%s%s", g.c.base_url, path);
}

/* Posts sample machine n, seq, with the given headers; returns the reply. */
static void post_sample(struct sample *s, const struct http_opts *o, struct http_reply *r)
{
    char u[128];
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    url(u, sizeof(u), "/v1/report");
    http_request("POST", u, buf, len, o, r);
    free(buf);
}

static struct http_reply reply;

static void accepted_report_gets_an_ack(void **state)
{
    (void)state;
    const char *h[] = {KEY_A, TOKEN, NULL};
    struct http_opts o = {.ca = g.ca, .headers = h};
    struct sample *s = sample_new(1, 1, 2);
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    whb_ack *ack = whb_wire_ack_unpack(reply.body, reply.body_len);
    assert_non_null(ack);
    assert_int_equal(ack->acked_seq, 1);
    assert_int_equal(ack->interval_s, 60);
    assert_string_equal(ack->boot_id, "boot-1");
    whb_wire_ack_free(ack);
    /* The same report again is a duplicate, still acknowledged. */
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    sample_free(s);
}

static void malformed_reports_get_400_with_a_cause(void **state)
{
    (void)state;
    const char *h[] = {KEY_A, NULL};
    struct http_opts o = {.ca = g.ca, .headers = h};
    char u[128];
    url(u, sizeof(u), "/v1/report");
    http_request("POST", u, "\xff\xff\xff\xff\x0f", 5, &o, &reply);
    assert_int_equal(reply.status, 400);
    /* Refused by the scan before decoding (wire_scan.c): field 2^29-1 of wire type 7. */
    assert_memory_equal(reply.body,
                        "malformed report: Report field 536870911: an unsupported wire type\n",
                        reply.body_len);

    struct sample *s = sample_new(1, 5, 0);
    s->report.boot_id = "";
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 400);
    assert_memory_equal(reply.body, "malformed report: boot_id missing or malformed\n",
                        reply.body_len);
    sample_free(s);
}

static void oversized_body_gets_413(void **state)
{
    (void)state;
    struct http_opts o = {.ca = g.ca};
    char u[128];
    size_t big = 64 * 1024 + 1;
    char *body = calloc(1, big);
    url(u, sizeof(u), "/v1/report");
    http_request("POST", u, body, big, &o, &reply);
    assert_int_equal(reply.status, 413);
    free(body);
}

static void unknown_path_and_method(void **state)
{
    (void)state;
    struct http_opts o = {.ca = g.ca};
    char u[128];
    url(u, sizeof(u), "/v1/nothing-here");
    /* Under /v1/ only a caller with a token learns what is not there. */
    http_request("GET", u, NULL, 0, &o, &reply);
    assert_int_equal(reply.status, 401);
    static const char *const admin[] = {"Authorization: Bearer it-admin-token", NULL};
    o.headers = admin;
    http_request("GET", u, NULL, 0, &o, &reply);
    assert_int_equal(reply.status, 404);
    o.headers = NULL;
    url(u, sizeof(u), "/v1/report");
    http_request("GET", u, NULL, 0, &o, &reply);
    assert_int_equal(reply.status, 405);
}

static int log_contains(const char *needle)
{
    char buf[65536];
    FILE *f = fopen(g.c.log, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

static void key_mode_impersonation_is_refused(void **state)
{
    (void)state;
    const char *enroll_b[] = {KEY_B, TOKEN, NULL};
    const char *key_a[] = {KEY_A, TOKEN, NULL};
    const char *no_key[] = {TOKEN, NULL};
    const char *key_b_only[] = {KEY_B, NULL};
    struct http_opts o = {.ca = g.ca};
    struct sample *s = sample_new(2, 1, 0);

    /* Unknown machine without the enrollment token. */
    o.headers = key_b_only;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 403);
    /* The agent tells the causes apart by the body's first word. */
    assert_true(reply.body_len > 13 && memcmp(reply.body, "not_enrolled:", 13) == 0);
    /* Enrolls with key B. */
    o.headers = enroll_b;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    /* Someone else, with the token and key A, reports as machine 2. */
    s->report.seq = 2;
    o.headers = key_a;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 403);
    assert_true(reply.body_len > 13 && memcmp(reply.body, "key_mismatch:", 13) == 0);
    assert_true(log_contains("audit: denied report from 127.0.0.1"));
    assert_true(log_contains("machine m-2 (pc-2.corp.example) presented a key other than"));
    /* No key at all. */
    o.headers = no_key;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 401);
    /* Machine 2 itself goes on. */
    o.headers = key_b_only;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    /* No secret reaches the log. */
    assert_false(log_contains("bbbbbbbbbbbbbbbb"));
    assert_false(log_contains("it-enroll-token"));
    sample_free(s);
}

static void metrics_count_by_cause(void **state)
{
    (void)state;
    struct http_opts o = {.ca = g.ca};
    char u[128];
    url(u, sizeof(u), "/metrics");
    http_request("GET", u, NULL, 0, &o, &reply);
    assert_int_equal(reply.status, 200);
    reply.body[reply.body_len < sizeof(reply.body) ? reply.body_len : sizeof(reply.body) - 1] = 0;
    const char *text = (const char *)reply.body;
    assert_non_null(strstr(text, "whb_reports_accepted_total 4\n"));
    assert_non_null(strstr(text, "whb_reports_duplicate_total 1\n"));
    assert_non_null(strstr(text, "whb_reports_rejected_total{cause=\"malformed\"} 2\n"));
    assert_non_null(strstr(text, "whb_reports_rejected_total{cause=\"denied\"} 3\n"));
    assert_non_null(strstr(text, "whb_reports_rejected_total{cause=\"method\"} 1\n"));
    assert_non_null(strstr(text, "whb_machines_known 2\n"));
    assert_non_null(strstr(text, "whb_commit_seconds_count"));
}

static void stalled_client_is_disconnected(void **state)
{
    (void)state;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g.c.port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    /* Half a TLS ClientHello record header, then nothing. */
    assert_int_equal(write(fd, "\x16\x03\x01", 3), 3);
    struct timeval tv = {6, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[64];
    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    ssize_t n = read(fd, buf, sizeof(buf));
    gettimeofday(&t1, NULL);
    /* Closed by the server (timeout 2 s), not by our 6 s receive timeout. */
    assert_true(n <= 0);
    assert_true(t1.tv_sec - t0.tv_sec < 6);
    close(fd);
}

/* kill -9 right after the acks: every acknowledged report and event is in the file. */
static void acked_reports_survive_kill_9(void **state)
{
    (void)state;
    const char *h[] = {KEY_A, TOKEN, NULL};
    struct http_opts o = {.ca = g.ca, .headers = h};
    const unsigned n = 50;
    for (unsigned seq = 1; seq <= n; seq++) {
        struct sample *s = sample_new(10, seq, 2);
        post_sample(s, &o, &reply);
        assert_int_equal(reply.status, 200);
        sample_free(s);
    }
    collector_stop(&g.c, SIGKILL);

    assert_int_equal(testdb_count(g.c.db, "SELECT count(*) FROM events WHERE machine_id='m-10'"),
                     2 * n);
    assert_int_equal(testdb_count(g.c.db, "SELECT last_seq FROM machines WHERE machine_id='m-10'"),
                     n);

    /* Restarted, it knows the last report was stored: a resend is a duplicate. */
    const char *flags[] = {"--identity", "key", "--enrollment-token-file", g.token_file, NULL};
    assert_int_equal(collector_start(&g.c, g.dir, 1, flags), 0);
    struct sample *s = sample_new(10, n, 2);
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    whb_ack *ack = whb_wire_ack_unpack(reply.body, reply.body_len);
    assert_non_null(ack);
    assert_int_equal(ack->acked_seq, n);
    whb_wire_ack_free(ack);
    sample_free(s);
}

static size_t discard(char *data, size_t size, size_t nmemb, void *arg)
{
    (void)data;
    (void)arg;
    return size * nmemb;
}

/* With the database locked by another writer the queue fills: 503 with Retry-After, and the
 * collector recovers once the lock is gone. */
static void overload_gets_503_with_retry_after(void **state)
{
    (void)state;
    collector_stop(&g.c, SIGTERM);
    const char *flags[] = {
        "--identity", "key", "--enrollment-token-file", g.token_file, "--max-pending", "2", NULL};
    assert_int_equal(collector_start(&g.c, g.dir, 0, flags), 0);

    void *lock = testdb_lock(g.c.db);
    assert_non_null(lock);

    enum { N = 8 };
    CURLM *multi = curl_multi_init();
    CURL *easy[N];
    uint8_t *bufs[N];
    struct curl_slist *hdrs = curl_slist_append(NULL, KEY_A);
    hdrs = curl_slist_append(hdrs, TOKEN);
    char u[128];
    url(u, sizeof(u), "/v1/report");
    for (int i = 0; i < N; i++) {
        struct sample *s = sample_new(20 + (unsigned)i, 1, 0);
        size_t len;
        bufs[i] = sample_pack(s, &len);
        sample_free(s);
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, u);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, bufs[i]);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDSIZE, (long)len);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = 1, busy = 0, ok = 0, rounds = 0;
    while (running && rounds++ < 2000) {
        curl_multi_perform(multi, &running);
        curl_multi_poll(multi, NULL, 0, 10, NULL);
        /* Release the lock once every request has had its answer or is queued. */
        if (rounds == 150) {
            testdb_unlock(lock);
            lock = NULL;
        }
    }
    for (int i = 0; i < N; i++) {
        long code = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &code);
        busy += code == 503;
        ok += code == 200;
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
        free(bufs[i]);
    }
    curl_slist_free_all(hdrs);
    curl_multi_cleanup(multi);
    testdb_unlock(lock);
    assert_true(busy >= N - 2);
    assert_int_equal(busy + ok, N);

    /* Capacity is back: a report goes through again. */
    const char *h[] = {KEY_A, TOKEN, NULL};
    struct http_opts o = {.headers = h};
    struct sample *s = sample_new(30, 1, 0);
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 200);
    sample_free(s);
}

static int mtls_group_setup(void **state)
{
    (void)state;
    if (group_dir())
        return -1;
    static char client_ca[256];
    snprintf(client_ca, sizeof(client_ca), "%s/certs/ca.crt", g.dir);
    const char *flags[] = {"--identity", "mtls", "--client-ca", client_ca, NULL};
    return collector_start(&g.c, g.dir, 1, flags);
}

static void certs(struct http_opts *o, const char *name)
{
    static char cert[256], key[256];
    snprintf(cert, sizeof(cert), "%s/certs/%s.crt", g.dir, name);
    snprintf(key, sizeof(key), "%s/certs/%s.key", g.dir, name);
    o->ca = g.ca;
    o->cert = cert;
    o->key = key;
}

static void mtls_machine_reports_for_itself_only(void **state)
{
    (void)state;
    struct http_opts o = {0};
    struct sample *s1 = sample_new(1, 1, 0), *s2 = sample_new(2, 1, 0), *s3 = sample_new(3, 1, 0);

    certs(&o, "pc-1");
    post_sample(s1, &o, &reply);
    assert_int_equal(reply.status, 200);
    /* pc-1's certificate, pc-2's report. */
    post_sample(s2, &o, &reply);
    assert_int_equal(reply.status, 403);
    assert_true(log_contains("audit: denied report for pc-2.corp.example"));
    /* pc-2's certificate with pc-2's name but pc-1's machine id. */
    certs(&o, "pc-2");
    s2->machine.machine_id = "m-1";
    post_sample(s2, &o, &reply);
    assert_int_equal(reply.status, 403);
    assert_true(log_contains("machine m-1 is bound to another name than pc-2.corp.example"));
    /* A certificate with the name in its CN only. */
    certs(&o, "pc-3");
    post_sample(s3, &o, &reply);
    assert_int_equal(reply.status, 200);
    sample_free(s1);
    sample_free(s2);
    sample_free(s3);
}

static void mtls_refuses_untrusted_or_missing_certificates(void **state)
{
    (void)state;
    struct http_opts o = {0};
    struct sample *s = sample_new(1, 2, 0);
    certs(&o, "rogue");
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 0);
    assert_int_not_equal(reply.curl_code, 0);
    /* Without a certificate the handshake succeeds (health checks need none) but a report is
     * refused. */
    o.cert = o.key = NULL;
    post_sample(s, &o, &reply);
    assert_int_equal(reply.status, 403);
    sample_free(s);
}

int main(void)
{
    const struct CMUnitTest key_mode[] = {
        cmocka_unit_test(accepted_report_gets_an_ack),
        cmocka_unit_test(malformed_reports_get_400_with_a_cause),
        cmocka_unit_test(oversized_body_gets_413),
        cmocka_unit_test(unknown_path_and_method),
        cmocka_unit_test(key_mode_impersonation_is_refused),
        cmocka_unit_test(metrics_count_by_cause),
        cmocka_unit_test(stalled_client_is_disconnected),
        cmocka_unit_test(acked_reports_survive_kill_9),
        cmocka_unit_test(overload_gets_503_with_retry_after),
    };
    const struct CMUnitTest mtls_mode[] = {
        cmocka_unit_test(mtls_machine_reports_for_itself_only),
        cmocka_unit_test(mtls_refuses_untrusted_or_missing_certificates),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = cmocka_run_group_tests_name("key_mode", key_mode, key_group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("mtls_mode", mtls_mode, mtls_group_setup, group_teardown);
    curl_global_cleanup();
    return failed;
}
