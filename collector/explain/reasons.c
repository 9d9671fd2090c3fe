/* The catalog itself. Terms marked documented are quoted from the WSUS page "WSUS Messages and
 * Troubleshooting Tips", section "computer has not reported status". */
#include "explain/reasons.h"

#include <string.h>

static const struct whb_reason_info catalog[WHB_REASON_COUNT_] = {
    {WHB_REASON_REPORTING, "reporting", "The computer is reporting and can reach the WSUS server",
     0, WHB_REASON_REPORTING, WHB_AUDIENCE_ADMIN,
     "Nothing on the network side; if the WSUS console still shows no status, check the "
     "Windows Update client on the computer"},
    {WHB_REASON_TURNED_OFF, "turned_off", "The computer is turned off", 1, WHB_REASON_TURNED_OFF,
     WHB_AUDIENCE_ADMIN, "Turn the computer on, or ask its user; it will report on start"},
    {WHB_REASON_LOST_CONNECTIVITY, "lost_connectivity",
     "The computer has lost connectivity to the network", 1, WHB_REASON_LOST_CONNECTIVITY,
     WHB_AUDIENCE_ADMIN, "Check the computer's network connection on site"},
    {WHB_REASON_CABLE_UNPLUGGED, "cable_unplugged", "The network cable is unplugged", 1,
     WHB_REASON_LOST_CONNECTIVITY, WHB_AUDIENCE_ADMIN,
     "Plug the network cable back in (check both ends and the wall port)"},
    {WHB_REASON_FAULTY_ADAPTER, "faulty_adapter", "The computer has a faulty network adapter", 1,
     WHB_REASON_LOST_CONNECTIVITY, WHB_AUDIENCE_ADMIN,
     "Replace the network cable first, then the adapter (or its driver) if errors continue"},
    {WHB_REASON_PORT_DISABLED, "port_disabled",
     "The network port to which the computer connects has been disabled", 1,
     WHB_REASON_LOST_CONNECTIVITY, WHB_AUDIENCE_NETWORK,
     "Network team: check the switch port (shutdown, err-disabled, port security, VLAN)"},
    {WHB_REASON_WIRELESS_ASSOCIATION, "wireless_association",
     "The wireless adapter is unable to associate with and connect to the corporate wireless "
     "access point",
     1, WHB_REASON_LOST_CONNECTIVITY, WHB_AUDIENCE_NETWORK,
     "Network team: check the access point and the client's authentication (802.1X, PSK)"},
    {WHB_REASON_HIBERNATION, "hibernation", "The computer is in hibernation mode", 1,
     WHB_REASON_HIBERNATION, WHB_AUDIENCE_ADMIN,
     "Wake the computer; consider a power plan that keeps managed desktops awake"},
    {WHB_REASON_REMOVED, "removed", "The computer has been physically removed from the network", 1,
     WHB_REASON_REMOVED, WHB_AUDIENCE_ADMIN,
     "Find where the computer is now (its last switch port or access point is in the evidence)"},
    {WHB_REASON_ADAPTER_DISABLED, "adapter_disabled",
     "The network adapter was disabled on the computer", 0, WHB_REASON_LOST_CONNECTIVITY,
     WHB_AUDIENCE_ADMIN,
     "Enable the network adapter on the computer (Device Manager or Network Connections)"},
    {WHB_REASON_SLEEP, "sleep", "The computer is asleep (sleep, not hibernation)", 0,
     WHB_REASON_SLEEP, WHB_AUDIENCE_ADMIN,
     "Wake the computer; consider a power plan that keeps managed desktops awake"},
    {WHB_REASON_WSUS_UNAVAILABLE, "wsus_unavailable",
     "The WSUS server is unavailable to online computers (HTTP 503, Message ID 6703: the WsusPool "
     "application pool stopped)",
     0, WHB_REASON_WSUS_UNAVAILABLE, WHB_AUDIENCE_WSUS,
     "On the WSUS server: start the WsusPool application pool in IIS; raise its Private Memory "
     "Limit from the default 1843200 KB to 4000000 KB (4 GB) or more and restart the pool; check "
     "that the WSUS service, IIS and SQL services run"},
    {WHB_REASON_WSUS_UNREACHABLE, "wsus_unreachable",
     "The WSUS server cannot be reached from online computers (connection refused or timed out: "
     "WSUS services not running, firewall or name)",
     0, WHB_REASON_WSUS_UNREACHABLE, WHB_AUDIENCE_WSUS,
     "On the WSUS server: check that the WSUS service (WSUSService), IIS and the SQL service "
     "(MSSQLSERVER or MSSQL$WSUS) run (see `whb explain services`); then the firewall for the "
     "WSUS port (8530/8531) and the server name in the WUServer policy"},
    {WHB_REASON_UPDATE_SERVICE_STOPPED, "update_service_stopped",
     "The Windows Update service is not running on the computer while it is online", 0,
     WHB_REASON_UPDATE_SERVICE_STOPPED, WHB_AUDIENCE_ADMIN,
     "Start the Windows Update service (wuauserv) and set it to start"},
    {WHB_REASON_AGENT_STOPPED, "agent_stopped",
     "The wsus-heartbeat agent was stopped on the computer", 0, WHB_REASON_AGENT_STOPPED,
     WHB_AUDIENCE_ADMIN, "Start the whb-agent service; find out who stopped it"},
    {WHB_REASON_AGENT_CRASHED, "agent_crashed",
     "The wsus-heartbeat agent stopped unexpectedly (crashed or was killed) while the computer "
     "stayed on",
     0, WHB_REASON_AGENT_CRASHED, WHB_AUDIENCE_ADMIN,
     "Check that the whb-agent service runs and restarts on failure (its log, the System event "
     "log 7031/7034 on Windows, `journalctl -u whb-agent` on Linux)"},
    {WHB_REASON_COLLECTOR_UNAVAILABLE, "collector_unavailable",
     "The wsus-heartbeat collector itself was down or unreachable, not the computer", 0,
     WHB_REASON_COLLECTOR_UNAVAILABLE, WHB_AUDIENCE_ADMIN,
     "Nothing to do on the computers: check the collector (whb-collector service, its disk, its "
     "certificate, the firewall in front of it); agents deliver what they spooled on return"},
    {WHB_REASON_NO_AGENT, "no_agent",
     "No wsus-heartbeat agent has ever reported from this computer", 0, WHB_REASON_NO_AGENT,
     WHB_AUDIENCE_ADMIN, "Check that the GPO assigning whb-agent.msi applies to this computer"},
    {WHB_REASON_UNKNOWN, "unknown", "Unknown: the evidence does not point to one reason", 0,
     WHB_REASON_UNKNOWN, WHB_AUDIENCE_ADMIN, "Check the computer on site"},
};

const struct whb_reason_info *whb_reason_info(enum whb_reason r)
{
    return (unsigned)r < WHB_REASON_COUNT_ ? &catalog[r] : &catalog[WHB_REASON_UNKNOWN];
}

const struct whb_reason_info *whb_reason_by_id(const char *id)
{
    for (int i = 0; i < WHB_REASON_COUNT_; i++)
        if (strcmp(catalog[i].id, id) == 0)
            return &catalog[i];
    return NULL;
}
