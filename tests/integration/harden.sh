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

finish
