/* The Windows backend's reading of the Windows Update client, under wine: recorded events of
 * its logs (tests/data/wu-client-events.xml: wine has no event log), its policy, PolicyState,
 * MDM settings and SusClientId set in wine's registry, the start types of the services it
 * needs through wine's service manager, and the backend noticing each change while it runs,
 * through to the events the agent's core spools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "error.h"
#include "platform/platform.h"
#include "platform/windows/bridge.h"
#include "platform/windows/services.h"
#include "platform/windows/wu_client.h"
#include "platform/windows/wu_log.h"
#include "settings.h"
#include "spool.h"
#include "tmpdir.h"
#include "update_client.h"
#include "whb.pb-c.h"

#define POLICY       L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate"
#define POLICY_AU    POLICY L"\\AU"
#define POLICY_STATE L"SOFTWARE\\Microsoft\\WindowsUpdate\\UpdatePolicy\\PolicyState"
#define MDM_UPDATE   L"SOFTWARE\\Microsoft\\PolicyManager\\current\\device\\Update"
#define CLIENT_ID    L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate"
#define WSUS         "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}"
#define SUS_ID       "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192"

/* 2026-11-25T08:02:17.330Z, the newest scan failure against WSUS in the recording. */
#define T_SCAN_FAILED 1795593737330LL

/* The recorded events, one rendered event a line. */
static int recorded(char lines[][8192], int max)
{
    FILE *f = fopen(WHB_TEST_DATA_DIR "/wu-client-events.xml", "rb");
    int n = 0;
    assert_non_null(f);
    while (n < max && fgets(lines[n], 8192, f)) {
        lines[n][strcspn(lines[n], "\r\n")] = '\0';
        n++;
    }
    fclose(f);
    return n;
}

static const struct whb_wu_log_event *logged(const struct whb_wu_state *st, uint32_t id,
                                             const char *svc)
{
    for (int i = 0; i < st->n_log; i++)
        if (st->log[i].event_id == id && strcmp(st->log[i].service_id, svc) == 0)
            return &st->log[i];
    return NULL;
}

static void recorded_events_become_the_client_story(void **state)
{
    (void)state;
    static char lines[16][8192];
    static wchar_t xml[8192];
    struct whb_wu_state st;
    memset(&st, 0, sizeof(st));
    int n = recorded(lines, 16), applied = 0, ignored = 0;
    assert_int_equal(n, 11);
    for (int i = 0; i < n; i++) {
        assert_true(MultiByteToWideChar(CP_UTF8, 0, lines[i], -1, xml, 8192) > 0);
        int rc = whb_win_wu_apply_xml(&st, xml);
        applied += rc == 1;
        ignored += rc == -1;
    }
    assert_int_equal(applied, 10);
    assert_int_equal(ignored, 1); /* the real event 19: not one the agent follows */
    whb_wu_clean(&st);

    /* Against WSUS: the last good scan on the 20th, then failures; the newest is kept. */
    const struct whb_wu_log_event *e = logged(&st, 25, WSUS);
    assert_non_null(e);
    assert_int_equal(e->error_code, 0x8024401c);
    assert_int_equal(e->at_ms, T_SCAN_FAILED);
    assert_non_null(e = logged(&st, 26, WSUS));
    assert_string_equal(e->detail, "3");
    /* The Store's and flighting's scans are theirs. */
    assert_non_null(e = logged(&st, 26, "{855e8a7c-ecb4-4ca3-b045-1dfa50104289}"));
    assert_non_null(e = logged(&st, 25, "{8b24b027-1dee-babb-9a95-3517dfb9c552}"));
    assert_int_equal(e->error_code, 0x80240438);
    /* System: install failure with its title, restart, cannot connect, proxy. */
    assert_non_null(e = logged(&st, 20, WSUS));
    assert_int_equal(e->error_code, 0x80070643);
    assert_non_null(strstr(e->detail, "(KB5999999)"));
    assert_non_null(logged(&st, 21, ""));
    assert_non_null(logged(&st, 16, ""));
    assert_non_null(e = logged(&st, 32, ""));
    assert_string_equal(e->detail, "wsus01.corp.example");
    assert_non_null(e = logged(&st, 33, ""));
    assert_string_equal(e->detail, "proxy.corp.example:8080");
    assert_int_equal(st.n_log, 9);

    /* The restart of event 21 (18 Nov) is pending only in a boot that began before it. */
    const int64_t restart_at = logged(&st, 21, "")->at_ms;
    assert_true(whb_win_wu_restart_pending(&st, restart_at - 3600000));
    assert_false(whb_win_wu_restart_pending(&st, restart_at + 60000));

    /* Another provider's event, or one without a time, is not the client's. */
    MultiByteToWideChar(CP_UTF8, 0, lines[2], -1, xml, 8192);
    wchar_t *p = wcsstr(xml, L"WindowsUpdateClient'");
    assert_non_null(p);
    memcpy(p, L"WindowsUpdateClienX", 19 * sizeof(wchar_t));
    assert_int_equal(whb_win_wu_apply_xml(&st, xml), -1);
    assert_int_equal(whb_win_wu_apply_xml(&st, L"<Event><System><Provider "
                                               L"Name='Microsoft-Windows-WindowsUpdateClient'/>"
                                               L"<EventID>25</EventID></System></Event>"),
                     -1);
}

