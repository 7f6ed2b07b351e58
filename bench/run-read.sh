#!/bin/sh
# Reading benchmark (the reader alone; bench/run.sh runs the whole pipeline): builds a Release tree, generates three synthetic panels
# and times cix_panel_read_file on each against fread and strtod measured in
# the same run, then prints a table.
#
# usage: sh bench/run-read.sh       (from the source root)
# environment:
#   BUILD_DIR  build tree (default build-bench)
#   DATA_DIR   where the generated panels go (default $BUILD_DIR/bench-data)
#   RUNS       runs of each kind, median reported (default 5)
#   LARGE      size of the large panel, "REGIONS YEARS INDICATORS"
#              (default "100000 10 100": 1,000,000 rows, about 650 MB)
#   MISSING    share of missing cells in the generated panels (default 0.01)
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
data=${DATA_DIR:-$build/bench-data}
runs=${RUNS:-5}
large=${LARGE:-100000 10 100}
missing=${MISSING:-0.01}

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCIX_SANITIZE=OFF \
    -DCIX_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target cix-genpanel cix-bench-read >/dev/null
mkdir -p "$data"

results=$build/bench-read.txt
: >"$results"
for size in "small 9 10 12" "medium 3000 20 50" "large $large"; do
    # shellcheck disable=SC2086
    set -- $size
    name=$1 r=$2 t=$3 m=$4
    file=$data/panel-$r-$t-$m-p$missing.csv
    if [ ! -s "$file" ]; then
        echo "generating $name panel: $r regions x $t years x $m indicators" >&2
        "$build/bench/cix-genpanel" -r "$r" -t "$t" -m "$m" -s 1 -p "$missing" -o "$file"
    fi
    echo "reading $name panel ($runs runs of each kind)" >&2
    "$build/bench/cix-bench-read" -n "$runs" "$file" | sed "s/^/$name /" | tee -a "$results" >&2
done

# One table row per panel, from the summary and ratio lines.
awk '
function val(line, key,    i, n, f) {
    n = split(line, f, " ")
    for (i = 1; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2)
    return ""
}
$2 ~ /^summary=read/ {
    name[++k] = $1; rows[k] = val($0, "rows"); ind[k] = val($0, "indicators")
    mb[k] = val($0, "bytes") / 1e6; sec[k] = val($0, "median_s"); rps[k] = val($0, "rows_per_s")
    mbps[k] = val($0, "mb_per_s"); rss[k] = val($0, "peak_rss_kib") / 1024
    per[k] = val($0, "rss_per_panel_double")
}
$2 == "ratio" { rf[k] = val($0, "read_over_fread"); rs[k] = val($0, "read_over_strtod"); ver[k] = val($0, "verify") }
END {
    printf "%-7s %9s %5s %9s %10s %12s %8s %10s %9s %10s %11s %6s\n", "panel", "rows", "ind",
           "MB", "median s", "rows/s", "MB/s", "peak MiB", "RSS/8B", "/fread", "/strtod", "check"
    for (i = 1; i <= k; i++)
        printf "%-7s %9d %5d %9.1f %10.4f %12.0f %8.1f %10.1f %9.2f %10s %11s %6s\n", name[i],
               rows[i], ind[i], mb[i], sec[i], rps[i], mbps[i], rss[i], per[i], rf[i], rs[i], ver[i]
}' "$results"
echo "(RSS/8B = peak RSS / (rows x indicators x 8 bytes); /fread and /strtod = read time over"
echo " the time of fread of the file and of strtod over its fields, medians of the same run;"
echo " raw lines in $results)"
