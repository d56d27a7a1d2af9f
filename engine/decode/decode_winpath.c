/*
 * decode_winpath.c — Windows paths read the way Windows reads them, once,
 * when an event is decoded (SPEC 15, "Windows paths").
 *
 * One file has many spellings on Windows: \\?\C:\x and \??\C:\x are C:\x,
 * \Device\HarddiskVolume3\x is C:\x on a host where volume 3 is C:,
 * C:\a\..\x and C:\\x are C:\x, and Win32 drops trailing dots and spaces
 * from a file name, so "cmd.exe." and "cmd.exe " start cmd.exe.  A policy
 * names a file one way; if the decoder kept every spelling, each deny would
 * have to list them all.  So every path field of a Windows event is
 * rewritten to one form here, before any rule sees it, and the text the
 * event gave is kept beside it (pal_event.originals) for the decision.
 *
 * The rules are Win32's path normalisation, with two choices of our own
 * where it leaves a gap, both in favour of deny entries:
 *   - the last segment loses trailing dots and spaces and a "::$DATA"
 *     stream suffix even under \\?\ (where Windows would open a distinct
 *     file named "cmd.exe." — a copy of cmd.exe under another name is
 *     still cmd.exe to a policy);
 *   - ".." is resolved under \\?\ too (Windows would fail to open it).
 * Separators stay as written ('/' and '\' compare equal anyway); a run of
 * them is its first.
 * Two Win32 rules are kept exactly, because relaxing them would let a
 * directory a user can create (C:\Windows.\, C:\Program Files \) pass for
 * a system one under an allow entry: other segments lose one trailing dot
 * only without a \\?\ or \??\ prefix, and never lose trailing spaces.
 * 8.3 short names (PROGRA~1) are not expanded: that needs the disk.
 *
 * The result is never longer than the input, so it is written into a
 * buffer of the input's size (and a scratch buffer of that size holds the
 * runs after the first).
 */
#include "engine/decode/decode_int.h"

static bool wsep(char c) { return c == '\\' || c == '/'; }
static bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* "\\?\", "\??\" or "\\.\" (either separator) at s: 4, else 0.  *literal
   is set for the two Windows does not normalise. */
static size_t ns_prefix(const char *s, size_t n, bool *literal)
{
    if (n < 4 || !wsep(s[0]) || !wsep(s[3])) return 0;
    if (wsep(s[1]) && (s[2] == '?' || s[2] == '.')) { *literal = s[2] == '?'; return 4; }
    if (s[1] == '?' && s[2] == '?') { *literal = true; return 4; }
    return 0;
}

/* "\Device\HarddiskVolumeN" at s, followed by a separator or the end:
   its length, and N in *vol (0 when N is out of 1..255). */
static size_t device_volume(const char *s, size_t n, unsigned *vol)
{
    static const char dev[] = "Device";
    static const char hv[] = "HarddiskVolume";
    size_t i = 0;
    if (i >= n || !wsep(s[i])) return 0;
    i++;
    if (n - i < sizeof dev - 1 || !eq_ci(s + i, sizeof dev - 1, dev)) return 0;
    i += sizeof dev - 1;
    if (i >= n || !wsep(s[i])) return 0;
    i++;
    if (n - i < sizeof hv - 1 || !eq_ci(s + i, sizeof hv - 1, hv)) return 0;
    i += sizeof hv - 1;
    size_t d0 = i;
    unsigned v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 4) v = v * 10 + (unsigned)(s[i++] - '0');
    if (i == d0 || (i < n && !wsep(s[i]))) return 0;
    *vol = v >= 1 && v <= 255 ? v : 0;
    return i;
}

/* The end of a file name after dropping "::$DATA" stream suffixes and
   trailing dots and spaces, as often as they come ("cmd.exe . .",
   "cmd.exe::$DATA.").  A name that would vanish ("...") is kept. */
static size_t trim_last(const char *s, size_t b, size_t e)
{
    static const char ads[] = "::$DATA";
    const size_t al = sizeof ads - 1;
    size_t t = e;
    for (;;) {
        size_t t0 = t;
        if (t - b >= al && eq_ci(s + t - al, al, ads)) t -= al;
        while (t > b && (s[t - 1] == '.' || s[t - 1] == ' ')) t--;
        if (t == t0) break;
    }
    return t > b ? t : e;
}

/* Copies the next segment of s from *i (after any separators) to out+w,
   as a UNC server or share is copied: whole.  Returns the new w. */
