/*
 * winevents.c — the tables behind winevents.h.  What each row means is
 * documented in lang/SPEC.md ("Windows events"); keep the two in step.
 */
#include "engine/core/winevents.h"
#include "engine/core/schema.h"

#include <stdio.h>
#include <string.h>

static const pal_win_source_info sources[PW__COUNT] = {
    [PW_NONE] = {"", "", ""},
    [PW_SYSMON] = {"sysmon", "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon"},
    [PW_SECURITY] = {"security", "Security", "Microsoft-Windows-Security-Auditing"},
    [PW_SYSTEM] = {"system", "System", "Service Control Manager"},
    [PW_POWERSHELL] = {"powershell", "Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell"},
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
        if (same_ci(s, n, sources[i].channel)) return (pal_win_source)i;
    return PW_NONE;
}

pal_win_source pal_win_source_of_provider(const char *s, size_t n)
{
    for (unsigned i = PW_NONE + 1; i < PW__COUNT; i++)
        if (same_ci(s, n, sources[i].provider)) return (pal_win_source)i;
    return PW_NONE;
}

pal_win_source pal_win_source_of_id(int64_t id)
{
    if (id >= 1 && id <= 255) return PW_SYSMON;   /* Sysmon's range, as the adapter always read it */
    for (size_t i = 0; i < pal_win_nevents; i++)
        if (pal_win_events[i].id == id) return (pal_win_source)pal_win_events[i].source;
    return PW_NONE;
}

#define P PK_PROCESS
#define N PK_NETWORK
#define D PK_DNS
#define F PK_FILE
#define R PK_REGISTRY
#define L PK_LIBRARY
#define U PK_AUTH
#define C PK_CONFIG

