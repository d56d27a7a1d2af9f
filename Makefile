# palisade — build, test, sanitize, fuzz.
#
#   make          palisade and libpalisade.a (in $(BUILD)/)
#   make test     unit tests, language tests, end-to-end CLI tests
#   make asan     the same test suite under ASan+UBSan (in build-asan/)
#   make fuzz     libFuzzer targets (clang), in build-fuzz/
#   make fuzz-run every fuzz target for FUZZ_SECONDS (20) over its corpus
#   make fuzz-replay  the fuzz targets as plain programs over their corpora
#   make bench    benchmarks in tests/bench/ (figures as ratios to a baseline)
#   make demo-report  the example images in one HTML report (build/examples/report.html)
#   make bench-deps  what only the benchmarks need (yara, for tests/bench/load.sh)
#   make deps     install the Debian build dependencies (needs root or sudo)
#   make install  build, then install under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local):
#                 bin/palisade, lib/libpalisade.a, include/palisade.h and
#                 share/doc/palisade/ (README.md, SPEC.md, LINT.md); there are
#                 no man pages: `palisade help COMMAND` is the reference
#   make install-files  the same copies from an existing build, without building
#
# The library is built by folder: every .c in a stage folder of engine/ and
# lang/ (engine/vm/, lang/syntax/, ...) and the public API (engine/palisade.c,
# declared in engine/palisade.h) go into libpalisade.a, every
# cli/*.c into the binary, every tests/unit/test_*.c becomes one test
# program: adding a file, or a stage folder, needs no Makefile change.
# Includes are written from the repository root ("engine/vm/vm.h"); the root
# and the generated tree ($(BUILD)/gen, which mirrors it) are the only
# include paths, so no palisade header can shadow a system one.  Symbols are
# hidden unless palisade.h exports them (PALISADE_API).

BUILD    ?= build
CC       ?= cc
PKGS     := libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib sqlite3 hiredis libcurl openssl
DEB_DEPS := build-essential clang flex bison pkg-config libyaml-dev libpcre2-dev \
            libarchive-dev libcjson-dev libhivex-dev libsodium-dev zlib1g-dev libsqlite3-dev zstd xz-utils \
            libxml2-utils python3 python3-jsonschema jq chromium tidy fonts-dejavu-core \
            runc busybox-static nftables iproute2 libhiredis-dev libcurl4-openssl-dev libssl-dev redis-server

# Lazily expanded: `make` installs missing dependencies first (check-deps),
# and the flags must be read after that.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2 -g
SAN      ?=
CFLAGS   ?=
override CFLAGS += -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) -Wall -Wextra -Wno-unused-parameter -fvisibility=hidden \
            -I. -I$(BUILD)/gen $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lm -lpthread

