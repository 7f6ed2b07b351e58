# What the CLI tests share, sourced right after `set -u`:
#
#   . "$(dirname "$0")/lib.sh"
#
# with the test's arguments (the cix program, the source root) still in $1
# and $2. Sets CIX and SRC (absolute paths), DATA (tests/cli/data) and TMP (a
# new directory, removed on exit even when a test made parts of it
# read-only), and defines pass and fail, which print one line each and count
# the failures in $failures.

CIX=${1:?usage: sh $(basename "$0") CIX SRCDIR}
SRC=${2:?usage: sh $(basename "$0") CIX SRCDIR}
case $CIX in /*) ;; *) CIX=$(pwd)/$CIX ;; esac
case $SRC in /*) ;; *) SRC=$(pwd)/$SRC ;; esac
DATA=$SRC/tests/cli/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cix-$(basename "$0" .sh).XXXXXX") || exit 1
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT HUP INT TERM
failures=0

fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}
pass() {
    echo "ok   $*"
}
