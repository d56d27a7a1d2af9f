/*
 * palisade.c — the public API (palisade.h) over the library's stages.
 *
 * Each function is a thin composition of what the commands use: the
 * compile driver (lang/compile/palc.h), the bundle reader that verifies
 * before anything runs (engine/vm/bundle.h), the decoders and the runtime
 * (engine/decode, engine/runtime), the inventory reader and the check
 * runner.  Nothing here decides anything the commands would decide
 * differently; a decision line from palisade_decide is the line `palisade
 * eval` prints for the same event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "engine/palisade.h"
#include "engine/base/about.h"
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/decode/decode.h"
#include "engine/inventory/inventory.h"
#include "engine/runtime/checks.h"
#include "engine/runtime/runtime.h"
#include "engine/report/report.h"
#include "engine/scan/scan.h"
#include "engine/vm/bundle.h"
#include "engine/vm/program.h"
#include "lang/compile/palc.h"

_Static_assert(PE_ALERT - PE_ALLOW == PALISADE_ALERT && PE_PREVENT - PE_ALLOW == PALISADE_PREVENT &&
               PE_BLOCK - PE_ALLOW == PALISADE_BLOCK, "public effects follow the internal order");

struct palisade_policy {
    pal_program *p;
};

struct palisade_decider {
    const pal_program *p;
    pal_runtime *rt;
    pal_arena arena;          /* the decoded event, reset per call */
    char *line;               /* the last decision line */
};

PALISADE_API const char *palisade_version(void) { return PALISADE_VERSION; }

PALISADE_API void palisade_free(void *p) { free(p); }

/* ---- policies ---- */

typedef struct { palisade_message_fn fn; void *user; } diag_sink;

/* A diagnostic formatted exactly as `palisade build` prints it. */
static void diag_to_message(const pal_diagnostic *d, void *user)
{
    diag_sink *s = user;
    if (!s->fn) return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return;
    pal_diag_print(d, f);
    if (fclose(f) == 0 && text) {
        while (len && text[len - 1] == '\n') text[--len] = 0;
        s->fn(s->user, text);
    }
    free(text);
}

static palisade_policy *wrap(pal_program *p)
{
    if (!p) return NULL;
    palisade_policy *pp = malloc(sizeof *pp);
    if (!pp) { pal_program_free(p); return NULL; }
    pp->p = p;
    return pp;
}

PALISADE_API palisade_policy *palisade_compile(const char *path, palisade_message_fn diag, void *user,
                                               unsigned *nerrors)
{
    diag_sink sink = {diag, user};
    pal_compile_opts o;
    memset(&o, 0, sizeof o);
    o.diag = diag_to_message;
    o.diag_user = &sink;
    unsigned errors = 0, warnings = 0;
    pal_program *p = pal_compile_dir(path, &o, &errors, &warnings);
    if (nerrors) *nerrors = errors;
    return wrap(p);
}

/* The trusted key from its file text, or no key. */
static int trusted_of(const char *key_text, pal_pubkey *key, const pal_pubkey **out, char *err, size_t errcap)
{
    *out = NULL;
    if (!key_text) return 0;
    char why[256];
    if (pal_pubkey_parse(key_text, strlen(key_text), key, why, sizeof why) != 0)
        return pal_set_err(err, errcap, "trusted key: %s", why);
    *out = key;
    return 0;
}

PALISADE_API palisade_policy *palisade_load(const void *bundle, size_t len, const char *trusted_key,
                                            char *err, size_t errcap)
{
    pal_pubkey key;
    const pal_pubkey *trusted;
    if (trusted_of(trusted_key, &key, &trusted, err, errcap) != 0) return NULL;
    pal_program *p = NULL;
    if (pal_bundle_open(bundle, len, trusted, NULL, &p, err, errcap) != 0) return NULL;
    palisade_policy *pp = wrap(p);
    if (!pp) pal_set_err(err, errcap, "out of memory");
    return pp;
}