LIB_SRC    := $(sort $(wildcard engine/*.c engine/*/*.c lang/*/*.c))
GEN        := $(BUILD)/gen/lang/syntax
GEN_SRC    := $(GEN)/lexer.c $(GEN)/grammar.c
CLI_SRC    := $(filter-out cli/embedgen.c,$(wildcard cli/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
EMBED_IN   := $(sort $(wildcard checks/*.pal checks/*/*.pal checks/feeds/* checks/frameworks/*.yaml \
                 policies/*.pal policies/*/*.pal policies/feeds/*))

LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(GEN)/lexer.o $(GEN)/grammar.o
CLI_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC)) $(BUILD)/gen/embedded.o
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: FORCE all test unit langtest e2e asan fuzz fuzz-run fuzz-replay bench bench-deps deps clean check-deps demo demo-report \
        install install-files
.DELETE_ON_ERROR:

all: check-deps $(BUILD)/palisade $(BUILD)/libpalisade.a

# Missing build dependencies are installed (Debian, as root or with sudo).
check-deps:
	@if ! { command -v bison && command -v flex && command -v python3 && \
	        pkg-config --exists $(PKGS); } >/dev/null 2>&1; then \
	  echo "palisade: installing missing build dependencies: $(DEB_DEPS)" >&2; \
	  $(MAKE) --no-print-directory deps || { echo "palisade: could not install them; run 'sudo make deps'" >&2; exit 2; }; \
	fi

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	 $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_DEPS) >/dev/null

# Grouped targets (&:): bison and flex each write two files in one run, so
# make -j must run them once, not once per output.  check-deps is an
# order-only prerequisite of everything that runs a tool, so a fresh
# `make -j2` installs bison before anything calls it and never rebuilds
# because of it.
$(GEN)/grammar.c $(GEN)/grammar.h &: lang/syntax/grammar.y | check-deps
	@mkdir -p $(@D)
	bison -Wall -Werror --defines=$(GEN)/grammar.h -o $(GEN)/grammar.c $<

$(GEN)/lexer.c $(GEN)/lexer.h &: lang/syntax/lexer.l $(GEN)/grammar.h | check-deps
	@mkdir -p $(@D)
	flex --header-file=$(GEN)/lexer.h -o $(GEN)/lexer.c $<

# The compile flags as a file: rewritten only when they change (a sanitizer
# build, -fvisibility, an OPT), so every object depends on what built it
# and a flag change rebuilds the tree instead of mixing old and new objects.
$(BUILD)/cflags.txt: FORCE | check-deps
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS)' > $@
FORCE:

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/cflags.txt | check-deps
	$(CC) $(CFLAGS) -Wno-sign-compare -Wno-unused-function -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/cflags.txt | check-deps $(GEN)/grammar.h $(GEN)/lexer.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libpalisade.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/embedgen: cli/embedgen.c | check-deps
	@mkdir -p $(@D)
	$(CC) -O1 -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embedgen $(EMBED_IN)
	@mkdir -p $(@D)
	$(BUILD)/embedgen $(EMBED_IN) > $@

$(BUILD)/palisade: $(CLI_OBJ) $(BUILD)/libpalisade.a
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libpalisade.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpalisade.a tests/unit/unit.h $(wildcard tests/unit/*.h tests/fuzz/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libpalisade.a $(LDLIBS)

test: check-deps all $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run-all.sh

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libpalisade.a
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "clang $$f -> build-fuzz/$$n"; \
	  clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -I. \
	    -Ibuild-fuzz/gen $(PKG_CFLAGS) -o build-fuzz/$$n $$f build-fuzz/libpalisade.a $(LDLIBS) || exit 1; done

# Replayers (tests/fuzz/replay.h): every target built without libFuzzer,
# with this build's compiler and flags, run once over its committed corpus.
# `make fuzz-replay BUILD=build-asan OPT=... SAN=...` replays under the
# sanitizers with gcc.
REPLAY_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay/%,$(FUZZ_SRC))
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(BUILD)/libpalisade.a $(BUILD)/cflags.txt
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DPAL_FUZZ_MAIN -o $@ $< $(BUILD)/libpalisade.a $(LDLIBS)
fuzz-replay: check-deps $(REPLAY_BIN)
	@for f in $(REPLAY_BIN); do d=tests/fuzz/corpus/$$(basename $$f); \
	  [ -d $$d ] || d=; $$f $$d || exit 1; done

# Every target for FUZZ_SECONDS (default 20) over its corpus: a search with
# leak detection off (a leak would stop it before the crash behind it) that
# goes on past crashes (fork mode), then the corpus replayed with leak
# detection on; any finding that replays fails.  One line per target, each
# distinct bug once with its input in hex; see tests/fuzz/run.sh.
fuzz-run: fuzz
	@tests/fuzz/run.sh $(FUZZ_BIN)

# The README's main job: scan the example Windows image on the built-in checks.
DEMO_IMAGE := $(BUILD)/examples/wincontainerapp.tar
$(DEMO_IMAGE): examples/images/wincontainerapp.json tests/e2e/lib/mkimage.py
	@mkdir -p $(@D)
	python3 tests/e2e/lib/mkimage.py $@ --spec $< >/dev/null

demo: check-deps all $(DEMO_IMAGE)
	@$(BUILD)/palisade scan $(DEMO_IMAGE); rc=$$?; echo; \
	 case $$rc in \
	   1) echo "palisade scan exited 1: the example image fails (it runs as ContainerAdministrator and carries a file on the malware feed), as the lab expects";; \
	   0) echo "palisade scan exited 0: the image passed";; \
	   *) exit $$rc;; \
	 esac

# The example images (examples/images) scanned together into one HTML page,
# with the example feed and exceptions: build/examples/report.html.
EXAMPLE_IMAGES := $(patsubst examples/images/%.json,$(BUILD)/examples/%.tar,$(filter-out examples/images/feed.json,$(wildcard examples/images/*.json)))
$(BUILD)/examples/%.tar: examples/images/%.json tests/e2e/lib/mkimage.py
	@mkdir -p $(@D)
	python3 tests/e2e/lib/mkimage.py $@ --spec $< >/dev/null
demo-report: check-deps all $(EXAMPLE_IMAGES)
	@$(BUILD)/palisade scan $(EXAMPLE_IMAGES) --feeds examples/images/feed.json \
	   --exceptions examples/images/exceptions.yaml -o $(BUILD)/examples/report.html; rc=$$?; \
	 [ $$rc -le 1 ] && echo "wrote $(BUILD)/examples/report.html (open it in a browser)"; [ $$rc -le 1 ]

bench: all
	@BUILD=$(BUILD) tests/bench/run.sh
	@for b in runtime decode inventory langpkg scan vuln scan_many agent seq sigma load redis; do echo; BUILD=$(BUILD) bash tests/bench/$$b.sh || exit 1; done

# What only the benchmarks need (not DEB_DEPS): yara and libyara-dev, the
# baseline of tests/bench/load.sh, which says SKIP without them.
BENCH_DEPS := yara libyara-dev
bench-deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	 $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(BENCH_DEPS) >/dev/null

PREFIX  ?= /usr/local
DESTDIR ?=
install: all
	@$(MAKE) --no-print-directory install-files

install-files:
	@test -x $(BUILD)/palisade || { echo "palisade: $(BUILD)/palisade is not built: run make install" >&2; exit 2; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/doc/palisade
	install -m 755 $(BUILD)/palisade $(DESTDIR)$(PREFIX)/bin/palisade
	install -m 644 $(BUILD)/libpalisade.a $(DESTDIR)$(PREFIX)/lib/libpalisade.a
	install -m 644 engine/palisade.h $(DESTDIR)$(PREFIX)/include/palisade.h
	install -m 644 README.md lang/SPEC.md lang/LINT.md $(DESTDIR)$(PREFIX)/share/doc/palisade/

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
