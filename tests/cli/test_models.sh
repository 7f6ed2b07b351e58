#!/bin/sh
# cix with indicator frameworks: scores of a hierarchy against a hand
# computation, fit on 2018-2021 and score 2022-2023 with the frozen model,
# byte-identical refits, refusals of mismatched data, the ASEM example end
# to end against its independent computation, target attainment, and the
# workbook of a model run.
#
#   sh test_models.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"

# 1. The index of tests/cli/data/models/provinces_model.csv by hand:
#    min-max over all rows (energy a cost), economy = (gdp_pc + energy) / 2,
#    innovation = rd_share, index = 2/3 economy + 1/3 innovation.
"$CIX" score --model "$DATA/models/provinces_model.csv" "$DATA/provinces.csv" \
    >"$TMP/m.csv" 2>"$TMP/err"
rc=$?
awk -F, -v out="$TMP/m.csv" '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return m > 0 ? d / m : d }
    NR == FNR {
        if (FNR == 1) next
        n++; reg[n] = $1; yr[n] = $2; g[n] = $3; r[n] = $4; e[n] = $5
        if (n == 1 || $3 < gmin) gmin = $3; if (n == 1 || $3 > gmax) gmax = $3
        if (n == 1 || $4 < rmin) rmin = $4; if (n == 1 || $4 > rmax) rmax = $4
        if (n == 1 || $5 < emin) emin = $5; if (n == 1 || $5 > emax) emax = $5
        next
    }
    FNR <= 2 { next }
    { got[$1 "," $2] = $3; eco[$1 "," $2] = $12; inn[$1 "," $2] = $13 }
    END {
        bad = 0
        for (i = 1; i <= n; i++) {
            k = reg[i] "," yr[i]
            ec = ((g[i] - gmin) / (gmax - gmin) + (emax - e[i]) / (emax - emin)) / 2
            in_ = (r[i] - rmin) / (rmax - rmin)
            s = 2 / 3 * ec + 1 / 3 * in_
            if (rel(got[k], s) > 1e-12 || rel(eco[k], ec) > 1e-12 || rel(inn[k], in_) > 1e-12) {
                print "  " k ": got " got[k] " want " s; bad++
            }
        }
        exit bad ? 1 : 0
    }' "$DATA/provinces.csv" "$TMP/m.csv"
arc=$?
[ $rc = 0 ] && [ $arc = 0 ] && pass "model index and pillar scores equal the hand computation" ||
    fail "model index: exit $rc"

# 2. Fit on 2018-2021 of the shipped panel with models/prov_innovation.csv,
#    score 2022-2023 with the fitted model.
P=$SRC/data/prov_mfg_innovation_2018_2023.complete30.csv
M=$SRC/models/prov_innovation.csv
awk -F, 'NR == 1 || ($2 >= 2018 && $2 <= 2021)' "$P" >"$TMP/fit.csv"
awk -F, 'NR == 1 || ($2 >= 2022 && $2 <= 2023)' "$P" >"$TMP/new.csv"
[ "$(wc -l <"$TMP/fit.csv")" = 121 ] && [ "$(wc -l <"$TMP/new.csv")" = 61 ] ||
    fail "split: $(wc -l <"$TMP/fit.csv") and $(wc -l <"$TMP/new.csv") lines"
"$CIX" fit --model "$M" -q -o "$TMP/prov.cixfit" "$TMP/fit.csv" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ -s "$TMP/prov.cixfit" ] && head -1 "$TMP/prov.cixfit" | grep -qx "cix-fitted,1" &&
    pass "fit: wrote the fitted model" || { fail "fit: exit $rc"; cat "$TMP/err"; }
# the fit run's scores and the fitted model's scores of the same years
(cd "$TMP" && "$CIX" score --model "$M" fit.csv) | sed 1d >"$TMP/fit_run.csv"
(cd "$TMP" && "$CIX" score --fitted prov.cixfit fit.csv) | sed 1d >"$TMP/fit_scored.csv"
if cmp -s "$TMP/fit_run.csv" "$TMP/fit_scored.csv" && [ "$(wc -l <"$TMP/fit_run.csv")" = 121 ]; then
    pass "scoring 2018-2021 with the fitted model gives the fit run's scores exactly"
else
    fail "fitted scores of 2018-2021 differ from the fit run"
    diff "$TMP/fit_run.csv" "$TMP/fit_scored.csv" | head -5
fi
# the whole panel scored with the fitted model: 2018-2021 as in the fit
# run (scores and pillars; ranks are within a year), 2022-2023 as scored
# from their own file
(cd "$TMP" && "$CIX" score --fitted prov.cixfit "$P") | sed 1,2d >"$TMP/all.csv"
(cd "$TMP" && "$CIX" score --fitted prov.cixfit new.csv) | sed 1,2d >"$TMP/new_scored.csv"
cut_scores() { cut -d, -f1-5,12- "$1"; }
awk -F, '$2 <= 2021' "$TMP/all.csv" | cut -d, -f1-4,12- >"$TMP/a1"
sed 1d "$TMP/fit_run.csv" | cut -d, -f1-4,12- >"$TMP/a2"
awk -F, '$2 >= 2022' "$TMP/all.csv" | cut -d, -f1-4,6- >"$TMP/b1"
cut -d, -f1-4,6- "$TMP/new_scored.csv" >"$TMP/b2"
if cmp -s "$TMP/a1" "$TMP/a2" && cmp -s "$TMP/b1" "$TMP/b2" && [ "$(wc -l <"$TMP/b2")" = 60 ]; then
    pass "2018-2023 with the fitted model: 2018-2021 as fitted, 2022-2023 as scored alone"
