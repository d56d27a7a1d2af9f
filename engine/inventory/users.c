/*
 * users.c — accounts from /etc/passwd, /etc/shadow, /etc/group.
 *
 * Design. Every well-formed line becomes a record, in file order, with no
 * merging: two accounts with UID 0, or two entries with one name, are two
 * records, because duplicates are exactly what compliance checks look for
 * (`count u in image.users: u.uid == 0 > 1`).  A malformed line (too few
 * fields, a non-numeric id) is skipped, as the C library's getpwent skips
 * it; NIS "+"/"-" lines and comments are not accounts.
 *
 * empty_password: the password field is empty in passwd, or it is "x" and
 * the shadow hash is empty — either way the account logs in without one.
 * locked: the hash (shadow's, else passwd's) starts with '!' or '*'.  A
 * passwd "x" without a shadow line is neither (nothing says otherwise).
 */
#include "engine/inventory/inventory.h"
#include <stdlib.h>
#include <string.h>

typedef struct field { const char *p; size_t n; } field;

/* Splits one line at ':' into at most max fields; returns the count. */
static unsigned split(const char *p, size_t n, field *f, unsigned max)
{
    unsigned k = 0;
    while (k < max) {
        const char *c = memchr(p, ':', n);
        size_t len = c ? (size_t)(c - p) : n;
        f[k].p = p;
        f[k].n = len;
        k++;
        if (!c) break;
        p = c + 1;
        n -= len + 1;
    }
    return k;
}

static bool id_of(field f, long long *out)
{
    if (!f.n || f.n > 10) return false;
    long long v = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.p[i] < '0' || f.p[i] > '9') return false;
        v = v * 10 + (f.p[i] - '0');
    }
    if (v > 4294967295ll) return false;
    *out = v;
    return true;
}

/* Calls fn for each account line (not blank, comment or NIS). */
static int lines(const char *data, size_t len, int (*fn)(void *ud, const char *p, size_t n), void *ud)
{
    int added = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        size_t ln = n;
        if (ln && p[ln - 1] == '\r') ln--;
        if (ln && p[0] != '#' && p[0] != '+' && p[0] != '-') {
            int r = fn(ud, p, ln);
            if (r < 0) return -1;
            added += r;
        }
        p += n + (eol != NULL);
    }
    return added;
}

static void put(cJSON *o, const char *k, field v)
{
    cJSON *s = pal_inv_str(v.p, v.n);
    if (s) cJSON_AddItemToObject(o, k, s);
}

typedef struct users_ctx {
    cJSON *arr;
    const char *shadow;
    size_t slen;
    field hash;             /* out of find_shadow */
} users_ctx;

static int find_one(void *ud, const char *p, size_t n)
{
    users_ctx *u = ud;
    field f[3];
    if (split(p, n, f, 3) < 2) return 0;
    if (f[0].n == u->hash.n && !memcmp(f[0].p, u->hash.p, f[0].n)) {
        u->hash = f[1];
        return -1;   /* found: stop */
    }
    return 0;
}

/* The shadow hash of `name` (the first line naming it); false if none. */
static bool find_shadow(users_ctx *u, field name, field *hash)
{
    if (!u->shadow) return false;
    u->hash = name;
    if (lines(u->shadow, u->slen, find_one, u) >= 0) return false;
    *hash = u->hash;
    return true;
}

static int user_one(void *ud, const char *p, size_t n)
{
    users_ctx *u = ud;
    field f[7];
    long long uid, gid;
    if (split(p, n, f, 7) < 7 || !f[0].n || !id_of(f[2], &uid) || !id_of(f[3], &gid)) return 0;
    field hash = f[1];
    bool from_shadow = f[1].n == 1 && f[1].p[0] == 'x';
    field sh;
    if (from_shadow) {
        if (find_shadow(u, f[0], &sh)) hash = sh;
        else hash.n = 1;  /* "x" and no shadow line: not known empty, not locked */
    }
    bool empty = hash.n == 0;
    bool locked = hash.n && (hash.p[0] == '!' || hash.p[0] == '*');
    cJSON *o = cJSON_CreateObject();
    if (!o) return -1;
    put(o, "name", f[0]);
    cJSON_AddNumberToObject(o, "uid", (double)uid);
    cJSON_AddNumberToObject(o, "gid", (double)gid);
    put(o, "gecos", f[4]);
    put(o, "home", f[5]);
    put(o, "shell", f[6]);
    cJSON_AddBoolToObject(o, "empty_password", empty);
    cJSON_AddBoolToObject(o, "locked", locked);
    cJSON_AddItemToArray(u->arr, o);
    return 1;
}

int pal_users_parse(const char *passwd, size_t plen, const char *shadow, size_t slen, cJSON *arr)
{
    users_ctx u = {arr, shadow, slen, {NULL, 0}};
    return passwd ? lines(passwd, plen, user_one, &u) : 0;
}

static int group_one(void *ud, const char *p, size_t n)
{
    cJSON *arr = ud;
    field f[4] = {{NULL, 0}};
    long long gid;
    if (split(p, n, f, 4) < 3 || !f[0].n || !id_of(f[2], &gid)) return 0;
    cJSON *o = cJSON_CreateObject();
    if (!o) return -1;
    put(o, "name", f[0]);
    cJSON_AddNumberToObject(o, "gid", (double)gid);
    cJSON *m = cJSON_AddArrayToObject(o, "members");
    if (m && f[3].n) {
        /* members: comma-separated, empty items skipped */
        const char *q = f[3].p, *end = f[3].p + f[3].n;
        while (q < end) {
            const char *c = memchr(q, ',', (size_t)(end - q));
            size_t len = c ? (size_t)(c - q) : (size_t)(end - q);
            if (len) {
                cJSON *s = pal_inv_str(q, len);
                if (s) cJSON_AddItemToArray(m, s);
            }
            q += len + 1;
        }
    }
    cJSON_AddItemToArray(arr, o);
    return 1;
}

int pal_groups_parse(const char *group, size_t len, cJSON *arr)
{
    return group ? lines(group, len, group_one, arr) : 0;
}
