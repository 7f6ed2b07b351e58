#!/bin/sh
# Installs a cix build tree into a temporary prefix and builds and runs
# examples/embed.c against the installed files in four ways:
#   1. pkg-config, shared library      3. find_package(cix), cix::cix
#   2. pkg-config --static, libcix.a   4. find_package(cix), cix::cix_static
# Each program's output must equal tests/install/embed.expected.
#
# usage: test_install.sh BUILD_DIR SOURCE_DIR CC CMAKE VERSION [EXTRA_CFLAGS]
# EXTRA_CFLAGS go to the compile and link of the consumers (the sanitizer
# flags when the library was built with them).
set -eu

build=$1
src=$2
cc=$3
cmake=$4
version=$5
extra=${6:-}

here=$src/tests/install
expected=$here/embed.expected
work=$(mktemp -d "${TMPDIR:-/tmp}/cix-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
prefix=$work/prefix

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

check_output() { # name program...
    name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" || {
        cat "$work/$name.err" >&2
        fail "$name exited with status $?"
    }
    if ! cmp -s "$expected" "$work/$name.out"; then
        diff "$expected" "$work/$name.out" >&2 || true
        fail "$name: output differs from $expected"
    fi
    echo "ok: $name"
}

needed() { # binary -> its DT_NEEDED entries, one per line
    readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# ---- install ---------------------------------------------------------------
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" ||
    { cat "$work/install.log" >&2; fail "cmake --install"; }

pc=$(find "$prefix" -name cix.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || fail "cix.pc not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
for f in "$prefix/include/cix/cix.h" "$prefix/include/cix/version.h" \
         "$libdir/libcix.a" "$libdir/libcix.so" "$libdir/libcix.so.$version" \
         "$libdir/cmake/cix/cixConfig.cmake" "$libdir/cmake/cix/cixConfigVersion.cmake" \
         "$libdir/cmake/cix/cixTargets.cmake" "$prefix/bin/cix"; do
    [ -e "$f" ] || fail "not installed: ${f#"$prefix"/}"
done
major=${version%%.*}
soname=$(readelf -d "$libdir/libcix.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libcix.so.$major" ] || fail "SONAME is '$soname', expected libcix.so.$major"
[ -L "$libdir/libcix.so.$major" ] || fail "libcix.so.$major symlink missing"
# The static library must not contain libcsv (LGPL, linked dynamically only).
if nm "$libdir/libcix.a" 2>/dev/null | grep -q ' [TD] csv_'; then
    fail "libcix.a contains libcsv's code"
fi
# cix --version names the version.
"$prefix/bin/cix" --version 2>&1 | grep -q "$version" || fail "installed cix --version"
echo "ok: install into a temporary prefix"

# ---- pkg-config ------------------------------------------------------------
PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
v=$(pkg-config --modversion cix) || fail "pkg-config does not find cix"
[ "$v" = "$version" ] || fail "pkg-config version '$v', expected $version"
[ "$(pkg-config --variable=prefix cix)" = "$prefix" ] ||
    fail "cix.pc prefix is '$(pkg-config --variable=prefix cix)', expected $prefix"

strict="-std=c11 -Wall -Wextra -Wpedantic -Werror"
# shellcheck disable=SC2046,SC2086
"$cc" $strict $extra "$src/examples/embed.c" -o "$work/embed_pc" \
    $(pkg-config --cflags --libs cix) || fail "build with pkg-config"
needed "$work/embed_pc" | grep -qx "libcix.so.$major" || fail "embed_pc does not use libcix.so"
check_output pkg-config-shared env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$work/embed_pc"

# Static: the same flags with -lcix taken from the archive (-l:libcix.a).
# shellcheck disable=SC2046,SC2086
"$cc" $strict $extra "$src/examples/embed.c" -o "$work/embed_pc_static" \
    $(pkg-config --cflags cix) \
    $(pkg-config --static --libs cix | sed 's/-lcix\( \|$\)/-l:libcix.a\1/') ||
    fail "build with pkg-config --static"
if needed "$work/embed_pc_static" | grep -q '^libcix'; then
    fail "embed_pc_static depends on libcix.so"
fi
check_output pkg-config-static "$work/embed_pc_static"

# ---- find_package(cix) -----------------------------------------------------
"$cmake" -S "$here/consumer" -B "$work/consumer" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=Release -DCIX_EXPECTED_VERSION="$version" \
    -DEMBED_SOURCE="$src/examples/embed.c" \
    -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" \
    >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "configure consumer"; }
"$cmake" --build "$work/consumer" >>"$work/consumer.log" 2>&1 ||
    { cat "$work/consumer.log" >&2; fail "build consumer"; }
grep -q "^cix_DIR:PATH=$libdir/cmake/cix" "$work/consumer/CMakeCache.txt" ||
    fail "consumer found cix somewhere else: $(grep '^cix_DIR' "$work/consumer/CMakeCache.txt")"
needed "$work/consumer/embed_shared" | grep -qx "libcix.so.$major" ||
    fail "embed_shared does not use libcix.so"
if needed "$work/consumer/embed_static" | grep -q '^libcix'; then
    fail "embed_static depends on libcix.so"
fi
check_output cmake-shared "$work/consumer/embed_shared"
check_output cmake-static "$work/consumer/embed_static"

echo "install test: 4 consumers built and checked"
