/*
 * oci.c — OCI state, bundle configs and runc state files (design in oci.h).
 *
 * Each document is walked once with the pull reader; the members palisade
 * needs are copied into fixed buffers (a value longer than its buffer is
 * an error, never cut short: a truncated path would name another file),
 * everything else is skipped (and still validated by the reader).
 */
#include "engine/enforce/oci.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/base/json.h"

const char *const pal_oci_image_annotations[] = {
    "org.opencontainers.image.ref.name", "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName",
    "io.podman.annotations.image", "nerdctl/image", NULL,
};

bool pal_oci_id_ok(const char *s, size_t n)
{
    if (n == 0 || n > PAL_OCI_MAX_ID) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) return false;
    }
    return !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.');
}

typedef struct rdr {
    pal_json j;
    const char *doc;     /* "OCI state", "config.json", ... for errors */
    char *err;
    size_t cap;
    int rc;
} rdr;

static int bad(rdr *r, const char *fmt, const char *what)
{
    if (r->rc == 0) pal_set_err(r->err, r->cap, fmt, r->doc, what);
    r->rc = -1;
    return -1;
}

/* Reads a string value into out[cap]: no NUL byte, at most cap-1 bytes. */
static int get_str(rdr *r, const char *name, char *out, size_t cap)
{
    pal_json_str s;
    if (!pal_json_string(&r->j, &s)) {
        if (pal_json_peek(&r->j) == PAL_JSON_NULL) { pal_json_skip(&r->j); out[0] = 0; return 0; }
        return bad(r, "%s: \"%s\" is not a string", name);
    }
    /* the limit is on the string, not on its escaped spelling */
    char *tmp = malloc(s.len + 1);
    if (!tmp) return bad(r, "%s: out of memory reading \"%s\"", name);
    size_t n = pal_json_unescape(&s, tmp);
    if (n >= cap) { free(tmp); return bad(r, "%s: \"%s\" is too long", name); }
    memcpy(out, tmp, n);
    free(tmp);
    out[n] = 0;
    if (memchr(out, 0, n)) return bad(r, "%s: \"%s\" holds a NUL character", name);
    return 0;
}

static int get_int(rdr *r, const char *name, int64_t *v)
{
    pal_json_num n;
    if (!pal_json_number(&r->j, &n) || !pal_json_num_int64(&n, v))
        return bad(r, "%s: \"%s\" is not an integer", name);
    return 0;
}

/* An annotations (or labels-as-object) object: the first image key wins
   in pal_oci_image_annotations order. */
static int get_annotations(rdr *r, pal_oci_container *c)
{
    if (pal_json_peek(&r->j) == PAL_JSON_NULL) { pal_json_skip(&r->j); return 0; }
    if (pal_json_peek(&r->j) != PAL_JSON_OBJECT || !pal_json_enter(&r->j))
        return bad(r, "%s: \"%s\" is not an object", "annotations");
    int best = -1;
    pal_json_str key;
    while (pal_json_next(&r->j, &key)) {
        int which = -1;
        for (int i = 0; pal_oci_image_annotations[i]; i++)
            if (pal_json_str_is(&key, pal_oci_image_annotations[i])) { which = i; break; }
        if (which >= 0 && (best < 0 || which < best) && pal_json_peek(&r->j) == PAL_JSON_STRING) {
            if (get_str(r, "annotation", c->image, sizeof c->image)) return -1;
            best = which;
            continue;
        }
        if (!pal_json_skip(&r->j)) break;
    }
    return 0;
}

static int finish(rdr *r)
{
    if (r->rc) return -1;
    if (!pal_json_end(&r->j)) {
        size_t at;
        pal_json_err e = pal_json_error(&r->j, &at);
        return pal_set_err(r->err, r->cap, "%s: not valid JSON at byte %zu: %s", r->doc, at, pal_json_strerror(e));
    }
    return 0;
}