static size_t copy_segment(const char *s, size_t n, size_t *i, char *out, size_t w)
{
    char sep = *i < n && wsep(s[*i]) ? s[*i] : '\\';
    while (*i < n && wsep(s[*i])) (*i)++;
    size_t b = *i;
    while (*i < n && !wsep(s[*i])) (*i)++;
    if (*i == b) return w;
    if (w > 0 && !wsep(out[w - 1])) out[w++] = sep;
    memcpy(out + w, s + b, *i - b);
    return w + (*i - b);
}

/* The root of the path into out: a drive (C:\ or the drive-relative C:), a
   UNC server and share, a kept namespace (\\?\Volume{..}), \ alone, or
   nothing (a relative path).  Returns its length; *i is where the segments
   start, *literal whether Windows takes the rest literally. */
static size_t read_root(const char *s, size_t n, char *out, size_t *i, bool *literal)
{
    static const char unc[] = "UNC", groot[] = "GLOBALROOT";
    size_t w = 0, p = ns_prefix(s, n, literal);
    bool unc_root = false;
    *i = 0;
    if (p) {
        while (p < n && wsep(s[p])) p++;
        if (n - p >= 3 && eq_ci(s + p, 3, unc) && (n - p == 3 || wsep(s[p + 3]))) {
            unc_root = true;
            *i = p + 3;
        } else if (n - p >= sizeof groot - 1 && eq_ci(s + p, sizeof groot - 1, groot) &&
                   (n - p == sizeof groot - 1 || wsep(s[p + sizeof groot - 1]))) {
            *i = p + sizeof groot - 1;              /* \Device\... follows */
        } else if (n - p >= 2 && alpha(s[p]) && s[p + 1] == ':') {
            *i = p;                                 /* a drive follows */
        } else {
            /* another namespace (\\?\Volume{...}): kept, as the root */
            memcpy(out, s, 4);
            *i = p;
            return copy_segment(s, n, i, out, 4);
        }
    } else if (n >= 3 && wsep(s[0]) && wsep(s[1]) && !wsep(s[2])) {
        unc_root = true;                            /* \\server\share, as written */
        out[w++] = s[0]; out[w++] = s[1];
        *i = 2;
    }
    if (unc_root) {
        if (w == 0) { out[w++] = '\\'; out[w++] = '\\'; }
        size_t before = w;
        w = copy_segment(s, n, i, out, w);                       /* server */
        if (w > before) w = copy_segment(s, n, i, out, w);       /* share */
        return w;
    }
    if (n - *i >= 2 && alpha(s[*i]) && s[*i + 1] == ':') {
        out[w++] = s[*i]; out[w++] = ':';
        *i += 2;
        if (*i < n && wsep(s[*i])) out[w++] = s[*i];
        return w;
    }
    if (*i < n && wsep(s[*i])) out[w++] = s[*i];
    return w;
}

/* The path in one form, but for the volume: root, separators, "." and
   "..", dots and spaces. */
static size_t normalize_once(const char *s, size_t n, char *out, bool *was_literal)
{
    bool literal = false;
    size_t i = 0;
    size_t floor = read_root(s, n, out, &i, &literal);   /* ".." stops here */
    literal = *was_literal = literal || *was_literal;     /* a later run keeps the first's prefix */
    size_t w = floor;
    bool trailing_sep = n > 0 && wsep(s[n - 1]);
    while (i < n) {
        char sep = wsep(s[i]) ? s[i] : '\\';              /* a run of separators is its first */
        while (i < n && wsep(s[i])) i++;
        size_t b = i;
        while (i < n && !wsep(s[i])) i++;
        size_t e = i;
        if (b == e) break;
        if (e - b == 1 && s[b] == '.') continue;
        if (e - b == 2 && s[b] == '.' && s[b + 1] == '.') {
            size_t k = w;                          /* the segment before: out[k..w) */
            while (k > floor && !wsep(out[k - 1])) k--;
            bool kept_dotdot = w - k == 2 && out[k] == '.' && out[k + 1] == '.';
            if (w > floor && !kept_dotdot) { w = k > floor ? k - 1 : floor; continue; }
            if (floor > 0) continue;               /* not above the root */
        } else if (!literal && e - b > 1 && s[e - 1] == '.' && s[e - 2] != '.') {
            e--;                                   /* "Windows." is Windows */
        }
        bool drive_relative = w == floor && w == 2 && out[1] == ':';
        if (w > 0 && !wsep(out[w - 1]) && !drive_relative) out[w++] = sep;
        memcpy(out + w, s + b, e - b);
        w += e - b;
    }
    if (trailing_sep && w > 0 && !wsep(out[w - 1])) out[w++] = s[n - 1];
    if (w > floor && !wsep(out[w - 1])) {          /* the file name */
        size_t k = w;
        while (k > floor && !wsep(out[k - 1])) k--;
        w = trim_last(out, k, w);
    }
    if (w == 0 && n > 0) {                         /* nothing would be left: keep it as written */
        memcpy(out, s, n);
        w = n;
    }
    return w;
}

