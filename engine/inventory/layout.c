/*
 * layout.c — which blobs make the image, and what its config says.
 *
 * Design. Three layouts name the same things differently:
 *
 *   docker save (legacy)  manifest.json [{Config: "<hex>.json", RepoTags,
 *                         Layers: ["<id>/layer.tar", ...]}]
 *   docker save (>= 25)   the same manifest.json, naming "blobs/sha256/<hex>",
 *                         plus an OCI layout in the same tarball
 *   OCI image layout      oci-layout + index.json -> (index ->)* manifest
 *                         -> config + layers, all blobs/<alg>/<hex>
 *
 * manifest.json is preferred when present because only it carries the repo
 * tags; otherwise index.json is followed, taking the first runnable image
 * manifest (attestation manifests and unknown/unknown platforms are
 * skipped), through at most PAL_INV_MAX_INDEX_DEPTH nested indexes.
 *
 * Every name a manifest gives is untrusted: it is normalized, must stay
 * inside the tarball and must exist, and each failure is its own error
 * naming the manifest and the blob.  The config's SHA-256 is computed here:
 * it is the image id, and for OCI descriptors it must match the digest.
 *
 * The config becomes image.{os, os_version, architecture, created, config,
 * history}.  Fields a config omits still appear, empty ("" or []), so a
 * check reads "no healthcheck" as an empty list rather than undefined.
 */
#include "engine/inventory/inventory.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static void add_str(cJSON *o, const char *key, const char *s)
{
    cJSON *v = pal_inv_str(s ? s : "", s ? strlen(s) : 0);
    if (v) cJSON_AddItemToObject(o, key, v);
}

/* A JSON array of strings from an array (other members skipped). */
static cJSON *str_array(const cJSON *arr)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *it;
    if (!out) return NULL;
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && it->valuestring) {
            cJSON *v = pal_inv_str(it->valuestring, strlen(it->valuestring));
            if (v) cJSON_AddItemToArray(out, v);
        }
    return out;
}

/* The keys of an object ({"80/tcp": {}} -> ["80/tcp"]). */
static cJSON *key_array(const cJSON *obj)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *it;
    if (!out) return NULL;
    if (cJSON_IsObject(obj))
        cJSON_ArrayForEach(it, obj)
            if (it->string) {
                cJSON *v = pal_inv_str(it->string, strlen(it->string));
                if (v) cJSON_AddItemToArray(out, v);
            }
    return out;
}

static cJSON *kv(const char *name, size_t nlen, const char *value, size_t vlen)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *n = pal_inv_str(name, nlen), *v = pal_inv_str(value, vlen);
    if (n) cJSON_AddItemToObject(o, "name", n);
    if (v) cJSON_AddItemToObject(o, "value", v);
    return o;
}