static void recorded_file_is_read_as_it_grows(void **state)
{
    (void)state;
    static char lines[16][8192];
    char dir[300], path[400];
    int changed = 0;
    int64_t off = 0;
    recorded(lines, 16);
    struct whb_wu_state st;
    memset(&st, 0, sizeof(st));
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    snprintf(path, sizeof(path), "%s\\events.xml", dir);
    FILE *f = fopen(path, "wb");
    fprintf(f, "%s\r\n%s\n", lines[0], lines[1]); /* written on Windows or not */
    /* A writer half-way through its line: not read until it is whole. */
    fputs("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>", f);
    fclose(f);
    assert_int_equal(whb_win_wu_file_read(path, &off, &st, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(st.n_log, 2);
    int64_t first = off;
    changed = 0;
    assert_int_equal(whb_win_wu_file_read(path, &off, &st, &changed), 0);
    assert_int_equal(changed, 0);
    assert_int_equal(off, first);
    /* The rest of that line and another event arrive. */
    f = fopen(path, "wb");
    fprintf(f, "%s\r\n%s\n%s\n", lines[0], lines[1], lines[2]);
    fclose(f);
    assert_int_equal(whb_win_wu_file_read(path, &off, &st, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(logged(&st, 25, WSUS)->error_code, 0x8024401c);
    /* A missing file is an error, not an empty story. */
    assert_int_equal(whb_win_wu_file_read("C:\\no\\such\\file.xml", &off, &st, &changed), WHB_EIO);
    DeleteFileA(path);
    test_rmtree(dir);
}

static void set_sz(const wchar_t *key, const wchar_t *name, const wchar_t *v)
{
    assert_int_equal(RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, REG_SZ, v,
                                     (DWORD)((wcslen(v) + 1) * sizeof(wchar_t))),
                     ERROR_SUCCESS);
}

static void set_dword(const wchar_t *key, const wchar_t *name, DWORD v)
{
    assert_int_equal(RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, REG_DWORD, &v, sizeof(v)),
                     ERROR_SUCCESS);
}

static void clear_registry(void)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, POLICY);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\WindowsUpdate\\UpdatePolicy");
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, MDM_UPDATE);
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, CLIENT_ID, L"SusClientId");
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, CLIENT_ID, L"SusClientIdValidation");
}

