# collm against servers that answer the way real models do (tests/tools/
# fake_llm --style): reasoning models whose template opens <think> itself,
# sloppy JSON, other heading forms, candidates in prose. Each search must
# complete its budget with at most twice the requests of a polite server.
. tests/integration/lib.sh
: "${FAKE_LLM:=build/tools/fake_llm}"
export OPENAI_API_KEY=sk-test-models
unset OPENAI_BASE_URL


search_with() { # STYLE: a 60-evaluation search against that style
    start_llm --style "$1"
    run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 60 --seed 3 --no-session
    stop_llm
}

search_with ""
polite=$(count llm_request)
for style in think sloppy headings prose cutoff; do
    search_with "$style"
    if [ "$rc" -eq 0 ] && [ "$(count eval_finished)" -eq 60 ]; then
        ok "$style: the search completes its 60 evaluations"
    else not_ok "$style: the search completes its 60 evaluations" "rc $rc, $(count eval_finished) evaluations"; fi
    r=$(count llm_request)
    if [ "$r" -le $((2 * polite)) ]; then ok "$style: $r requests, at most twice the polite $polite"
    else not_ok "$style: $r requests, at most twice the polite $polite"; fi
    case $style in
    think)
        if grep '"type":"strategy_proposed"' "$tmp/out" | grep -q 'draft only\|Okay, the user'; then
            not_ok "think: the reasoning stays out of the strategy"
        else ok "think: the reasoning stays out of the strategy"; fi
        if grep '"type":"llm_request"' "$tmp/out" | grep '"role":"generator"' | grep -q 'draft only'; then
            not_ok "think: the reasoning never reaches the Generator"
        else ok "think: the reasoning never reaches the Generator"; fi ;;
    headings)
        if grep '"type":"strategy_proposed"' "$tmp/out" | head -1 | grep -q '"text":"# SUMMARY\\n'; then
            ok "headings: the strategy's sections are read as sections"
        else not_ok "headings: the strategy's sections are read as sections"; fi ;;
    cutoff)
        if grep '"type":"strategy_proposed"' "$tmp/out" | grep -v -q 'explore 40%: sample from the preferences above'; then
            not_ok "cutoff: no strategy that was cut off is used"
        else ok "cutoff: no strategy that was cut off is used"; fi ;;
    esac
done


# the Navigator hears what was refused, and refused strings are never "visited"
start_llm --invalid-every 1
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 30 --seed 3 --no-session
stop_llm
if grep '"type":"llm_request"' "$tmp/out" | grep '"role":"navigator"' | \
   grep -q 'Rejected without evaluation:\\n- |nor_conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|: invalid: '; then
    ok "the Navigator is told which candidates were rejected and why"
else not_ok "the Navigator is told which candidates were rejected and why"; fi
# the visited list runs from its heading to the first blank line (\n\n in JSON)
if grep '"type":"llm_request"' "$tmp/out" | grep '"role":"generator"' | \
   awk '{ s = $0; while ((i = index(s, "Already visited")) > 0) { s = substr(s, i);
          e = index(s, "\\n\\n"); print substr(s, 1, e); s = substr(s, 2) } }' | grep -q nor_conv_5x5; then
    not_ok "an invalid candidate is never listed as visited"
else ok "an invalid candidate is never listed as visited"; fi

# an o-series style model refuses temperature 0.6 and max_tokens: each is
# dropped once (max_tokens sent as max_completion_tokens) and remembered
start_llm --style strict --log "$tmp/params"
run search --json --algo collm --llm-url "$URL" --model o-fake --budget 30 --seed 3 --no-session \
    --max-tokens 3000
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count eval_finished)" -eq 30 ]; then ok "strict: the search completes"
else not_ok "strict: the search completes" "rc $rc"; fi
if [ "$(count llm_retry)" -eq 2 ] && grep -q 'sending it again without temperature' "$tmp/out" && \
   grep -q 'without max_tokens (as max_completion_tokens)' "$tmp/out"; then
    ok "strict: each refused parameter costs one retry, said in the journal"
else not_ok "strict: each refused parameter costs one retry, said in the journal" "$(count llm_retry) retries"; fi
if tail -1 "$tmp/params" | grep -q 'temperature=- .*max_tokens=- max_completion_tokens=3000'; then
    ok "strict: later requests leave them out"
else not_ok "strict: later requests leave them out" "$(tail -1 "$tmp/params")"; fi

# per-role sampling parameters reach the server
rm -f "$tmp/params"
start_llm --log "$tmp/params"
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 10 --seed 3 --no-session \
    --navigator-temperature 0.2 --generator-temperature 0.9 --top-p 0.95 --llm-seed 7