/* image.config from the config's "config" (c, may be NULL); -1 on no memory. */
static int config_object(const cJSON *c, cJSON *image)
{
    cJSON *cfg = cJSON_CreateObject();
    if (!cfg) return -1;
    cJSON_AddItemToObject(image, "config", cfg);
    add_str(cfg, "user", c ? jstr(c, "User") : NULL);

    cJSON *env = cJSON_AddArrayToObject(cfg, "env");
    const cJSON *it;
    if (!env) return -1;
    if (c)
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "Env")) {
            if (!cJSON_IsString(it) || !it->valuestring) continue;
            const char *s = it->valuestring, *eq = strchr(s, '=');
            cJSON *p = eq ? kv(s, (size_t)(eq - s), eq + 1, strlen(eq + 1)) : kv(s, strlen(s), "", 0);
            if (p) cJSON_AddItemToArray(env, p);
        }
    static const char *const lists[][2] = {{"entrypoint", "Entrypoint"}, {"cmd", "Cmd"}};
    for (unsigned i = 0; i < 2; i++) {
        cJSON *a = str_array(c ? cJSON_GetObjectItemCaseSensitive(c, lists[i][1]) : NULL);
        if (!a) return -1;
        cJSON_AddItemToObject(cfg, lists[i][0], a);
    }
    add_str(cfg, "working_dir", c ? jstr(c, "WorkingDir") : NULL);
    cJSON *ports = key_array(c ? cJSON_GetObjectItemCaseSensitive(c, "ExposedPorts") : NULL);
    cJSON *vols = key_array(c ? cJSON_GetObjectItemCaseSensitive(c, "Volumes") : NULL);
    if (!ports || !vols) { cJSON_Delete(ports); cJSON_Delete(vols); return -1; }
    cJSON_AddItemToObject(cfg, "exposed_ports", ports);
    cJSON_AddItemToObject(cfg, "volumes", vols);
    cJSON *labels = cJSON_AddArrayToObject(cfg, "labels");
    if (!labels) return -1;
    if (c)
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "Labels"))
            if (it->string) {
                const char *v = cJSON_IsString(it) && it->valuestring ? it->valuestring : "";
                cJSON *p = kv(it->string, strlen(it->string), v, strlen(v));
                if (p) cJSON_AddItemToArray(labels, p);
            }
    const cJSON *hc = c ? cJSON_GetObjectItemCaseSensitive(c, "Healthcheck") : NULL;
    cJSON *test = str_array(cJSON_IsObject(hc) ? cJSON_GetObjectItemCaseSensitive(hc, "Test") : NULL);
    if (!test) return -1;
    cJSON_AddItemToObject(cfg, "healthcheck", test);
    if (c && jstr(c, "StopSignal")) add_str(cfg, "stop_signal", jstr(c, "StopSignal"));
    if (c && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "Shell"))) {
        cJSON *shell = str_array(cJSON_GetObjectItemCaseSensitive(c, "Shell"));
        if (shell) cJSON_AddItemToObject(cfg, "shell", shell);
    }
    return 0;
}

/* image.history and image.diff_ids from the config's root; -1 on no memory. */
static int history_and_diff_ids(const cJSON *root, cJSON *image)
{
    /* Each entry that made a layer gets that layer's index (as files'
       "layer"): a check can tell the base image's first layer (0) from the
       build's own steps, which history alone does not order. */
    cJSON *hist = cJSON_AddArrayToObject(image, "history");
    const cJSON *it;
    if (!hist) return -1;
    int next_layer = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "history")) {
        if (!cJSON_IsObject(it)) continue;
        cJSON *h = cJSON_CreateObject();
        if (!h) return -1;
        cJSON_AddItemToArray(hist, h);
        add_str(h, "created_by", jstr(it, "created_by"));
        bool empty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "empty_layer"));
        cJSON_AddBoolToObject(h, "empty_layer", empty);
        if (!empty) cJSON_AddNumberToObject(h, "layer", next_layer++);
        add_str(h, "created", jstr(it, "created"));
        add_str(h, "comment", jstr(it, "comment"));
    }
    /* diff_ids let a reader tie "layer": N in files back to a layer digest,
       and every layer is checked against its own.  A member that is not a
       string stays in its place, as "", so the count and order still say
       which layer is which (and "" matches no layer). */
    const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(root, "rootfs");
    const cJSON *ids = cJSON_IsObject(rootfs) ? cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids") : NULL;
    if (!cJSON_IsArray(ids)) return 0;
    cJSON *diff = cJSON_AddArrayToObject(image, "diff_ids");
    if (!diff) return -1;
    cJSON_ArrayForEach(it, ids) {
        const char *d = cJSON_IsString(it) && it->valuestring ? it->valuestring : "";
        cJSON *v = pal_inv_str(d, strlen(d));
        if (!v) return -1;
        cJSON_AddItemToArray(diff, v);
    }
    return 0;
}

int pal_inv_config_parse(const char *json, size_t len, cJSON *image, bool *windows,
                         char *err, size_t errcap)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        pal_inv_err(err, errcap, "the image config is not a JSON object");
        return -1;
    }
    const char *os = jstr(root, "os");
    *windows = os && !strcasecmp(os, "windows");
    add_str(image, "os", os);
    add_str(image, "os_version", jstr(root, "os.version"));
    add_str(image, "architecture", jstr(root, "architecture"));
    if (jstr(root, "variant")) add_str(image, "variant", jstr(root, "variant"));
    add_str(image, "created", jstr(root, "created"));
    /* "config" in OCI and current docker; "container_config" is the build
       container's, not the image's. */
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "config");
    int rc = config_object(cJSON_IsObject(c) ? c : NULL, image) < 0 || history_and_diff_ids(root, image) < 0 ? -1 : 0;
    cJSON_Delete(root);
    if (rc < 0) pal_inv_err(err, errcap, "out of memory");
    return rc;
}

