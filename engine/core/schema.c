/*
 * schema.c — the field tables behind schema.h.
 *
 * ECS names for events (see shared SCHEMAS.md); the inventory tables mirror
 * the JSON `palisade inventory` prints.  Order matters (indices are in
 * bundles): append only.
 */
#include "engine/core/schema.h"
#include "engine/core/version.h"
#include <string.h>

#define P PK_PROCESS
#define N PK_NETWORK
#define D PK_DNS
#define F PK_FILE
#define R PK_REGISTRY
#define L PK_LIBRARY
#define U PK_AUTH
#define C PK_CONFIG
#define A PK_ALL

static const pal_field event_fields[] = {
    /* every kind */
    {"timestamp", "@timestamp", PT_STRING, 0, A},
    {"host.name", NULL, PT_STRING, 0, A},
    {"host.os.type", NULL, PT_STRING, 0, A},
    {"container.id", NULL, PT_STRING, 0, A},
    {"container.name", NULL, PT_STRING, 0, A},
    {"container.image.name", NULL, PT_STRING, 0, A},
    {"container.image.tag", NULL, PT_STRING, 0, A},
    {"user.name", NULL, PT_STRING, 0, A},
    {"event.category", NULL, PT_LIST, PT_STRING, A},
    {"event.type", NULL, PT_LIST, PT_STRING, A},
    {"event.action", NULL, PT_STRING, 0, A},
    {"event.kind", NULL, PT_STRING, 0, A},
    {"event.module", NULL, PT_STRING, 0, A},
    /* the process: the subject of process events, the actor of the others */
    {"process.pid", NULL, PT_INT, 0, A},
    {"process.executable", NULL, PT_PATH, 0, A},
    {"process.name", NULL, PT_PATH, 0, A},
    {"process.command_line", NULL, PT_STRING, 0, A},
    {"process.args", NULL, PT_LIST, PT_STRING, A},
    {"process.working_directory", NULL, PT_PATH, 0, A},
    {"process.hash.md5", NULL, PT_STRING, 0, A},
    {"process.hash.sha1", NULL, PT_STRING, 0, A},
    {"process.hash.sha256", NULL, PT_STRING, 0, A},
    {"process.parent.pid", NULL, PT_INT, 0, A},
    {"process.parent.executable", NULL, PT_PATH, 0, A},
    {"process.parent.name", NULL, PT_PATH, 0, A},
    {"process.parent.command_line", NULL, PT_STRING, 0, A},
    {"process.user.name", NULL, PT_STRING, 0, A},
    /* network (DNS events are network events too, as in ECS) */
    {"network.direction", NULL, PT_STRING, 0, N | D},
    {"network.transport", NULL, PT_STRING, 0, N | D},
    {"network.protocol", NULL, PT_STRING, 0, N | D},
    {"source.ip", NULL, PT_IP, 0, N | D | U},
    {"source.port", NULL, PT_INT, 0, N | D | U},
    {"destination.ip", NULL, PT_IP, 0, N | D},
    {"destination.port", NULL, PT_INT, 0, N | D},
    {"destination.domain", NULL, PT_DNS, 0, N | D},
    /* palisade's extension: the container at each end of container-to-
       container traffic, when the collector knows it (SPEC "CNNF") */
    {"source.container.id", NULL, PT_STRING, 0, N},
    {"source.container.image.name", NULL, PT_STRING, 0, N},
    {"destination.container.id", NULL, PT_STRING, 0, N},
    {"destination.container.image.name", NULL, PT_STRING, 0, N},
    /* dns */
    {"dns.question.name", NULL, PT_DNS, 0, D},
    {"dns.question.type", NULL, PT_STRING, 0, D},
    {"dns.response_code", NULL, PT_STRING, 0, D},
    {"dns.resolved_ip", NULL, PT_LIST, PT_IP, D},
    /* file */
    {"file.path", NULL, PT_PATH, 0, F},
    {"file.name", NULL, PT_PATH, 0, F},
    {"file.extension", NULL, PT_STRING, 0, F},
    {"file.directory", NULL, PT_PATH, 0, F},
    /* ---- Windows (engine/core/winevents.h has the mapping of every
       Sysmon, Security, System and PowerShell record onto these).  ECS names
       where the Winlogbeat modules map a value to ECS; for the rest the name
       Winlogbeat leaves it under, winlog.event_data.<Name> (the event data
       key as Windows writes it), so a Winlogbeat line is read as is. */
    {"event.code", NULL, PT_STRING, 0, A},            /* the EventID as text: "1", "4688" */
    {"event.provider", NULL, PT_STRING, 0, A},
    {"event.outcome", NULL, PT_STRING, 0, A},         /* success, failure */
    {"winlog.channel", NULL, PT_STRING, 0, A},
    {"winlog.event_id", NULL, PT_INT, 0, A},
    {"winlog.provider_name", NULL, PT_STRING, 0, A},
    {"winlog.record_id", NULL, PT_INT, 0, A},
    {"winlog.logon.id", NULL, PT_STRING, 0, A},       /* "0x3e7": Sysmon LogonId, Security TargetLogonId */
    {"user.domain", NULL, PT_STRING, 0, A},           /* "NT AUTHORITY" of "NT AUTHORITY\SYSTEM" */
    {"user.id", NULL, PT_STRING, 0, A},               /* a SID */
    {"rule.name", NULL, PT_STRING, 0, A},             /* Sysmon's RuleName */
    {"process.entity_id", NULL, PT_STRING, 0, A},     /* ProcessGuid */
    {"process.thread.id", NULL, PT_INT, 0, A},
    {"process.pe.original_file_name", NULL, PT_PATH, 0, A},
    {"process.pe.description", NULL, PT_STRING, 0, A},
    {"process.pe.product", NULL, PT_STRING, 0, A},
    {"process.pe.company", NULL, PT_STRING, 0, A},
    {"process.pe.file_version", NULL, PT_STRING, 0, A},
    {"process.pe.imphash", NULL, PT_STRING, 0, A},
    {"process.parent.entity_id", NULL, PT_STRING, 0, A},
    {"winlog.event_data.IntegrityLevel", NULL, PT_STRING, 0, P},   /* Low Medium High System */
    {"winlog.event_data.ParentUser", NULL, PT_STRING, 0, P},       /* as written: "NT AUTHORITY\SYSTEM" */
    /* process access (Sysmon 10) and remote threads (8): the target */
    {"winlog.event_data.TargetImage", NULL, PT_PATH, 0, P},
    {"winlog.event_data.TargetProcessId", NULL, PT_INT, 0, P},
    {"winlog.event_data.TargetProcessGUID", NULL, PT_STRING, 0, P},
    {"winlog.event_data.GrantedAccess", NULL, PT_STRING, 0, P},    /* "0x1410", as written */
    {"winlog.event_data.CallTrace", NULL, PT_STRING, 0, P},
    {"winlog.event_data.SourceUser", NULL, PT_STRING, 0, P},
    {"winlog.event_data.TargetUser", NULL, PT_STRING, 0, P},
    {"winlog.event_data.NewThreadId", NULL, PT_INT, 0, P},
    {"winlog.event_data.StartAddress", NULL, PT_STRING, 0, P},
    {"winlog.event_data.StartModule", NULL, PT_PATH, 0, P},
    {"winlog.event_data.StartFunction", NULL, PT_STRING, 0, P},
    /* WMI (Sysmon 19, 20, 21), process tampering (25); EventType is the
       registry events' too */
    {"winlog.event_data.EventType", NULL, PT_STRING, 0, P | R},
    {"winlog.event_data.Operation", NULL, PT_STRING, 0, P},
    {"winlog.event_data.EventNamespace", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Name", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Query", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Type", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Destination", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Consumer", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Filter", NULL, PT_STRING, 0, P},
    /* PowerShell script blocks (4104) */
    {"powershell.file.script_block_text", NULL, PT_STRING, 0, P},
    {"powershell.file.script_block_id", NULL, PT_STRING, 0, P},
    {"powershell.sequence", NULL, PT_INT, 0, P},
    {"powershell.total", NULL, PT_INT, 0, P},
    {"winlog.event_data.Path", NULL, PT_PATH, 0, P | F | C},               /* the script's file */
    /* Security: the subject (who acted) and the target (the new process's
       or the logon's account), as written */
    {"winlog.event_data.SubjectUserName", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.SubjectDomainName", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.SubjectUserSid", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.SubjectLogonId", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.TargetUserName", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.TargetDomainName", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.TargetUserSid", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.TargetLogonId", NULL, PT_STRING, 0, P | U | N | C},
    {"winlog.event_data.TokenElevationType", NULL, PT_STRING, 0, P},   /* "%%1937" */
    {"winlog.event_data.MandatoryLabel", NULL, PT_STRING, 0, P},       /* "S-1-16-12288" */
    /* logons */
    {"winlog.event_data.LogonType", NULL, PT_INT, 0, U},
    {"winlog.event_data.LogonProcessName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.AuthenticationPackageName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.WorkstationName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.TargetServerName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.TargetOutboundUserName", NULL, PT_STRING, 0, U},     /* 4624 LogonType 9: the network account */
    {"winlog.event_data.TargetOutboundDomainName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.Status", NULL, PT_STRING, 0, U | L | N},
    {"winlog.event_data.SubStatus", NULL, PT_STRING, 0, U},
    {"winlog.event_data.FailureReason", NULL, PT_STRING, 0, U},
    {"source.domain", NULL, PT_DNS, 0, N | D | U},
    /* files: the hash of the file itself (Sysmon 15, 23, 26), an ADS's text */
    {"file.hash.md5", NULL, PT_STRING, 0, F},
    {"file.hash.sha1", NULL, PT_STRING, 0, F},
    {"file.hash.sha256", NULL, PT_STRING, 0, F},
    {"file.pe.imphash", NULL, PT_STRING, 0, F},      /* Sysmon 15's Hash, when its config hashes IMPHASH */
    {"winlog.event_data.Contents", NULL, PT_STRING, 0, F},
    /* registry */
    {"registry.path", NULL, PT_STRING, 0, R},          /* TargetObject: HKLM\SOFTWARE\...\Run\x */
    {"registry.hive", NULL, PT_STRING, 0, R},          /* HKLM HKU HKCR ... */
    {"registry.key", NULL, PT_STRING, 0, R},           /* the path after the hive */
    {"registry.value", NULL, PT_STRING, 0, R},         /* its last element */
    {"registry.data.strings", NULL, PT_LIST, PT_STRING, R},
    {"registry.data.type", NULL, PT_STRING, 0, R},     /* REG_SZ REG_DWORD REG_QWORD REG_BINARY */
    {"winlog.event_data.Details", NULL, PT_STRING, 0, R},   /* as written: "DWORD (0x00000001)" */
    {"winlog.event_data.NewName", NULL, PT_STRING, 0, R},   /* a rename's new path */
    /* images loaded: DLLs (Sysmon 7) and drivers (6) */
    {"dll.path", NULL, PT_PATH, 0, L},
    {"dll.name", NULL, PT_PATH, 0, L},
    {"dll.hash.md5", NULL, PT_STRING, 0, L},
    {"dll.hash.sha1", NULL, PT_STRING, 0, L},
    {"dll.hash.sha256", NULL, PT_STRING, 0, L},
    {"dll.pe.original_file_name", NULL, PT_PATH, 0, L},
    {"dll.pe.description", NULL, PT_STRING, 0, L},
    {"dll.pe.product", NULL, PT_STRING, 0, L},
    {"dll.pe.company", NULL, PT_STRING, 0, L},
    {"dll.pe.file_version", NULL, PT_STRING, 0, L},
    {"dll.pe.imphash", NULL, PT_STRING, 0, L},
    {"dll.code_signature.subject_name", NULL, PT_STRING, 0, L},
    {"dll.code_signature.status", NULL, PT_STRING, 0, L},   /* Valid, Expired, ... */
    {"dll.code_signature.signed", NULL, PT_BOOL, 0, L},
    /* services installed (System 7045) */
    {"service.name", NULL, PT_STRING, 0, C},
    {"service.type", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ImagePath", NULL, PT_STRING, 0, C},   /* a command line, not only a path */
    {"winlog.event_data.StartType", NULL, PT_STRING, 0, C},
    {"winlog.event_data.AccountName", NULL, PT_STRING, 0, C},
    /* Security 4697 (service installed), 4698-4702 (scheduled tasks), 4662
       (directory objects), 4720-4756 (accounts and groups); System 7034,
       7036, 7040 (services' states, as the message's params) */
    {"winlog.event_data.ServiceFileName", NULL, PT_STRING, 0, C},   /* a command line, as ImagePath */
    {"winlog.event_data.ServiceStartType", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ServiceAccount", NULL, PT_STRING, 0, C},
    {"winlog.event_data.TaskName", NULL, PT_STRING, 0, C},          /* \Microsoft\Windows\x */
    {"winlog.event_data.TaskContent", NULL, PT_STRING, 0, C},       /* the task's XML */
    {"winlog.event_data.TaskContentNew", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ObjectServer", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ObjectName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.OperationType", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Properties", NULL, PT_STRING, 0, C},        /* "%%7688 {1131f6aa-...}" */
    {"winlog.event_data.AdditionalInfo", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ObjectType", NULL, PT_STRING, 0, C | N},
    {"winlog.event_data.AccessMask", NULL, PT_STRING, 0, C | N},    /* "0x100", as written */
    {"winlog.event_data.AccessList", NULL, PT_STRING, 0, C | N},    /* "%%4416 %%4423" */
    {"winlog.event_data.SamAccountName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.DisplayName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.UserPrincipalName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.UserAccountControl", NULL, PT_STRING, 0, C},
    {"winlog.event_data.OldUacValue", NULL, PT_STRING, 0, C},
    {"winlog.event_data.NewUacValue", NULL, PT_STRING, 0, C},
    {"winlog.event_data.AllowedToDelegateTo", NULL, PT_STRING, 0, C},
    {"winlog.event_data.MemberName", NULL, PT_STRING, 0, C},        /* a distinguished name */
    {"winlog.event_data.MemberSid", NULL, PT_STRING, 0, C},
    {"winlog.event_data.param1", NULL, PT_STRING, 0, C},
    {"winlog.event_data.param2", NULL, PT_STRING, 0, C},
    {"winlog.event_data.param3", NULL, PT_STRING, 0, C},
    {"winlog.event_data.param4", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Binary", NULL, PT_STRING, 0, C},
    /* Security 5441, 5447: Windows Filtering Platform filters */
    {"winlog.event_data.FilterName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.FilterKey", NULL, PT_STRING, 0, C},
    {"winlog.event_data.FilterType", NULL, PT_STRING, 0, C},        /* "%%16387", as written */
    {"winlog.event_data.FilterId", NULL, PT_STRING, 0, C},
    {"winlog.event_data.LayerName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.LayerKey", NULL, PT_STRING, 0, C},
    {"winlog.event_data.LayerId", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ProviderName", NULL, PT_STRING, 0, C},     /* the WFP provider, not the record's */
    {"winlog.event_data.ProviderKey", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Conditions", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Action", NULL, PT_STRING, 0, C},
    {"winlog.event_data.CalloutKey", NULL, PT_STRING, 0, C},
    {"winlog.event_data.CalloutName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ChangeType", NULL, PT_STRING, 0, C},
    {"winlog.event_data.UserName", NULL, PT_STRING, 0, C | U},
    /* Security 5140, 5145: network shares */
    {"winlog.event_data.ShareName", NULL, PT_STRING, 0, N},         /* \\*\ADMIN$ */
    {"winlog.event_data.ShareLocalPath", NULL, PT_STRING, 0, N},
    {"winlog.event_data.RelativeTargetName", NULL, PT_STRING, 0, N},
    /* Sysmon 2 (creation time changed), 9 (raw read), 4/16 (Sysmon's own
       state and configuration), PowerShell 4103 (module logging) */
    {"winlog.event_data.CreationUtcTime", NULL, PT_STRING, 0, F},
    {"winlog.event_data.PreviousCreationUtcTime", NULL, PT_STRING, 0, F},
    {"winlog.event_data.Device", NULL, PT_STRING, 0, P},            /* \Device\HarddiskVolume2 */
    {"winlog.event_data.State", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Version", NULL, PT_STRING, 0, C},
    {"winlog.event_data.SchemaVersion", NULL, PT_STRING, 0, C},
    {"winlog.event_data.Configuration", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ConfigurationFileHash", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ContextInfo", NULL, PT_STRING, 0, P},
    {"winlog.event_data.Payload", NULL, PT_STRING, 0, P},
    {"winlog.event_data.UserData", NULL, PT_STRING, 0, P},
    /* Security 4657 (registry value modified), 4663 (object access), 4723, 4742 (accounts), 4776 (NTLM validation), 6416 (a device) */
    {"winlog.event_data.ObjectValueName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.OldValue", NULL, PT_STRING, 0, C},
    {"winlog.event_data.NewValue", NULL, PT_STRING, 0, C},
    {"winlog.event_data.TargetSid", NULL, PT_STRING, 0, C},
    {"winlog.event_data.PasswordLastSet", NULL, PT_STRING, 0, C},
    {"winlog.event_data.PackageName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.Workstation", NULL, PT_STRING, 0, U},
    {"winlog.event_data.DeviceId", NULL, PT_STRING, 0, C},
    {"winlog.event_data.DeviceDescription", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ClassName", NULL, PT_STRING, 0, C},
    /* System 16 (hive history cleared), 4100 (ISATAP) */
    {"winlog.event_data.HiveName", NULL, PT_STRING, 0, A},   /* every kind: the System keyword searches read it */
    {"winlog.event_data.IsatapRouter", NULL, PT_STRING, 0, C},
    /* System 104 (a log cleared): which log, and the file it was saved to */
    {"winlog.event_data.Channel", NULL, PT_STRING, 0, C},
    {"winlog.event_data.BackupPath", NULL, PT_PATH, 0, C},
    /* the unnamed Data values of a record, one a line (Application, classic PowerShell, DNS Server, MSExchange, KDC) */
    {"winlog.event_data.Data", NULL, PT_STRING, 0, A},
    /* Windows Defender (its names without their spaces: "Threat Name" is ThreatName) */
    {"winlog.event_data.ProductName", NULL, PT_STRING, 0, F | C},
    {"winlog.event_data.ThreatName", NULL, PT_STRING, 0, F},
    {"winlog.event_data.SourceName", NULL, PT_STRING, 0, F},
    {"winlog.event_data.DetectionUser", NULL, PT_STRING, 0, F},
    {"winlog.event_data.ActionName", NULL, PT_STRING, 0, F | C},
    {"winlog.event_data.Value", NULL, PT_STRING, 0, C},
    /* BITS client jobs */
    {"winlog.event_data.jobTitle", NULL, PT_STRING, 0, N},
    {"winlog.event_data.RemoteName", NULL, PT_STRING, 0, N},
    {"winlog.event_data.LocalName", NULL, PT_STRING, 0, N},
    /* CodeIntegrity, AppLocker */
    {"winlog.event_data.PolicyName", NULL, PT_STRING, 0, P},
    {"winlog.event_data.RuleName", NULL, PT_STRING, 0, P | C},
    {"winlog.event_data.FullFilePath", NULL, PT_STRING, 0, P},
    {"winlog.event_data.FileHash", NULL, PT_STRING, 0, P},
    /* AppX deployment and packaging; DNS client */
    {"winlog.event_data.PackageFullName", NULL, PT_STRING, 0, C},
    {"winlog.event_data.subjectName", NULL, PT_STRING, 0, C},
    /* Windows Firewall rules */
    {"winlog.event_data.ModifyingUser", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ModifyingApplication", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ApplicationPath", NULL, PT_STRING, 0, C},
    {"winlog.event_data.LocalPorts", NULL, PT_STRING, 0, C},
    /* NTLM, SMB client */
    {"winlog.event_data.TargetName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.ClientUserName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.ClientDomainName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.DomainName", NULL, PT_STRING, 0, U},
    {"winlog.event_data.ServerName", NULL, PT_STRING, 0, N},
    /* Task Scheduler, IIS configuration */
    {"winlog.event_data.UserContext", NULL, PT_STRING, 0, C},
    {"winlog.event_data.ResultCode", NULL, PT_STRING, 0, C},
    /* classic Windows PowerShell (400, 403, 600, 800): the Name=Value lines of its Data, where Winlogbeat's PowerShell module puts them */
    {"winlog.event_data.HostApplication", NULL, PT_STRING, 0, P},
    {"winlog.event_data.ScriptName", NULL, PT_STRING, 0, P},
    {"process.title", NULL, PT_STRING, 0, A},                       /* HostName: ConsoleHost, ServerRemoteHost */
    {"powershell.process.executable_version", NULL, PT_STRING, 0, P},
    {"powershell.engine.version", NULL, PT_STRING, 0, P},
    {"powershell.engine.new_state", NULL, PT_STRING, 0, P},
    {"powershell.engine.previous_state", NULL, PT_STRING, 0, P},
    {"powershell.command.name", NULL, PT_STRING, 0, P},
    {"powershell.command.type", NULL, PT_STRING, 0, P},
    {"powershell.command.path", NULL, PT_STRING, 0, P},
    {"powershell.command.value", NULL, PT_STRING, 0, P},            /* 800: the pipeline's command line */
    {"powershell.provider.name", NULL, PT_STRING, 0, P},            /* 600 */
    {"error.message", NULL, PT_STRING, 0, C},                       /* Sysmon 255's Description */
    /* the record's level (System/Level: 1 critical, 2 error, 3 warning, 4 information, 5 verbose), by name */
    {"log.level", NULL, PT_STRING, 0, A},
};

static const pal_field image_fields[] = {
    {"image.name", NULL, PT_STRING, 0, 0},
    {"image.tags", NULL, PT_LIST, PT_STRING, 0},
    {"image.id", NULL, PT_STRING, 0, 0},
    {"image.os", NULL, PT_STRING, 0, 0},
    {"image.os_version", NULL, PT_VERSION, PAL_VER_WINDOWS, 0},
    {"image.architecture", NULL, PT_STRING, 0, 0},
    {"image.created", NULL, PT_STRING, 0, 0},
    {"image.config.user", NULL, PT_STRING, 0, 0},
    {"image.config.env", NULL, PT_RECORDS, PS_KV, 0},
    {"image.config.entrypoint", NULL, PT_LIST, PT_STRING, 0},
    {"image.config.cmd", NULL, PT_LIST, PT_STRING, 0},
    {"image.config.working_dir", NULL, PT_PATH, 0, 0},
    {"image.config.exposed_ports", NULL, PT_LIST, PT_STRING, 0},
    {"image.config.volumes", NULL, PT_LIST, PT_STRING, 0},
    {"image.config.labels", NULL, PT_RECORDS, PS_KV, 0},
    {"image.config.healthcheck", NULL, PT_LIST, PT_STRING, 0},
    {"image.history", NULL, PT_RECORDS, PS_HISTORY, 0},
    {"image.files", "files", PT_RECORDS, PS_FILE, 0},
    {"image.packages", "packages", PT_RECORDS, PS_PACKAGE, 0},
    {"image.users", "users", PT_RECORDS, PS_USER, 0},
    {"image.groups", "groups", PT_RECORDS, PS_GROUP, 0},
    {"image.windows.product_name", "windows.product_name", PT_STRING, 0, 0},
    {"image.windows.build", "windows.build", PT_INT, 0, 0},
    {"image.windows.ubr", "windows.ubr", PT_INT, 0, 0},
    {"image.windows.version", "windows.version", PT_VERSION, PAL_VER_WINDOWS, 0},   /* 10.0.17763.1234 */
    {"image.windows.kbs", "windows.kbs", PT_LIST, PT_STRING, 0},
    /* Filled by vulnerability matching (engine/vuln/vuln.h) when feeds are given;
       absent otherwise, so `count(image.vulnerabilities)` is undefined, not 0,
       in a scan without feeds. */
    {"image.vulnerabilities", "vulnerabilities", PT_RECORDS, PS_VULN, 0},
    /* os-release (absent when the image has none) */
    {"image.distro.id", NULL, PT_STRING, 0, 0},
    /* "3.19.1", "9.3", "22.04", "2023": ordered segment by segment, numbers
       as numbers, as rpm orders versions ("3.9" < "3.12") */
    {"image.distro.version_id", NULL, PT_VERSION, PAL_VER_RPM, 0},
    {"image.distro.name", NULL, PT_STRING, 0, 0},
    {"image.distro.pretty_name", NULL, PT_STRING, 0, 0},
};

static const pal_field file_fields[] = {
    {"path", NULL, PT_PATH, 0, 0},
    {"type", NULL, PT_STRING, 0, 0},  /* file dir symlink hardlink char block fifo */
    {"mode", NULL, PT_INT, 0, 0},
    {"uid", NULL, PT_INT, 0, 0},
    {"gid", NULL, PT_INT, 0, 0},
    {"size", NULL, PT_INT, 0, 0},
    {"link", NULL, PT_PATH, 0, 0},
    {"setuid", NULL, PT_BOOL, 0, 0},
    {"setgid", NULL, PT_BOOL, 0, 0},
    {"sha256", NULL, PT_STRING, 0, 0},
    {"md5", NULL, PT_STRING, 0, 0},
    {"layer", NULL, PT_INT, 0, 0},
    {"content", NULL, PT_STRING, 0, 0}, /* small files, when a check asks */
};

static const pal_field package_fields[] = {
    {"name", NULL, PT_STRING, 0, 0},
    {"version", NULL, PT_VERSION, 0, 0},          /* ordered by the package's ecosystem */
    {"source", NULL, PT_STRING, 0, 0},
    {"source_version", NULL, PT_VERSION, 0, 0},
    {"architecture", NULL, PT_STRING, 0, 0},
    {"ecosystem", NULL, PT_STRING, 0, 0},  /* dpkg apk rpm npm pypi go maven rubygems cargo */
    {"epoch", NULL, PT_INT, 0, 0},         /* rpm: the header's epoch (absent when none) */
    {"release", NULL, PT_VERSION, PAL_VER_RPM, 0},   /* rpm: the release ("24.el9"), as rpm orders it */
    {"license", NULL, PT_STRING, 0, 0},
    {"vendor", NULL, PT_STRING, 0, 0},
    {"purl", NULL, PT_STRING, 0, 0},       /* package URL */
    {"location", NULL, PT_PATH, 0, 0},     /* language packages: the file it was read from */
    {"files", NULL, PT_LIST, PT_PATH, 0},  /* rpm: the paths the header lists */
};

static const pal_field user_fields[] = {
    {"name", NULL, PT_STRING, 0, 0},
    {"uid", NULL, PT_INT, 0, 0},
    {"gid", NULL, PT_INT, 0, 0},
    {"home", NULL, PT_PATH, 0, 0},
    {"shell", NULL, PT_PATH, 0, 0},
    {"empty_password", NULL, PT_BOOL, 0, 0},
    {"locked", NULL, PT_BOOL, 0, 0},
};

static const pal_field group_fields[] = {
    {"name", NULL, PT_STRING, 0, 0},
    {"gid", NULL, PT_INT, 0, 0},
    {"members", NULL, PT_LIST, PT_STRING, 0},
};

static const pal_field history_fields[] = {
    {"created_by", NULL, PT_STRING, 0, 0},
    {"empty_layer", NULL, PT_BOOL, 0, 0},
    {"layer", NULL, PT_INT, 0, 0},     /* index of the layer it made (as file.layer); absent if empty_layer */
    {"created", NULL, PT_STRING, 0, 0},
    {"comment", NULL, PT_STRING, 0, 0},
};

/* One known vulnerability of one package (or of the Windows build). */
static const pal_field vuln_fields[] = {
    {"id", NULL, PT_STRING, 0, 0},             /* CVE-2024-1234, GHSA-..., DSA-... */
    {"package", NULL, PT_STRING, 0, 0},        /* the inventory's package name; "windows" for the OS */
    {"version", NULL, PT_VERSION, 0, 0},       /* installed version (or build), by `ecosystem` */
    {"ecosystem", NULL, PT_STRING, 0, 0},      /* dpkg apk rpm windows ... */
    {"fixed_version", NULL, PT_VERSION, 0, 0}, /* absent when no fix is known */
    {"fix_available", NULL, PT_BOOL, 0, 0},
    {"severity", NULL, PT_STRING, 0, 0},       /* low medium high critical unknown */
    {"cvss", NULL, PT_INT, 0, 0},              /* CVSS base score x10 (9.8 -> 98) */
    {"published", NULL, PT_STRING, 0, 0},      /* YYYY-MM-DD */
    {"age_days", NULL, PT_INT, 0, 0},
    {"exploit", NULL, PT_BOOL, 0, 0},          /* an exploit is known (feed says so) */
    {"kb", NULL, PT_STRING, 0, 0},             /* Windows: the fixing KB */
    {"risk", NULL, PT_INT, 0, 0},              /* risk score 0..100, see engine/vuln/vuln.h */
    {"source", NULL, PT_STRING, 0, 0},         /* the feed file it came from */
    {"title", NULL, PT_STRING, 0, 0},
};

static const pal_field kv_fields[] = {
    {"name", NULL, PT_STRING, 0, 0},
    {"value", NULL, PT_STRING, 0, 0},
};

#define COUNT(a) (uint16_t)(sizeof(a) / sizeof((a)[0]))
static const pal_schema schemas[PS__COUNT] = {
    {"event", event_fields, COUNT(event_fields), PS_EVENT},
    {"image", image_fields, COUNT(image_fields), PS_IMAGE},
    {"file", file_fields, COUNT(file_fields), PS_FILE},
    {"package", package_fields, COUNT(package_fields), PS_PACKAGE},
    {"user", user_fields, COUNT(user_fields), PS_USER},
    {"group", group_fields, COUNT(group_fields), PS_GROUP},
    {"history entry", history_fields, COUNT(history_fields), PS_HISTORY},
    {"name/value pair", kv_fields, COUNT(kv_fields), PS_KV},
    {"vulnerability", vuln_fields, COUNT(vuln_fields), PS_VULN},
};

const pal_schema *pal_schema_get(unsigned id)
{
    return id < PS__COUNT ? &schemas[id] : NULL;
}

int pal_schema_find(const pal_schema *s, const char *name, size_t len)
{
    for (unsigned i = 0; i < s->nfields; i++)
        if (strlen(s->fields[i].name) == len && memcmp(s->fields[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

const char *pal_field_json(const pal_field *f)
{
    return f->json ? f->json : f->name;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ull; }
    return h;
}

uint64_t pal_schema_digest(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned s = 0; s < PS__COUNT; s++) {
        for (unsigned i = 0; i < schemas[s].nfields; i++) {
            const pal_field *f = &schemas[s].fields[i];
            h = fnv(h, f->name, strlen(f->name) + 1);
            h = fnv(h, &f->type, 1);
            h = fnv(h, &f->elem, 1);
        }
        h = fnv(h, "|", 1);
    }
    return h;
}

const char *pal_kind_name(unsigned k)
{
    switch (k) {
    case PK_PROCESS: return "process";
    case PK_NETWORK: return "network";
    case PK_DNS: return "dns";
    case PK_FILE: return "file";
    case PK_REGISTRY: return "registry";
    case PK_LIBRARY: return "library";
    case PK_AUTH: return "authentication";
    case PK_CONFIG: return "configuration";
    default: return "event";
    }
}

int pal_kind_from_name(const char *n, size_t len)
{
    static const struct { const char *s; int k; } t[] = {
        {"process", PK_PROCESS}, {"network", PK_NETWORK}, {"dns", PK_DNS}, {"file", PK_FILE},
        {"registry", PK_REGISTRY}, {"library", PK_LIBRARY}, {"authentication", PK_AUTH},
        {"configuration", PK_CONFIG}};
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strlen(t[i].s) == len && memcmp(t[i].s, n, len) == 0) return t[i].k;
    return 0;
}

const char *pal_ftype_name(unsigned t)
{
    static const char *names[] = {"nothing", "bool", "int", "string", "path", "domain",
                                  "ip", "list", "collection", "version"};
    return t < sizeof names / sizeof names[0] ? names[t] : "?";
}
