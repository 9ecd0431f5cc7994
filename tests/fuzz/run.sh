#!/bin/sh
# Runs every fuzz target built in BUILD/fuzzers for SECONDS each (make fuzz)
# and prints, per target, executions per second, coverage and what it found,
# then one summary line. Seeds come from tests/fuzz/corpus/T (read only);
# what libFuzzer adds goes to BUILD/corpus/T, what breaks a target to
# BUILD/artifacts/T (copy it to tests/fuzz/regress/T so make test replays
# it). A target stops at its first crash, hang or leak; the others still run.
#   usage: sh tests/fuzz/run.sh BUILD SECONDS
set -u
build=$1
secs=${2:-60}
timeout=${FUZZ_TIMEOUT:-10} # seconds one input may take before it is a hang
crashes=0 hangs=0 leaks=0 n=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for bin in "$build"/fuzzers/*; do
    [ -x "$bin" ] || continue
    t=$(basename "$bin")
    n=$((n + 1))
    work="$build/corpus/$t" art="$build/artifacts/$t"
    mkdir -p "$work" "$art"
    log="$build/$t.log"
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art/" $dict \
        "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
    c=$(find "$art" -name 'crash-*' -o -name 'oom-*' | wc -l)
    h=$(find "$art" -name 'timeout-*' -o -name 'slow-unit-*' | wc -l)
    l=$(find "$art" -name 'leak-*' | wc -l)
    # a crash counts as a leak when LeakSanitizer is what reported it
    if grep -q 'ERROR: LeakSanitizer' "$log" && [ "$l" -eq 0 ]; then l=1; c=$((c > 0 ? c - 1 : 0)); fi
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
    printf '%-20s %8s exec/s %10s runs  cov %5s  %d crashes, %d hangs, %d leaks\n' \
        "$t" "${eps:-?}" "${execs:-?}" "${cov:-?}" "$c" "$h" "$l"
    if [ $((c + h + l)) -ne 0 ]; then
        grep -m 3 -E 'ERROR|fuzz check failed|ALARM|SUMMARY' "$log" | sed 's/^/    /'
        echo "    inputs in $art/; the log is $log"
    fi
    crashes=$((crashes + c)) hangs=$((hangs + h)) leaks=$((leaks + l))
done
echo "fuzz: $n targets, $secs s each: $crashes crashes, $hangs hangs, $leaks leaks"
[ $((crashes + hangs + leaks)) -eq 0 ]
