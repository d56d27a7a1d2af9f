/*
 * test_decode_diff.c — the event decoder's fast path against the cJSON tree
 * (engine/decode/decode_fast.c; the comparison is tests/fuzz/decode_diff.h).
 *
 * Every event line the repository holds is decoded both ways, with every
 * input format, several `want` sets (all fields, the fields the default
 * policies read, one field, none) and a small arena as well as a large one,
 * and must give the same result: return code, message byte for byte,
 * kind, Windows flag, each field's value, type and flags, the originals of
 * normalised paths, and the second reading of a line with a duplicate key.
 * The lines: tests/e2e/data and examples/ files, the %%EVENTS of the
 * language cases, JSON in the e2e scripts and policy tests, the event
 * literals of the C tests, the fuzz corpora of fuzz_decode,
 * fuzz_agent_protocol and fuzz_decode_diff, and a generated corpus
 * (decode_diff.h: every layout, source, type mistake, escape, duplicate
 * and kind of damage it knows), and the line-rate benchmarks' events
 * (tests/bench/ecs_gen.h).
 *
 * Beside equality, clean lines of every source must take the fast path
 * (the fallback is for what it cannot reproduce, not for the common case),
 * and those that are plain ASCII its indexed reader (json_index.h),
 * and the fast path must never look up a name its tables do not declare.
 *
 * Run from the repository root (make test does).
 */
#include "unit.h"
#include "tests/fuzz/decode_diff.h"
#include "lang/compile/palc.h"
#include "tests/bench/ecs_gen.h"

#include <dirent.h>
#include <sys/stat.h>

static dd_stats STATS;
static unsigned long LINES, COMPARED, DIFFS;
static uint8_t POLICY_WANT[64];
static bool HAVE_POLICY_WANT;

static void show_line(const char *line, size_t len)
{
    fprintf(stderr, "    line (%zu bytes): ", len);
    for (size_t i = 0; i < len && i < 400; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7f) fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

static void compare_one(const char *what, const char *line, size_t len, pal_input_format fmt, const uint8_t *want,
                        size_t cap)
{
    char why[512];
    COMPARED++;
    if (dd_compare(line, len, fmt, want, cap, &STATS, why, sizeof why)) return;
    DIFFS++;
    if (DIFFS <= 20) {
        fprintf(stderr, "%s: fmt %d, want %s, arena %zu: %s\n", what, (int)fmt, want ? "set" : "all", cap, why);
        show_line(line, len);
    }
}

/* One line in every combination (the repository's lines are few). */
static void compare_all(const char *what, const char *line, size_t len)
{
    LINES++;
    uint8_t buf[64];
    for (unsigned fmt = 0; fmt <= PAL_INPUT_FALCO; fmt++)
        for (unsigned w = 0; w < DD_WANTS + 1; w++) {
            const uint8_t *want = w < DD_WANTS ? dd_want(w, buf) : HAVE_POLICY_WANT ? POLICY_WANT : NULL;
            compare_one(what, line, len, (pal_input_format)fmt, want, 64u << 20);
            if (w == 0) compare_one(what, line, len, (pal_input_format)fmt, want, 4096);
        }
}

/* ---- the repository's lines ---- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        if (cap >= (8u << 20)) { free(buf); buf = NULL; break; }   /* not a test file */
        char *g = realloc(buf, cap *= 2);
        if (!g) free(buf);
        buf = g;
    }
    fclose(f);
    if (buf) *len = n;
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Each line, and in a line with a '{' the text from the first '{' to the
   last '}' (JSON inside shell, test and policy files). */
static void sweep_text(const char *path, const char *text, size_t len, bool whole)
{
    if (whole) compare_all(path, text, len);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        const char *l = text + i;
        size_t n = j - i;
        const char *open = memchr(l, '{', n);
        if (open) {
            const char *close = l + n;
            while (close > open && close[-1] != '}') close--;
            if (close > open) compare_all(path, open, (size_t)(close - open));
            if (open != l || close != l + n) compare_all(path, l, n);
        } else if (whole && n) {
            compare_all(path, l, n);
        }
        i = j + 1;
    }
}

/* The string literals of a C file that hold JSON (adjacent literals
   joined, C escapes undone). */
