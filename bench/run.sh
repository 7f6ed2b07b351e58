#!/bin/sh
# The benchmark of the whole pipeline against pandas + numpy, R data.table and
# base R, with the machine's limits measured in the same run: one command.
#
# usage: sh bench/run.sh [--quick] [harness options]     (from anywhere)
#   --quick            3 runs, small and medium panels only (a quick check)
#   --runs N           runs of each program on small and medium (default 5)
#   --large-runs N     runs on the large panel (default 5)
#   --base-r-large-runs N   base R on the large panel (default 5; about 3 min a
#                      run: the whole default run takes about 40 minutes)
#   --shapes LIST      small,medium,large (default all three)
#   --tools LIST       cix,cix-lib,pandas,fread,base-r (default all)
# environment:
#   BUILD_DIR  Release build tree (default build-bench in the source root)
#   DATA_DIR   generated panels (default /work/bench-data/harness if /work
#              exists, else $BUILD_DIR/bench-data; the large panel is 600 MB)
#   OUT_DIR    results (default $BUILD_DIR/bench-results)
# Needs: cmake, gcc and the build dependencies (scripts/setup-debian.sh), and
# for the peers Debian's python3-pandas, python3-numpy, r-base-core and
# r-cran-data.table (apt-get install --no-install-recommends ...).
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
if [ -z "${DATA_DIR:-}" ]; then
    if [ -d /work ]; then DATA_DIR=/work/bench-data/harness; else DATA_DIR=$build/bench-data; fi
fi
out=${OUT_DIR:-$build/bench-results}

missing=""
/usr/bin/python3 -c 'import pandas, numpy' 2>/dev/null || missing="$missing python3-pandas python3-numpy"
command -v Rscript >/dev/null 2>&1 || missing="$missing r-base-core"
Rscript -e 'library(data.table)' >/dev/null 2>&1 || missing="$missing r-cran-data.table"
if [ -n "$missing" ]; then
    echo "bench/run.sh: the peers need:$missing (apt-get install --no-install-recommends$missing)" >&2
    exit 2
fi

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCIX_SANITIZE=OFF \
    -DCIX_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target cix cix-genpanel cix-bench-stages cix-bench-limits \
    cix-bench-peak >/dev/null
exec /usr/bin/python3 "$src/bench/harness.py" --build "$build" --src "$src" --data "$DATA_DIR" \
    --out "$out" "$@"
