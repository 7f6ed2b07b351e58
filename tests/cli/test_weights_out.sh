#!/bin/sh
# `cix score --weights-out FILE --compare-weights M,...`: the weights of the
# run and of the compared methods, from the panel read once, are exactly the
# bytes `cix weights -w M` prints with the same other options; the scores
# are those of a run without the option; misuse is refused with a clear
# message and nothing is written when a method fails.
#
#   sh test_weights_out.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"

COMPLETE=$SRC/data/prov_mfg_innovation_2018_2023.complete30.csv
GAPS=$SRC/data/prov_mfg_innovation_2018_2023.csv # 48 missing cells

# check NAME FILE OPTIONS...: `cix score $EXPLAIN OPTIONS --weights-out W
# --compare-weights $LIST FILE` against one `cix weights -w M OPTIONS FILE`
# per column. The options must not contain -w (the run's method is
# $MAIN). Per-year weights when $PER_YEAR is 1.
check() {
    name=$1
    file=$2
    shift 2
    rm -f "$TMP/w.csv" "$TMP/s.csv" "$TMP/s0.csv"
    if ! "$CIX" score -q --explain "$EXPLAIN" -w "$MAIN" "$@" -o "$TMP/s.csv" \
        --weights-out "$TMP/w.csv" \
        --compare-weights "$LIST" "$file" 2>"$TMP/err"; then
        fail "$name: cix score --weights-out failed"
        cat "$TMP/err"
        return
    fi
    # the scores are those of a run without --weights-out
    "$CIX" score -q --explain "$EXPLAIN" -w "$MAIN" "$@" -o "$TMP/s0.csv" "$file" 2>/dev/null
    if cmp -s "$TMP/s.csv" "$TMP/s0.csv"; then
        pass "$name: the scores are unchanged"
    else
        fail "$name: the scores differ from a run without --weights-out"
    fi
    # the first line is the comment line of the scores
    if [ "$(head -n 1 "$TMP/w.csv")" = "$(head -n 1 "$TMP/s.csv")" ]; then
        pass "$name: comment line of the run"
    else
        fail "$name: comment line '$(head -n 1 "$TMP/w.csv")'"
    fi
    # the header
    if [ "$PER_YEAR" = 1 ]; then
        want="year,indicator,$MAIN,$(echo "$LIST" | tr -d ' ')"
        keys=2
    else
        want="indicator,$MAIN,$(echo "$LIST" | tr -d ' ')"
        keys=1
    fi
    got=$(sed -n 2p "$TMP/w.csv")
    if [ "$got" = "$want" ]; then
        pass "$name: header $got"
    else
        fail "$name: header '$got', expected '$want'"
    fi
    # every column, byte for byte, against cix weights -w M
    col=$((keys + 1))
    for m in $MAIN $(echo "$LIST" | tr ',' ' '); do
        if ! "$CIX" weights -q -w "$m" "$@" --format csv "$file" >"$TMP/ref" 2>"$TMP/err"; then
            fail "$name: cix weights -w $m failed"
            cat "$TMP/err"
            col=$((col + 1))
            continue
        fi
        # rows of cix weights: [year,]indicator,weight
        tail -n +3 "$TMP/ref" >"$TMP/ref.rows"
        tail -n +3 "$TMP/w.csv" | cut -d, -f1-$keys,$col >"$TMP/got.rows"
        n=$(wc -l <"$TMP/ref.rows")
        if [ "$n" -gt 0 ] && cmp -s "$TMP/ref.rows" "$TMP/got.rows"; then
            pass "$name: column $m = cix weights -w $m ($n rows)"
        else
            fail "$name: column $m differs from cix weights -w $m"
            diff "$TMP/ref.rows" "$TMP/got.rows" | head -5
        fi
        col=$((col + 1))
    done
}

EXPLAIN=none
MAIN=entropy
PER_YEAR=0
LIST=pca,critic,equal,pca-coef,sd,cv
check "complete panel" "$COMPLETE"
EXPLAIN=top3
check "complete panel, --explain top3" "$COMPLETE"
EXPLAIN=none
check "missing cells, --impute mean" "$GAPS" --impute mean --cost rd_exp,ind_pat_app
# pre-treatments the pca shortcut leaves to cix_compute
check "--impute median" "$GAPS" --impute median
check "--outliers jrc -n rank" "$GAPS" --impute mean --outliers jrc -n rank
check "--transform" "$COMPLETE" --transform rd_exp=log
check "--direction interval" "$COMPLETE" --direction 'rd_intensity=[1,3]'
check "--scope base" "$COMPLETE" --scope base:2020
check "--factors 3" "$COMPLETE" --factors 3
MAIN=sd
LIST=pca,critic,cv
check "-w sd, -n zscore, --impute mean" "$GAPS" -n zscore --impute mean
MAIN=pca
LIST=entropy,pca-coef
check "-w pca, compared with entropy" "$GAPS" --impute mean
PER_YEAR=1
MAIN=entropy
LIST=pca,critic
check "--scope year: per-year weights" "$COMPLETE" --scope year
check "--scope year, --impute mean" "$DATA/gaps.csv" --scope year --impute mean

# --combine: the columns are named METHOD/RULE and are the combined weights
head -n 1 "$COMPLETE" | tr ',' '\n' | tail -n +3 | awk 'BEGIN { print "indicator,weight" } { print $0 "," NR }' \
    >"$TMP/expert.csv"