static void sweep_c(const char *path, const char *text, size_t len)
{
    char *lit = malloc(len + 1);
    if (!lit) return;
    size_t n = 0;
    bool open = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!open) {
            if (c == '"' && (i == 0 || text[i - 1] != '\'')) { open = true; continue; }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
            if (n && lit[0] == '{') compare_all(path, lit, n);
            n = 0;
            continue;
        }
        if (c == '"') { open = false; continue; }
        if (c == '\\' && i + 1 < len) {
            char e = text[++i];
            switch (e) {
            case 'n': lit[n++] = '\n'; break;
            case 't': lit[n++] = '\t'; break;
            case 'r': lit[n++] = '\r'; break;
            case '0': lit[n++] = 0; break;
            case 'x': {
                unsigned v = 0, k = 0;
                while (k < 2 && i + 1 < len && strchr("0123456789abcdefABCDEF", text[i + 1]) && text[i + 1]) {
                    char h = text[++i];
                    v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                    k++;
                }
                lit[n++] = (char)v;
                break;
            }
            default: lit[n++] = e; break;
            }
            continue;
        }
        if (c == '\n') { open = false; n = 0; continue; }   /* not a literal after all */
        lit[n++] = c;
    }
    free(lit);
}

static void sweep_file(const char *path)
{
    size_t len;
    char *text = read_all(path, &len);
    if (!text) return;
    if (ends_with(path, ".c") || ends_with(path, ".h")) sweep_c(path, text, len);
    else sweep_text(path, text, len, ends_with(path, ".json"));
    free(text);
}

static void sweep_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (!strcmp(path, "tests/fuzz/corpus")) continue;   /* below, by target */
            sweep_dir(path);
        } else if (S_ISREG(st.st_mode)) {
            static const char *const exts[] = {".jsonl", ".json", ".t", ".sh", ".pal", ".c", ".h", ".md", NULL};
            for (unsigned i = 0; exts[i]; i++)
                if (ends_with(path, exts[i])) { sweep_file(path); break; }
        }
    }
    closedir(d);
}

/* A fuzz corpus: each input, and its lines after `skip` selector bytes. */
static void sweep_corpus(const char *dir, size_t skip, bool lines)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len;
        char *data = read_all(path, &len);
        if (!data) continue;
        if (len >= skip) {
            if (lines) sweep_text(path, data + skip, len - skip, false);
            else compare_all(path, data + skip, len - skip);
        }
        free(data);
    }
    closedir(d);
}

/* ---- lines that must take the fast path ---- */

static void test_fast_path_taken(void)
{
    static const char *const clean[] = {
        /* ECS nested, dotted, mixed */
        "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
        "\"host\":{\"name\":\"h\",\"os\":{\"type\":\"linux\"}},\"process\":{\"pid\":42,\"name\":\"bash\","
        "\"executable\":\"/bin/bash\",\"args\":[\"bash\",\"-c\"],\"parent\":{\"name\":\"sshd\",\"pid\":1}}}",
        "{\"event.category\":\"network\",\"source.ip\":\"10.0.0.1\",\"source.port\":5000,"
        "\"destination.ip\":\"93.184.216.34\",\"destination.port\":443,\"network.direction\":\"egress\"}",
        "{\"event\":{\"category\":[\"network\"]},\"network.protocol\":\"dns\",\"dns\":{\"question.name\":"
        "\"Example.COM.\",\"resolved_ip\":[\"1.2.3.4\",\"::1\"]},\"agent\":{\"name\":\"x\",\"deep\":[[{}]]}}",
        "{\"event\":{\"category\":[\"file\"]},\"host.os.family\":\"windows\",\"file\":{\"path\":"
        "\"\\\\Device\\\\HarddiskVolume3\\\\Temp\\\\a.ps1\"},\"message\":\"esc\\u0061ped \\ud83d\\ude00\"}",
        /* Sysmon, Winlogbeat and flat */
        "{\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":1,\"event_data\":"
        "{\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"CommandLine\":\"cmd /c x\",\"ProcessId\":\"42\","
        "\"User\":\"NT AUTHORITY\\\\SYSTEM\",\"Hashes\":\"SHA256=AB\"}},\"@timestamp\":\"2026-01-01T00:00:00Z\"}",
        "{\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Image\":\"C:\\\\x.exe\","
        "\"SourceIp\":\"10.0.0.5\",\"DestinationIp\":\"8.8.8.8\",\"DestinationPort\":53,\"Initiated\":\"true\"}",
        "{\"EventID\":22,\"EventData\":{\"QueryName\":\"a.example\",\"QueryResults\":\"type:  5 b;1.2.3.4;\","
        "\"QueryStatus\":\"0\",\"Image\":\"C:\\\\a.exe\"}}",
        /* Falco */
        "{\"output_fields\":{\"evt.type\":\"execve\",\"proc.name\":\"sh\",\"proc.exepath\":\"/bin/sh\","
        "\"container.image.repository\":\"nginx\",\"container.image.tag\":\"1.25\",\"proc.pid\":7},"
        "\"hostname\":\"node-1\",\"time\":\"2026-01-01T00:00:00Z\",\"source\":\"syscall\",\"rule\":\"r\"}",
        "{\"output_fields\":{\"evt.type\":\"connect\",\"fd.name\":\"10.0.0.5:43210->93.184.216.34:443\","
        "\"fd.sip.name\":\"example.com\"},\"source\":\"syscall\"}",
    };
    uint8_t buf[64];
    for (unsigned i = 0; i < sizeof clean / sizeof clean[0]; i++)
        for (unsigned w = 0; w < DD_WANTS; w++) {
            dd_stats st;
            memset(&st, 0, sizeof st);
            char why[512];
            bool same = dd_compare(clean[i], strlen(clean[i]), PAL_INPUT_AUTO, dd_want(w, buf), 64u << 20, &st, why,
                                   sizeof why);
            if (!same) fprintf(stderr, "clean line %u, want %u: %s\n", i, w, why);
            CHECK(same);
            if (st.dec.fast != 1) fprintf(stderr, "clean line %u, want %u: not decoded on the fast path\n", i, w);
            CHECK_INT(st.dec.fast, 1);
            /* every one is plain (printable ASCII): the indexed reader reads it */
            if (st.dec.indexed != 1) fprintf(stderr, "clean line %u, want %u: not read by the indexed reader\n", i, w);
            CHECK_INT(st.dec.indexed, 1);
        }
}

