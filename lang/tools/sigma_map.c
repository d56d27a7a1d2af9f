/*
 * sigma_map.c — the field mapping of `palisade sigma convert`: the built-in
 * one for Windows, and the reader of a user's (format in the text below).
 *
 * Design.  pySigma keeps field mappings in code (processing pipelines);
 * palisade keeps them in one YAML format, so the built-in mapping is a
 * file like any user's, printed by `palisade sigma mapping` for copying.
 * The mapping names palisade fields as text and is not checked against the
 * schema when it is read: a rule that uses a field the schema lacks is
 * refused when it is converted, so one mapping serves palisade builds with
 * more or fewer Windows fields.
 */
#include "lang/tools/sigma_int.h"
#include "engine/base/yaml.h"
#include "engine/base/fileio.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char builtin_text[] =
    "# The built-in field mapping of `palisade sigma convert`: Sigma's Windows\n"
    "# taxonomy (Sysmon, Security, System, PowerShell and the other logs palisade\n"
    "# reads) onto palisade's event\n"
    "# schema (lang/SPEC.md, section 15).  Print it with `palisade sigma mapping`,\n"
    "# edit a copy and pass it with --mapping FILE.\n"
    "#\n"
    "#   fields:      Sigma field -> palisade field, for every logsource.  A value\n"
    "#                is a field name, or one of\n"
    "#                  {split: [DOMAIN_FIELD, NAME_FIELD]}  DOMAIN\\NAME in two fields\n"
    "#                  {hashes: {md5: F, sha1: F, sha256: F, imphash: F}}\n"
    "#                                                       \"MD5=...,SHA256=...\" values\n"
    "#                  {field: F, values: {SIGMA: PALISADE, ...}}\n"
    "#                                                       values translated by a table\n"
    "#   fallback:    a field no table names maps to this prefix + its name, when\n"
    "#                the schema has that field (winlog.event_data.LogonType).\n"
    "#   logsources:  the first entry whose `match` agrees with the rule's\n"
    "#                logsource (every key given; values without case; '' for\n"
    "#                a key the rule must not have) decides:\n"
    "#                  kind      the `on` kind of the converted rule (omitted: the\n"
    "#                            compiler infers it from the fields)\n"
    "#                  channel   the Windows channel (or a list) its records are in:\n"
    "#                            the rule tests winlog.channel, and an EventID the\n"
    "#                            channel's log does not decode is refused\n"
    "#                  when      a condition every converted rule of it gets\n"
    "#                  fields    mappings for this logsource, before the common ones\n"
    "#                  keywords  the fields a keyword (field-less) search reads, or\n"
    "#                            all: every text field the kind carries\n"
    "#   keywords:    all here is the default for entries that name none.\n"
    "#                A rule whose logsource no entry matches is refused.\n"
    "fallback: winlog.event_data.\n"
    "keywords: all\n"
    "fields:\n"
    "  EventID: winlog.event_id\n"
    "  Channel: winlog.channel\n"
    "  Provider_Name: winlog.provider_name\n"
    "  Computer: host.name\n"
    "  ComputerName: host.name\n"
    "  RuleName: rule.name\n"
    "  UtcTime: timestamp\n"
    "  ProcessGuid: process.entity_id\n"
    "  ProcessId: process.pid\n"
    "  Image: process.executable\n"
    "  CommandLine: process.command_line\n"
    "  CurrentDirectory: process.working_directory\n"
    "  OriginalFileName: process.pe.original_file_name\n"
    "  Description: process.pe.description\n"
    "  Product: process.pe.product\n"
    "  Company: process.pe.company\n"
    "  FileVersion: process.pe.file_version\n"
    "  Hashes: {hashes: {md5: process.hash.md5, sha1: process.hash.sha1, sha256: process.hash.sha256, imphash: process.pe.imphash}}\n"
    "  md5: process.hash.md5\n"
    "  sha1: process.hash.sha1\n"
    "  sha256: process.hash.sha256\n"
    "  Imphash: process.pe.imphash\n"
    "  IMPHASH: process.pe.imphash\n"
    "  ParentProcessGuid: process.parent.entity_id\n"
    "  ParentProcessId: process.parent.pid\n"
    "  ParentImage: process.parent.executable\n"
    "  ParentCommandLine: process.parent.command_line\n"
    "  User: {split: [user.domain, user.name]}\n"
    "  LogonId: winlog.logon.id\n"
    "  SourceImage: process.executable\n"
    "  SourceProcessId: process.pid\n"
    "  SourceProcessGUID: process.entity_id\n"
    "  SourceProcessGuid: process.entity_id\n"
    "  SourceThreadId: process.thread.id\n"
    "  TargetProcessGuid: winlog.event_data.TargetProcessGUID\n"
    "  TargetFilename: file.path\n"
    "  # as the ECS Windows pipeline (pySigma-backend-elasticsearch) maps it\n"
    "  FileName: file.path\n"
    "  TargetObject: registry.path\n"
    "  ImageLoaded: dll.path\n"
    "  Signed: dll.code_signature.signed\n"
    "  Signature: dll.code_signature.subject_name\n"
    "  SignatureStatus: dll.code_signature.status\n"
    "  QueryName: dns.question.name\n"
    "  Initiated: {field: network.direction, values: {\"true\": outbound, \"false\": inbound}}\n"
    "  Protocol: network.transport\n"
    "  SourceIp: source.ip\n"
    "  SourcePort: source.port\n"
    "  SourceHostname: source.domain\n"
    "  DestinationIp: destination.ip\n"
    "  DestinationPort: destination.port\n"
    "  DestinationHostname: destination.domain\n"
    "  PipeName: file.name\n"
    "  ScriptBlockText: powershell.file.script_block_text\n"
    "  ScriptBlockId: powershell.file.script_block_id\n"
    "  NewProcessName: process.executable\n"
    "  ParentProcessName: process.parent.executable\n"
    "  ProcessName: process.executable\n"
    "  IpAddress: source.ip\n"
    "  IpPort: source.port\n"
    "  ServiceName: service.name\n"
    "  ServiceType: service.type\n"
    "  Application: process.executable\n"
    "  SourceAddress: source.ip\n"
    "  DestAddress: destination.ip\n"
    "  DestPort: destination.port\n"
    "  Level: {field: log.level, values: {\"0\": information, \"1\": critical, \"2\": error, \"3\": warning, \"4\": information, \"5\": verbose, Critical: critical, Error: error, Warning: warning, Information: information, Verbose: verbose}}\n"
    "  HostName: process.title\n"
    "  HostVersion: powershell.process.executable_version\n"
    "  EngineVersion: powershell.engine.version\n"
    "  NewEngineState: powershell.engine.new_state\n"
    "  PreviousEngineState: powershell.engine.previous_state\n"
    "logsources:\n"
    "  - match: {product: windows, category: process_creation}\n"
    "    kind: process\n"
    "    when: 'event.type contains \"start\"'\n"
    "  - match: {product: windows, category: network_connection}\n"
    "    kind: network\n"
    "  - match: {product: windows, category: dns_query}\n"
    "    kind: dns\n"
    "  - match: {product: windows, category: dns}\n"
    "    kind: dns\n"
    "  - match: {product: windows, category: file_event}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id == 11'\n"
    "  - match: {product: windows, category: file_delete}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id in [23, 26]'\n"
    "  - match: {product: windows, category: create_stream_hash}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id == 15'\n"
    "    fields:\n"
    "      Hash: {hashes: {md5: file.hash.md5, sha1: file.hash.sha1, sha256: file.hash.sha256, imphash: file.pe.imphash}}\n"
    "  - match: {product: windows, category: pipe_created}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id in [17, 18]'\n"
    "  - match: {product: windows, category: registry_event}\n"
    "    kind: registry\n"
    "    when: 'winlog.event_id in [12, 13, 14]'\n"
    "  - match: {product: windows, category: registry_add}\n"
    "    kind: registry\n"
    "    when: 'winlog.event_id == 12 and winlog.event_data.EventType == \"CreateKey\"'\n"
    "  - match: {product: windows, category: registry_delete}\n"
    "    kind: registry\n"
    "    when: 'winlog.event_id == 12 and winlog.event_data.EventType in [\"DeleteKey\", \"DeleteValue\"]'\n"
    "  - match: {product: windows, category: registry_set}\n"
    "    kind: registry\n"
    "    when: 'winlog.event_id == 13'\n"
    "  - match: {product: windows, category: registry_rename}\n"
    "    kind: registry\n"
    "    when: 'winlog.event_id == 14'\n"
    "  - match: {product: windows, category: image_load}\n"
    "    kind: library\n"
    "    when: 'winlog.event_id == 7'\n"
    "    fields:\n"
    "      Imphash: dll.pe.imphash\n"
    "      IMPHASH: dll.pe.imphash\n"
    "      md5: dll.hash.md5\n"
    "      sha1: dll.hash.sha1\n"
    "      sha256: dll.hash.sha256\n"
    "      OriginalFileName: dll.pe.original_file_name\n"
    "      Description: dll.pe.description\n"
    "      Product: dll.pe.product\n"
    "      Company: dll.pe.company\n"
    "      FileVersion: dll.pe.file_version\n"
    "      Hashes: {hashes: {md5: dll.hash.md5, sha1: dll.hash.sha1, sha256: dll.hash.sha256, imphash: dll.pe.imphash}}\n"
    "  - match: {product: windows, category: driver_load}\n"
    "    kind: library\n"
    "    when: 'winlog.event_id == 6'\n"
    "    fields:\n"
    "      Imphash: dll.pe.imphash\n"
    "      IMPHASH: dll.pe.imphash\n"
    "      md5: dll.hash.md5\n"
    "      sha1: dll.hash.sha1\n"
    "      sha256: dll.hash.sha256\n"
    "      Hashes: {hashes: {md5: dll.hash.md5, sha1: dll.hash.sha1, sha256: dll.hash.sha256, imphash: dll.pe.imphash}}\n"
    "  - match: {product: windows, category: process_access}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 10'\n"
    "  - match: {product: windows, category: create_remote_thread}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 8'\n"
    "  - match: {product: windows, category: process_tampering}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 25'\n"
    "  - match: {product: windows, category: wmi_event}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id in [19, 20, 21]'\n"
    "  - match: {product: windows, category: ps_script}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 4104'\n"
    "  - match: {product: windows, category: ps_module}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 4103'\n"
    "  - match: {product: windows, category: file_change}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id == 2'\n"
    "  - match: {product: windows, category: file_executable_detected}\n"
    "    kind: file\n"
    "    when: 'winlog.event_id == 29'\n"
    "  - match: {product: windows, category: raw_access_thread}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 9'\n"
    "  - match: {product: windows, category: process_termination}\n"
    "    kind: process\n"
    "    when: 'winlog.event_id == 5'\n"
    "  - match: {product: windows, category: sysmon_status}\n"
    "    kind: configuration\n"
    "    when: 'winlog.event_id in [4, 16]'\n"
    "  - match: {product: windows, category: sysmon_error}\n"
    "    kind: configuration\n"
    "    channel: Microsoft-Windows-Sysmon/Operational\n"
    "    when: 'winlog.event_id == 255'\n"
    "    fields:\n"
    "      Description: error.message\n"
    "  # classic Windows PowerShell: its Data text's Name=Value lines\n"
    "  - match: {product: windows, category: ps_classic_start}\n"
    "    kind: process\n"
    "    channel: Windows PowerShell\n"
    "    when: 'winlog.event_id == 400'\n"
    "    fields:\n"
    "      CommandLine: powershell.command.value\n"
    "      CommandName: powershell.command.name\n"
    "      CommandType: powershell.command.type\n"
    "      CommandPath: powershell.command.path\n"
    "      ProviderName: powershell.provider.name\n"
    "  - match: {product: windows, category: ps_classic_provider_start}\n"
    "    kind: process\n"
    "    channel: Windows PowerShell\n"
    "    when: 'winlog.event_id == 600'\n"
    "    fields:\n"
    "      CommandLine: powershell.command.value\n"
    "      CommandName: powershell.command.name\n"
    "      CommandType: powershell.command.type\n"
    "      CommandPath: powershell.command.path\n"
    "      ProviderName: powershell.provider.name\n"
    "  - match: {product: windows, category: ps_classic_script}\n"
    "    kind: process\n"
    "    channel: Windows PowerShell\n"
    "    when: 'winlog.event_id == 800'\n"
    "    fields:\n"
    "      CommandLine: powershell.command.value\n"
    "      CommandName: powershell.command.name\n"
    "      CommandType: powershell.command.type\n"
    "      CommandPath: powershell.command.path\n"
    "      ProviderName: powershell.provider.name\n"
    "  # a log by its service: the channel is the test\n"
    "  - match: {product: windows, service: sysmon}\n"
    "    channel: Microsoft-Windows-Sysmon/Operational\n"
    "  - match: {product: windows, service: security}\n"
    "    channel: Security\n"
    "  - match: {product: windows, service: system}\n"
    "    channel: System\n"
    "    keywords: [winlog.event_data.Data, winlog.event_data.HiveName]\n"
    "  - match: {product: windows, service: powershell}\n"
    "    channel: Microsoft-Windows-PowerShell/Operational\n"
    "  - match: {product: windows, service: powershell-classic}\n"
    "    channel: Windows PowerShell\n"
    "    fields:\n"
    "      CommandLine: powershell.command.value\n"
    "      CommandName: powershell.command.name\n"
    "      CommandType: powershell.command.type\n"
    "      CommandPath: powershell.command.path\n"
    "      ProviderName: powershell.provider.name\n"
    "  - match: {product: windows, service: application}\n"
    "    kind: configuration\n"
    "    channel: Application\n"
    "  - match: {product: windows, service: windefend}\n"
    "    channel: Microsoft-Windows-Windows Defender/Operational\n"
    "  - match: {product: windows, service: bits-client}\n"
    "    channel: Microsoft-Windows-Bits-Client/Operational\n"
    "    fields:\n"
    "      processPath: process.executable\n"
    "      processId: process.pid\n"
    "  - match: {product: windows, service: codeintegrity-operational}\n"
    "    channel: Microsoft-Windows-CodeIntegrity/Operational\n"
    "    fields:\n"
    "      FileNameBuffer: dll.path\n"
    "      ProcessNameBuffer: process.executable\n"
    "  - match: {product: windows, service: applocker}\n"
    "    channel: [Microsoft-Windows-AppLocker/EXE and DLL, Microsoft-Windows-AppLocker/MSI and Script, Microsoft-Windows-AppLocker/Packaged app-Execution, Microsoft-Windows-AppLocker/Packaged app-Deployment]\n"
    "  - match: {product: windows, service: appxdeployment-server}\n"
    "    channel: Microsoft-Windows-AppXDeploymentServer/Operational\n"
    "  - match: {product: windows, service: appxpackaging-om}\n"
    "    channel: Microsoft-Windows-AppxPackaging/Operational\n"
    "  - match: {product: windows, service: dns-client}\n"
    "    channel: Microsoft-Windows-DNS-Client/Operational\n"
    "  - match: {product: windows, service: dns-server}\n"
    "    channel: DNS Server\n"
    "  - match: {product: windows, service: firewall-as}\n"
    "    channel: Microsoft-Windows-Windows Firewall With Advanced Security/Firewall\n"
    "  - match: {product: windows, service: msexchange-management}\n"
    "    kind: configuration\n"
    "    channel: MSExchange Management\n"
    "  - match: {product: windows, service: ntlm}\n"
    "    channel: Microsoft-Windows-NTLM/Operational\n"
    "    fields:\n"
    "      CallerPID: process.pid\n"
    "  - match: {product: windows, service: smbclient-security}\n"
    "    channel: Microsoft-Windows-SmbClient/Security\n"
    "  - match: {product: windows, service: taskscheduler}\n"
    "    channel: Microsoft-Windows-TaskScheduler/Operational\n"
    "  - match: {product: windows, service: security-mitigations}\n"
    "    channel: [Microsoft-Windows-Security-Mitigations/KernelMode, Microsoft-Windows-Security-Mitigations/UserMode]\n"
    "    fields:\n"
    "      ProcessPath: process.executable\n"
    "      ProcessCommandLine: process.command_line\n"
    "  - match: {product: windows, service: iis-configuration}\n"
    "    channel: Microsoft-IIS-Configuration/Operational\n"
    "  # product windows alone: any Windows record (the kind from the fields)\n"
    "  - match: {product: windows, category: '', service: ''}\n"
    "    when: 'host.os.type == \"windows\"'\n";

