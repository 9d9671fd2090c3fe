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
    {WHB_REASON_IDENTITY_REFUSED, "identity_refused",
     "The computer runs and sends its reports, but the collector refuses them: another key, or "
     "another machine id, under its name",
     0, WHB_REASON_IDENTITY_REFUSED, WHB_AUDIENCE_ADMIN,
     "If the computer was reinstalled, release its old binding (whb release HOST) so that it "
     "enrolls again; if not, someone else presents its name or key: find the source address in "
     "the evidence"},
    {WHB_REASON_NO_AGENT, "no_agent",
     "No wsus-heartbeat agent has ever reported from this computer", 0, WHB_REASON_NO_AGENT,
     WHB_AUDIENCE_ADMIN, "Check that the GPO assigning whb-agent.msi applies to this computer"},
    {WHB_REASON_UNKNOWN, "unknown", "Unknown: the evidence does not point to one reason", 0,
     WHB_REASON_UNKNOWN, WHB_AUDIENCE_ADMIN, "Check the computer on site"},
    /* Ours, resting on Microsoft's Windows Update documentation (README, "The Windows Update
     * client's story"): the client itself does not report to this WSUS server. */
    {WHB_REASON_UPDATE_CLIENT_ELSEWHERE, "update_client_elsewhere",
     "The Windows Update client scans or reports somewhere other than this WSUS server", 0,
     WHB_REASON_UPDATE_CLIENT_ELSEWHERE, WHB_AUDIENCE_ADMIN,
     "Make the Group Policy \"Specify intranet Microsoft update service location\" apply to "
     "the computer (gpresult /r), with the update service and the intranet statistics server "
     "both set to the WSUS URL and its port (e.g. http://wsus01:8530), and UseWUServer 1; remove "
     "scan source, deferral or MDM (Intune) settings that send updates to Windows Update"},
    {WHB_REASON_WSUS_POLICY_LOST, "wsus_policy_lost",
     "Several computers stopped using this WSUS server at once: a Group Policy that stopped "
     "applying",
     0, WHB_REASON_WSUS_POLICY_LOST, WHB_AUDIENCE_ADMIN,
     "Check the GPO with the Windows Update policy: still linked to their OU, its security "
     "filtering, WMI filter and replication (gpresult /r on one of them, Group Policy Results "
     "in GPMC)"},
    {WHB_REASON_DUPLICATE_WSUS_IDENTITY, "duplicate_wsus_identity",
     "Two or more computers share one WSUS identity (SusClientId): WSUS shows only one of them at "
     "a time, under a name that keeps changing",
     0, WHB_REASON_DUPLICATE_WSUS_IDENTITY, WHB_AUDIENCE_ADMIN,
     "On every computer of the group but one: stop the Windows Update service (net stop "
     "wuauserv), delete the SusClientId and SusClientIdValidation values under "
     "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate, start it (net start "
     "wuauserv), then run wuauclt /resetauthorization /detectnow; sysprep images before cloning "
     "them"},
    {WHB_REASON_UPDATE_SCAN_FAILING, "update_scan_failing",
     "The Windows Update client's scans against the WSUS server fail", 0,
     WHB_REASON_UPDATE_SCAN_FAILING, WHB_AUDIENCE_ADMIN,
     "Act on the error code as Microsoft documents it (below)"},
    {WHB_REASON_UPDATE_SERVICE_DISABLED, "update_service_disabled",
     "A service Windows Update needs is disabled on the computer", 0,
     WHB_REASON_UPDATE_SERVICE_DISABLED, WHB_AUDIENCE_ADMIN,
     "Give the service its start type back (Windows Update, Update Orchestrator and BITS: "
     "Manual; Cryptographic Services: Automatic) and find the policy or script that disabled "
     "it; a disabled Windows Update service fails scans with 0x80070422"},
    {WHB_REASON_RESTART_PENDING, "restart_pending",
     "A restart is pending: until the computer has been restarted, Windows cannot search for or "
     "download new updates",
     0, WHB_REASON_RESTART_PENDING, WHB_AUDIENCE_ADMIN,
     "Restart the computer (or ask its user to); it scans and reports again afterwards"},
    {WHB_REASON_CLOCK_OFF, "clock_off", "The computer's clock is off", 0, WHB_REASON_CLOCK_OFF,
     WHB_AUDIENCE_ADMIN,
     "Fix the computer's time (w32tm /query /status; a domain member follows the domain's time "
     "hierarchy): HTTPS to WSUS checks certificates against it and WSUS records the times it "
     "reports"},
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