static void start(rdr *r, const char *doc, const char *text, size_t len, char *err, size_t cap)
{
    pal_json_opts o = {.max_depth = 32, .max_string = PAL_OCI_MAX_PATH * 6 + 16};   /* \u00XX is 6 bytes */
    memset(r, 0, sizeof *r);
    r->doc = doc;
    r->err = err;
    r->cap = cap;
    pal_json_init(&r->j, text, len, &o);
}

int pal_oci_state_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap)
{
    memset(c, 0, sizeof *c);
    if (len > PAL_OCI_MAX_DOC) return pal_set_err(err, cap, "OCI state: %zu bytes, over the %u-byte limit", len, PAL_OCI_MAX_DOC);
    rdr r;
    start(&r, "OCI state", text, len, err, cap);
    bool have_id = false, have_pid = false;
    if (pal_json_peek(&r.j) != PAL_JSON_OBJECT || !pal_json_enter(&r.j)) {
        if (pal_json_peek(&r.j) == PAL_JSON_NONE && finish(&r)) return -1;
        return pal_set_err(err, cap, "OCI state: not a JSON object (a runtime hook reads the container's state on standard input)");
    }
    pal_json_str key;
    while (r.rc == 0 && pal_json_next(&r.j, &key)) {
        if (pal_json_str_is(&key, "id")) { if (get_str(&r, "id", c->id, sizeof c->id) == 0) have_id = true; }
        else if (pal_json_str_is(&key, "status")) get_str(&r, "status", c->status, sizeof c->status);
        else if (pal_json_str_is(&key, "bundle")) get_str(&r, "bundle", c->bundle, sizeof c->bundle);
        else if (pal_json_str_is(&key, "annotations")) get_annotations(&r, c);
        else if (pal_json_str_is(&key, "pid")) {
            int64_t v;
            if (get_int(&r, "pid", &v) == 0) {
                if (v < 0 || v > INT32_MAX) bad(&r, "%s: \"%s\" is out of range", "pid");
                else { c->pid = (pid_t)v; have_pid = v > 0; }
            }
        } else if (!pal_json_skip(&r.j)) break;
    }
    if (finish(&r)) return -1;
    if (!have_id) return pal_set_err(err, cap, "OCI state: no \"id\"");
    if (!pal_oci_id_ok(c->id, strlen(c->id)))
        return pal_set_err(err, cap, "OCI state: id '%.64s' is not a container id (letters, digits and _+-. only)", c->id);
    bool needs_pid = strcmp(c->status, "stopped") != 0 && strcmp(c->status, "creating") != 0;
    if (needs_pid && !have_pid) return pal_set_err(err, cap, "OCI state: container '%s' (%s) has no \"pid\"", c->id, c->status);
    if (c->bundle[0] && c->bundle[0] != '/')
        return pal_set_err(err, cap, "OCI state: bundle '%.200s' is not an absolute path", c->bundle);
    return 0;
}

