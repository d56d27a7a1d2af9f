/*
 * test_winevents.c — the Windows mapping tables (engine/core/winevents.h)
 * against the event schema: every target is a field of the kinds of the
 * events it is read for, and every record has one row.
 */
#include "tests/unit/unit.h"
#include "engine/core/schema.h"
#include "engine/core/winevents.h"
#include "engine/decode/decode.h"
#include "engine/vm/program.h"

#include <stdlib.h>

static int field_of(const char *name)
{
    return pal_schema_find(pal_schema_get(PS_EVENT), name, strlen(name));
}

/* The kinds an event of (src, id) has, 0 when no row says. */
static unsigned kind_of(unsigned src, int64_t id)
{
    const pal_win_event *e = pal_win_event_find(src, id);
    return e ? e->kind : 0;
}

static void targets_are_fields(void)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (size_t i = 0; i < pal_win_nfields; i++) {
        const pal_win_field *f = &pal_win_fields[i];
        char name[128];
        if (f->conv == PWC_HASHES) snprintf(name, sizeof name, "%s.hash.sha256", f->field);
        else snprintf(name, sizeof name, "%s", f->field);
        int fi = field_of(name);
        if (fi < 0) { fprintf(stderr, "row %zu (%s): no field %s\n", i, f->key, name); CHECK(fi >= 0); continue; }
        CHECK(1);
        /* every record the row is read for carries the field: a row for
           every record of its source too, else a rule reading it would be
           inferred to run on kinds some of those records are not, and
           would silently never see them */
        for (size_t j = 0; j < pal_win_nevents; j++) {
            const pal_win_event *e = &pal_win_events[j];
            if (f->ids[0] ? !pal_win_field_applies(f, e->source, e->id) : f->source != e->source) continue;
            if (!(s->fields[fi].kinds & e->kind)) {
                fprintf(stderr, "row %zu: %s is not a field of %s events (EventID %u)\n", i, name,
                        pal_kind_name(e->kind), e->id);
                CHECK(0);
            }
        }
        /* a row for an EventID names one that is in the event table */
        for (unsigned k = 0; k < PAL_WIN_IDS && f->ids[k]; k++)
            if (!pal_win_event_find(f->source, f->ids[k])) {
                fprintf(stderr, "row %zu (%s): EventID %u has no event row\n", i, f->key, f->ids[k]);
                CHECK(0);
            }
    }
}

static void sources(void)
{
    CHECK_INT(pal_win_source_of_channel("microsoft-windows-sysmon/operational", 36), PW_SYSMON);
    CHECK_INT(pal_win_source_of_channel("Security", 8), PW_SECURITY);
    CHECK_INT(pal_win_source_of_channel("Application", 11), PW_APPLICATION);
    CHECK_INT(pal_win_source_of_channel("Setup", 5), PW_NONE);
    /* a log of several channels, a log of several providers */
    CHECK_INT(pal_win_source_of_channel("Microsoft-Windows-AppLocker/MSI and Script", 42), PW_APPLOCKER);
    CHECK_INT(pal_win_source_of_channel("microsoft-windows-applocker/exe and dll", 39), PW_APPLOCKER);
    CHECK_INT(pal_win_source_of_provider("Microsoft-Windows-Kernel-General", 32), PW_SYSTEM);
    CHECK_INT(pal_win_source_of_channel("Windows PowerShell", 18), PW_PS_CLASSIC);
    /* System's rows are the provider's: 16 is Kernel-General's */
    CHECK(pal_win_event_find_for(PW_SYSTEM, "Microsoft-Windows-Kernel-General", 32, 16) != NULL);
    CHECK(pal_win_event_find_for(PW_SYSTEM, "Microsoft-Windows-Kernel-Power", 30, 16) == NULL);
    CHECK(pal_win_event_find_for(PW_SYSTEM, NULL, 0, 16) != NULL);
    CHECK(pal_win_event_find_for(PW_SYSTEM, "Service Control Manager", 23, 7023) != NULL);
    CHECK(pal_win_event_find_for(PW_SYSTEM, "Microsoft-Windows-Eventlog", 26, 7045) == NULL);
    /* Application: any EventID, any provider */
    CHECK(pal_win_event_find_for(PW_APPLICATION, "MsiInstaller", 12, 1034) != NULL);
    CHECK(pal_win_event_find(PW_APPLICATION, 33205) == pal_win_event_find(PW_APPLICATION, 1));
    CHECK(pal_win_event_find(PW_DEFENDER, 1) == NULL);
    CHECK_STR(pal_win_user_data_element(PW_APPLOCKER, 8003), "RuleAndFileData");
    CHECK(pal_win_user_data_element(PW_SECURITY, 4624) == NULL);
    CHECK_INT(pal_win_source_of_provider("Microsoft-Windows-Security-Auditing", 35), PW_SECURITY);
    CHECK_INT(pal_win_source_of_provider("Service Control Manager", 23), PW_SYSTEM);
    CHECK_INT(pal_win_source_of_id(1), PW_SYSMON);
    CHECK_INT(pal_win_source_of_id(255), PW_SYSMON);
    CHECK_INT(pal_win_source_of_id(4688), PW_SECURITY);
    CHECK_INT(pal_win_source_of_id(7045), PW_SYSTEM);
    CHECK_INT(pal_win_source_of_id(4104), PW_POWERSHELL);
    CHECK_INT(pal_win_source_of_id(4103), PW_POWERSHELL);
    CHECK_INT(pal_win_source_of_id(4105), PW_NONE);
    CHECK_INT(pal_win_source_of_id(1116), PW_DEFENDER);
    CHECK_INT(pal_win_source_of_id(400), PW_NONE);      /* AppX deployment's and classic PowerShell's */
    /* a flat record without channel or provider is told by its EventID:
       Sysmon's below 256, else the one log that has it, else none (its
       record must name the channel) */
    for (size_t i = 0; i < pal_win_nevents; i++) {
        unsigned id = pal_win_events[i].id, owner = PW_NONE, n = 0;
        if (!id) continue;
        for (unsigned k = PW_NONE + 1; k < PW__COUNT; k++) {
            const pal_win_event *e = pal_win_event_find(k, id);
            if (e && e->id == id) { owner = k; n++; }
        }
        CHECK_INT(pal_win_source_of_id(id), id <= 255 ? PW_SYSMON : n == 1 ? owner : PW_NONE);
    }
    /* every log has a label and a channel */
    for (unsigned k = PW_NONE + 1; k < PW__COUNT; k++) {
        CHECK(pal_win_source_get(k)->label[0] != 0);
        CHECK(pal_win_source_get(k)->channels[0] != NULL);
    }
}

