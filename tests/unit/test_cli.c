/* The CLI's pure parts: escaping for the terminal (C0, C1, bidi, invalid UTF-8) and WSUS dates
 * (ISO 8601 with offsets, cultures, what a date proves, what it cannot). Also under wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"
#include "wsus_dates.h"

static void clean(const char *in, const char *want)
{
    char out[256];
    assert_string_equal(whb_table_clean(in, out, sizeof(out)), want);
}

static void test_escapes_controls(void **state)
{
    (void)state;
    clean("pc-1.corp.example", "pc-1.corp.example");
    clean("a\tb\x1b[31m", "a\\x09b\\x1b[31m");
    clean("del\x7f", "del\\x7f");
    /* C1 controls as UTF-8: U+0085 NEL, U+009B CSI. */
    clean("x\xc2\x85y\xc2\x9b", "x\\x85y\\x9b");
    /* Bidi overrides and isolates: U+202E RLO, U+2066 LRI. */
    clean("evil\xe2\x80\xaetxt.exe", "evil\\u{202e}txt.exe");
    clean("\xe2\x81\xa6x", "\\u{2066}x");
    /* Invalid UTF-8 and an overlong encoding are shown byte by byte. */
    clean("bad\xff", "bad\\xff");
    clean("\xc0\xaf", "\\xc0\\xaf");
    /* Printable non-ASCII stays. */
    clean("K\xc3\xb6ln", "K\xc3\xb6ln");
}

static void test_clean_bounded(void **state)
{
    (void)state;
    char out[8];
    whb_table_clean("\x1b\x1b\x1b", out, sizeof(out));
    assert_string_equal(out, "\\x1b"); /* never half an escape */
}

static int64_t ms_of(const char *text, enum whb_date_order order)
{
    struct whb_date_scan d;
    int64_t ms = -1;
    assert_int_equal(whb_date_scan(text, &d), 0);
    assert_int_equal(whb_date_resolve(&d, order, &ms), 0);
    return ms;
}

static void test_iso(void **state)
{
    (void)state;
    /* 2026-11-25T19:58:12Z = 1795636692 s */
    assert_int_equal(ms_of("2026-11-25T19:58:12.1234567Z", 0), 1795636692000LL);
    assert_int_equal(ms_of("2026-11-25T20:58:12.0000000+01:00", 0), 1795636692000LL);
    assert_int_equal(ms_of("2026-11-25T19:58:12", 0), 1795636692000LL);
    assert_int_equal(ms_of("0001-01-01T00:00:00.0000000", 0), 0);
    assert_int_equal(ms_of("", 0), 0);
}

static void test_cultures(void **state)
{
    (void)state;
    assert_int_equal(whb_date_culture("de-DE"), WHB_ORDER_DMY);
    assert_int_equal(whb_date_culture("EN-au"), WHB_ORDER_DMY);
    assert_int_equal(whb_date_culture("en-US"), WHB_ORDER_MDY);
    assert_int_equal(whb_date_culture("ja-JP"), WHB_ORDER_YMD);
    assert_int_equal(whb_date_culture("xx-XX"), WHB_ORDER_UNKNOWN);
    assert_int_equal(ms_of("25.11.2026 19:58:12", WHB_ORDER_DMY), 1795636692000LL);
    assert_int_equal(ms_of("11/25/2026 7:58:12 PM", WHB_ORDER_MDY), 1795636692000LL);
    assert_int_equal(ms_of("25/11/2026 7:58:12 p.m.", WHB_ORDER_DMY), 1795636692000LL);
    assert_int_equal(ms_of("2026/11/25 19:58:12", WHB_ORDER_YMD), 1795636692000LL);
    assert_int_equal(ms_of("1/1/0001 12:00:00 AM", WHB_ORDER_MDY), 0);
    /* 12 AM is midnight, 12 PM noon. */
    assert_int_equal(ms_of("1/2/2026 12:00:00 AM", WHB_ORDER_DMY) % 86400000, 0);
    assert_int_equal(ms_of("1/2/2026 12:00:00 PM", WHB_ORDER_DMY) % 86400000, 43200000);
}

static void test_what_a_date_proves(void **state)
{
    (void)state;
    struct whb_date_scan d;
    int64_t ms;
    assert_int_equal(whb_date_scan("25/11/2026 10:00:00", &d), 0);
    assert_int_equal(whb_date_proves(&d), WHB_ORDER_DMY);
    assert_int_equal(whb_date_scan("11/25/2026 10:00:00 AM", &d), 0);
    assert_int_equal(whb_date_proves(&d), WHB_ORDER_MDY);
    assert_int_equal(whb_date_scan("3/11/2026 9:00:00 am", &d), 0);
    assert_int_equal(whb_date_proves(&d), WHB_ORDER_UNKNOWN);
    /* Without an order an ambiguous date is refused, never guessed. */
    assert_int_equal(whb_date_resolve(&d, WHB_ORDER_UNKNOWN, &ms), -1);
    /* The same day and month needs no order. */
    assert_int_equal(whb_date_scan("4/4/2026 9:00:00", &d), 0);
    assert_int_equal(whb_date_resolve(&d, WHB_ORDER_UNKNOWN, &ms), 0);
}

static void test_refused(void **state)
{
    (void)state;
    struct whb_date_scan d;
    int64_t ms;
    const char *bad[] = {"yesterday",
                         "25.11.26 10:00",
                         "2026-13-01",
                         "2026-11-25T25:00:00Z",
                         "11/25/2026 13:00:00 PM",
                         "2026-11-25T10:00:00+99:00",
                         "1/2/2026 9:00 xm"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(whb_date_scan(bad[i], &d), -1);
    assert_int_equal(whb_date_scan("31/2/2026 10:00:00", &d), 0); /* 31 February */
    assert_int_equal(whb_date_resolve(&d, WHB_ORDER_DMY, &ms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_controls),
        cmocka_unit_test(test_clean_bounded),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_cultures),
        cmocka_unit_test(test_what_a_date_proves),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
