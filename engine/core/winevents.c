/*
 * winevents.c — the tables behind winevents.h.  What each row means is
 * documented in lang/SPEC.md ("Windows events"); keep the two in step.
 */
#include "engine/core/winevents.h"
#include "engine/core/schema.h"

#include <stdio.h>
#include <string.h>

static const pal_win_source_info sources[PW__COUNT] = {
    [PW_NONE] = {"", "Windows", {NULL}, {NULL}},
    [PW_SYSMON] = {"sysmon", "Sysmon", {"Microsoft-Windows-Sysmon/Operational"}, {"Microsoft-Windows-Sysmon"}},
    [PW_SECURITY] = {"security", "Security", {"Security"}, {"Microsoft-Windows-Security-Auditing"}},
    /* System: one log, written by many providers; a row names its own */
    [PW_SYSTEM] = {"system", "System", {"System"},
                   {"Service Control Manager", "Microsoft-Windows-Eventlog", "Microsoft-Windows-Kernel-General",
                    "Microsoft-Windows-Iphlpsvc", "Microsoft-Windows-Kerberos-Key-Distribution-Center"}},
    [PW_POWERSHELL] = {"powershell", "PowerShell", {"Microsoft-Windows-PowerShell/Operational"},
                       {"Microsoft-Windows-PowerShell"}},
    /* Application: any application's provider; "" gives a record none */
    [PW_APPLICATION] = {"application", "Application", {"Application"}, {""}},
    [PW_DEFENDER] = {"windefend", "Windows Defender", {"Microsoft-Windows-Windows Defender/Operational"},
                     {"Microsoft-Windows-Windows Defender"}},
    [PW_BITS] = {"bits-client", "BITS client", {"Microsoft-Windows-Bits-Client/Operational"},
                 {"Microsoft-Windows-Bits-Client"}},
    [PW_CODEINTEGRITY] = {"codeintegrity", "CodeIntegrity", {"Microsoft-Windows-CodeIntegrity/Operational"},
                          {"Microsoft-Windows-CodeIntegrity"}},
    [PW_APPLOCKER] = {"applocker", "AppLocker",
                      {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/MSI and Script",
                       "Microsoft-Windows-AppLocker/Packaged app-Execution",
                       "Microsoft-Windows-AppLocker/Packaged app-Deployment"},
                      {"Microsoft-Windows-AppLocker"}},
    [PW_APPX_DEPLOY] = {"appxdeployment-server", "AppX deployment server",
                        {"Microsoft-Windows-AppXDeploymentServer/Operational"},
                         {"Microsoft-Windows-AppXDeployment-Server"}},
    [PW_APPX_PACKAGE] = {"appxpackaging-om", "AppX packaging", {"Microsoft-Windows-AppxPackaging/Operational"},
                         {"Microsoft-Windows-AppxPackagingOM"}},
    [PW_DNS_CLIENT] = {"dns-client", "DNS client", {"Microsoft-Windows-DNS-Client/Operational"},
                       {"Microsoft-Windows-DNS-Client"}},
    [PW_DNS_SERVER] = {"dns-server", "DNS server", {"DNS Server"}, {"Microsoft-Windows-DNS-Server-Service"}},
    [PW_FIREWALL] = {"firewall-as", "Windows Firewall",
                     {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
                     {"Microsoft-Windows-Windows Firewall With Advanced Security"}},
    [PW_MSEXCHANGE] = {"msexchange-management", "MSExchange Management", {"MSExchange Management"},
                       {"MSExchange CmdletLogs"}},
    [PW_NTLM] = {"ntlm", "NTLM", {"Microsoft-Windows-NTLM/Operational"}, {"Microsoft-Windows-NTLM"}},
    [PW_SMBCLIENT] = {"smbclient-security", "SMB client", {"Microsoft-Windows-SmbClient/Security"},
                      {"Microsoft-Windows-SMBClient"}},
    [PW_TASKSCHED] = {"taskscheduler", "Task Scheduler", {"Microsoft-Windows-TaskScheduler/Operational"},
                      {"Microsoft-Windows-TaskScheduler"}},
    [PW_MITIGATIONS] = {"security-mitigations", "Security-Mitigations",
                        {"Microsoft-Windows-Security-Mitigations/KernelMode",
                         "Microsoft-Windows-Security-Mitigations/UserMode"},
                        {"Microsoft-Windows-Security-Mitigations"}},
    [PW_IIS_CONFIG] = {"iis-configuration", "IIS configuration", {"Microsoft-IIS-Configuration/Operational"},
                       {"Microsoft-IIS-Configuration"}},
    [PW_PS_CLASSIC] = {"powershell", "Windows PowerShell", {"Windows PowerShell"}, {"PowerShell"}},
};

const pal_win_source_info *pal_win_source_get(unsigned src)
{
    return src > PW_NONE && src < PW__COUNT ? &sources[src] : NULL;
}

static int same_ci(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = lit[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return 0;
    }
    return 1;
}

pal_win_source pal_win_source_of_channel(const char *s, size_t n)
{
    for (unsigned i = PW_NONE + 1; i < PW__COUNT; i++)
        for (unsigned k = 0; k < PAL_WIN_CHANNELS && sources[i].channels[k]; k++)
            if (same_ci(s, n, sources[i].channels[k])) return (pal_win_source)i;
    return PW_NONE;
}

pal_win_source pal_win_source_of_provider(const char *s, size_t n)
{
    for (unsigned i = PW_NONE + 1; i < PW__COUNT; i++)
        for (unsigned k = 0; k < PAL_WIN_PROVIDERS && sources[i].providers[k]; k++)
            if (*sources[i].providers[k] && same_ci(s, n, sources[i].providers[k])) return (pal_win_source)i;
    return PW_NONE;
}

pal_win_source pal_win_source_of_provider_id(const char *s, size_t n, int64_t id)
{
    for (size_t i = 0; i < pal_win_nevents; i++)
        if (pal_win_events[i].id == id && pal_win_events[i].provider && same_ci(s, n, pal_win_events[i].provider))
            return (pal_win_source)pal_win_events[i].source;
    return pal_win_source_of_provider(s, n);
}

pal_win_source pal_win_source_of_id(int64_t id)
{
    if (id >= 1 && id <= 255) return PW_SYSMON;   /* Sysmon's range, as the adapter always read it */
    unsigned found = PW_NONE;
    for (size_t i = 0; i < pal_win_nevents; i++) {
        if (pal_win_events[i].id != id || pal_win_events[i].source == found) continue;
        if (found) return PW_NONE;                /* two logs write it: the record must say which */
        found = pal_win_events[i].source;
    }
    return (pal_win_source)found;
}

size_t pal_win_source_labels(char *out, size_t cap)
{
    size_t n = 0;
    if (cap) out[0] = 0;
    for (unsigned i = PW_NONE + 1; i < PW__COUNT; i++) {
        int w = snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? ", " : "", sources[i].label);
        if (w > 0) n += (size_t)w;
    }
    return n < cap ? n : (cap ? cap - 1 : 0);
}

#define P PK_PROCESS
#define N PK_NETWORK
#define D PK_DNS
#define F PK_FILE
#define R PK_REGISTRY
#define L PK_LIBRARY
#define U PK_AUTH
#define C PK_CONFIG
#define SCM "Service Control Manager"

