/*
 * palisade.h — the public API: palisade embedded in another program.
 *
 * This header is the whole contract of libpalisade for embedders; every
 * other header in the tree is internal, and every symbol not declared here
 * is hidden (the library is built with -fvisibility=hidden, and these
 * functions are marked PALISADE_API).  It is self-contained: it includes
 * only the C library's headers.
 *
 * The pieces, in the order a program uses them:
 *
 *   policy     palisade_compile (a policy repo on disk) or palisade_load
 *              (a bundle: verified — structure, bytecode and, with a trusted
 *              key, signature — before it can run).  A policy is read-only
 *              and may be shared by any number of threads.
 *   events     palisade_decider_new per thread, palisade_decide per event
 *              line (ECS JSON, Sysmon or Falco): the decision line is the
 *              same JSON `palisade eval` prints.
 *   images     palisade_inventory (an image tarball or OCI layout into the
 *              JSON `palisade inventory` prints), palisade_check (the
 *              policy's checks on an inventory: the findings as JSON) and
 *              palisade_scan (image, checks, vulnerability feeds: the
 *              report `palisade scan --format json` writes).
 *
 * Errors: functions that can fail take (char *err, size_t errcap) and
 * write one message there — what, where, what to do.  The library never
 * prints and never exits.  Ownership: what a palisade_*_new / _compile /
 * _load returns is freed by its _free; strings returned as char * are
 * malloc'ed and freed with palisade_free; const char * results belong to
 * the object they came from.
 */
#ifndef PALISADE_H
#define PALISADE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PALISADE_API __attribute__((visibility("default")))
#else
#define PALISADE_API
#endif

/* Effects, weakest first: the strongest matching rule's decides. */
enum palisade_effect { PALISADE_ALLOW = 0, PALISADE_ALERT = 1, PALISADE_PREVENT = 2, PALISADE_BLOCK = 3 };

typedef struct palisade_policy palisade_policy;
typedef struct palisade_decider palisade_decider;

/* "0.1.0" */
PALISADE_API const char *palisade_version(void);
/* Frees what a palisade function returned as char *. */
PALISADE_API void palisade_free(void *p);

/* ---- policies ---- */

/* Compiler diagnostics, one formatted message each ("file:line:col:
   error[PAL0301]: unknown field ..." with the source line, caret and hint). */
typedef void (*palisade_message_fn)(void *user, const char *message);

/* Compiles the policy repo at path (a directory of .pal files, or one .pal
   file).  NULL when there was any error; each diagnostic went to diag
   (NULL: none are reported) and *nerrors (may be NULL) counts them. */
PALISADE_API palisade_policy *palisade_compile(const char *path, palisade_message_fn diag, void *user,
                                               unsigned *nerrors);
/* Reads a bundle (`palisade build` output) from memory.  trusted_key: the
   text of a public key file (`palisade keygen`), and the bundle must then
   be signed by it; NULL accepts an unsigned or intact signed bundle. */
PALISADE_API palisade_policy *palisade_load(const void *bundle, size_t len, const char *trusted_key,
                                            char *err, size_t errcap);
PALISADE_API palisade_policy *palisade_load_file(const char *path, const char *trusted_key,
                                                 char *err, size_t errcap);
/* Checks a bundle as palisade_load does, without keeping it: 0 when it
   would load, -1 with the reason. */
PALISADE_API int palisade_verify(const void *bundle, size_t len, const char *trusted_key,
                                 char *err, size_t errcap);
/* Writes the policy as an (unsigned) bundle, atomically. */
PALISADE_API int palisade_save(const palisade_policy *p, const char *path, char *err, size_t errcap);
/* The revision the policy was built as ("" when none was given). */
PALISADE_API const char *palisade_revision(const palisade_policy *p);
PALISADE_API void palisade_policy_free(palisade_policy *p);

/* ---- events ---- */

/* One per thread; p must outlive it.  NULL when out of memory. */
PALISADE_API palisade_decider *palisade_decider_new(const palisade_policy *p);
/* Decides one event (a JSON object of ECS, Sysmon or Falco fields; the
   layout is recognised per event).  Returns the decision's effect, or -1
   when the event cannot be decoded or decided.  *decision (may be NULL)
   gets the decision line — {"effect":..., "matches":[...], "revision":...},
   with "error" when it returned -1 — valid until the next call. */
PALISADE_API int palisade_decide(palisade_decider *d, const char *event, size_t len, const char **decision);
PALISADE_API void palisade_decider_free(palisade_decider *d);

/* ---- images ---- */

/* The inventory of a docker-save / OCI tarball or an OCI layout directory,
   as JSON (palisade_free it), with file hashes.  NULL with err on failure:
   nothing of the image is ever extracted to disk. */
PALISADE_API char *palisade_inventory(const char *image_path, char *err, size_t errcap);
/* Runs every check of p on an inventory (palisade_inventory's JSON):
   {"revision":..., "checks":[{"id":..., "status":"pass"|"fail"|"error",
   "findings":[{"severity":..., "message":..., "element":...}], "error":...}]}
   (palisade_free it).  NULL with err when the inventory cannot be read. */
PALISADE_API char *palisade_check(const palisade_policy *p, const char *inventory_json, size_t len,
                                  char *err, size_t errcap);

/* Scans an image as `palisade scan IMAGE --no-builtin --policy P
   --format json` does: the inventory, every check of p, feeds (a NULL-
   terminated list of feed files or directories, may be NULL) and the
   report in the palisade.scan/v1 JSON schema (palisade_free it), whose
   "passed" says whether anything at or above high failed.  NULL with err
   when the image or a feed cannot be read. */
PALISADE_API char *palisade_scan(const palisade_policy *p, const char *image_path, const char *const *feeds,
                                 char *err, size_t errcap);

#ifdef __cplusplus
}
#endif

#endif