const pal_win_event pal_win_events[] = {
    /* Sysmon: categories and types as the Winlogbeat Sysmon module sets them,
       except 7 (library, not process: palisade keeps loads apart from starts) */
    {PW_SYSMON, P, 1, "process create", "process", {"start"}, "process-creation", NULL},
    {PW_SYSMON, F, 2, "file creation time changed", "file", {"change"}, "file-creation-time-changed", NULL},
    {PW_SYSMON, N, 3, "network connection", "network", {"connection", "start"}, "connection", NULL},
    {PW_SYSMON, C, 4, "Sysmon service state changed", "process", {"change"}, "service-state-changed", NULL},
    {PW_SYSMON, P, 5, "process terminated", "process", {"end"}, "process-termination", NULL},
    {PW_SYSMON, L, 6, "driver loaded", "driver", {"start"}, "driver-load", NULL},
    {PW_SYSMON, L, 7, "image loaded", "library", {"start"}, "image-load", NULL},
    {PW_SYSMON, P, 8, "CreateRemoteThread", "process", {"change"}, "remote-thread-creation", NULL},
    {PW_SYSMON, P, 9, "RawAccessRead", "driver", {"access"}, "raw-access-read", NULL},
    {PW_SYSMON, P, 10, "process access", "process", {"access"}, "process-access", NULL},
    {PW_SYSMON, F, 11, "file create", "file", {"creation"}, "creation", NULL},
    {PW_SYSMON, R, 12, "registry object create and delete", "registry", {"change"}, "modification", NULL},
    {PW_SYSMON, R, 13, "registry value set", "registry", {"change"}, "modification", NULL},
    {PW_SYSMON, R, 14, "registry key and value rename", "registry", {"change"}, "rename", NULL},
    {PW_SYSMON, F, 15, "file stream created", "file", {"access"}, "stream-creation", NULL},
    {PW_SYSMON, C, 16, "Sysmon config state changed", "configuration", {"change"}, "config-state-changed", NULL},
    {PW_SYSMON, F, 17, "pipe created", "file", {"creation"}, "pipe-creation", NULL},
    {PW_SYSMON, F, 18, "pipe connected", "file", {"access"}, "pipe-connection", NULL},
    {PW_SYSMON, P, 19, "WMI event filter", "process", {"info"}, "wmi-filter", NULL},
    {PW_SYSMON, P, 20, "WMI event consumer", "process", {"change"}, "wmi-consumer", NULL},
    {PW_SYSMON, P, 21, "WMI consumer to filter", "process", {"access"}, "wmi-binding", NULL},
    {PW_SYSMON, D, 22, "DNS query", "network", {"protocol", "info"}, "dns-query", NULL},
    {PW_SYSMON, F, 23, "file delete archived", "file", {"deletion"}, "deletion", NULL},
    {PW_SYSMON, P, 24, "clipboard change", "process", {"change"}, "clipboard-change", NULL},
    {PW_SYSMON, P, 25, "process tampering", "process", {"change"}, "process-tampering", NULL},
    {PW_SYSMON, F, 26, "file delete logged", "file", {"deletion"}, "deletion", NULL},
    {PW_SYSMON, F, 29, "file executable detected", "file", {"creation"}, "file-executable-detected", NULL},
    /* Security: as the Winlogbeat Security module sets them */
    {PW_SECURITY, P, 4688, "process created", "process", {"start"}, "created-process", NULL},
    {PW_SECURITY, P, 4689, "process exited", "process", {"end"}, "exited-process", NULL},
    {PW_SECURITY, U, 4624, "logon", "authentication", {"start"}, "logged-in", "success"},
    {PW_SECURITY, U, 4625, "logon failed", "authentication", {"start"}, "logon-failed", "failure"},
    {PW_SECURITY, U, 4648, "logon with explicit credentials", "authentication", {"start"}, "logged-in-explicit",
     "success"},
    {PW_SECURITY, N, 5156, "WFP connection allowed", "network", {"connection", "allowed"}, "connection-allowed",
     "success"},
    /* Security: shares, directory objects, services, scheduled tasks,
       accounts and groups (Winlogbeat's actions where it names one) */
    {PW_SECURITY, N, 5140, "network share object accessed", "network", {"access"}, "network-share-object-accessed",
     NULL},
    {PW_SECURITY, N, 5145, "network share object access checked", "network", {"access"},
     "network-share-object-access-checked", NULL},
    {PW_SECURITY, C, 4662, "operation performed on an object", "iam", {"access"}, "object-operation-performed", NULL},
    {PW_SECURITY, C, 4697, "service installed", "iam", {"admin", "creation"}, "service-installed", NULL},
    {PW_SECURITY, C, 4698, "scheduled task created", "iam", {"creation"}, "scheduled-task-created", NULL},
    {PW_SECURITY, C, 4699, "scheduled task deleted", "iam", {"deletion"}, "scheduled-task-deleted", NULL},
    {PW_SECURITY, C, 4700, "scheduled task enabled", "iam", {"change"}, "scheduled-task-enabled", NULL},
    {PW_SECURITY, C, 4701, "scheduled task disabled", "iam", {"change"}, "scheduled-task-disabled", NULL},
    {PW_SECURITY, C, 4702, "scheduled task updated", "iam", {"change"}, "scheduled-task-updated", NULL},
    {PW_SECURITY, C, 4720, "user account created", "iam", {"user", "creation"}, "added-user-account", NULL},
    {PW_SECURITY, C, 4722, "user account enabled", "iam", {"user", "change"}, "enabled-user-account", NULL},
    {PW_SECURITY, C, 4724, "password reset attempted", "iam", {"user", "change"}, "reset-password", NULL},
    {PW_SECURITY, C, 4725, "user account disabled", "iam", {"user", "change"}, "disabled-user-account", NULL},
    {PW_SECURITY, C, 4726, "user account deleted", "iam", {"user", "deletion"}, "deleted-user-account", NULL},
    {PW_SECURITY, C, 4728, "member added to a global group", "iam", {"group", "change"}, "added-member-to-group",
     NULL},
    {PW_SECURITY, C, 4732, "member added to a local group", "iam", {"group", "change"}, "added-member-to-group",
     NULL},
    {PW_SECURITY, C, 4733, "member removed from a local group", "iam", {"group", "change"},
     "removed-member-from-group", NULL},
    {PW_SECURITY, C, 4738, "user account changed", "iam", {"user", "change"}, "modified-user-account", NULL},
    {PW_SECURITY, C, 4756, "member added to a universal group", "iam", {"group", "change"},
     "added-member-to-group", NULL},
    /* Security: the audit log itself, and Windows Filtering Platform
       filters (5441 each filter present at boot, 5447 a run-time filter
       added or removed) */
    {PW_SECURITY, C, 1102, "audit log cleared", "iam", {"admin", "change"}, "audit-log-cleared", NULL},
    {PW_SECURITY, C, 5441, "WFP filter present at boot", "configuration", {"info"}, "wfp-filter-present", NULL},
    {PW_SECURITY, C, 5447, "WFP filter changed", "configuration", {"change"}, "wfp-filter-changed", NULL},
    {PW_SYSTEM, C, 7045, "service installed", "configuration", {"creation"}, "service-installed", NULL},
    {PW_SYSTEM, C, 7034, "service terminated unexpectedly", "process", {"end"}, "service-crashed", NULL},
    {PW_SYSTEM, C, 7036, "service state changed", "process", {"change"}, "service-state-changed", NULL},
    {PW_SYSTEM, C, 7040, "service start type changed", "configuration", {"change"}, "service-start-type-changed",
     NULL},
    {PW_POWERSHELL, P, 4103, "PowerShell module logging", "process", {"info"}, "module-logging", NULL},
    {PW_POWERSHELL, P, 4104, "PowerShell script block", "process", {"info"}, "script-block", NULL},
};
const size_t pal_win_nevents = sizeof pal_win_events / sizeof pal_win_events[0];

