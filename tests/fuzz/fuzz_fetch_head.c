/*
 * fuzz_fetch_head.c — libFuzzer target for what the bundle poller parses
 * of a server's response (engine/remote/fetch.h pal_http_head_line): the
 * status line, ETag, Last-Modified and Content-Length, by which a 304 is
 * asked for, a bundle too big is refused before its body, and a refused
 * bundle is known again.
 *
 * The input is the header lines a server (or a redirect chain) sends, cut
 * at each newline; each line is handed over in a heap buffer of exactly
 * its length, not NUL-terminated, as libcurl hands it over, so a read past
 * its end trips ASan.  What must hold:
 *  - the blank line (CRLF or LF alone), and only it, ends the headers;
 *  - the values kept are strings of their own size, taken from the bytes
 *    sent; the status is 0..999; a length is -1 or what a well-formed
 *    Content-Length line says (digits, at most 15);
 *  - a status line forgets what an earlier response said.
 */
#include "tests/fuzz/replay.h"
#include "engine/remote/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void fail(const char *what, const uint8_t *line, size_t len)
{
    fprintf(stderr, "fuzz_fetch_head: %s after the line '%.*s'\n", what, (int)len, (const char *)line);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pal_http_head h;
    pal_http_head_init(&h);
    size_t start = 0;
    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - (data + start)) + 1 : size - start;
        char *line = malloc(len ? len : 1);
        if (!line) return 0;
        memcpy(line, data + start, len);
        bool end = pal_http_head_line(&h, line, len);
        bool blank = (len == 2 && line[0] == '\r' && line[1] == '\n') || (len == 1 && line[0] == '\n');
        if (end != blank) fail(end ? "the headers ended" : "the headers did not end", data + start, len);
        if (strnlen(h.etag, sizeof h.etag) >= sizeof h.etag || strnlen(h.last_modified, sizeof h.last_modified) >= sizeof h.last_modified)
            fail("a value is not a string", data + start, len);
        if ((h.etag[0] && !memmem(data, size, h.etag, strlen(h.etag))) ||
            (h.last_modified[0] && !memmem(data, size, h.last_modified, strlen(h.last_modified))))
            fail("a value is not from the bytes sent", data + start, len);
        if (h.status < 0 || h.status > 999 || h.length < -1) fail("a status or length out of range", data + start, len);
        if (len > 5 && !strncasecmp(line, "HTTP/", 5) && (h.etag[0] || h.last_modified[0] || h.length != -1))
            fail("a status line kept what came before", data + start, len);
        /* a well-formed Content-Length: "Content-Length: DIGITS\r\n" */
        if (len > 17 && !strncasecmp(line, "content-length: ", 16) && line[len - 1] == '\n') {
            size_t dl = len - 16 - (line[len - 2] == '\r' ? 2 : 1);
            bool digits = dl >= 1 && dl <= 15;
            long long want = 0;
            for (size_t i = 0; digits && i < dl; i++) {
                char c = line[16 + i];
                if (c < '0' || c > '9') digits = false;
                else want = want * 10 + (c - '0');
            }
            if (digits && h.length != want) fail("the Content-Length was not read", data + start, len);
        }
        free(line);
        start += len;
    }
    return 0;
}
