/* The build without logind (WHB_AGENT_LOGIND=OFF, what the Debian package ships): no sd-bus,
 * so none of libsystemd's relocated tables in the agent. Sleep is announced by the
 * systemd-sleep hook and a shutdown by the unit's ExecStop, both through the control socket
 * (installer/systemd); linux.c says so once in the log. */
#include "error.h"
#include "linux.h"

int whb_logind_open(struct whb_logind **out)
{
    *out = NULL;
    return WHB_EUNSUPPORTED;
}

void whb_logind_close(struct whb_logind *l)
{
    (void)l;
}

int whb_logind_fd(struct whb_logind *l)
{
    (void)l;
    return -1;
}

int whb_logind_read(struct whb_logind *l, struct whb_os_event *evs, int max)
{
    (void)l, (void)evs, (void)max;
    return 0;
}

void whb_logind_release(struct whb_logind *l)
{
    (void)l;
}
