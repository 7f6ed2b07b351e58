#!/bin/sh
# Many panel files in one run and the output formats csv-long, csv-wide and
# xlsx of `cix score`.
#
#   sh test_batch.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"

# A directory of panels: b.csv and a.csv (copies with different data), a
# file that is not CSV, and a hidden CSV file; only a.csv and b.csv count,
# in name order.
IN=$TMP/in
mkdir "$IN"
cp "$DATA/provinces.csv" "$IN/b.csv"
awk -F, 'NR == 1 || $1 != "内蒙古"' "$DATA/provinces.csv" >"$IN/a.csv"
echo "not a panel" >"$IN/readme.txt"
cp "$DATA/provinces.csv" "$IN/.hidden.csv"

"$CIX" score --cost energy "$IN/a.csv" >"$TMP/a.out" 2>/dev/null &&
    "$CIX" score --cost energy "$IN/b.csv" >"$TMP/b.out" 2>/dev/null ||
    fail "single-file runs"

# 1. A directory on standard output: one header, `file` first, a then b,
#    each file's rows exactly those of its own run; no progress bar when
#    standard error is not a terminal.
"$CIX" score --cost energy "$IN" >"$TMP/dir.out" 2>"$TMP/dir.err"
rc=$?
{
    sed -n 1p "$TMP/a.out"
    sed -n 2p "$TMP/a.out" | sed 's/^/file,/'
    sed -n '3,$p' "$TMP/a.out" | sed "s|^|$IN/a.csv,|"
    sed -n 1p "$TMP/b.out"
    sed -n '3,$p' "$TMP/b.out" | sed "s|^|$IN/b.csv,|"
} >"$TMP/dir.want"
if [ $rc = 0 ] && cmp -s "$TMP/dir.want" "$TMP/dir.out" && [ ! -s "$TMP/dir.err" ]; then
    pass "directory: files in name order, one header, file column, quiet stderr"
else
    fail "directory: exit $rc"
    diff "$TMP/dir.want" "$TMP/dir.out" | head -10
    cat "$TMP/dir.err"
fi

# 2. -o DIR/: one output per input, each the single-file output.
"$CIX" score --cost energy -o "$TMP/res/" "$IN/b.csv" "$IN/a.csv" 2>"$TMP/err"
rc=$?
if [ $rc = 0 ] && cmp -s "$TMP/a.out" "$TMP/res/a.scores.csv" &&
    cmp -s "$TMP/b.out" "$TMP/res/b.scores.csv" && [ "$(ls -A "$TMP/res" | wc -l)" = 2 ]; then
    pass "-o DIR/: DIR/a.scores.csv and DIR/b.scores.csv"
else
    fail "-o DIR/: exit $rc"
    cat "$TMP/err"
fi
# several files and -o naming no directory: a usage error
"$CIX" score -o "$TMP/one.csv" "$IN/a.csv" "$IN/b.csv" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 2 ] && [ ! -e "$TMP/one.csv" ] && grep -q "directory" "$TMP/err" &&
    pass "two files, -o FILE: exit 2" || fail "two files, -o FILE: exit $rc"
# two inputs with the same name would overwrite each other
mkdir "$TMP/other"
cp "$IN/a.csv" "$TMP/other/a.csv"
"$CIX" score -o "$TMP/res2/" "$IN/a.csv" "$TMP/other/a.csv" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 2 ] && grep -q "would both be written" "$TMP/err" &&
    pass "same names: exit 2" || fail "same names: exit $rc"

# 3. A failing file stops the run: exit code of its error, nothing on
#    standard output, the file named.
cp "$DATA/ragged.csv" "$IN/c.csv"
"$CIX" score --cost energy "$IN" >"$TMP/fail.out" 2>"$TMP/fail.err"
rc=$?
[ $rc = 3 ] && [ ! -s "$TMP/fail.out" ] && grep -q "stopped at '$IN/c.csv' (file 3 of 3)" \
    "$TMP/fail.err" && pass "failing third file: exit 3, no output" ||
    fail "failing third file: exit $rc"
rm "$IN/c.csv"

# 4. csv-long: per region and year the index score is the sum of
#    weight * normalized over the indicators (linear aggregation), and
#    helps 1 is the indicator with the largest weight * normalized.
"$CIX" score --cost energy --format csv-long "$DATA/provinces.csv" >"$TMP/long.csv" 2>&1
rc=$?
awk -F, '
    NR <= 2 { next }
    { key = $1 "," $2 }
    $4 == "score" { score[key] = $5; keys[key] = 1 }
    $4 == "normalized" { y[key, $3] = $5 }
    $4 == "weight" { w[key, $3] = $5; ind[$3] = 1 }
    $4 == "helps" && $5 == 1 { help1[key] = $3 }
    END {
        bad = 0; n = 0
        for (k in keys) {
            s = 0; best = ""; bv = -1e300
            for (i in ind) {
                c = w[k, i] * y[k, i]; s += c
                if (c > bv) { bv = c; best = i }
            }
            d = s - score[k]; if (d < 0) d = -d
            if (d > 1e-12 * (score[k] < 0 ? -score[k] : score[k]) + 1e-300) bad++
            if (help1[k] != best) bad++
            n++
        }
        exit (bad == 0 && n == 10) ? 0 : 1
    }' "$TMP/long.csv"
arc=$?
[ $rc = 0 ] && [ $arc = 0 ] && sed -n 2p "$TMP/long.csv" | grep -qx "region,year,node,quantity,value" &&
    pass "csv-long: score = sum of w*y, helps 1 = largest w*y" ||
    fail "csv-long: exit $rc, or the sums / helpers do not match"

