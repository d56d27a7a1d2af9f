/*
 * test_fmt.c — the formatter: the canonical layout pinned case by case,
 * comments kept where they were, idempotence, and refusal of sources that
 * do not parse (with nothing returned).
 */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "lang/tools/fmt.h"

static int ndiags;
static char last_code[16];
static void count_diag(const pal_diagnostic *d, void *user)
{
    (void)user;
    ndiags++;
    snprintf(last_code, sizeof last_code, "%s", d->code ? d->code : "");
}

/* Formats src; NULL when refused. */
static char *fmt(const char *src)
{
    char *out = NULL;
    size_t n = 0;
    ndiags = 0;
    last_code[0] = 0;
    if (pal_format("t.pal", src, strlen(src), count_diag, NULL, &out, &n) != 0) return NULL;
    if (out && strlen(out) != n) { free(out); return NULL; }
    return out;
}

/* src formats to want, and want formats to itself. */
static void layout(const char *src, const char *want, int line)
{
    char *a = fmt(src);
    if (!a || strcmp(a, want) != 0) {
        unit_fail++;
        fprintf(stderr, "%s:%d: layout differs\n--- want\n%s--- got\n%s---\n", __FILE__, line, want, a ? a : "(refused)\n");
        free(a);
        return;
    }
    unit_pass++;
    char *b = fmt(a);
    if (!b || strcmp(a, b) != 0) {
        unit_fail++;
        fprintf(stderr, "%s:%d: not idempotent\n--- once\n%s--- twice\n%s---\n", __FILE__, line, a, b ? b : "(refused)\n");
    } else {
        unit_pass++;
    }
    free(a);
    free(b);
}
#define LAYOUT(src, want) layout(src, want, __LINE__)

