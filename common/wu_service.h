/* The update services a Windows Update client scans against, by the serviceGuid its events
 * carry (How Windows Update works, learn.microsoft.com: the IDs are "a client abstraction,
 * not any specific service in the cloud"). Shared by the agent's words and the collector's
 * rules, so that both name a service the same way. */
#ifndef WHB_WU_SERVICE_H
#define WHB_WU_SERVICE_H

#include <stddef.h>

enum whb_wu_service_class {
    WHB_WU_SVC_UNKNOWN = 0, /* another or an unspecified service (00000000-...) */
    WHB_WU_SVC_MANAGED,     /* WSUS or Configuration Manager: ssManagedServer */
    WHB_WU_SVC_WINDOWS_UPDATE,
    WHB_WU_SVC_MICROSOFT_UPDATE,
    WHB_WU_SVC_STORE,
    WHB_WU_SVC_FLIGHTING,
};

/* The class of a serviceGuid, with or without braces, in either case. */
enum whb_wu_service_class whb_wu_service_class(const char *guid);

/* "WSUS (managed server)", "Windows Update", ...; "an unknown update service". */
const char *whb_wu_service_words(enum whb_wu_service_class c);

/* Canonical GUID text: 8-4-4-4-12 hex digits, lower case, with braces when braces is set.
 * Accepts either case, with or without braces. 0, or -1 when in is not a GUID. */
int whb_wu_guid_canon(const char *in, int braces, char *out, size_t n);

#endif