const pal_win_event pal_win_events[] = {
    /* Sysmon: categories and types as the Winlogbeat Sysmon module sets them,
       except 7 (library, not process: palisade keeps loads apart from starts) */
    {PW_SYSMON, P, 1, "process create", "process", {"start"}, "process-creation", NULL, NULL, 0},
    {PW_SYSMON, F, 2, "file creation time changed", "file", {"change"}, "file-creation-time-changed", NULL, NULL, 0},
    {PW_SYSMON, N, 3, "network connection", "network", {"connection", "start"}, "connection", NULL, NULL, 0},
    {PW_SYSMON, C, 4, "Sysmon service state changed", "process", {"change"}, "service-state-changed", NULL, NULL, 0},
    {PW_SYSMON, P, 5, "process terminated", "process", {"end"}, "process-termination", NULL, NULL, 0},
    {PW_SYSMON, L, 6, "driver loaded", "driver", {"start"}, "driver-load", NULL, NULL, 0},
    {PW_SYSMON, L, 7, "image loaded", "library", {"start"}, "image-load", NULL, NULL, 0},
    {PW_SYSMON, P, 8, "CreateRemoteThread", "process", {"change"}, "remote-thread-creation", NULL, NULL, 0},
    {PW_SYSMON, P, 9, "RawAccessRead", "driver", {"access"}, "raw-access-read", NULL, NULL, 0},
    {PW_SYSMON, P, 10, "process access", "process", {"access"}, "process-access", NULL, NULL, 0},
    {PW_SYSMON, F, 11, "file create", "file", {"creation"}, "creation", NULL, NULL, 0},
    {PW_SYSMON, R, 12, "registry object create and delete", "registry", {"change"}, "modification", NULL, NULL, 0},
    {PW_SYSMON, R, 13, "registry value set", "registry", {"change"}, "modification", NULL, NULL, 0},
    {PW_SYSMON, R, 14, "registry key and value rename", "registry", {"change"}, "rename", NULL, NULL, 0},
    {PW_SYSMON, F, 15, "file stream created", "file", {"access"}, "stream-creation", NULL, NULL, 0},
    {PW_SYSMON, C, 16, "Sysmon config state changed", "configuration", {"change"}, "config-state-changed", NULL, NULL,
     0},
    {PW_SYSMON, F, 17, "pipe created", "file", {"creation"}, "pipe-creation", NULL, NULL, 0},
    {PW_SYSMON, F, 18, "pipe connected", "file", {"access"}, "pipe-connection", NULL, NULL, 0},
    {PW_SYSMON, P, 19, "WMI event filter", "process", {"info"}, "wmi-filter", NULL, NULL, 0},
    {PW_SYSMON, P, 20, "WMI event consumer", "process", {"change"}, "wmi-consumer", NULL, NULL, 0},
    {PW_SYSMON, P, 21, "WMI consumer to filter", "process", {"access"}, "wmi-binding", NULL, NULL, 0},
    {PW_SYSMON, D, 22, "DNS query", "network", {"protocol", "info"}, "dns-query", NULL, NULL, 0},
    {PW_SYSMON, F, 23, "file delete archived", "file", {"deletion"}, "deletion", NULL, NULL, 0},
    {PW_SYSMON, P, 24, "clipboard change", "process", {"change"}, "clipboard-change", NULL, NULL, 0},
    {PW_SYSMON, P, 25, "process tampering", "process", {"change"}, "process-tampering", NULL, NULL, 0},
    {PW_SYSMON, F, 26, "file delete logged", "file", {"deletion"}, "deletion", NULL, NULL, 0},
    {PW_SYSMON, F, 29, "file executable detected", "file", {"creation"}, "file-executable-detected", NULL, NULL, 0},
    /* Security: as the Winlogbeat Security module sets them */
    {PW_SECURITY, P, 4688, "process created", "process", {"start"}, "created-process", NULL, NULL, 0},
    {PW_SECURITY, P, 4689, "process exited", "process", {"end"}, "exited-process", NULL, NULL, 0},
    {PW_SECURITY, U, 4624, "logon", "authentication", {"start"}, "logged-in", "success", NULL, 0},
    {PW_SECURITY, U, 4625, "logon failed", "authentication", {"start"}, "logon-failed", "failure", NULL, 0},
    {PW_SECURITY, U, 4648, "logon with explicit credentials", "authentication", {"start"}, "logged-in-explicit",
     "success", NULL, 0},
    {PW_SECURITY, N, 5156, "WFP connection allowed", "network", {"connection", "allowed"}, "connection-allowed",
     "success", NULL, 0},
    /* Security: shares, directory objects, services, scheduled tasks,
       accounts and groups (Winlogbeat's actions where it names one) */
    {PW_SECURITY, N, 5140, "network share object accessed", "network", {"access"}, "network-share-object-accessed",
     NULL, NULL, 0},
    {PW_SECURITY, N, 5145, "network share object access checked", "network", {"access"},
     "network-share-object-access-checked", NULL, NULL, 0},
    {PW_SECURITY, C, 4662, "operation performed on an object", "iam", {"access"}, "object-operation-performed", NULL,
     NULL, 0},
    {PW_SECURITY, C, 4697, "service installed", "iam", {"admin", "creation"}, "service-installed", NULL, NULL, 0},
    {PW_SECURITY, C, 4698, "scheduled task created", "iam", {"creation"}, "scheduled-task-created", NULL, NULL, 0},
    {PW_SECURITY, C, 4699, "scheduled task deleted", "iam", {"deletion"}, "scheduled-task-deleted", NULL, NULL, 0},
    {PW_SECURITY, C, 4700, "scheduled task enabled", "iam", {"change"}, "scheduled-task-enabled", NULL, NULL, 0},
    {PW_SECURITY, C, 4701, "scheduled task disabled", "iam", {"change"}, "scheduled-task-disabled", NULL, NULL, 0},
    {PW_SECURITY, C, 4702, "scheduled task updated", "iam", {"change"}, "scheduled-task-updated", NULL, NULL, 0},
    {PW_SECURITY, C, 4720, "user account created", "iam", {"user", "creation"}, "added-user-account", NULL, NULL, 0},
    {PW_SECURITY, C, 4722, "user account enabled", "iam", {"user", "change"}, "enabled-user-account", NULL, NULL, 0},
    {PW_SECURITY, C, 4724, "password reset attempted", "iam", {"user", "change"}, "reset-password", NULL, NULL, 0},
    {PW_SECURITY, C, 4725, "user account disabled", "iam", {"user", "change"}, "disabled-user-account", NULL, NULL, 0},
    {PW_SECURITY, C, 4726, "user account deleted", "iam", {"user", "deletion"}, "deleted-user-account", NULL, NULL, 0},
    {PW_SECURITY, C, 4728, "member added to a global group", "iam", {"group", "change"}, "added-member-to-group",
     NULL, NULL, 0},
    {PW_SECURITY, C, 4732, "member added to a local group", "iam", {"group", "change"}, "added-member-to-group",
     NULL, NULL, 0},
    {PW_SECURITY, C, 4733, "member removed from a local group", "iam", {"group", "change"},
     "removed-member-from-group", NULL, NULL, 0},
    {PW_SECURITY, C, 4738, "user account changed", "iam", {"user", "change"}, "modified-user-account", NULL, NULL, 0},
    {PW_SECURITY, C, 4756, "member added to a universal group", "iam", {"group", "change"},
     "added-member-to-group", NULL, NULL, 0},
    /* Security: the audit log itself, and Windows Filtering Platform
       filters (5441 each filter present at boot, 5447 a run-time filter
       added or removed) */
    {PW_SECURITY, C, 1102, "audit log cleared", "iam", {"admin", "change"}, "audit-log-cleared", NULL,
     "Microsoft-Windows-Eventlog", 0},
    {PW_SECURITY, C, 5441, "WFP filter present at boot", "configuration", {"info"}, "wfp-filter-present", NULL, NULL,
     0},
    {PW_SECURITY, C, 5447, "WFP filter changed", "configuration", {"change"}, "wfp-filter-changed", NULL, NULL, 0},
    {PW_SYSTEM, C, 7045, "service installed", "configuration", {"creation"}, "service-installed", NULL, SCM, 0},
    {PW_SYSTEM, C, 7034, "service terminated unexpectedly", "process", {"end"}, "service-crashed", NULL, SCM, 0},
    {PW_SYSTEM, C, 7036, "service state changed", "process", {"change"}, "service-state-changed", NULL, SCM, 0},
    {PW_SYSTEM, C, 7040, "service start type changed", "configuration", {"change"}, "service-start-type-changed",
     NULL, SCM, 0},
    {PW_POWERSHELL, P, 4103, "PowerShell module logging", "process", {"info"}, "module-logging", NULL, NULL, 0},
    {PW_POWERSHELL, P, 4104, "PowerShell script block", "process", {"info"}, "script-block", NULL, NULL, 0},
    /* Security: registry values and objects accessed (object access
       auditing), a password change, a computer account changed, NTLM
       credential validation, a device recognised */
    {PW_SECURITY, C, 4657, "registry value modified", "registry", {"change"}, "registry-value-modified", NULL, NULL, 0},
    {PW_SECURITY, C, 4663, "object access attempted", "file", {"access"}, "object-access-attempted", NULL, NULL, 0},
    {PW_SECURITY, C, 4723, "password change attempted", "iam", {"user", "change"}, "changed-password", NULL, NULL, 0},
    {PW_SECURITY, C, 4742, "computer account changed", "iam", {"change"}, "changed-computer-account", NULL, NULL, 0},
    {PW_SECURITY, U, 4776, "credentials validated", "authentication", {"start"}, "credential-validated", NULL, NULL, 0},
    {PW_SECURITY, C, 6416, "external device recognized", "host", {"info"}, "device-recognized", NULL, NULL, 0},
    /* Sysmon's own error record */
    {PW_SYSMON, C, 255, "Sysmon error", "configuration", {"error"}, "sysmon-error", NULL, NULL, 0},
    /* System: records of providers other than the Service Control Manager */
    {PW_SYSTEM, C, 7023, "service terminated with an error", "process", {"end"}, "service-error", NULL, SCM, 0},
    {PW_SYSTEM, C, 104, "event log cleared", "iam", {"admin", "change"}, "log-cleared", NULL,
     "Microsoft-Windows-Eventlog", 0},
    {PW_SYSTEM, R, 16, "registry hive access history cleared", "registry", {"change"}, "hive-history-cleared", NULL,
     "Microsoft-Windows-Kernel-General", 0},
    {PW_SYSTEM, C, 4100, "ISATAP router not resolved", "network", {"info"}, "isatap-router-unresolved", NULL,
     "Microsoft-Windows-Iphlpsvc", 0},
    {PW_SYSTEM, U, 42, "KDC lacks strong keys", "authentication", {"info"}, "kdc-weak-keys", NULL,
     "Microsoft-Windows-Kerberos-Key-Distribution-Center", 0},
    /* Application: every record, whatever its provider; its data is the
       unnamed Data values (the table cannot know their names) */
    {PW_APPLICATION, C, 0, "application event", NULL, {NULL}, "application-event", NULL, NULL, PWE_DATA_OPTIONAL},
    /* Windows Defender */
    {PW_DEFENDER, F, 1116, "malware detected", "malware", {"info"}, "malware-detected", NULL, NULL, 0},
    {PW_DEFENDER, F, 1117, "malware action taken", "malware", {"change"}, "malware-action-taken", NULL, NULL, 0},
    {PW_DEFENDER, C, 5001, "real-time protection disabled", "configuration", {"change"}, "realtime-protection-disabled",
     NULL, NULL, 0},
    {PW_DEFENDER, C, 5007, "configuration changed", "configuration", {"change"}, "config-changed", NULL, NULL, 0},
    {PW_DEFENDER, C, 5013, "tamper protection blocked a change", "configuration", {"denied"},
     "tamper-protection-blocked",
     NULL, NULL, 0},
    /* BITS client: jobs and their files */
    {PW_BITS, N, 3, "BITS job created", "network", {"creation"}, "bits-job-created", NULL, NULL, 0},
    {PW_BITS, N, 59, "BITS transfer started", "network", {"start"}, "bits-transfer-started", NULL, NULL, 0},
    {PW_BITS, N, 16403, "BITS file added to a job", "network", {"change"}, "bits-file-added", NULL, NULL, 0},
    /* CodeIntegrity: images and drivers checked, revoked, blocked */
    {PW_CODEINTEGRITY, L, 3021, "revoked kernel module loaded", "driver", {"start"}, "revoked-module-loaded", NULL,
     NULL, 0},
    {PW_CODEINTEGRITY, L, 3022, "revoked kernel module loaded (debugger)", "driver", {"start"}, "revoked-module-loaded",
     NULL, NULL, 0},
    {PW_CODEINTEGRITY, L, 3023, "revoked driver blocked", "driver", {"denied"}, "revoked-driver-blocked", NULL, NULL,
     0},
    {PW_CODEINTEGRITY, L, 3033, "image did not meet the signing level", "library", {"denied"}, "signing-level-unmet",
     NULL, NULL, 0},
    {PW_CODEINTEGRITY, L, 3077, "image blocked by policy", "library", {"denied"}, "policy-blocked", NULL, NULL, 0},
    {PW_CODEINTEGRITY, L, 3104, "file blocked for protected processes", "library", {"denied"},
     "protected-process-blocked", NULL, NULL, 0},
    /* AppLocker: files allowed, audited (would have been blocked), blocked */
    {PW_APPLOCKER, P, 8002, "AppLocker EXE or DLL allowed", "process", {"allowed"}, "applocker-allowed", NULL, NULL, 0},
    {PW_APPLOCKER, P, 8003, "AppLocker EXE or DLL would have been blocked", "process", {"info"}, "applocker-audited",
     NULL, NULL, 0},
    {PW_APPLOCKER, P, 8004, "AppLocker EXE or DLL blocked", "process", {"denied"}, "applocker-blocked", NULL, NULL, 0},
    {PW_APPLOCKER, P, 8005, "AppLocker MSI or script allowed", "process", {"allowed"}, "applocker-allowed", NULL,
     NULL, 0},
    {PW_APPLOCKER, P, 8006, "AppLocker MSI or script would have been blocked", "process", {"info"},
     "applocker-audited", NULL, NULL, 0},
    {PW_APPLOCKER, P, 8007, "AppLocker MSI or script blocked", "process", {"denied"}, "applocker-blocked", NULL, NULL,
     0},
    {PW_APPLOCKER, P, 8020, "AppLocker packaged app allowed", "process", {"allowed"}, "applocker-allowed", NULL, NULL,
     0},
    {PW_APPLOCKER, P, 8021, "AppLocker packaged app would have been blocked", "process", {"info"},
     "applocker-audited", NULL, NULL, 0},
    {PW_APPLOCKER, P, 8022, "AppLocker packaged app blocked", "process", {"denied"}, "applocker-blocked", NULL, NULL,
     0},
    {PW_APPLOCKER, P, 8023, "AppLocker packaged app deployment allowed", "package", {"allowed"}, "applocker-allowed",
     NULL, NULL, 0},
    {PW_APPLOCKER, P, 8024, "AppLocker packaged app deployment would have been blocked", "package", {"info"},
     "applocker-audited", NULL, NULL, 0},
    {PW_APPLOCKER, P, 8025, "AppLocker packaged app deployment blocked", "package", {"denied"}, "applocker-blocked",
     NULL, NULL, 0},
    {PW_APPLOCKER, P, 8028, "AppLocker would have blocked (audit)", "process", {"info"}, "applocker-audited", NULL,
     NULL, 0},
    {PW_APPLOCKER, P, 8029, "AppLocker blocked (enforced)", "process", {"denied"}, "applocker-blocked", NULL, NULL, 0},
    /* AppX deployment and packaging */
    {PW_APPX_DEPLOY, C, 400, "AppX deployment started", "package", {"start"}, "appx-deployment-started", NULL, NULL, 0},
    {PW_APPX_DEPLOY, C, 854, "AppX package parts staged", "package", {"info"}, "appx-parts-staged", NULL, NULL, 0},
    {PW_APPX_PACKAGE, C, 157, "AppX package signature read", "package", {"info"}, "appx-signature", NULL, NULL, 0},
    /* DNS client queries; the DNS server's log */
    {PW_DNS_CLIENT, D, 3006, "DNS query started", "network", {"protocol", "start"}, "dns-query-started", NULL, NULL, 0},
    {PW_DNS_CLIENT, D, 3008, "DNS query completed", "network", {"protocol", "info"}, "dns-query-completed", NULL,
     NULL, 0},
    {PW_DNS_CLIENT, D, 3020, "DNS query response", "network", {"protocol", "info"}, "dns-query-response", NULL, NULL,
     0},
    {PW_DNS_SERVER, D, 6004, "zone transfer request refused", "network", {"protocol", "denied"},
     "zone-transfer-refused", NULL, NULL, 0},
    /* Windows Firewall rules */
    {PW_FIREWALL, C, 2004, "firewall rule added", "configuration", {"creation"}, "firewall-rule-added", NULL, NULL, 0},
    {PW_FIREWALL, C, 2005, "firewall rule modified", "configuration", {"change"}, "firewall-rule-modified", NULL,
     NULL, 0},
    {PW_FIREWALL, C, 2006, "firewall rule deleted", "configuration", {"deletion"}, "firewall-rule-deleted", NULL,
     NULL, 0},
    {PW_FIREWALL, C, 2032, "firewall reset to defaults", "configuration", {"change"}, "firewall-reset", NULL, NULL, 0},
    {PW_FIREWALL, C, 2033, "all firewall rules deleted", "configuration", {"deletion"}, "firewall-rules-deleted",
     NULL, NULL, 0},
    {PW_FIREWALL, C, 2071, "firewall rule added", "configuration", {"creation"}, "firewall-rule-added", NULL, NULL, 0},
    {PW_FIREWALL, C, 2072, "firewall rule modified", "configuration", {"change"}, "firewall-rule-modified", NULL,
     NULL, 0},
    {PW_FIREWALL, C, 2073, "firewall rule deleted", "configuration", {"deletion"}, "firewall-rule-deleted", NULL,
     NULL, 0},
    {PW_FIREWALL, C, 2097, "firewall rule added", "configuration", {"creation"}, "firewall-rule-added", NULL, NULL, 0},
    /* Exchange management cmdlets (their text is the unnamed Data) */
    {PW_MSEXCHANGE, C, 1, "Exchange cmdlet run", "configuration", {"info"}, "exchange-cmdlet", NULL, NULL, 0},
    /* NTLM */
    {PW_NTLM, U, 8001, "outgoing NTLM authentication", "authentication", {"start"}, "ntlm-outgoing", NULL, NULL, 0},
    {PW_NTLM, U, 8002, "incoming NTLM authentication", "authentication", {"start"}, "ntlm-incoming", NULL, NULL, 0},
    {PW_NTLM, U, 8004, "NTLM authentication to a domain controller", "authentication", {"start"}, "ntlm-dc", NULL,
     NULL, 0},
    /* SMB client */
    {PW_SMBCLIENT, N, 31010, "SMB share connection failed", "network", {"connection"}, "smb-share-connect-failed",
     "failure", NULL, 0},
    /* Task Scheduler */
    {PW_TASKSCHED, C, 106, "task registered", "configuration", {"creation"}, "task-registered", NULL, NULL, 0},
    {PW_TASKSCHED, C, 129, "task process created", "process", {"start"}, "task-process-created", NULL, NULL, 0},
    {PW_TASKSCHED, C, 140, "task updated", "configuration", {"change"}, "task-updated", NULL, NULL, 0},
    {PW_TASKSCHED, C, 141, "task deleted", "configuration", {"deletion"}, "task-deleted", NULL, NULL, 0},
    {PW_TASKSCHED, C, 200, "task action started", "process", {"start"}, "task-action-started", NULL, NULL, 0},
    {PW_TASKSCHED, C, 201, "task action completed", "process", {"end"}, "task-action-completed", NULL, NULL, 0},
    /* exploit protection: a process kept from loading a non-Microsoft image */
    {PW_MITIGATIONS, L, 11, "unsigned image load audited", "library", {"info"}, "unsigned-image-audited", NULL, NULL,
     0},
    {PW_MITIGATIONS, L, 12, "unsigned image load blocked", "library", {"denied"}, "unsigned-image-blocked", NULL,
     NULL, 0},
    /* IIS configuration */
    {PW_IIS_CONFIG, C, 29, "IIS configuration changed", "configuration", {"change"}, "iis-config-changed", NULL, NULL,
     0},
    /* classic Windows PowerShell: its data is one text of Name=Value lines.
       400 is not a "start" (Winlogbeat's module says one): the engine starts
       inside a process already launched (its Sysmon 1 / Security 4688), and
       the record names no program (HostApplication is that process's command
       line), so as a start a runtime process section's default would decide
       every engine start, allow-listed host or not, and Sigma process_creation
       rules would see it with their Image filters undefined */
    {PW_PS_CLASSIC, P, 400, "PowerShell engine started", "process", {"info"}, "engine-started", NULL, NULL, 0},
    {PW_PS_CLASSIC, P, 403, "PowerShell engine stopped", "process", {"end"}, "engine-stopped", NULL, NULL, 0},
    {PW_PS_CLASSIC, P, 600, "PowerShell provider started", "process", {"info"}, "provider-started", NULL, NULL, 0},
    {PW_PS_CLASSIC, P, 800, "PowerShell pipeline executed", "process", {"info"}, "pipeline-executed", NULL, NULL, 0},
};
const size_t pal_win_nevents = sizeof pal_win_events / sizeof pal_win_events[0];

