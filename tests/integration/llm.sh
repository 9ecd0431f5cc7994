# The CoLLM loop against an LLM server on loopback (tests/tools/fake_llm:
# the real protocol, scripted answers, misbehaviour on request).
. tests/integration/lib.sh
: "${FAKE_LLM:=build/tools/fake_llm}"
KEY=sk-test-NEVER-PRINT-ME
export OPENAI_API_KEY=$KEY
unset OPENAI_BASE_URL

no_key() {
    if grep -q "$KEY" "$tmp/out" "$tmp/err"; then not_ok "$1" "the API key was printed"
    else ok "$1"; fi
}

start_llm --429-first 1 --garbage-every 4 --invalid-every 5
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 30 --seed 3
expect_rc "a search with LLM agents succeeds" 0
no_key "the API key is in no event"
if [ "$(count eval_finished)" -eq 30 ]; then ok "it evaluates the whole budget"
else not_ok "it evaluates the whole budget" "$(count eval_finished) evaluations"; fi
if [ "$(count strategy_proposed)" -ge 3 ] && grep -q '"by":"llm:fake-1"' "$tmp/out"; then
    ok "the LLM Navigator writes each strategy"
else not_ok "the LLM Navigator writes each strategy"; fi
expect_out "the header names the agents" '"agents":{"navigator":"llm:fake-1","generator":"llm:fake-1"}'
expect_out "requests are journalled with their messages" '"type":"llm_request","iter":1,"req":1,"role":"navigator","model":"fake-1","messages":[{"role":"system"'
expect_out "answers carry token counts" '"tokens_in":'
expect_out "a 429 becomes a retry event" '"type":"llm_retry"'
expect_out "an answer without JSON is rejected with the reason" '"reason":"invalid"'
expect_out "an unusable answer is an event with its raw text" '"type":"answer_rejected","iter":'
expect_out "an invalid candidate is rejected with the position" 'character 2: expected an operation'
if grep -q 'nas-bench\|NAS-Bench\|nb201\|NB201' "$tmp/out" && \
   grep '"type":"llm_request"' "$tmp/out" | grep -qi 'nas-bench\|nb201'; then
    not_ok "the prompts never name the benchmark"
else ok "the prompts never name the benchmark"; fi
stop_llm

# LLM agents whose candidates are all invalid: after 3 idle iterations the
# search pauses with the reason (headless: stops), not after 200
start_llm --invalid-every 1
run search --json --algo collm --llm-url "$URL" --model fake-1 --batch 1 --budget 10
expect_rc "LLM agents that bring nothing new stop the search" 1
expect_out "the pause says why" '"type":"paused","iter":3,"detail":"3 iterations in a row proposed nothing new to evaluate"'
if [ "$(count iteration_started)" -eq 3 ] && [ "$(count eval_started)" -eq 0 ]; then
    ok "it stops after the third idle iteration"
else not_ok "it stops after the third idle iteration" "$(count iteration_started) iterations"; fi
expect_err "the headless search ends with the reason" "stopped: 3 iterations in a row proposed nothing new"
stop_llm

# a Navigator answer without the sections is asked for again, in the conversation
start_llm --vague-every 3
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 30
expect_rc "a vague strategy does not stop the search" 0
expect_out "it is rejected with what is missing" '"role":"navigator","detail":"the strategy lacks the section \"# SUMMARY\"'
expect_out "the correction goes back to the model" 'Write the whole strategy again with the sections'
stop_llm

# the same with streaming, and text output with the agent summary
start_llm
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 20 --stream
expect_rc "a streamed search succeeds" 0
expect_out "the summary counts LLM calls and tokens" "llm        4 requests, 4 answers, 0 failed"
no_key "the API key is not printed with --stream"
stop_llm

# roles are pluggable: an LLM Navigator with the offline Generator
start_llm
OPENAI_BASE_URL="$URL" run search --headless --algo collm --model fake-1 --budget 20 --generator offline
expect_rc "OPENAI_BASE_URL is used" 0
expect_out "mixed agents are labelled" "agents     navigator llm:fake-1, generator offline-generator (offline)"
stop_llm

