/* The Windows Update client's state in the agent's core: the newest log event of each id and
 * service, the events a change makes, texts and GUIDs made sendable, the replay backend's wu
 * lines, and the way out to the wire (the collector's checks pass). Runs on Linux and under
 * wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "encode.h"
#include "platform/platform.h"
#include "state.h"
#include "tmpdir.h"
#include "update_client.h"
#include "whb.pb-c.h"
#include "wire.h"
#include "wu_service.h"

#define WSUS  "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}"
#define STORE "{855e8a7c-ecb4-4ca3-b045-1dfa50104289}"

static struct whb_wu_log_event log_event(uint32_t id, int64_t at, uint32_t error, const char *svc)
{
    struct whb_wu_log_event e;
    memset(&e, 0, sizeof(e));
    e.event_id = id;
    e.at_ms = at;
    e.error_code = error;
    snprintf(e.service_id, sizeof(e.service_id), "%s", svc);
    return e;
}

static void newest_event_of_each_id_and_service_is_kept(void **state)
{
    (void)state;
    struct whb_wu_state st;
    memset(&st, 0, sizeof(st));
    struct whb_wu_log_event e = log_event(25, 1000, 0x8024401c, WSUS);
    assert_int_equal(whb_wu_log_put(&st, &e), 1);
    assert_int_equal(whb_wu_log_put(&st, &e), 0); /* the same again: nothing new */
    e = log_event(25, 500, 0x80072ee2, WSUS);     /* older: read later from the log */
    assert_int_equal(whb_wu_log_put(&st, &e), 0);
    assert_int_equal(st.log[0].error_code, 0x8024401c);
    e = log_event(25, 2000, 0x80244022, WSUS);
    assert_int_equal(whb_wu_log_put(&st, &e), 1);
    assert_int_equal(st.n_log, 1);
    assert_int_equal(st.log[0].error_code, 0x80244022);
    /* Another service's scan is its own story. */
    e = log_event(25, 3000, 0x80240438, STORE);
    assert_int_equal(whb_wu_log_put(&st, &e), 1);
    assert_int_equal(st.n_log, 2);
    /* Full: the oldest gives way, never a newer one. */
    for (int i = 0; i < WHB_WU_MAX_LOG; i++) {
        char svc[WHB_WU_GUID_LEN];
        snprintf(svc, sizeof(svc), "{00000000-0000-0000-0000-%012d}", i);
        e = log_event(26, 10000 + i, 0, svc);
        whb_wu_log_put(&st, &e);
    }
    assert_int_equal(st.n_log, WHB_WU_MAX_LOG);
    for (int i = 0; i < st.n_log; i++)
        assert_true(st.log[i].at_ms >= 10000);
    e = log_event(26, 1, 0, WSUS);
    assert_int_equal(whb_wu_log_put(&st, &e), 0);
}

static struct whb_state windows_state(void)
{
    struct whb_state s;
    memset(&s, 0, sizeof(s));
    struct whb_wu_state *u = &s.wu;
    u->known = u->log_read = 1;
    snprintf(u->wu_server, sizeof(u->wu_server), "http://wsus01.corp.example:8530");
    snprintf(u->wu_status_server, sizeof(u->wu_status_server), "http://wsus01.corp.example:8530");
    u->use_wu_server = WHB_WU_ON;
    snprintf(u->sus_client_id, sizeof(u->sus_client_id), "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192");
    u->n_services = 2;
    snprintf(u->services[0].name, sizeof(u->services[0].name), "wuauserv");
    u->services[0].start_type = WHB_START_MANUAL;
    snprintf(u->services[1].name, sizeof(u->services[1].name), "BITS");
    u->services[1].start_type = WHB_START_MANUAL;
    struct whb_wu_log_event e = log_event(26, 1000, 0, WSUS);
    whb_wu_log_put(u, &e);
    return s;
}

/* Never NULL (the optimiser would see a NULL reach strstr): a missing kind fails the test. */
static const struct whb_agent_event *find(const struct whb_agent_event *evs, int n, int kind)
{
    static const struct whb_agent_event none;
    for (int i = 0; i < n; i++)
        if (evs[i].kind == kind)
            return &evs[i];
    fail_msg("no event of kind %d", kind);
    return &none;
}

