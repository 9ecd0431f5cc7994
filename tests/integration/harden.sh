# Hostile inputs and interruptions (issue 15): each check is a repro that
# hung, crashed or lost data before its fix. Anything that could hang runs
# under `timeout -s KILL`, so a regression fails instead of stalling.
. tests/integration/lib.sh
: "${FAKE_LLM:=build/tools/fake_llm}"
unset OPENAI_BASE_URL OPENAI_API_KEY

# run_t SECONDS ARGS...: run, killed after SECONDS (then rc is 137)
run_t() {
    t=$1
    shift
    timeout -s KILL "$t" "$COLLM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# finding 2: an LLM session resumed with offline agents hands them the LLM
# agents' random streams; unseeded, those were all zeros and drew 0 for ever
start_llm
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --budget 20 \
    --session "$tmp/llm.jsonl" >/dev/null 2>&1
stop_llm
run_t 120 resume "$tmp/llm.jsonl" --budget 24 --navigator offline --generator offline --quiet
expect_rc "an LLM session resumes with offline agents" 0
expect_out "and reaches its new budget" "evaluated  24 of budget 24"
z=0000000000000000000000000000000000000000000000000000000000000000
sed "s/\(\"state\":\"[0-9a-f]\{64\}\) [0-9a-f]\{64\} [0-9a-f]\{64\}/\1 $z $z/" \
    "$tmp/llm.jsonl" >"$tmp/zero.jsonl"
run_t 120 resume "$tmp/zero.jsonl" --budget 28 --navigator offline --generator offline --quiet
expect_rc "an all-zero agent state (sessions of older collm) is refused" 1
expect_err "the error names the file and the field" \
    "zero.jsonl: candidates_proposed \"state\": the Navigator's recorded random state is damaged or all zeros"

# finding 6: a session that records only its objective has no cost: the
# SVG export read metric -1, and the TUI's `c` looked for a cost for ever
"$COLLM" search --headless --quiet --algo random --budget 5 --session "$tmp/r.jsonl" >/dev/null 2>&1
sed -e 's/\("metrics":\[{"name":"valid_acc"[^}]*}\)[^]]*\]/\1]/' -e 's/,"report":"test_acc"//' \
    -e 's/\("metrics":{"valid_acc":[^,}]*\)[^}]*}/\1}/' "$tmp/r.jsonl" >"$tmp/obj.jsonl"
if grep -q '"flops"' "$tmp/obj.jsonl"; then not_ok "the objective-only session is made" "a cost is left"
else ok "the objective-only session is made"; fi
run_t 60 export "$tmp/obj.jsonl" --svg "$tmp/obj.svg" --pareto "$tmp/obj.json"
expect_rc "a session without a cost metric exports" 0
expect_err "and export says there is no front" "records no cost metric, so there is no Pareto front"
if grep -q "5 evaluated; no cost metric, so no Pareto front" "$tmp/obj.svg" &&
   [ "$(grep -c '<circle cx="[0-9.]*" cy="[0-9.]*" r="3"/>' "$tmp/obj.svg")" -eq 5 ]; then
    ok "the SVG plots the 5 evaluations by order and says why there is no front"
else not_ok "the SVG plots the 5 evaluations by order and says why there is no front"; fi
printf 'run\nkey c\ndump %s\nkey q\n' "$tmp/nocost.txt" >"$tmp/nocost.script"
run_t 60 replay "$tmp/obj.jsonl" --script "$tmp/nocost.script" --size 80x24
expect_rc "c in the TUI of a session without a cost returns" 0
if grep -q "no cost metric: there is no cost to switch to" "$tmp/nocost.txt"; then
    ok "and says there is no cost to switch to"
else not_ok "and says there is no cost to switch to"; fi

finish