const char *pal_sigma_map_builtin_text(void) { return builtin_text; }

/* ---- reading ---- */

static const char *dup_scalar(pal_sigma_map *m, const pal_yaml *n)
{
    return n && n->kind == PAL_YAML_SCALAR ? pal_arena_strndup(&m->arena, n->str, n->len) : NULL;
}

static int bad(const pal_yaml_doc *doc, const pal_yaml *at, char *err, size_t cap, const char *what)
{
    pal_yaml_error(doc, at, err, cap, "%s", what);
    return -1;
}

/* One `Sigma: palisade` entry of a `fields` table. */
static int read_field(pal_sigma_map *m, const pal_yaml_doc *doc, const pal_yaml *k, const pal_yaml *v,
                      sigma_field_map *f, char *err, size_t cap)
{
    memset(f, 0, sizeof *f);
    f->sigma = dup_scalar(m, k);
    if (v->kind == PAL_YAML_SCALAR) {
        f->kind = SM_FIELD;
        f->target = dup_scalar(m, v);
        return f->sigma && f->target ? 0 : bad(doc, v, err, cap, "out of memory");
    }
    if (v->kind != PAL_YAML_MAP || (v->n != 1 && !pal_yaml_get(v, "values")))
        return bad(doc, v, err, cap, "a field maps to a palisade field name, {split: [...]}, {hashes: {...}} or {field: F, values: {...}}");
    const pal_yaml *split = pal_yaml_get(v, "split"), *hashes = pal_yaml_get(v, "hashes"),
                   *values = pal_yaml_get(v, "values"), *field = pal_yaml_get(v, "field");
    if (split) {
        if (split->kind != PAL_YAML_SEQ || split->n != 2 || split->items[0]->kind != PAL_YAML_SCALAR ||
            split->items[1]->kind != PAL_YAML_SCALAR)
            return bad(doc, split, err, cap, "split takes two field names: [DOMAIN_FIELD, NAME_FIELD]");
        f->kind = SM_SPLIT;
        f->split[0] = dup_scalar(m, split->items[0]);
        f->split[1] = dup_scalar(m, split->items[1]);
        return 0;
    }
    if (hashes) {
        static const char *const names[SM__NHASH] = {"md5", "sha1", "sha256", "imphash"};
        if (hashes->kind != PAL_YAML_MAP) return bad(doc, hashes, err, cap, "hashes takes {md5: F, sha1: F, sha256: F, imphash: F}");
        f->kind = SM_HASHES;
        for (unsigned i = 0; i < hashes->n; i++) {
            const pal_yaml *hk = hashes->items[2 * i], *hv = hashes->items[2 * i + 1];
            int which = -1;
            for (int j = 0; j < SM__NHASH; j++)
                if (!strcasecmp(hk->str, names[j])) which = j;
            if (which < 0 || hv->kind != PAL_YAML_SCALAR)
                return bad(doc, hk, err, cap, "hashes has md5, sha1, sha256 and imphash, each a field name");
            f->hash[which] = dup_scalar(m, hv);
        }
        return 0;
    }
    if (values && field && field->kind == PAL_YAML_SCALAR && values->kind == PAL_YAML_MAP && v->n == 2) {
        f->kind = SM_VALUES;
        f->target = dup_scalar(m, field);
        f->nvalues = values->n;
        f->from = pal_arena_alloc(&m->arena, (values->n + 1) * sizeof *f->from);
        f->to = pal_arena_alloc(&m->arena, (values->n + 1) * sizeof *f->to);
        if (!f->from || !f->to) return bad(doc, v, err, cap, "out of memory");
        for (unsigned i = 0; i < values->n; i++) {
            if (values->items[2 * i + 1]->kind != PAL_YAML_SCALAR)
                return bad(doc, values->items[2 * i + 1], err, cap, "a value maps to a value");
            f->from[i] = dup_scalar(m, values->items[2 * i]);
            f->to[i] = dup_scalar(m, values->items[2 * i + 1]);
        }
        return 0;
    }
    return bad(doc, v, err, cap, "a field maps to a palisade field name, {split: [...]}, {hashes: {...}} or {field: F, values: {...}}");
}

