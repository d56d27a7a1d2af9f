#!/usr/bin/env bash
# sarif-multitool.sh — prints the path of Microsoft's SARIF Multitool,
# installing it first if needed, for tests that validate palisade's SARIF.
#
# The Multitool ships on npm as @microsoft/sarif-multitool-linux, a
# self-contained .NET binary (no .NET install needed).  It is installed with
# npm into $BUILD/tools (default build/tools), pinned to one version so test
# results do not change under us.  On a fresh machine without npm, and only
# when running as root, npm is installed with apt-get first.
#
#   tests/tools/sarif-multitool.sh            # print the binary's path (exit 0)
#   "$(tests/tools/sarif-multitool.sh)" validate out.sarif
#
# Exit 3 (nothing on stdout) when it cannot be installed — no npm and not
# root, or no network — so callers can tell "skip" from "invalid SARIF".
set -u
cd "$(dirname "$0")/../.."
VERSION=${SARIF_MULTITOOL_VERSION:-5.7.0}
PREFIX=${BUILD:-build}/tools
bin="$PREFIX/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

if [ ! -x "$bin" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "sarif-multitool: installing npm with apt-get" >&2
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends npm; } >&2 || exit 3
        else
            echo "sarif-multitool: npm is missing (install nodejs and npm, or run as root)" >&2
            exit 3
        fi
    fi
    mkdir -p "$PREFIX"
    echo "sarif-multitool: installing @microsoft/sarif-multitool-linux@$VERSION into $PREFIX" >&2
    npm install --silent --no-audit --no-fund --prefix "$PREFIX" \
        "@microsoft/sarif-multitool-linux@$VERSION" >&2 2>/dev/null \
        || { echo "sarif-multitool: npm install failed" >&2; exit 3; }
    # npm does not always keep the executable bit of files inside packages
    [ -f "$bin" ] && chmod +x "$bin"
    [ -x "$bin" ] || { echo "sarif-multitool: $bin missing after install" >&2; exit 3; }
fi
echo "$PWD/$bin"
