/* Implementation of registry.h. */
#include "registry.h"

#include <stdlib.h>
#include <wchar.h>

#include "error.h"

int whb_win_reg_string(const wchar_t *key, const wchar_t *value, char *out, size_t n)
{
    wchar_t buf[512];
    DWORD size = sizeof(buf) - sizeof(wchar_t);
    out[0] = '\0';
    memset(buf, 0, sizeof(buf));
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value,
                     RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, buf,
                     &size) != ERROR_SUCCESS)
        return WHB_ENOTFOUND;
    if (!WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, (int)n, NULL, NULL))
        out[0] = '\0'; /* longer than the field: not a value we can use */
    return 0;
}

int whb_win_reg_dword(const wchar_t *key, const wchar_t *value, DWORD *out)
{
    union {
        DWORD dw;
        wchar_t text[24];
    } v;
    DWORD type = 0, size = sizeof(v) - sizeof(wchar_t);
    memset(&v, 0, sizeof(v));
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_DWORD | RRF_RT_REG_SZ, &type, &v,
                     &size) != ERROR_SUCCESS)
        return WHB_ENOTFOUND;
    if (type == REG_DWORD) {
        *out = v.dw;
        return 0;
    }
    /* Typed by hand as a string: a number, or nothing we can use. */
    wchar_t *end = NULL;
    unsigned long n = wcstoul(v.text, &end, 10);
    if (end == v.text || *end != L'\0')
        return WHB_ENOTFOUND;
    *out = (DWORD)n;
    return 0;
}

int whb_win_reg_present(const wchar_t *key, const wchar_t *value)
{
    return RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_ANY, NULL, NULL, NULL) ==
           ERROR_SUCCESS;
}