const pal_win_event *pal_win_event_find_for(unsigned src, const char *prov, size_t prov_len, int64_t id)
{
    const pal_win_event *any = NULL;
    for (size_t i = 0; i < pal_win_nevents; i++) {
        const pal_win_event *e = &pal_win_events[i];
        if (e->source != src || (e->id != id && e->id != 0)) continue;
        if (prov && e->provider && !same_ci(prov, prov_len, e->provider)) continue;
        if (e->id == id) return e;
        if (!any) any = e;        /* the source's every-EventID row, if no row of its own */
    }
    return any;
}

const pal_win_event *pal_win_event_find(unsigned src, int64_t id)
{
    return pal_win_event_find_for(src, NULL, 0, id);
}

size_t pal_win_event_ids(unsigned src, char *out, size_t cap)
{
    size_t n = 0;
    if (cap) out[0] = 0;
    for (size_t i = 0; i < pal_win_nevents; i++) {
        if (pal_win_events[i].source != src) continue;
        int w = pal_win_events[i].id ? snprintf(out + n, n < cap ? cap - n : 0, "%s%u", n ? ", " : "",
         pal_win_events[i].id)
                                     : snprintf(out + n, n < cap ? cap - n : 0, "%sany", n ? ", " : "");
        if (w > 0) n += (size_t)w;
    }
    return n < cap ? n : (cap ? cap - 1 : 0);
}

