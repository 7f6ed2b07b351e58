#!/bin/sh
# `cix convert PANEL -o FILE`: the binary panel file gives every command the
# same output, byte for byte, as the CSV file it was made from (the shipped
# panels, a long-form file, a generated panel with missing cells, a
# cross-section); writing to an unwritable place fails cleanly and leaves no
# file; a damaged binary file is refused with a clear message.
#
#   sh test_convert.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"

mkdir "$TMP/csv" "$TMP/bin" "$TMP/ro"

# same NAME CSV [CONVERT-OPTIONS] -- [RUN-OPTIONS]: converts CSV, then runs
# `cix score` and `cix weights` with RUN-OPTIONS on the CSV and on the binary
# file, both named panel.csv in their own directory so that the comment
# lines (which name the file) agree too.
same() {
    name=$1
    csv=$2
    shift 2
    copts=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        copts="$copts $1"
        shift
    done
    [ $# -gt 0 ] && shift
    cp "$csv" "$TMP/csv/panel.csv"
    # shellcheck disable=SC2086
    if ! "$CIX" convert -q $copts "$csv" -o "$TMP/bin/panel.csv" 2>"$TMP/err"; then
        fail "$name: convert: $(cat "$TMP/err")"
        return
    fi
    if [ -s "$TMP/err" ]; then
        fail "$name: convert -q printed: $(cat "$TMP/err")"
    fi
    for cmd in score weights; do
        (cd "$TMP/csv" && "$CIX" "$cmd" -q $copts --format csv "$@" panel.csv) \
            >"$TMP/a.out" 2>&1
        ra=$?
        (cd "$TMP/bin" && "$CIX" "$cmd" -q $copts --format csv "$@" panel.csv) \
            >"$TMP/b.out" 2>&1
        rb=$?
        if [ $ra -ne 0 ] || [ $rb -ne 0 ]; then
            fail "$name: cix $cmd exit $ra (csv) / $rb (binary): $(head -c 300 "$TMP/b.out")"
        elif cmp -s "$TMP/a.out" "$TMP/b.out" && [ -s "$TMP/a.out" ]; then
            pass "$name: cix $cmd, same bytes from the binary file"
        else
            fail "$name: cix $cmd output differs"
        fi
    done
}

same "shipped complete panel" "$SRC/data/prov_mfg_innovation_2018_2023.complete30.csv" -- \
    -w entropy
same "shipped panel with gaps" "$SRC/data/prov_mfg_innovation_2018_2023.csv" -- \
    --impute mean --min-coverage-indicator 0.9 -w entropy
same "long form" "$SRC/data/prov_innovation_long_2010_2023.csv" -- --impute interp

# A generated panel: 300 regions x 6 years x 7 indicators, missing cells,
# negative values and exponents, Chinese names, semicolons.
awk 'BEGIN {
    printf "地区;year";
    for (j = 1; j <= 7; j++) printf ";指标%d", j;
    printf "\n";
    s = 12345;
    for (r = 1; r <= 300; r++) for (y = 2015; y <= 2020; y++) {
        printf "区域%d;%d", r, y;
        for (j = 1; j <= 7; j++) {
            s = (s * 1103515245 + 12345) % 2147483648;
            if (s % 53 == 0) printf ";NA";
            else if (j == 7) printf ";%de-3", s % 100000 - 40000;
            else printf ";%d.%03d", s % 9973, s % 1000;
        }
        printf "\n";
    }
}' >"$TMP/gen.csv"
same "generated panel" "$TMP/gen.csv" --region-column 地区 --delimiter ';' -- \
    --impute median -n zscore -w sd --cost 指标2

# A cross-section (no year column).
awk -F, 'NR == 1 { print "region,a,b,c"; next }
         $2 == 2020 { print $1 "," $3 "," $4 "," $5 }' \
    "$SRC/data/prov_mfg_innovation_2018_2023.complete30.csv" >"$TMP/cross.csv"
same "cross-section" "$TMP/cross.csv" -- -w equal

# The summary line.
if "$CIX" convert "$TMP/gen.csv" --delimiter ';' --region-column 地区 -o "$TMP/g.cixp" \
    2>"$TMP/err" &&
    grep -q "wrote $TMP/g.cixp: 1800 rows (300 regions, 6 years) x 7 indicators, [0-9]* bytes" \
        "$TMP/err"; then
    pass "summary line"
else
    fail "summary line: $(cat "$TMP/err")"
fi

# An unwritable place: a clean error, exit 5, no file left behind.
chmod a-w "$TMP/ro"
if [ -w "$TMP/ro" ]; then
    echo "skip unwritable directory (running as root)"
else
    "$CIX" convert "$TMP/gen.csv" --delimiter ';' --region-column 地区 \
        -o "$TMP/ro/p.cixp" 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 5 ] && [ -z "$(ls -A "$TMP/ro")" ] &&
        grep -q "cix: $TMP/ro/p.cixp: cannot create a file next to it" "$TMP/err"; then
        pass "unwritable directory: exit 5, nothing written"
    else
        fail "unwritable directory: exit $rc, $(cat "$TMP/err"), left: $(ls -A "$TMP/ro")"
    fi
