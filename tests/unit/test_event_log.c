/* The fault soak's source count (client/event_log.c): one line per event, written before the
 * event is spooled, and the spool's drops of heartbeats for room named, not hidden. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "event_log.h"
#include "spool.h"
#include "tmpdir.h"
#include "whb.pb-c.h"

static char dir[300], spool_path[340], log_path[340];

static int setup(void **state)
{
    (void)state;
    if (test_tmpdir(dir, sizeof(dir)))
        return -1;
    snprintf(spool_path, sizeof(spool_path), "%s/spool", dir);
    snprintf(log_path, sizeof(log_path), "%s/events.log", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_rmtree(dir);
}

static void make_event(whb_event *e, uint64_t seq, int kind, char *detail, size_t len)
{
    whb__v1__event__init(e);
    e->seq = seq;
    e->at_ms = 1764000000000LL + (int64_t)seq;
    e->kind = kind;
    e->boot_id = "boot-a";
    /* Padding makes the 64 KiB spool fill after a few dozen records. */
    memset(detail, 'x', len - 1);
    detail[len - 1] = '\0';
    e->detail = detail;
}

static int count_lines(const char *prefix)
{
    char line[256];
    int n = 0;
    FILE *f = fopen(log_path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

static void every_event_is_logged_before_spooling(void **state)
{
    (void)state;
    struct whb_spool *sp;
    whb_event e;
    char detail[32];
    assert_int_equal(whb_spool_open(spool_path, 65536, &sp), 0);
    make_event(&e, 7, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, detail, sizeof(detail));
    assert_int_equal(whb_event_log_spool(log_path, sp, &e, 1), 0);
    make_event(&e, 8, WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT, detail, sizeof(detail));
    assert_int_equal(whb_event_log_spool(log_path, sp, &e, 0), 0);
    whb_spool_close(sp);

    FILE *f = fopen(log_path, "r");
    char a[128] = "", b[128] = "";
    assert_non_null(f);
    assert_non_null(fgets(a, sizeof(a), f));
    assert_non_null(fgets(b, sizeof(b), f));
    fclose(f);
    assert_string_equal(a, "boot-a 7 carrier_lost\n");
    assert_string_equal(b, "boot-a 8 heartbeat\n");
}

static void heartbeats_dropped_for_room_are_named(void **state)
{
    (void)state;
    struct whb_spool *sp;
    whb_event e;
    static char detail[200];
    int appended = 0;
    assert_int_equal(whb_spool_open(spool_path, 65536, &sp), 0);
    /* Heartbeats only: once full, the newcomer or an old heartbeat must go. */
    for (uint64_t seq = 1; seq <= 600; seq++) {
        make_event(&e, seq, WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT, detail, sizeof(detail));
        whb_event_log_spool(log_path, sp, &e, 0);
        appended++;
    }
    struct whb_spool_stats st;
    whb_spool_stats(sp, &st);
    whb_spool_close(sp);
    assert_true(st.dropped > 0);
    assert_int_equal(count_lines("boot-a "), appended);
    /* Every drop has its line; the counts on them add up to what the spool dropped. */
    FILE *f = fopen(log_path, "r");
    char line[256];
    unsigned total = 0, hb, refused;
    unsigned long long seq;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "dropped boot-a %llu %u %u", &seq, &hb, &refused) == 3)
            total += hb + refused;
    fclose(f);
    assert_int_equal(total, st.dropped);
    assert_int_equal(st.records + st.dropped, appended);
}

static void no_path_no_file(void **state)
{
    (void)state;
    struct whb_spool *sp;
    whb_event e;
    char detail[8];
    assert_int_equal(whb_spool_open(spool_path, 65536, &sp), 0);
    make_event(&e, 1, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST, detail, sizeof(detail));
    assert_int_equal(whb_event_log_spool("", sp, &e, 1), 0);
    struct whb_spool_stats st;
    whb_spool_stats(sp, &st);
    whb_spool_close(sp);
    assert_int_equal(st.records, 1);
    assert_int_equal(count_lines(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_event_is_logged_before_spooling, setup, teardown),
        cmocka_unit_test_setup_teardown(heartbeats_dropped_for_room_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(no_path_no_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
