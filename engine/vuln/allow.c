/*
 * allow.c — the CVE allow list: which known vulnerabilities a team has
 * accepted, why, and until when.
 *
 * Design.  An allow list is policy, so it is read strictly: an unknown key
 * (`expire:` for `expires:`), a missing id or a date that is not
 * YYYY-MM-DD is an error naming the file, line and entry — a typo must
 * never turn into "allows nothing" or "never expires".  YAML is read with
 * libyaml's event parser into the same cJSON shape the JSON form parses
 * to, so both go through one validator.  Every scalar stays a string (YAML
 * 1.1 would read 2027-01-31 as a timestamp and `no` as false); nesting and
 * node counts are bounded.  Expired entries are kept: a match on one is
 * reported as "allow-list entry expired", which is what a reviewer needs.
 */
#include "engine/vuln/vuln.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yaml.h>

/* An allow list is written by hand: these are generous. */
#define ALLOW_MAX_BYTES   (16u << 20)
#define ALLOW_MAX_ENTRIES 100000u
#define ALLOW_MAX_NODES   1000000u
#define ALLOW_MAX_DEPTH   16u
#define PATH_MAX_MSG      4200u   /* a file name (PAL_INV_MAX_PATH-ish) and a place */

/* cJSON nodes made from YAML remember their line in valueint of a hidden
   member so messages can point at the entry. */
#define LINE_KEY "\x01line"

struct pal_allowlist {
    pal_allow_entry *items;
    size_t n;
    char *strings;            /* one block holding every string */
};

static void set_err(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ YAML -> cJSON */

static cJSON *yaml_to_json(const char *file, const unsigned char *text, size_t len,
                           char *err, size_t errcap)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) { set_err(err, errcap, "%s: out of memory", file); return NULL; }
    yaml_parser_set_input_string(&p, text, len);
    cJSON *stack[ALLOW_MAX_DEPTH + 1];
    char *keys[ALLOW_MAX_DEPTH + 1];    /* pending key of a mapping level (NULL = expect a key) */
    int depth = 0;
    cJSON *root = NULL;
    size_t nodes = 0;
    bool done = false, failed = false;
    memset(keys, 0, sizeof keys);
    while (!done && !failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            set_err(err, errcap, "%s:%zu:%zu: %s%s%s", file, p.problem_mark.line + 1,
                    p.problem_mark.column + 1, p.problem ? p.problem : "YAML syntax error",
                    p.context ? " " : "", p.context ? p.context : "");
            failed = true;
            break;
        }
        size_t line = ev.start_mark.line + 1;
        cJSON *node = NULL;
        bool open = false, made = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (root) {
                set_err(err, errcap, "%s:%zu: more than one YAML document: keep one", file, line);
                failed = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            set_err(err, errcap, "%s:%zu: YAML aliases (*name) are not allowed in an allow list",
                    file, line);
            failed = true;
            break;
        case YAML_SCALAR_EVENT:
            if (depth > 0 && cJSON_IsObject(stack[depth - 1]) && !keys[depth - 1]) {
                keys[depth - 1] = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
                if (!keys[depth - 1]) failed = true;
                break;
            }
            node = cJSON_CreateString((const char *)ev.data.scalar.value);
            made = true;
            break;
        case YAML_SEQUENCE_START_EVENT:
            node = cJSON_CreateArray();
            open = made = true;
            break;
        case YAML_MAPPING_START_EVENT:
            node = cJSON_CreateObject();
            made = true;
            if (node) cJSON_AddNumberToObject(node, LINE_KEY, (double)line);
            open = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (made) {
            if (!node || ++nodes > ALLOW_MAX_NODES) {
                set_err(err, errcap, node ? "%s:%zu: more than %u YAML nodes" : "%s:%zu: out of memory",
                        file, line, ALLOW_MAX_NODES);
                cJSON_Delete(node);
                failed = true;
            } else if (depth == 0) {
                if (root) { cJSON_Delete(node); set_err(err, errcap, "%s:%zu: unexpected content", file, line); failed = true; }
                else root = node;
            } else {
                cJSON *parent = stack[depth - 1];
                if (cJSON_IsArray(parent)) cJSON_AddItemToArray(parent, node);
                else if (!keys[depth - 1]) {
                    set_err(err, errcap, "%s:%zu: a mapping key must be plain text", file, line);
                    cJSON_Delete(node);
                    failed = true;
                } else {
                    if (cJSON_GetObjectItemCaseSensitive(parent, keys[depth - 1])) {
                        set_err(err, errcap, "%s:%zu: key '%s' appears twice", file, line, keys[depth - 1]);
                        cJSON_Delete(node);
                        failed = true;
                    } else {
                        cJSON_AddItemToObject(parent, keys[depth - 1], node);
                    }
                    free(keys[depth - 1]);
                    keys[depth - 1] = NULL;
                }
            }
            if (open && !failed) {
                if (depth >= (int)ALLOW_MAX_DEPTH) {
                    set_err(err, errcap, "%s:%zu: nested deeper than %u levels", file, line, ALLOW_MAX_DEPTH);
                    failed = true;
                } else {
                    stack[depth++] = node;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    for (int i = 0; i <= (int)ALLOW_MAX_DEPTH; i++) free(keys[i]);
    yaml_parser_delete(&p);
    if (failed) { cJSON_Delete(root); return NULL; }
    if (!root) root = cJSON_CreateObject();          /* an empty file: an empty list */
    return root;
}

/* ------------------------------------------------------------ validation */

static int line_of(const cJSON *o)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, LINE_KEY);
    return cJSON_IsNumber(l) ? l->valueint : 0;
}

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.:", s[i])) return false;
    return true;
}