/* Makes path absolute against dir (into out[cap]). */
static int absolute(const char *dir, const char *path, char *out, size_t cap)
{
    int n = path[0] == '/' ? snprintf(out, cap, "%s", path) : snprintf(out, cap, "%s/%s", dir, path);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* linux.namespaces: [{"type":"network","path":"..."}, ...] */
static int get_namespaces(rdr *r, pal_oci_container *c)
{
    if (pal_json_peek(&r->j) != PAL_JSON_ARRAY || !pal_json_enter(&r->j))
        return bad(r, "%s: \"%s\" is not an array", "namespaces");
    while (r->rc == 0 && pal_json_next(&r->j, NULL)) {
        if (pal_json_peek(&r->j) != PAL_JSON_OBJECT || !pal_json_enter(&r->j))
            return bad(r, "%s: \"%s\" holds something that is not an object", "namespaces");
        char type[32] = "", path[PAL_OCI_MAX_PATH] = "";
        pal_json_str key;
        while (r->rc == 0 && pal_json_next(&r->j, &key)) {
            if (pal_json_str_is(&key, "type")) get_str(r, "namespace type", type, sizeof type);
            else if (pal_json_str_is(&key, "path")) get_str(r, "namespace path", path, sizeof path);
            else if (!pal_json_skip(&r->j)) break;
        }
        if (!strcmp(type, "network")) {
            c->own_netns = true;
            snprintf(c->netns, sizeof c->netns, "%s", path);
        }
    }
    return r->rc;
}

int pal_oci_config_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap)
{
    if (len > PAL_OCI_MAX_DOC) return pal_set_err(err, cap, "config.json: %zu bytes, over the %u-byte limit", len, PAL_OCI_MAX_DOC);
    rdr r;
    start(&r, "config.json", text, len, err, cap);
    char root[PAL_OCI_MAX_PATH] = "";
    char image[PAL_OCI_MAX_IMAGE] = "";
    if (pal_json_peek(&r.j) != PAL_JSON_OBJECT || !pal_json_enter(&r.j)) {
        if (pal_json_peek(&r.j) == PAL_JSON_NONE && finish(&r)) return -1;
        return pal_set_err(err, cap, "config.json: not a JSON object");
    }
    pal_json_str key;
    while (r.rc == 0 && pal_json_next(&r.j, &key)) {
        if (pal_json_str_is(&key, "root") && pal_json_peek(&r.j) == PAL_JSON_OBJECT && pal_json_enter(&r.j)) {
            pal_json_str k2;
            while (r.rc == 0 && pal_json_next(&r.j, &k2)) {
                if (pal_json_str_is(&k2, "path")) get_str(&r, "root.path", root, sizeof root);
                else if (!pal_json_skip(&r.j)) break;
            }
        } else if (pal_json_str_is(&key, "linux") && pal_json_peek(&r.j) == PAL_JSON_OBJECT && pal_json_enter(&r.j)) {
            pal_json_str k2;
            while (r.rc == 0 && pal_json_next(&r.j, &k2)) {
                if (pal_json_str_is(&k2, "namespaces")) get_namespaces(&r, c);
                else if (pal_json_str_is(&k2, "cgroupsPath")) get_str(&r, "linux.cgroupsPath", c->cgroup, sizeof c->cgroup);
                else if (!pal_json_skip(&r.j)) break;
            }
        } else if (pal_json_str_is(&key, "annotations")) {
            pal_oci_container tmp;
            memset(&tmp, 0, sizeof tmp);
            get_annotations(&r, &tmp);
            memcpy(image, tmp.image, sizeof image);
        } else if (!pal_json_skip(&r.j)) break;
    }
    if (finish(&r)) return -1;
    if (!root[0]) return pal_set_err(err, cap, "config.json: no \"root\": {\"path\"}");
    if (root[0] != '/' && !c->bundle[0])
        return pal_set_err(err, cap, "config.json: root.path '%.200s' is relative and the bundle is not known", root);
    if (absolute(c->bundle, root, c->rootfs, sizeof c->rootfs))
        return pal_set_err(err, cap, "config.json: root.path is too long");
    if (!c->image[0]) memcpy(c->image, image, sizeof c->image);
    return 0;
}

