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

# finding 7: resume read the file and only then took the lock, so a second
# resume could read, wait, and cut the first one's later events. The lock
# now comes first: a second resume is refused before it reads anything.
start_llm
"$COLLM" search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --budget 10 \
    --session "$tmp/two.jsonl" >/dev/null 2>&1
stop_llm
start_llm --delay 1500 # every answer takes 1.5 s: the first resume holds the file a while
"$COLLM" resume "$tmp/two.jsonl" --budget 30 --llm-url "$URL" --quiet >"$tmp/first.out" 2>&1 &
first=$!
i=0; while ! grep -q session_resumed "$tmp/two.jsonl" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
run_t 60 resume "$tmp/two.jsonl" --budget 40 --navigator offline --generator offline --quiet
expect_rc "a second resume of a session in use is refused" 1
expect_err "it says another collm has it open" \
    "two.jsonl: another collm is writing this session right now (it has the file open)"
# a budget it would refuse anyway: the lock is checked first, before the file is read
run_t 60 resume "$tmp/two.jsonl" --budget 5 --quiet
expect_rc "the lock is taken before the session is read" 1
expect_err "so the refusal is the lock's" "another collm is writing this session right now"
wait $first
rc=$?
stop_llm
expect_rc "the first resume goes on to its budget" 0
nseq=$(grep -c '"seq":' "$tmp/two.jsonl")
if [ "$(grep -o '^{"seq":[0-9]*' "$tmp/two.jsonl" | cut -d: -f2 | tr '\n' ' ')" = \
     "$(seq 1 "$nseq" | tr '\n' ' ')" ] &&
   [ "$(grep -c '"type":"eval_finished"' "$tmp/two.jsonl")" -eq 30 ]; then
    ok "all the first resume's events are kept ($nseq, numbered without a gap, 30 evaluations)"
else not_ok "all the first resume's events are kept" "$(cat "$tmp/first.out")"; fi

# finding 10: Ctrl-C reached the work only through the loop. Now the first
# one stops the computation where it is (polled inside an evaluation, a
# training step), the second ends the process at once.
# wait_end PID: waits up to 60 s (polls of 0.1 s) for PID; rc its exit code,
# 124 when it never ended (then it is killed)
wait_end() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$1" 2>/dev/null; then kill -9 "$1"; wait "$1" 2>/dev/null; rc=124
    else wait "$1"; rc=$?; fi
}
# started_when PID FILE TEXT: waits until FILE holds TEXT (or PID is gone)
started_when() {
    i=0
    while ! grep -q "$3" "$2" 2>/dev/null && kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.05; i=$((i + 1))
    done
}
A='{"r":28,"d":[4,4],"ks":[7,7,7,7,7,7,7,7],"e":[6,6,6,6,6,6,6,6]}'
"$COLLM" eval --space fmnist-supernet "$A" "$A" "$A" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT $pid
wait_end $pid
expect_rc "Ctrl-C stops collm eval inside an evaluation" 130
expect_err "and it says so" "collm eval: interrupted (Ctrl-C)"
if [ "$(wc -l <"$tmp/out")" -lt 3 ]; then ok "what was not evaluated is not printed"
else not_ok "what was not evaluated is not printed"; fi
"$COLLM" eval --space fmnist-supernet "$A" "$A" "$A" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT $pid; kill -INT $pid
wait_end $pid
expect_rc "two Ctrl-C end collm eval" 130

"$COLLM" train fmnist-supernet --train-images 128 --batch 32 --threads 2 --epochs 1000 \
    --out "$tmp/sig.ckpt" >"$tmp/out" 2>"$tmp/err" &
pid=$!
started_when $pid "$tmp/err" '^epoch 1/'
kill -INT $pid; kill -INT $pid
wait_end $pid
expect_rc "two Ctrl-C end collm train at once" 130

COLLM_EVAL_IMAGES=100 "$COLLM" search --headless --space fmnist-supernet --algo random \
    --budget 100000 --session "$tmp/sig.jsonl" >"$tmp/out" 2>"$tmp/err" &
pid=$!
started_when $pid "$tmp/sig.jsonl" '"type":"eval_finished"'
kill -INT $pid
wait_end $pid
expect_rc "Ctrl-C stops a search" 130
if tail -1 "$tmp/sig.jsonl" | grep -q '"type":"session_ended".*interrupted (Ctrl-C)'; then
    ok "and the journal ends with why"
else not_ok "and the journal ends with why" "$(tail -1 "$tmp/sig.jsonl")"; fi
COLLM_EVAL_IMAGES=100 "$COLLM" search --headless --space fmnist-supernet --algo random \
    --budget 100000 --no-session >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -TERM $pid; kill -TERM $pid
wait_end $pid
# two kills may arrive as one (signals do not queue): 143 when the second
# ended it, 130 when the first stop won; test_interrupt pins the second
if [ "$rc" -eq 143 ] || [ "$rc" -eq 130 ]; then ok "SIGTERM twice ends a busy search ($rc)"
else not_ok "SIGTERM twice ends a busy search" "exit code $rc, expected 143 or 130"; fi

finish