static long today_of(const char *today, char *err, size_t errcap)
{
    long d;
    if (today) {
        if (pal_date_days(today, &d) < 0) { set_err(err, errcap, "today '%s' is not YYYY-MM-DD", today); return -1; }
        return d;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return pal_date_days(buf, &d) == 0 ? d : 0;
}

pal_allowlist *pal_allowlist_load(const char *file, const char *today, pal_feed_report *rep,
                                  char *err, size_t errcap)
{
    long now = today_of(today, err, errcap);
    if (now < 0) return NULL;
    char why[160];
    size_t len = 0;
    char *text = pal_feed_read_file(file, ALLOW_MAX_BYTES, &len, why, sizeof why);
    if (!text) { set_err(err, errcap, "cannot read allow list %s: %s", file, why); return NULL; }
    size_t lead = strspn(text, " \t\r\n");
    bool json = text[lead] == '{';
    cJSON *root;
    if (json) {
        const char *end = NULL;
        root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
        if (!root) {
            int line = 1;
            for (const char *q = text; end && q < end && q < text + len; q++) line += *q == '\n';
            set_err(err, errcap, "%s:%d: not valid JSON", file, line);
        }
    } else {
        root = yaml_to_json(file, (const unsigned char *)text, len, err, errcap);
    }
    free(text);
    if (!root) return NULL;

    pal_allowlist *a = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "allow");
    if (!cJSON_IsObject(root) || (list && !cJSON_IsArray(list))) {
        set_err(err, errcap, "%s: an allow list is a mapping with an \"allow\" list of entries "
                "({id, package, reason, expires})", file);
        goto out;
    }
    const cJSON *k;
    cJSON_ArrayForEach(k, root)
        if (strcmp(k->string, "allow") && strcmp(k->string, LINE_KEY)) {
            set_err(err, errcap, "%s: unknown top-level key '%s' (an allow list has only \"allow\")",
                    file, k->string);
            goto out;
        }
    size_t n = (size_t)cJSON_GetArraySize(list);
    if (n > ALLOW_MAX_ENTRIES) {
        set_err(err, errcap, "%s: more than %u entries", file, ALLOW_MAX_ENTRIES);
        goto out;
    }
    a = calloc(1, sizeof *a);
    if (!a || (n && !(a->items = calloc(n, sizeof *a->items)))) {
        set_err(err, errcap, "%s: out of memory", file);
        goto fail;
    }
    /* strings go in one block: sum their sizes first */
    size_t total = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const cJSON *f;
        cJSON_ArrayForEach(f, e) if (cJSON_IsString(f)) total += strlen(f->valuestring) + 1;
    }
    a->strings = malloc(total + 1);
    if (!a->strings) { set_err(err, errcap, "%s: out of memory", file); goto fail; }
    char *sp = a->strings;
    unsigned idx = 0;
    cJSON_ArrayForEach(e, list) {
        unsigned i = idx++;
        int line = line_of(e);
        char entry[48], where[PATH_MAX_MSG];
        if (line) snprintf(entry, sizeof entry, "line %d allow[%u]", line, i);
        else snprintf(entry, sizeof entry, "allow[%u]", i);
        if (line) snprintf(where, sizeof where, "%s:%d: allow[%u]", file, line, i);
        else snprintf(where, sizeof where, "%s: allow[%u]", file, i);
        if (!cJSON_IsObject(e)) {
            set_err(err, errcap, "%s: an entry is a mapping {id, package, reason, expires}", where);
            goto fail;
        }
        pal_allow_entry *en = &a->items[a->n];
        const cJSON *f;
        cJSON_ArrayForEach(f, e) {
            if (!strcmp(f->string, LINE_KEY)) continue;
            const char **slot = !strcmp(f->string, "id") ? &en->id
                              : !strcmp(f->string, "package") ? &en->package
                              : !strcmp(f->string, "reason") ? &en->reason
                              : !strcmp(f->string, "expires") ? &en->expires : NULL;
            if (!slot) {
                set_err(err, errcap, "%s: unknown key '%s' (id, package, reason, expires)", where, f->string);
                goto fail;
            }
            if (!cJSON_IsString(f)) {
                set_err(err, errcap, "%s: %s must be a string", where, f->string);
                goto fail;
            }
            size_t l = strlen(f->valuestring);
            memcpy(sp, f->valuestring, l + 1);
            *slot = sp;
            sp += l + 1;
        }
        if (!en->id || !id_ok(en->id)) {
            set_err(err, errcap, "%s: %s", where, en->id ? "id must be a vulnerability id like CVE-2024-1234"
                                                         : "no id (the CVE or other vulnerability id)");
            goto fail;
        }
        if (en->expires) {
            long d;
            if (strlen(en->expires) != 10 || pal_date_days(en->expires, &d) < 0) {
                set_err(err, errcap, "%s: expires '%s' is not a date YYYY-MM-DD", where, en->expires);
                goto fail;
            }
            en->expired = d < now;         /* the entry applies through its day */
            if (en->expired)
                pal_feed_report_add(rep, PAL_FEED_WARNING, file, entry,
                                    "the entry for %s expired on %s: it no longer allows anything",
                                    en->id, en->expires);
        }
        a->n++;
    }
    if (rep) rep->records += (unsigned)a->n;
    goto out;