static int read_fields(pal_sigma_map *m, const pal_yaml_doc *doc, const pal_yaml *t, sigma_field_map **out,
                       unsigned *n, char *err, size_t cap)
{
    if (t->kind != PAL_YAML_MAP) return bad(doc, t, err, cap, "fields is a table: SigmaField: palisade.field");
    *out = pal_arena_alloc(&m->arena, (t->n + 1) * sizeof **out);
    if (!*out) return bad(doc, t, err, cap, "out of memory");
    *n = t->n;
    for (unsigned i = 0; i < t->n; i++)
        if (read_field(m, doc, t->items[2 * i], t->items[2 * i + 1], &(*out)[i], err, cap) != 0) return -1;
    return 0;
}

static int read_source(pal_sigma_map *m, const pal_yaml_doc *doc, const pal_yaml *e, sigma_source *s,
                       char *err, size_t cap)
{
    static const char *const keys[] = {"match", "kind", "channel", "when", "fields", "keywords", NULL};
    static const char *const match_keys[] = {"product", "category", "service", NULL};
    memset(s, 0, sizeof *s);
    s->line = e->line;
    if (e->kind != PAL_YAML_MAP) return bad(doc, e, err, cap, "a logsource entry is a table with match, kind, when, fields, keywords");
    if (pal_yaml_known_keys(doc, e, "a logsource entry", keys, err, cap) != 0) return -1;
    const pal_yaml *match = pal_yaml_get(e, "match");
    if (!match || match->kind != PAL_YAML_MAP || match->n == 0)
        return bad(doc, e, err, cap, "a logsource entry needs match: {product: ..., category: ..., service: ...}");
    if (pal_yaml_known_keys(doc, match, "match", match_keys, err, cap) != 0) return -1;
    s->product = dup_scalar(m, pal_yaml_get(match, "product"));
    s->category = dup_scalar(m, pal_yaml_get(match, "category"));
    s->service = dup_scalar(m, pal_yaml_get(match, "service"));
    const pal_yaml *kind = pal_yaml_get(e, "kind"), *when = pal_yaml_get(e, "when"),
                   *fields = pal_yaml_get(e, "fields"), *kw = pal_yaml_get(e, "keywords");
    if (kind && kind->kind != PAL_YAML_SCALAR) return bad(doc, kind, err, cap, "kind is an event kind: process, network, dns, file");
    if (when && when->kind != PAL_YAML_SCALAR) return bad(doc, when, err, cap, "when is a palisade condition, as text");
    s->kind = dup_scalar(m, kind);
    s->when = dup_scalar(m, when);
    const pal_yaml *ch = pal_yaml_get(e, "channel");
    if (ch) {
        const pal_yaml *one[1] = {ch};
        const pal_yaml *const *items = ch->kind == PAL_YAML_SEQ ? (const pal_yaml *const *)ch->items : one;
        unsigned n = ch->kind == PAL_YAML_SEQ ? ch->n : 1;
        if (!n) return bad(doc, ch, err, cap, "channel is a Windows channel name, or a list of them");
        s->channels = pal_arena_alloc(&m->arena, n * sizeof *s->channels);
        if (!s->channels) return bad(doc, ch, err, cap, "out of memory");
        for (unsigned i = 0; i < n; i++) {
            if (items[i]->kind != PAL_YAML_SCALAR || !items[i]->len || memchr(items[i]->str, '"', items[i]->len) ||
                memchr(items[i]->str, '\\', items[i]->len))
                return bad(doc, items[i], err, cap, "channel is a Windows channel name (no quote or backslash), or a "
                           "list of them");
            s->channels[i] = dup_scalar(m, items[i]);
        }
        s->nchannels = n;
    }
    if (fields && read_fields(m, doc, fields, &s->fields, &s->nfields, err, cap) != 0) return -1;
    if (kw && kw->kind == PAL_YAML_SCALAR && !strcmp(kw->str, "all")) {
        s->keywords_all = true;
    } else if (kw) {
        if (kw->kind != PAL_YAML_SEQ) return bad(doc, kw, err, cap, "keywords is a list of field names, or all");
        s->keywords = pal_arena_alloc(&m->arena, (kw->n + 1) * sizeof *s->keywords);
        if (!s->keywords) return bad(doc, kw, err, cap, "out of memory");
        for (unsigned i = 0; i < kw->n; i++) {
            if (kw->items[i]->kind != PAL_YAML_SCALAR) return bad(doc, kw->items[i], err, cap, "keywords is a list of field names");
            s->keywords[i] = dup_scalar(m, kw->items[i]);
        }
        s->nkeywords = kw->n;
    }
    return 0;
}

