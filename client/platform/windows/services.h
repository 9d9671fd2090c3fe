/* Other services' state, as the service control manager tells it (Windows backend). */
#ifndef WHB_WIN_SERVICES_H
#define WHB_WIN_SERVICES_H

/* Whether the Windows Update service (wuauserv) runs; WHB_ENOTFOUND when it cannot be told. */
int whb_win_update_service_running(int *running);

#endif
