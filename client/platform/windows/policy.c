/* Implementation of policy.h: each setting's policy value (HKLM\SOFTWARE\Policies\whb\Agent), and
 * the Windows Update client's WUServer when no probe URL is set. */
#include "policy.h"

#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "settings.h"

static const wchar_t policy_key[] = L"SOFTWARE\\Policies\\whb\\Agent";

int whb_win_read_policies(struct whb_agent_config *cfg, char *why, size_t whylen)
{
    for (size_t i = 0; i < whb_settings_count; i++) {
        const struct whb_setting *st = &whb_settings[i];
        wchar_t name[64], wbuf[2048];
        char value[4096];
        DWORD type = 0, size = sizeof(wbuf) - sizeof(wchar_t);
        if (!st->policy)
            continue;
        MultiByteToWideChar(CP_UTF8, 0, st->policy, -1, name, 64);
        /* A list (REG_MULTI_SZ) may also be typed by hand as one string. */
        DWORD types = st->type == WHB_SETTING_LIST ? RRF_RT_REG_MULTI_SZ | RRF_RT_REG_SZ
                                                   : RRF_RT_REG_SZ | RRF_RT_REG_DWORD;
        memset(wbuf, 0, sizeof(wbuf));
        LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, policy_key, name, types, &type, wbuf, &size);
        if (rc == ERROR_FILE_NOT_FOUND)
            continue;
        if (rc != ERROR_SUCCESS) {
            snprintf(why, whylen, "policy %s: cannot read (error %ld)", st->policy, (long)rc);
            return WHB_EIO;
        }
        if (type == REG_MULTI_SZ) {
            /* One entry per line in the editor, NUL-separated here: spaces between them. */
            size_t n = size / sizeof(wchar_t);
            while (n > 0 && wbuf[n - 1] == L'\0')
                n--;
            for (size_t k = 0; k < n; k++)
                if (wbuf[k] == L'\0')
                    wbuf[k] = L' ';
            wbuf[n] = L'\0';
        }
        if (type == REG_DWORD) {
            /* The DWORD's bytes are in a wchar_t buffer: copied out, since reading them through
             * a DWORD pointer breaks C's aliasing rules (and -O2 may reorder it). */
            DWORD dw;
            memcpy(&dw, wbuf, sizeof(dw));
            snprintf(value, sizeof(value), "%lu", (unsigned long)dw);
        } else if (!WideCharToMultiByte(CP_UTF8, 0, wbuf, -1, value, sizeof(value), NULL, NULL)) {
            snprintf(why, whylen, "policy %s: value too long", st->policy);
            return WHB_EINVAL;
        }
        if (whb_setting_set(cfg, st, value, why, whylen))
            return WHB_EINVAL;
    }
    /* No probe URL of our own: the WSUS server the Windows Update client uses. */
    if (!cfg->wsus_url[0]) {
        wchar_t wbuf[512];
        DWORD size = sizeof(wbuf);
        if (RegGetValueW(HKEY_LOCAL_MACHINE,
                         L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate", L"WUServer",
                         RRF_RT_REG_SZ, NULL, wbuf, &size) == ERROR_SUCCESS)
            WideCharToMultiByte(CP_UTF8, 0, wbuf, -1, cfg->wsus_url, sizeof(cfg->wsus_url), NULL,
                                NULL);
    }
    return 0;
}
