/* Console sessions (collector/console/session.c): the table's expiry and eviction, sessions
 * bound to their source, cookie parsing, the CSRF checks (stateless for the login form), failed
 * logins per source, and the embedded asset table. */
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

static struct whb_source source(uint8_t last)
{
    struct whb_source a = {.b = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, last}};
    return a;
}

static struct whb_sessions *table(void)
{
    struct whb_sessions *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    assert_int_equal(whb_sessions_init(s), 0);
    return s;
}

static void test_find_by_cookie(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source me = source(1), other = source(2);
    struct whb_session *a = whb_session_new(s, WHB_PERM_ALL, "admin", &me, 1000);
    int elsewhere;
    assert_non_null(a);
    assert_int_equal(strlen(a->id), WHB_SESSION_ID_LEN);
    assert_string_not_equal(a->id, a->csrf);
    char cookie[200];
    snprintf(cookie, sizeof(cookie), "theme=dark; whb_session=%s; other=1", a->id);
    struct evhttp_request *req = request(cookie, a->csrf);
    assert_ptr_equal(whb_session_find(s, req, &me, 2000, &elsewhere), a);
    assert_false(elsewhere);
    assert_true(whb_session_csrf_ok(a, req));
    /* Bound to the address it was issued to: from another one it is no session (issue 22: a
     * cookie obtained over loopback worked from a remote address for 8 h). */
    assert_null(whb_session_find(s, req, &other, 2000, &elsewhere));
    assert_true(elsewhere);
    /* Past its lifetime the session is gone, and its slot wiped. */
    assert_null(whb_session_find(s, req, &me, 1000 + WHB_SESSION_LIFETIME, NULL));
    assert_int_equal(a->id[0], 0);
    evhttp_request_free(req);

    req = request("whb_session=short", NULL);
    assert_null(whb_session_find(s, req, &me, 2000, NULL));
    evhttp_request_free(req);
    free(s);
}

static void test_csrf(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source me = source(1);
    struct whb_session *a = whb_session_new(s, WHB_PERM_ALL, "admin", &me, 0);
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

/* The login form's token is stateless: valid for its source and lifetime only, and making
 * any number of them takes no session slot. */
static void test_pre_token(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source me = source(1), other = source(2);
    char tok[WHB_SESSION_PRE_LEN + 1], forged[WHB_SESSION_PRE_LEN + 1];
    whb_session_pre_token(s, &me, 5000, tok);
    assert_int_equal(strlen(tok), WHB_SESSION_PRE_LEN);
    struct evhttp_request *req = request(NULL, tok);
    assert_true(whb_session_pre_ok(s, req, &me, 6000));
    assert_false(whb_session_pre_ok(s, req, &other, 6000));
    assert_false(whb_session_pre_ok(s, req, &me, 5000 + WHB_SESSION_PRE_LIFE));
    evhttp_request_free(req);
    /* A later expiry written into the token breaks its MAC. */
    memcpy(forged, tok, sizeof(forged));
    forged[11] = forged[11] == 'f' ? 'e' : 'f';
    req = request(NULL, forged);
    assert_false(whb_session_pre_ok(s, req, &me, 6000));
    evhttp_request_free(req);
    /* Another collector start (another secret) does not take it. */
    struct whb_sessions *s2 = table();
    req = request(NULL, tok);
    assert_false(whb_session_pre_ok(s2, req, &me, 6000));
    evhttp_request_free(req);
    for (int i = 0; i < WHB_SESSION_MAX; i++)
        assert_int_equal(s->slot[i].perms, 0);
    free(s);
    free(s2);
}

static void test_eviction(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source me = source(1);
    struct whb_session *first = whb_session_new(s, WHB_PERM_ALL, "admin", &me, 0);
    char first_id[WHB_SESSION_ID_LEN + 1];
    memcpy(first_id, first->id, sizeof(first_id));
    for (int i = 1; i < WHB_SESSION_MAX; i++)
        assert_non_null(whb_session_new(s, WHB_PERM_READ, "read", &me, i));
    /* Full of logged-in sessions: a new login replaces the one that ends first. */
    struct whb_session *n = whb_session_new(s, WHB_PERM_ALL, "admin", &me, 100);
    assert_ptr_equal(n, first);
    assert_string_not_equal(n->id, first_id);
    free(s);
}

/* Failed logins count per source: one address's guesses lock out only itself (issue 22: ten
 * wrong tokens from one address locked the right one out from every address). */
static void test_login_limit(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source bad = source(66), good = source(7);
    for (int i = 0; i < WHB_LOGIN_FAILURES; i++) {
        assert_false(whb_login_blocked(s, &bad, 1000 + i));
        whb_login_failed(s, &bad, 1000 + i);
    }
    assert_true(whb_login_blocked(s, &bad, 2000));
    assert_false(whb_login_blocked(s, &good, 2000));
    /* A minute later it may try again. */
    assert_false(whb_login_blocked(s, &bad, 1000 + 61000));
    /* Many sources failing once each do not wipe a blocked one's count before they fill
     * the table. */
    for (int i = 0; i < WHB_LOGIN_FAILURES; i++)
        whb_login_failed(s, &bad, 70000);
    for (int i = 0; i < WHB_LOGIN_SOURCES - 1; i++) {
        struct whb_source x = {.b = {0x20, 0x01, 0x0d, 0xb8, (uint8_t)(i >> 8), (uint8_t)i}};
        whb_login_failed(s, &x, 70001);
    }
    assert_true(whb_login_blocked(s, &bad, 70002));
    free(s);
}

static void test_cookie_header(void **state)
{
    (void)state;
    struct whb_sessions *s = table();
    struct whb_source me = source(1);
    struct whb_session *a = whb_session_new(s, WHB_PERM_ALL, "admin", &me, 0);
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
        cmocka_unit_test(test_find_by_cookie), cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_pre_token),      cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_login_limit),    cmocka_unit_test(test_cookie_header),
        cmocka_unit_test(test_assets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
