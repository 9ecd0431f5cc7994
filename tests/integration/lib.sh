# Helpers for integration tests: each check prints one TAP line.
# Use: . tests/integration/lib.sh; then run/expect_* ...; finish
: "${COLLM:=build/collm}"
export XDG_DATA_HOME="${TMPDIR:-/tmp}/collm-test-xdg-$$"
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$XDG_DATA_HOME"' EXIT
# an empty config folder: the user's own ~/.config/collm/config must never
# change what a test sees
export XDG_CONFIG_HOME="$tmp/config-home"
mkdir -p "$XDG_CONFIG_HOME"

# run ARGS...: runs collm, keeps stdout, stderr and the exit code
run() {
    "$COLLM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
# skip NAME WHY: a check that could not be made here; counted apart, never as passed
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    echo "# stdout:"; head -20 "$tmp/out" | sed 's/^/#   /'
    echo "# stderr:"; head -20 "$tmp/err" | sed 's/^/#   /'
}

expect_rc() { # NAME CODE
    if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1" "exit code $rc, expected $2"; fi
}
expect_out() { # NAME TEXT: stdout contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then ok "$1"; else not_ok "$1" "stdout lacks: $2"; fi
}
expect_err() { # NAME TEXT: stderr contains TEXT
    if grep -qF -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1" "stderr lacks: $2"; fi
}
# The fake LLM server on loopback (tests/tools/fake_llm), for the LLM tests.
# start_llm ARGS...: starts a fake server, sets $URL and $LLM_PID
start_llm() {
    # the redirection below truncates in the child, after the fork: without
    # the rm the wait loop can read the previous server's (dead) port
    rm -f "$tmp/port"
    "$FAKE_LLM" "$@" >"$tmp/port" 2>/dev/null &
    LLM_PID=$!
    i=0
    while ! grep -q port "$tmp/port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(awk '{print $2}' "$tmp/port")/v1"
}
stop_llm() { kill "$LLM_PID" 2>/dev/null; wait "$LLM_PID" 2>/dev/null; }
count() { grep -c "\"type\":\"$1\"" "$tmp/out"; }

# resume_cuts SESSION FIRST STEP: cuts SESSION after line FIRST, FIRST+STEP
# ... and resumes each cut, answered from SESSION's own LLM answers
# (--llm replay:), comparing what it evaluated with SESSION's whole run.
# Sets $lines, $tried and $bad (the cuts that went another way).
resume_cuts() {
    "$COLLM" export "$1" --csv - | cut -d, -f2,6 >"$tmp/whole.archs"
    lines=$(wc -l <"$1")
    bad=0 tried=0 k=$2
    while [ $k -lt "$lines" ]; do
        head -n $k "$1" >"$tmp/cut.jsonl"
        "$COLLM" resume "$tmp/cut.jsonl" --quiet --llm "replay:$1" >/dev/null 2>"$tmp/cut.err"
        "$COLLM" export "$tmp/cut.jsonl" --csv - 2>/dev/null | cut -d, -f2,6 >"$tmp/cut.archs"
        if ! cmp -s "$tmp/cut.archs" "$tmp/whole.archs"; then
            bad=$((bad + 1))
            [ $bad -eq 1 ] && echo "# first difference after line $k: $(head -3 "$tmp/cut.err")"
        fi
        tried=$((tried + 1))
        k=$((k + $3))
    done
}

finish() { echo "1..$n"; [ "$failed" -eq 0 ]; }
