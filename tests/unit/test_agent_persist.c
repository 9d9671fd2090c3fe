/* What the agent keeps across restarts (client/persist.c): sequence numbers within a boot,
 * the machine key (stable, private, a corrupt one refused), enrollment and the collector's
 * interval. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "fs.h"
#include "persist.h"
#include "tmpdir.h"

static char dir[300];

static int setup(void **state)
{
    (void)state;
    return test_tmpdir(dir, sizeof(dir));
}

static int teardown(void **state)
{
    (void)state;
    return test_rmtree(dir);
}

static void key_file(const char *content)
{
    char p[400];
    snprintf(p, sizeof(p), "%s/key", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void sequence_survives_restart_in_the_same_boot(void **state)
{
    (void)state;
    struct whb_persist *p;
    struct whb_previous_run prev;
    assert_int_equal(whb_persist_open(dir, "boot-a", 1000, &p, &prev), 0);
    assert_false(prev.unclean);
    uint64_t last = 0;
    for (int i = 0; i < 1500; i++)
        last = whb_persist_next_seq(p);
    assert_int_equal(last, 1500);
    whb_persist_alive(p, 2000);
    whb_persist_close(p); /* no clean stop: as if killed */

    assert_int_equal(whb_persist_open(dir, "boot-a", 3000, &p, &prev), 0);
    assert_true(prev.unclean);
    assert_true(prev.same_boot);
    assert_int_equal(prev.last_alive_ms, 2000);
    assert_true(whb_persist_next_seq(p) > last);
    whb_persist_stopped(p, 4000);
    whb_persist_close(p);

    /* A new boot starts at 1 and the clean stop is remembered. */
    assert_int_equal(whb_persist_open(dir, "boot-b", 5000, &p, &prev), 0);
    assert_false(prev.unclean);
    assert_false(prev.same_boot);
    assert_int_equal(whb_persist_next_seq(p), 1);
    whb_persist_close(p);
}

/* The run file lost within a boot: numbers restart at 1, below what the collector stored;
 * told so, the agent numbers above it, and a restart after that stays above too. */
static void numbers_go_above_what_the_collector_stored(void **state)
{
    (void)state;
    struct whb_persist *p;
    struct whb_previous_run prev;
    assert_int_equal(whb_persist_open(dir, "boot-a", 1000, &p, &prev), 0);
    assert_int_equal(whb_persist_next_seq(p), 1);
    assert_int_equal(whb_persist_seq_above(p, 4321), 0);
    assert_int_equal(whb_persist_next_seq(p), 4322);
    assert_int_equal(whb_persist_last_seq(p), 4322);
    /* Never back down. */
    assert_int_equal(whb_persist_seq_above(p, 10), 0);
    assert_int_equal(whb_persist_next_seq(p), 4323);
    whb_persist_close(p); /* killed */
    assert_int_equal(whb_persist_open(dir, "boot-a", 3000, &p, &prev), 0);
    assert_true(whb_persist_next_seq(p) > 4323);
    whb_persist_close(p);
}

/* The disk full (here: the run file's temporary copy cannot be made) when a new block of
 * numbers is reserved: a number is still handed out, never 0. The collector refuses a report
 * with an event numbered 0, and the spool would send that event first in every report. */
static void a_reservation_that_cannot_be_written_still_numbers(void **state)
{
    (void)state;
    struct whb_persist *p;
    struct whb_previous_run prev;
    char tmp[400];
    assert_int_equal(whb_persist_open(dir, "boot-a", 1000, &p, &prev), 0);
    snprintf(tmp, sizeof(tmp), "%s/run.tmp", dir);
    assert_int_equal(whb_fs_mkdir(tmp), 0);
    uint64_t last = 0;
    for (int i = 0; i < 2500; i++) {
        uint64_t s = whb_persist_next_seq(p);
        assert_true(s > last);
        last = s;
    }
    assert_int_equal(last, 2500);
    whb_persist_close(p); /* the teardown takes the directory away */
}

static void machine_key_is_stable_and_private(void **state)
{
    (void)state;
    char a[65], b[65], p[400];
    assert_int_equal(whb_persist_key(dir, a), 0);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(whb_persist_key(dir, b), 0);
    assert_string_equal(a, b);
    snprintf(p, sizeof(p), "%s/key", dir);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
#ifndef _WIN32
    /* On Windows the file's ACL (SYSTEM and Administrators only) does this job. */
    assert_int_equal(st.st_mode & 077, 0);
#endif
}

static void corrupt_key_is_refused_not_replaced(void **state)
{
    (void)state;
    char hex[65], p[400], back[128];
    /* Non-hex (it used to be sent as is), short (it used to be replaced). */
    const char *bad[] = {"zz3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
                         "0123abcd", "",
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        key_file(bad[i]);
        assert_int_equal(whb_persist_key(dir, hex), WHB_ECORRUPT);
        snprintf(p, sizeof(p), "%s/key", dir);
        FILE *f = fopen(p, "rb");
        assert_non_null(f);
        size_t n = fread(back, 1, sizeof(back) - 1, f);
        fclose(f);
        back[n] = '\0';
        assert_string_equal(back, bad[i]); /* left for the admin */
    }
    /* An admin's copy with a line break and capitals is the same key. */
    key_file("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n");
    assert_int_equal(whb_persist_key(dir, hex), 0);
    assert_string_equal(hex, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void enrollment_can_be_forgotten(void **state)
{
    (void)state;
    assert_false(whb_persist_enrolled(dir));
    assert_int_equal(whb_persist_set_enrolled(dir, 0), 0);
    assert_int_equal(whb_persist_set_enrolled(dir, 1), 0);
    assert_true(whb_persist_enrolled(dir));
    assert_int_equal(whb_persist_set_enrolled(dir, 0), 0);
    assert_false(whb_persist_enrolled(dir));
}

static void collector_interval_survives_restart(void **state)
{
    (void)state;
    char p[400];
    assert_int_equal(whb_persist_interval(dir), 0); /* never asked: the configured one */
    assert_int_equal(whb_persist_set_interval(dir, 10), 0);
    assert_int_equal(whb_persist_interval(dir), 10);
    assert_int_equal(whb_persist_set_interval(dir, 86400), 0);
    assert_int_equal(whb_persist_interval(dir), 86400);
    /* A damaged file is ignored, not trusted. */
    snprintf(p, sizeof(p), "%s/interval", dir);
    const char *bad[] = {"0\n", "86401\n", "12x\n", "", "-5\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        fputs(bad[i], f);
        fclose(f);
        assert_int_equal(whb_persist_interval(dir), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sequence_survives_restart_in_the_same_boot, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(numbers_go_above_what_the_collector_stored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_reservation_that_cannot_be_written_still_numbers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(machine_key_is_stable_and_private, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_key_is_refused_not_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(enrollment_can_be_forgotten, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_interval_survives_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
