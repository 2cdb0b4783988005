#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="qmp hmp"]: builds the libFuzzer
# targets in build-fuzz/ (clang, -Dfuzzing=true) and runs each for N
# seconds (default 60) on a working copy of its seed corpus. Prints one
# line per target and "T targets, C crashes"; exit status 1 when anything
# crashed. Crashing inputs are left in build-fuzz/fuzz-crashes/; copy one
# to tests/fuzz/crashes/TARGET-NAME once it is fixed (docs/devel/fuzzing.md).
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${FUZZ_SECONDS:-60}
dir=${FUZZ_BUILD:-build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" -Dfuzzing=true >"$dir.log" 2>&1 ||
        { tail -30 "$dir.log"; echo "fuzz: configure failed"; exit 1; }
fi
nice ninja -C "$dir" -j"$jobs" >"$dir.log" 2>&1 ||
    { tail -30 "$dir.log"; echo "fuzz: build failed"; exit 1; }

targets=()
if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    for f in "$dir"/tests/fuzz/*-fuzz; do
        t=$(basename "$f")
        targets+=("${t%-fuzz}")
    done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total=0
crashes=0
mkdir -p "$dir/fuzz-crashes" "$dir/fuzz-logs"
for t in "${targets[@]}"; do
    bin="$dir/tests/fuzz/$t-fuzz"
    corpus="$dir/fuzz-corpus/$t"
    log="$dir/fuzz-logs/$t.log"
    total=$((total + 1))
    if [ ! -x "$bin" ]; then
        echo "$t: no such fuzz target"
        crashes=$((crashes + 1))
        continue
    fi
    mkdir -p "$corpus"
    cp -n tests/fuzz/"$t"/* "$corpus"/ 2>/dev/null || true
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    before=$(ls "$dir/fuzz-crashes" | grep -c "^$t-" || true)
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$dir/fuzz-crashes/$t-" "$corpus" >"$log" 2>&1
    rc=$?
    after=$(ls "$dir/fuzz-crashes" | grep -c "^$t-" || true)
    found=$((after - before))
    if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
        found=1     # died without leaving an input: still a failure
    fi
    crashes=$((crashes + found))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "$t: ${execs:-0} executions, ${rate:-0} exec/s, coverage ${cov:-0}, $found crashes"
    if [ "$found" -ne 0 ]; then
        grep -m1 -E "ERROR|runtime error|deadly signal|timeout" "$log" | sed 's/^/    /'
        echo "    log: $log"
    fi
done
echo "$total targets, $crashes crashes"
[ "$crashes" -eq 0 ]
