/* Other services' state, as the service control manager tells it (Windows backend). */
#ifndef WHB_WIN_SERVICES_H
#define WHB_WIN_SERVICES_H

#include <wchar.h>

#include "model.h"

/* Whether the Windows Update service (wuauserv) runs; WHB_ENOTFOUND when it cannot be told. */
int whb_win_update_service_running(int *running);

/* A service's start type and whether it runs (WHB_START_NOT_INSTALLED when there is no such
 * service, WHB_START_UNKNOWN when it cannot be read). */
void whb_win_service_start(const wchar_t *name, enum whb_start_type *type, int *running);

#endif