pal_sigma_map *pal_sigma_map_parse(const char *file, const char *text, size_t len, char *err, size_t errcap)
{
    if (!text) { file = "(built-in mapping)"; text = builtin_text; len = sizeof builtin_text - 1; }
    pal_yaml_doc doc;
    pal_yaml_limits lim = {PAL_YAML_MAX_BYTES, PAL_YAML_MAX_NODES, PAL_YAML_MAX_DEPTH};
    if (pal_yaml_parse(&doc, file, text, len, &lim, err, errcap) != 0) return NULL;
    pal_sigma_map *m = calloc(1, sizeof *m);
    if (!m) { snprintf(err, errcap, "%s: out of memory", file); pal_yaml_free(&doc); return NULL; }
    pal_arena_init(&m->arena, 64u << 20);
    static const char *const keys[] = {"fields", "fallback", "keywords", "logsources", NULL};
    const pal_yaml *root = doc.root;
    int rc = 0;
    m->file = pal_arena_strndup(&m->arena, file, strlen(file));
    if (!root || root->kind != PAL_YAML_MAP) rc = bad(&doc, root, err, errcap, "a mapping is a table with fields, fallback and logsources");
    if (!rc) rc = pal_yaml_known_keys(&doc, root, "a mapping", keys, err, errcap);
    const pal_yaml *fields = rc ? NULL : pal_yaml_get(root, "fields");
    const pal_yaml *fb = rc ? NULL : pal_yaml_get(root, "fallback");
    const pal_yaml *ls = rc ? NULL : pal_yaml_get(root, "logsources");
    if (!rc && fields) rc = read_fields(m, &doc, fields, &m->fields, &m->nfields, err, errcap);
    const pal_yaml *kw = rc ? NULL : pal_yaml_get(root, "keywords");
    if (!rc && kw) {
        if (kw->kind != PAL_YAML_SCALAR || strcmp(kw->str, "all") != 0) rc = bad(&doc, kw, err, errcap, "the top-level keywords is `all` (lists go in a logsource entry)");
        else m->keywords_all = true;
    }
    if (!rc && fb) {
        if (fb->kind != PAL_YAML_SCALAR) rc = bad(&doc, fb, err, errcap, "fallback is a field-name prefix: winlog.event_data.");
        else m->fallback = dup_scalar(m, fb);
    }
    if (!rc && (!ls || ls->kind != PAL_YAML_SEQ))
        rc = bad(&doc, ls ? ls : root, err, errcap, "a mapping needs logsources: a list of {match: ..., kind: ..., when: ...}");
    if (!rc) {
        m->sources = pal_arena_alloc(&m->arena, (ls->n + 1) * sizeof *m->sources);
        if (!m->sources) rc = bad(&doc, ls, err, errcap, "out of memory");
        for (unsigned i = 0; !rc && i < ls->n; i++)
            rc = read_source(m, &doc, ls->items[i], &m->sources[i], err, errcap);
        if (!rc) m->nsources = ls->n;
    }
    pal_yaml_free(&doc);
    if (rc) { pal_sigma_map_free(m); return NULL; }
    return m;
}

