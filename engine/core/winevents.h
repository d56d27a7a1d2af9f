/*
 * winevents.h — every Windows event palisade reads, and where each of its
 * event data values goes in the event schema (engine/core/schema.h).
 *
 * Design.  The Windows adapters (engine/decode/decode_sysmon.c) are driven
 * by these two tables instead of a switch per EventID, so the mapping is
 * data that other parts read too: SPEC's tables are written from it, and the
 * Sigma converter maps a Sigma field (Sysmon's and Security's own names) to
 * palisade's through it.  One record is one (source, EventID):
 *
 *   pal_win_events  the kind (PK_*), ECS event.category / event.type /
 *                   event.action / event.outcome the record gets;
 *   pal_win_fields  event data key -> PS_EVENT field, with a conversion
 *                   (a "DOMAIN\name" split, Sysmon's Hashes, a hex pid, ...).
 *
 * Names are ECS where the Winlogbeat modules map a value to ECS, and
 * winlog.event_data.<Key> (where Winlogbeat leaves it) for the rest; so a
 * Winlogbeat line is read as is, and the flat and evtx_dump layouts get the
 * same fields from their own places.  Rows are looked up in order and the
 * first value a field gets wins (a shipper's ECS fields win over all).
 *
 * The source of a record is told by its channel, else its provider, else
 * (flat records without either) by its EventID, which do not overlap:
 * Sysmon 1-255, the others as listed.
 */
#ifndef PAL_WINEVENTS_H
#define PAL_WINEVENTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum pal_win_source {
    PW_NONE = 0,
    PW_SYSMON,       /* Microsoft-Windows-Sysmon/Operational */
    PW_SECURITY,     /* Security (Microsoft-Windows-Security-Auditing) */
    PW_SYSTEM,       /* System (Service Control Manager, Eventlog, Kernel-General, ...) */
    PW_POWERSHELL,   /* Microsoft-Windows-PowerShell/Operational */
    PW_APPLICATION,  /* Application (any provider: MsiInstaller, MSSQLSERVER, ESENT, ...) */
    PW_DEFENDER,     /* Microsoft-Windows-Windows Defender/Operational */
    PW_BITS,         /* Microsoft-Windows-Bits-Client/Operational */
    PW_CODEINTEGRITY,/* Microsoft-Windows-CodeIntegrity/Operational */
    PW_APPLOCKER,    /* Microsoft-Windows-AppLocker/{EXE and DLL, MSI and Script, Packaged app-*} */
    PW_APPX_DEPLOY,  /* Microsoft-Windows-AppXDeploymentServer/Operational */
    PW_APPX_PACKAGE, /* Microsoft-Windows-AppxPackaging/Operational */
    PW_DNS_CLIENT,   /* Microsoft-Windows-DNS-Client/Operational */
    PW_DNS_SERVER,   /* DNS Server */
    PW_FIREWALL,     /* Microsoft-Windows-Windows Firewall With Advanced Security/Firewall */
    PW_MSEXCHANGE,   /* MSExchange Management */
    PW_NTLM,         /* Microsoft-Windows-NTLM/Operational */
    PW_SMBCLIENT,    /* Microsoft-Windows-SmbClient/Security */
    PW_TASKSCHED,    /* Microsoft-Windows-TaskScheduler/Operational */
    PW_MITIGATIONS,  /* Microsoft-Windows-Security-Mitigations/{KernelMode, UserMode} */
    PW_IIS_CONFIG,   /* Microsoft-IIS-Configuration/Operational */
    PW_PS_CLASSIC,   /* Windows PowerShell (the classic log: 400, 403, 600, 800) */
    PW__COUNT
} pal_win_source;

#define PAL_WIN_CHANNELS 4u
#define PAL_WIN_PROVIDERS 6u

/* One log.  A record belongs to the source of its channel; a record
   without a channel (a flat record) to the source whose providers name its
   provider, else to the one its EventID says (pal_win_source_of_id). */
typedef struct pal_win_source_info {
    const char *name;                            /* event.module: "sysmon", "security", ... */
    const char *label;                           /* "Sysmon", "Windows Defender": for messages */
    const char *channels[PAL_WIN_CHANNELS];      /* NULL-terminated; [0] is given to a record without one */
    const char *providers[PAL_WIN_PROVIDERS];    /* NULL-terminated; [0] likewise ("": the record's own only) */
} pal_win_source_info;

const pal_win_source_info *pal_win_source_get(unsigned src);
/* The source a channel or provider name (any case) names; PW_NONE if none.
   A provider may write to several channels (Microsoft-Windows-Eventlog: the
   System log's 104, the Security log's 1102): the first source listing it. */
pal_win_source pal_win_source_of_channel(const char *s, size_t n);
pal_win_source pal_win_source_of_provider(const char *s, size_t n);
/* The source of a record with a provider and no channel: the source of a
   row naming that provider for the EventID (Microsoft-Windows-Eventlog's
   1102 is Security's, its 104 System's), else the first listing it. */
pal_win_source pal_win_source_of_provider_id(const char *s, size_t n, int64_t id);
/* The source of a record with neither, from its EventID alone: Sysmon for
   1-255, else the one source that maps the EventID; PW_NONE when none or
   several do (the record must then name its channel). */
pal_win_source pal_win_source_of_id(int64_t id);
/* "Sysmon, Security, System, ..." — every source's label, for messages. */
size_t pal_win_source_labels(char *out, size_t cap);

/* pal_win_event flags */
enum {
    PWE_DATA_OPTIONAL = 1u << 0   /* decided without event data (a record of any EventID, whose data the
                                     table cannot know: Application) */
};

