#!/bin/sh
# Runs the whole suite for each build folder given (unit tests built there,
# integration scripts against its collm) and ends with one line:
#   N passed, N failed
# Every test speaks TAP ("ok N - name" / "not ok N - name"); a test program
# that dies without saying "not ok" counts as one failure.
set -u
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() { # $1 label, $2 exit code; output in $log
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $1 exited with status $2" >>"$log"
    fi
    if [ "$f" -ne 0 ]; then
        echo "---- $1: $f failed"
        grep -v '^ok ' "$log" | head -60
    fi
    pass=$((pass + p))
    fail=$((fail + f))
}

for build in "$@"; do
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
        tally "$t" $?
    done
    for s in tests/integration/*.sh; do
        COLLM="$build/collm" FAKE_LLM="$build/tools/fake_llm" sh "$s" >"$log" 2>&1
        tally "$s ($build)" $?
    done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