pal_sigma_map *pal_sigma_map_load(const char *path, char *err, size_t errcap)
{
    char *buf;
    size_t n;
    int r = pal_read_file(path, PAL_YAML_MAX_BYTES, &buf, &n, err, errcap);
    if (r == PAL_READ_TOO_LARGE) snprintf(err, errcap, "%s: larger than the 4 MiB a mapping may have", path);
    if (r != PAL_READ_OK) return NULL;
    pal_sigma_map *m = pal_sigma_map_parse(path, buf, n, err, errcap);
    free(buf);
    return m;
}

void pal_sigma_map_free(pal_sigma_map *m)
{
    if (!m) return;
    pal_arena_free(&m->arena);
    free(m);
}

/* ---- lookups ---- */

/* want NULL: any; "": the rule has none; else the same without case. */
static bool agrees(const char *want, const char *have)
{
    if (want && !*want) return !have || !*have;
    return !want || (have && !strcasecmp(want, have));
}

const sigma_source *sigma_map_source(const pal_sigma_map *m, const char *product, const char *category,
                                     const char *service)
{
    for (unsigned i = 0; i < m->nsources; i++) {
        const sigma_source *s = &m->sources[i];
        if (agrees(s->product, product) && agrees(s->category, category) && agrees(s->service, service)) return s;
    }
    return NULL;
}

const sigma_field_map *sigma_map_field(const pal_sigma_map *m, const sigma_source *src, const char *name)
{
    for (unsigned i = 0; src && i < src->nfields; i++)
        if (!strcmp(src->fields[i].sigma, name)) return &src->fields[i];
    for (unsigned i = 0; i < m->nfields; i++)
        if (!strcmp(m->fields[i].sigma, name)) return &m->fields[i];
    return NULL;
}
