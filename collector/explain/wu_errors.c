/* Implementation of wu_errors.h: the table. Codes, names and descriptions are Microsoft's:
 * "Windows Update error codes by component" for the WU_E_* codes, "Windows Update common
 * errors and mitigation" for the codes it lists and the mitigations it gives, the
 * Configuration Manager articles on scan failures, WSUS connection failures and WSUS client
 * agents for the mitigations they give, and the SDK's wuerror.h and winerror.h for codes the
 * pages do not list. No mitigation (NULL) where Microsoft documents none: the answer then says
 * so rather than guess. The class is ours: which part of the way to the update source a code
 * points at. */
#include "wu_errors.h"

#include <stddef.h>

static const struct {
    const char *title, *url;
} sources[WHB_WU_SRC_COUNT] = {
    [WHB_WU_SRC_ERROR_REFERENCE] = {"Windows Update error codes by component",
                                    "https://learn.microsoft.com/windows/deployment/update/"
                                    "windows-update-error-reference"},
    [WHB_WU_SRC_COMMON_ERRORS] = {"Windows Update common errors and mitigation",
                                  "https://learn.microsoft.com/troubleshoot/windows-client/"
                                  "installing-updates-features-roles/common-windows-update-errors"},
    [WHB_WU_SRC_SCAN_FAILURES] = {"Troubleshoot software update scan failures",
                                  "https://learn.microsoft.com/troubleshoot/mem/configmgr/"
                                  "update-management/troubleshoot-software-update-scan-failures"},
    [WHB_WU_SRC_WSUS_CONNECTION] = {"How to troubleshoot WSUS connection failures",
                                    "https://learn.microsoft.com/troubleshoot/mem/configmgr/"
                                    "update-management/troubleshoot-wsus-connection-failures"},
    [WHB_WU_SRC_WSUS_CLIENTS] = {"Troubleshoot issues with WSUS client agents",
                                 "https://learn.microsoft.com/troubleshoot/mem/configmgr/"
                                 "update-management/troubleshoot-issues-with-wsus-client-agents"},
    [WHB_WU_SRC_WUERROR_H] = {"wuerror.h (Windows SDK)",
                              "https://github.com/microsoft/win32metadata/blob/main/generation/"
                              "WinSDK/RecompiledIdlHeaders/um/wuerror.h"},
    [WHB_WU_SRC_WINERROR_H] = {"winerror.h and winhttp.h (Windows SDK)",
                               "https://learn.microsoft.com/windows/win32/debug/"
                               "system-error-codes"},
    [WHB_WU_SRC_GP_SETTINGS] = {"Step 4: Configure Group Policy Settings for Automatic Updates",
                                "https://learn.microsoft.com/windows-server/administration/"
                                "windows-server-update-services/deploy/"
                                "4-configure-group-policy-settings-for-automatic-updates"},
    [WHB_WU_SRC_WSUS_MESSAGES] = {"WSUS Messages and Troubleshooting Tips",
                                  "https://learn.microsoft.com/windows-server/administration/"
                                  "windows-server-update-services/manage/"
                                  "wsus-messages-and-troubleshooting-tips"},
};

