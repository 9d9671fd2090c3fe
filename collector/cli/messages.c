/* The WSUS page "WSUS Messages and Troubleshooting Tips", as data. */
#include "messages.h"

#include <string.h>
#include <strings.h>

static const struct whb_wsus_message table[] = {
    {"not-reported", "computer has not reported status|has-not-reported|not-reporting",
     "Computer has not reported status",
     "The WSUS client computer did not send its update state to the WSUS server; usually caused "
     "by the client, not the server. The common reasons: the computer is turned off; it has lost "
     "connectivity to the network (the network cable is unplugged, the computer has a faulty "
     "network adapter, the network port it connects to has been disabled, or the wireless "
     "adapter is unable to associate with and connect to the corporate wireless access point); "
     "it is in hibernation mode; it has been physically removed from the network.",
     "Ask wsus-heartbeat which one it is: `whb why HOST` (or `whb wsus-import FILE.csv` for "
     "every computer WSUS lists as not reporting)."},
    {"6703", "message id 6703|wsus synchronization failed|503|http 503",
     "Message ID 6703 - WSUS Synchronization Failed (HTTP status 503: Service Unavailable)",
     "The WsusPool application pool in IIS is stopped, most likely because its Private Memory "
     "Limit (KB) is at the default of 1843200 KB. The console shows \"Connection Error\" and the "
     "WSUS administration site (e.g. http://CM12CAS:8530) answers \"HTTP Error 503. The service "
     "is unavailable\".",
     "In IIS Manager select the WsusPool application pool, Advanced Settings, set the Private "
     "Memory Limit to 4000000 KB (4 GB) and restart the application pool. Then watch the "
     "SMS_WSUS_SYNC_MANAGER component status, wcm.log and wsyncmgr.log; 8000000 KB (8 GB) or "
     "more may be needed depending on the environment."},
    {"0x80070643", "80070643|fatal error during installation",
     "Error 0x80070643: Fatal error during installation",
     "WSUS Setup uses Microsoft SQL Server for the installation, and the user running WSUS "
     "Setup does not have System Administrator permissions in SQL Server.",
     "Grant System Administrator permissions in SQL Server to a user or group account, then run "
     "WSUS Setup again."},
    {"services", "some services are not running|services-not-running|wsusservice|selfupdate",
     "Some services are not running",
     "One of the services WSUS needs is stopped: Selfupdate (Automatic Updates must be updated), "
     "WSUSService.exe (Windows Server Update Service, which synchronizes), the Web services hosted "
     "in IIS, or the SQL service (MSSQLSERVER for WMSDE/MSDE or a default SQL Server instance, "
     "MSSQL$WSUS for an instance named WSUS); every service except selfupdate needs SQL.",
     "Services console: start (or restart) Windows Server Update Service; check the Application, "
     "Security and System event logs and SoftwareDistribution.log. Ensure IIS runs (iisreset "
     "resets the Web services). If logs show SQL connection problems, start or restart "
     "MSSQLSERVER or MSSQL$WSUS first."},
};

#define N (int)(sizeof(table) / sizeof(table[0]))

const struct whb_wsus_message *whb_messages(int *n)
{
    *n = N;
    return table;
}

const struct whb_wsus_message *whb_message_find(const char *code)
{
    for (int i = 0; i < N; i++) {
        if (strcasecmp(table[i].code, code) == 0)
            return &table[i];
        const char *a = table[i].aliases;
        size_t n = strlen(code);
        while (*a) {
            size_t len = strcspn(a, "|");
            if (len == n && strncasecmp(a, code, n) == 0)
                return &table[i];
            a += len + (a[len] == '|');
        }
    }
    return NULL;
}