fi
"$CIX" convert "$TMP/gen.csv" --delimiter ';' --region-column 地区 \
    -o "$TMP/no-such-dir/p.cixp" 2>"$TMP/err"
rc=$?
if [ $rc -eq 5 ] && [ ! -e "$TMP/no-such-dir" ] &&
    grep -q "check that the directory exists" "$TMP/err"; then
    pass "missing directory: exit 5"
else
    fail "missing directory: exit $rc, $(cat "$TMP/err")"
fi
# The target is a directory: the rename fails and the temporary file goes.
mkdir "$TMP/target"
"$CIX" convert -q "$TMP/gen.csv" --delimiter ';' --region-column 地区 -o "$TMP/target" \
    2>"$TMP/err"
rc=$?
if [ $rc -eq 5 ] && [ -z "$(ls "$TMP" | grep '^target\.tmp')" ]; then
    pass "target is a directory: exit 5, no temporary file"
else
    fail "target is a directory: exit $rc, $(cat "$TMP/err"); $(ls "$TMP")"
fi

# Damaged binary files: cut short, a changed name byte.
size=$(wc -c <"$TMP/g.cixp")
head -c $((size - 1000)) "$TMP/g.cixp" >"$TMP/cut.cixp"
"$CIX" score "$TMP/cut.cixp" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 3 ] && [ ! -s "$TMP/out" ] &&
    grep -q "cix: $TMP/cut.cixp: binary panel file: it has $((size - 1000)) bytes and its header says $size (cut short" "$TMP/err" &&
    grep -q "re-create it with cix convert" "$TMP/err"; then
    pass "cut-short binary file: exit 3, clear message"
else
    fail "cut-short binary file: exit $rc, $(cat "$TMP/err")"
fi
{
    head -c 100 "$TMP/g.cixp"
    printf 'X'
    tail -c +102 "$TMP/g.cixp"
} >"$TMP/flip.cixp"
"$CIX" weights "$TMP/flip.cixp" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 3 ] && grep -q "checksum" "$TMP/err"; then
    pass "changed binary file: exit 3, checksum"
else
    fail "changed binary file: exit $rc, $(cat "$TMP/err")"
fi

# A model run keeps the model's columns of the binary file as of the CSV:
# score, validate and fit give the same bytes (but for the comment line,
# which names the input).
PANEL="$SRC/data/prov_mfg_innovation_2018_2023.complete30.csv"
MODEL="$SRC/models/prov_innovation.csv"
"$CIX" convert -q "$PANEL" -o "$TMP/model.cixp" 2>"$TMP/err" || fail "convert for the model run: $(cat "$TMP/err")"
"$CIX" score --model "$MODEL" "$PANEL" 2>"$TMP/m1.err" | sed 1d >"$TMP/m1.csv"
"$CIX" score --model "$MODEL" "$TMP/model.cixp" 2>"$TMP/m2.err" | sed 1d >"$TMP/m2.csv"
if [ -s "$TMP/m1.csv" ] && cmp -s "$TMP/m1.csv" "$TMP/m2.csv" && cmp -s "$TMP/m1.err" "$TMP/m2.err"; then
    pass "score --model: the same output from the binary file"
else
    fail "score --model: the binary file gives other output"
fi
"$CIX" fit --model "$MODEL" -q -o "$TMP/m1.cixfit" "$PANEL" 2>"$TMP/err" &&
    "$CIX" fit --model "$MODEL" -q -o "$TMP/m2.cixfit" "$TMP/model.cixp" 2>>"$TMP/err"
if [ -s "$TMP/m1.cixfit" ] && cmp -s "$TMP/m1.cixfit" "$TMP/m2.cixfit"; then
    pass "fit --model: the same fitted model from the binary file"
else
    fail "fit --model: $(cat "$TMP/err")"
fi

# Usage errors.
"$CIX" convert "$TMP/gen.csv" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "with -o FILE" "$TMP/err"; then
    pass "no -o: usage error"
else
    fail "no -o: exit $rc, $(cat "$TMP/err")"
fi
"$CIX" convert -w entropy "$TMP/gen.csv" -o "$TMP/x.cixp" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown option" "$TMP/err" && [ ! -e "$TMP/x.cixp" ]; then
    pass "an option of cix score: usage error"
else
    fail "-w: exit $rc, $(cat "$TMP/err")"
fi
if "$CIX" convert --help | grep -q "Usage: cix convert" &&
    "$CIX" help convert | grep -q "Usage: cix convert" &&
    "$CIX" --help | grep -q "^  convert "; then
    pass "help"
else
    fail "help"
fi

[ $failures -eq 0 ] || {
    echo "$failures failure(s)"
    exit 1
}
echo "all convert tests passed"
