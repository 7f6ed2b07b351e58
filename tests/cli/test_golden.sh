#!/bin/sh
# Golden-output tests of the cix program: exact standard output, standard
# error and exit code of each case below.
#
#   sh test_golden.sh /path/to/cix /path/to/source-root
#
# Inputs are in tests/cli/data, expected outputs in tests/cli/golden as
# NAME.out and NAME.err; the engine version in them is written @VERSION@.
# Every number in the golden files was checked against an independent
# computation (see tests/cli/README.md) before it was stored: regenerate
# them (CIX_GOLDEN_UPDATE=1) only to review the differences by hand.
set -u

# The program's own BLAS set-up (one thread): the PCA numbers below are
# those of any machine, whatever its cores.
unset OPENBLAS_NUM_THREADS

CIX=${1:?usage: sh test_golden.sh CIX SRCDIR}
SRC=${2:?usage: sh test_golden.sh CIX SRCDIR}
case $CIX in /*) ;; *) CIX=$(pwd)/$CIX ;; esac
DATA=$SRC/tests/cli/data
GOLD=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cix-golden.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM

VERSION=$("$CIX" --version | sed -n '1s/^cix //p')
if [ -z "$VERSION" ]; then
    echo "FAIL: 'cix --version' printed no version"
    exit 1
fi
# cix --version must agree with the version macros of the source tree.
hdr=$SRC/engine/include/cix/version.h
want=$(awk '/#define CIX_VERSION_MAJOR/{a=$3} /#define CIX_VERSION_MINOR/{b=$3}
            /#define CIX_VERSION_PATCH/{c=$3} END{print a "." b "." c}' "$hdr")
failures=0
if [ "$VERSION" != "$want" ]; then
    echo "FAIL version: cix --version says '$VERSION', version.h says '$want'"
    failures=$((failures + 1))
fi

# Replaces the version by @VERSION@ (update) or back (compare).
to_golden() {
    sed -e "s/^# cix $VERSION /# cix @VERSION@ /" \
        -e "s/\"cix_version\": \"$VERSION\"/\"cix_version\": \"@VERSION@\"/" \
        -e "s/^cix $VERSION\$/cix @VERSION@/"
}
from_golden() {
    sed -e "s/@VERSION@/$VERSION/g"
}

# run NAME EXPECTED_EXIT ARGS...: runs cix ARGS in the data directory.
run() {
    name=$1
    want_rc=$2
    shift 2
    (cd "$DATA" && "$CIX" "$@") >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
    rc=$?
    if [ "${CIX_GOLDEN_UPDATE:-}" = 1 ]; then
        to_golden <"$TMP/$name.out" >"$GOLD/$name.out"
        to_golden <"$TMP/$name.err" >"$GOLD/$name.err"
    fi
    ok=1
    if [ "$rc" != "$want_rc" ]; then
        echo "FAIL $name: exit code $rc, expected $want_rc"
        ok=0
    fi
    for k in out err; do
        if [ ! -f "$GOLD/$name.$k" ]; then
            echo "FAIL $name: no golden file $GOLD/$name.$k"
            ok=0
            continue
        fi
        from_golden <"$GOLD/$name.$k" >"$TMP/$name.$k.want"
        if ! cmp -s "$TMP/$name.$k.want" "$TMP/$name.$k"; then
            echo "FAIL $name: standard $k differs (- expected, + got):"
            diff -u "$TMP/$name.$k.want" "$TMP/$name.$k" | sed -n '3,60p'
            ok=0
        fi
    done
    if [ $ok = 1 ]; then
        echo "ok   $name"
    else
        failures=$((failures + 1))
    fi
}

# --- results: a panel with Chinese region names, a tie in 2020 -----------
run score_csv 0 score --cost energy --format csv provinces.csv
# standard output is not a terminal here: csv is the default
run score_default 0 score --cost energy provinces.csv
run score_json 0 score --cost energy --format json provinces.csv
run score_table 0 score --cost energy --format table provinces.csv
run score_ties_average 0 score --cost energy --ties average --format csv provinces.csv
run score_ties_dense_table 0 score --cost energy --ties dense --format table provinces.csv
run score_fixed 0 score --weights-file weights.csv --cost energy provinces.csv
run weights_csv 0 weights --cost energy provinces.csv
run weights_json 0 weights --cost energy --format json provinces.csv
run weights_table 0 weights --cost energy --format table provinces.csv
# each year on its own: weights per year, or averaged
run weights_year 0 weights --scope year --cost energy provinces.csv
run weights_year_average 0 weights --scope year --average-weights --cost energy provinces.csv
run score_year_json 0 score --scope year --cost energy --format json provinces.csv
run score_year_table 0 score --scope year --cost energy --format table provinces.csv
# a cross-section (no year column) with names that need quoting/escaping
run names_csv 0 score --cost unemployment names.csv
run names_json 0 score --cost unemployment --format json names.csv
run names_table 0 score --cost unemployment --format table names.csv

# --- a model (tests/cli/data/models/provinces_model.csv): pillar scores,
# ranks, rank change, helpers and hurters; five kinds of bad model file
run model_csv 0 score --model models/provinces_model.csv --format csv provinces.csv
run model_json 0 score --model models/provinces_model.csv --format json provinces.csv
run model_table 0 score --model models/provinces_model.csv --format table provinces.csv
run model_validate 0 validate --model models/provinces_model.csv provinces.csv
run err_model_cycle 3 score --model models/bad_cycle.csv provinces.csv
run err_model_two_roots 3 score --model models/bad_two_roots.csv provinces.csv
run err_model_unknown_parent 3 score --model models/bad_unknown_parent.csv provinces.csv
run err_model_missing_indicator 3 score --model models/bad_missing_indicator.csv provinces.csv
run err_model_bad_direction 3 validate --model models/bad_direction.csv provinces.csv
run err_model_with_cost 2 score --model models/provinces_model.csv --cost energy provinces.csv
run err_fit_no_output 2 fit --model models/provinces_model.csv provinces.csv

# --- the full method set ---------------------------------------------------
# geometric mean on min-max [1,100]; TOPSIS on vector-normalized values with
# a non-oriented cost column; power mean with CRITIC weights
run score_geometric 0 score -n minmax --range 1,100 -a geometric --cost energy provinces.csv
run score_topsis_json 0 score -n vector -w equal -a topsis --cost energy --format json \
    provinces.csv
run score_power_table 0 score -n minmax --range 1,100 -w critic -a power --power 2 \
    --cost energy --format table provinces.csv
# a missing cell filled by the pooled mean: a note on standard error and in JSON
run score_impute 0 score --impute mean --cost energy gaps.csv
run score_impute_json 0 score --impute mean --cost energy --format json -q gaps.csv
# --cell-notes: one note per imputed cell too, on standard error and in the
# JSON notes; the same scores
run score_impute_cells 0 score --impute mean --cost energy --cell-notes gaps.csv
run score_impute_cells_json 0 score --impute mean --cost energy --cell-notes --format json -q gaps.csv
run weights_impute_cells 0 weights --impute mean --cost energy --cell-notes gaps.csv
# --explain none: no helper and hurter columns; the engine runs without keeping
# the normalized matrix (imputation reported as one note per indicator)
run score_explain_none 0 score --cost energy --explain none --format csv provinces.csv
run score_explain_none_impute 0 score --impute mean --cost energy --explain none gaps.csv
run score_explain_none_json 0 score --impute mean --cost energy --explain none \
    --format json -q gaps.csv
run err_bad_explain 2 score --explain top5 provinces.csv
run err_explain_for_weights 2 weights --explain none provinces.csv
# per-indicator parameters from a file: target, goalposts, log transform
run score_params 0 score -n target --params params.csv --cost energy provinces.csv
run weights_pca_json 0 weights -w pca --factors 2 --format json ../../fixtures/tai23.csv
run pca_table 0 pca --format table ../../fixtures/tai23.csv
run pca_csv 0 pca --factors 4 --format csv ../../fixtures/tai23.csv
run pca_json 0 pca --format json ../../fixtures/tai23.csv
run audit_table 0 audit --format table --groups \
    PATENTS=creation,ROYALTIES=creation,INTERNET=diffusion,EXPORTS=diffusion,TELEPHONES_LOG=old,ELECTRICITY_LOG=old,SCHOOLING=skills,UNIVERSITY=skills \
    ../../fixtures/tai23.csv
run audit_json 0 audit --format json -n zscore --cost germ --direction PH==7 \
    --direction 'nutrient=[10,20]' ../../oracle/data/water.csv

# --- errors ---------------------------------------------------------------
run err_missing_file 5 score no-such-panel.csv
run err_ragged 3 score ragged.csv
run err_constant 4 score constant.csv
run err_unknown_option 2 score --frobnicate provinces.csv
run err_unknown_cost 2 score --cost energie provinces.csv
run err_bad_direction 2 score --direction 'energy=~' provinces.csv
run err_no_file 2 score --cost energy
# several files on standard output: one header, a `file` column first, the
# year column empty for the cross-section
run batch_two_files 0 score provinces.csv names.csv
run err_unknown_command 2 frobnicate provinces.csv
run err_no_command 2
run err_weights_file 3 score --weights-file weights_bad.csv provinces.csv
run err_fixed_needs_file 2 score -w fixed provinces.csv
run err_bad_normalization 2 score -n bogus provinces.csv
run err_ties_for_weights 2 weights --ties dense provinces.csv
run err_bad_range 2 score --range 1 provinces.csv
run err_bad_aggregation 2 score -a median provinces.csv
run err_power_zero 2 score -a power --power 0 provinces.csv
run err_geometric_zero 3 score -a geometric --cost energy provinces.csv
run err_combine_needs_file 2 score --combine mult provinces.csv
run err_combine_fixed 2 score -w fixed --weights-file weights.csv --combine linear:0.3 \
    provinces.csv
run err_groups_for_score 2 score --groups gdp_pc=a provinces.csv
run err_pca_weights_option 2 pca -w entropy provinces.csv
run err_unknown_target 2 score -n target --target gdp=10 provinces.csv
run err_bad_goalposts 2 score -n goalposts --goalposts rd_share=5,1 provinces.csv
run err_bad_factors 2 weights -w pca --factors 0 provinces.csv
run err_bad_impute 2 score --impute nearest provinces.csv
run err_params_column 3 score -n target --params params_bad.csv provinces.csv
run err_missing_no_impute 3 score gaps.csv
run err_groups_incomplete 2 audit --groups gdp_pc=a,rd_share=a provinces.csv

# --- every output reproduces itself from its own first line ---------------
# reproduce LABEL ARGS...: runs cix ARGS, then the command line recorded in
# the '# cix VERSION ...' line of its output; the two outputs must be equal.
reproduce() {
    label=$1
    shift
    (cd "$DATA" && "$CIX" "$@") >"$TMP/r1" 2>"$TMP/r.err"
    rc1=$?
    line=$(sed -n "1s/^# cix $VERSION //p" "$TMP/r1")
    if [ -z "$line" ]; then
        echo "FAIL reproduce $label: no '# cix $VERSION' first line (exit $rc1)"
        failures=$((failures + 1))
        return
    fi
    (cd "$DATA" && eval "set -- $line" && "$CIX" "$@") >"$TMP/r2" 2>>"$TMP/r.err"
    rc2=$?
    if [ $rc1 = 0 ] && [ $rc2 = 0 ] && cmp -s "$TMP/r1" "$TMP/r2"; then
        echo "ok   reproduce $label"
    else
        echo "FAIL reproduce $label: exit $rc1/$rc2; from the recorded line '$line':"
        diff "$TMP/r1" "$TMP/r2" | head -20
        cat "$TMP/r.err"
        failures=$((failures + 1))
    fi
}
reproduce defaults score provinces.csv
reproduce directions score --direction 'rd_share=[1,5]' --direction gdp_pc==10 --cost energy \
    --na 'NA,,n/a' --delimiter , --scope base:2019 --ties dense provinces.csv
reproduce equal weights -n none -w equal --cost energy provinces.csv
reproduce fixed score --weights-file weights.csv --cost energy --ties average provinces.csv
reproduce year score --scope year --average-weights --shift 0.01 --smooth 0.001 \
    --range 1,100 --direction energy=- provinces.csv
reproduce names score --cost unemployment --region-column region names.csv
reproduce methods score -n minmax --range 1,100 -w critic --ddof 0 -a power --power 0.5 \
    --impute mean --min-coverage-indicator 50% --drop-constant --outliers jrc \
    --transform energy=log1p-shift --cost energy gaps.csv
reproduce params score -n target --params params.csv --no-cap provinces.csv
reproduce combine score -w entropy --weights-file weights.csv --combine linear:0.25 \
    --cost energy provinces.csv
reproduce pca pca --factors 2 --outliers jrc --cost energy provinces.csv
reproduce audit audit -n zscore --groups gdp_pc=a,rd_share=a,energy=b --cost energy \
    provinces.csv

# --- help and version -----------------------------------------------------
run version 0 --version

# help: on standard output, exit 0, with the exit codes and examples
for args in "--help" "help" "score --help" "weights --help" "help score" "score -h" \
    "pca --help" "audit --help" "help pca" "help audit"; do
    # shellcheck disable=SC2086
    out=$("$CIX" $args 2>"$TMP/help.err")
    rc=$?
    ok=1
    [ "$rc" = 0 ] || ok=0
    [ -s "$TMP/help.err" ] && ok=0
    for want in "Exit status:" "  3  bad input data" "  5  input/output error" "Examples:"; do
        case $out in *"$want"*) ;; *) ok=0 ;; esac
    done
    case $args in
    *score*) case $out in *"--ties NAME"*"--explain WHAT"*"--cost LIST"*) ;; *) ok=0 ;; esac ;;
    esac
    if [ $ok = 1 ]; then
        echo "ok   help: cix $args"
    else
        echo "FAIL help: cix $args (exit $rc)"
        failures=$((failures + 1))
    fi
done

# --explain none gives the scores, ranks and rank changes of --explain top3
# byte for byte (the first five columns), on the lean path of the engine
# (minmax, zscore; entropy, sd, equal; mean imputation), on the full one
# (geometric, per-year scope, target), and with 1 or 2 threads.
same_scores() {
    label=$1
    shift
    (cd "$DATA" && "$CIX" score -q --format csv "$@" >"$TMP/top3.csv" 2>/dev/null &&
        "$CIX" score -q --format csv --explain none "$@" >"$TMP/none.csv" 2>/dev/null)
    rc=$?
    tail -n +2 "$TMP/top3.csv" | cut -d, -f1-5 >"$TMP/top3.cut"
    tail -n +2 "$TMP/none.csv" >"$TMP/none.cut"
    if [ "$rc" != 0 ]; then
        echo "FAIL explain none = top3 ($label): exit code $rc"
        failures=$((failures + 1))
    elif [ "$(wc -l <"$TMP/none.cut")" -lt 3 ] ||
        [ "$(head -n 1 "$TMP/none.cut")" != "region,year,score,rank,rank_change" ]; then
        echo "FAIL explain none = top3 ($label): header or rows missing"
        failures=$((failures + 1))
    elif ! cmp -s "$TMP/top3.cut" "$TMP/none.cut"; then
        echo "FAIL explain none = top3 ($label): scores differ (- top3, + none):"
        diff -u "$TMP/top3.cut" "$TMP/none.cut" | sed -n '3,20p'
        failures=$((failures + 1))
    elif grep -q 'help_1' "$TMP/none.csv" || ! grep -q '^# cix .* --explain none ' "$TMP/none.csv"; then
        echo "FAIL explain none = top3 ($label): helper columns or the option record"
        failures=$((failures + 1))
    else
        echo "ok   explain none = top3 ($label)"
    fi
}
same_scores "minmax entropy" --cost energy provinces.csv
same_scores "minmax entropy, 2 threads" --cost energy --threads 2 provinces.csv
same_scores "zscore sd" -n zscore -w sd --cost energy provinces.csv
same_scores "equal weights, ties average" -w equal --ties average provinces.csv
same_scores "mean imputation" --impute mean --cost energy gaps.csv
same_scores "mean imputation, 1 thread" --impute mean --cost energy --threads 1 gaps.csv
same_scores "geometric" -n minmax --range 1,100 -a geometric --cost energy provinces.csv
same_scores "per-year scope" --scope year --cost energy provinces.csv
same_scores "target" -n target --params params.csv --cost energy provinces.csv

if [ "$failures" -ne 0 ]; then
    echo "$failures golden case(s) failed"
    exit 1
fi
echo "all golden cases passed"
exit 0