size_t dec_winpath_normalize(const char *s, size_t n, const pal_decode_opts *o, char *out, char *scratch,
                             unsigned *unmapped_volume)
{
    *unmapped_volume = 0;
    /* Resolving can leave text that reads as a prefix ("\\..\\??\\C:\\x" is
       "\\??\\C:\\x"), so the rules run again until nothing changes: after
       the first run a change always shortens the path, and a hostile path
       gets at most PASSES runs. */
    enum { PASSES = 8 };
    bool literal = false;
    size_t w = normalize_once(s, n, out, &literal);
    /* a path already in its form (nearly every one) needs no second run:
       the run would read the same text with the same `literal` */
    bool same = w == n && memcmp(out, s, n) == 0;
    for (int pass = 1; pass < PASSES && !same; pass++) {
        size_t w2 = normalize_once(out, w, scratch, &literal);
        if (w2 == w && memcmp(scratch, out, w) == 0) break;
        memcpy(out, scratch, w2);
        w = w2;
    }
    unsigned vol = 0;
    size_t dv = device_volume(out, w, &vol);
    if (dv) {
        char drive = vol && o ? o->volume_drive[vol] : 0;
        if (!drive) {
            *unmapped_volume = vol ? vol : 1000;
        } else {                                   /* \Device\HarddiskVolume3\x -> C:\x */
            size_t rest = w > dv ? w - dv - 1 : 0;
            out[0] = drive; out[1] = ':'; out[2] = '\\';
            memmove(out + 3, out + dv + 1, rest);
            w = 3 + rest;
        }
    }
    return w;
}

int pal_volume_map_parse(const char *spec, pal_decode_opts *o, char *err, size_t errcap)
{
    memset(o, 0, sizeof *o);
    if (!spec || !*spec) {
        pal_set_err(err, errcap, "empty volume map: give \\Device\\HarddiskVolumeN=X: entries separated by commas");
        return -1;
    }
    unsigned k = 0;
    for (const char *p = spec; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        k++;
        const char *eq = memchr(p, '=', n);
        char q[QUOTE_BUF];
        dec_show(q, p, n, false);
        /* "\Device\HarddiskVolumeN" or "HarddiskVolumeN" before the '=' */
        char name[64];
        size_t nl = eq ? (size_t)(eq - p) : 0;
        unsigned vol = 0;
        bool ok = eq && nl < sizeof name - 9;
        if (ok) {
            size_t o2 = 0;
            if (!(nl >= 7 && wsep(p[0]))) { memcpy(name, "\\Device\\", 8); o2 = 8; }
            memcpy(name + o2, p, nl);
            ok = device_volume(name, o2 + nl, &vol) == o2 + nl;
        }
        if (!ok) {
            pal_set_err(err, errcap, "volume map entry %u '%s': expected \\Device\\HarddiskVolumeN=X:", k, q);
            return -1;
        }
        if (!vol) {
            pal_set_err(err, errcap, "volume map entry %u '%s': volume numbers are 1 to 255", k, q);
            return -1;
        }
        const char *d = eq + 1;
        size_t dl = n - nl - 1;
        if (!(dl == 1 || (dl == 2 && d[1] == ':')) || !alpha(d[0])) {
            pal_set_err(err, errcap, "volume map entry %u '%s': the drive is one letter, as C:", k, q);
            return -1;
        }
        if (o->volume_drive[vol]) {
            pal_set_err(err, errcap, "volume map entry %u '%s': volume %u is given twice", k, q, vol);
            return -1;
        }
        o->volume_drive[vol] = (char)(d[0] >= 'a' ? d[0] - 'a' + 'A' : d[0]);
        p += n;
        if (*p == ',') p++;
    }
    return 0;
}