/* --- blobs --- */

typedef struct resolve_ctx {
    const pal_inv_src *s;
    const char *what;       /* "manifest.json" / "index.json" / "manifest sha256:.." */
    char *err;
    size_t errcap;
} resolve_ctx;

/* "sha256:<64 hex>" -> "blobs/sha256/<hex>"; -1 and an error if malformed. */
static int digest_path(resolve_ctx *r, const char *digest, char *out, size_t cap)
{
    if (!pal_inv_digest_alg(digest)) {
        pal_inv_err(r->err, r->errcap, "%s has a malformed digest '%.80s' (expected sha256:<64 hex digits>; "
                    "the tarball is corrupt or was not written by an OCI tool)",
                    r->what, digest ? digest : "(none)");
        return -1;
    }
    snprintf(out, cap, "blobs/%.6s/%s", digest, digest + 7);
    return 0;
}

/* A named blob: it must stay inside the tarball and exist. */
static const pal_inv_blob *need_blob(resolve_ctx *r, const char *name, const char *role)
{
    if (!name || !*name) {
        pal_inv_err(r->err, r->errcap, "%s names no %s (the manifest is incomplete)", r->what, role);
        return NULL;
    }
    char clean[PAL_INV_MAX_PATH];
    if (pal_inv_clean_name(NULL, name, 0, clean, sizeof clean) == PAL_NAME_ESCAPES) {
        pal_inv_err(r->err, r->errcap, "%s names %s '%.200s', which points outside the tarball "
                    "(a malformed or hostile image; nothing outside it is ever read)", r->what, role, name);
        return NULL;
    }
    const pal_inv_blob *b = pal_inv_src_find(r->s, name);
    if (!b)
        pal_inv_err(r->err, r->errcap, "%s names %s '%.200s', which is not in the image "
                    "(it is incomplete, or the name is a symlink out of it; save the image again)", r->what, role, name);
    return b;
}

static const pal_inv_blob *need_json_blob(resolve_ctx *r, const char *name, const char *role)
{
    const pal_inv_blob *b = need_blob(r, name, role);
    if (b && !b->data) {
        pal_inv_err(r->err, r->errcap, "%s '%.200s' is not a JSON document of at most %u MiB "
                    "(PAL_INV_MAX_JSON_BYTES / PAL_INV_MAX_META_BYTES)", role, name,
                    PAL_INV_MAX_JSON_BYTES >> 20);
        return NULL;
    }
    return b;
}

static cJSON *parse_blob(resolve_ctx *r, const pal_inv_blob *b, const char *role)
{
    cJSON *j = cJSON_ParseWithLength((const char *)b->data, b->len);
    if (!j)
        pal_inv_err(r->err, r->errcap, "%s '%.200s' is not valid JSON (the tarball is corrupt)", role, b->name);
    return j;
}

/* The digest a content-addressed name carries ("blobs/sha256/<hex>" ->
   "sha256:<hex>"), into out (8 + 128 + 1 bytes); NULL for other names. */
static const char *digest_of_name(const char *name, char *out, size_t cap)
{
    char clean[PAL_INV_MAX_PATH];
    if (!name || pal_inv_clean_name(NULL, name, 0, clean, sizeof clean) != PAL_NAME_OK) return NULL;
    size_t len = strlen(clean);
    if (strncmp(clean, "blobs/", 6) || len < 14 || len > 13 + 128 || clean[12] != '/') return NULL;
    snprintf(out, cap, "%.6s:%.128s", clean + 6, clean + 13);
    return pal_inv_digest_alg(out) ? out : NULL;
}

/* A layer: its blob, the digest its descriptor gives (or NULL) and where
   that digest comes from. */
