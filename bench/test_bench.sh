#!/bin/sh
# Checks the benchmark programs (no timing is asserted):
#   - cix-genpanel is deterministic, writes the documented shape, spreads the
#     cost indicators as documented, and -p only blanks cells;
#   - cix-bench-read reads its panels back exactly (verify=ok), with and
#     without missing cells.
# usage: test_bench.sh /path/to/cix-genpanel /path/to/cix-bench-read
set -eu
gen=$1
bench=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/cix-bench-test.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

"$gen" -r 9 -t 10 -m 12 -s 7 -c 0.25 -o "$work/a.csv" -C "$work/a.cost"
"$gen" -r 9 -t 10 -m 12 -s 7 -c 0.25 >"$work/b.csv"
cmp -s "$work/a.csv" "$work/b.csv" || fail "same seed, different output"
"$gen" -r 9 -t 10 -m 12 -s 8 -c 0.25 >"$work/c.csv"
cmp -s "$work/a.csv" "$work/c.csv" && fail "different seeds, same output"
[ ! -e "$work/a.csv.tmp" ] || fail "temporary file left behind"

[ "$(head -n 1 "$work/a.csv")" = "region,year,x001,x002,x003,x004,x005,x006,x007,x008,x009,x010,x011,x012" ] ||
    fail "header: $(head -n 1 "$work/a.csv")"
[ "$(wc -l <"$work/a.csv")" -eq 91 ] || fail "expected 1 + 9*10 lines"
[ "$(awk -F, '{print NF}' "$work/a.csv" | sort -u)" = 14 ] || fail "ragged rows"
[ "$(sed -n 2p "$work/a.csv" | cut -d, -f2)" = 2000 ] || fail "first year is not 2000"
[ "$(sed -n 11p "$work/a.csv" | cut -d, -f2)" = 2009 ] || fail "10th year is not 2009"
[ "$(cat "$work/a.cost")" = "x004,x008,x012" ] || fail "cost list: $(cat "$work/a.cost")"
# Every value is a positive decimal number.
awk -F, 'NR > 1 { for (i = 3; i <= NF; i++) if ($i !~ /^[0-9]+(\.[0-9]+)?$/ || $i + 0 <= 0) { print "bad cell " NR ":" i ": " $i; exit 1 } }' \
    "$work/a.csv" || fail "non-positive or malformed values"

# -p blanks cells and changes nothing else.
"$gen" -r 9 -t 10 -m 12 -s 7 -c 0.25 -p 0.2 >"$work/m.csv"
awk -F, 'NR == FNR { for (i = 1; i <= NF; i++) v[FNR, i] = $i; next }
         { for (i = 1; i <= NF; i++) { if ($i == "") { blank++; continue } if ($i != v[FNR, i]) { print "cell " FNR ":" i " changed"; exit 1 } } }
         END { if (blank < 100 || blank > 330) { print "blank cells: " blank; exit 1 } }' \
    "$work/a.csv" "$work/m.csv" || fail "-p changed values or blanked a wrong share"

# The reader gives back exactly what strtod reads.
"$bench" -n 1 "$work/a.csv" >"$work/a.out" || { cat "$work/a.out" >&2; fail "cix-bench-read on a.csv"; }
grep -q '^ratio .*verify=ok$' "$work/a.out" || { cat "$work/a.out" >&2; fail "no verify=ok for a.csv"; }
grep -q '^summary=read runs=1 rows=90 indicators=12 ' "$work/a.out" || fail "read summary for a.csv"
"$bench" -n 1 "$work/m.csv" >"$work/m.out" || { cat "$work/m.out" >&2; fail "cix-bench-read on m.csv"; }
grep -q '^ratio .*verify=ok$' "$work/m.out" || { cat "$work/m.out" >&2; fail "no verify=ok for m.csv"; }
echo "bench programs: ok"
