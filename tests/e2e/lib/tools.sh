# tests/e2e/lib/tools.sh — test-only tools, installed by the tests that use them.
#
# Sourced after harness.sh.  `tool CMD DEBIAN-PACKAGE` makes CMD available:
# already on PATH, or installed with apt-get when the script runs as root
# (once per package; a failure is remembered so later calls do not retry).
# It returns 1 when CMD cannot be had, and the caller then says `skip` with
# the reason — these tools (rpm, rpmbuild, go, npm packages) are what the
# tests check palisade against, never what palisade needs to build or run.

_tools_failed=" "
tool() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return 0
    case $_tools_failed in *" $pkg "*) return 1 ;; esac
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $pkg for this test (apt-get)" >&2
        { DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" ||
          { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$pkg"; }
        } >/dev/null 2>&1
    fi
    command -v "$cmd" >/dev/null 2>&1 && return 0
    _tools_failed="$_tools_failed$pkg "
    return 1
}

# tool_file PATH DEBIAN-PACKAGE — the same for a package that installs no
# command (a library's source, as Debian's golang-*-dev packages are): PATH
# is there already or after installing the package.
tool_file() {
    local path=$1 pkg=$2
    [ -e "$path" ] && return 0
    case $_tools_failed in *" $pkg "*) return 1 ;; esac
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $pkg for this test (apt-get)" >&2
        { DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" ||
          { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$pkg"; }
        } >/dev/null 2>&1
    fi
    [ -e "$path" ] && return 0
    _tools_failed="$_tools_failed$pkg "
    return 1
}

# npm_module NAME DIR — installs npm package NAME under DIR/node_modules
# (once per DIR), from the registry; 1 when npm or the registry is not there.
npm_module() {
    local name=$1 dir=$2
    [ -d "$dir/node_modules/$name" ] && return 0
    tool npm npm || return 1
    mkdir -p "$dir"
    (cd "$dir" && timeout 600 npm install --silent --no-audit --no-fund "$name" >/dev/null 2>&1) || return 1
    [ -d "$dir/node_modules/$name" ]
}