# a server that goes away mid-search: the search pauses, headless stops
# with the reason and keeps what it evaluated
start_llm --max-requests 3
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 50 --llm-retries 1
expect_rc "an endpoint that dies ends the search with exit 1" 1
expect_err "the reason is given" "stopped: the Generator gave no usable candidates:"
expect_err "the reason names the endpoint" "/v1/chat/completions: Couldn't connect"
expect_out "what was evaluated is kept" "evaluated  10 of budget 50"
stop_llm

# a recorded LLM search re-runs offline from its own journal
start_llm
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --budget 30 --session "$tmp/rec.jsonl" >/dev/null 2>&1
stop_llm
run search --headless --algo collm --llm "replay:$tmp/rec.jsonl" --budget 30 --session "$tmp/rep.jsonl"
expect_rc "--llm replay:FILE runs without any server" 0
"$COLLM" export "$tmp/rec.jsonl" --csv - | cut -d, -f6 >"$tmp/a1"
"$COLLM" export "$tmp/rep.jsonl" --csv - | cut -d, -f6 >"$tmp/a2"
if cmp -s "$tmp/a1" "$tmp/a2"; then ok "the replayed search evaluates exactly what the recorded one did"
else not_ok "the replayed search evaluates exactly what the recorded one did"; fi
if grep -q "$KEY" "$tmp/rec.jsonl"; then not_ok "the API key is not in the session file"
else ok "the API key is not in the session file"; fi

# cut a recorded LLM session after every line: each resumed from its cut,
# answered from the recording, evaluates what the whole session did
start_llm --invalid-every 3
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --batch 5 --budget 20 --constraint 'flops<=150' --session "$tmp/whole.jsonl" >/dev/null 2>&1
stop_llm
resume_cuts "$tmp/whole.jsonl" 3 1
if [ $bad -eq 0 ]; then ok "an LLM session cut after any of its $lines lines resumes to the same evaluations and iterations"
else not_ok "an LLM session cut after any of its $lines lines resumes to the same evaluations and iterations" "$bad cuts differ"; fi

# resuming an LLM session takes up the Navigator's conversation
start_llm
run resume "$tmp/rec.jsonl" --budget 40 --llm-url "$URL"
expect_rc "an LLM session resumes against a live endpoint" 0
last=$(grep '"type":"llm_request"' "$tmp/rec.jsonl" | grep '"role":"navigator"' | tail -1)
nmsg=$(echo "$last" | grep -o '"role":"[a-z]*","content"\|{"ref":\[[0-9]*,[0-9]*\]}' | wc -l)
nnew=$(echo "$last" | grep -o '"role":"[a-z]*","content"' | wc -l)
if [ "$nmsg" -eq 8 ]; then ok "the resumed Navigator has the whole conversation (system + 3 turns + the new one)"
else not_ok "the resumed Navigator has the whole conversation (system + 3 turns + the new one)" "$nmsg messages"; fi
# issue 15.5: each message once in the journal; the rest are named
if [ "$nnew" -eq 2 ]; then ok "a resumed request writes in full only the last answer and the new turn, and names the 6 before them"
else not_ok "a resumed request writes in full only the last answer and the new turn, and names the 6 before them" "$nnew in full"; fi
stop_llm

# issue 15.5: a verbose Navigator's history is journalled once, not again
# with every request, so the journal grows with the search, not its square
start_llm --pad 20000
for b in 25 50; do
    "$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --batch 1 \
        --budget $b --session "$tmp/pad$b.jsonl" >/dev/null 2>&1
done
stop_llm
s25=$(wc -c <"$tmp/pad25.jsonl") s50=$(wc -c <"$tmp/pad50.jsonl")
long=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/pad50.jsonl")
if [ "$s50" -lt $((s25 * 5 / 2)) ] && [ "$long" -lt 100000 ]; then
    ok "twice the iterations of a 20 KB strategy make about twice the journal, none of its lines long"