/* Sorted by code (whb_wu_error_find searches it in halves). */
static const struct whb_wu_error errors[] = {
    {0x80070003, "ERROR_PATH_NOT_FOUND",
     "The system can't find the path specified: the servicing stack can't access a specific path.",
     "Open the last CBS.log in %Windir%\\logs\\CBS and search for \", error\" at the time of the "
     "failure.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070005, "E_ACCESSDENIED",
     "General access denied error: file system or registry key permissions have been changed and "
     "the servicing stack doesn't have the required level of access.",
     "Open the last CBS.log in %Windir%\\logs\\CBS, search for \", error\" at the time of the "
     "failure, find which file or registry key was denied and correct its permissions.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8007000D, "ERROR_INVALID_DATA",
     "Indicates data that isn't valid was downloaded or corruption occurred.",
     "Try to redownload the update, and then start the installation.", WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070020, "ERROR_SHARING_VIOLATION", "Numerous causes: CBS log analysis required.",
     "This error is caused by non-Microsoft filter drivers, such as antivirus: perform a clean "
     "restart and retry the installation; Process Monitor and the CBS.log name the file held open.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070422, "ERROR_SERVICE_DISABLED",
     "This issue occurs when the Windows Update service stops working or isn't running.",
     "Check whether the Windows Update service is running (its start type must not be Disabled; "
     "BITS too).",
     WHB_WU_ERR_SERVICE, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070490, "ERROR_NOT_FOUND",
     "This error occurs during driver installation as part of the update.",
     "Details such as the architecture of the driver being updated are missing in the registry: "
     "add the missing value under "
     "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\ComponentBasedServicing\\DriverOperations"
     " as its Identity value says.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070570, "ERROR_FILE_CORRUPT",
     "The file or directory is corrupted and unreadable: component store corruption.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070643, "ERROR_INSTALL_FAILURE", "Fatal error during installation.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_WINERROR_H, WHB_WU_SRC_WINERROR_H},
    {0x800706BE, "RPC_S_CALL_FAILED",
     "Failed to install cumulative updates: the last cumulative update didn't install, and it was "
     "corrupted.",
     "Set the corrupted package's \"current state\" registry value to resolved (0x20), staged "
     "(0x40) or installed (0x70).",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80070BC9, "ERROR_FAIL_REBOOT_REQUIRED",
     "The requested operation failed. Restart the system to roll back changes made.",
     "Make sure that you don't have any policies that control the start behavior of the Windows "
     "Installer service (or the TrustedInstaller service): the operating system manages it. If a "
     "GPO sets the TrustedInstaller startup type to Manual, change it to Automatic and restart the "
     "computer.",
     WHB_WU_ERR_POLICY, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80072EE2, "WININET_E_TIMEOUT",
     "The operation timed out: unable to scan for updates due to a connectivity issue to Windows "
     "Update, Configuration Manager, or WSUS.",
     "The Windows Update Agent was unable to connect to the update servers or your own source, "
     "such as WSUS. Check with your network team to ensure that the device can reach the update "
     "sources. Verify that the client can reach the WSUS server's ClientWebService and "
     "SimpleAuthWebService (http://<server>:8530/Selfupdate/wuident.cab, "
     "/ClientWebService/wusserverversion.xml, /SimpleAuthWebService/SimpleAuth.asmx; ports 80/443 "
     "or 8530/8531): the causes are port configuration, proxy configuration, firewall issues or "
     "network connectivity.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_SCAN_FAILURES},
    {0x80072EE7, "ERROR_WINHTTP_NAME_NOT_RESOLVED",
     "The server name or address could not be resolved.",
     "BITS: the server or proxy name could not be resolved. Check name resolution and the proxy "
     "settings on the client.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_WINERROR_H, WHB_WU_SRC_WSUS_CLIENTS},
    {0x80072EFD, "ERROR_WINHTTP_CANNOT_CONNECT",
     "TIME_OUT_ERRORS: the operation timed out (the connection to the server could not be "
     "established).",
     "Make sure that no firewall rules or proxies block Microsoft download URLs (or the update "
     "source). Take a network monitor trace to understand the situation better.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80072EFE, "WININET_E_CONNECTION_ABORTED",
     "The connection with the server was closed abnormally: BITS is unable to transfer the file "
     "successfully.",
     "Encountered if BITS is broken, or the file can't be written to the destination folder on the "
     "client, or the connection fails while checking or downloading updates. Run BITSADMIN /LIST "
     "/ALLUSERS /VERBOSE, find the file with this error, try to download it manually with the "
     "organization's proxy settings, and check with the network team for this URL's access.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80072F0C, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED",
     "A certificate is required to complete client authentication.",
     "The WSUS server's SSL virtual directories are set to accept or require client certificates: "
     "set them to ignore client certificates.",
     WHB_WU_ERR_TLS, WHB_WU_SRC_WINERROR_H, WHB_WU_SRC_SCAN_FAILURES},
    {0x80072F8F, "WININET_E_DECODING_FAILED",
     "Content decoding has failed: TLS 1.2 isn't configured correctly on the client.",
     "The Windows Update Agent can't decode the received content. Install and configure TLS 1.2 by "
     "installing the update provided in KB3140245.",
     WHB_WU_ERR_TLS, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80073701, "ERROR_SXS_ASSEMBLY_MISSING",
     "The referenced assembly couldn't be found: typically component store corruption.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8007371B, "ERROR_SXS_TRANSACTION_CLOSURE_INCOMPLETE",
     "One or more required members of the transaction aren't present: component store corruption.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800B0109, "CERT_E_UNTRUSTEDROOT",
     "A certificate chain processed, but terminated in a root certificate which is not trusted by "
     "the trust provider.",
     NULL, WHB_WU_ERR_TLS, WHB_WU_SRC_WINERROR_H, WHB_WU_SRC_WINERROR_H},
    {0x800F081F, "CBS_E_SOURCE_MISSING",
     "Source for package or file not found: component store corruption.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800F0821, "CBS_E_ABORT", "CBS transaction timeout exceeded.",
     "A servicing operation is taking a long time to finish. Increase the resources on the device "
     "(a virtual machine: more virtual CPU and memory), and make sure that the device has "
     "installed the update in KB4493473 or later.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800F0825, "CBS_E_CANNOT_UNINSTALL",
     "Package can't be uninstalled: typically component store corruption caused by a component in "
     "a partially installed state.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800F0831, "CBS_E_STORE_CORRUPTION",
     "CBS store is corrupted: corruption in the Windows Component Store.",
     "Repair the component store by running the Dism RestoreHealth command, or manually repair it "
     "by using the payload from the partially installed component: Dism.exe /Online /Cleanup-Image "
     "/Restorehealth, then Sfc.exe /Scannow, then restart the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800F0920, "CBS_E_HANG_DETECTED",
     "A failure to respond was detected while processing the operation (logged after 0x800f0821).",
     "A servicing operation is taking a long time to finish. Increase the resources on the device, "
     "and make sure that the device has update KB4493473 or later installed.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x800F0922, "CBS_E_INSTALLERS_FAILED",
     "An update failed to be installed (the page's case: the July cumulative update on Windows "
     "Server 2016).",
     "Updates may roll back when License and Product key tokens fail to be updated: add write "
     "permissions for the User and Network Service accounts to C:\\Windows\\System32\\spp.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80200053, "BG_E_VALIDATION_FAILED", "(Microsoft's page gives no description.)",
     "Make sure that there are no firewalls that might filter downloads. Such filtering could "
     "cause incorrect responses to be received by the Windows Update client.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80240001, "WU_E_NO_SERVICE", "Windows Update Agent was unable to provide the service.", NULL,
     WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240002, "WU_E_MAX_CAPACITY_REACHED", "The maximum capacity of the service was exceeded.",
     NULL, WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240003, "WU_E_UNKNOWN_ID", "An ID cannot be found.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240004, "WU_E_NOT_INITIALIZED", "The object could not be initialized.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240005, "WU_E_RANGEOVERLAP",
     "The update handler requested a byte range overlapping a previously requested range.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240006, "WU_E_TOOMANYRANGES",
     "The requested number of byte ranges exceeds the maximum number (2^31 - 1).", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240007, "WU_E_INVALIDINDEX", "The index to a collection was invalid.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240008, "WU_E_ITEMNOTFOUND", "The key for the item queried could not be found.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240009, "WU_E_OPERATIONINPROGRESS",
     "Another conflicting operation was in progress. Some operations such as installation cannot "
     "be performed twice simultaneously.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024000A, "WU_E_COULDNOTCANCEL", "Cancellation of the operation was not allowed.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024000B, "WU_E_CALL_CANCELLED", "Operation was canceled.",
     "The operation was canceled by the user or service. You might also receive this error message "
     "if we can't filter the results.",
     WHB_WU_ERR_OTHER, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8024000C, "WU_E_NOOP", "No operation was required.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024000D, "WU_E_XML_MISSINGDATA",
     "Windows Update Agent could not find required information in the update's XML data.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024000E, "WU_E_XML_INVALID",
     "Windows Update Agent found information in the update's XML data that isn't valid.",
     "Certain drivers contain more metadata information in Update.xml; Orchestrator might "
     "interpret it as data that isn't valid. Make sure that you have the latest Windows Update "
     "Agent installed on the device.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8024000F, "WU_E_CYCLE_DETECTED",
     "Circular update relationships were detected in the metadata.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240010, "WU_E_TOO_DEEP_RELATION",
     "Update relationships too deep to evaluate were evaluated.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240011, "WU_E_INVALID_RELATIONSHIP", "An invalid update relationship was detected.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240012, "WU_E_REG_VALUE_INVALID", "An invalid registry value was read.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240013, "WU_E_DUPLICATE_ITEM", "Operation tried to add a duplicate item to a list.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240016, "WU_E_INSTALL_NOT_ALLOWED",
     "Operation tried to install while another installation was in progress or the system was "
     "pending a mandatory restart.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240017, "WU_E_NOT_APPLICABLE",
     "Operation was not performed because there are no applicable updates.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240018, "WU_E_NO_USERTOKEN", "Operation failed because a required user token is missing.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240019, "WU_E_EXCLUSIVE_INSTALL_CONFLICT",
     "An exclusive update cannot be installed with other updates at the same time.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024001A, "WU_E_POLICY_NOT_SET", "A policy value was not set.", NULL, WHB_WU_ERR_POLICY,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024001B, "WU_E_SELFUPDATE_IN_PROGRESS",
     "The operation could not be performed because the Windows Update Agent is self-updating.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024001D, "WU_E_INVALID_UPDATE", "An update contains invalid metadata.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024001E, "WU_E_SERVICE_STOP",
     "Operation did not complete because the service or system was being shut down.", NULL,
     WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024001F, "WU_E_NO_CONNECTION",
     "Operation did not complete because the network connection was unavailable.", NULL,
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240020, "WU_E_NO_INTERACTIVE_USER",
     "The operation didn't finish because no interactive user is signed in.",
     "Sign in to the device to start the installation, and allow the device to restart.",
     WHB_WU_ERR_OTHER, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80240021, "WU_E_TIME_OUT", "Operation did not complete because it timed out.", NULL,
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240022, "WU_E_ALL_UPDATES_FAILED",
     "Operation failed for all the updates: multiple root causes.",
     "The most common issue is that antivirus software is blocking access to certain folders (like "
     "SoftwareDistribution); CBS.log analysis determines the file or folder that's being "
     "protected.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80240023, "WU_E_EULAS_DECLINED", "The license terms for all updates were declined.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240024, "WU_E_NO_UPDATE", "There are no updates.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240025, "WU_E_USER_ACCESS_DISABLED",
     "Group Policy settings prevented access to Windows Update.", NULL, WHB_WU_ERR_POLICY,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240026, "WU_E_INVALID_UPDATE_TYPE", "The type of update is invalid.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240027, "WU_E_URL_TOO_LONG", "The URL exceeded the maximum length.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240028, "WU_E_UNINSTALL_NOT_ALLOWED",
     "The update could not be uninstalled because the request did not originate from a WSUS "
     "server.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240029, "WU_E_INVALID_PRODUCT_LICENSE",
     "Search may have missed some updates before there is an unlicensed application on the system.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002A, "WU_E_MISSING_HANDLER",
     "A component required to detect applicable updates was missing.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002B, "WU_E_LEGACYSERVER",
     "An operation did not complete because it requires a newer version of server.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002C, "WU_E_BIN_SOURCE_ABSENT",
     "A delta-compressed update could not be installed because it required the source.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002D, "WU_E_SOURCE_ABSENT",
     "A full-file update could not be installed because it required the source.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002E, "WU_E_WU_DISABLED", "Access to an unmanaged server is not allowed.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024002F, "WU_E_CALL_CANCELLED_BY_POLICY",
     "Operation did not complete because the DisableWindowsUpdateAccess policy was set.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240030, "WU_E_INVALID_PROXY_SERVER", "The format of the proxy list was invalid.",
     "A proxy-related scan failure: Either the WinHTTP proxy or WinInet proxy settings aren't "
     "configured correctly. Verify the proxy settings on the client: the Windows Update Agent uses "
     "WinHTTP to scan for available updates (netsh winhttp show proxy); with a proxy between the "
     "client and the update source, it must let the client reach the source's FQDN without user "
     "authentication.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x80240031, "WU_E_INVALID_FILE", "The file is in the wrong format.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240032, "WU_E_INVALID_CRITERIA", "The search criteria string was invalid.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240033, "WU_E_EULA_UNAVAILABLE", "License terms could not be downloaded.", NULL,
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240034, "WU_E_DOWNLOAD_FAILED", "Update failed to download.", NULL, WHB_WU_ERR_NETWORK,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240035, "WU_E_UPDATE_NOT_PROCESSED", "The update was not processed.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240036, "WU_E_INVALID_OPERATION",
     "The object's current state did not allow the operation.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240037, "WU_E_NOT_SUPPORTED", "The functionality for the operation is not supported.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240038, "WU_E_WINHTTP_INVALID_FILE", "The downloaded file has an unexpected content type.",
     NULL, WHB_WU_ERR_PROXY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240039, "WU_E_TOO_MANY_RESYNC", "Agent is asked by server to resync too many times.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240040, "WU_E_NO_SERVER_CORE_SUPPORT",
     "WUA API method does not run on Server Core installation.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240041, "WU_E_SYSPREP_IN_PROGRESS", "Service is not available while sysprep is running.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240042, "WU_E_UNKNOWN_SERVICE", "The update service is no longer registered with AU.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240043, "WU_E_NO_UI_SUPPORT", "There is no support for WUA UI.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240438, "WU_E_PT_ENDPOINT_UNREACHABLE",
     "There is no route or network connectivity to the endpoint.", NULL, WHB_WU_ERR_NETWORK,
     WHB_WU_SRC_WUERROR_H, WHB_WU_SRC_WUERROR_H},
    {0x8024043D, "WU_E_SERVICEPROP_NOTAVAIL", "The requested service property is not available.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80240FFF, "WU_E_UNEXPECTED",
     "An operation failed due to reasons not covered by another error code.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80241001, "WU_E_MSI_WRONG_VERSION",
     "Search may have missed some updates because the Windows Installer is less than version 3.1.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80241002, "WU_E_MSI_NOT_CONFIGURED",
     "Search may have missed some updates because the Windows Installer is not configured.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80241003, "WU_E_MSP_DISABLED",
     "Search may have missed some updates because policy has disabled Windows Installer patching.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80241004, "WU_E_MSI_WRONG_APP_CONTEXT",
     "An update could not be applied because the application is installed per-user.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80241FFF, "WU_E_MSP_UNEXPECTED",
     "Search may have missed some updates because there was a failure of the Windows Installer.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242000, "WU_E_UH_REMOTEUNAVAILABLE",
     "A request for a remote update handler could not be completed because no remote process is "
     "available.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242001, "WU_E_UH_LOCALONLY",
     "A request for a remote update handler could not be completed because the handler is local "
     "only.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242002, "WU_E_UH_UNKNOWNHANDLER",
     "A request for an update handler could not be completed because the handler could not be "
     "recognized.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242003, "WU_E_UH_REMOTEALREADYACTIVE",
     "A remote update handler could not be created because one already exists.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242004, "WU_E_UH_DOESNOTSUPPORTACTION",
     "A request for the handler to install (uninstall) an update could not be completed because "
     "the update does not support install (uninstall).",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242005, "WU_E_UH_WRONGHANDLER",
     "An operation did not complete because the wrong handler was specified.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242006, "WU_E_UH_INVALIDMETADATA",
     "A handler operation could not be completed because the update contains invalid metadata.",
     "Rename the software redistribution folders and try to download the updates again: Ren "
     "%systemroot%\\SoftwareDistribution\\DataStore DataStore.bak, Ren "
     "%systemroot%\\SoftwareDistribution\\Download Download.bak, Ren "
     "%systemroot%\\system32\\catroot2 catroot2.bak.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_COMMON_ERRORS},
    {0x80242007, "WU_E_UH_INSTALLERHUNG",
     "An operation could not be completed because the installer exceeded the time limit.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242008, "WU_E_UH_OPERATIONCANCELLED",
     "An operation being done by the update handler was canceled.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242009, "WU_E_UH_BADHANDLERXML",
     "An operation could not be completed because the handler-specific metadata is invalid.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200A, "WU_E_UH_CANREQUIREINPUT",
     "A request to the handler to install an update could not be completed because the update "
     "requires user input.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200B, "WU_E_UH_INSTALLERFAILURE",
     "The installer failed to install (uninstall) one or more updates.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200C, "WU_E_UH_FALLBACKTOSELFCONTAINED",
     "The update handler should download self-contained content rather than delta-compressed "
     "content for the update.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200D, "WU_E_UH_NEEDANOTHERDOWNLOAD",
     "The update handler did not install the update because it needs to be downloaded again.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200E, "WU_E_UH_NOTIFYFAILURE",
     "The update handler failed to send notification of the status of the install (uninstall) "
     "operation.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024200F, "WU_E_UH_INCONSISTENT_FILE_NAMES",
     "The file names contained in the update metadata and in the update package are inconsistent.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242010, "WU_E_UH_FALLBACKERROR",
     "The update handler failed to fall back to the self-contained content.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242011, "WU_E_UH_TOOMANYDOWNLOADREQUESTS",
     "The update handler has exceeded the maximum number of download requests.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242012, "WU_E_UH_UNEXPECTEDCBSRESPONSE",
     "The update handler has received an unexpected response from CBS.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242013, "WU_E_UH_BADCBSPACKAGEID",
     "The update metadata contains an invalid CBS package identifier.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242014, "WU_E_UH_POSTREBOOTSTILLPENDING",
     "The post-restart operation for the update is still in progress.",
     "Some Windows updates require the device to be restarted. Restart the device to complete the "
     "update installation.",
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80242015, "WU_E_UH_POSTREBOOTRESULTUNKNOWN",
     "The result of the post-reboot operation for the update could not be determined.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242016, "WU_E_UH_POSTREBOOTUNEXPECTEDSTATE",
     "The state of the update after its post-reboot operation has completed is unexpected.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242017, "WU_E_UH_NEW_SERVICING_STACK_REQUIRED",
     "The OS servicing stack must be updated before this update is downloaded or installed.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80242FFF, "WU_E_UH_UNEXPECTED",
     "An update handler error not covered by another WU_E_UH_* code.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243001, "WU_E_INSTALLATION_RESULTS_UNKNOWN_VERSION",
     "The results of download and installation could not be read from the registry due to an "
     "unrecognized data format version.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243002, "WU_E_INSTALLATION_RESULTS_INVALID_DATA",
     "The results of download and installation could not be read from the registry due to an "
     "invalid data format.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243003, "WU_E_INSTALLATION_RESULTS_NOT_FOUND",
     "The results of download and installation are not available; the operation may have failed to "
     "start.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243004, "WU_E_TRAYICON_FAILURE",
     "A failure occurred when trying to create an icon in the taskbar notification area.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243FFD, "WU_E_NON_UI_MODE",
     "Unable to show UI when in non-UI mode; WU client UI modules may not be installed.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243FFE, "WU_E_WUCLTUI_UNSUPPORTED_VERSION",
     "Unsupported version of WU client UI exported functions.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80243FFF, "WU_E_AUCLIENT_UNEXPECTED",
     "There was a user interface error not covered by another WU_E_AUCLIENT_* error code.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244000, "WU_E_PT_SOAPCLIENT_BASE",
     "WU_E_PT_SOAPCLIENT_* error codes map to the SOAPCLIENT_ERROR enum of the ATL Server Library.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244001, "WU_E_PT_SOAPCLIENT_INITIALIZE",
     "Same as SOAPCLIENT_INITIALIZE_ERROR - initialization of the SOAP client failed possibly "
     "because of an MSXML installation failure.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244002, "WU_E_PT_SOAPCLIENT_OUTOFMEMORY",
     "Same as SOAPCLIENT_OUTOFMEMORY - SOAP client failed because it ran out of memory.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244003, "WU_E_PT_SOAPCLIENT_GENERATE",
     "Same as SOAPCLIENT_GENERATE_ERROR - SOAP client failed to generate the request.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244004, "WU_E_PT_SOAPCLIENT_CONNECT",
     "Same as SOAPCLIENT_CONNECT_ERROR - SOAP client failed to connect to the server.", NULL,
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244005, "WU_E_PT_SOAPCLIENT_SEND",
     "Same as SOAPCLIENT_SEND_ERROR - SOAP client failed to send a message for reasons of "
     "WU_E_WINHTTP_* error codes.",
     NULL, WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244006, "WU_E_PT_SOAPCLIENT_SERVER",
     "Same as SOAPCLIENT_SERVER_ERROR - SOAP client failed because there was a server error.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244007, "WU_E_PT_SOAPCLIENT_SOAPFAULT",
     "SOAP client failed because there was a SOAP fault for reasons of WU_E_PT_SOAP_* error codes.",
     "This issue occurs because Windows can't renew the cookies for Windows Update (see "
     "\"0x80244007 error when Windows tries to scan for updates on a WSUS server\", KB2883975).",
     WHB_WU_ERR_SERVER, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80244008, "WU_E_PT_SOAPCLIENT_PARSEFAULT",
     "Same as SOAPCLIENT_PARSEFAULT_ERROR - SOAP client failed to parse a SOAP fault.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244009, "WU_E_PT_SOAPCLIENT_READ",
     "Same as SOAPCLIENT_READ_ERROR - SOAP client failed while reading the response from the "
     "server.",
     NULL, WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400A, "WU_E_PT_SOAPCLIENT_PARSE",
     "Same as SOAPCLIENT_PARSE_ERROR - SOAP client failed to parse the response from the server.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400B, "WU_E_PT_SOAP_VERSION",
     "Same as SOAP_E_VERSION_MISMATCH - SOAP client found an unrecognizable namespace for the SOAP "
     "envelope.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400C, "WU_E_PT_SOAP_MUST_UNDERSTAND",
     "Same as SOAP_E_MUST_UNDERSTAND - SOAP client was unable to understand a header.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400D, "WU_E_PT_SOAP_CLIENT",
     "Same as SOAP_E_CLIENT - SOAP client found the message was malformed; fix before resending.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400E, "WU_E_PT_SOAP_SERVER",
     "Same as SOAP_E_SERVER - The SOAP message could not be processed due to a server error; "
     "resend later.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024400F, "WU_E_PT_WMI_ERROR",
     "There was an unspecified Windows Management Instrumentation (WMI) error.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244010, "WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS",
     "The number of round trips to the server exceeded the maximum limit.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244011, "WU_E_PT_SUS_SERVER_NOT_SET", "WUServer policy value is missing in the registry.",
     "Set the intranet update service and statistics server: Group Policy \"Specify intranet "
     "Microsoft update service location\" (Computer Configuration > Administrative Templates > "
     "Windows Components > Windows Update), both to the WSUS URL with its port, e.g. "
     "http://wsus01:8530.",
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_GP_SETTINGS},
    {0x80244012, "WU_E_PT_DOUBLE_INITIALIZATION",
     "Initialization failed because the object was already initialized.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244013, "WU_E_PT_INVALID_COMPUTER_NAME", "The computer name could not be determined.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244015, "WU_E_PT_REFRESH_CACHE_REQUIRED",
     "The reply from the server indicates that the server was changed or the cookie was invalid; "
     "refresh the state of the internal cache and retry.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244016, "WU_E_PT_HTTP_STATUS_BAD_REQUEST",
     "Same as HTTP status 400 - the server could not process the request due to invalid syntax.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244017, "WU_E_PT_HTTP_STATUS_DENIED",
     "Same as HTTP status 401 - the requested resource requires user authentication.",
     "Verify that the client can reach the WSUS server's ClientWebService and SimpleAuthWebService "
     "(http://<server>:8530/Selfupdate/wuident.cab, /ClientWebService/wusserverversion.xml, "
     "/SimpleAuthWebService/SimpleAuth.asmx; ports 80/443 or 8530/8531): the causes are port "
     "configuration, proxy configuration, firewall issues or network connectivity. On the WSUS "
     "server, check the permissions of its web services (IIS and NTFS).",
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x80244018, "WU_E_PT_HTTP_STATUS_FORBIDDEN",
     "Same as HTTP status 403 - server understood the request but declined to fulfill it.",
     "Verify that the client can reach the WSUS server's ClientWebService and SimpleAuthWebService "
     "(http://<server>:8530/Selfupdate/wuident.cab, /ClientWebService/wusserverversion.xml, "
     "/SimpleAuthWebService/SimpleAuth.asmx; ports 80/443 or 8530/8531): the causes are port "
     "configuration, proxy configuration, firewall issues or network connectivity.",
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x80244019, "WU_E_PT_HTTP_STATUS_NOT_FOUND",
     "Same as HTTP status 404 - the server cannot find the requested URI (Uniform Resource "
     "Identifier).",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024401A, "WU_E_PT_HTTP_STATUS_BAD_METHOD",
     "Same as HTTP status 405 - the HTTP method is not allowed.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024401B, "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ",
     "Same as HTTP status 407 - proxy authentication is required: unable to authenticate through a "
     "proxy server.",
     "Either the WinHTTP proxy or WinInet proxy settings aren't configured correctly. Verify the "
     "proxy settings on the client: the Windows Update Agent uses WinHTTP to scan for available "
     "updates (netsh winhttp show proxy); with a proxy between the client and the update source, "
     "it must let the client reach the source's FQDN without user authentication.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8024401C, "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT",
     "Same as HTTP status 408 - the server timed out waiting for the request.",
     "Verify that the client can reach the WSUS server's ClientWebService and SimpleAuthWebService "
     "(http://<server>:8530/Selfupdate/wuident.cab, /ClientWebService/wusserverversion.xml, "
     "/SimpleAuthWebService/SimpleAuth.asmx; ports 80/443 or 8530/8531): the causes are port "
     "configuration, proxy configuration, firewall issues or network connectivity.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x8024401D, "WU_E_PT_HTTP_STATUS_CONFLICT",
     "Same as HTTP status 409 - the request was not completed due to a conflict with the current "
     "state of the resource.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024401E, "WU_E_PT_HTTP_STATUS_GONE",
     "Same as HTTP status 410 - requested resource is no longer available at the server.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024401F, "WU_E_PT_HTTP_STATUS_SERVER_ERROR",
     "Same as HTTP status 500 - an error internal to the server prevented fulfilling the request.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244020, "WU_E_PT_HTTP_STATUS_NOT_SUPPORTED",
     "Same as HTTP status 500 - server does not support the functionality required to fulfill the "
     "request.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244021, "WU_E_PT_HTTP_STATUS_BAD_GATEWAY",
     "Same as HTTP status 502 - the server while acting as a gateway or a proxy received an "
     "invalid response from the upstream server it accessed in attempting to fulfill the request.",
     "A proxy-related scan failure: Either the WinHTTP proxy or WinInet proxy settings aren't "
     "configured correctly. Verify the proxy settings on the client: the Windows Update Agent uses "
     "WinHTTP to scan for available updates (netsh winhttp show proxy); with a proxy between the "
     "client and the update source, it must let the client reach the source's FQDN without user "
     "authentication.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x80244022, "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL",
     "Same as HTTP status 503 - the service is temporarily overloaded: unable to connect to the "
     "configured update source.",
     "Network troubleshooting is needed to resolve the connectivity issue; check with the network "
     "and proxy teams that the device can reach the update source. On the WSUS server, HTTP 503 "
     "can be caused by a WSUS application pool memory issue or too many client connections: raise "
     "the WsusPool application pool's Private Memory Limit (default 1843200 KB) to 4-8 GB and "
     "restart it.",
     WHB_WU_ERR_SERVER, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_WSUS_CONNECTION},
    {0x80244023, "WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT",
     "Same as HTTP status 503 - the request was timed out waiting for a gateway.",
     "Verify that the client can reach the WSUS server's ClientWebService and SimpleAuthWebService "
     "(http://<server>:8530/Selfupdate/wuident.cab, /ClientWebService/wusserverversion.xml, "
     "/SimpleAuthWebService/SimpleAuth.asmx; ports 80/443 or 8530/8531): the causes are port "
     "configuration, proxy configuration, firewall issues or network connectivity.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x80244024, "WU_E_PT_HTTP_STATUS_VERSION_NOT_SUP",
     "Same as HTTP status 505 - the server does not support the HTTP protocol version used for the "
     "request.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244025, "WU_E_PT_FILE_LOCATIONS_CHANGED",
     "Operation failed due to a changed file location; refresh internal state and resend.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244026, "WU_E_PT_REGISTRATION_NOT_SUPPORTED",
     "Operation failed because Windows Update Agent does not support registration with a non-WSUS "
     "server.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244027, "WU_E_PT_NO_AUTH_PLUGINS_REQUESTED",
     "The server returned an empty authentication information list.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244028, "WU_E_PT_NO_AUTH_COOKIES_CREATED",
     "Windows Update Agent was unable to create any valid authentication cookies.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244029, "WU_E_PT_INVALID_CONFIG_PROP", "A configuration property value was wrong.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024402A, "WU_E_PT_CONFIG_PROP_MISSING", "A configuration property value was missing.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024402B, "WU_E_PT_HTTP_STATUS_NOT_MAPPED",
     "The HTTP request could not be completed and the reason did not correspond to any of the "
     "WU_E_PT_HTTP_* error codes.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024402C, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED",
     "Same as ERROR_WINHTTP_NAME_NOT_RESOLVED - the proxy server or target server name cannot be "
     "resolved.",
     "A proxy-related scan failure: Either the WinHTTP proxy or WinInet proxy settings aren't "
     "configured correctly. Verify the proxy settings on the client: the Windows Update Agent uses "
     "WinHTTP to scan for available updates (netsh winhttp show proxy); with a proxy between the "
     "client and the update source, it must let the client reach the source's FQDN without user "
     "authentication. Check that the server name in the WUServer policy resolves on the client.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_SCAN_FAILURES},
    {0x8024402D, "WU_E_PT_LOAD_SHEDDING", "The server is shedding load.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_WUERROR_H, WHB_WU_SRC_WUERROR_H},
    {0x8024402F, "WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS",
     "External cab file processing completed with some errors.",
     "This error might be caused by the Lightspeed Rocket for web filtering software. Add the IP "
     "addresses of the devices that you want to receive updates to the exceptions list of "
     "Lightspeed Rocket.",
     WHB_WU_ERR_PROXY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_COMMON_ERRORS},
    {0x80244030, "WU_E_PT_ECP_INIT_FAILED",
     "The external cab processor initialization did not complete.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244031, "WU_E_PT_ECP_INVALID_FILE_FORMAT", "The format of a metadata file was invalid.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244032, "WU_E_PT_ECP_INVALID_METADATA", "External cab processor found invalid metadata.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244033, "WU_E_PT_ECP_FAILURE_TO_EXTRACT_DIGEST",
     "The file digest could not be extracted from an external cab file.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244034, "WU_E_PT_ECP_FAILURE_TO_DECOMPRESS_CAB_FILE",
     "An external cab file could not be decompressed.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244035, "WU_E_PT_ECP_FILE_LOCATION_ERROR",
     "External cab processor was unable to get file locations.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80244FFF, "WU_E_PT_UNEXPECTED",
     "A communication error not covered by another WU_E_PT_* error code.", NULL, WHB_WU_ERR_NETWORK,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80245001, "WU_E_REDIRECTOR_LOAD_XML",
     "The redirector XML document could not be loaded into the DOM class.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80245002, "WU_E_REDIRECTOR_S_FALSE",
     "The redirector XML document is missing some required information.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80245003, "WU_E_REDIRECTOR_ID_SMALLER",
     "The redirectorId in the downloaded redirector cab is less than in the cached cab.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024500C, "WU_E_REDIRECTOR_CONNECT_POLICY",
     "Connections to the redirector server are disallowed by managed policy.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_WUERROR_H, WHB_WU_SRC_WUERROR_H},
    {0x8024502D, "WU_E_PT_SAME_REDIR_ID",
     "Windows Update Agent failed to download a redirector cabinet file with a new redirectorId "
     "value from the server during the recovery.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024502E, "WU_E_PT_NO_MANAGED_RECOVER",
     "A redirector recovery action did not complete because the server is managed.", NULL,
     WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80245FFF, "WU_E_REDIRECTOR_UNEXPECTED",
     "The redirector failed for reasons not covered by another WU_E_REDIRECTOR_* error code.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246001, "WU_E_DM_URLNOTAVAILABLE",
     "A download manager operation could not be completed because the requested file does not have "
     "a URL.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246002, "WU_E_DM_INCORRECTFILEHASH",
     "A download manager operation could not be completed because the file digest was not "
     "recognized.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246003, "WU_E_DM_UNKNOWNALGORITHM",
     "A download manager operation could not be completed because the file metadata requested an "
     "unrecognized hash algorithm.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246004, "WU_E_DM_NEEDDOWNLOADREQUEST",
     "An operation could not be completed because a download request is required from the download "
     "handler.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246005, "WU_E_DM_NONETWORK",
     "A download manager operation could not be completed because the network connection was "
     "unavailable.",
     NULL, WHB_WU_ERR_NETWORK, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246006, "WU_E_DM_WRONGBITSVERSION",
     "A download manager operation could not be completed because the version of Background "
     "Intelligent Transfer Service (BITS) is incompatible.",
     NULL, WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246007, "WU_E_DM_NOTDOWNLOADED", "The update has not been downloaded.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246008, "WU_E_DM_FAILTOCONNECTTOBITS",
     "A download manager operation failed because the download manager was unable to connect the "
     "Background Intelligent Transfer Service (BITS).",
     NULL, WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246009, "WU_E_DM_BITSTRANSFERERROR",
     "A download manager operation failed because there was an unspecified Background Intelligent "
     "Transfer Service (BITS) transfer error.",
     NULL, WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024600A, "WU_E_DM_DOWNLOADLOCATIONCHANGED",
     "A download must be restarted because the location of the source of the download has changed.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024600B, "WU_E_DM_CONTENTCHANGED",
     "A download must be restarted because the update content changed in a new revision.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80246017, "WU_E_DM_UNAUTHORIZED_LOCAL_USER",
     "The download failed because the local user was denied authorization to download the content.",
     "Ensure that the user attempting to download and install updates has been provided with "
     "sufficient privileges to install updates (Local Administrator).",
     WHB_WU_ERR_POLICY, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x80246FFF, "WU_E_DM_UNEXPECTED",
     "There was a download manager error not covered by another WU_E_DM_* error code.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80247001, "WU_E_OL_INVALID_SCANFILE",
     "An operation could not be completed because the scan package was invalid.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80247002, "WU_E_OL_NEWCLIENT_REQUIRED",
     "An operation could not be completed because the scan package requires a greater version of "
     "the Windows Update Agent.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80247FFF, "WU_E_OL_UNEXPECTED", "Search using the scan package failed.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248000, "WU_E_DS_SHUTDOWN",
     "An operation failed because Windows Update Agent is shutting down.", NULL, WHB_WU_ERR_SERVICE,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248001, "WU_E_DS_INUSE", "An operation failed because the data store was in use.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248002, "WU_E_DS_INVALID",
     "The current and expected states of the data store do not match.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248003, "WU_E_DS_TABLEMISSING", "The data store is missing a table.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248004, "WU_E_DS_TABLEINCORRECT",
     "The data store contains a table with unexpected columns.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248005, "WU_E_DS_INVALIDTABLENAME",
     "A table could not be opened because the table is not in the data store.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248006, "WU_E_DS_BADVERSION",
     "The current and expected versions of the data store do not match.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248007, "WU_E_DS_NODATA", "The information requested is not in the data store.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248008, "WU_E_DS_MISSINGDATA",
     "The data store is missing required information or has a NULL in a table column that requires "
     "a non-null value.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248009, "WU_E_DS_MISSINGREF",
     "The data store is missing required information or has a reference to missing license terms "
     "file localized property or linked row.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800A, "WU_E_DS_UNKNOWNHANDLER",
     "The update was not processed because its update handler could not be recognized.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800B, "WU_E_DS_CANTDELETE",
     "The update was not deleted because it is still referenced by one or more services.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800C, "WU_E_DS_LOCKTIMEOUTEXPIRED",
     "The data store section could not be locked within the allotted time.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800D, "WU_E_DS_NOCATEGORIES",
     "The category was not added because it contains no parent categories and is not a top-level "
     "category itself.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800E, "WU_E_DS_ROWEXISTS",
     "The row was not added because an existing row has the same primary key.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024800F, "WU_E_DS_STOREFILELOCKED",
     "The data store could not be initialized because it was locked by another process.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248010, "WU_E_DS_CANNOTREGISTER",
     "The data store is not allowed to be registered with COM in the current process.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248011, "WU_E_DS_UNABLETOSTART",
     "Could not create a data store object in another process.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248013, "WU_E_DS_DUPLICATEUPDATEID",
     "The server sent the same update to the client with two different revision IDs.", NULL,
     WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248014, "WU_E_DS_UNKNOWNSERVICE",
     "An operation did not complete because the service is not in the data store.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248015, "WU_E_DS_SERVICEEXPIRED",
     "An operation did not complete because the registration of the service has expired.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248016, "WU_E_DS_DECLINENOTALLOWED",
     "A request to hide an update was declined because it is a mandatory update or because it was "
     "deployed with a deadline.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248017, "WU_E_DS_TABLESESSIONMISMATCH",
     "A table was not closed because it is not associated with the session.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248018, "WU_E_DS_SESSIONLOCKMISMATCH",
     "A table was not closed because it is not associated with the session.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248019, "WU_E_DS_NEEDWINDOWSSERVICE",
     "A request to remove the Windows Update service or to unregister it with Automatic Updates "
     "was declined because it is a built-in service and/or Automatic Updates cannot fall back to "
     "another service.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024801A, "WU_E_DS_INVALIDOPERATION",
     "A request was declined because the operation is not allowed.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024801B, "WU_E_DS_SCHEMAMISMATCH",
     "The schema of the current data store and the schema of a table in a backup XML document do "
     "not match.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024801C, "WU_E_DS_RESETREQUIRED",
     "The data store requires a session reset; release the session and retry with a new session.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024801D, "WU_E_DS_IMPERSONATED",
     "A data store operation did not complete because it was requested with an impersonated "
     "identity.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80248FFF, "WU_E_DS_UNEXPECTED", "A data store error not covered by another WU_E_DS_* code.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80249001, "WU_E_INVENTORY_PARSEFAILED", "Parsing of the rule file failed.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80249002, "WU_E_INVENTORY_GET_INVENTORY_TYPE_FAILED",
     "Failed to get the requested inventory type from the server.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80249003, "WU_E_INVENTORY_RESULT_UPLOAD_FAILED",
     "Failed to upload inventory result to the server.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80249004, "WU_E_INVENTORY_UNEXPECTED",
     "There was an inventory error not covered by another error code.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80249005, "WU_E_INVENTORY_WMI_ERROR",
     "A WMI error occurred when enumerating the instances for a particular class.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A000, "WU_E_AU_NOSERVICE", "Automatic Updates was unable to service incoming requests.",
     NULL, WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A002, "WU_E_AU_NONLEGACYSERVER",
     "The old version of the Automatic Updates client has stopped because the WSUS server has been "
     "upgraded.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A003, "WU_E_AU_LEGACYCLIENTDISABLED",
     "The old version of the Automatic Updates client was disabled.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A004, "WU_E_AU_PAUSED",
     "Automatic Updates was unable to process incoming requests because it was paused.", NULL,
     WHB_WU_ERR_SERVICE, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A005, "WU_E_AU_NO_REGISTERED_SERVICE", "No unmanaged service is registered with AU.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024A10A, "USO_E_SERVICE_SHUTTING_DOWN",
     "Indicates that the Windows Update Service is shutting down.",
     "This error can occur after a long time of inactivity. Make sure that the system remains "
     "active, and the connections remain established to complete the installation.",
     WHB_WU_ERR_SERVICE, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8024AFFF, "WU_E_AU_UNEXPECTED",
     "An Automatic Updates error not covered by another WU_E_AU* code.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C001, "WU_E_DRV_PRUNED", "A driver was skipped.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C002, "WU_E_DRV_NOPROP_OR_LEGACY",
     "A property for the driver could not be found. It may not conform with required "
     "specifications.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C003, "WU_E_DRV_REG_MISMATCH",
     "The registry type read for the driver does not match the expected type.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C004, "WU_E_DRV_NO_METADATA", "The driver update is missing metadata.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C005, "WU_E_DRV_MISSING_ATTRIBUTE", "The driver update is missing a required attribute.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C006, "WU_E_DRV_SYNC_FAILED", "Driver synchronization failed.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024C007, "WU_E_DRV_NO_PRINTER_CONTENT",
     "Information required for the synchronization of applicable printers is missing.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024CFFF, "WU_E_DRV_UNEXPECTED", "A driver error not covered by another WU_E_DRV_* code.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D001, "WU_E_SETUP_INVALID_INFDATA",
     "Windows Update Agent could not be updated because an INF file contains invalid information.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D002, "WU_E_SETUP_INVALID_IDENTDATA",
     "Windows Update Agent could not be updated because the wuident.cab file contains invalid "
     "information.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D003, "WU_E_SETUP_ALREADY_INITIALIZED",
     "Windows Update Agent could not be updated because of an internal error that caused setup "
     "initialization to be performed twice.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D004, "WU_E_SETUP_NOT_INITIALIZED",
     "Windows Update Agent could not be updated because setup initialization never completed "
     "successfully.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D005, "WU_E_SETUP_SOURCE_VERSION_MISMATCH",
     "Windows Update Agent could not be updated because the versions specified in the INF do not "
     "match the actual source file versions.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D006, "WU_E_SETUP_TARGET_VERSION_GREATER",
     "Windows Update Agent could not be updated because a WUA file on the target system is newer "
     "than the corresponding source file.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D007, "WU_E_SETUP_REGISTRATION_FAILED",
     "Windows Update Agent could not be updated because regsvr32.exe returned an error.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D009, "WU_E_SETUP_SKIP_UPDATE",
     "An update to the Windows Update Agent was skipped due to a directive in the Wuident.cab "
     "file.",
     "You might encounter this error if WSUS isn't sending the self-update to the clients "
     "(KB920659).",
     WHB_WU_ERR_SERVER, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
    {0x8024D00A, "WU_E_SETUP_UNSUPPORTED_CONFIGURATION",
     "Windows Update Agent could not be updated because the current system configuration is not "
     "supported.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D00B, "WU_E_SETUP_BLOCKED_CONFIGURATION",
     "Windows Update Agent could not be updated because the system is configured to block the "
     "update.",
     NULL, WHB_WU_ERR_POLICY, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D00C, "WU_E_SETUP_REBOOT_TO_FIX",
     "Windows Update Agent could not be updated because a restart of the system is required.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D00D, "WU_E_SETUP_ALREADYRUNNING", "Windows Update Agent setup is already running.",
     NULL, WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D00E, "WU_E_SETUP_REBOOTREQUIRED",
     "Windows Update Agent setup package requires a reboot to complete installation.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D00F, "WU_E_SETUP_HANDLER_EXEC_FAILURE",
     "Windows Update Agent could not be updated because the setup handler failed during execution.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D010, "WU_E_SETUP_INVALID_REGISTRY_DATA",
     "Windows Update Agent could not be updated because the registry contains invalid information.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024D013, "WU_E_SETUP_WRONG_SERVER_VERSION",
     "Windows Update Agent could not be updated because the server does not contain update "
     "information for this version.",
     NULL, WHB_WU_ERR_SERVER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024DFFF, "WU_E_SETUP_UNEXPECTED",
     "Windows Update Agent could not be updated because of an error not covered by another "
     "WU_E_SETUP_* error code.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E001, "WU_E_EE_UNKNOWN_EXPRESSION",
     "An expression evaluator operation could not be completed because an expression was "
     "unrecognized.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E002, "WU_E_EE_INVALID_EXPRESSION",
     "An expression evaluator operation could not be completed because an expression was invalid.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E003, "WU_E_EE_MISSING_METADATA",
     "An expression evaluator operation could not be completed because an expression contains an "
     "incorrect number of metadata nodes.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E004, "WU_E_EE_INVALID_VERSION",
     "An expression evaluator operation could not be completed because the version of the "
     "serialized expression data is invalid.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E005, "WU_E_EE_NOT_INITIALIZED", "The expression evaluator could not be initialized.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E006, "WU_E_EE_INVALID_ATTRIBUTEDATA",
     "An expression evaluator operation could not be completed because there was an invalid "
     "attribute.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024E007, "WU_E_EE_CLUSTER_ERROR",
     "An expression evaluator operation could not be completed because the cluster state of the "
     "computer could not be determined.",
     NULL, WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024EFFF, "WU_E_EE_UNEXPECTED",
     "There was an expression evaluator error not covered by another WU_E_EE_* error code.", NULL,
     WHB_WU_ERR_OTHER, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024F001, "WU_E_REPORTER_EVENTCACHECORRUPT", "The event cache file was defective.", NULL,
     WHB_WU_ERR_CLIENT, WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024F002, "WU_E_REPORTER_EVENTNAMESPACEPARSEFAILED",
     "The XML in the event namespace descriptor could not be parsed.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024F003, "WU_E_INVALID_EVENT",
     "The XML in the event namespace descriptor could not be parsed.", NULL, WHB_WU_ERR_CLIENT,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024F004, "WU_E_SERVER_BUSY",
     "The server rejected an event because the server was too busy.", NULL, WHB_WU_ERR_SERVER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x8024FFFF, "WU_E_REPORTER_UNEXPECTED",
     "There was a reporter error not covered by another error code.", NULL, WHB_WU_ERR_OTHER,
     WHB_WU_SRC_ERROR_REFERENCE, WHB_WU_SRC_ERROR_REFERENCE},
    {0x80D02002, "TIME_OUT_ERRORS", "The operation timed out.",
     "Make sure that no firewall rules or proxies block Microsoft download URLs. Take a network "
     "monitor trace to understand the situation better.",
     WHB_WU_ERR_NETWORK, WHB_WU_SRC_COMMON_ERRORS, WHB_WU_SRC_COMMON_ERRORS},
};

const struct whb_wu_error *whb_wu_error_find(uint32_t code)
{
    size_t lo = 0, hi = sizeof(errors) / sizeof(errors[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (errors[mid].code == code)
            return &errors[mid];
        if (errors[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *whb_wu_error_source_title(enum whb_wu_err_source s)
{
    return (unsigned)s < WHB_WU_SRC_COUNT ? sources[s].title : "";
}

const char *whb_wu_error_source_url(enum whb_wu_err_source s)
{
    return (unsigned)s < WHB_WU_SRC_COUNT ? sources[s].url : "";
}

const struct whb_wu_error *whb_wu_error_table(unsigned *n)
{
    *n = (unsigned)(sizeof(errors) / sizeof(errors[0]));
    return errors;
}
