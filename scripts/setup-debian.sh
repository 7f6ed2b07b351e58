#!/bin/sh
# Installs, from Debian's packages, what building and testing cix needs, and
# nothing that is already there. Debian 12 (bookworm), as root.
#
# usage: sh scripts/setup-debian.sh [--tests]
#   --tests  also generate the de_DE.UTF-8 locale (a decimal-comma locale),
#            which a test uses to show that numbers are read and written
#            independently of the process locale.
set -eu

tests=0
case "${1:-}" in
"") ;;
--tests) tests=1 ;;
*)
    echo "usage: sh scripts/setup-debian.sh [--tests]" >&2
    exit 2
    ;;
esac

# Build tools, the libraries cix links (OpenBLAS, LAPACKE, libcsv; the cix
# program also libxlsxwriter for Excel output), Check for the unit tests,
# and the locale tools.
packages="cmake make gcc libc6-dev binutils pkg-config libopenblas-dev liblapacke-dev
libcsv-dev libxlsxwriter-dev check locales"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup-debian.sh: missing packages:$missing" >&2
        echo "run this script as root (e.g. sudo sh scripts/setup-debian.sh)" >&2
        exit 1
    fi
    echo "setup-debian.sh: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
fi

if [ "$tests" -eq 1 ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\{0,1\}8$'; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup-debian.sh: the de_DE.UTF-8 locale is missing; run as root to generate it" >&2
        exit 1
    fi
    sed -i 's/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen && locale-gen
fi
