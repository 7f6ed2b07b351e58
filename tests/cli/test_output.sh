#!/bin/sh
# `cix -o FILE` writes atomically: the file equals what standard output
# would get; when the run fails, an existing FILE keeps its content and no
# temporary file is left behind.
#
#   sh test_output.sh /path/to/cix /path/to/source-root
set -u

. "$(dirname "$0")/lib.sh"
OUT=$TMP/out

# No file other than the expected ones may be in $OUT (temporary files are
# named .NAME.XXXXXX).
no_leftovers() {
    left=$(cd "$OUT" && ls -A | grep -v -x -e "$1" -e "${2:-$1}")
    if [ -n "$left" ]; then
        fail "$3: files left behind: $left"
    else
        pass "$3: no temporary file left"
    fi
}

mkdir "$OUT"
P=$DATA/provinces.csv

# 1. -o gives exactly the standard output, for each format.
for fmt in csv json table; do
    "$CIX" score --cost energy --format $fmt "$P" >"$TMP/stdout.$fmt" 2>"$TMP/err"
    rc1=$?
    "$CIX" score --cost energy --format $fmt -o "$OUT/result.$fmt" "$P" >"$TMP/o.stdout" \
        2>"$TMP/err"
    rc2=$?
    if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ ! -s "$TMP/o.stdout" ] &&
        cmp -s "$TMP/stdout.$fmt" "$OUT/result.$fmt"; then
        pass "-o writes the same $fmt as standard output"
    else
        fail "-o $fmt: exit $rc1/$rc2, or the file differs from standard output"
        cat "$TMP/err"
    fi
done
# Without --format, -o FILE is CSV.
"$CIX" score --cost energy -o "$OUT/result.default" "$P" 2>"$TMP/err"
if cmp -s "$TMP/stdout.csv" "$OUT/result.default"; then
    pass "-o without --format writes csv"
else
    fail "-o without --format: not the csv output"
fi
"$CIX" weights --cost energy -o "$OUT/weights.csv" "$P" 2>"$TMP/err"
"$CIX" weights --cost energy "$P" >"$TMP/weights.stdout" 2>"$TMP/err"
if cmp -s "$TMP/weights.stdout" "$OUT/weights.csv"; then
    pass "cix weights -o writes the standard output"
else
    fail "cix weights -o: differs from standard output"
fi
rm -f "$OUT"/result.* "$OUT/weights.csv"

# 2. A new file gets the usual mode (0666 minus the umask); a replaced file
#    keeps its mode.
(umask 022 && "$CIX" score --cost energy -o "$OUT/new.csv" "$P" 2>/dev/null)
mode=$(ls -l "$OUT/new.csv" | cut -c1-10)
[ "$mode" = "-rw-r--r--" ] && pass "new file has mode 644 under umask 022" ||
    fail "new file has mode $mode, expected -rw-r--r--"
chmod 640 "$OUT/new.csv"
"$CIX" score --cost energy -o "$OUT/new.csv" "$P" 2>/dev/null
mode=$(ls -l "$OUT/new.csv" | cut -c1-10)
[ "$mode" = "-rw-r-----" ] && pass "replaced file keeps mode 640" ||
    fail "replaced file has mode $mode, expected -rw-r-----"
rm -f "$OUT/new.csv"

# 3. A run that fails on its input leaves an existing file untouched.
printf 'previous content\n' >"$OUT/keep.csv"
cp "$OUT/keep.csv" "$TMP/keep.orig"
"$CIX" score -o "$OUT/keep.csv" "$DATA/ragged.csv" 2>"$TMP/err"
rc=$?
[ $rc = 3 ] && pass "bad input with -o: exit 3" || fail "bad input with -o: exit $rc, expected 3"
cmp -s "$OUT/keep.csv" "$TMP/keep.orig" && pass "bad input: existing file untouched" ||
    fail "bad input: the existing file changed"
no_leftovers keep.csv keep.csv "bad input"
"$CIX" score -o "$OUT/keep.csv" "$DATA/constant.csv" 2>"$TMP/err"
rc=$?
[ $rc = 4 ] && cmp -s "$OUT/keep.csv" "$TMP/keep.orig" &&
    pass "numerical failure with -o: exit 4, file untouched" ||
    fail "numerical failure with -o: exit $rc or the file changed"
no_leftovers keep.csv keep.csv "numerical failure"

# 4. A write that fails after the temporary file was created (file size
#    limit 0: every write fails with EFBIG) leaves the file untouched and
#    removes the temporary file.
if (ulimit -f 0) 2>/dev/null; then
    err=$( (ulimit -f 0 && trap '' XFSZ &&
        exec "$CIX" score --cost energy -o "$OUT/keep.csv" "$P") 2>&1 >/dev/null)
    rc=$?
    [ $rc = 5 ] && pass "failed write: exit 5" || fail "failed write: exit $rc, expected 5 ($err)"
    case $err in
    "cix: cannot write '$OUT/keep.csv': "*"; the file was not changed")
        pass "failed write: message names the file" ;;
    *) fail "failed write: message '$err'" ;;
    esac
    cmp -s "$OUT/keep.csv" "$TMP/keep.orig" && pass "failed write: existing file untouched" ||
        fail "failed write: the existing file changed"
    no_leftovers keep.csv keep.csv "failed write"
else
    echo "skip failed write: this shell cannot set a file size limit"
fi

# 5. Output into a directory that does not exist, or onto a directory.
"$CIX" score --cost energy -o "$OUT/no/such/dir/x.csv" "$P" 2>"$TMP/err"
rc=$?
[ $rc = 5 ] && pass "missing directory: exit 5" || fail "missing directory: exit $rc, expected 5"
# -o onto an existing directory writes DIR/STEM.scores.csv in it.
mkdir "$OUT/adir"
"$CIX" score --cost energy -o "$OUT/adir" "$P" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && cmp -s "$TMP/stdout.csv" "$OUT/adir/provinces.scores.csv" &&
    pass "onto a directory: DIR/provinces.scores.csv" ||
    fail "onto a directory: exit $rc, or DIR/provinces.scores.csv is not the csv output"
no_leftovers keep.csv adir "onto a directory"

# 6. Standard output that cannot be written is an I/O error.
if [ -w /dev/full ]; then
    "$CIX" score --cost energy "$P" >/dev/full 2>"$TMP/err"
    rc=$?
    [ $rc = 5 ] && pass "full standard output: exit 5" ||
        fail "full standard output: exit $rc, expected 5"
fi

# 7. On a terminal the default format is the table (needs script(1) to give
#    cix a terminal; skipped without it).
if command -v script >/dev/null 2>&1 &&
    script -q -c true /dev/null >/dev/null 2>&1 </dev/null; then
    tty_out=$(cd "$DATA" && script -q -c "'$CIX' score --cost energy provinces.csv" /dev/null \
        </dev/null | tr -d '\r')
    want=$("$CIX" score --cost energy --format table "$P" 2>/dev/null | sed -n '2,3p')
    case $tty_out in
    *"$want"*) pass "terminal: the default format is the table" ;;
    *) fail "terminal: no table in the output: $(printf '%s' "$tty_out" | head -3)" ;;
    esac
else
    echo "skip terminal: script(1) is not available"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures output check(s) failed"
    exit 1
fi
echo "all output checks passed"
exit 0
