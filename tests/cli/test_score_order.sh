#!/bin/sh
# The rows of `cix score` come in one order whatever the way it is found
# (a counting sort when every rank is a whole number within its year, ties
# min and dense; a comparison sort otherwise, ties average): year
# ascending, rank ascending, then input order. Checked on a small panel
# with ties, a region without scores and years out of order (exact
# expected rows), on a cross-section, and on a generated panel full of ties
# (the order checked against the input).
#
#   sh test_score_order.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"

# Prints what is wrong with the order of the scores OUT of panel IN
# (nothing when OUT holds every row of IN once, by year, rank, then the
# row's position in IN).
order_problems() {
    awk -F, -v rows="$(($(wc -l <"$1") - 1))" '
        FNR == NR { if (FNR > 1) pos[$1 "," $2] = FNR; next }
        /^#/ || $1 == "region" { next }
        {
            k = $1 "," $2
            if (!(k in pos) || (k in done)) { print "row " k " unexpected"; exit }
            done[k] = 1; n++
            if (n > 1 && ($2 < py || ($2 == py && ($4 + 0 < pr || ($4 + 0 == pr && pos[k] < pp))))) {
                print "row " k " (rank " $4 ") after " pk " (rank " pr ")"; exit
            }
            py = $2; pr = $4 + 0; pp = pos[k]; pk = k
        }
        END { if (n != rows) print n " rows, expected " rows }' "$1" "$2"
}

cat >"$TMP/panel.csv" <<'EOF'
region,year,a,b
A,2021,2,2
A,2020,1,2
B,2020,1,2
C,2020,3,4
B,2021,1,1
D,2020,NA,NA
E,2020,0,0
C,2021,2,2
D,2021,5,5
F,2020,3,4
E,2021,2,2
F,2021,0,1
EOF
printf 'region,a,b\nA,1,2\nB,3,4\nC,1,2\nD,0,0\nE,3,4\n' >"$TMP/cross.csv"

# expect NAME EXPECTED-ROWS OPTIONS... FILE: the rows after the comment and
# header lines, joined by spaces.
expect() {
    name=$1
    want=$2
    shift 2
    got=$("$CIX" score -q "$@" 2>"$TMP/err" | tail -n +3 | tr '\n' ' ')
    if [ "$got" = "$want" ]; then
        pass "$name"
    else
        fail "$name"
        echo "  got:      $got"
        echo "  expected: $want"
        cat "$TMP/err"
    fi
}

P="--explain none --min-coverage-region 0.9 $TMP/panel.csv"
expect "ties min: ties in input order, the unscored region last" \
    "C,2020,1,1, F,2020,1,1, A,2020,0.40008700232042504,3, B,2020,0.40008700232042504,3, E,2020,0,5, D,2020,,6, A,2021,0.599912997679575,1,2 C,2021,0.599912997679575,1,0 E,2021,0.599912997679575,1,4 B,2021,0.2999564988397875,4,-1 F,2021,0.10013050348063754,5,-4 D,2021,,6,0 " \
    --ties min $P
expect "ties dense" \
    "C,2020,1,1, F,2020,1,1, A,2020,0.40008700232042504,2, B,2020,0.40008700232042504,2, E,2020,0,3, D,2020,,4, A,2021,0.599912997679575,1,1 C,2021,0.599912997679575,1,0 E,2021,0.599912997679575,1,2 B,2021,0.2999564988397875,2,0 F,2021,0.10013050348063754,3,-2 D,2021,,4,0 " \
    --ties dense $P
expect "ties average (halves: the comparison sort)" \
    "C,2020,1,1.5, F,2020,1,1.5, A,2020,0.40008700232042504,3.5, B,2020,0.40008700232042504,3.5, E,2020,0,5, D,2020,,6, A,2021,0.599912997679575,2,1.5 C,2021,0.599912997679575,2,-0.5 E,2021,0.599912997679575,2,3 B,2021,0.2999564988397875,4,-0.5 F,2021,0.10013050348063754,5,-3.5 D,2021,,6,0 " \
    --ties average $P
expect "cross-section, ties min" \
    "B,1,1,a,b,,b,a, E,1,1,a,b,,b,a, A,0.4069124111847695,3,b,a,,a,b, C,0.4069124111847695,3,b,a,,a,b, D,0,5,a,b,,a,b, " \
    --ties min "$TMP/cross.csv"
expect "cross-section, ties dense" \
    "B,1,1,a,b,,b,a, E,1,1,a,b,,b,a, A,0.4069124111847695,2,b,a,,a,b, C,0.4069124111847695,2,b,a,,a,b, D,0,3,a,b,,a,b, " \
    --ties dense "$TMP/cross.csv"

