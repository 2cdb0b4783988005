#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: build everything, run every test layer, then the unit and
# qtest layers again under AddressSanitizer + UBSan. The last line is
# "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)

build() {   # $1 build dir, rest: configure flags
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        ./configure --builddir="$dir" "$@" >/dev/null || return 1
    fi
    ninja -C "$dir" -j"$jobs" >"$dir.log" 2>&1 || { tail -50 "$dir.log"; return 1; }
}

if ! build build; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

args=(--build build)
if build build-asan --enable-sanitizers; then
    args+=(--asan-build build-asan)
else
    echo "ASan build failed"
    args+=(--asan-failed)
fi

exec python3 tests/run-all.py "${args[@]}"