else
    fail "2018-2023 with the fitted model"
    diff "$TMP/a1" "$TMP/a2" | head -3
    diff "$TMP/b1" "$TMP/b2" | head -3
fi
# refitting writes the same bytes
"$CIX" fit --model "$M" -q -o "$TMP/again.cixfit" "$TMP/fit.csv"
cmp -s "$TMP/prov.cixfit" "$TMP/again.cixfit" && pass "refit: byte-identical file" ||
    fail "refit: the files differ"

# 3. Refusals: a panel without an indicator of the fit; metadata whose unit
#    differs from the fit's.
cut -d, -f1,2,4- "$TMP/new.csv" >"$TMP/new_lacking.csv" # drops rd_exp
"$CIX" score --fitted "$TMP/prov.cixfit" "$TMP/new_lacking.csv" >"$TMP/o" 2>"$TMP/err"
rc=$?
[ $rc = 3 ] && [ ! -s "$TMP/o" ] && grep -q "rd_exp" "$TMP/err" &&
    pass "fitted: a panel lacking a column of the fit is refused (exit 3)" ||
    { fail "fitted, lacking column: exit $rc"; cat "$TMP/err"; }
sed 's/^rd_intensity,\(.*\),%,,,,,ratio in the panel$/rd_intensity,\1,per mille,,,,,ratio in the panel/' \
    "$M" >"$TMP/other_units.csv"
grep -q "per mille" "$TMP/other_units.csv" || fail "could not change a unit in the model copy"
"$CIX" score --fitted "$TMP/prov.cixfit" --model "$TMP/other_units.csv" "$TMP/new.csv" \
    >"$TMP/o" 2>"$TMP/err"
rc=$?
[ $rc = 3 ] && [ ! -s "$TMP/o" ] && grep -q "rd_intensity" "$TMP/err" && grep -q "per mille" "$TMP/err" &&
    pass "fitted: metadata with another unit is refused (exit 3)" ||
    { fail "fitted, other unit: exit $rc"; cat "$TMP/err"; }
"$CIX" score --fitted "$TMP/prov.cixfit" -n zscore "$TMP/new.csv" >/dev/null 2>&1
rc=$?
[ $rc = 2 ] && pass "fitted: a method option is a usage error" || fail "fitted with -n: exit $rc"

# 4. ASEM end to end from its own metadata: mean imputation, min-max to
#    [0,100]; the index and both sub-indices equal the independent numpy
#    computation (tests/oracle/asem/asem_index.csv) to 1e-12; with and
#    without the year column (Time).
A=$SRC/data/asem
ORACLE=$SRC/tests/oracle/asem/asem_index.csv
for yc in Time none; do
    if [ $yc = none ]; then ycopt=""; else ycopt="--year-column Time"; fi
    # shellcheck disable=SC2086
    "$CIX" score --model "$A/asem_meta.csv" --impute mean --range 0,100 --region-column uName \
        $ycopt -q "$A/asem_data.csv" >"$TMP/asem.csv" 2>"$TMP/err"
    rc=$?
    awk -F, -v yc=$yc '
        function rel(a, b) { d = a - b; if (d < 0) d = -d; return d / (b < 0 ? -b : b) }
        NR == FNR { if (FNR > 1) { idx[$1] = $2; conn[$1] = $3; sust[$1] = $4; n++ } next }
        FNR == 2 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        FNR > 2 {
            r = $1; k++
            if (!(r in idx) || rel($col["score"], idx[r]) > 1e-12 ||
                rel($col["Conn"], conn[r]) > 1e-12 || rel($col["Sust"], sust[r]) > 1e-12) {
                print "  " r ": " $col["score"] " vs " idx[r]; bad++
            }
            if (yc == "Time" && $2 != 2018) bad++
        }
        END { exit (bad == 0 && k == 51 && n == 51) ? 0 : 1 }' "$ORACLE" "$TMP/asem.csv"
    arc=$?
    [ $rc = 0 ] && [ $arc = 0 ] &&
        pass "ASEM ($yc): 51 countries, index, Conn and Sust equal the oracle to 1e-12" ||
        { fail "ASEM ($yc): exit $rc"; head -3 "$TMP/err"; }
done
# the hierarchy, directions, weights and denominators as the JSON shows them
"$CIX" score --model "$A/asem_meta.csv" --impute mean --region-column uName --year-column Time \
    -q --format json "$A/asem_data.csv" >"$TMP/asem.json"