static void policy_state_mdm_and_identity_from_the_registry(void **state)
{
    (void)state;
    struct whb_wu_state st;
    clear_registry();
    memset(&st, 0, sizeof(st));
    whb_win_wu_read_registry(&st);
    /* A machine no GPO reached: nothing set, which sends it to Windows Update. */
    assert_string_equal(st.wu_server, "");
    assert_int_equal(st.use_wu_server, WHB_WU_NOT_SET);
    assert_int_equal(st.policy_state_read, 0);
    assert_int_equal(st.mdm_settings, 0);
    assert_string_equal(st.sus_client_id, "");

    set_sz(POLICY, L"WUServer", L"http://wsus01.corp.example:8530");
    set_sz(POLICY, L"WUStatusServer", L"http://wsus01.corp.example:8530");
    set_sz(POLICY, L"TargetGroup", L"Workstations");
    set_dword(POLICY, L"TargetGroupEnabled", 1);
    set_dword(POLICY, L"DoNotConnectToWindowsUpdateInternetLocations", 1);
    set_dword(POLICY, L"DeferQualityUpdates", 1);
    set_dword(POLICY, L"SetPolicyDrivenUpdateSourceForQualityUpdates", 0);
    set_dword(POLICY, L"SetPolicyDrivenUpdateSourceForFeatureUpdates", 1);
    set_dword(POLICY_AU, L"UseWUServer", 1);
    set_dword(POLICY_AU, L"NoAutoUpdate", 0);
    set_dword(POLICY_AU, L"DetectionFrequencyEnabled", 1);
    set_dword(POLICY_AU, L"DetectionFrequency", 8);
    set_sz(POLICY_AU, L"UseUpdateClassPolicySource", L"1"); /* typed by hand as a string */
    set_dword(POLICY_STATE, L"IsWUfBDualScanActive", 1);
    set_dword(POLICY_STATE, L"SetPolicyDrivenUpdateSourceForQualityUpdates", 0);
    set_dword(MDM_UPDATE, L"SetPolicyDrivenUpdateSourceForQualityUpdates", 0);
    set_dword(MDM_UPDATE, L"SetPolicyDrivenUpdateSourceForQualityUpdates_ProviderSet", 1);
    set_dword(MDM_UPDATE, L"DeferQualityUpdatesPeriodInDays", 7);
    set_sz(MDM_UPDATE, L"UpdateServiceUrl", L"https://wsus-old.corp.example:8531");
    set_sz(CLIENT_ID, L"SusClientId", L"0B6A3C5E-4F1D-4E8A-9C2B-7D5E6F708192");
    static const BYTE validation[] = {0x30, 0x82, 0x01, 0x0a};
    assert_int_equal(RegSetKeyValueW(HKEY_LOCAL_MACHINE, CLIENT_ID, L"SusClientIdValidation",
                                     REG_BINARY, validation, sizeof(validation)),
                     ERROR_SUCCESS);
    memset(&st, 0, sizeof(st));
    whb_win_wu_read_registry(&st);
    whb_wu_clean(&st);
    assert_string_equal(st.wu_server, "http://wsus01.corp.example:8530");
    assert_string_equal(st.wu_status_server, "http://wsus01.corp.example:8530");
    assert_string_equal(st.target_group, "Workstations");
    assert_int_equal(st.target_group_enabled, WHB_WU_ON);
    assert_int_equal(st.do_not_connect, WHB_WU_ON);
    assert_int_equal(st.deferral_policy, WHB_WU_ON);
    assert_int_equal(st.policy_source[0], WHB_WU_SOURCE_WSUS);
    assert_int_equal(st.policy_source[1], WHB_WU_SOURCE_WU);
    assert_int_equal(st.policy_source[2], WHB_WU_SOURCE_NOT_SET);
    assert_int_equal(st.use_wu_server, WHB_WU_ON);
    assert_int_equal(st.no_auto_update, WHB_WU_OFF);
    assert_int_equal(st.detection_frequency_h, 8);
    assert_int_equal(st.use_class_source, WHB_WU_ON);
    assert_int_equal(st.policy_state_read, 1);
    assert_int_equal(st.dual_scan_active, WHB_WU_ON);
    assert_int_equal(st.effective_source[1], WHB_WU_SOURCE_WU);
    assert_int_equal(st.effective_source[0], WHB_WU_SOURCE_NOT_SET);
    assert_int_equal(st.mdm_settings, 3); /* the _ProviderSet bookkeeping is not a setting */
    assert_string_equal(st.mdm_service_url, "https://wsus-old.corp.example:8531");
    assert_int_equal(st.mdm_source[1], WHB_WU_SOURCE_WU);
    assert_string_equal(st.sus_client_id, SUS_ID); /* one spelling, as the collector compares */
    assert_int_equal(st.sus_validation, 1);

    /* The interval counts only with its policy enabled. */
    set_dword(POLICY_AU, L"DetectionFrequencyEnabled", 0);
    whb_win_wu_read_registry(&st);
    assert_int_equal(st.detection_frequency_h, 0);
    clear_registry();
}