# 5. csv-wide: one row per region; score_YYYY and rank_YYYY are those of
#    the CSV output.
"$CIX" score --cost energy --format csv-wide "$DATA/provinces.csv" >"$TMP/wide.csv" 2>&1
rc=$?
"$CIX" score --cost energy "$DATA/provinces.csv" >"$TMP/plain.csv" 2>/dev/null
want=$(awk -F, 'NR > 2 { s[$1, $2] = $3; r[$1, $2] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END { print "region,score_2019,rank_2019,score_2020,rank_2020"
          for (i = 1; i <= n; i++) print order[i] "," s[order[i], 2019] "," r[order[i], 2019] "," s[order[i], 2020] "," r[order[i], 2020] }' \
    "$TMP/plain.csv" | sort)
got=$(sed -n '2,$p' "$TMP/wide.csv" | sort)
[ $rc = 0 ] && [ "$want" = "$got" ] && [ "$(sed -n '3p' "$TMP/wide.csv" | cut -d, -f1)" = "北京" ] &&
    pass "csv-wide: score_YYYY and rank_YYYY of every region" || fail "csv-wide: exit $rc"
"$CIX" score --format csv-wide "$IN/a.csv" "$IN/b.csv" >/dev/null 2>&1
rc=$?
[ $rc = 2 ] && pass "csv-wide of two files on standard output: exit 2" ||
    fail "csv-wide of two files: exit $rc"

# 6. xlsx: needs -o; a zip file (PK) with the sheets named in the workbook.
"$CIX" score --format xlsx "$DATA/provinces.csv" >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc = 2 ] && [ ! -s "$TMP/x.out" ] && pass "xlsx without -o: exit 2, nothing written" ||
    fail "xlsx without -o: exit $rc"
mkdir "$TMP/x"
"$CIX" score --cost energy --format xlsx -o "$TMP/x/scores.xlsx" "$DATA/provinces.csv" 2>"$TMP/x.err"
rc=$?
sig=$(head -c 2 "$TMP/x/scores.xlsx" 2>/dev/null)
size=$(wc -c <"$TMP/x/scores.xlsx" 2>/dev/null || echo 0)
if [ $rc = 0 ] && [ "$sig" = "PK" ] && [ "$size" -gt 2000 ] &&
    [ "$(ls -A "$TMP/x")" = "scores.xlsx" ]; then
    pass "xlsx: a zip file, no temporary file left"
else
    fail "xlsx: exit $rc, signature '$sig', size $size"
    cat "$TMP/x.err"
fi
if command -v unzip >/dev/null 2>&1; then
    names=$(unzip -p "$TMP/x/scores.xlsx" xl/workbook.xml | tr '<' '\n' |
        sed -n 's/^sheet name="\([^"]*\)".*/\1/p' | tr '\n' '|')
    [ "$names" = "scores|weights|normalized data|notes|audit|" ] &&
        pass "xlsx sheets: $names" || fail "xlsx sheets: '$names'"
    # the scores sheet holds the regions (shared strings) and the notes
    # sheet the version and the command line
    unzip -p "$TMP/x/scores.xlsx" xl/sharedStrings.xml >"$TMP/x/strings.xml"
    grep -q "广西壮族自治区" "$TMP/x/strings.xml" && grep -q "help_1_contribution" "$TMP/x/strings.xml" &&
        grep -q "score -n minmax" "$TMP/x/strings.xml" &&
        pass "xlsx strings: regions, helper columns, command line" || fail "xlsx strings"
    # a score read back from the sheet: 北京 2019 is the first data row
    v=$(unzip -p "$TMP/x/scores.xlsx" xl/worksheets/sheet1.xml | tr '<' '\n' |
        sed -n '/^c r="C2"/{n;s/^v>//p;}' | head -1)
    [ "$v" = "0.9833040537889375" ] && pass "xlsx: score of row 2 is 0.9833040537889375" ||
        fail "xlsx: score of row 2 is '$v'"
else
    echo "skip xlsx sheet names: no unzip"
fi
# a failed xlsx run leaves the old file as it was
cp "$TMP/x/scores.xlsx" "$TMP/keep.xlsx"
"$CIX" score --format xlsx -o "$TMP/x/scores.xlsx" "$DATA/ragged.csv" >/dev/null 2>&1
rc=$?
[ $rc = 3 ] && cmp -s "$TMP/keep.xlsx" "$TMP/x/scores.xlsx" && [ "$(ls -A "$TMP/x" | grep -c .)" -le 2 ] &&
    pass "xlsx: failed run keeps the old workbook" || fail "xlsx failed run: exit $rc"

# 7. The progress bar: on a terminal (script(1) gives cix one), not with -q.
if command -v script >/dev/null 2>&1 &&
    script -q -c true /dev/null >/dev/null 2>&1 </dev/null; then
    script -q -c "'$CIX' score --cost energy -o '$TMP/res3/' '$IN'" /dev/null </dev/null |
        tr -d '\r' >"$TMP/tty.txt"
    grep -q "2/2" "$TMP/tty.txt" && pass "progress bar on a terminal" ||
        fail "progress bar on a terminal: $(cat "$TMP/tty.txt")"
    script -q -c "'$CIX' score -q --cost energy -o '$TMP/res4/' '$IN'" /dev/null </dev/null |
        tr -d '\r' >"$TMP/tty.txt"
    [ ! -s "$TMP/tty.txt" ] && pass "no progress bar with -q" || fail "progress bar with -q"
else
    echo "skip progress bar: no script(1)"
fi

if [ $failures -ne 0 ]; then
    echo "$failures batch check(s) failed"
    exit 1
fi
echo "all batch checks passed"