grep -q '"LPI": {"parent": "Physical", "level": 1, "weight": 0.125, "effective": 0.0125}' \
    "$TMP/asem.json" &&
    grep -q '"Physical": {"parent": "Conn", "level": 2, "weight": 0.2,' "$TMP/asem.json" &&
    grep -q '"Conn": {"parent": "Index", "level": 3, "weight": 0.5,' "$TMP/asem.json" &&
    [ "$(grep -c '": "-"' "$TMP/asem.json")" = 14 ] &&
    pass "ASEM hierarchy: LPI < Physical < Conn < Index, weights 1/8, 1/5, 1/2; 14 cost indicators" ||
    fail "ASEM hierarchy in the JSON"
# denominators: Flights is divided by Population; without the Population
# column the data are refused naming it
cut -d, -f1-10,12- "$A/asem_data.csv" >"$TMP/asem_nopop.csv"
"$CIX" score --model "$A/asem_meta.csv" --impute mean --region-column uName --year-column Time \
    "$TMP/asem_nopop.csv" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 3 ] && grep -q "Population" "$TMP/err" &&
    pass "ASEM: a missing denominator column is refused naming it" ||
    { fail "ASEM missing denominator: exit $rc"; cat "$TMP/err"; }
"$CIX" validate --model "$A/asem_meta.csv" --region-column uName --year-column Time \
    "$A/asem_data.csv" >"$TMP/v.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "valid: 49 indicators, 11 aggregates, 4 denominators; root Index" "$TMP/v.out" &&
    pass "ASEM validate: 49 indicators, 11 aggregates, 4 denominators" ||
    { fail "ASEM validate: exit $rc"; cat "$TMP/v.out"; }

# 5. Targets: progress (x - b) / (t - b) capped to [0, 1], b the Baseline
#    cell (rd_share) or the 2019 value; met = progress 1.
"$CIX" targets --model "$DATA/models/targets_model.csv" --baseline-year 2019 \
    "$DATA/provinces.csv" >"$TMP/t.csv" 2>"$TMP/err"
rc=$?
awk -F, '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return m > 0 ? d / m : d }
    function prog(x, b, t) { p = (x - b) / (t - b); return p < 0 ? 0 : (p > 1 ? 1 : p) }
    NR == FNR { if (FNR > 1) { n++; reg[n] = $1; yr[n] = $2; g[n] = $3; r[n] = $4; e[n] = $5
                               if ($2 == 2019) { bg[$1] = $3; be[$1] = $5 } } next }
    FNR <= 2 { next }
    { row[$1 "," $2] = $0 }
    END {
        bad = 0
        for (i = 1; i <= n; i++) {
            split(row[reg[i] "," yr[i]], f, ",")
            pg = prog(g[i], bg[reg[i]], 20); pe = prog(e[i], be[reg[i]], 0.2); pr = prog(r[i], 2, 6.4)
            met = (pg == 1) + (pe == 1) + (pr == 1)
            if (rel(f[6], pg) > 1e-12 || rel(f[7], pe) > 1e-12 || rel(f[8], pr) > 1e-12 ||
                f[3] != met || f[4] != 3 || rel(f[5], met / 3) > 1e-12) {
                print "  " reg[i] " " yr[i] ": " row[reg[i] "," yr[i]]; bad++
            }
        }
        exit bad ? 1 : 0
    }' "$DATA/provinces.csv" "$TMP/t.csv"
arc=$?
[ $rc = 0 ] && [ $arc = 0 ] && grep -q "^北京,2020,1,3,0.3333333333333333," "$TMP/t.csv" &&
    pass "targets: progress and share met equal the hand computation" ||
    fail "targets: exit $rc"
"$CIX" targets --model "$DATA/models/targets_model.csv" --baseline-year 2017 \
    "$DATA/provinces.csv" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 2 ] && grep -q "2017" "$TMP/err" && pass "targets: unknown baseline year is refused" ||
    { fail "targets, baseline 2017: exit $rc"; cat "$TMP/err"; }

# 6. The workbook of a model run has the pillar scores sheet.
"$CIX" score --model "$DATA/models/provinces_model.csv" --format xlsx -o "$TMP/m.xlsx" \
    "$DATA/provinces.csv" 2>"$TMP/err"
rc=$?
sig=$(head -c 2 "$TMP/m.xlsx" 2>/dev/null)
if [ $rc = 0 ] && [ "$sig" = PK ]; then
    if command -v unzip >/dev/null 2>&1; then
        names=$(unzip -p "$TMP/m.xlsx" xl/workbook.xml | tr '<' '\n' |
            sed -n 's/^sheet name="\([^"]*\)".*/\1/p' | tr '\n' '|')
        [ "$names" = "scores|pillar scores|weights|normalized data|notes|audit|" ] &&
            unzip -p "$TMP/m.xlsx" xl/sharedStrings.xml | grep -q "Pearson correlations" &&
            pass "model workbook: $names with the audit" || fail "model workbook sheets: '$names'"
    else
        pass "model workbook: a zip file (no unzip to read the sheets)"
    fi
else
    fail "model workbook: exit $rc, signature '$sig'"
    cat "$TMP/err"
fi

if [ $failures -ne 0 ]; then
    echo "$failures model check(s) failed"
    exit 1
fi
echo "all model checks passed"