static void each_change_of_the_client_is_an_event(void **state)
{
    (void)state;
    struct whb_state a = windows_state(), b = windows_state();
    struct whb_agent_event evs[16];
    assert_int_equal(whb_state_diff(&a, &b, 7, evs, 16), 0);

    /* A failed scan against WSUS, the GPO gone, wuauserv disabled, a new identity. */
    struct whb_wu_log_event e = log_event(25, 5000, 0x8024401c, WSUS);
    whb_wu_log_put(&b.wu, &e);
    b.wu.wu_server[0] = b.wu.wu_status_server[0] = '\0';
    b.wu.use_wu_server = WHB_WU_NOT_SET;
    b.wu.services[0].start_type = WHB_START_DISABLED;
    snprintf(b.wu.sus_client_id, sizeof(b.wu.sus_client_id),
             "9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5");
    int n = whb_state_diff(&a, &b, 7, evs, 16);
    assert_int_equal(n, 4);
    const struct whb_agent_event *x;
    x = find(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_POLICY);
    assert_non_null(strstr(x->detail, "WUServer - WUStatusServer - UseWUServer -"));
    x = find(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_IDENTITY);
    assert_string_equal(x->detail, "SusClientId 9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5 (was "
                                   "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192)");
    x = find(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SERVICE);
    assert_string_equal(x->adapter, "wuauserv");
    assert_int_equal(x->reason_code, WHB_START_DISABLED);
    assert_string_equal(x->detail, "wuauserv start type disabled (was manual)");
    x = find(evs, n, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_FAILED);
    assert_string_equal(x->adapter, WSUS);
    assert_int_equal(x->reason_code, 0x8024401c);
    assert_int_equal(x->since_ms, 5000); /* the Windows event's time */
    assert_int_equal(x->at_ms, 7);       /* when the agent saw it */
    assert_string_equal(x->detail, "Windows Update failed to check for updates with error "
                                   "0x8024401C (WSUS (managed server))");

    /* A running service that stops (trigger start) says nothing: only its start type does. */
    a = windows_state();
    b = windows_state();
    a.wu.services[0].running = 1;
    assert_int_equal(whb_state_diff(&a, &b, 7, evs, 16), 0);
    /* Linux: nothing of it. */
    memset(&a.wu, 0, sizeof(a.wu));
    memset(&b.wu, 0, sizeof(b.wu));
    assert_int_equal(whb_state_diff(&a, &b, 7, evs, 16), 0);
    /* The bound holds. */
    a = windows_state();
    b = windows_state();
    b.wu.services[0].start_type = b.wu.services[1].start_type = WHB_START_DISABLED;
    assert_int_equal(whb_state_diff(&a, &b, 7, evs, 1), 1);
}

static void client_texts_and_ids_are_made_sendable(void **state)
{
    (void)state;
    struct whb_state s = windows_state();
    snprintf(s.wu.sus_client_id, sizeof(s.wu.sus_client_id),
             "{0B6A3C5E-4F1D-4E8A-9C2B-7D5E6F708192}");
    snprintf(s.wu.log[0].service_id, sizeof(s.wu.log[0].service_id),
             "3DA21691-E39D-4DA6-8A4B-B43877BCB1B7");
    snprintf(s.wu.log[0].detail, sizeof(s.wu.log[0].detail), "KB1\x1b[2J");
    snprintf(s.wu.target_group, sizeof(s.wu.target_group),
             "Ring \xe2\x80\xae"
             "1");
    whb_state_clean(&s);
    assert_string_equal(s.wu.sus_client_id, "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192");
    assert_int_equal(s.wu.sus_malformed, 0);
    assert_string_equal(s.wu.log[0].service_id, WSUS);
    assert_null(strchr(s.wu.log[0].detail, 0x1b));
    assert_string_equal(s.wu.target_group, "Ring ?1");
    /* A value that is no GUID is not sent, but said. */
    snprintf(s.wu.sus_client_id, sizeof(s.wu.sus_client_id), "cloned-image");
    whb_state_clean(&s);
    assert_string_equal(s.wu.sus_client_id, "");
    assert_int_equal(s.wu.sus_malformed, 1);

    /* What the core made goes through the collector's checks. */
    struct whb_identity id = {.machine_id = "m-1", .fqdn = "pc-1.corp.example", .boot_id = "b-1"};
    s = windows_state();
    whb_state_clean(&s);
    struct whb_report_input in = {
        .id = &id, .seq = 1, .sent_at_ms = 1795603047000LL, .interval_s = 60, .state = &s};
    uint8_t *buf = NULL;
    size_t len = 0;
    whb_report *r = NULL;
    char why[160] = "";
    assert_int_equal(whb_encode_report(&in, &buf, &len), 0);
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_non_null(r->snapshot->update_client);
    assert_string_equal(r->snapshot->update_client->sus_client_id,
                        "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192");
    assert_int_equal(r->snapshot->update_client->n_log, 1);
    assert_string_equal(r->snapshot->update_client->log[0]->service_id, WSUS);
    whb_wire_report_free(r);
    free(buf);
    /* Linux agents send nothing of it. */
    memset(&s.wu, 0, sizeof(s.wu));
    assert_int_equal(whb_encode_report(&in, &buf, &len), 0);
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_null(r->snapshot->update_client);
    whb_wire_report_free(r);
    free(buf);
}