else not_ok "twice the iterations of a 20 KB strategy make about twice the journal, none of its lines long" "$s25 then $s50 bytes, longest line $long"; fi
run export "$tmp/pad50.jsonl" --csv "$tmp/pad50.csv"
expect_rc "that journal reads back (export)" 0

# the key goes only where this run says (issue 15.3): a session whose
# header was edited to name another server is not resumed against it
start_llm --log "$tmp/a.log"
URL_A=$URL PID_A=$LLM_PID
HOST_A=${URL_A#http://}; HOST_A=${HOST_A%/v1}
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL_A" --model fake-1 --budget 10 --session "$tmp/key.jsonl" >/dev/null 2>"$tmp/err"
expect_err "the search says which host gets the key, and only the host" "collm: OPENAI_API_KEY is sent to $HOST_A only"
start_llm --log "$tmp/b.log"
URL_B=$URL PID_B=$LLM_PID
HOST_B=${URL_B#http://}; HOST_B=${HOST_B%/v1}
sed "1s|\"llm_url\":\"[^\"]*\"|\"llm_url\":\"$URL_B\"|" "$tmp/key.jsonl" >"$tmp/edited.jsonl"
grep -q "$URL_B" "$tmp/edited.jsonl" || not_ok "the test could edit the header's llm_url"
: >"$tmp/a.log"
run resume "$tmp/edited.jsonl" --budget 20
expect_rc "resuming a session that names an endpoint this run did not is refused" 2
expect_err "the refusal names the session's host and how to allow it" "the session names the endpoint $HOST_B, which this run has not"
expect_err "and the flag to pass" "pass --llm-url URL"
if [ -s "$tmp/b.log" ]; then not_ok "the session's server got no request" "$(cat "$tmp/b.log")"
else ok "the session's server got no request"; fi
run resume "$tmp/edited.jsonl" --budget 20 --llm-url "$URL_A"
expect_rc "with --llm-url the session resumes against the named endpoint" 0
expect_err "it says which host gets the key" "collm: OPENAI_API_KEY is sent to $HOST_A only"
if grep -q 'auth=yes' "$tmp/a.log" && ! grep -qs 'auth=yes' "$tmp/b.log"; then
    ok "only the named server got an Authorization header"
else not_ok "only the named server got an Authorization header" "a: $(tail -1 "$tmp/a.log")" "b: $(tail -1 "$tmp/b.log")"; fi
no_key "the key is printed nowhere on resume"
OPENAI_BASE_URL="$URL_B" run resume "$tmp/edited.jsonl" --budget 30
expect_rc "OPENAI_BASE_URL names the endpoint too" 0
if grep -q 'auth=yes' "$tmp/b.log"; then ok "the environment's endpoint gets the key"
else not_ok "the environment's endpoint gets the key"; fi
# the TUI says it too, once, at the start
printf 'dump %s\nkey q\nkey y\n' "$tmp/keyhost.txt" >"$tmp/keyhost.script"
run search --algo collm --llm-url "$URL_A" --model fake-1 --budget 10 --no-session \
    --script "$tmp/keyhost.script" --size 100x30
if grep -q "OPENAI_API_KEY is sent to $HOST_A only" "$tmp/keyhost.txt" && ! grep -q "$KEY" "$tmp/keyhost.txt"; then
    ok "the TUI says which host gets the key"
else not_ok "the TUI says which host gets the key" "$(tail -2 "$tmp/keyhost.txt")"; fi
LLM_PID=$PID_A; stop_llm
LLM_PID=$PID_B; stop_llm

# hostile servers (issue 15): each ends the search with a clear reason, in
# bounded time, the failure journalled and the journal readable
valid_utf8() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }
for case in "midbody|Transferred a partial file (gave up after 2 attempts)" \
            "html|not a chat completion (not JSON): it starts \"<html><head><title>502 Bad Gateway" \
            "badjson|not a chat completion (not JSON): it starts \"Internal error" \
            "truncjson|not a chat completion (not JSON)" \
            "nodone|the stream ended before the answer did (no finish_reason, no [DONE]) (gave up after 2 attempts)" \
            "huge|the answer is larger than 4194304 bytes; not read further"; do
    style=${case%%|*} reason=${case#*|}
    start_llm --style "$style"
    rm -f "$tmp/h.jsonl"
    timeout 120 "$COLLM" search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 10 \
        --llm-retries 1 --llm-timeout 20 --stream --session "$tmp/h.jsonl" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    stop_llm
    expect_rc "$style: the search stops with exit 1" 1
    expect_err "$style: and says why" "$reason"
    if grep '"type":"llm_failed"' "$tmp/h.jsonl" | grep -qF -- "${reason%%\"*}" && valid_utf8 "$tmp/h.jsonl" && \
       "$COLLM" export "$tmp/h.jsonl" --csv - >/dev/null 2>&1; then
        ok "$style: the failure is journalled and the journal reads back"
    else not_ok "$style: the failure is journalled and the journal reads back"; fi
done

# 500 then OK: retried, journalled, nothing lost
start_llm --fail-first 2
run search --json --algo collm --llm-url "$URL" --model fake-1 --budget 20 --no-session
stop_llm
if [ "$rc" -eq 0 ] && [ "$(count llm_retry)" -eq 2 ] && [ "$(count eval_finished)" -eq 20 ] && \
   grep '"type":"llm_retry"' "$tmp/out" | grep -q 'HTTP 500: the model is loading'; then
    ok "two 500s are two journalled retries, then the search completes"
else not_ok "two 500s are two journalled retries, then the search completes" "rc $rc, $(count llm_retry) retries"; fi

# a 401 that quotes the key (15.9): redacted from the journal, the output
# and the reason; invalid UTF-8 from a server is made valid before it is kept
start_llm --style echokey
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 10 --session "$tmp/ek.jsonl"
stop_llm
expect_rc "a 401 ends the search" 1
expect_err "the reason quotes the server with the key redacted" "HTTP 401: Incorrect API key provided: Bearer [redacted]"
no_key "the echoed key is printed nowhere"
if grep -q "$KEY" "$tmp/ek.jsonl"; then not_ok "the echoed key is not in the journal"
elif grep -q '\[redacted\]' "$tmp/ek.jsonl"; then ok "the echoed key is not in the journal"
else not_ok "the echoed key is not in the journal" "no failure recorded"; fi
start_llm --style badutf8 --fail-first 1
run search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 20 --session "$tmp/u8.jsonl" --stream
stop_llm
expect_rc "a server sending invalid UTF-8 is searched with" 0
if valid_utf8 "$tmp/u8.jsonl" && grep -q "$(printf '\357\277\275')" "$tmp/u8.jsonl" && \
   grep '"type":"llm_retry"' "$tmp/u8.jsonl" | grep -q 'the model is'; then
    ok "every journal line is valid UTF-8, bad bytes replaced by U+FFFD"
else not_ok "every journal line is valid UTF-8, bad bytes replaced by U+FFFD"; fi
run resume "$tmp/u8.jsonl" --budget 30 --llm "replay:$tmp/u8.jsonl"
if "$COLLM" export "$tmp/u8.jsonl" --csv - >/dev/null 2>&1; then ok "and the journal reads back"
else not_ok "and the journal reads back"; fi

# a port that accepts and never answers (13.14): headless says it is
# waiting every 10 s, a second timeout ends the request, the summary counts
# the time spent
start_llm --style silent
timeout 120 "$COLLM" search --headless --algo collm --llm-url "$URL" --model fake-1 --budget 10 \
    --llm-timeout 11 --llm-retries 3 --session "$tmp/silent.jsonl" >"$tmp/out" 2>"$tmp/err"
rc=$?
stop_llm
expect_rc "silent: the search stops with exit 1, in bounded time" 1
expect_err "silent: headless says how long it has waited" "collm: waiting 10 s for the LLM (1 request in flight; the oldest at try 1)"
expect_err "silent: and at which try" "collm: waiting 20 s for the LLM (1 request in flight; the oldest at try 2)"
expect_err "silent: two timeouts end the request, not four" "Timeout was reached (no complete answer in time, twice: not asked again)"
if grep -qE 'llm        1 requests, 0 answers, 1 failed, 1 retries.* (2[0-9]|3[0-9])\.[0-9] s waiting' "$tmp/out"; then
    ok "silent: the summary counts the time spent waiting"
else not_ok "silent: the summary counts the time spent waiting" "$(grep '^llm' "$tmp/out")"; fi
# the TUI shows the wait and the try from the state (here in replay, by the events' clock)
n_retry=$(grep -n '"type":"llm_retry"' "$tmp/silent.jsonl" | head -1 | cut -d: -f1)
printf 'keys :%s\nkey enter\ndump %s\nkey q\n' "$((n_retry - 1))" "$tmp/silent-replay.txt" >"$tmp/silent.script"
run replay "$tmp/silent.jsonl" --script "$tmp/silent.script" --size 160x40
if grep -qE '\| llm 1 waiting 1[0-9]s \(try 2\)' "$tmp/silent-replay.txt"; then
    ok "silent: the TUI status says how long and at which try"
else not_ok "silent: the TUI status says how long and at which try" "$(head -1 "$tmp/silent-replay.txt")"; fi

run search --headless --algo collm --llm "replay:$tmp/rec.jsonl" --budget 30 --no-session --constraint 'flops<=100'
expect_rc "a search that goes another way than the recording stops" 1
expect_err "and says why" "the recording has no answer to this request"
run search --headless --algo collm --llm "replay:$tmp/nothing.jsonl" --budget 30 --no-session
expect_rc "a missing recording is an error" 1

# doctor (13.17): takes --llm as search does, and asks one tiny chat
start_llm --log "$tmp/doc.log"
run doctor --llm vllm:fake-1 --llm-url "$URL"
stop_llm
expect_rc "doctor takes --llm KIND:MODEL" 0
expect_out "doctor lists the server's models" "/models: HTTP 200, 59 bytes, 1 model, the first fake-1"
expect_out "doctor asks one chat and shows what came back" 'ok        chat with fake-1: "Following the strategy'
if grep -q 'max_tokens=16 ' "$tmp/doc.log"; then ok "the doctor's chat is a tiny one (max_tokens 16)"
else not_ok "the doctor's chat is a tiny one (max_tokens 16)" "$(cat "$tmp/doc.log")"; fi
for style in html echokey; do
    start_llm --style $style
    run doctor --llm-url "$URL"
    stop_llm
    expect_rc "doctor fails an endpoint whose chat answers are unusable ($style)" 1
    expect_out "and says what came back ($style)" "FAILED    chat with fake-1: $URL/chat/completions: "
done
no_key "doctor prints no key"
expect_out "doctor quotes the 401 with the key redacted" "Incorrect API key provided: Bearer [redacted]"

run search --headless --algo collm --llm-url http://127.0.0.1:9/v1 --budget 5
expect_rc "an LLM role without a model is a usage error" 2
expect_err "it says which flag" "the Navigator needs a model: --model or --navigator-model"
run search --headless --algo collm --navigator llm --budget 5 --model m
expect_rc "an LLM role without an endpoint is a usage error" 2
expect_err "it says how to give one" "no LLM endpoint: give --llm-url or --llm, or set OPENAI_BASE_URL"
run search --headless --algo collm --llm bard:x
expect_rc "an unknown preset is a usage error" 2
run search --headless --algo collm --budget 20
expect_out "without an endpoint the agents are offline" "navigator offline-navigator (offline)"

finish
