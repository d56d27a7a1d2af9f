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
    PW_SYSTEM,       /* System (Service Control Manager) */
    PW_POWERSHELL,   /* Microsoft-Windows-PowerShell/Operational */
    PW__COUNT
} pal_win_source;

typedef struct pal_win_source_info {
    const char *name;      /* "sysmon", "security", ... (event.module) */
    const char *channel;
    const char *provider;
} pal_win_source_info;

const pal_win_source_info *pal_win_source_get(unsigned src);
/* The source a channel or provider name (any case) names; PW_NONE if none. */
pal_win_source pal_win_source_of_channel(const char *s, size_t n);
pal_win_source pal_win_source_of_provider(const char *s, size_t n);
/* The source of a record with neither, from its EventID alone. */
pal_win_source pal_win_source_of_id(int64_t id);

typedef struct pal_win_event {
    uint8_t source;         /* pal_win_source */
    uint8_t kind;           /* PK_* */
    uint16_t id;            /* EventID */
    const char *meaning;    /* "process create" */
    const char *category;   /* ECS event.category */
    const char *types[3];   /* ECS event.type, NULL-terminated */
    const char *action;     /* event.action (registry: from EventType, this when unknown) */
    const char *outcome;    /* event.outcome, or NULL */
} pal_win_event;

extern const pal_win_event pal_win_events[];
extern const size_t pal_win_nevents;
/* The row of (source, id), or NULL: a record palisade does not decide. */
const pal_win_event *pal_win_event_find(unsigned src, int64_t id);
/* "1, 3, 5, ..." — the EventIDs of a source, for messages. */
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
    PWC_IP_PROTOCOL,    /* 6 -> tcp, 17 -> udp, 1 -> icmp, 58 -> ipv6-icmp */
    PWC_UTC_TIME,       /* "2024-03-12 10:05:00.120" -> "2024-03-12T10:05:00.120Z" */
    PWC_DNS_RESULTS,    /* QueryResults -> the addresses (CNAME entries skipped) */
    PWC_DNS_STATUS,     /* QueryStatus 0 -> NOERROR, 9000+rcode -> its name */
    PWC_REG_PATH,       /* TargetObject -> registry.path, .hive, .key, .value */
    PWC_REG_DATA,       /* Details -> registry.data.strings (DWORD/QWORD as decimal), .type */
    PWC_REG_ACTION,     /* EventType -> event.action: CreateKey creation, DeleteKey/DeleteValue
                           deletion, SetValue modification, RenameKey rename */
    PWC_BOOL            /* "true"/"false" (any case) -> bool */
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
/* The UserData element of record (src, id), or NULL: its data is EventData. */
const char *pal_win_user_data_element(unsigned src, int64_t id);

/* Does row f apply to the record (src, id)? */
int pal_win_field_applies(const pal_win_field *f, unsigned src, int64_t id);

#endif