static int add_layer(pal_inv_layout *out, cJSON *layers, const char *blob, const char *digest,
                     const char *digest_from, const char *media_type, char *err, size_t errcap)
{
    if (out->nlayers >= PAL_INV_MAX_LAYERS) {
        pal_inv_err(err, errcap, "more than %u layers (PAL_INV_MAX_LAYERS; docker itself stops at 127)",
                    PAL_INV_MAX_LAYERS);
        return -1;
    }
    pal_inv_layer_ref *nl = realloc(out->layers, (out->nlayers + 1) * sizeof *nl);
    if (nl) out->layers = nl;
    pal_inv_layer_ref *ref = nl ? &nl[out->nlayers] : NULL;
    if (ref) {
        memset(ref, 0, sizeof *ref);
        ref->name = strdup(blob);
        ref->digest = digest ? strdup(digest) : NULL;
        ref->digest_from = digest_from;
    }
    if (!ref || !ref->name || (digest && !ref->digest)) {
        if (ref) { free(ref->name); free(ref->digest); }
        pal_inv_err(err, errcap, "out of memory");
        return -1;
    }
    cJSON *l = cJSON_CreateObject();
    if (l) {
        cJSON_AddNumberToObject(l, "index", out->nlayers);
        add_str(l, "blob", blob);
        if (digest) add_str(l, "digest", digest);
        if (media_type) add_str(l, "media_type", media_type);
        cJSON_AddItemToArray(layers, l);
    }
    out->nlayers++;
    return 0;
}

/* The config: its digest is the image id; it must match a descriptor's,
   or the digest its name carries (docker save: "<hex>.json" or
   "blobs/sha256/<hex>"). */
static int read_config(resolve_ctx *r, pal_inv_layout *out, const pal_inv_blob *b, const char *want_digest)
{
    unsigned char sum[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1], id[8 + sizeof hex];
    crypto_hash_sha256(sum, b->data, b->len);
    pal_hex(sum, sizeof sum, hex);
    snprintf(id, sizeof id, "sha256:%s", hex);
    char named[8 + 128 + 1];
    size_t nl = strlen(b->name);
    if (!want_digest && nl == 64 + 5 && !strcmp(b->name + 64, ".json")) {
        snprintf(named, sizeof named, "sha256:%.64s", b->name);
        if (pal_inv_digest_alg(named)) want_digest = named;
    }
    if (!want_digest) want_digest = digest_of_name(b->name, named, sizeof named);
    if (want_digest && !strncmp(want_digest, "sha256:", 7) && strcmp(want_digest, id)) {
        pal_inv_err(r->err, r->errcap, "config '%.200s' hashes to %s, not the digest %s it is named by "
                    "(the tarball is corrupt or was tampered with)", b->name, id, want_digest);
        return -1;
    }
    add_str(out->image, "id", id);
    char cerr[256];
    if (pal_inv_config_parse((const char *)b->data, b->len, out->image, &out->windows,
                             cerr, sizeof cerr) < 0) {
        pal_inv_err(r->err, r->errcap, "config '%.200s': %s", b->name, cerr);
        return -1;
    }
    return 0;
}

static int from_docker_manifest(resolve_ctx *r, pal_inv_layout *out, const pal_inv_blob *mb)
{
    cJSON *m = parse_blob(r, mb, "manifest.json");
    if (!m) return -1;
    const cJSON *first = cJSON_IsArray(m) ? cJSON_GetArrayItem(m, 0) : NULL;
    int rc = -1;
    if (!cJSON_IsObject(first)) {
        pal_inv_err(r->err, r->errcap, "manifest.json is not a list of images "
                    "([{\"Config\", \"RepoTags\", \"Layers\"}], as docker save writes it)");
        goto done;
    }
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(first, "RepoTags");
    const cJSON *t0 = cJSON_GetArrayItem(tags, 0);
    if (cJSON_IsString(t0) && t0->valuestring) add_str(out->image, "name", t0->valuestring);
    cJSON *ta = str_array(tags);
    if (ta) cJSON_AddItemToObject(out->image, "tags", ta);
    const pal_inv_blob *cb = need_json_blob(r, jstr(first, "Config"), "config");
    if (!cb || read_config(r, out, cb, NULL) < 0) goto done;
    add_str(out->image, "layout", pal_inv_src_find(r->s, "index.json") ? "docker-save+oci" : "docker-save");
    cJSON *layers = cJSON_AddArrayToObject(out->image, "layers");
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(first, "Layers")) {
        const char *name = cJSON_IsString(it) ? it->valuestring : NULL;
        const pal_inv_blob *lb = need_blob(r, name, "layer");
        char dg[8 + 128 + 1];
        const char *digest = digest_of_name(name, dg, sizeof dg);   /* docker >= 25 names blobs by digest */
        if (!lb || add_layer(out, layers, lb->name, digest, "its name in manifest.json", NULL,
                             r->err, r->errcap) < 0)
            goto done;
    }
    rc = 0;