static void start_types_through_the_service_manager(void **state)
{
    (void)state;
    enum whb_start_type type;
    int running;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    assert_non_null(scm);
    SC_HANDLE wu = OpenServiceW(scm, L"wuauserv", SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG);
    assert_non_null(wu); /* wine has a Windows Update service */
    whb_win_service_start(L"wuauserv", &type, &running);
    assert_int_equal(type, WHB_START_MANUAL);
    assert_true(ChangeServiceConfigW(wu, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    whb_win_service_start(L"wuauserv", &type, &running);
    assert_int_equal(type, WHB_START_DISABLED);
    assert_false(running);
    assert_true(ChangeServiceConfigW(wu, SERVICE_NO_CHANGE, SERVICE_DEMAND_START, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    CloseServiceHandle(wu);

    /* No Update Orchestrator in wine: not installed, which is not "disabled". */
    whb_win_service_start(L"UsoSvc", &type, &running);
    assert_int_equal(type, WHB_START_NOT_INSTALLED);
    SC_HANDLE uso = CreateServiceW(
        scm, L"UsoSvc", L"Update Orchestrator Service", SERVICE_ALL_ACCESS,
        SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
        L"C:\\windows\\system32\\svchost.exe -k netsvcs", NULL, NULL, NULL, NULL, NULL);
    assert_non_null(uso);
    whb_win_service_start(L"UsoSvc", &type, &running);
    assert_int_equal(type, WHB_START_AUTO);
    DeleteService(uso);
    CloseServiceHandle(uso);
    CloseServiceHandle(scm);

    struct whb_wu_state st;
    memset(&st, 0, sizeof(st));
    whb_win_wu_read_services(&st);
    assert_int_equal(st.n_services, 4);
    assert_string_equal(st.services[0].name, "wuauserv");
    assert_string_equal(st.services[3].name, "CryptSvc");
}

/* The backend while it runs: a change of policy, of a service's start type, or a new event
 * in the client's log is a "changed" event, and the next snapshot has it. */
static int wait_changed(struct whb_platform *p, int max_ms)
{
    struct whb_os_event evs[8];
    for (int waited = 0; waited < max_ms; waited += 250) {
        int n = 0;
        p->ops->wait(p, 250, evs, 8, &n);
        for (int i = 0; i < n; i++)
            if (evs[i].kind == WHB_OS_CHANGED)
                return 1;
    }
    return 0;
}

static void backend_follows_the_client_while_running(void **state)
{
    (void)state;
    static char lines[16][8192];
    char dir[300], path[400];
    recorded(lines, 16);
    clear_registry();
    set_sz(POLICY, L"WUServer", L"http://wsus01.corp.example:8530");
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    snprintf(path, sizeof(path), "%s\\events.xml", dir);
    FILE *f = fopen(path, "wb");
    fprintf(f, "%s\n", lines[0]); /* the good scan of the 20th */
    fclose(f);
    struct whb_platform_config cfg = {.state_dir = dir,
                                      .fqdn = "pc-42.corp.example",
                                      .machine_id = "m-42",
                                      .update_events_file = path};
    struct whb_platform *p;
    struct whb_state *s = calloc(1, sizeof(*s));
    assert_int_equal(whb_platform_windows.open(&cfg, &p), 0);
    assert_int_equal(p->ops->snapshot(p, s), 0);
    assert_true(s->wu.known);
    assert_true(s->wu.log_read);
    assert_string_equal(s->wu.wu_server, "http://wsus01.corp.example:8530");
    assert_int_equal(s->wu.n_log, 1);

    /* The GPO's server changes. */
    set_sz(POLICY, L"WUServer", L"http://wsus02.corp.example:8530");
    assert_true(wait_changed(p, 5000));
    p->ops->snapshot(p, s);
    assert_string_equal(s->wu.wu_server, "http://wsus02.corp.example:8530");

    /* Someone disables Windows Update. */
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    SC_HANDLE wu = OpenServiceW(scm, L"wuauserv", SERVICE_CHANGE_CONFIG);
    assert_true(ChangeServiceConfigW(wu, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    assert_true(wait_changed(p, 5000));
    p->ops->snapshot(p, s);
    assert_int_equal(s->wu.services[0].start_type, WHB_START_DISABLED);
    assert_true(ChangeServiceConfigW(wu, SERVICE_NO_CHANGE, SERVICE_DEMAND_START, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    CloseServiceHandle(wu);
    CloseServiceHandle(scm);
    wait_changed(p, 2000);

    /* The client logs a failed scan. */
    f = fopen(path, "ab");
    fprintf(f, "%s\n", lines[2]);
    fclose(f);
    assert_true(wait_changed(p, 8000));
    p->ops->snapshot(p, s);
    assert_non_null(logged(&s->wu, 25, WSUS));
    p->ops->close(p);
    free(s);
    DeleteFileA(path);
    test_rmtree(dir);
    clear_registry();
}

struct agent_run {
    struct whb_agent *agent;
    struct whb_win_bridge *bridge;
    int rc;
};

static DWORD WINAPI run_agent(LPVOID arg)
{
    struct agent_run *r = arg;
    r->rc = whb_agent_run(r->agent);
    return 0;
}

/* The real core over the Windows backend: what changes while it runs is spooled as the
 * UPDATE_* events the collector reads, with their codes and subjects. */
static void agent_spools_the_client_changes(void **state)
{
    (void)state;
    static char lines[16][8192];
    struct whb_agent_config cfg;
    struct whb_agent *a;
    struct whb_spool *sp;
    whb_event *evs[64];
    char why[256], path[600], dir[300];
    int n = 0;
    recorded(lines, 16);
    clear_registry();
    set_sz(POLICY, L"WUServer", L"http://wsus01.corp.example:8530");
    set_sz(CLIENT_ID, L"SusClientId", L"" SUS_ID);
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    whb_settings_defaults(&cfg);
    snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s\\state", dir);
    snprintf(cfg.update_events_file, sizeof(cfg.update_events_file), "%s\\events.xml", dir);
    snprintf(cfg.fqdn, sizeof(cfg.fqdn), "pc-42.corp.example");
    snprintf(cfg.machine_id, sizeof(cfg.machine_id), "m-42");
    snprintf(cfg.collector_url, sizeof(cfg.collector_url), "http://127.0.0.1:9/v1/report");
    cfg.allow_plain_http = 1;
    FILE *f = fopen(cfg.update_events_file, "wb");
    fprintf(f, "%s\n", lines[0]);
    fclose(f);
    struct whb_win_bridge *b = whb_win_bridge_new();
    cfg.service = b;
    assert_int_equal(whb_agent_open(&cfg, &whb_platform_windows, &a, why, sizeof(why)), 0);
    struct agent_run r = {a, b, -1};
    HANDLE t = CreateThread(NULL, 0, run_agent, &r, 0, NULL);
    Sleep(1500);
    /* A cloned image's identity is reset by an admin; then the scans fail. */
    set_sz(CLIENT_ID, L"SusClientId", L"9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5");
    f = fopen(cfg.update_events_file, "ab");
    fprintf(f, "%s\n%s\n", lines[2], lines[8]);
    fclose(f);
    Sleep(5000);
    whb_win_bridge_post(b, WHB_OS_STOP, 0);
    assert_int_equal(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(r.rc, 0);
    whb_agent_close(a);
    whb_win_bridge_free(b);

    snprintf(path, sizeof(path), "%s/spool", cfg.state_dir);
    assert_int_equal(whb_spool_open(path, cfg.spool_max, &sp), 0);
    assert_int_equal(whb_spool_peek(sp, evs, 64, &n), 0);
    const whb_event *scan = NULL, *ident = NULL, *conn = NULL;
    for (int i = 0; i < n; i++) {
        if (evs[i]->kind == WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_FAILED)
            scan = evs[i];
        if (evs[i]->kind == WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_IDENTITY)
            ident = evs[i];
        if (evs[i]->kind == WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_CANNOT_CONNECT)
            conn = evs[i];
    }
    assert_non_null(scan);
    assert_int_equal(scan->reason_code, 0x8024401c);
    assert_string_equal(scan->adapter, WSUS);
    assert_true(scan->since_ms > 0 && scan->since_ms < scan->at_ms);
    assert_non_null(ident);
    assert_non_null(strstr(ident->detail, "9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5"));
    assert_non_null(conn);
    assert_non_null(strstr(conn->detail, "wsus01.corp.example"));
    for (int i = 0; i < n; i++)
        whb_wire_event_free(evs[i]);
    whb_spool_close(sp);
    test_rmtree(dir);
    clear_registry();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recorded_events_become_the_client_story),
        cmocka_unit_test(recorded_file_is_read_as_it_grows),
        cmocka_unit_test(policy_state_mdm_and_identity_from_the_registry),
        cmocka_unit_test(start_types_through_the_service_manager),
        cmocka_unit_test(backend_follows_the_client_while_running),
        cmocka_unit_test(agent_spools_the_client_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
