#!/bin/sh
# Runs the whole suite for each build folder given (unit tests built there,
# integration scripts against its collm) and ends with one line:
#   N passed, N failed            (", N skipped" when a check could not be made)
# Every test speaks TAP ("ok N - name" / "not ok N - name"); a test program
# that dies without saying "not ok" counts as one failure.
set -u
pass=0
fail=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() { # $1 label, $2 exit code; output in $log
    k=$(grep -c '^ok .* # SKIP' "$log")
    p=$(($(grep -c '^ok ' "$log") - k))
    f=$(grep -c '^not ok ' "$log")
    [ "$k" -ne 0 ] && grep '^ok .* # SKIP' "$log" | sed "s|^|---- $1: skipped: |"
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
    skipped=$((skipped + k))
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
if [ "$skipped" -ne 0 ]; then echo "$pass passed, $fail failed, $skipped skipped"
else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