/* What the fast path leaves to the tree, by reason (pal_slow_reason). */
static void test_slow_reasons(void)
{
    static const struct { const char *line; unsigned reason; } cases[] = {
        {"{\"process\":{\"name\":\"a\"},\"process.name\":\"b\",\"event.category\":\"process\"}", PAL_SLOW_DUPLICATE},
        {"{\"event\":{\"category\":\"process\"},\"event\":{\"type\":\"start\"}}", PAL_SLOW_DUPLICATE},
        {"{\"host.os.family\":\"windows\",\"host\":{\"os\":{\"family\":\"linux\"}},\"event.category\":\"file\"}",
         PAL_SLOW_DUPLICATE},
        {"{\"EventID\":1,\"EventID\":3}", PAL_SLOW_DUPLICATE},
        {"{\"process.name\":\"a\x01\",\"event.category\":\"process\"}", PAL_SLOW_JSON},   /* a raw control byte */
        {"{\"process.name\":\"\xff\",\"event.category\":\"process\"}", PAL_SLOW_JSON},    /* not UTF-8 */
        {"{\"process.pid\":01,\"event.category\":\"process\"}", PAL_SLOW_JSON},
        {"{\"x\":1000000000000000000000000000000000000000000000000000000000000000,\"event.category\":\"process\"}",
         PAL_SLOW_JSON},
        {"{\"event.category\":\"process\"", PAL_SLOW_JSON},
        {"[{\"event.category\":\"process\"}]", PAL_SLOW_OTHER},
        {"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
         PAL_SLOW_LIMIT},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dd_stats st;
        memset(&st, 0, sizeof st);
        char why[512];
        bool same = dd_compare(cases[i].line, strlen(cases[i].line), PAL_INPUT_AUTO, NULL, 64u << 20, &st, why,
                               sizeof why);
        if (!same) fprintf(stderr, "slow case %u: %s\n", i, why);
        CHECK(same);
        if (st.dec.slow[cases[i].reason] != 1) fprintf(stderr, "slow case %u: not given to the tree for reason %u\n", i,
                                                        cases[i].reason);
        CHECK_INT(st.dec.slow[cases[i].reason], 1);
    }
}

static void load_policy_want(void)
{
    pal_compile_opts o;
    memset(&o, 0, sizeof o);
    unsigned ne = 0, nw = 0;
    pal_program *p = pal_compile_dir("policies", &o, &ne, &nw);
    if (!p) return;
    memcpy(POLICY_WANT, p->event_fields_used, sizeof POLICY_WANT);
    HAVE_POLICY_WANT = true;
    pal_program_free(p);
}