fail:
    pal_allowlist_free(a);
    a = NULL;
out:
    cJSON_Delete(root);
    return a;
}

void pal_allowlist_free(pal_allowlist *a)
{
    if (!a) return;
    free(a->items);
    free(a->strings);
    free(a);
}

size_t pal_allowlist_count(const pal_allowlist *a)
{
    return a ? a->n : 0;
}

static bool in_list(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncasecmp(p, id, n)) return true;
        p += k + (p[k] == ',');
    }
    return false;
}

const pal_allow_entry *pal_allowlist_find(const pal_allowlist *a, const char *id,
                                          const char *aliases, const char *package,
                                          const char *source_package)
{
    if (!a || !id) return NULL;
    /* An alias counts only when the record names one CVE: allowing
       CVE-2024-1 must not accept an advisory that also carries CVE-2024-2. */
    unsigned ncve = 0;
    for (const char *p = aliases; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k > 4 && !strncasecmp(p, "CVE-", 4)) ncve++;
        p += k + (p[k] == ',');
    }
    bool aliases_ok = ncve <= 1;
    const pal_allow_entry *found = NULL;
    for (size_t i = 0; i < a->n; i++) {
        const pal_allow_entry *e = &a->items[i];
        if (strcasecmp(e->id, id) && !(aliases_ok && in_list(aliases, e->id))) continue;
        if (e->package && !(package && !strcmp(e->package, package)) &&
            !(source_package && !strcmp(e->package, source_package)))
            continue;
        /* an unexpired entry wins over an expired one for the same id */
        if (!e->expired) return e;
        if (!found) found = e;
    }
    return found;
}