#define SYS PW_SYSMON
#define SEC PW_SECURITY
#define ALL {0}
#define V PWC_VALUE
#define ED(k) "winlog.event_data." k

/* Rows in lookup order: for one field, the first row with a value wins. */
const pal_win_field pal_win_fields[] = {
    /* ---- Sysmon, every record ---- */
    {SYS, PWC_UTC_TIME, ALL, "UtcTime", "timestamp"},
    {SYS, PWC_USER_NAME, ALL, "User", "user.name"},
    {SYS, PWC_USER_DOMAIN, ALL, "User", "user.domain"},
    {SYS, V, ALL, "RuleName", "rule.name"},
    {SYS, V, ALL, "ProcessGuid", "process.entity_id"},
    {SYS, V, ALL, "ProcessId", "process.pid"},
    {SYS, V, ALL, "Image", "process.executable"},
    /* 1 process create */
    {SYS, V, {1}, "CommandLine", "process.command_line"},
    {SYS, V, {1}, "CurrentDirectory", "process.working_directory"},
    {SYS, V, {1}, "ParentProcessGuid", "process.parent.entity_id"},
    {SYS, V, {1}, "ParentProcessId", "process.parent.pid"},
    {SYS, V, {1}, "ParentImage", "process.parent.executable"},
    {SYS, V, {1}, "ParentCommandLine", "process.parent.command_line"},
    {SYS, PWC_HASHES, {1}, "Hashes", "process"},
    {SYS, V, {1}, "OriginalFileName", "process.pe.original_file_name"},
    {SYS, V, {1}, "Description", "process.pe.description"},
    {SYS, V, {1}, "Product", "process.pe.product"},
    {SYS, V, {1}, "Company", "process.pe.company"},
    {SYS, V, {1}, "FileVersion", "process.pe.file_version"},
    {SYS, V, {1}, "IntegrityLevel", ED("IntegrityLevel")},
    {SYS, V, {1}, "ParentUser", ED("ParentUser")},
    {SYS, V, {1}, "LogonId", "winlog.logon.id"},
    /* 3 network connection */
    {SYS, PWC_LOWER, {3}, "Protocol", "network.transport"},
    {SYS, PWC_INITIATED, {3}, "Initiated", "network.direction"},
    {SYS, V, {3}, "SourceIp", "source.ip"},
    {SYS, V, {3}, "SourcePort", "source.port"},
    {SYS, V, {3}, "SourceHostname", "source.domain"},
    {SYS, V, {3}, "DestinationIp", "destination.ip"},
    {SYS, V, {3}, "DestinationPort", "destination.port"},
    {SYS, V, {3}, "DestinationHostname", "destination.domain"},
    /* 6 driver loaded, 7 image loaded */
    {SYS, V, {6, 7}, "ImageLoaded", "dll.path"},
    {SYS, PWC_HASHES, {6, 7}, "Hashes", "dll"},
    {SYS, PWC_BOOL, {6, 7}, "Signed", "dll.code_signature.signed"},
    {SYS, V, {6, 7}, "Signature", "dll.code_signature.subject_name"},
    {SYS, V, {6, 7}, "SignatureStatus", "dll.code_signature.status"},
    {SYS, V, {7}, "OriginalFileName", "dll.pe.original_file_name"},
    {SYS, V, {7}, "Description", "dll.pe.description"},
    {SYS, V, {7}, "Product", "dll.pe.product"},
    {SYS, V, {7}, "Company", "dll.pe.company"},
    {SYS, V, {7}, "FileVersion", "dll.pe.file_version"},
    /* 8 CreateRemoteThread, 10 process access: the source is the process */
    {SYS, V, {8}, "SourceProcessGuid", "process.entity_id"},
    {SYS, V, {10}, "SourceProcessGUID", "process.entity_id"},
    {SYS, V, {8, 10}, "SourceProcessId", "process.pid"},
    {SYS, V, {10}, "SourceThreadId", "process.thread.id"},
    {SYS, V, {8, 10}, "SourceImage", "process.executable"},
    {SYS, PWC_USER_NAME, {8, 10}, "SourceUser", "user.name"},
    {SYS, PWC_USER_DOMAIN, {8, 10}, "SourceUser", "user.domain"},
    {SYS, V, {8, 10}, "SourceUser", ED("SourceUser")},
    {SYS, V, {8, 10}, "TargetUser", ED("TargetUser")},
    {SYS, V, {8}, "TargetProcessGuid", ED("TargetProcessGUID")},
    {SYS, V, {10}, "TargetProcessGUID", ED("TargetProcessGUID")},
    {SYS, V, {8, 10}, "TargetProcessId", ED("TargetProcessId")},
    {SYS, V, {8, 10}, "TargetImage", ED("TargetImage")},
    {SYS, V, {10}, "GrantedAccess", ED("GrantedAccess")},
    {SYS, V, {10}, "CallTrace", ED("CallTrace")},
    {SYS, V, {8}, "NewThreadId", ED("NewThreadId")},
    {SYS, V, {8}, "StartAddress", ED("StartAddress")},
    {SYS, V, {8}, "StartModule", ED("StartModule")},
    {SYS, V, {8}, "StartFunction", ED("StartFunction")},
    /* files: 11 create, 15 stream, 23/26 delete; 17/18 pipes */
    {SYS, V, {2, 11, 15, 23, 26, 29}, "TargetFilename", "file.path"},
    {SYS, PWC_HASHES, {15}, "Hash", "file"},
    {SYS, PWC_HASHES, {23, 26, 29}, "Hashes", "file"},
    /* 2 file creation time changed */
    {SYS, V, {2}, "CreationUtcTime", ED("CreationUtcTime")},
    {SYS, V, {2}, "PreviousCreationUtcTime", ED("PreviousCreationUtcTime")},
    /* 9 raw access read: the device read */
    {SYS, V, {9}, "Device", ED("Device")},
    /* 4 Sysmon service state, 16 Sysmon configuration change */
    {SYS, V, {4}, "State", ED("State")},
    {SYS, V, {4}, "Version", ED("Version")},
    {SYS, V, {4}, "SchemaVersion", ED("SchemaVersion")},
    {SYS, V, {16}, "Configuration", ED("Configuration")},
    {SYS, V, {16}, "ConfigurationFileHash", ED("ConfigurationFileHash")},
    {SYS, V, {15}, "Contents", ED("Contents")},
    {SYS, V, {17, 18}, "PipeName", "file.name"},
    /* registry: 12 create/delete, 13 set, 14 rename */
    {SYS, PWC_REG_PATH, {12, 13, 14}, "TargetObject", "registry.path"},
    {SYS, PWC_REG_ACTION, {12, 13, 14}, "EventType", "event.action"},
    {SYS, V, {12, 13, 14, 19, 20, 21}, "EventType", ED("EventType")},
    {SYS, PWC_REG_DATA, {13}, "Details", "registry.data.strings"},
    {SYS, V, {13}, "Details", ED("Details")},
    {SYS, V, {14}, "NewName", ED("NewName")},
    /* WMI: 19 filter, 20 consumer, 21 binding */
    {SYS, V, {19, 20, 21}, "Operation", ED("Operation")},
    {SYS, V, {19}, "EventNamespace", ED("EventNamespace")},
    {SYS, V, {19, 20}, "Name", ED("Name")},
    {SYS, V, {19}, "Query", ED("Query")},
    {SYS, V, {20, 25}, "Type", ED("Type")},
    {SYS, V, {20}, "Destination", ED("Destination")},
    {SYS, V, {21}, "Consumer", ED("Consumer")},
    {SYS, V, {21}, "Filter", ED("Filter")},
    /* 22 DNS query */
    {SYS, V, {22}, "QueryName", "dns.question.name"},
    {SYS, PWC_DNS_STATUS, {22}, "QueryStatus", "dns.response_code"},
    {SYS, PWC_DNS_RESULTS, {22}, "QueryResults", "dns.resolved_ip"},

    /* ---- Security ---- */
    {SEC, V, ALL, "SubjectUserName", ED("SubjectUserName")},
    {SEC, V, ALL, "SubjectDomainName", ED("SubjectDomainName")},
    {SEC, V, ALL, "SubjectUserSid", ED("SubjectUserSid")},
    {SEC, V, ALL, "SubjectLogonId", ED("SubjectLogonId")},
    {SEC, V, ALL, "TargetUserName", ED("TargetUserName")},
    {SEC, V, ALL, "TargetDomainName", ED("TargetDomainName")},
    {SEC, V, ALL, "TargetUserSid", ED("TargetUserSid")},
    {SEC, V, ALL, "TargetLogonId", ED("TargetLogonId")},
    /* 4688 process created, 4689 exited: the subject is the process's account */
    {SEC, V, {4688}, "NewProcessName", "process.executable"},
    {SEC, PWC_HEX_INT, {4688}, "NewProcessId", "process.pid"},
    {SEC, V, {4688}, "CommandLine", "process.command_line"},
    {SEC, V, {4688}, "ParentProcessName", "process.parent.executable"},
    {SEC, PWC_HEX_INT, {4688}, "ProcessId", "process.parent.pid"},
    {SEC, V, {4688}, "TokenElevationType", ED("TokenElevationType")},
    {SEC, V, {4688}, "MandatoryLabel", ED("MandatoryLabel")},
    {SEC, V, {4689}, "ProcessName", "process.executable"},
    {SEC, PWC_HEX_INT, {4689}, "ProcessId", "process.pid"},
    {SEC, V, {4688, 4689}, "SubjectUserName", "user.name"},
    {SEC, V, {4688, 4689}, "SubjectDomainName", "user.domain"},
    {SEC, V, {4688, 4689}, "SubjectUserSid", "user.id"},
    {SEC, V, {4688, 4689}, "SubjectLogonId", "winlog.logon.id"},
    /* 4624 logon, 4625 failed, 4648 explicit credentials: the target is the
       account logging on, the process the one that asked */
    {SEC, V, {4624, 4625, 4648}, "TargetUserName", "user.name"},
    {SEC, V, {4624, 4625, 4648}, "TargetDomainName", "user.domain"},
    {SEC, V, {4624, 4625}, "TargetUserSid", "user.id"},
    {SEC, V, {4624}, "TargetLogonId", "winlog.logon.id"},
    {SEC, V, {4648}, "SubjectLogonId", "winlog.logon.id"},
    {SEC, V, {4624, 4625}, "LogonType", ED("LogonType")},
    {SEC, V, {4624, 4625}, "LogonProcessName", ED("LogonProcessName")},
    {SEC, V, {4624, 4625}, "AuthenticationPackageName", ED("AuthenticationPackageName")},
    {SEC, V, {4624, 4625}, "WorkstationName", ED("WorkstationName")},
    {SEC, V, {4624, 4625}, "WorkstationName", "source.domain"},
    {SEC, V, {4648}, "TargetServerName", ED("TargetServerName")},
    {SEC, V, {4624}, "TargetOutboundUserName", ED("TargetOutboundUserName")},    /* LogonType 9 (runas /netonly) */
    {SEC, V, {4624}, "TargetOutboundDomainName", ED("TargetOutboundDomainName")},
    {SEC, V, {4624, 4625, 4648}, "IpAddress", "source.ip"},
    {SEC, V, {4624, 4625, 4648}, "IpPort", "source.port"},
    {SEC, V, {4624, 4625, 4648}, "ProcessName", "process.executable"},
    {SEC, PWC_HEX_INT, {4624, 4625, 4648}, "ProcessId", "process.pid"},
    {SEC, V, {4625}, "Status", ED("Status")},
    {SEC, V, {4625}, "SubStatus", ED("SubStatus")},
    {SEC, V, {4625}, "FailureReason", ED("FailureReason")},
    /* 5156 WFP connection allowed */
    {SEC, V, {5156}, "Application", "process.executable"},
    {SEC, V, {5156}, "ProcessID", "process.pid"},
    {SEC, PWC_WFP_DIRECTION, {5156}, "Direction", "network.direction"},
    {SEC, PWC_IP_PROTOCOL, {5156}, "Protocol", "network.transport"},
    {SEC, V, {5156}, "SourceAddress", "source.ip"},
    {SEC, V, {5156}, "SourcePort", "source.port"},
    {SEC, V, {5156}, "DestAddress", "destination.ip"},
    {SEC, V, {5156}, "DestPort", "destination.port"},
    /* 5140 share accessed, 5145 share access checked */
    {SEC, V, {5140, 5145}, "ShareName", ED("ShareName")},
    {SEC, V, {5140, 5145}, "ShareLocalPath", ED("ShareLocalPath")},
    {SEC, V, {5145}, "RelativeTargetName", ED("RelativeTargetName")},
    {SEC, V, {5140, 5145}, "IpAddress", "source.ip"},
    {SEC, V, {5140, 5145}, "IpPort", "source.port"},
    {SEC, PWC_INBOUND, {5140, 5145}, "IpAddress", "network.direction"},   /* accessed from IpAddress */
    {SEC, V, {5140, 5145, 4662, 4657, 4663}, "ObjectType", ED("ObjectType")},
    {SEC, V, {5140, 5145, 4662, 4663}, "AccessMask", ED("AccessMask")},
    {SEC, V, {5140, 5145, 4662, 4663}, "AccessList", ED("AccessList")},
    /* 4662 an operation on a (directory service) object */
    {SEC, V, {4662, 4657, 4663}, "ObjectServer", ED("ObjectServer")},
    {SEC, V, {4662, 4657, 4663}, "ObjectName", ED("ObjectName")},
    {SEC, V, {4662, 4657}, "OperationType", ED("OperationType")},
    {SEC, V, {4662}, "Properties", ED("Properties")},
    {SEC, V, {4662}, "AdditionalInfo", ED("AdditionalInfo")},
    /* 4697 service installed (the Security twin of System 7045) */
    {SEC, V, {4697}, "ServiceName", "service.name"},
    {SEC, V, {4697}, "ServiceType", "service.type"},
    {SEC, V, {4697}, "ServiceFileName", ED("ServiceFileName")},
    {SEC, V, {4697}, "ServiceStartType", ED("ServiceStartType")},
    {SEC, V, {4697}, "ServiceAccount", ED("ServiceAccount")},
    /* 4698-4702 scheduled tasks: the task's XML as written */
    {SEC, V, {4698, 4699, 4700, 4701, 4702}, "TaskName", ED("TaskName")},
    {SEC, V, {4698, 4699}, "TaskContent", ED("TaskContent")},
    {SEC, V, {4702}, "TaskContentNew", ED("TaskContentNew")},
    /* 4720-4738 accounts, 4728/4732/4733/4756 group members; the account
       is the Target*, who acted the Subject* (the rows for every record) */
    {SEC, V, {4720, 4738, 4742}, "SamAccountName", ED("SamAccountName")},
    {SEC, V, {4720, 4738, 4742}, "DisplayName", ED("DisplayName")},
    {SEC, V, {4720, 4738, 4742}, "UserPrincipalName", ED("UserPrincipalName")},
    {SEC, V, {4720, 4738, 4742}, "UserAccountControl", ED("UserAccountControl")},
    {SEC, V, {4720, 4738, 4742}, "OldUacValue", ED("OldUacValue")},
    {SEC, V, {4720, 4738, 4742}, "NewUacValue", ED("NewUacValue")},
    {SEC, V, {4738, 4742}, "AllowedToDelegateTo", ED("AllowedToDelegateTo")},
    {SEC, V, {4728, 4732, 4733, 4756}, "MemberName", ED("MemberName")},
    {SEC, V, {4728, 4732, 4733, 4756}, "MemberSid", ED("MemberSid")},
    /* 1102 log cleared: the Subject* rows for every record (its data is
       UserData/LogFileCleared: pal_win_user_data) */
    /* 5441, 5447 WFP filters: the filter, its layer and provider; 5447 the
       process and account that changed it */
    {SEC, V, {5441, 5447}, "FilterName", ED("FilterName")},
    {SEC, V, {5441, 5447}, "FilterKey", ED("FilterKey")},
    {SEC, V, {5441, 5447}, "FilterType", ED("FilterType")},
    {SEC, V, {5441, 5447}, "FilterId", ED("FilterId")},
    {SEC, V, {5441, 5447}, "LayerName", ED("LayerName")},
    {SEC, V, {5441, 5447}, "LayerKey", ED("LayerKey")},
    {SEC, V, {5441, 5447}, "LayerId", ED("LayerId")},
    {SEC, V, {5441, 5447}, "ProviderName", ED("ProviderName")},
    {SEC, V, {5441, 5447}, "ProviderKey", ED("ProviderKey")},
    {SEC, V, {5441, 5447}, "Conditions", ED("Conditions")},
    {SEC, V, {5441, 5447}, "Action", ED("Action")},
    {SEC, V, {5441, 5447}, "CalloutKey", ED("CalloutKey")},
    {SEC, V, {5441, 5447}, "CalloutName", ED("CalloutName")},
    {SEC, V, {5447}, "ChangeType", ED("ChangeType")},
    {SEC, PWC_HEX_INT, {5447}, "ProcessId", "process.pid"},
    {SEC, V, {5447}, "UserSid", "user.id"},
    {SEC, V, {5447}, "UserName", ED("UserName")},

    /* ---- System 7034 crashed, 7036 state changed, 7040 start type
       changed: the service's name and states as the message's params ---- */
    {PW_SYSTEM, V, {7034, 7036, 7040, 7023}, "param1", ED("param1")},
    {PW_SYSTEM, V, {7034, 7036, 7040, 7023}, "param2", ED("param2")},
    {PW_SYSTEM, V, {7040}, "param3", ED("param3")},
    {PW_SYSTEM, V, {7034, 7036, 7023}, "Binary", ED("Binary")},   /* the service name in UTF-16LE hex */
    {PW_SYSTEM, V, {7040}, "param4", ED("param4")},

    /* ---- System 7045 service installed ---- */
    {PW_SYSTEM, V, {7045}, "ServiceName", "service.name"},
    {PW_SYSTEM, V, {7045}, "ServiceType", "service.type"},
    {PW_SYSTEM, V, {7045}, "ImagePath", ED("ImagePath")},
    {PW_SYSTEM, V, {7045}, "StartType", ED("StartType")},
    {PW_SYSTEM, V, {7045}, "AccountName", ED("AccountName")},

    /* ---- PowerShell 4103 module logging: the pipeline's context and output ---- */
    {PW_POWERSHELL, V, {4103}, "ContextInfo", ED("ContextInfo")},
    {PW_POWERSHELL, V, {4103}, "Payload", ED("Payload")},
    {PW_POWERSHELL, V, {4103}, "UserData", ED("UserData")},

    /* ---- PowerShell 4104 script block ---- */
    {PW_POWERSHELL, V, {4104}, "ScriptBlockText", "powershell.file.script_block_text"},
    {PW_POWERSHELL, V, {4104}, "ScriptBlockId", "powershell.file.script_block_id"},
    {PW_POWERSHELL, V, {4104}, "MessageNumber", "powershell.sequence"},
    {PW_POWERSHELL, V, {4104}, "MessageTotal", "powershell.total"},
    {PW_POWERSHELL, V, {4104}, "Path", ED("Path")},

    /* ---- Security: 4657 registry value modified, 4663 object access
       (the object rows above), 4723 password change, 4742 computer
       account changed (the account rows above), 4776 NTLM credential
       validation, 6416 device recognised ---- */
    {SEC, V, {4657}, "ObjectValueName", ED("ObjectValueName")},
    {SEC, V, {4657}, "OldValue", ED("OldValue")},
    {SEC, V, {4657}, "NewValue", ED("NewValue")},
    {SEC, V, {4657, 4663}, "ProcessName", "process.executable"},
    {SEC, PWC_HEX_INT, {4657, 4663}, "ProcessId", "process.pid"},
    {SEC, V, {4723, 4724}, "TargetSid", ED("TargetSid")},
    {SEC, V, {4742}, "PasswordLastSet", ED("PasswordLastSet")},
    {SEC, V, {4776}, "PackageName", ED("PackageName")},
    {SEC, V, {4776}, "TargetUserName", "user.name"},
    {SEC, V, {4776}, "Workstation", ED("Workstation")},
    {SEC, V, {4776}, "Status", ED("Status")},
    {SEC, V, {6416}, "DeviceId", ED("DeviceId")},
    {SEC, V, {6416}, "DeviceDescription", ED("DeviceDescription")},
    {SEC, V, {6416}, "ClassName", ED("ClassName")},

    /* ---- Sysmon 255 error ---- */
    {SYS, V, {255}, "Description", "error.message"},

    /* ---- System: 104 log cleared (UserData/LogFileCleared), 16 hive
       history cleared, 4100 ISATAP, 42 KDC (unnamed Data) ---- */
    {PW_SYSTEM, V, {104}, "SubjectUserName", ED("SubjectUserName")},
    {PW_SYSTEM, V, {104}, "SubjectDomainName", ED("SubjectDomainName")},
    /* which log was cleared, and where it was saved ("" when not); the flat
       layout has no place for it: its top-level Channel is the record's (System) */
    {PW_SYSTEM, V, {104}, "Channel", ED("Channel")},
    {PW_SYSTEM, V, {104}, "BackupPath", ED("BackupPath")},
    {PW_SYSTEM, V, {16}, "HiveName", ED("HiveName")},
    {PW_SYSTEM, V, {4100}, "IsatapRouter", ED("IsatapRouter")},
    {PW_SYSTEM, PWC_DATA, {42, 4100}, "Data", ED("Data")},

    /* ---- Application: the unnamed Data values ---- */
    {PW_APPLICATION, PWC_DATA, ALL, "Data", ED("Data")},

    /* ---- Windows Defender: its data names have spaces ("Threat Name");
       the fields drop them (winlog.event_data.ThreatName), as Sigma's do ---- */
    {PW_DEFENDER, V, ALL, "Product Name", ED("ProductName")},
    {PW_DEFENDER, V, {1116, 1117}, "Threat Name", ED("ThreatName")},
    {PW_DEFENDER, V, {1116, 1117}, "Source Name", ED("SourceName")},   /* AMSI, Real-Time Protection, ... */
    {PW_DEFENDER, V, {1116, 1117}, "Process Name", "process.executable"},
    {PW_DEFENDER, V, {1116, 1117}, "Detection User", ED("DetectionUser")},
    {PW_DEFENDER, V, {1116, 1117}, "Path", ED("Path")},                /* "file:_C:\\x.exe", as written */
    {PW_DEFENDER, V, {1117}, "Action Name", ED("ActionName")},
    {PW_DEFENDER, V, {5007}, "Old Value", ED("OldValue")},
    {PW_DEFENDER, V, {5007}, "New Value", ED("NewValue")},
    {PW_DEFENDER, V, {5013}, "Value", ED("Value")},

    /* ---- BITS client ---- */
    {PW_BITS, V, ALL, "jobTitle", ED("jobTitle")},
    {PW_BITS, V, {3}, "processPath", "process.executable"},
    {PW_BITS, V, {3}, "processId", "process.pid"},
    {PW_BITS, V, {16403}, "RemoteName", ED("RemoteName")},
    {PW_BITS, V, {16403}, "LocalName", ED("LocalName")},

    /* ---- CodeIntegrity ---- */
    {PW_CODEINTEGRITY, V, ALL, "FileNameBuffer", "dll.path"},
    {PW_CODEINTEGRITY, V, ALL, "ProcessNameBuffer", "process.executable"},
    {PW_CODEINTEGRITY, V, ALL, "Status", ED("Status")},

    /* ---- AppLocker (UserData/RuleAndFileData) ---- */
    {PW_APPLOCKER, V, ALL, "PolicyName", ED("PolicyName")},
    {PW_APPLOCKER, V, ALL, "RuleName", ED("RuleName")},
    {PW_APPLOCKER, V, ALL, "TargetUser", ED("TargetUser")},
    {PW_APPLOCKER, V, ALL, "TargetProcessId", ED("TargetProcessId")},
    {PW_APPLOCKER, V, ALL, "TargetLogonId", ED("TargetLogonId")},
    {PW_APPLOCKER, V, ALL, "FullFilePath", ED("FullFilePath")},
    {PW_APPLOCKER, V, ALL, "FileHash", ED("FileHash")},

    /* ---- AppX deployment and packaging ---- */
    {PW_APPX_DEPLOY, V, {400}, "PackageFullName", ED("PackageFullName")},
    {PW_APPX_DEPLOY, V, {854}, "Path", ED("Path")},                 /* the staged URIs */
    {PW_APPX_PACKAGE, V, {157}, "subjectName", ED("subjectName")},

    /* ---- DNS client, as Sysmon 22 ---- */
    {PW_DNS_CLIENT, V, ALL, "QueryName", "dns.question.name"},
    {PW_DNS_CLIENT, PWC_DNS_STATUS, {3008, 3020}, "QueryStatus", "dns.response_code"},
    {PW_DNS_CLIENT, PWC_DNS_RESULTS, {3008}, "QueryResults", "dns.resolved_ip"},
    /* DNS server: the unnamed Data values (6004: the client, the zone) */
    {PW_DNS_SERVER, PWC_DATA, ALL, "Data", ED("Data")},

    /* ---- Windows Firewall ---- */
    {PW_FIREWALL, V, ALL, "ModifyingUser", ED("ModifyingUser")},
    {PW_FIREWALL, V, ALL, "ModifyingApplication", ED("ModifyingApplication")},
    {PW_FIREWALL, V, {2004, 2005, 2006, 2071, 2072, 2073, 2097}, "RuleName", ED("RuleName")},
    {PW_FIREWALL, V, {2004, 2005, 2071, 2072, 2097}, "ApplicationPath", ED("ApplicationPath")},
    {PW_FIREWALL, V, {2004, 2005, 2071, 2072, 2097}, "ServiceName", "service.name"},
    {PW_FIREWALL, V, {2004, 2005, 2071, 2072, 2097}, "LocalPorts", ED("LocalPorts")},
    {PW_FIREWALL, V, {2004, 2005, 2071, 2072, 2097}, "Action", ED("Action")},

    /* ---- MSExchange Management: the cmdlet and its parameters, unnamed ---- */
    {PW_MSEXCHANGE, PWC_DATA, ALL, "Data", ED("Data")},

    /* ---- NTLM ---- */
    {PW_NTLM, V, {8001}, "TargetName", ED("TargetName")},
    {PW_NTLM, V, {8001}, "ProcessId", "process.pid"},
    {PW_NTLM, V, {8002}, "CallerPID", "process.pid"},
    {PW_NTLM, V, {8001, 8002}, "ProcessName", "process.executable"},
    {PW_NTLM, V, {8001, 8002}, "ClientUserName", ED("ClientUserName")},
    {PW_NTLM, V, {8001, 8002}, "ClientDomainName", ED("ClientDomainName")},
    {PW_NTLM, V, {8004}, "UserName", ED("UserName")},
    {PW_NTLM, V, {8004}, "DomainName", ED("DomainName")},
    {PW_NTLM, V, {8004}, "WorkstationName", ED("WorkstationName")},

    /* ---- SMB client ---- */
    {PW_SMBCLIENT, V, {31010}, "ShareName", ED("ShareName")},
    {PW_SMBCLIENT, V, {31010}, "ServerName", ED("ServerName")},
    {PW_SMBCLIENT, V, {31010}, "Status", ED("Status")},

    /* ---- Task Scheduler ---- */
    {PW_TASKSCHED, V, ALL, "TaskName", ED("TaskName")},
    {PW_TASKSCHED, V, {106, 140, 141}, "UserContext", ED("UserContext")},
    {PW_TASKSCHED, V, {140, 141}, "UserName", ED("UserName")},
    {PW_TASKSCHED, V, {129}, "Path", ED("Path")},                   /* the task's program */
    {PW_TASKSCHED, V, {129}, "ProcessID", "process.pid"},
    {PW_TASKSCHED, V, {200, 201}, "ActionName", ED("ActionName")},
    {PW_TASKSCHED, V, {201}, "ResultCode", ED("ResultCode")},

    /* ---- Security-Mitigations 11, 12 ---- */
    {PW_MITIGATIONS, V, ALL, "ProcessPath", "process.executable"},
    {PW_MITIGATIONS, V, ALL, "ProcessId", "process.pid"},
    {PW_MITIGATIONS, V, ALL, "ProcessCommandLine", "process.command_line"},
    {PW_MITIGATIONS, V, ALL, "ImageName", "dll.path"},

    /* ---- IIS configuration 29 ---- */
    {PW_IIS_CONFIG, V, ALL, "Configuration", ED("Configuration")},   /* the element and attribute changed */
    {PW_IIS_CONFIG, V, ALL, "OldValue", ED("OldValue")},
    {PW_IIS_CONFIG, V, ALL, "NewValue", ED("NewValue")},

    /* ---- classic Windows PowerShell: the unnamed Data text, and its
       "Name=Value" lines (Winlogbeat's PowerShell module's fields where
       it has an ECS one) ---- */
    {PW_PS_CLASSIC, PWC_DATA, ALL, "Data", ED("Data")},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "HostApplication", "process.command_line"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "HostApplication", ED("HostApplication")},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "HostName", "process.title"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "HostVersion", "powershell.process.executable_version"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "EngineVersion", "powershell.engine.version"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "CommandName", "powershell.command.name"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "CommandType", "powershell.command.type"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "ScriptName", ED("ScriptName")},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "CommandPath", "powershell.command.path"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, ALL, "CommandLine", "powershell.command.value"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, {400, 403}, "NewEngineState", "powershell.engine.new_state"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, {400, 403}, "PreviousEngineState", "powershell.engine.previous_state"},
    {PW_PS_CLASSIC, PWC_DATA_LINE, {600}, "ProviderName", "powershell.provider.name"},
};
const size_t pal_win_nfields = sizeof pal_win_fields / sizeof pal_win_fields[0];

/* Records whose data is UserData/<element>, not EventData. */
const pal_win_user_data pal_win_user_datas[] = {
    {PW_SECURITY, 1102, "LogFileCleared"},
    {PW_SYSTEM, 104, "LogFileCleared"},
    {PW_APPLOCKER, 0, "RuleAndFileData"},
};
const size_t pal_win_nuser_datas = sizeof pal_win_user_datas / sizeof pal_win_user_datas[0];

const char *pal_win_user_data_element(unsigned src, int64_t id)
{
    for (size_t i = 0; i < pal_win_nuser_datas; i++)
        if (pal_win_user_datas[i].source == src && (pal_win_user_datas[i].id == id || !pal_win_user_datas[i].id))
            return pal_win_user_datas[i].element;
    return NULL;
}

int pal_win_field_applies(const pal_win_field *f, unsigned src, int64_t id)
{
    if (f->source != src) return 0;
    if (!f->ids[0]) return 1;
    for (unsigned i = 0; i < PAL_WIN_IDS && f->ids[i]; i++)
        if (f->ids[i] == id) return 1;
    return 0;
}
