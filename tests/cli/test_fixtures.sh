#!/bin/sh
# Every entropy and min-max case of tests/fixtures, reproduced through the
# cix program and compared with the published numbers within the tolerance
# of each NAME.expected.csv (quantity,key,value,abs_tol).
#
#   sh test_fixtures.sh /path/to/cix /path/to/source-root
set -u

CIX=${1:?usage: sh test_fixtures.sh CIX SRCDIR}
SRC=${2:?usage: sh test_fixtures.sh CIX SRCDIR}
case $CIX in /*) ;; *) CIX=$(pwd)/$CIX ;; esac
FIX=$SRC/tests/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cix-fixtures.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
failures=0

# compare NAME QUANTITY SCALE FILE: checks the rows of NAME.expected.csv with
# the given quantity against the cix CSV output in FILE (first column the
# key, second the value, times SCALE). Every expected row must be found.
compare() {
    awk -F, -v quantity="$2" -v scale="$3" -v name="$1" '
        FNR == NR {
            if ($0 ~ /^#/ || $1 == "quantity" || $1 != quantity) next
            want[$2] = $3; tol[$2] = $4; n++
            next
        }
        /^#/ || $1 == "indicator" || $1 == "region" { next }
        ($1 in want) {
            got = $2 * scale
            d = got - want[$1]; if (d < 0) d = -d
            if (d > tol[$1]) {
                printf "FAIL %s: %s %s = %.10g, expected %s (tolerance %s)\n",
                       name, quantity, $1, got, want[$1], tol[$1]
                bad++
            }
            seen[$1] = 1
        }
        END {
            for (k in want) if (!(k in seen)) {
                printf "FAIL %s: %s %s missing from the output\n", name, quantity, k
                bad++
            }
            if (n == 0) { printf "FAIL %s: no %s rows expected\n", name, quantity; bad++ }
            exit bad ? 1 : 0
        }' "$FIX/$1.expected.csv" "$4"
}

# case NAME QUANTITY SCALE COMMAND [OPTIONS]: runs cix on NAME.csv.
check() {
    name=$1
    quantity=$2
    scale=$3
    shift 3
    out=$TMP/$name.$quantity.csv
    if ! (cd "$FIX" && "$CIX" "$@" --format csv "$name.csv") >"$out" 2>"$TMP/err"; then
        echo "FAIL $name: cix $* $name.csv failed:"
        cat "$TMP/err"
        failures=$((failures + 1))
        return
    fi
    if compare "$name" "$quantity" "$scale" "$out"; then
        echo "ok   $name: $quantity (cix $* $name.csv)"
    else
        failures=$((failures + 1))
    fi
}

# Raw entropy weights (directions do not enter raw weights: the cost
# columns of zp2016 give the same weights).
check entropy_xu2004 weight 1 weights -w entropy -n none
check entropy_zp2016 weight 1 weights -w entropy -n none
check entropy_zp2016 weight 1 weights -w entropy -n none --cost c1,c3
check entropy_2x2 weight 1 weights -w entropy -n none

# Min-max to [0.002, 0.998] with x2 a cost indicator, entropy weights,
# linear scores x 100.
mm="-n minmax --range 0.002,0.998 -w entropy"
# shellcheck disable=SC2086
check entropy_minmax_offset weight 1 weights $mm --cost x2
# shellcheck disable=SC2086
check entropy_minmax_offset score100 100 score $mm -a linear --cost x2
# the same direction given as --direction
# shellcheck disable=SC2086
check entropy_minmax_offset score100 100 score $mm --direction x2=-

# The weights printed by `cix score --format json` are the very digits of
# `cix weights` (both print the shortest text that reads back exactly).
(cd "$FIX" && "$CIX" weights $mm --cost x2 entropy_minmax_offset.csv) |
    awk -F, '!/^#/ && $1 != "indicator" { print $1 "," $2 }' >"$TMP/w.csv"
(cd "$FIX" && "$CIX" score $mm --cost x2 --format json entropy_minmax_offset.csv) |
    awk '/"weights": \{/ { on = 1; next } on && /\}/ { on = 0 }
         on { gsub(/[" ,]/, ""); sub(/:/, ","); print }' >"$TMP/wj.csv"
if [ -s "$TMP/w.csv" ] && cmp -s "$TMP/w.csv" "$TMP/wj.csv"; then
    echo "ok   entropy_minmax_offset: csv and json weights have the same digits"
else
    echo "FAIL entropy_minmax_offset: csv and json weights differ:"
    diff "$TMP/w.csv" "$TMP/wj.csv"
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures fixture check(s) failed"
    exit 1
fi
echo "all fixture checks passed"
exit 0
