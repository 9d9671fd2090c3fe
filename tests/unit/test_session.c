/* Console sessions (collector/session.c): loopback addresses, the session table's expiry and
 * eviction, cookie parsing, the CSRF check, and the embedded asset table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "console/session.h"
#include "console/web_assets.h"

static struct evhttp_request *request(const char *cookie, const char *csrf)
{
    struct evhttp_request *req = evhttp_request_new(NULL, NULL);
    assert_non_null(req);
    if (cookie)
        evhttp_add_header(evhttp_request_get_input_headers(req), "Cookie", cookie);
    if (csrf)
        evhttp_add_header(evhttp_request_get_input_headers(req), "X-CSRF-Token", csrf);
    return req;
}

static void test_loopback(void **state)
{
    (void)state;
    assert_true(whb_session_peer_loopback("127.0.0.1"));
    assert_true(whb_session_peer_loopback("127.8.9.10"));
    assert_true(whb_session_peer_loopback("::1"));
    assert_true(whb_session_peer_loopback("::ffff:127.0.0.1")); /* IPv4 through a [::] socket */
    assert_false(whb_session_peer_loopback("::ffff:192.0.2.2"));
    assert_false(whb_session_peer_loopback("192.0.2.2"));
    assert_false(whb_session_peer_loopback("1270.0.0.1"));
    assert_false(whb_session_peer_loopback("fe80::1"));
    assert_false(whb_session_peer_loopback(NULL));
}

static void test_find_by_cookie(void **state)
{
    (void)state;
    struct whb_sessions *s = calloc(1, sizeof(*s));
    struct whb_session *a = whb_session_new(s, 1, 1000);
    assert_non_null(a);
    assert_int_equal(strlen(a->id), WHB_SESSION_ID_LEN);
    assert_string_not_equal(a->id, a->csrf);
    char cookie[200];
    snprintf(cookie, sizeof(cookie), "theme=dark; whb_session=%s; other=1", a->id);
    struct evhttp_request *req = request(cookie, a->csrf);
    assert_ptr_equal(whb_session_find(s, req, 2000), a);
    assert_true(whb_session_csrf_ok(a, req));
    /* Past its lifetime the session is gone, and its slot wiped. */
    assert_null(whb_session_find(s, req, 1000 + WHB_SESSION_LIFETIME));
    assert_int_equal(a->id[0], 0);
    evhttp_request_free(req);

    req = request("whb_session=short", NULL);
    assert_null(whb_session_find(s, req, 2000));
    evhttp_request_free(req);
    free(s);
}

static void test_csrf(void **state)
{
    (void)state;
    struct whb_sessions *s = calloc(1, sizeof(*s));
    struct whb_session *a = whb_session_new(s, 1, 0);
    char wrong[WHB_SESSION_ID_LEN + 1];
    memcpy(wrong, a->csrf, sizeof(wrong));
    wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
    struct evhttp_request *req = request(NULL, wrong);
    assert_false(whb_session_csrf_ok(a, req));
    evhttp_request_free(req);
    req = request(NULL, NULL);
    assert_false(whb_session_csrf_ok(a, req));
    evhttp_request_free(req);
    req = request(NULL, a->csrf);
    assert_false(whb_session_csrf_ok(NULL, req));
    assert_true(whb_session_csrf_ok(a, req));
    evhttp_request_free(req);
    free(s);
}

static void test_eviction(void **state)
{
    (void)state;
    struct whb_sessions *s = calloc(1, sizeof(*s));
    struct whb_session *first = whb_session_new(s, 1, 0);
    char first_id[WHB_SESSION_ID_LEN + 1];
    memcpy(first_id, first->id, sizeof(first_id));
    for (int i = 1; i < WHB_SESSION_MAX; i++)
        assert_non_null(whb_session_new(s, 1, i));
    struct whb_session *pre = NULL;
    /* Full of logged-in sessions: a new one replaces the one that ends first. */
    struct whb_session *n = whb_session_new(s, 1, 100);
    assert_ptr_equal(n, first);
    assert_string_not_equal(n->id, first_id);
    /* A pre-session goes before any logged-in one. */
    pre = whb_session_new(s, 0, 200);
    struct whb_session *next = whb_session_new(s, 1, 300);
    assert_ptr_equal(next, pre);
    assert_int_equal(next->authed, 1);
    free(s);
}

static void test_cookie_header(void **state)
{
    (void)state;
    struct whb_sessions *s = calloc(1, sizeof(*s));
    struct whb_session *a = whb_session_new(s, 1, 0);
    struct evhttp_request *req = request(NULL, NULL);
    whb_session_set_cookie(req, a, 0);
    const char *c = evhttp_find_header(evhttp_request_get_output_headers(req), "Set-Cookie");
    assert_non_null(c);
    assert_non_null(strstr(c, a->id));
    assert_non_null(strstr(c, "; HttpOnly; Secure; SameSite=Strict"));
    assert_non_null(strstr(c, "Max-Age=28800"));
    evhttp_request_free(req);
    req = request(NULL, NULL);
    whb_session_set_cookie(req, NULL, 0);
    c = evhttp_find_header(evhttp_request_get_output_headers(req), "Set-Cookie");
    assert_non_null(strstr(c, "whb_session=; Path=/; Max-Age=0"));
    evhttp_request_free(req);
    free(s);
}

static void test_assets(void **state)
{
    (void)state;
    int index = 0;
    for (unsigned i = 0; i < whb_web_asset_count; i++) {
        const struct whb_web_asset *a = &whb_web_assets[i];
        assert_int_equal(a->path[0], '/');
        assert_int_equal(a->etag[0], '"');
        assert_int_equal(strlen(a->etag), 18);
        assert_true(a->len > 0);
        if (!strcmp(a->path, "/index.html")) {
            index = 1;
            assert_string_equal(a->type, "text/html; charset=utf-8");
            assert_non_null(
                strstr((const char *)a->bytes, "<script type=\"module\" src=\"/js/app.js\">"));
            /* No inline script or style: the CSP forbids them. */
            assert_null(strstr((const char *)a->bytes, "<script>"));
            assert_null(strstr((const char *)a->bytes, "style="));
        }
    }
    assert_true(index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback),      cmocka_unit_test(test_find_by_cookie),
        cmocka_unit_test(test_csrf),          cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_cookie_header), cmocka_unit_test(test_assets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
