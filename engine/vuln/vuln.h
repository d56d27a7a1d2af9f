/*
 * vuln.h — known vulnerabilities: feeds, matching an inventory, risk score.
 *
 * Design.  Feeds are loaded once into an index keyed by (ecosystem family,
 * package name), so matching an image costs one hash lookup per package plus
 * a version comparison per candidate range, whatever the size of the feed.
 * Every version in a feed is validated by its ecosystem's rules
 * (engine/core/version.h) at load time: a version the ecosystem cannot parse is
 * reported with its file and record and that range is dropped — it never
 * matches (or fails to match) silently.  The same holds for the image: a
 * package whose installed version does not parse is listed in
 * pal_vuln_list.notes, never quietly "not vulnerable".
 *
 * Feed formats (a directory is walked recursively, files by extension:
 * *.json; anything else is ignored; the kind is told by the content):
 *
 * Every file is read as strict JSON (RFC 8259, engine/base/json.h; a UTF-8
 * byte order mark is allowed): one that is not is reported with its line,
 * column and reason and skipped whole.  Members may come in any order; of
 * duplicate members the first counts.
 *
 *  1. OSV records (ossf.github.io/osv-schema), one record per file (as
 *     osv.dev's zip exports are) or a JSON array of records: `id`,
 *     `aliases`, `summary`, `published`,
 *     `severity[]` (CVSS_V3/CVSS_V4 vectors; v3 vectors are scored here),
 *     `affected[]` with `package.ecosystem` Debian, Ubuntu, Alpine,
 *     AlmaLinux, Rocky Linux, Red Hat, SUSE or openSUSE, with a release
 *     suffix matched, when the image's release is known, against its
 *     os-release VERSION_ID: "Debian:12", "Ubuntu:22.04:LTS",
 *     "Alpine:v3.19", "AlmaLinux:9", "Red Hat:enterprise_linux:9::appstream"
 *     (and rhel_eus/rhel_aus/... products: "Red Hat:rhel_eus:9.2::baseos"
 *     is 9.2; other Red Hat products such as openshift are reported and
 *     skipped), "SUSE:Linux Enterprise Server 15 SP5" (15.5),
 *     "openSUSE:Leap 15.5"; a release of 9 matches 9.x images), `package.name` (for Debian/Ubuntu/Alpine: the
 *     SOURCE package, as OSV uses it; rpm inventories carry no source name,
 *     so for rpm it is the package's own), `ranges[]` of type ECOSYSTEM with `introduced`,
 *     `fixed`, `last_affected` events (several ranges = union; introduced
 *     "0" = since the beginning), `versions[]` lists, and severity from
 *     `database_specific.severity` / `ecosystem_specific.urgency` / the
 *     Ubuntu `severity[{type:"Ubuntu"}]` entry.  Exploit known:
 *     `database_specific.exploit_known`, `.exploited` or `.kev` true.  Other range types (SEMVER, GIT)
 *     and ecosystems other than those above are reported and skipped.
 *     The title is the summary (else the details): its first line, control
 *     characters as spaces, at most 255 bytes, cut between characters.
 *  2. Custom vulnerabilities (Prisma's custom feed shape):
 *       {"rules":[{"name":"CVE-2024-0001","package":"openssl","type":"dpkg",
 *                  "minVersionInclusive":"1.0","maxVersionInclusive":"1.1",
 *                  "md5":"...", "severity":"high", "cvss":7.5,
 *                  "fixedVersion":"1.1-2", "title":"..."}]}
 *     `type` is an ecosystem ("dpkg"/"debian"/"ubuntu", "apk"/"alpine",
 *     "rpm") matched against the package name (binary or source), or "md5"
 *     matched against image.files[].md5 (needs an inventory with hashes).
 *     A missing min/max bound is open.
 *  3. The palisade Windows feed (written by `palisade feed convert-msrc`
 *     from Microsoft's CVRF JSON documents):
 *       {"format":"palisade-windows-feed","version":1,
 *        "products":[{"id":"11571","name":"Windows Server 2019 ..."}],
 *        "vulnerabilities":[{"id":"CVE-2024-21307","title":"...",
 *           "severity":"critical","cvss":7.5,"exploited":false,
 *           "published":"2024-01-09",
 *           "fixes":[{"product":"11571","fixed_build":"10.0.17763.5329",
 *                     "kb":"KB5034127"}]}]}
 *     A fix applies to an image whose Windows build has the same
 *     major.minor.build as fixed_build.  The image is vulnerable when its
 *     effective build is below fixed_build, where the effective build is the
 *     larger of 10.0.BUILD.UBR and the fixed build of every installed KB the
 *     feed knows for that build line (a KB at or past the fix means patched).
 *
 * Allow list (pal_allowlist_load): YAML, or JSON when the file starts with
 * '{' — the same shape either way:
 *     allow:
 *       - id: CVE-2024-0001      # required
 *         package: openssl       # optional: only for this package
 *         reason: "not reachable in our build"
 *         expires: 2027-01-31    # optional, YYYY-MM-DD; the entry applies
 *                                # through that day
 * An allowed vulnerability stays in the list with status PAL_VST_ALLOWED
 * (and the reason); one whose entry has expired gets PAL_VST_OPEN and
 * allow_expired set, and the load reports each expired entry as a warning.
 *
 * Risk score, 0..100 (stored per vulnerability with its factors):
 *     severity  0..40  CVSS base x 4 when the feed gives a score (9.8 -> 39),
 *                      else critical 38, high 28, medium 18, low 8,
 *                      unknown 15
 *   + fix       10     a fixed version / KB exists (actionable now)
 *   + exploit   20     the feed says an exploit is known / exploited
 *   + network   10     the image exposes ports (image.config.exposed_ports)
 *   + root      10     the image runs as root (config user "", "root", "0",
 *                      "0:..", "ContainerAdministrator")
 *   + age       0..10  days since published / 36, capped at 10 (a year old
 *                      vulnerability has had a year for exploits to appear)
 * Integer arithmetic throughout, so a score is reproducible across runs.
 *
 * Ownership: pal_feeds, pal_allowlist, pal_feed_report and pal_vuln_list
 * own all their memory (strings included) and are freed by their _free
 * function; pal_vuln records point into their list.  Loading and matching
 * are single-threaded; a loaded pal_feeds is read-only during matching and
 * may be shared by threads matching different images.
 */
