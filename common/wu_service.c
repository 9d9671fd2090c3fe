/* Implementation of wu_service.h. The IDs are Microsoft's (How Windows Update works). */
#include "wu_service.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *guid; /* canonical: lower case, no braces */
    enum whb_wu_service_class cls;
} services[] = {
    {"3da21691-e39d-4da6-8a4b-b43877bcb1b7", WHB_WU_SVC_MANAGED},
    {"9482f4b4-e343-43b6-b170-9a65bc822c77", WHB_WU_SVC_WINDOWS_UPDATE},
    {"7971f918-a847-4430-9279-4a52d1efe18d", WHB_WU_SVC_MICROSOFT_UPDATE},
    {"855e8a7c-ecb4-4ca3-b045-1dfa50104289", WHB_WU_SVC_STORE},
    {"8b24b027-1dee-babb-9a95-3517dfb9c552", WHB_WU_SVC_FLIGHTING},
};

int whb_wu_guid_canon(const char *in, int braces, char *out, size_t n)
{
    char g[37];
    size_t len = in ? strlen(in) : 0;
    if (len == 38 && in[0] == '{' && in[37] == '}') {
        in++;
        len = 36;
    }
    if (len != 36 || n < (size_t)(braces ? 39 : 37))
        return -1;
    for (size_t i = 0; i < 36; i++) {
        unsigned char c = (unsigned char)in[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return -1;
        } else if (!isxdigit(c)) {
            return -1;
        }
        g[i] = (char)tolower(c);
    }
    g[36] = '\0';
    snprintf(out, n, braces ? "{%s}" : "%s", g);
    return 0;
}

enum whb_wu_service_class whb_wu_service_class(const char *guid)
{
    char g[40];
    if (whb_wu_guid_canon(guid, 0, g, sizeof(g)))
        return WHB_WU_SVC_UNKNOWN;
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
        if (strcmp(services[i].guid, g) == 0)
            return services[i].cls;
    return WHB_WU_SVC_UNKNOWN;
}

const char *whb_wu_service_words(enum whb_wu_service_class c)
{
    switch (c) {
    case WHB_WU_SVC_MANAGED:
        return "WSUS (managed server)";
    case WHB_WU_SVC_WINDOWS_UPDATE:
        return "Windows Update";
    case WHB_WU_SVC_MICROSOFT_UPDATE:
        return "Microsoft Update";
    case WHB_WU_SVC_STORE:
        return "the Microsoft Store";
    case WHB_WU_SVC_FLIGHTING:
        return "Windows Insider flighting";
    default:
        return "an unknown update service";
    }
}
