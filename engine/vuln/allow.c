/*
 * allow.c — the CVE allow list: which known vulnerabilities a team has
 * accepted, why, and until when.
 *
 * Design.  An allow list is policy, so it is read strictly: an unknown key
 * (`expire:` for `expires:`), a missing id or a date that is not
 * YYYY-MM-DD is an error naming the file, line and entry — a typo must
 * never turn into "allows nothing" or "never expires".  YAML is read with
 * the one YAML reader (engine/base/yaml.h) and turned into the cJSON shape
 * the JSON form parses to, so both go through one validator.  Every scalar stays a string (YAML
 * 1.1 would read 2027-01-31 as a timestamp and `no` as false); nesting and
 * node counts are bounded.  Expired entries are kept: a match on one is
 * reported as "allow-list entry expired", which is what a reviewer needs.
 */
#include "engine/vuln/vuln.h"
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/base/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
        if (pal_date_days(today, &d) < 0) { pal_set_err(err, errcap, "today '%s' is not YYYY-MM-DD", today); return -1; }
        return d;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return pal_date_days(buf, &d) == 0 ? d : 0;
}

/* The document as cJSON: JSON when it starts with '{', else YAML turned
   into the same shape (each node's line under LINE_KEY). */
static cJSON *parse_allow_text(const char *file, const char *text, size_t len, char *err, size_t errcap)
{
    size_t lead = strspn(text, " \t\r\n");
    bool json = text[lead] == '{';
    cJSON *root;
    if (json) {
        const char *end = NULL;
        root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
        if (!root) {
            int line = 1;
            for (const char *q = text; end && q < end && q < text + len; q++) line += *q == '\n';
            pal_set_err(err, errcap, "%s:%d: not valid JSON", file, line);
        }
    } else {
        static const pal_yaml_limits lim = {ALLOW_MAX_BYTES, ALLOW_MAX_NODES, ALLOW_MAX_DEPTH};
        pal_yaml_doc doc;
        root = NULL;
        if (pal_yaml_parse(&doc, file, text, len, &lim, err, errcap) == 0) {
            root = pal_yaml_to_json(&doc, LINE_KEY);
            if (!root) pal_set_err(err, errcap, "%s: out of memory", file);
            pal_yaml_free(&doc);
        }
    }
    return root;
}

/* The top level is a mapping with at most an "allow" list (of at most
   ALLOW_MAX_ENTRIES). */
static bool check_allow_root(const char *file, const cJSON *root, const cJSON *list, char *err, size_t errcap)
{
    if (!cJSON_IsObject(root) || (list && !cJSON_IsArray(list))) {
        pal_set_err(err, errcap, "%s: an allow list is a mapping with an \"allow\" list of entries "
                "({id, package, reason, expires})", file);
        return false;
    }
    const cJSON *k;
    cJSON_ArrayForEach(k, root)
        if (strcmp(k->string, "allow") && strcmp(k->string, LINE_KEY)) {
            pal_set_err(err, errcap, "%s: unknown top-level key '%s' (an allow list has only \"allow\")",
                    file, k->string);
            return false;
        }
    if ((size_t)cJSON_GetArraySize(list) > ALLOW_MAX_ENTRIES) {
        pal_set_err(err, errcap, "%s: more than %u entries", file, ALLOW_MAX_ENTRIES);
        return false;
    }
    return true;
}

/* The bytes every string of every entry takes, with its NUL. */
static size_t entry_string_bytes(const cJSON *list)
{
    size_t total = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const cJSON *f;
        cJSON_ArrayForEach(f, e) if (cJSON_IsString(f)) total += strlen(f->valuestring) + 1;
    }
    return total;
}

/* Entry i (e) into en, its strings copied to *sp (which moves past them);
   false with err set when it is not a valid entry.  An expired entry is
   kept, with a warning. */
static bool read_entry(const char *file, unsigned i, const cJSON *e, pal_allow_entry *en, char **sp, long now,
                       pal_feed_report *rep, char *err, size_t errcap)
{
    int line = line_of(e);
    char entry[48], where[PATH_MAX_MSG];
    if (line) snprintf(entry, sizeof entry, "line %d allow[%u]", line, i);
    else snprintf(entry, sizeof entry, "allow[%u]", i);
    if (line) snprintf(where, sizeof where, "%s:%d: allow[%u]", file, line, i);
    else snprintf(where, sizeof where, "%s: allow[%u]", file, i);
    if (!cJSON_IsObject(e)) {
        pal_set_err(err, errcap, "%s: an entry is a mapping {id, package, reason, expires}", where);
        return false;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, e) {
        if (!strcmp(f->string, LINE_KEY)) continue;
        const char **slot = !strcmp(f->string, "id") ? &en->id
                          : !strcmp(f->string, "package") ? &en->package
                          : !strcmp(f->string, "reason") ? &en->reason
                          : !strcmp(f->string, "expires") ? &en->expires : NULL;
        if (!slot) {
            pal_set_err(err, errcap, "%s: unknown key '%s' (id, package, reason, expires)", where, f->string);
            return false;
        }
        if (!cJSON_IsString(f)) {
            pal_set_err(err, errcap, "%s: %s must be a string", where, f->string);
            return false;
        }
        size_t l = strlen(f->valuestring);
        memcpy(*sp, f->valuestring, l + 1);
        *slot = *sp;
        *sp += l + 1;
    }
    if (!en->id || !id_ok(en->id)) {
        pal_set_err(err, errcap, "%s: %s", where, en->id ? "id must be a vulnerability id like CVE-2024-1234"
                                                     : "no id (the CVE or other vulnerability id)");
        return false;
    }
    if (en->expires) {
        long d;
        if (strlen(en->expires) != 10 || pal_date_days(en->expires, &d) < 0) {
            pal_set_err(err, errcap, "%s: expires '%s' is not a date YYYY-MM-DD", where, en->expires);
            return false;
        }
        en->expired = d < now;         /* the entry applies through its day */
        if (en->expired)
            pal_feed_report_add(rep, PAL_FEED_WARNING, file, entry,
                                "the entry for %s expired on %s: it no longer allows anything",
                                en->id, en->expires);
    }
    return true;
}

pal_allowlist *pal_allowlist_load(const char *file, const char *today, pal_feed_report *rep,
                                  char *err, size_t errcap)
{
    long now = today_of(today, err, errcap);
    if (now < 0) return NULL;
    char why[600];
    size_t len = 0;
    char *text = NULL;
    if (pal_read_file(file, ALLOW_MAX_BYTES, &text, &len, why, sizeof why) != PAL_READ_OK) {
        pal_set_err(err, errcap, "%s (reading the allow list)", why);
        return NULL;
    }
    cJSON *root = parse_allow_text(file, text, len, err, errcap);
    free(text);
    if (!root) return NULL;

    pal_allowlist *a = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "allow");
    if (!check_allow_root(file, root, list, err, errcap)) goto out;
    size_t n = (size_t)cJSON_GetArraySize(list);
    a = calloc(1, sizeof *a);
    if (!a || (n && !(a->items = calloc(n, sizeof *a->items)))) {
        pal_set_err(err, errcap, "%s: out of memory", file);
        goto fail;
    }
    /* strings go in one block: sum their sizes first */
    a->strings = malloc(entry_string_bytes(list) + 1);
    if (!a->strings) { pal_set_err(err, errcap, "%s: out of memory", file); goto fail; }
    char *sp = a->strings;
    unsigned idx = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (!read_entry(file, idx++, e, &a->items[a->n], &sp, now, rep, err, errcap)) goto fail;
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
