/* What main() needs of the Windows service layer (service.c). */
#ifndef WHB_WINSERVICE_H
#define WHB_WINSERVICE_H

/* Runs body as the whb-agent service and sets *rc to its result. WHB_EUNSUPPORTED when the
 * process was not started by the service control manager (then run in the console). */
int whb_win_service_run(int (*body)(void *bridge, void *ctx), void *ctx, int *rc);

/* Sends log lines to the Application event log, source whb-agent. */
void whb_win_eventlog_open(void);

#endif