static void kinds(void)
{
    CHECK_INT(kind_of(PW_SYSMON, 1), PK_PROCESS);
    CHECK_INT(kind_of(PW_SYSMON, 7), PK_LIBRARY);
    CHECK_INT(kind_of(PW_SYSMON, 13), PK_REGISTRY);
    CHECK_INT(kind_of(PW_SECURITY, 4625), PK_AUTH);
    CHECK_INT(kind_of(PW_SYSTEM, 7045), PK_CONFIG);
    CHECK_INT(kind_of(PW_SYSMON, 9), PK_PROCESS);
    CHECK_INT(kind_of(PW_SECURITY, 4698), PK_CONFIG);
    CHECK_INT(kind_of(PW_SECURITY, 5145), PK_NETWORK);
    CHECK_INT(kind_of(PW_SYSMON, 27), 0);    /* file block executable: not decided */
    CHECK_STR(pal_kind_name(PK_AUTH), "authentication");
    CHECK_INT(pal_kind_from_name("configuration", 13), PK_CONFIG);
    CHECK_INT(pal_kind_from_name("registry", 8), PK_REGISTRY);
    char ids[256];
    pal_win_event_ids(PW_SECURITY, ids, sizeof ids);
    CHECK_STR(ids, "4688, 4689, 4624, 4625, 4648, 5156, 5140, 5145, 4662, 4697, 4698, 4699, 4700, 4701, 4702, 4720, 4722, "
                   "4724, 4725, 4726, 4728, 4732, 4733, 4738, 4756, 1102, 5441, 5447, 4657, 4663, 4723, 4742, 4776, "
                   "6416");
    pal_win_event_ids(PW_APPLICATION, ids, sizeof ids);
    CHECK_STR(ids, "any");
    /* every kind of the event table has a name */
    for (size_t i = 0; i < pal_win_nevents; i++)
        CHECK(strcmp(pal_kind_name(pal_win_events[i].kind), "event") != 0);
}

/* lang/SPEC.md's tables are written from these: every EventID and every
   key and field of a row is in the SPEC (run from the repository root). */
static void spec_has_rows(void)
{
    FILE *f = fopen("lang/SPEC.md", "rb");
    CHECK(f != NULL);
    if (!f) return;
    static char spec[1 << 20];
    size_t n = fread(spec, 1, sizeof spec - 1, f);
    fclose(f);
    spec[n] = 0;
    const char *sec = strstr(spec, "### Windows events");
    CHECK(sec != NULL);
    if (!sec) return;
    for (size_t i = 0; i < pal_win_nevents; i++) {
        char row[32];
        if (pal_win_events[i].id) snprintf(row, sizeof row, "\n| %u | ", pal_win_events[i].id);
        else snprintf(row, sizeof row, "\n| any | ");
        if (!strstr(sec, row)) { fprintf(stderr, "SPEC has no row for EventID %u\n", pal_win_events[i].id); CHECK(0); }
        char action[64];
        snprintf(action, sizeof action, "`%s`", pal_win_events[i].action);
        if (!strstr(sec, action)) { fprintf(stderr, "SPEC does not name action %s\n", action); CHECK(0); }
    }
    for (size_t i = 0; i < pal_win_nfields; i++) {
        const pal_win_field *w = &pal_win_fields[i];
        char key[96], field[128];
        snprintf(key, sizeof key, "`%s`", w->key);
        snprintf(field, sizeof field, "`%s", w->field);   /* `process.hash.*` for a prefix */
        const char *ed = "winlog.event_data.";
        bool raw = !strncmp(w->field, ed, strlen(ed)) && !strcmp(w->field + strlen(ed), w->key);
        if (!strstr(sec, key) || (!raw && !strstr(sec, field))) {
            fprintf(stderr, "SPEC lacks the row %s -> %s\n", w->key, w->field);
            CHECK(0);
        } else {
            CHECK(1);
        }
    }
}

/* A decoded event keeps the original of every path field it rewrote. */
static void originals_fit(void)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    unsigned paths = 0;
    for (unsigned i = 0; i < s->nfields; i++) paths += s->fields[i].type == PT_PATH;
    CHECK(paths <= PAL_EVENT_ORIGINALS);
    CHECK(pal_win_nfields <= PAL_WIN_MAX_FIELDS);
    /* the event schema fits a program's field bitmap (and the decoder's
       DEC_MAX_FIELDS, 512); the adapter caches the rows of 256 records */
    CHECK(s->nfields <= 8u * PAL_FIELDS_BITMAP);
    CHECK(pal_win_nevents <= 256u);
}

int main(void)
{
    targets_are_fields();
    spec_has_rows();
    originals_fit();
    sources();
    kinds();
    return unit_result("test_winevents");
}