stop_llm
if grep -q '^navigator temperature=0.2 top_p=0.95 seed=7 ' "$tmp/params" && \
   grep -q '^generator temperature=0.9 top_p=0.95 seed=7 ' "$tmp/params" && \
   ! grep -q 'temperature=0.6' "$tmp/params"; then
    ok "each role gets its own temperature, with top_p and the seed"
else not_ok "each role gets its own temperature, with top_p and the seed" "$(head -3 "$tmp/params")"; fi
run search --headless --algo collm --llm-url "http://127.0.0.1:9/v1" --model m --generator-temperature 3
expect_rc "a temperature out of range is a usage error" 2
expect_err "it names the flag" "--generator-temperature"

# structured output: the Generator's answer constrained by the space's schema
for space in nb201 ofa-mbv3 fmnist-supernet; do
    rm -f "$tmp/params"
    start_llm --log "$tmp/params"
    COLLM_EVAL_IMAGES=100 run search --json --algo collm --space $space --llm-url "$URL" \
        --model fake-1 --budget 10 --seed 3 --no-session --structured json_schema
    stop_llm
    if grep '^generator' "$tmp/params" | head -1 | grep -q 'response_format=json_schema schema={"type":"object","properties":{"candidates":{"type":"array","items":{' && \
       grep '^navigator' "$tmp/params" | head -1 | grep -q 'response_format=- '; then
        ok "$space: --structured json_schema sends the Generator the space's schema, the Navigator none"
    else not_ok "$space: --structured json_schema sends the Generator the space's schema, the Navigator none" "$(grep '^generator' "$tmp/params" | head -1)"; fi
done
grep '^generator' "$tmp/params" | head -1 | grep -q '"ks":{"type":"array","items":{"enum":\[0,3,5,7\]},"minItems":8,"maxItems":8}' && \
    ok "fmnist-supernet: the schema allows 0 for inactive slots" || not_ok "fmnist-supernet: the schema allows 0 for inactive slots"
rm -f "$tmp/params"
start_llm --style noschema --log "$tmp/params"
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 20 --seed 3 --no-session \
    --structured json_schema
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count llm_retry)" -eq 1 ] && grep -q 'without response_format json_schema' "$tmp/out" && \
   [ "$(grep -c 'response_format=json_object' "$tmp/params")" -ge 2 ]; then
    ok "a server that refuses the schema gets json_object, said once"
else not_ok "a server that refuses the schema gets json_object, said once" "rc $rc, $(count llm_retry) retries"; fi
run search --headless --algo collm --llm-url "http://127.0.0.1:9/v1" --model m --structured yaml
expect_rc "an unknown --structured is a usage error" 2
# reasoning the server sends apart: journalled and counted, never the answer
for mode in "" --stream; do
    start_llm --style reasoning
    run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 20 --seed 3 --no-session $mode
    stop_llm
    if [ "$rc" -eq 0 ] && grep '"type":"llm_answer"' "$tmp/out" | head -1 | \
       grep -q '"tokens_reasoning":9,"reasoning":"thought 1. thought 2. thought 3. "' && \
       ! grep '"type":"strategy_proposed"' "$tmp/out" | grep -q 'thought 1'; then
        ok "reasoning_content${mode:+ streamed} is journalled apart from the answer"
    else not_ok "reasoning_content${mode:+ streamed} is journalled apart from the answer"; fi
done
start_llm --style reasoning
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 10 --seed 3 --no-session
stop_llm
expect_out "the summary counts reasoning tokens" "411 out (18 reasoning)"
# a finite context window: 300 evaluations against 32k and 6k tokens, the
# window learnt from the server's 400 (no --context-window given)
for run in "32768 300" "6000 200"; do
    set -- $run
    start_llm --context "$1"
    run search --json --algo collm --llm-url "$URL" --model fake-1 --budget "$2" --seed 2 --no-session
    stop_llm
    if [ "$rc" -eq 0 ] && [ "$(count eval_finished)" -eq "$2" ]; then
        ok "a $2-evaluation search against a $1-token window completes"
    else not_ok "a $2-evaluation search against a $1-token window completes" "rc $rc, $(count eval_finished) evaluations"; fi
done
if [ "$(count context_compacted)" -ge 5 ] && [ "$(count llm_failed)" -le 1 ] && \
   grep '"type":"llm_request"' "$tmp/out" | grep '"role":"navigator"' | tail -1 | grep -q 'The conversation was shortened to fit the context window' && \
   grep '"type":"llm_request"' "$tmp/out" | grep '"role":"navigator"' | tail -1 | grep -q 'Every result so far'; then
    ok "past the window the oldest turns give way to a table of every result, after one refusal"