# A generated panel: 400 regions x 5 years in shuffled order, values from
# {1,2,3} (many ties). The output must be ordered by year, rank, then the
# row's position in the input, and hold every input row once.
awk 'BEGIN {
    print "region,year,a,b,c"
    s = 12345
    for (i = 0; i < 2000; i++) {
        r = i % 400; y = 2016 + ((i * 7 + int(i / 400) * 3) % 5)
        key[i] = sprintf("R%03d,%d", r, y)
    }
    n = 0
    for (i = 0; i < 2000; i++) {
        if (seen[key[i]]++) continue
        row[n++] = key[i]
    }
    for (i = n - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2147483648
        j = s % (i + 1); t = row[i]; row[i] = row[j]; row[j] = t
    }
    for (i = 0; i < n; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = 1 + s % 3
        s = (s * 1103515245 + 12345) % 2147483648; b = 1 + s % 3
        s = (s * 1103515245 + 12345) % 2147483648; c = 1 + s % 3
        print row[i] "," a "," b "," c
    }
}' >"$TMP/ties.csv"
rows=$(($(wc -l <"$TMP/ties.csv") - 1))
for ties in min dense average; do
    "$CIX" score -q --explain none --ties $ties "$TMP/ties.csv" >"$TMP/out.csv" 2>"$TMP/err"
    bad=$(order_problems "$TMP/ties.csv" "$TMP/out.csv")
    if [ -z "$bad" ] && [ -s "$TMP/out.csv" ]; then
        pass "generated panel with ties, --ties $ties: $rows rows by year, rank, input order"
    else
        fail "generated panel, --ties $ties: $bad"
        cat "$TMP/err"
    fi
done

# A long output (70,000 rows: two threads format it in pieces when the run
# may use them): the same bytes with one thread and with two, through
# --threads and through CIX_THREADS, and in the order above.
awk 'BEGIN {
    print "region,year,a,b,c"
    s = 777
    for (y = 2019; y <= 2023; y++)
        for (r = 0; r < 14000; r++) {
            s = (s * 1103515245 + 12345) % 2147483648; a = 1 + s % 50
            s = (s * 1103515245 + 12345) % 2147483648; b = (s % 100000) / 1000
            s = (s * 1103515245 + 12345) % 2147483648; c = 1 + s % 7
            printf "R%05d,%d,%d,%s,%d\n", r, y, a, b, c
        }
}' >"$TMP/long.csv"
rows=$(($(wc -l <"$TMP/long.csv") - 1))
"$CIX" score -q --explain none --threads 1 -o "$TMP/long1.csv" "$TMP/long.csv" 2>"$TMP/err" ||
    { fail "long panel, --threads 1"; cat "$TMP/err"; }
for how in "--threads 2" "--threads 0" "env 1" "env 2"; do
    case $how in
    env*) CIX_THREADS=${how#env } "$CIX" score -q --explain none -o "$TMP/long2.csv" \
        "$TMP/long.csv" 2>"$TMP/err" ;;
    *) "$CIX" score -q --explain none $how -o "$TMP/long2.csv" "$TMP/long.csv" 2>"$TMP/err" ;;
    esac
    if cmp -s "$TMP/long1.csv" "$TMP/long2.csv"; then
        pass "long output ($rows rows): $how gives the bytes of --threads 1"
    else
        fail "long output: $how differs from --threads 1"
        cat "$TMP/err"
    fi
done
# The default output (helpers and hurters, formed from the normalized values
# of blocks of rows, the two halves of the rows on two threads): the same
# bytes on one thread and on two, with a cost indicator and imputed cells.
awk -F, 'NR > 1 && NR % 97 == 0 { $4 = "" } { print }' OFS=, "$TMP/long.csv" >"$TMP/gaps.csv"
"$CIX" score -q --impute mean --cost b --threads 1 -o "$TMP/ex1.csv" "$TMP/gaps.csv" \
    2>"$TMP/err" || { fail "default output, --threads 1"; cat "$TMP/err"; }
"$CIX" score -q --impute mean --cost b --threads 2 -o "$TMP/ex2.csv" "$TMP/gaps.csv" \
    2>"$TMP/err" || { fail "default output, --threads 2"; cat "$TMP/err"; }
if cmp -s "$TMP/ex1.csv" "$TMP/ex2.csv" && [ "$(grep -m1 '^region' "$TMP/ex1.csv" | tr ',' '\n' | grep -c help_)" = 3 ]; then
    pass "default output with helpers and hurters ($rows rows): --threads 2 gives the bytes of --threads 1"
else
    fail "default output with helpers and hurters: --threads 2 differs from --threads 1"
fi

bad=$(order_problems "$TMP/long.csv" "$TMP/long2.csv")
if [ -z "$bad" ]; then
    pass "long output: $rows rows by year, rank, input order"
else
    fail "long output: $bad"
fi

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all order tests passed"
