/* Small readers of HKLM values: the agent only reads the registry (the agent is a 64-bit
 * process, so it sees the 64-bit view of these keys). */
#ifndef WHB_WIN_REGISTRY_H
#define WHB_WIN_REGISTRY_H

#include <windows.h>
#include <stddef.h>

/* A REG_SZ (or REG_EXPAND_SZ, unexpanded) as UTF-8. 0, or WHB_ENOTFOUND with out empty. */
int whb_win_reg_string(const wchar_t *key, const wchar_t *value, char *out, size_t n);

/* A REG_DWORD, or a REG_SZ holding a decimal number. 0, or WHB_ENOTFOUND. */
int whb_win_reg_dword(const wchar_t *key, const wchar_t *value, DWORD *out);

/* Whether the value exists, whatever its type. */
int whb_win_reg_present(const wchar_t *key, const wchar_t *value);

#endif