PALISADE_API palisade_policy *palisade_load_file(const char *path, const char *trusted_key,
                                                 char *err, size_t errcap)
{
    pal_pubkey key;
    const pal_pubkey *trusted;
    if (trusted_of(trusted_key, &key, &trusted, err, errcap) != 0) return NULL;
    pal_program *p = NULL;
    if (pal_bundle_load_verified(path, trusted, NULL, &p, err, errcap) != 0) return NULL;
    palisade_policy *pp = wrap(p);
    if (!pp) pal_set_err(err, errcap, "out of memory");
    return pp;
}

PALISADE_API int palisade_verify(const void *bundle, size_t len, const char *trusted_key, char *err, size_t errcap)
{
    palisade_policy *p = palisade_load(bundle, len, trusted_key, err, errcap);
    if (!p) return -1;
    palisade_policy_free(p);
    return 0;
}

PALISADE_API int palisade_save(const palisade_policy *p, const char *path, char *err, size_t errcap)
{
    return pal_bundle_save(p->p, path, err, errcap) == 0 ? 0 : -1;
}

PALISADE_API const char *palisade_revision(const palisade_policy *p)
{
    return pal_program_str(p->p, p->p->revision);
}

PALISADE_API void palisade_policy_free(palisade_policy *p)
{
    if (!p) return;
    pal_program_free(p->p);
    free(p);
}

/* ---- events ---- */

PALISADE_API palisade_decider *palisade_decider_new(const palisade_policy *p)
{
    palisade_decider *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->p = p->p;
    d->rt = pal_runtime_new(p->p);
    if (!d->rt) { free(d); return NULL; }
    pal_arena_init(&d->arena, 64u << 20);
    return d;
}

static const char *error_line(palisade_decider *d, const char *why)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "effect", "allow");
    cJSON_AddArrayToObject(o, "matches");
    cJSON_AddStringToObject(o, "error", why);
    cJSON_AddStringToObject(o, "revision", pal_program_str(d->p, d->p->revision));
    free(d->line);
    d->line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return d->line;
}

PALISADE_API int palisade_decide(palisade_decider *d, const char *event, size_t len, const char **decision)
{
    char err[512];
    err[0] = 0;
    const char *line;
    int effect = -1;
    pal_arena_reset(&d->arena);
    pal_event ev;
    pal_decision dec;
    if (len > PAL_MAX_EVENT_LINE) {
        snprintf(err, sizeof err, "event longer than %u bytes", PAL_MAX_EVENT_LINE);
        line = error_line(d, err);
    } else if (pal_event_decode(event, len, PAL_INPUT_AUTO, d->p->event_fields_used, &d->arena, &ev,
                                err, sizeof err) != 0) {
        line = error_line(d, err[0] ? err : "the event could not be decoded");
    } else if (pal_decide_event(d->rt, &ev, &dec) != 0) {
        line = error_line(d, "out of memory deciding this event");
    } else {
        dec.warning = err[0] ? err : NULL;
        free(d->line);
        d->line = pal_decision_json(d->rt, &dec, -1);
        line = d->line ? d->line : error_line(d, "out of memory writing the decision");
        if (d->line) effect = dec.effect - PE_ALLOW;   /* PE_ALLOW..PE_BLOCK -> PALISADE_ALLOW.. */
    }
    if (decision) *decision = line;
    return effect;
}

PALISADE_API void palisade_decider_free(palisade_decider *d)
{
    if (!d) return;
    pal_runtime_free(d->rt);
    pal_arena_free(&d->arena);
    free(d->line);
    free(d);
}

/* ---- images ---- */

PALISADE_API char *palisade_inventory(const char *image_path, char *err, size_t errcap)
{
    pal_inventory_opts o = {.hashes = true, .content_max = 0};
    cJSON *inv = NULL;
    char why[1024];
    if (pal_inventory_read(image_path, &o, &inv, why, sizeof why) != 0) {
        /* the reader's message is about the image; say which one */
        if (strstr(why, image_path)) pal_set_err(err, errcap, "%s", why);
        else pal_set_err(err, errcap, "%s: %s", image_path, why);
        return NULL;
    }
    char *s = cJSON_PrintUnformatted(inv);
    cJSON_Delete(inv);
    if (!s) pal_set_err(err, errcap, "%s: out of memory writing the inventory", image_path);
    return s;
}

typedef struct {
    const pal_program *p;
    cJSON *checks, *cur, *findings;
} check_json;