int pal_oci_runc_state_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap)
{
    memset(c, 0, sizeof *c);
    if (len > PAL_OCI_MAX_DOC) return pal_set_err(err, cap, "runc state: %zu bytes, over the %u-byte limit", len, PAL_OCI_MAX_DOC);
    rdr r;
    start(&r, "runc state", text, len, err, cap);
    if (pal_json_peek(&r.j) != PAL_JSON_OBJECT || !pal_json_enter(&r.j)) {
        if (pal_json_peek(&r.j) == PAL_JSON_NONE && finish(&r)) return -1;
        return pal_set_err(err, cap, "runc state: not a JSON object");
    }
    pal_json_str key;
    while (r.rc == 0 && pal_json_next(&r.j, &key)) {
        if (pal_json_str_is(&key, "id")) get_str(&r, "id", c->id, sizeof c->id);
        else if (pal_json_str_is(&key, "init_process_pid")) {
            int64_t v;
            if (get_int(&r, "init_process_pid", &v) == 0) {
                if (v < 0 || v > INT32_MAX) bad(&r, "%s: \"%s\" is out of range", "init_process_pid");
                else c->pid = (pid_t)v;
            }
        } else if (pal_json_str_is(&key, "config") && pal_json_peek(&r.j) == PAL_JSON_OBJECT && pal_json_enter(&r.j)) {
            pal_json_str k2;
            while (r.rc == 0 && pal_json_next(&r.j, &k2)) {
                if (pal_json_str_is(&k2, "rootfs")) get_str(&r, "config.rootfs", c->rootfs, sizeof c->rootfs);
                else if (pal_json_str_is(&k2, "labels") && pal_json_peek(&r.j) == PAL_JSON_ARRAY && pal_json_enter(&r.j)) {
                    while (r.rc == 0 && pal_json_next(&r.j, NULL)) {
                        char label[PAL_OCI_MAX_PATH + 16];
                        if (get_str(&r, "label", label, sizeof label)) break;
                        if (!strncmp(label, "bundle=", 7) && strlen(label + 7) < sizeof c->bundle) memcpy(c->bundle, label + 7, strlen(label + 7) + 1);
                    }
                } else if (pal_json_str_is(&k2, "namespaces") && pal_json_peek(&r.j) == PAL_JSON_ARRAY && pal_json_enter(&r.j)) {
                    /* runc: [{"type":"NEWNET","path":""}, ...] */
                    while (r.rc == 0 && pal_json_next(&r.j, NULL)) {
                        if (pal_json_peek(&r.j) != PAL_JSON_OBJECT || !pal_json_enter(&r.j)) { bad(&r, "%s: \"%s\" holds a non-object", "namespaces"); break; }
                        char type[32] = "", path[PAL_OCI_MAX_PATH] = "";
                        pal_json_str k3;
                        while (r.rc == 0 && pal_json_next(&r.j, &k3)) {
                            if (pal_json_str_is(&k3, "type")) get_str(&r, "namespace type", type, sizeof type);
                            else if (pal_json_str_is(&k3, "path")) get_str(&r, "namespace path", path, sizeof path);
                            else if (!pal_json_skip(&r.j)) break;
                        }
                        if (!strcmp(type, "NEWNET")) { c->own_netns = true; snprintf(c->netns, sizeof c->netns, "%s", path); }
                    }
                } else if (!pal_json_skip(&r.j)) break;
            }
        } else if (!pal_json_skip(&r.j)) break;
    }
    if (finish(&r)) return -1;
    if (!pal_oci_id_ok(c->id, strlen(c->id))) return pal_set_err(err, cap, "runc state: no valid \"id\"");
    if (c->pid <= 0) return pal_set_err(err, cap, "runc state: container '%s' has no \"init_process_pid\"", c->id);
    if (c->rootfs[0] != '/') return pal_set_err(err, cap, "runc state: container '%s' has no absolute config.rootfs", c->id);
    snprintf(c->status, sizeof c->status, "running");
    return 0;
}

int pal_oci_config_load(pal_oci_container *c, char *err, size_t cap)
{
    char path[PAL_OCI_MAX_PATH + 16];
    if (!c->bundle[0]) return pal_set_err(err, cap, "container '%s': no bundle directory to read config.json from", c->id);
    snprintf(path, sizeof path, "%s/config.json", c->bundle);
    char *text = NULL;
    size_t len = 0;
    char e2[512];
    if (pal_read_file(path, PAL_OCI_MAX_DOC, &text, &len, e2, sizeof e2) != 0)
        return pal_set_err(err, cap, "%s", e2);
    char e3[512];
    int rc = pal_oci_config_parse(text, len, c, e3, sizeof e3);
    free(text);
    if (rc) return pal_set_err(err, cap, "%s: %s", path, e3);
    return 0;
}