typedef struct pal_win_event {
    uint8_t source;         /* pal_win_source */
    uint8_t kind;           /* PK_* */
    uint16_t id;            /* EventID; 0: every EventID of the source without a row of its own */
    const char *meaning;    /* "process create" */
    const char *category;   /* ECS event.category */
    const char *types[3];   /* ECS event.type, NULL-terminated */
    const char *action;     /* event.action (registry: from EventType, this when unknown) */
    const char *outcome;    /* event.outcome, or NULL */
    const char *provider;   /* the provider whose record this is (System's are several), or NULL: any */
    uint8_t flags;          /* PWE_* */
} pal_win_event;

extern const pal_win_event pal_win_events[];
extern const size_t pal_win_nevents;
/* The row of (source, id), or NULL: a record palisade does not decide.
   _for: of a record of provider prov (NULL: not known), a row naming
   another provider does not apply. */
const pal_win_event *pal_win_event_find(unsigned src, int64_t id);
const pal_win_event *pal_win_event_find_for(unsigned src, const char *prov, size_t prov_len, int64_t id);
/* "1, 3, 5, ..." — the EventIDs of a source, for messages ("any" for a
   source with an every-EventID row). */
size_t pal_win_event_ids(unsigned src, char *out, size_t cap);

/* How an event data value becomes a field's value. */
typedef enum pal_win_conv {
    PWC_VALUE = 0,      /* converted to the field's type ("4584" -> 4584) */
    PWC_USER_NAME,      /* "NT AUTHORITY\SYSTEM" -> "SYSTEM" */
    PWC_USER_DOMAIN,    /* "NT AUTHORITY\SYSTEM" -> "NT AUTHORITY" */
    PWC_HASHES,         /* "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." -> <field>.hash.*, <field>.pe.imphash, lower case */
    PWC_LOWER,          /* lower case ("TCP" -> "tcp") */
    PWC_HEX_INT,        /* "0x1a2c" (Security's pids) or decimal -> int */
    PWC_INITIATED,      /* Sysmon Initiated: "true" -> outbound, else inbound */
    PWC_WFP_DIRECTION,  /* "%%14592"/"Inbound" -> inbound, "%%14593"/"Outbound" -> outbound */
    PWC_INBOUND,        /* the client's address of a record that is an inbound connection (a share
                           accessed: Security 5140/5145) -> inbound, when it is one ("-": none) */
    PWC_IP_PROTOCOL,    /* 6 -> tcp, 17 -> udp, 1 -> icmp, 58 -> ipv6-icmp */
    PWC_UTC_TIME,       /* "2024-03-12 10:05:00.120" -> "2024-03-12T10:05:00.120Z" */
    PWC_DNS_RESULTS,    /* QueryResults -> the addresses (CNAME entries skipped) */
    PWC_DNS_STATUS,     /* QueryStatus 0 -> NOERROR, 9000+rcode -> its name */
    PWC_REG_PATH,       /* TargetObject -> registry.path, .hive, .key, .value */
    PWC_REG_DATA,       /* Details -> registry.data.strings (DWORD/QWORD as decimal), .type */
    PWC_REG_ACTION,     /* EventType -> event.action: CreateKey creation, DeleteKey/DeleteValue
                           deletion, SetValue modification, RenameKey rename */
    PWC_BOOL,           /* "true"/"false" (any case) -> bool */
    PWC_DATA,           /* the record's unnamed Data values, one a line: key "Data" (a text, a list of
                           texts, {"#text": ...}); Winlogbeat names them param1, param2, ... */
    PWC_DATA_LINE       /* the value of the line "<key>=value" in that text (classic PowerShell's
                           "\tHostApplication=powershell.exe -nop\r\n..."), trimmed */
} pal_win_conv;

#define PAL_WIN_IDS 8u

typedef struct pal_win_field {
    uint8_t source;               /* pal_win_source */
    uint8_t conv;                 /* pal_win_conv */
    uint16_t ids[PAL_WIN_IDS];    /* EventIDs it applies to, 0-terminated; {0}: every one of the source */
    const char *key;              /* the event data key, as Windows writes it */
    const char *field;            /* PS_EVENT name (PWC_HASHES: the prefix, "process"; PWC_REG_ACTION:
                                     "event.action") */
} pal_win_field;

/* The adapter resolves each row's field once into a table of this size
   (test_winevents checks the rows fit). */
#define PAL_WIN_MAX_FIELDS 512u

extern const pal_win_field pal_win_fields[];
extern const size_t pal_win_nfields;
/* Most records keep their data in EventData; a few (Security 1102, the
   log cleared) in UserData, under one element named for the record:
   evtx_dump writes it Event.UserData.LogFileCleared.SubjectUserName,
   Winlogbeat winlog.user_data.SubjectUserName (with xml_name
   LogFileCleared), NXLog at the top level.  The rows name the keys as
   for EventData. */
typedef struct pal_win_user_data {
    uint8_t source;
    uint16_t id;
    const char *element;   /* "LogFileCleared" */
} pal_win_user_data;
extern const pal_win_user_data pal_win_user_datas[];
extern const size_t pal_win_nuser_datas;
/* id 0: every record of the source.
   The UserData element of record (src, id), or NULL: its data is EventData. */
const char *pal_win_user_data_element(unsigned src, int64_t id);

/* Does row f apply to the record (src, id)? */
int pal_win_field_applies(const pal_win_field *f, unsigned src, int64_t id);

#endif