int main(int argc, char **argv)
{
    unsigned long generated = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    load_policy_want();
    CHECK(HAVE_POLICY_WANT);
    test_fast_path_taken();
    test_slow_reasons();

    sweep_dir("tests");
    sweep_dir("examples");
    sweep_dir("policies");
    sweep_corpus("tests/fuzz/corpus/fuzz_decode", 1, false);
    sweep_corpus("tests/fuzz/corpus/fuzz_agent_protocol", 4, true);
    sweep_corpus("tests/fuzz/corpus/fuzz_decode_diff", 1, false);
    unsigned long repo_lines = LINES;

    /* the generated corpus: each line with its own format, want and arena */
    dd_gen g = {0x9e3779b97f4a7c15ull, NULL, 0, 0};
    uint8_t buf[64];
    dd_stats before = STATS;
    for (unsigned long i = 0; i < generated; i++) {
        dd_gen_line(&g);
        LINES++;
        compare_one("generated", g.s, g.len, PAL_INPUT_AUTO, NULL, 64u << 20);
        unsigned sel = dd_rnd(&g, 1u << 16);
        const uint8_t *want = (sel >> 3) % (DD_WANTS + 1) == DD_WANTS ? POLICY_WANT : dd_want((sel >> 3) % DD_WANTS, buf);
        compare_one("generated", g.s, g.len, (pal_input_format)(sel & 3u), want, sel & 4u ? 4096 : 64u << 20);
    }
    free(g.s);
    unsigned long gen_fast = STATS.dec.fast - before.dec.fast, gen_calls = STATS.calls - before.calls;

    /* the line-rate benchmarks' events (tests/bench/ecs_gen.h: realistic
       ECS, every layout, Linux and Windows, escapes): every one decoded
       alike, and every one on the fast path */
    char *bench = NULL;
    size_t bench_len = 0;
    FILE *mem = open_memstream(&bench, &bench_len);
    CHECK(mem != NULL);
    if (mem) {
        ecs_generate(mem, (unsigned)(generated / 2), ECS_ALL);
        fclose(mem);
        dd_stats b0 = STATS;
        unsigned long nbench = 0;
        for (size_t i = 0; i < bench_len;) {
            const char *l = bench + i, *nl = memchr(l, '\n', bench_len - i);
            size_t n = nl ? (size_t)(nl - l) : bench_len - i;
            LINES++;
            nbench++;
            compare_one("ecs_gen", l, n, PAL_INPUT_AUTO, POLICY_WANT, 64u << 20);
            compare_one("ecs_gen", l, n, PAL_INPUT_ECS, NULL, 64u << 20);
            i += n + 1;
        }
        printf("test_decode_diff: %lu benchmark events (ecs_gen.h), %llu of %lu decodings on the fast path, %llu by "
               "the indexed reader\n", nbench, (unsigned long long)(STATS.dec.fast - b0.dec.fast), STATS.calls - b0.calls,
               (unsigned long long)(STATS.dec.indexed - b0.dec.indexed));
        CHECK_INT(STATS.dec.fast - b0.dec.fast, STATS.calls - b0.calls);
        CHECK_INT(STATS.dec.indexed - b0.dec.indexed, STATS.calls - b0.calls);
        free(bench);
    }

    printf("test_decode_diff: %lu repository lines and %lu generated, %lu decodings compared, %lu differences\n",
           repo_lines, generated, COMPARED, DIFFS);
    printf("test_decode_diff: fast path %llu of %lu (%llu by the indexed reader; generated: %lu of %lu); to the tree: "
           "json %llu, duplicate %llu, limit %llu, other %llu; anomalies %llu\n",
           (unsigned long long)STATS.dec.fast, STATS.calls, (unsigned long long)STATS.dec.indexed, gen_fast, gen_calls,
           (unsigned long long)STATS.dec.slow[PAL_SLOW_JSON], (unsigned long long)STATS.dec.slow[PAL_SLOW_DUPLICATE],
           (unsigned long long)STATS.dec.slow[PAL_SLOW_LIMIT], (unsigned long long)STATS.dec.slow[PAL_SLOW_OTHER],
           (unsigned long long)STATS.dec.anomalies);
    CHECK_INT(DIFFS, 0);
    CHECK_INT(STATS.dec.anomalies, 0);
    CHECK(repo_lines > 1000);
    CHECK(gen_fast > 0);
    CHECK(STATS.dec.indexed > 0);
    return unit_result("test_decode_diff");
}