#ifndef PAL_VULN_H
#define PAL_VULN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

/*
 * Limits on hostile or careless feeds (engine/base/limits.h belongs to another
 * part of the tree; these are specific to feeds).  Exceeding one is an error
 * naming it, except those marked "bounded outcome".
 */
#define PAL_FEED_MAX_FILE_BYTES  (64u << 20)  /* one feed file, parsed whole (the tape takes at
                                                 most 8x its size, a 16-byte node per value):
                                                 split bigger exports into files */
#define PAL_FEED_MAX_TOTAL_BYTES (1ull << 30) /* all feed files of one load */
#define PAL_FEED_MAX_FILES       500000u      /* files in a feed directory (OSV's Debian
                                                 dump has ~60,000) */
#define PAL_FEED_MAX_DEPTH       8u           /* directory nesting */
#define PAL_FEED_MAX_JSON_DEPTH  1000u        /* arrays and objects nested in a feed file
                                                 (cJSON's limit, which feeds had before) */
#define PAL_FEED_MAX_RECORDS     2000000u     /* records (OSV, custom rules, Windows CVEs) */
#define PAL_FEED_MAX_AFFECTED    10000000u    /* affected (package, ranges) entries in all */
#define PAL_FEED_MAX_VERSIONS    4096u        /* events or listed versions in one affected
                                                 entry; more is reported and the entry skipped */
#define PAL_FEED_MAX_STRING      4096u        /* one id, name or version; longer is a bad record */
#define PAL_FEED_MAX_PROBLEMS    1000u        /* bounded outcome: problems kept in a report;
                                                 the rest are only counted */
#define PAL_VULN_MAX_RESULTS     200000u      /* bounded outcome: vulnerabilities kept for one
                                                 image; the rest are counted in `omitted` */
#define PAL_VULN_MAX_NOTES       1000u        /* bounded outcome: notes kept for one match */

/* ------------------------------------------------------------ severities */

typedef enum {
    PAL_VSEV_UNKNOWN = 0,
    PAL_VSEV_LOW,
    PAL_VSEV_MEDIUM,
    PAL_VSEV_HIGH,
    PAL_VSEV_CRITICAL
} pal_vuln_severity;

/* "unknown" "low" "medium" "high" "critical". */
const char *pal_vuln_severity_name(pal_vuln_severity s);
/* Case-insensitive; also "moderate"/"important" (vendor names) and Debian
   urgencies ("unimportant" -> low); -1 if not a severity. */
int pal_vuln_severity_from_name(const char *s);

/* ------------------------------------------------------------ reports */

typedef enum {
    PAL_FEED_ERROR = 1,  /* malformed: the record (or one range of it) was skipped */
    PAL_FEED_WARNING     /* usable data palisade does not use (unknown ecosystem, other
                            range types) or an expired allow-list entry */
} pal_feed_level;

typedef struct pal_feed_problem {
    pal_feed_level level;
    char *file;      /* the feed file */
    char *where;     /* "record 12 (CVE-2024-1234)", "rules[3] (my-cve)", "allow[2]" */
    char *message;   /* what is wrong and what to do */
} pal_feed_problem;

typedef struct pal_feed_report {
    unsigned files;            /* feed files read */
    unsigned records;          /* records loaded: OSV records, custom rules, Windows CVEs,
                                  allow-list entries */
    unsigned skipped;          /* records skipped whole */
    unsigned errors, warnings; /* problems by level, including omitted ones */
    pal_feed_problem *problems;
    unsigned nproblems;        /* kept (at most PAL_FEED_MAX_PROBLEMS) */
    unsigned omitted;          /* problems counted but not kept */
} pal_feed_report;

void pal_feed_report_init(pal_feed_report *r);
void pal_feed_report_free(pal_feed_report *r);

/* Adds a problem (message printf-style).  Past PAL_FEED_MAX_PROBLEMS it is
   only counted.  where may be NULL. */
void pal_feed_report_add(pal_feed_report *r, pal_feed_level level, const char *file,
                         const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ------------------------------------------------------------ feeds */

typedef struct pal_feeds pal_feeds;

/* Loads every feed in a file or directory (see the formats above).
   Records with problems are reported in rep (which may be NULL) and
   skipped; the rest load.  Returns NULL with a message in err when the path
   cannot be read at all, a limit is exceeded or memory runs out — the CLI
   exits 2.  A directory with no feed file in it is not an error (rep->files
   is 0). */
pal_feeds *pal_feeds_load(const char *dir_or_file, pal_feed_report *rep,
                          char *err, size_t errcap);
/* The same, adding to feeds already loaded (several --feeds). 0 or -1. */
int pal_feeds_add(pal_feeds *f, const char *dir_or_file, pal_feed_report *rep,
                  char *err, size_t errcap);
pal_feeds *pal_feeds_new(void);
void pal_feeds_free(pal_feeds *f);

typedef struct pal_feeds_stats {
    size_t osv_records, custom_rules, md5_rules, windows_cves, windows_fixes;
    size_t packages;           /* distinct (ecosystem, package) keys indexed */
} pal_feeds_stats;
void pal_feeds_stats_get(const pal_feeds *f, pal_feeds_stats *out);

/* ------------------------------------------------------------ allow list */

typedef struct pal_allowlist pal_allowlist;

/* Loads a CVE allow list (see above).  today is "YYYY-MM-DD" (NULL = the
   current UTC date); expired entries are kept (so matches can say
   "allow-list entry expired") and reported in rep as warnings.  NULL with
   err on an unreadable file, malformed YAML/JSON (with line) or a bad entry
   (an allow list is policy: a typo must not silently allow nothing). */
pal_allowlist *pal_allowlist_load(const char *file, const char *today,
                                  pal_feed_report *rep, char *err, size_t errcap);
void pal_allowlist_free(pal_allowlist *a);
/* The entry for vulnerability id (or one of its comma-separated aliases) of
   package, if any: NULL when none matches.  An entry with a package applies
   to that package (binary or source name) only.  *expired says whether the
   date has passed. */
typedef struct pal_allow_entry {
    const char *id, *package, *reason, *expires;  /* package/expires may be NULL */
    bool expired;
} pal_allow_entry;
const pal_allow_entry *pal_allowlist_find(const pal_allowlist *a, const char *id,
                                          const char *aliases, const char *package,
                                          const char *source_package);
size_t pal_allowlist_count(const pal_allowlist *a);

/* ------------------------------------------------------------ matching */

typedef enum {
    PAL_VST_OPEN = 0,     /* counts against the image */
    PAL_VST_ALLOWED,      /* an unexpired allow-list entry covers it */
    PAL_VST_GRACE,        /* within the grace days of its severity */
    PAL_VST_BELOW         /* below opts.min_severity, or no fix with opts.only_fixed:
                             kept only when opts.keep_filtered */
} pal_vuln_status;

const char *pal_vuln_status_name(pal_vuln_status s); /* "open" "allowed" "grace" "below-threshold" */

typedef struct pal_vuln_opts {
    const char *today;          /* "YYYY-MM-DD" for age and expiry; NULL = current UTC date */
    const pal_allowlist *allow; /* may be NULL */
    /* The image's distribution release, e.g. "debian:12", "ubuntu:22.04",
       "alpine:3.19".  NULL = read from the inventory's etc/os-release
       content when present; when unknown, dpkg packages are matched against
       both Debian and Ubuntu records and every release (noted in notes). */
    const char *distro;
    pal_vuln_severity min_severity;  /* --vuln-threshold: lower ones get PAL_VST_BELOW;
                                        an unknown severity is never below a threshold
                                        (it cannot be shown to be) */
    bool only_fixed;                 /* --only-fixed: ones without a fix get PAL_VST_BELOW */
    bool keep_filtered;              /* keep PAL_VST_BELOW records in the list */
    int grace_days[5];               /* by pal_vuln_severity; 0 = none: a vulnerability
                                        published fewer days ago gets PAL_VST_GRACE */
} pal_vuln_opts;

typedef struct pal_risk_factors {
    int severity, fix, exploit, network, root, age;  /* points, as in the formula above */
} pal_risk_factors;

typedef struct pal_vuln {
    const char *id;            /* CVE-2024-1234 (an OSV record's CVE alias when it has one) */
    const char *aliases;       /* other ids, comma-separated ("" if none) */
    const char *package;       /* the inventory's package name; "windows"; a file path for md5 */
    const char *source_package;/* the name the feed matched (source package), or NULL */
    const char *version;       /* installed version / build / md5 */
    const char *ecosystem;     /* dpkg apk rpm windows md5 */
    const char *fixed_version; /* NULL when no fix is known */
    const char *kb;            /* Windows: the fixing KB, else NULL */
    const char *title;         /* "" if the feed has none */
    const char *published;     /* YYYY-MM-DD, or NULL */
    const char *source;        /* the feed file */
    const char *feed_ecosystem;/* "Debian:12", "custom", "windows" */
    pal_vuln_severity severity;
    int cvss10;                /* CVSS base score x10, -1 when unknown */
    int age_days;              /* -1 when published is unknown */
    bool fix_available, exploit;
    int risk;                  /* 0..100 */
    pal_risk_factors factors;
    pal_vuln_status status;
    bool allow_expired;        /* an allow-list entry matched but has expired */
    const char *allow_reason;  /* the entry's reason when one matched (expired or not) */
    const char *allow_expires; /* its expiry date, or NULL */
} pal_vuln;

typedef struct pal_vuln_list {
    pal_vuln *items;           /* sorted: risk descending, then id, package */
    size_t n;
    size_t omitted;            /* past PAL_VULN_MAX_RESULTS */
    size_t counts[5];          /* PAL_VST_OPEN records by severity */
    char **notes;              /* what could not be matched and why (unparsable installed
                                  versions, unknown release, no hashes for md5 rules) */
    size_t nnotes, notes_omitted;
    void *mem;                 /* internal: the strings */
} pal_vuln_list;

/* Matches every package of the inventory (pal_inventory_read's tree) against
   the feeds of its ecosystem, the Windows build and KBs against the Windows
   feed, and image.files md5 against md5 rules.  *out is initialised here.
   0, or -1 with err (no memory).
   One vulnerability per (id, package): an OSV record is reported under its
   CVE when it names exactly one (DEBIAN-CVE-2024-1 -> CVE-2024-1, the OSV id
   kept in aliases), the same id from several records or releases is
   reported once, and an advisory (DSA, DLA, USN, ...) whose every CVE also
   matched on its own for that package is dropped.  A package is reported
   per binary package (libssl3 and openssl both carry CVE-X of source
   openssl), as the installed thing to upgrade. */
int pal_vuln_match(const pal_feeds *f, const cJSON *inventory, const pal_vuln_opts *o,
                   pal_vuln_list *out, char *err, size_t errcap);
void pal_vuln_list_free(pal_vuln_list *l);

/* One record as JSON: the schema "vulnerability" fields (engine/core/schema.c)
   plus aliases, source_package, feed_ecosystem, status, allow_reason,
   allow_expires and risk_factors {severity, fix, exploit, network, root,
   age}.  NULL on no memory. */
cJSON *pal_vuln_json(const pal_vuln *v);
/* Attaches "vulnerabilities" (every record of the list, in order) to the
   inventory root, replacing any there, so checks can query
   image.vulnerabilities.  0 or -1 (no memory). */
int pal_vuln_to_json(const pal_vuln_list *l, cJSON *inventory);

/* ------------------------------------------------------------ helpers */

/* CVSS v3.0/v3.1 base score x10 from a vector ("CVSS:3.1/AV:N/AC:L/...");
   -1 if the vector is not a complete valid v3 base vector. */
int pal_cvss3_score10(const char *vector);

/* Days from civil date "YYYY-MM-DD..." (a longer RFC 3339 time is fine);
   0 and *days set, or -1 when not a date. */
int pal_date_days(const char *s, long *days);

/* Converts Microsoft CVRF JSON documents (the MSRC API's
   /cvrf/v3.0/document/<id> with Accept: application/json) into one palisade
   Windows feed.  Problems (a vulnerability without fixes, a malformed
   remediation) go to rep.  NULL with err when a document cannot be read or
   is not CVRF. */
cJSON *pal_msrc_convert(const char *const *files, unsigned nfiles, pal_feed_report *rep,
                        char *err, size_t errcap);

#endif