int main(void)
{
    /* blocks: one item per line, 2 spaces, attribute values aligned in a run */
    LAYOUT("rule \"r\" { on process  when process.name == \"a\"  effect prevent   severity high }\n",
           "rule \"r\" {\n"
           "  on process\n"
           "  when process.name == \"a\"\n"
           "  effect   prevent\n"
           "  severity high\n"
           "}\n");
    /* a blank line or a clause ends the run of aligned attributes */
    LAYOUT("check \"C\" {\n  title \"t\"\n  remediation \"r\"\n\n  severity high\n"
           "  fail when image.os == \"linux\"\n  message \"m\"\n}\n",
           "check \"C\" {\n  title       \"t\"\n  remediation \"r\"\n\n  severity high\n"
           "  fail when image.os == \"linux\"\n  message \"m\"\n}\n");
    /* spacing: none inside brackets, before commas and colons, around ..; calls glued */
    LAYOUT("list a = [ 1,2 , 3..4 ]\nmacro m=not(exists( process.name ))and -1+2<3\n",
           "list a = [1, 2, 3..4]\nmacro m = not (exists(process.name)) and -1 + 2 < 3\n");
    /* the author's line breaks inside an expression stay; continuation lines
       line up with the expression, or inside the open parenthesis */
    LAYOUT("rule \"r\" {\n when process.name == \"a\"\n and (process.pid == 1\n or process.pid == 2)\n}\n",
           "rule \"r\" {\n  when process.name == \"a\"\n       and (process.pid == 1\n            or process.pid == 2)\n}\n");
    /* a quantifier body on the next line is indented 2 from its line */
    LAYOUT("check \"C\" {\n fail when any f in image.files:\n f.setuid\n and f.uid == 0\n}\n",
           "check \"C\" {\n  fail when any f in image.files:\n    f.setuid\n    and f.uid == 0\n}\n");
    /* a list opened with a line break is a block: 2 more, ] on its own line,
       with a trailing comma; a one-line list loses its trailing comma */
    LAYOUT("list l = [\n\"a\", \"b\"]\nlist k = [\"x\",]\n",
           "list l = [\n  \"a\", \"b\",\n]\nlist k = [\"x\"]\n");
    /* objects: spaces inside braces, commas between pairs on one line */
    LAYOUT("test \"t\" { given process {name:\"a\" pid: -1} container{image.name:\"i\"} expect allow }\n",
           "test \"t\" {\n  given process { name: \"a\", pid: -1 }\n        container { image.name: \"i\" }\n  expect allow\n}\n");
    /* runtime sections and entries; port ranges glued */
    LAYOUT("runtime \"rt\" { process { allow \"a\",\"b\" deny [\"c\"] effect prevent default effect alert }\n"
           " network { deny outbound ip 1.1.1.1 port 80, 8000 - 8080 effect block } dns {} }\n",
           "runtime \"rt\" {\n  process {\n    allow \"a\", \"b\"\n    deny [\"c\"] effect prevent\n    default effect alert\n  }\n"
           "  network {\n    deny outbound ip 1.1.1.1 port 80, 8000-8080 effect block\n  }\n  dns {}\n}\n");
    LAYOUT("firewall \"f\" { allow from image \"a\" to subnet 10.0.0.0/8 tcp 80,*  default effect alert }\n",
           "firewall \"f\" {\n  allow from image \"a\" to subnet 10.0.0.0/8 tcp 80, *\n  default effect alert\n}\n");
    /* literals are copied byte for byte: raw strings, escapes, hex, durations */
    LAYOUT("macro m = process.executable == 'C:\\Windows'  or process.pid == 0x1F or process.pid < 5m\n",
           "macro m = process.executable == 'C:\\Windows' or process.pid == 0x1F or process.pid < 5m\n");
    /* comments: at the end of their line, or on their own line indented like
       the code that follows; at most one blank line; none at the ends */
    LAYOUT("\n\n// head\npackage p   // why\n\n\n\nlist a = [1] /* b */\nrule \"r\" { // opens\n"
           "  // about on\n    on process\n  when process.pid == 1 // one\n  // closing\n}\n// tail\n\n",
           "// head\npackage p // why\n\nlist a = [1] /* b */\nrule \"r\" { // opens\n"
           "  // about on\n  on process\n  when process.pid == 1 // one\n  // closing\n}\n// tail\n");
    /* a comment inside an expression keeps the rest of it on the next line */
    LAYOUT("macro m = process.pid == 1 // a\n or process.pid == 2\n",
           "macro m = process.pid == 1 // a\n          or process.pid == 2\n");
    /* CRLF line ends and trailing blanks go */
    LAYOUT("list a = [1]   \r\n// c  \r\nlist b = [2]\r\n", "list a = [1]\n// c\nlist b = [2]\n");
    /* sequences: clauses a line each; a step on one line stays on one, a
       step written over lines gets a clause a line; attributes aligned */
    LAYOUT("sequence \"s\" {  by   host.name , user.name within 1m unordered\n"
           "  step fetch { on process  when process.name in [\"curl\", \"wget\"] }\n"
           "  step run   {\n on process\n     when process.executable like \"/tmp/**\" // it\n by host.name\n}\n"
           "  until      { on process when process.name == \"reboot\" by host.name }\n"
           "  effect prevent  severity high\n}\n",
           "sequence \"s\" {\n"
           "  by host.name, user.name\n"
           "  within 1m\n"
           "  unordered\n"
           "  step fetch { on process when process.name in [\"curl\", \"wget\"] }\n"
           "  step run {\n"
           "    on process\n"
           "    when process.executable like \"/tmp/**\" // it\n"
           "    by host.name\n"
           "  }\n"
           "  until { on process when process.name == \"reboot\" by host.name }\n"
           "  effect   prevent\n"
           "  severity high\n"
           "}\n");
    LAYOUT("sequence \"e\" { within 5s step { on process, dns when process.pid == 1 } step {} }\n",
           "sequence \"e\" {\n  within 5s\n  step { on process, dns when process.pid == 1 }\n  step {}\n}\n");
    /* counting rules */
    LAYOUT("rule \"b\" { on process count  >=  20 by user.name ,host.name within 5m }\n"
           "rule \"p\" { count distinct destination.port > 49 within 1m }\n",
           "rule \"b\" {\n  on process\n  count >= 20 by user.name, host.name within 5m\n}\n"
           "rule \"p\" {\n  count distinct destination.port > 49 within 1m\n}\n");
    /* tests of several events: a given per line, `at` after its groups */
    LAYOUT("test \"t\" { given process { name: \"curl\" } host { name: \"h\" }\n"
           "given process { name: \"x\" }   at   + 30s given process { name: \"y\" } at -1s\n"
           "given process { name: \"z\" } at 2m expect prevent by \"s\" }\n",
           "test \"t\" {\n"
           "  given process { name: \"curl\" }\n"
           "        host { name: \"h\" }\n"
           "  given process { name: \"x\" } at +30s\n"
           "  given process { name: \"y\" } at -1s\n"
           "  given process { name: \"z\" } at 2m\n"
           "  expect prevent by \"s\"\n"
           "}\n");
    /* an empty file stays empty */
    LAYOUT("", "");
    LAYOUT("\n\n  \n", "");
    LAYOUT("// only a comment\n", "// only a comment\n");

    /* what does not parse is refused with its diagnostics and no text */
    char *r = fmt("rule \"r\" { when }\n");
    CHECK(r == NULL);
    CHECK(ndiags > 0);
    CHECK_STR(last_code, "PAL0201");
    free(r);
    r = fmt("list a = [\"unterminated]\n");
    CHECK(r == NULL);
    free(r);
    r = fmt("list a = [1]\0list b = [2]");   /* strlen stops at the NUL: parses */
    CHECK(r != NULL);
    free(r);
    {
        char *out = (char *)1;
        size_t n = 0;
        static const char nul[] = "list a = [1]\0x";
        CHECK_INT(pal_format("t.pal", nul, sizeof nul - 1, count_diag, NULL, &out, &n), -1);
        CHECK(out == NULL);
        CHECK_STR(last_code, "PAL0103");
    }

    /* deep nesting formats without trouble */
    {
        char src[4096];
        size_t k = 0;
        k += (size_t)snprintf(src + k, sizeof src - k, "macro m = ");
        for (int i = 0; i < 60; i++) src[k++] = '(';
        k += (size_t)snprintf(src + k, sizeof src - k, "process.pid == 1");
        for (int i = 0; i < 60; i++) src[k++] = ')';
        src[k++] = '\n';
        src[k] = 0;
        char *o = fmt(src);
        CHECK(o != NULL && strcmp(o, src) == 0);
        free(o);
    }
    return unit_result("test_fmt");
}