if "$CIX" score -q --explain none --combine linear:0.5 --weights-file "$TMP/expert.csv" \
    -o "$TMP/s.csv" --weights-out "$TMP/w.csv" --compare-weights pca "$COMPLETE" 2>"$TMP/err" &&
    [ "$(sed -n 2p "$TMP/w.csv")" = "indicator,entropy/linear:0.5,pca/linear:0.5" ]; then
    "$CIX" weights -q -w pca --combine linear:0.5 --weights-file "$TMP/expert.csv" \
        "$COMPLETE" | tail -n +3 >"$TMP/ref.rows"
    tail -n +3 "$TMP/w.csv" | cut -d, -f1,3 >"$TMP/got.rows"
    if cmp -s "$TMP/ref.rows" "$TMP/got.rows"; then
        pass "--combine: column pca/linear:0.5 = cix weights -w pca --combine linear:0.5"
    else
        fail "--combine: the combined pca weights differ from cix weights"
    fi
else
    fail "--combine: header '$(sed -n 2p "$TMP/w.csv" 2>/dev/null)'"
    cat "$TMP/err"
fi

# --weights-out alone: one column, the run's weights
if "$CIX" score -q --explain none -o "$TMP/s.csv" --weights-out "$TMP/w1.csv" "$COMPLETE" &&
    [ "$(sed -n 2p "$TMP/w1.csv")" = "indicator,entropy" ] &&
    [ "$(tail -n +3 "$TMP/w1.csv" | wc -l)" = 29 ]; then
    pass "--weights-out without --compare-weights: indicator,entropy, 29 rows"
else
    fail "--weights-out without --compare-weights"
fi
# the weights to standard output when the scores go to a file
if "$CIX" score -q --explain none -o "$TMP/s.csv" --weights-out - "$COMPLETE" \
    >"$TMP/stdout" && cmp -s "$TMP/stdout" "$TMP/w1.csv"; then
    pass "--weights-out - writes the weights to standard output"
else
    fail "--weights-out -"
fi

# misuse: exit 2 and a message that says what to do
usage() {
    name=$1
    pattern=$2
    shift 2
    "$CIX" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc = 2 ] && grep -q -- "$pattern" "$TMP/err" && [ ! -s "$TMP/out" ]; then
        pass "$name: exit 2, '$pattern'"
    else
        fail "$name: exit $rc, stderr: $(cat "$TMP/err")"
    fi
}
P=$DATA/provinces.csv
usage "--compare-weights without --weights-out" "needs --weights-out FILE" \
    score --compare-weights pca "$P"
usage "unknown method" "unknown weighting 'pcaa'" \
    score --weights-out "$TMP/x.csv" --compare-weights pca,pcaa "$P"
usage "fixed" "'fixed' weights are not computed" \
    score --weights-out "$TMP/x.csv" --compare-weights fixed "$P"
usage "a method twice" "'pca' is listed twice" \
    score --weights-out "$TMP/x.csv" --compare-weights pca,critic,pca "$P"
usage "the run's own method" "'critic' is the run's own weighting" \
    score -w critic --weights-out "$TMP/x.csv" --compare-weights critic "$P"
usage "an empty item" "separated by commas" \
    score --weights-out "$TMP/x.csv" --compare-weights pca,,critic "$P"
usage "several panel files" "writes the weights of one panel" \
    score --weights-out "$TMP/x.csv" "$P" "$DATA/gaps.csv"
usage "weights and scores both on standard output" "both go to standard output" \
    score --weights-out - "$P"
usage "the same file as -o" "name the same file" \
    score -o "$TMP/x.csv" --weights-out "$TMP/x.csv" "$P"
usage "cix weights --weights-out" "applies to 'cix score' only" \
    weights --weights-out "$TMP/x.csv" "$P"
usage "with --model" "does not apply with --model" \
    score --model "$SRC/models/prov_innovation.csv" --weights-out "$TMP/x.csv" "$COMPLETE"
[ -e "$TMP/x.csv" ] && fail "a refused run wrote $TMP/x.csv"

# a compared method that fails: neither output is touched, nothing is left
mkdir "$TMP/keep"
echo old-scores >"$TMP/keep/s.csv"
echo old-weights >"$TMP/keep/w.csv"
"$CIX" score -q --explain none --factors 40 -o "$TMP/keep/s.csv" \
    --weights-out "$TMP/keep/w.csv" --compare-weights critic,pca "$COMPLETE" \
    >/dev/null 2>"$TMP/err"
rc=$?
left=$(ls -A "$TMP/keep" | grep -v -x -e s.csv -e w.csv)
if [ $rc != 0 ] && grep -q "compare-weights pca could not be computed" "$TMP/err" &&
    [ "$(cat "$TMP/keep/s.csv")" = old-scores ] && [ "$(cat "$TMP/keep/w.csv")" = old-weights ] &&
    [ -z "$left" ]; then
    pass "a failing compared method leaves both files untouched (exit $rc)"
else
    fail "failing compared method: exit $rc, files: $(cat "$TMP/keep/s.csv") /" \
        "$(cat "$TMP/keep/w.csv"), left: $left, stderr: $(cat "$TMP/err")"
fi

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all weights-out tests passed"