const pal_win_event *pal_win_event_find(unsigned src, int64_t id)
{
    for (size_t i = 0; i < pal_win_nevents; i++)
        if (pal_win_events[i].source == src && pal_win_events[i].id == id) return &pal_win_events[i];
    return NULL;
}

size_t pal_win_event_ids(unsigned src, char *out, size_t cap)
{
    size_t n = 0;
    if (cap) out[0] = 0;
    for (size_t i = 0; i < pal_win_nevents; i++) {
        if (pal_win_events[i].source != src) continue;
        int w = snprintf(out + n, n < cap ? cap - n : 0, "%s%u", n ? ", " : "", pal_win_events[i].id);
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
    {SEC, V, {5140, 5145, 4662}, "ObjectType", ED("ObjectType")},
    {SEC, V, {5140, 5145, 4662}, "AccessMask", ED("AccessMask")},
    {SEC, V, {5140, 5145, 4662}, "AccessList", ED("AccessList")},
    /* 4662 an operation on a (directory service) object */
    {SEC, V, {4662}, "ObjectServer", ED("ObjectServer")},
    {SEC, V, {4662}, "ObjectName", ED("ObjectName")},
    {SEC, V, {4662}, "OperationType", ED("OperationType")},
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
    {SEC, V, {4720, 4738}, "SamAccountName", ED("SamAccountName")},
    {SEC, V, {4720, 4738}, "DisplayName", ED("DisplayName")},
    {SEC, V, {4720, 4738}, "UserPrincipalName", ED("UserPrincipalName")},
    {SEC, V, {4720, 4738}, "UserAccountControl", ED("UserAccountControl")},
    {SEC, V, {4720, 4738}, "OldUacValue", ED("OldUacValue")},
    {SEC, V, {4720, 4738}, "NewUacValue", ED("NewUacValue")},
    {SEC, V, {4738}, "AllowedToDelegateTo", ED("AllowedToDelegateTo")},
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
    {PW_SYSTEM, V, {7034, 7036, 7040}, "param1", ED("param1")},
    {PW_SYSTEM, V, {7034, 7036, 7040}, "param2", ED("param2")},
    {PW_SYSTEM, V, {7040}, "param3", ED("param3")},
    {PW_SYSTEM, V, {7034, 7036}, "Binary", ED("Binary")},   /* the service name in UTF-16LE hex */
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
};
const size_t pal_win_nfields = sizeof pal_win_fields / sizeof pal_win_fields[0];

/* Records whose data is UserData/<element>, not EventData. */
const pal_win_user_data pal_win_user_datas[] = {
    {PW_SECURITY, 1102, "LogFileCleared"},
};
const size_t pal_win_nuser_datas = sizeof pal_win_user_datas / sizeof pal_win_user_datas[0];

const char *pal_win_user_data_element(unsigned src, int64_t id)
{
    for (size_t i = 0; i < pal_win_nuser_datas; i++)
        if (pal_win_user_datas[i].source == src && pal_win_user_datas[i].id == id) return pal_win_user_datas[i].element;
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