static void services_are_named_by_their_guid(void **state)
{
    (void)state;
    char g[40];
    assert_int_equal(whb_wu_service_class(WSUS), WHB_WU_SVC_MANAGED);
    assert_int_equal(whb_wu_service_class("9482F4B4-E343-43B6-B170-9A65BC822C77"),
                     WHB_WU_SVC_WINDOWS_UPDATE);
    assert_int_equal(whb_wu_service_class("{00000000-0000-0000-0000-000000000000}"),
                     WHB_WU_SVC_UNKNOWN);
    assert_int_equal(whb_wu_service_class("not a guid"), WHB_WU_SVC_UNKNOWN);
    assert_int_equal(whb_wu_guid_canon("{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}", 0, g, sizeof(g)),
                     0);
    assert_string_equal(g, "3da21691-e39d-4da6-8a4b-b43877bcb1b7");
    assert_int_equal(whb_wu_guid_canon("{3da21691-e39d-4da6-8a4b-b43877bcb1b7", 1, g, sizeof(g)),
                     -1);
    assert_int_equal(whb_wu_guid_canon(WSUS, 1, g, 38), -1); /* no room: refused, not cut */
}

/* The replay backend plays the client's states, as the demo fleet and the tests use them. */
static void replay_lines_set_the_client_state(void **state)
{
    (void)state;
    char dir[300], file[400];
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    snprintf(file, sizeof(file), "%s/wu.replay", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("identity machine_id=m-7 fqdn=pc-7.corp.example\n"
          "0 adapter eth0 addr=10.0.0.7/24 gw=10.0.0.1\n"
          "0 wu policy server=http://wsus01:8530 status=http://wsus01:8530 use_wu_server=1 "
          "deferral=1 source=wu,wu,wsus,wsus class_source=1\n"
          "0 wu applied source=wu,wu,wsus,wsus dual_scan=1\n"
          "0 wu mdm settings=3 url=https://intune.example source=wu,wu,-,-\n"
          "0 wu id sus=0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192\n"
          "0 wu log 26 ago=86400000 service=wsus detail=4\n"
          "0 wu log 25 ago=60000 error=0x80244022 service=wsus\n"
          "0 wu log 21 ago=1000\n"
          "0 wu service wuauserv disabled\n"
          "0 wu service BITS manual running=1\n"
          "0 clock offset=-7200000\n"
          "0 end\n",
          f);
    fclose(f);
    struct whb_platform_config cfg = {.replay_file = file};
    struct whb_platform *p = NULL;
    assert_int_equal(whb_platform_replay.open(&cfg, &p), 0);
    struct whb_state *s = calloc(1, sizeof(*s));
    assert_int_equal(p->ops->snapshot(p, s), 0);
    const struct whb_wu_state *u = &s->wu;
    assert_true(u->known);
    assert_string_equal(u->wu_server, "http://wsus01:8530");
    assert_int_equal(u->use_wu_server, WHB_WU_ON);
    assert_int_equal(u->deferral_policy, WHB_WU_ON);
    assert_int_equal(u->policy_source[0], WHB_WU_SOURCE_WU);
    assert_int_equal(u->policy_source[3], WHB_WU_SOURCE_WSUS);
    assert_int_equal(u->dual_scan_active, WHB_WU_ON);
    assert_int_equal(u->mdm_settings, 3);
    assert_int_equal(u->mdm_source[1], WHB_WU_SOURCE_WU);
    assert_int_equal(u->mdm_source[2], WHB_WU_SOURCE_NOT_SET);
    assert_string_equal(u->sus_client_id, "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192");
    assert_int_equal(u->n_log, 3);
    assert_int_equal(u->log[1].error_code, 0x80244022);
    assert_string_equal(u->log[1].service_id, WSUS);
    assert_true(u->log[1].at_ms < whb_clock_wall_ms() - 50000);
    assert_true(u->restart_pending);
    assert_int_equal(u->n_services, 2);
    assert_int_equal(u->services[0].start_type, WHB_START_DISABLED);
    assert_int_equal(u->services[1].running, 1);
    char where[512];
    whb_wu_where(u, where, sizeof(where));
    assert_non_null(strstr(where, "scan sources feature/quality/driver/other WU/WU/WSUS/WSUS"));
    assert_non_null(strstr(where, "dual scan 1"));
    assert_non_null(strstr(where, "MDM: 3 Update settings"));
    /* Its clock runs two hours behind: what the collector measures as an offset. */
    int64_t behind = whb_clock_wall_ms() - p->ops->wall_ms(p);
    assert_true(behind >= 7200000 && behind < 7210000);
    p->ops->close(p);
    free(s);
    test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(newest_event_of_each_id_and_service_is_kept),
        cmocka_unit_test(each_change_of_the_client_is_an_event),
        cmocka_unit_test(client_texts_and_ids_are_made_sendable),
        cmocka_unit_test(services_are_named_by_their_guid),
        cmocka_unit_test(replay_lines_set_the_client_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
