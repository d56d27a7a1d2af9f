// simdjson_floor.cpp — the simdjson On-Demand one-field floor for
// tests/bench/runtime.sh (bench only; built against Debian's
// libsimdjson-dev, never part of palisade).
//
// Reads a JSON-lines file a line at a time (getline, as the cJSON floor
// does) and, with one reused On-Demand parser, finds event.category in every
// line, whichever layout spells it: {"event":{"category":[...]}} or
// {"event.category":[...]}.  Its first string is tallied, so the lookup
// cannot be optimised away and a line without the field is an error.
// On-Demand reads only what it is asked for: once the field is found the
// rest of the line is not looked at, the least any decoder that needs one
// field can do.  No padding copy: getline's buffer is grown to keep
// SIMDJSON_PADDING spare bytes after the line, which is all simdjson needs.
//
// Prints "LINES process=N network=N file=N other=N"; exits 1 on a line it
// cannot read.
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace simdjson;

// The first string of an event.category array; empty when it is not one.
static std::string_view first_string(ondemand::value v)
{
    ondemand::array a;
    if (v.get_array().get(a)) return {};
    for (auto item : a) {
        std::string_view s;
        if (item.get_string().get(s)) return {};
        return s;
    }
    return {};
}

static bool category_of(ondemand::parser &parser, char *line, size_t len, size_t cap, std::string_view &out)
{
    ondemand::document doc;
    if (parser.iterate(line, len, cap).get(doc)) return false;
    ondemand::object obj;
    if (doc.get_object().get(obj)) return false;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        if (key == "event.category") {
            out = first_string(field.value());
            return !out.empty();
        }
        if (key == "event") {
            ondemand::object ev;
            if (field.value().get_object().get(ev)) return false;
            for (auto f2 : ev) {
                std::string_view k2;
                if (f2.unescaped_key().get(k2)) return false;
                if (k2 == "category") {
                    out = first_string(f2.value());
                    return !out.empty();
                }
            }
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: simdjson_floor FILE.jsonl\n");
        return 2;
    }
    FILE *f = std::fopen(argv[1], "r");
    if (!f) {
        std::fprintf(stderr, "simdjson_floor: %s: %s\n", argv[1], std::strerror(errno));
        return 2;
    }
    ondemand::parser parser;
    char *line = nullptr;
    size_t cap = 0;
    ssize_t n;
    unsigned long lines = 0, process = 0, network = 0, file = 0, other = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n;
        if (line[len - 1] == '\n') len--;
        if (cap < len + SIMDJSON_PADDING) {
            cap = len + SIMDJSON_PADDING + 4096;
            line = static_cast<char *>(std::realloc(line, cap));
            if (!line) return 2;
        }
        std::string_view cat;
        lines++;
        if (!category_of(parser, line, len, cap, cat)) {
            std::fprintf(stderr, "simdjson_floor: %s: line %lu: no event.category read\n", argv[1], lines);
            return 1;
        }
        if (cat == "process") process++;
        else if (cat == "network") network++;
        else if (cat == "file") file++;
        else other++;
    }
    std::free(line);
    std::fclose(f);
    std::printf("%lu process=%lu network=%lu file=%lu other=%lu\n", lines, process, network, file, other);
    return 0;
}