done:
    cJSON_Delete(m);
    return rc;
}

static bool is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
                  !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

/* Attestations (buildkit provenance/SBOM) sit in indexes beside images. */
static bool runnable(const cJSON *desc)
{
    const cJSON *ann = cJSON_GetObjectItemCaseSensitive(desc, "annotations");
    const char *ref = jstr(ann, "vnd.docker.reference.type");
    if (ref && !strcmp(ref, "attestation-manifest")) return false;
    const cJSON *plat = cJSON_GetObjectItemCaseSensitive(desc, "platform");
    const char *os = jstr(plat, "os");
    return !(os && !strcmp(os, "unknown"));
}

static int from_oci_manifest(resolve_ctx *r, pal_inv_layout *out, const cJSON *desc)
{
    char path[64 + 128];
    const char *digest = jstr(desc, "digest");
    if (digest_path(r, digest, path, sizeof path) < 0) return -1;
    const pal_inv_blob *mb = need_json_blob(r, path, "image manifest");
    if (!mb) return -1;
    cJSON *m = parse_blob(r, mb, "image manifest");
    if (!m) return -1;
    int rc = -1;
    char what[128];
    snprintf(what, sizeof what, "manifest %.80s", digest);
    resolve_ctx mr = *r;
    mr.what = what;
    const cJSON *cd = cJSON_GetObjectItemCaseSensitive(m, "config");
    const char *cdig = jstr(cd, "digest");
    if (digest_path(&mr, cdig, path, sizeof path) < 0) goto done;
    const pal_inv_blob *cb = need_json_blob(&mr, path, "config");
    if (!cb || read_config(&mr, out, cb, cdig) < 0) goto done;
    add_str(out->image, "layout", "oci");
    cJSON *layers = cJSON_AddArrayToObject(out->image, "layers");
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "layers")) {
        const char *ld = jstr(it, "digest"), *mt = jstr(it, "mediaType");
        if (digest_path(&mr, ld, path, sizeof path) < 0) goto done;
        if (!pal_inv_src_find(r->s, path) && mt && strstr(mt, "foreign")) {
            pal_inv_err(r->err, r->errcap, "%s: foreign layer %.80s is not in the image "
                        "(pull the image with its foreign layers, or re-save it with a current docker)",
                        what, ld);
            goto done;
        }
        const pal_inv_blob *lb = need_blob(&mr, path, "layer");
        if (!lb || add_layer(out, layers, lb->name, ld, "its descriptor in the image manifest", mt,
                             r->err, r->errcap) < 0)
            goto done;
    }
    rc = 0;
done:
    cJSON_Delete(m);
    return rc;
}

static int from_oci_index(resolve_ctx *r, pal_inv_layout *out, const cJSON *idx, unsigned depth)
{
    if (depth > PAL_INV_MAX_INDEX_DEPTH) {
        pal_inv_err(r->err, r->errcap, "image indexes nest deeper than %u (PAL_INV_MAX_INDEX_DEPTH)",
                    PAL_INV_MAX_INDEX_DEPTH);
        return -1;
    }
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(idx, "manifests")) {
        if (!cJSON_IsObject(d) || !runnable(d)) continue;
        const cJSON *ann = cJSON_GetObjectItemCaseSensitive(d, "annotations");
        if (depth == 0) {
            /* The image's name: containerd and docker write the full
               reference; plain OCI tools a tag in ref.name. */
            const char *name = jstr(ann, "io.containerd.image.name");
            if (!name) name = jstr(ann, "org.opencontainers.image.ref.name");
            cJSON *tags = cJSON_CreateArray();
            if (name) {
                add_str(out->image, "name", name);
                cJSON *v = pal_inv_str(name, strlen(name));
                if (v && tags) cJSON_AddItemToArray(tags, v);
            }
            if (tags) cJSON_AddItemToObject(out->image, "tags", tags);
        }
        const char *mt = jstr(d, "mediaType");
        if (!is_index_type(mt)) return from_oci_manifest(r, out, d);
        char path[64 + 128];
        if (digest_path(r, jstr(d, "digest"), path, sizeof path) < 0) return -1;
        const pal_inv_blob *b = need_json_blob(r, path, "image index");
        if (!b) return -1;
        cJSON *sub = parse_blob(r, b, "image index");
        if (!sub) return -1;
        int rc = from_oci_index(r, out, sub, depth + 1);
        cJSON_Delete(sub);
        return rc;
    }
    pal_inv_err(r->err, r->errcap, "%s lists no image manifest (an empty or attestation-only index)", r->what);
    return -1;
}

