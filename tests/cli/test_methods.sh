#!/bin/sh
# The full method set through the cix program, against the independent
# reference values of tests/oracle/expected (R and numpy, see
# tests/oracle/README.md) and the published fixtures of tests/fixtures:
# aggregations (cix score), weights (cix weights), PCA (cix pca) and the
# audit (cix audit) on four data sets, with relative tolerances.
#
#   sh test_methods.sh /path/to/cix /path/to/source-root
set -u

CIX=${1:?usage: sh test_methods.sh CIX SRCDIR}
SRC=${2:?usage: sh test_methods.sh CIX SRCDIR}
case $CIX in /*) ;; *) CIX=$(pwd)/$CIX ;; esac
FIX=$SRC/tests/fixtures
ORA=$SRC/tests/oracle
DATA=$SRC/tests/cli/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cix-methods.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
failures=0

# compare LABEL EXPECTED GOT REL [MAP]: every row quantity,key,value of the
# expected file (with a quantity named in MAP as "want=got,..." looked up
# under the other name) must be in GOT, a quantity,key,value file, within
# REL relative (absolute floor 1e-12; textual values must be equal).
# Quantities of the expected file that MAP sends to "-" are skipped.
compare() {
    awk -F, -v rel="$4" -v map="${5:-}" -v label="$1" '
        BEGIN {
            n = split(map, m, ",")
            for (i = 1; i <= n; i++) { split(m[i], kv, "="); alias[kv[1]] = kv[2] }
        }
        FNR == NR {
            if ($0 ~ /^#/ || $1 == "quantity") next
            q = ($1 in alias) ? alias[$1] : $1
            if (q == "-") next
            want[q SUBSEP $2] = $3; nwant++
            next
        }
        /^#/ || $1 == "quantity" { next }
        ((($1) SUBSEP ($2)) in want) {
            k = $1 SUBSEP $2; w = want[k]; g = $3
            seen[k] = 1
            d = g - w; if (d < 0) d = -d
            a = w; if (a < 0) a = -a
            if (d > rel * a + 1e-12) {
                printf "FAIL %s: %s %s = %.17g, expected %.17g\n", label, $1, $2, g, w
                bad++
            }
        }
        END {
            for (k in want) if (!(k in seen)) {
                split(k, p, SUBSEP)
                printf "FAIL %s: %s %s missing from the output\n", label, p[1], p[2]
                bad++
            }
            if (nwant == 0) { printf "FAIL %s: nothing to compare\n", label; bad++ }
            exit bad ? 1 : 0
        }' "$2" "$3"
}

# run LABEL OUT ARGS...: runs cix ARGS into OUT; a failure is reported.
run() {
    label=$1
    out=$2
    shift 2
    if ! "$CIX" "$@" >"$out" 2>"$TMP/err"; then
        echo "FAIL $label: cix $* failed:"
        cat "$TMP/err"
        failures=$((failures + 1))
        return 1
    fi
    return 0
}

# Scores of cix score --format csv as quantity,key,value (key REGION or
# REGION:YEAR).
scores_long() {
    awk -F, '/^#/ { next }
             $1 == "region" { hy = ($2 == "year"); next }
             { if (hy) print "score," $1 ":" $2 "," $3; else print "score," $1 "," $2 }' "$1"
}

check() {
    if compare "$@"; then
        echo "ok   $1"
    else
        failures=$((failures + 1))
    fi
}

# Data sets: name, file, options (directions, imputation).
dataset_file() {
    case $1 in
    tai23) echo "$FIX/tai23.csv" ;;
    *) echo "$ORA/data/$1.csv" ;;
    esac
}
dataset_opts() {
    case $1 in
    water) echo "--cost germ --direction PH==7 --direction nutrient=[10,20]" ;;
    mfg8) echo "--impute mean" ;;
    *) echo "" ;;
    esac
}

for ds in tai23 water mfg8 complete30; do
    file=$(dataset_file $ds)
    opts=$(dataset_opts $ds)

    # --- aggregations: equal weights on minmax [1,100] y; TOPSIS on minmax
    # [0,1] and on vector-normalized y
    for m in linear geometric harmonic power-2 power-0.5 topsis-minmax topsis-vector; do
        case $m in
        power-2) agg="-n minmax --range 1,100 -a power --power 2" ;;
        power-0.5) agg="-n minmax --range 1,100 -a power --power 0.5" ;;
        topsis-minmax) agg="-n minmax --range 0,1 -a topsis" ;;
        topsis-vector) agg="-n vector -a topsis" ;;
        *) agg="-n minmax --range 1,100 -a $m" ;;
        esac
        out=$TMP/$ds.$m.csv
        # shellcheck disable=SC2086
        if run "$ds.$m" "$out" score -w equal $agg $opts --format csv "$file"; then
            scores_long "$out" >"$out.long"
            check "$ds $m scores (cix score)" "$ORA/expected/$ds.$m.csv" "$out.long" 1e-12 \
                "dplus=-,dminus=-"
        fi
    done

    # --- weights
    for m in entropy sd critic cv; do
        out=$TMP/$ds.w.$m.csv
        # shellcheck disable=SC2086
        if run "$ds.$m" "$out" weights -n minmax -w $m $opts --format csv "$file"; then
            awk -F, '!/^#/ && $1 != "indicator" { print "weight," $1 "," $2 }' "$out" \
                >"$out.long"
            check "$ds $m weights (cix weights)" "$ORA/expected/$ds.$m.csv" "$out.long" 1e-10 \
                "entropy=-,sd=-,info=-,cv=-"
        fi
    done

    # --- PCA: eigenvalues, shares, loadings (both forms), factors, weights
    out=$TMP/$ds.pca.csv
    # shellcheck disable=SC2086
    if run "$ds.pca" "$out" pca $opts --format csv "$file"; then
        check "$ds pca (cix pca)" "$ORA/expected/$ds.pca.csv" "$out" 1e-9
        check "$ds pca-coef (cix pca)" "$ORA/expected/$ds.pca-coef.csv" "$out" 1e-9 \
            "weight=weight_coef"
    fi
    # pca weights through cix weights equal those of cix pca
    out=$TMP/$ds.wpca.csv
    # shellcheck disable=SC2086
    if run "$ds.wpca" "$out" weights -w pca $opts --format csv "$file"; then
        awk -F, '!/^#/ && $1 != "indicator" { print "weight," $1 "," $2 }' "$out" >"$out.long"
        check "$ds -w pca (cix weights)" "$ORA/expected/$ds.pca.csv" "$out.long" 1e-9 \
            "factors=-,eigenvalue=-,share=-,cumshare=-,loading_unrotated=-,loading=-,explained=-,factor=-"
    fi

    # --- audit
    out=$TMP/$ds.audit.csv
    # shellcheck disable=SC2086
    if run "$ds.audit" "$out" audit $opts --format csv "$file"; then
        for q in pearson spearman kmo moments; do
            check "$ds audit $q (cix audit)" "$ORA/expected/$ds.$q.csv" "$out" 1e-9
        done
        grep -v '^bartlett,logdet,\|^bartlett,n,' "$ORA/expected/$ds.bartlett.csv" >"$TMP/b.csv"
        check "$ds audit bartlett (cix audit)" "$TMP/b.csv" "$out" 1e-9
        grep -v ',zscore,\|,oriented,' "$ORA/expected/$ds.alpha.csv" >"$TMP/alpha.csv"
        check "$ds audit alpha minmax (cix audit)" "$TMP/alpha.csv" "$out" 1e-9
    fi
    out=$TMP/$ds.audit-z.csv
    # shellcheck disable=SC2086
    if run "$ds.audit-z" "$out" audit -n zscore $opts --format csv "$file"; then
        grep -v ',minmax,\|,oriented,' "$ORA/expected/$ds.alpha.csv" >"$TMP/alpha.csv"
        check "$ds audit alpha zscore (cix audit -n zscore)" "$TMP/alpha.csv" "$out" 1e-9
    fi
done

# tai23 with the handbook's four factors
out=$TMP/tai23.pca4.csv
if run tai23.pca4 "$out" pca --factors 4 --format csv "$FIX/tai23.csv"; then
    check "tai23 pca --factors 4" "$ORA/expected/tai23.pca-f4.csv" "$out" 1e-9
    check "tai23 pca-coef --factors 4" "$ORA/expected/tai23.pca-coef-f4.csv" "$out" 1e-9 \
        "weight=weight_coef"
fi

# cix weights --format json with -w pca: "eigenvalues" (descending) and
# "loadings" with one rotated loading per retained factor; pca-coef gives
# the unrotated loadings.
for w in pca pca-coef; do
    out=$TMP/tai23.$w.json
    if run "tai23 json $w" "$out" weights -w $w --factors 4 --format json "$FIX/tai23.csv"; then
        q=loading
        [ $w = pca-coef ] && q=loading_unrotated
        # turn the JSON members into quantity,key,value rows
        awk -v q=$q '
            /"eigenvalues": \[/ {
                s = $0; sub(/.*\[/, "", s); sub(/\].*/, "", s)
                n = split(s, v, ", ")
                for (i = 1; i <= n; i++) print "eigenvalue," i "," v[i]
                next
            }
            /"loadings": \{/ { on = 1; next }
            on && /^  \}/ { on = 0 }
            on {
                s = $0; name = s; sub(/^ *"/, "", name); sub(/".*/, "", name)
                sub(/.*\[/, "", s); sub(/\].*/, "", s)
                n = split(s, v, ", ")
                for (i = 1; i <= n; i++) print q "," name ":" i "," v[i]
                print "nloadings," name "," n
            }
            /"weights": \{/ { w = 1; next }
            w && /\}/ { w = 0 }
            w { s = $0; gsub(/[" ,]/, "", s); sub(/:/, ",", s); print "weight," s }
        ' "$out" >"$out.long"
        if [ $w = pca ]; then
            check "tai23 weights -w pca --format json" "$ORA/expected/tai23.pca-f4.csv" \
                "$out.long" 1e-9 "factors=-,share=-,cumshare=-,loading_unrotated=-,explained=-,factor=-"
        else
            check "tai23 weights -w pca-coef --format json" \
                "$ORA/expected/tai23.pca-f4.csv" "$out.long" 1e-9 \
                "factors=-,share=-,cumshare=-,loading=-,explained=-,factor=-,weight=-"
            check "tai23 weights -w pca-coef --format json (weights)" \
                "$ORA/expected/tai23.pca-coef-f4.csv" "$out.long" 1e-9 \
                "factors=-,eigenvalue=-,u=-,c=-"
        fi
        printf 'nloadings,%s,4\n' PATENTS ROYALTIES INTERNET EXPORTS TELEPHONES_LOG \
            ELECTRICITY_LOG SCHOOLING UNIVERSITY >"$TMP/n.csv"
        check "tai23 weights -w $w --format json: 4 loadings each" "$TMP/n.csv" "$out.long" 0
    fi
done

# --- published fixtures ----------------------------------------------------
# fixture LABEL NAME EXPECTED QUANTITY ARGS...: cix ARGS NAME.csv; the rows
# of EXPECTED.expected.csv of QUANTITY (first column of the output = key,
# score column = value) within each row's abs_tol.
fixture() {
    label=$1
    name=$2
    expected=$3
    quantity=$4
    shift 4
    out=$TMP/$name.$quantity.csv
    run "$label" "$out" "$@" --format csv "$FIX/$name.csv" || return
    if awk -F, -v quantity="$quantity" -v label="$label" '
        FNR == NR {
            if ($0 ~ /^#/ || $1 == "quantity" || $1 != quantity) next
            want[$2] = $3; tol[$2] = $4; n++
            next
        }
        /^#/ || $1 == "region" { next }
        ($1 in want) {
            d = $2 - want[$1]; if (d < 0) d = -d
            if (d > tol[$1]) {
                printf "FAIL %s: %s = %.10g, expected %s (tolerance %s)\n", label, $1, $2,
                       want[$1], tol[$1]
                bad++
            }
            seen[$1] = 1
        }
        END {
            for (k in want) if (!(k in seen)) { printf "FAIL %s: %s missing\n", label, k; bad++ }
            if (n == 0) { printf "FAIL %s: no rows expected\n", label; bad++ }
            exit bad ? 1 : 0
        }' "$FIX/$expected.expected.csv" "$out"; then
        echo "ok   $label"
    else
        failures=$((failures + 1))
    fi
}

fixture "topsis_vector (cix score -n vector -a topsis)" topsis_vector topsis_vector score \
    score -n vector -a topsis --weights-file "$DATA/topsis_vector.weights.csv" --cost c2
fixture "topsis_minmax (cix score -n minmax -a topsis)" topsis_minmax topsis_minmax score \
    score -n minmax -a topsis --weights-file "$DATA/topsis_minmax.weights.csv" --cost c1
# Table 15: the SCHOOLING column alone (weight 1, every other weight 0), so
# the score is its normalized value.
for n in zscore minmax ratio-mean ratio-max ratio-min; do
    fixture "tai23 Table 15 $n (cix score -n $n)" tai23 tai23.table15 "$n" \
        score -n "$n" --weights-file "$DATA/tai23_schooling.weights.csv"
done

if [ "$failures" -ne 0 ]; then
    echo "$failures method check(s) failed"
    exit 1
fi
echo "all method checks passed"
exit 0
