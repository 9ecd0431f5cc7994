#!/bin/sh
# Runs the whole suite for each build folder given (unit tests built there,
# integration scripts against its collm) and ends with one line:
#   N passed, N failed            (", N skipped" when a check could not be made)
# Every test speaks TAP ("ok N - name" / "not ok N - name"); a test program
# that dies without saying "not ok" counts as one failure.
# Tests run COLLM_TEST_JOBS at a time (default: one per CPU), each into its
# own log; the report reads the logs in the order the tests are listed, so
# it is the same whichever finished first.
set -u

# sh run.sh --one DIR N: runs test N of DIR (from xargs below) into DIR/N.log,
# its exit status into DIR/N.rc and its seconds into DIR/N.secs; the status
# of this command itself stays 0, as any other would make xargs stop
# launching.
if [ "${1:-}" = --one ]; then
    { read -r kind; read -r file; read -r build; } <"$2/$3.task"
    start=$(date +%s)
    case $kind in
    unit) CMOCKA_MESSAGE_OUTPUT=TAP "$file" ;;
    script) COLLM="$build/collm" FAKE_LLM="$build/tools/fake_llm" sh "$file" ;;
    esac >"$2/$3.log" 2>&1 </dev/null
    echo $? >"$2/$3.rc"
    echo "$(($(date +%s) - start)) $file" >"$2/$3.secs"
    exit 0
fi

jobs=${COLLM_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# no test reads the user's config file (~/.config/collm/config): every one
# starts from an empty config folder (lib.sh gives each script its own)
export XDG_CONFIG_HOME="$dir/config-home"
mkdir -p "$XDG_CONFIG_HOME"

# The tests in report order: task N is DIR/N.task (kind, file, build). They
# are launched longest first, as the last run in that build folder timed
# them (BUILD/.test-seconds), so that no long one starts when the rest is
# nearly done; one never timed counts as longest (an integration script
# before a unit program: those are the long ones).
n=0
add() { # KIND FILE BUILD
    n=$((n + 1))
    printf '%s\n' "$@" >"$dir/$n.task"
    secs=$(awk -v f="$2" '$2 == f { print $1; exit }' "$3/.test-seconds" 2>/dev/null)
    case $1 in script) guess=1000000 ;; *) guess=999999 ;; esac
    echo "${secs:-$guess} $n" >>"$dir/order"
}
for build in "$@"; do
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] && add unit "$t" "$build"
    done
    for s in tests/integration/*.sh; do
        add script "$s" "$build"
    done
done
sort -k1,1nr -k2,2n "$dir/order" | cut -d' ' -f2 | xargs -n 1 -P "$jobs" sh "$0" --one "$dir"
for build in "$@"; do
    i=0
    while [ $i -lt $n ]; do
        i=$((i + 1))
        [ "$(sed -n 3p "$dir/$i.task")" = "$build" ] && cat "$dir/$i.secs" 2>/dev/null
    done >"$dir/secs"
    mv "$dir/secs" "$build/.test-seconds" 2>/dev/null
done

pass=0
fail=0
skipped=0
tally() { # $1 label, $2 exit code, $3 the log
    k=$(grep -c '^ok .* # SKIP' "$3")
    p=$(($(grep -c '^ok ' "$3") - k))
    f=$(grep -c '^not ok ' "$3")
    [ "$k" -ne 0 ] && grep '^ok .* # SKIP' "$3" | sed "s|^|---- $1: skipped: |"
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $1 exited with status $2" >>"$3"
    fi
    if [ "$f" -ne 0 ]; then
        echo "---- $1: $f failed"
        grep -v '^ok ' "$3" | head -60
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    skipped=$((skipped + k))
}
i=0
while [ $i -lt $n ]; do
    i=$((i + 1))
    { read -r kind; read -r file; read -r build; } <"$dir/$i.task"
    case $kind in unit) label=$file ;; *) label="$file ($build)" ;; esac
    # a test xargs never ran (interrupted) has no status: it failed
    : >>"$dir/$i.log"
    tally "$label" "$(cat "$dir/$i.rc" 2>/dev/null || echo 255)" "$dir/$i.log"
done
if [ "$skipped" -ne 0 ]; then echo "$pass passed, $fail failed, $skipped skipped"
else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