static void check_starting(void *user, uint32_t rule)
{
    check_json *c = user;
    c->cur = cJSON_CreateObject();
    cJSON_AddStringToObject(c->cur, "id", pal_program_str(c->p, c->p->rules[rule].name));
    c->findings = cJSON_CreateArray();
}

static int check_finding(void *user, const pal_check_finding *f)
{
    check_json *c = user;
    cJSON *x = cJSON_CreateObject();
    if (!x) return -1;
    cJSON_AddStringToObject(x, "severity", pal_severity_name(f->severity));
    cJSON_AddStringToObject(x, "message", f->message);
    if (f->element) {
        char *e = strndup(f->element, f->element_len);
        if (e) cJSON_AddStringToObject(x, "element", e);
        free(e);
    }
    cJSON_AddItemToArray(c->findings, x);
    return 0;
}

static int check_done(void *user, const pal_check_result *r)
{
    check_json *c = user;
    cJSON_AddStringToObject(c->cur, "status", r->vm_error ? "error" : r->nfindings ? "fail" : "pass");
    cJSON_AddItemToObject(c->cur, "findings", c->findings);
    if (r->vm_error) cJSON_AddStringToObject(c->cur, "error", pal_vm_strerror(r->vm_error));
    cJSON_AddItemToArray(c->checks, c->cur);
    c->cur = c->findings = NULL;
    return 0;
}

PALISADE_API char *palisade_check(const palisade_policy *pp, const char *inventory_json, size_t len,
                                  char *err, size_t errcap)
{
    const pal_program *p = pp->p;
    cJSON *inv = cJSON_ParseWithLength(inventory_json, len);
    if (!inv || !cJSON_IsObject(inv)) {
        cJSON_Delete(inv);
        pal_set_err(err, errcap, "the inventory is not a JSON object (write one with palisade_inventory)");
        return NULL;
    }
    const cJSON *os = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inv, "image"), "os");
    bool windows = cJSON_IsString(os) && !strcmp(os->valuestring, "windows");
    pal_arena a;
    pal_arena_init(&a, 0);
    pal_record rec;
    char why[512];
    char *out = NULL;
    if (pal_record_from_json(pal_schema_get(PS_IMAGE), inv, windows, &a, &rec, why, sizeof why) != 0) {
        pal_set_err(err, errcap, "the inventory cannot be read: %s", why);
        goto done;
    }
    pal_vm *vm = pal_vm_new(p);
    cJSON *doc = cJSON_CreateObject();
    check_json c = {p, cJSON_AddArrayToObject(doc, "checks"), NULL, NULL};
    cJSON_AddStringToObject(doc, "revision", pal_program_str(p, p->revision));
    pal_check_sink sink = {check_finding, check_done, check_starting, &c};
    int rc = vm ? pal_checks_run(vm, p, NULL, 0, &rec, &sink) : -1;
    cJSON_Delete(c.cur);
    cJSON_Delete(c.findings);
    if (rc == 0) out = cJSON_PrintUnformatted(doc);
    if (!out) pal_set_err(err, errcap, "out of memory running the checks");
    cJSON_Delete(doc);
    pal_vm_free(vm);
done:
    pal_arena_free(&a);
    cJSON_Delete(inv);
    return out;
}

PALISADE_API char *palisade_scan(const palisade_policy *pp, const char *image_path, const char *const *feeds,
                                 char *err, size_t errcap)
{
    pal_scan_program prog = {pp->p, "policy", false};
    pal_scan_opts o;
    memset(&o, 0, sizeof o);
    o.image = image_path;
    o.programs = &prog;
    o.nprograms = 1;
    unsigned nfeeds = 0;
    while (feeds && feeds[nfeeds]) nfeeds++;
    o.feeds = feeds;
    o.nfeeds = nfeeds;
    rpt_report r;
    char *out = NULL;
    if (pal_scan_run(&o, &r, NULL, err, errcap) == 0) {
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        int rc = f ? rpt_write(&r, RF_JSON, f) : -1;
        if (f && fclose(f) != 0) rc = -1;
        if (rc != 0) {
            free(out);
            out = NULL;
            pal_set_err(err, errcap, "out of memory writing the report");
        }
    }
    rpt_free(&r);
    return out;
}