/* Every layer's diff_id, from the config: exactly one per layer, each a
   well-formed digest, or the image cannot be verified. */
static int attach_diff_ids(pal_inv_layout *out, char *err, size_t errcap)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(out->image, "diff_ids");
    int count = cJSON_GetArraySize(ids);
    if (out->nlayers == 0) return 0;
    if (count != (int)out->nlayers) {
        pal_inv_err(err, errcap, "the config's rootfs.diff_ids lists %d layer%s but the manifest %u "
                    "(each layer is checked against its diff_id; the image is malformed or was altered)",
                    count, count == 1 ? "" : "s", out->nlayers);
        return -1;
    }
    cJSON *layer = cJSON_GetObjectItemCaseSensitive(out->image, "layers");
    layer = layer ? layer->child : NULL;
    unsigned i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, ids) {
        if (!pal_inv_digest_alg(it->valuestring)) {
            pal_inv_err(err, errcap, "the config's rootfs.diff_ids[%u] '%.80s' is not a digest "
                        "(expected sha256:<64 hex digits>; the image is malformed)", i, it->valuestring);
            return -1;
        }
        if (!(out->layers[i].diff_id = strdup(it->valuestring))) {
            pal_inv_err(err, errcap, "out of memory");
            return -1;
        }
        if (layer) {
            add_str(layer, "diff_id", it->valuestring);
            layer = layer->next;
        }
        i++;
    }
    return 0;
}

int pal_inv_layout_read(const pal_inv_src *s, pal_inv_layout *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    out->image = cJSON_CreateObject();
    if (!out->image) { pal_inv_err(err, errcap, "out of memory"); return -1; }
    resolve_ctx r = {s, "manifest.json", err, errcap};
    const pal_inv_blob *mb = pal_inv_src_find(s, "manifest.json");
    int rc;
    if (mb && mb->data) {
        rc = from_docker_manifest(&r, out, mb);
    } else if ((mb = pal_inv_src_find(s, "index.json")) && mb->data) {
        r.what = "index.json";
        cJSON *idx = parse_blob(&r, mb, "index.json");
        rc = idx ? from_oci_index(&r, out, idx, 0) : -1;
        cJSON_Delete(idx);
    } else if (mb || pal_inv_src_find(s, "manifest.json")) {
        pal_inv_err(err, errcap, "manifest.json / index.json is larger than %u MiB or not JSON "
                    "(PAL_INV_MAX_JSON_BYTES)", PAL_INV_MAX_JSON_BYTES >> 20);
        rc = -1;
    } else {
        pal_inv_err(err, errcap, "not an image tarball: no manifest.json or index.json at its top "
                    "(write one with `docker save IMAGE -o FILE` or an OCI tool such as skopeo)");
        rc = -1;
    }
    if (rc == 0) rc = attach_diff_ids(out, err, errcap);
    if (rc < 0) pal_inv_layout_free(out);
    return rc;
}

void pal_inv_layout_free(pal_inv_layout *l)
{
    cJSON_Delete(l->image);
    for (unsigned i = 0; i < l->nlayers; i++) {
        free(l->layers[i].name);
        free(l->layers[i].digest);
        free(l->layers[i].diff_id);
    }
    free(l->layers);
    memset(l, 0, sizeof *l);
}
