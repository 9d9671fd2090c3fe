/* Implementation of the registry half of wu_client.h: where the Windows Update client is told
 * to scan and report (Group Policy's values), what Windows applies (PolicyState), MDM settings
 * left behind, and the client's identity at WSUS. The places are Microsoft's:
 * - Policies\Microsoft\Windows\WindowsUpdate (+ \AU): "Manage additional Windows Update
 *   settings" and "Configure Automatic Updates in a Non-Active Directory Environment";
 * - WindowsUpdate\UpdatePolicy\PolicyState and PolicyManager\current\device\Update:
 *   "Integrate Windows Update client policies with Configuration Manager";
 * - CurrentVersion\WindowsUpdate SusClientId, SusClientIdValidation: the WSUS client
 *   troubleshooting article (duplicate ids from cloned images). */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "error.h"
#include "registry.h"
#include "services.h"
#include "wu_client.h"

#define POLICY        L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate"
#define POLICY_AU     POLICY L"\\AU"
#define POLICY_STATE  L"SOFTWARE\\Microsoft\\WindowsUpdate\\UpdatePolicy\\PolicyState"
#define MDM_UPDATE    L"SOFTWARE\\Microsoft\\PolicyManager\\current\\device\\Update"
#define CLIENT_ID_KEY L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate"

/* SetPolicyDrivenUpdateSourceFor<Class>Updates, in the order of the wire's UpdateSources. */
static const wchar_t *const source_values[WHB_WU_CLASSES] = {
    L"SetPolicyDrivenUpdateSourceForFeatureUpdates",
    L"SetPolicyDrivenUpdateSourceForQualityUpdates",
    L"SetPolicyDrivenUpdateSourceForDriverUpdates",
    L"SetPolicyDrivenUpdateSourceForOtherUpdates",
};

static enum whb_wu_flag flag(const wchar_t *key, const wchar_t *value)
{
    DWORD v;
    if (whb_win_reg_dword(key, value, &v))
        return WHB_WU_NOT_SET;
    return v ? WHB_WU_ON : WHB_WU_OFF;
}

/* 0 = Windows Update, 1 = WSUS (the CSP's and Group Policy's values). */
static void sources(const wchar_t *key, enum whb_wu_source *out)
{
    for (int i = 0; i < WHB_WU_CLASSES; i++) {
        DWORD v;
        out[i] = whb_win_reg_dword(key, source_values[i], &v) ? WHB_WU_SOURCE_NOT_SET
                 : v == 0                                     ? WHB_WU_SOURCE_WU
                                                              : WHB_WU_SOURCE_WSUS;
    }
}

static void read_policy(struct whb_wu_state *st)
{
    DWORD v;
    whb_win_reg_string(POLICY, L"WUServer", st->wu_server, sizeof(st->wu_server));
    whb_win_reg_string(POLICY, L"WUStatusServer", st->wu_status_server,
                       sizeof(st->wu_status_server));
    whb_win_reg_string(POLICY, L"TargetGroup", st->target_group, sizeof(st->target_group));
    st->target_group_enabled = flag(POLICY, L"TargetGroupEnabled");
    st->do_not_connect = flag(POLICY, L"DoNotConnectToWindowsUpdateInternetLocations");
    st->disable_dual_scan = flag(POLICY, L"DisableDualScan");
    /* Deferrals with a WSUS server make Windows 10 scan Windows Update (dual scan). */
    enum whb_wu_flag feature = flag(POLICY, L"DeferFeatureUpdates");
    enum whb_wu_flag quality = flag(POLICY, L"DeferQualityUpdates");
    st->deferral_policy = feature == WHB_WU_ON || quality == WHB_WU_ON ? WHB_WU_ON
                          : feature || quality                         ? WHB_WU_OFF
                                                                       : WHB_WU_NOT_SET;
    sources(POLICY, st->policy_source);
    st->use_wu_server = flag(POLICY_AU, L"UseWUServer");
    st->no_auto_update = flag(POLICY_AU, L"NoAutoUpdate");
    /* The interval counts only when its policy is enabled (22 h otherwise). */
    st->detection_frequency_h = 0;
    if (flag(POLICY_AU, L"DetectionFrequencyEnabled") == WHB_WU_ON &&
        whb_win_reg_dword(POLICY_AU, L"DetectionFrequency", &v) == 0)
        st->detection_frequency_h = v;
    st->use_class_source = flag(POLICY_AU, L"UseUpdateClassPolicySource");
}

