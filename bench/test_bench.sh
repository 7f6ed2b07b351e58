#!/bin/sh
# Checks the benchmark programs (no timing is asserted):
#   - cix-genpanel is deterministic, writes the documented shape, spreads the
#     cost indicators as documented, and -p only blanks cells;
#   - cix-bench-read reads its panels back exactly (verify=ok), with and
#     without missing cells;
#   - with the two optional arguments: cix-bench-stages writes the same scores
#     as `cix score --explain none` byte for byte (and as the first five
#     columns of `cix score`), the same entropy and PCA weights as
#     `cix weights`, and cix-bench-limits prints its four lines;
#   - cix-bench-peak passes on the exit status and reports the peak RSS.
# usage: test_bench.sh /path/to/cix-genpanel /path/to/cix-bench-read
#                      [/path/to/cix-bench-stages /path/to/cix [/path/to/cix-bench-limits
#                      [/path/to/cix-bench-peak]]]
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

if [ $# -ge 4 ]; then
    stages=$3
    cix=$4
    "$gen" -r 9 -t 10 -m 12 -s 3 -p 0.05 -o "$work/p.csv" -C "$work/p.cost"
    cost=$(cat "$work/p.cost")
    "$stages" -c "$cost" -o "$work/p.stages.csv" -W "$work/p.w.csv" "$work/p.csv" >"$work/p.line" ||
        fail "cix-bench-stages"
    grep -q '^stages parse=[0-9.]* compute=[0-9.]* pca=[0-9.]* write=[0-9.]* total=[0-9.]* rows=90 indicators=12 factors=[0-9]*$' \
        "$work/p.line" || fail "stages line: $(cat "$work/p.line")"
    [ "$(wc -l <"$work/p.stages.csv")" -eq 91 ] || fail "cix-bench-stages: expected 1 + 90 lines"
    # the same bytes as `cix score --explain none` (after its '# cix ...' line)
    "$cix" score -q --impute mean -n minmax -w entropy --cost "$cost" -a linear --ties min \
        --explain none -o "$work/p.none.csv" "$work/p.csv" || fail "cix score --explain none"
    tail -n +2 "$work/p.none.csv" | cmp -s - "$work/p.stages.csv" ||
        fail "cix-bench-stages scores differ from cix score --explain none"
    # and the first five columns of `cix score` (the default --explain top3
    # adds the helper and hurter columns after them)
    "$cix" score -q --impute mean -n minmax -w entropy --cost "$cost" -a linear --ties min \
        -o "$work/p.cix.csv" "$work/p.csv" || fail "cix score"
    [ "$(sed -n 2p "$work/p.cix.csv")" = \
        "region,year,score,rank,rank_change,help_1,help_2,help_3,hurt_1,hurt_2,hurt_3" ] ||
        fail "cix score header: $(sed -n 2p "$work/p.cix.csv")"
    tail -n +2 "$work/p.cix.csv" | cut -d, -f1-5 | cmp -s - "$work/p.stages.csv" ||
        fail "cix-bench-stages scores differ from the first five columns of cix score"
    for w in entropy pca; do
        "$cix" weights -q -w "$w" --impute mean --cost "$cost" "$work/p.csv" | tail -n +3 >"$work/p.$w"
    done
    col=2
    for w in entropy pca; do
        tail -n +2 "$work/p.w.csv" | cut -d, -f1,$col | cmp -s - "$work/p.$w" ||
            fail "cix-bench-stages $w weights differ from cix weights"
        col=3
    done
    if [ $# -ge 5 ]; then
        "$5" read "$work/p.csv" | grep -q '^limit=read bytes=[0-9]* ' || fail "limits read"
        "$5" parse "$work/p.csv" | grep -q ' agree=1$' || fail "limits parse"
        "$5" membw 16 | grep -q '^limit=membw ' || fail "limits membw"
        "$5" syrk 1000 10 | grep -q '^limit=syrk n=1000 m=10 ' || fail "limits syrk"
    fi
    if [ $# -ge 6 ]; then
        # cix-bench-peak passes the command's exit status on and reports its
        # peak RSS as the last line of stderr: a command that writes 64 MiB
        # of new memory peaks above 64 MiB (and not at many times that)
        rc=0
        "$6" sh -c 'echo out; echo err >&2; exit 3' >"$work/peak.out" 2>"$work/peak.err" || rc=$?
        [ "$rc" -eq 3 ] || fail "cix-bench-peak: exit status $rc, not 3"
        [ "$(cat "$work/peak.out")" = out ] || fail "cix-bench-peak: stdout"
        [ "$(head -n 1 "$work/peak.err")" = err ] || fail "cix-bench-peak: stderr"
        tail -n 1 "$work/peak.err" | grep -q '^peak_rss_kib [1-9][0-9]*$' ||
            fail "cix-bench-peak: last line $(tail -n 1 "$work/peak.err")"
        "$6" "$5" fresh 64 >/dev/null 2>"$work/peak.err" || fail "cix-bench-peak: fresh"
        kib=$(tail -n 1 "$work/peak.err" | cut -d' ' -f2)
        [ "$kib" -ge 65536 ] && [ "$kib" -lt 262144 ] ||
            fail "cix-bench-peak: peak of 64 MiB written is $kib KiB"
        rc=0
        "$6" "$work/no-such-program" 2>/dev/null || rc=$?
        [ "$rc" -eq 127 ] || fail "cix-bench-peak: missing program gave $rc, not 127"
    fi
fi
echo "bench programs: ok"
