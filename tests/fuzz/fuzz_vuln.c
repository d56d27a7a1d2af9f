/*
 * fuzz_vuln.c — the feed parsers (OSV records and exports, custom rules,
 * Windows feeds: told apart by content, as pal_feeds_load does), the allow
 * list (YAML/JSON) and the MSRC CVRF converter; the first byte chooses.
 * A loaded feed is then matched against a fixed inventory that has dpkg,
 * apk and rpm packages, a Windows build with KBs and hashed files, so
 * fuzzed ranges and versions reach the matcher too.
 *
 * The input goes to a memory file read through /proc/self/fd, the same
 * path a real feed file takes (size checks, NUL-terminated parse).
 */
#include "engine/vuln/vuln.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/replay.h"

static const char inventory_json[] =
    "{\"image\":{\"config\":{\"user\":\"\",\"exposed_ports\":[\"80/tcp\"]}},"
    "\"packages\":["
    "{\"name\":\"openssl\",\"version\":\"3.0.11-1~deb12u1\",\"source\":\"openssl\",\"ecosystem\":\"dpkg\"},"
    "{\"name\":\"libc6\",\"version\":\"2.36-9+deb12u3\",\"source\":\"glibc\",\"source_version\":\"2.36-9\",\"ecosystem\":\"dpkg\"},"
    "{\"name\":\"a\",\"version\":\"1.0\",\"ecosystem\":\"dpkg\"},"
    "{\"name\":\"musl\",\"version\":\"1.2.4-r2\",\"source\":\"musl\",\"ecosystem\":\"apk\"},"
    "{\"name\":\"a\",\"version\":\"1.0_rc1-r0\",\"ecosystem\":\"apk\"},"
    "{\"name\":\"bash\",\"version\":\"5.1.8-6.el9\",\"ecosystem\":\"rpm\"},"
    "{\"name\":\"x\",\"version\":\"1:\",\"ecosystem\":\"dpkg\"}],"
    "\"files\":[{\"path\":\"/bin/x\",\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}],"
    "\"windows\":{\"version\":\"10.0.17763.5206\",\"kbs\":[\"KB5034127\",\"KB1\"]}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int fd = memfd_create("fuzz_vuln", 0);
    if (fd < 0) return 0;
    size_t n = size - 1;
    if (n && write(fd, data + 1, n) != (ssize_t)n) { close(fd); return 0; }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char err[512];
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    switch (data[0] % 4) {
    case 0:
    case 1: {
        pal_feeds *f = pal_feeds_load(path, &rep, err, sizeof err);
        cJSON *inv = cJSON_Parse(inventory_json);
        if (f && inv) {
            pal_vuln_opts o = {.today = "2025-01-01", .distro = data[0] & 4 ? "debian:12" : NULL,
                               .keep_filtered = true};
            pal_vuln_list l;
            if (pal_vuln_match(f, inv, &o, &l, err, sizeof err) == 0) {
                pal_vuln_to_json(&l, inv);
                pal_vuln_list_free(&l);
            }
        }
        cJSON_Delete(inv);
        pal_feeds_free(f);
        break;
    }
    case 2: {
        pal_allowlist *a = pal_allowlist_load(path, "2025-01-01", &rep, err, sizeof err);
        if (a) pal_allowlist_find(a, "CVE-2024-1", "DSA-1,CVE-2", "openssl", "openssl");
        pal_allowlist_free(a);
        break;
    }
    default: {
        const char *files[] = {path};
        cJSON *feed = pal_msrc_convert(files, 1, &rep, err, sizeof err);
        char *s = feed ? cJSON_PrintUnformatted(feed) : NULL;
        cJSON_free(s);
        cJSON_Delete(feed);
        break;
    }
    }
    pal_feed_report_free(&rep);
    close(fd);
    return 0;
}
