/* Connection admission bookkeeping: the cap, the per-source share, IPv4 and its IPv6-mapped
 * form as one source, and a table that keeps its counts through many arrivals and departures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "http/conncap.h"
#include "error.h"

static struct whb_conncap_addr v4(const char *ip)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    struct whb_conncap_addr key;
    inet_pton(AF_INET, ip, &sa.sin_addr);
    assert_int_equal(whb_conncap_key((struct sockaddr *)&sa, &key), 0);
    return key;
}

static struct whb_conncap_addr v6(const char *ip)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
    struct whb_conncap_addr key;
    inet_pton(AF_INET6, ip, &sa.sin6_addr);
    assert_int_equal(whb_conncap_key((struct sockaddr *)&sa, &key), 0);
    return key;
}

static void share_and_cap(void **state)
{
    (void)state;
    struct whb_conncap *cap = whb_conncap_new(5, 2);
    struct whb_conncap_addr a = v4("10.0.0.1"), a6 = v6("::ffff:10.0.0.1"), b = v4("10.0.0.2"),
                            c = v6("2001:db8::3"), d = v4("10.0.0.4");
    assert_int_equal(whb_conncap_admit(cap, &a), 0);
    /* The same host on an IPv6 socket is the same source. */
    assert_int_equal(whb_conncap_admit(cap, &a6), 0);
    assert_int_equal(whb_conncap_admit(cap, &a), WHB_EDENIED);
    assert_int_equal(whb_conncap_from(cap, &a), 2);
    assert_int_equal(whb_conncap_admit(cap, &b), 0);
    assert_int_equal(whb_conncap_admit(cap, &b), 0);
    assert_int_equal(whb_conncap_admit(cap, &c), 0);
    assert_int_equal(whb_conncap_open(cap), 5);
    assert_int_equal(whb_conncap_admit(cap, &d), WHB_EBUSY);
    /* A refusal is not counted; a departure frees a place for anyone. */
    assert_int_equal(whb_conncap_open(cap), 5);
    whb_conncap_release(cap, &a);
    assert_int_equal(whb_conncap_from(cap, &a), 1);
    assert_int_equal(whb_conncap_admit(cap, &d), 0);
    /* Releasing what was never admitted changes nothing. */
    struct whb_conncap_addr never = v4("10.9.9.9");
    whb_conncap_release(cap, &never);
    assert_int_equal(whb_conncap_open(cap), 5);
    whb_conncap_free(cap);
}

/* Many sources coming and going in every order: counts stay exact (the table's deletions
 * move entries back into holes, which a mistake there would lose). */
/* One host may use any address of its /64: four addresses are one source (issue 22: 4 x 50
 * connections were held against a cap of 50). Another /64 is another source. */
static void ipv6_counts_its_64(void **state)
{
    (void)state;
    struct whb_conncap *cap = whb_conncap_new(1000, 50);
    const char *same[] = {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3",
                          "2001:db8:1:2:ffff:ffff:ffff:fffe"};
    unsigned admitted = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 50; i++) {
            struct whb_conncap_addr a = v6(same[k]);
            admitted += whb_conncap_admit(cap, &a) == 0;
        }
    assert_int_equal(admitted, 50);
    struct whb_conncap_addr other = v6("2001:db8:1:3::1");
    assert_int_equal(whb_conncap_admit(cap, &other), 0);
    /* IPv4 through a [::] socket is still one address, not its /64. */
    struct whb_conncap_addr m1 = v6("::ffff:10.0.0.1"), m2 = v6("::ffff:10.0.0.2");
    assert_int_equal(memcmp(&m1, &m2, sizeof(m1)) != 0, 1);
    whb_conncap_free(cap);
}

static void churn_keeps_counts(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct whb_conncap *cap = whb_conncap_new(3 * N, 3);
    static unsigned held[N];
    char ip[32];
    uint32_t x = 12345;
    for (int round = 0; round < 50000; round++) {
        x = x * 1103515245u + 12345u;
        unsigned i = (x >> 8) % N;
        snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
        struct whb_conncap_addr k = v4(ip);
        if ((x >> 4) & 1) {
            int rc = whb_conncap_admit(cap, &k);
            if (held[i] < 3)
                assert_int_equal(rc, 0);
            else
                assert_int_equal(rc, WHB_EDENIED);
            held[i] += rc == 0;
        } else if (held[i]) {
            whb_conncap_release(cap, &k);
            held[i]--;
        }
        assert_int_equal(whb_conncap_from(cap, &k), held[i]);
    }
    unsigned total = 0;
    for (int i = 0; i < N; i++) {
        snprintf(ip, sizeof(ip), "10.%u.%u.%u", (unsigned)i >> 16, ((unsigned)i >> 8) & 255,
                 (unsigned)i & 255);
        struct whb_conncap_addr k = v4(ip);
        assert_int_equal(whb_conncap_from(cap, &k), held[i]);
        total += held[i];
    }
    assert_int_equal(whb_conncap_open(cap), total);
    whb_conncap_free(cap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(share_and_cap),
        cmocka_unit_test(churn_keeps_counts),
        cmocka_unit_test(ipv6_counts_its_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
