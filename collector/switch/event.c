/* Names and the small text helpers of event.h. */
#include "event.h"

#include <ctype.h>
#include <string.h>

#include "error.h"

const char *whb_switch_kind_name(enum whb_switch_kind k)
{
    static const char *const names[] = {"none",
#define WHB_SW_NAME_(name, text) text,
                                        WHB_SWITCH_KINDS(WHB_SW_NAME_)
#undef WHB_SW_NAME_
    };
    return (unsigned)k < WHB_SW_KIND_COUNT_ ? names[k] : "none";
}

enum whb_switch_kind whb_switch_kind_by_name(const char *name)
{
    for (int k = WHB_SW_NONE + 1; k < WHB_SW_KIND_COUNT_; k++)
        if (strcmp(whb_switch_kind_name((enum whb_switch_kind)k), name) == 0)
            return (enum whb_switch_kind)k;
    return WHB_SW_NONE;
}

enum whb_switch_source whb_switch_source_by_name(const char *name)
{
    for (int s = WHB_SWSRC_SYSLOG; s <= WHB_SWSRC_POLL; s++)
        if (strcmp(whb_switch_source_name((enum whb_switch_source)s), name) == 0)
            return (enum whb_switch_source)s;
    return (enum whb_switch_source)0;
}

const char *whb_switch_source_name(enum whb_switch_source s)
{
    switch (s) {
    case WHB_SWSRC_SYSLOG:
        return "syslog";
    case WHB_SWSRC_TRAP:
        return "trap";
    case WHB_SWSRC_POLL:
        return "poll";
    }
    return "";
}

const char *whb_if_status_name(enum whb_if_status s)
{
    static const char *const names[] = {"",        "up",      "down",       "testing",
                                        "unknown", "dormant", "notPresent", "lowerLayerDown"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "";
}

void whb_switch_text(char *out, size_t outlen, const char *in, size_t n)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    for (size_t i = 0; i < n && in[i] && used + 1 < outlen; i++) {
        unsigned char c = (unsigned char)in[i];
        out[used++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[used] = '\0';
}

int whb_switch_mac(const char *in, size_t n, char out[18])
{
    unsigned char hex[12];
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (isxdigit(c)) {
            if (got == 12)
                return WHB_EINVAL;
            hex[got++] = (unsigned char)tolower(c);
        } else if (c != '.' && c != ':' && c != '-') {
            return WHB_EINVAL;
        }
    }
    if (got != 12)
        return WHB_EINVAL;
    for (int i = 0; i < 6; i++) {
        out[i * 3] = (char)hex[i * 2];
        out[i * 3 + 1] = (char)hex[i * 2 + 1];
        out[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    return 0;
}