else not_ok "past the window the oldest turns give way to a table of every result, after one refusal" "$(count context_compacted) compactions, $(count llm_failed) failures"; fi
start_llm --context 6000
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 200 --seed 2 --no-session --context-window 6000
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count llm_failed)" -eq 0 ] && [ "$(count context_compacted)" -ge 5 ]; then
    ok "with --context-window the server never has to refuse"
else not_ok "with --context-window the server never has to refuse" "$(count llm_failed) failures"; fi
start_llm --context 6000 --style silentctx
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 200 --seed 2 --no-session
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count llm_warning)" -eq 1 ] && grep -q 'probably cut the conversation to fit its context window' "$tmp/out"; then
    ok "a server that silently drops turns is noticed, once"
else not_ok "a server that silently drops turns is noticed, once" "$(count llm_warning) warnings"; fi

# compaction is deterministic: a session cut anywhere resumes to the same run
start_llm --context 6000
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --budget 150 --seed 2 \
    --session "$tmp/ctx.jsonl" >/dev/null 2>&1
stop_llm
resume_cuts "$tmp/ctx.jsonl" 5 29
if [ $bad -eq 0 ] && grep -q '"type":"context_compacted"' "$tmp/ctx.jsonl"; then
    ok "a compacted session cut at any of $tried places resumes to the same evaluations"
else not_ok "a compacted session cut at any of $tried places resumes to the same evaluations" "$bad cuts differ"; fi
# spend caps: a request past one is never sent, and the search says why
start_llm
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 300 --seed 3 --no-session \
    --max-llm-requests 5 --json
stop_llm
if [ "$(count llm_request)" -eq 5 ] && grep -q 'made its 5 LLM requests (--max-llm-requests)' "$tmp/out" "$tmp/err"; then
    ok "--max-llm-requests stops at the cap, saying so"
else not_ok "--max-llm-requests stops at the cap, saying so" "$(count llm_request) requests"; fi
start_llm
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 300 --seed 3 --no-session \
    --max-tokens-total 5000 --json
stop_llm
spent=$(grep -o '"tokens_in":[0-9]*,"tokens_out":[0-9]*' "$tmp/out" | awk -F'[:,]' '{s += $2 + $4} END {print s + 0}')
last=$(grep -o '"tokens_in":[0-9]*,"tokens_out":[0-9]*' "$tmp/out" | tail -1 | awk -F'[:,]' '{print $2 + $4}')
if [ "$((spent - last))" -lt 5000 ] && grep -q 'LLM tokens (--max-tokens-total)' "$tmp/out" "$tmp/err"; then
    ok "--max-tokens-total: no request is sent once $spent tokens are spent"
else not_ok "--max-tokens-total: no request is sent once $spent tokens are spent"; fi
run search --headless --algo collm --llm-url "http://127.0.0.1:9/v1" --model m --context-window 100
expect_rc "a context window under 1024 tokens is a usage error" 2
# a Navigator that never writes the sections: re-asked once, then its prose is the strategy
start_llm --vague-every 1
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 30 --seed 3 --no-session
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count eval_finished)" -eq 30 ] && [ "$(count llm_warning)" -ge 1 ] && \
   grep -q 'no recognisable sections even after a re-ask: it is used as it stands' "$tmp/out" && \
   grep '"type":"strategy_proposed"' "$tmp/out" | head -1 | grep -q '"text":"Keep exploring; convolutions seem good."'; then
    ok "a strategy without sections is used as it stands after one re-ask, with a warning"
else not_ok "a strategy without sections is used as it stands after one re-ask, with a warning" "rc $rc, $(count eval_finished) evaluations"; fi
# pipelining: with --pipeline 1 (the default) the next strategy is asked for
# while a batch evaluates; with 0 only after every evaluation of the batch
overlap() { # how many Navigator requests were sent while evaluations ran
    awk '/"type":"eval_started"/ { run++ } /"type":"eval_finished"|"type":"eval_failed"/ { run-- }
         /"type":"llm_request"/ && /"role":"navigator"/ && run > 0 { n++ } END { print n + 0 }' "$tmp/out"
}
for pipe in 1 0; do
    start_llm --delay 200
    COLLM_EVAL_IMAGES=100 run search --json --algo collm --space fmnist-supernet --llm-url "$URL" \
        --model fake-1 --generator offline --budget 20 --seed 3 --no-session --pipeline $pipe
    stop_llm
    eval "overlap_$pipe=$(overlap)"
done
if [ "$overlap_1" -ge 1 ] && [ "$overlap_0" -eq 0 ] && grep -q '"params":{"batch":10,"prior":1,"pipeline":0}' "$tmp/out"; then
    ok "--pipeline 1 asks while evaluating ($overlap_1 times), --pipeline 0 never, and the header says which"
else not_ok "--pipeline 1 asks while evaluating ($overlap_1 times), --pipeline 0 never, and the header says which" "$overlap_1 / $overlap_0"; fi
finish
