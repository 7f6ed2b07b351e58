#!/bin/sh
# Regenerates tests/oracle/expected/ from tests/oracle/data/ (see README.md).
# Needs Debian's r-base-core, r-cran-psych and python3-numpy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PY=${ORACLE_PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$PY" "$here/oracle_numpy.py" "$here/data" "$tmp/numpy"
Rscript "$here/oracle_r.R" "$here/data" "$tmp/r"
"$PY" "$here/compare.py" "$tmp/numpy" "$tmp/r" "$tmp/expected"
"$PY" "$here/selfcheck.py" "$tmp/expected" "$here/../fixtures"

mkdir -p "$here/expected"
rm -f "$here"/expected/*.csv
cp "$tmp"/expected/*.csv "$here/expected/"
echo "wrote $(ls "$here"/expected/*.csv | wc -l) files to $here/expected"