static void read_policy_state(struct whb_wu_state *st)
{
    HKEY k;
    st->policy_state_read =
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, POLICY_STATE, 0, KEY_READ, &k) == ERROR_SUCCESS;
    if (!st->policy_state_read)
        return;
    RegCloseKey(k);
    sources(POLICY_STATE, st->effective_source);
    st->dual_scan_active = flag(POLICY_STATE, L"IsWUfBDualScanActive");
    st->deferral_active = flag(POLICY_STATE, L"IsDeferralIsActive");
}

/* The Update CSP's settings as MDM left them. Next to each setting the PolicyManager keeps
 * bookkeeping values named <setting>_ProviderSet, _WinningProvider...: CSP setting names have
 * no '_', so those are not counted. */
static void read_mdm(struct whb_wu_state *st)
{
    HKEY k;
    wchar_t name[128];
    st->mdm_settings = 0;
    st->mdm_service_url[0] = '\0';
    for (int i = 0; i < WHB_WU_CLASSES; i++)
        st->mdm_source[i] = WHB_WU_SOURCE_NOT_SET;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, MDM_UPDATE, 0, KEY_READ, &k) != ERROR_SUCCESS)
        return;
    for (DWORD i = 0; i < 1024; i++) {
        DWORD n = sizeof(name) / sizeof(name[0]);
        LSTATUS rc = RegEnumValueW(k, i, name, &n, NULL, NULL, NULL, NULL);
        if (rc == ERROR_NO_MORE_ITEMS)
            break;
        if (rc == ERROR_SUCCESS && !wcschr(name, L'_'))
            st->mdm_settings++;
    }
    DWORD subkeys = 0;
    if (RegQueryInfoKeyW(k, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL, NULL) ==
        ERROR_SUCCESS)
        st->mdm_settings += subkeys; /* settings kept as keys, if any */
    RegCloseKey(k);
    whb_win_reg_string(MDM_UPDATE, L"UpdateServiceUrl", st->mdm_service_url,
                       sizeof(st->mdm_service_url));
    sources(MDM_UPDATE, st->mdm_source);
}

static void read_identity(struct whb_wu_state *st)
{
    st->sus_malformed = 0;
    whb_win_reg_string(CLIENT_ID_KEY, L"SusClientId", st->sus_client_id, sizeof(st->sus_client_id));
    st->sus_validation = whb_win_reg_present(CLIENT_ID_KEY, L"SusClientIdValidation");
}

void whb_win_wu_read_registry(struct whb_wu_state *st)
{
    read_policy(st);
    read_policy_state(st);
    read_mdm(st);
    read_identity(st);
}

/* The services Windows Update needs ("Security guidelines for system services in Windows
 * Server 2016"): disabled is the finding; stopped is normal for the manual ones. */
static const wchar_t *const service_names[WHB_WU_MAX_SERVICES] = {L"wuauserv", L"BITS", L"UsoSvc",
                                                                  L"CryptSvc"};

void whb_win_wu_read_services(struct whb_wu_state *st)
{
    st->n_services = 0;
    for (int i = 0; i < WHB_WU_MAX_SERVICES; i++) {
        struct whb_wu_service *s = &st->services[st->n_services++];
        WideCharToMultiByte(CP_UTF8, 0, service_names[i], -1, s->name, sizeof(s->name), NULL, NULL);
        whb_win_service_start(service_names[i], &s->start_type, &s->running);
    }
}
