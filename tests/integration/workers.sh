# External evaluators (README "Bring your own supernet"): searches whose
# evaluations go through worker programs give the records of the same search
# in process; a worker that dies, babbles or hangs is restarted, its request
# tried once more, then failed with the reason; a resumed session's workers
# are started only from a command given again.
. tests/integration/lib.sh

C=$(cd "$(dirname "$COLLM")" && pwd)/$(basename "$COLLM")
W="$C worker --space nb201:cifar10"
csv() { "$COLLM" export "$1" --csv - >"$2" 2>/dev/null; }

# same_records NAME ARGS...: the search in process and through 2 workers
same_records() {
    name=$1
    shift
    rm -f "$tmp/in.jsonl" "$tmp/ex.jsonl"
    run search --headless "$@" --session "$tmp/in.jsonl"
    run search --headless "$@" --session "$tmp/ex.jsonl" --eval-workers 2 --evaluator "$WORKER"
    expect_rc "$name: the search through workers exits 0" 0
    csv "$tmp/in.jsonl" "$tmp/in.csv"
    csv "$tmp/ex.jsonl" "$tmp/ex.csv"
    if [ -s "$tmp/in.csv" ] && cmp -s "$tmp/in.csv" "$tmp/ex.csv"; then
        ok "$name: the same records as in process ($(($(wc -l <"$tmp/in.csv") - 1)) evaluations)"
    else
        not_ok "$name: the same records as in process" "$(diff "$tmp/in.csv" "$tmp/ex.csv" | head -5)"
    fi
}

WORKER=$W
same_records "rea on NB201" --algo rea --budget 30 --seed 4
same_records "collm on NB201" --algo collm --budget 30 --seed 4
if grep -q '"evaluator":"external"' "$tmp/ex.jsonl"; then ok "the header records an external evaluator"
else not_ok "the header records an external evaluator"; fi
if grep -q 'collm worker' "$tmp/ex.jsonl"; then not_ok "the command is not in the session"
else ok "the command is not in the session"; fi

COLLM_EVAL_IMAGES=200
export COLLM_EVAL_IMAGES
WORKER="$C worker --space fmnist-supernet --eval-workers 1"
same_records "random on the supernet" --space fmnist-supernet --algo random --budget 4 --seed 2
unset COLLM_EVAL_IMAGES

# resume: the command must be given again
cp "$tmp/ex.jsonl" "$tmp/res.jsonl"
run resume "$tmp/res.jsonl" --budget 6 --headless
expect_rc "resume without --evaluator is refused" 2
expect_err "it says to give the command again" "give --evaluator 'CMD ARGS' again"
COLLM_EVAL_IMAGES=200 run resume "$tmp/res.jsonl" --budget 6 --headless \
    --evaluator "$WORKER" --eval-workers 2
expect_rc "with --evaluator it resumes" 0
expect_out "and evaluates the rest" "evaluated  6 of budget 6"
run resume "$tmp/res.jsonl" --budget 8 --headless --evaluator nb201-table
expect_rc "another built-in evaluator is refused" 2

# the protocol, spoken by collm worker itself
A='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
printf '{"id":1,"space":"nb201:cifar10","arch":"%s"}\n{"id":2,"arch":"nope"}\n{"id":3,"space":"nb201:cifar100","arch":"%s"}\n' \
    "$A" "$A" | "$COLLM" worker --space nb201:cifar10 >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "collm worker ends with its input" 0
if head -1 "$tmp/out" | grep -q '^{"hello":"collm worker [^"]*","protocol":1,'; then
    ok "it starts with a hello naming the protocol"
else not_ok "it starts with a hello naming the protocol"; fi
expect_out "it answers with the table's metrics" '{"id":1,"metrics":{"valid_acc":91.553333,"test_acc":94.363333,'
expect_out "a bad architecture is an error answer with the position" '{"id":2,"error":"character 1: expected'
expect_out "another space is refused" '{"id":3,"error":"this worker evaluates nb201:cifar10, not nb201:cifar100"}'
run worker --space nb201:cifar10 </dev/null
expect_rc "collm worker on a file, not a pipe, is a usage error" 2
expect_err "it says where its input must come from" "standard input must be a pipe"
printf '{"id":1,"space":"fmnist-supernet","arch":{"r":28,"d":[2,2],"ks":[3,3,0,0,3,3,0,0],"e":[3,3,0,0,3,3,0,0]}}\n' |
    COLLM_EVAL_IMAGES=200 "$COLLM" worker --space fmnist-supernet --eval-workers 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "a supernet worker answers" 0
expect_out "with progress while it evaluates" '{"id":1,"progress":'
expect_out "and the metrics" '{"id":1,"metrics":{"valid_acc":'

# workers that misbehave (budget 3, random search, 1 worker)
B="search --headless --json --algo random --budget 3 --seed 4 --no-session"
failures() { grep '"type":"eval_failed"' "$tmp/out"; }
run $B --evaluator "sh -c 'read l; echo oops, out of memory >&2; exit 3'"
expect_rc "a worker that dies: the search ends, failed (exit 1)" 1
expect_err "saying nothing was evaluated" "no architecture was evaluated"
if [ "$(failures | wc -l)" -eq 3 ]; then ok "every evaluation failed"
else not_ok "every evaluation failed" "$(failures | wc -l) failures"; fi
if failures | head -1 | grep -q 'worker 1 exited with status 3; its stderr ends: oops, out of memory'; then
    ok "the reason gives the exit status and the last of its stderr"
else not_ok "the reason gives the exit status and the last of its stderr"; fi
if failures | tail -1 | grep -q 'given up after 3 tries'; then ok "after 3 deaths it is given up"
else not_ok "after 3 deaths it is given up"; fi

run $B --evaluator "sh -c 'read l; echo {not json'"
if failures | head -1 | grep -qF "worker 1, line 1: not a JSON object: '{not json'"; then
    ok "a line that is not the protocol is named, with its number"
else not_ok "a line that is not the protocol is named, with its number"; fi

run $B --evaluator "sh -c 'read l; echo \"{\\\"id\\\":99,\\\"metrics\\\":{}}\"; sleep 5'"
if failures | head -1 | grep -qF "an answer for a request it was not given"; then
    ok "an answer to a request never sent is refused"
else not_ok "an answer to a request never sent is refused"; fi

mark="$tmp/died-once"
run $B --evaluator "sh -c 'if [ -e $mark ]; then exec $W; fi; touch $mark; read l; exit 9'"
if [ "$(failures | wc -l)" -eq 0 ] && [ "$(count eval_finished)" -eq 3 ]; then
    ok "a worker that dies once: restarted, its request tried again, nothing lost"
else not_ok "a worker that dies once: restarted, its request tried again, nothing lost"; fi

# its stderr goes to the log and the journal as worker_log events: blank
# lines skipped, long ones cut, stray bytes made UTF-8, the LLM key
# redacted, and no more than 20 lines at once (then 2 a second); a line
# logged after some were not says how many
cat >"$tmp/chatty.sh" <<EOS
echo loading the weights >&2
echo >&2
echo "the key is \$OPENAI_API_KEY" >&2
printf 'a bad \377 byte\n' >&2
printf '%0600d\n' 0 >&2
i=0
while [ \$i -lt 300 ]; do echo "spam \$i" >&2; i=\$((i + 1)); done
sleep 1.2
echo ready >&2
exec $W
EOS
key=sk-worker-test-key-0123456789
rm -f "$tmp/chat.jsonl"
OPENAI_API_KEY=$key run search --headless --algo random --budget 3 --seed 4 \
    --session "$tmp/chat.jsonl" --evaluator "sh $tmp/chatty.sh"
expect_rc "a worker that talks on stderr: the search goes on" 0
expect_out "its lines are in the headless output" "worker 1: loading the weights"
wl() { grep '"type":"worker_log"' "$tmp/chat.jsonl"; }
if wl | grep -qF '"text":"loading the weights"'; then ok "and in the journal, as worker_log events"
else not_ok "and in the journal, as worker_log events" "$(wl | head -2)"; fi
if grep -qF "$key" "$tmp/chat.jsonl" "$tmp/out"; then not_ok "the LLM key it printed is not recorded"
elif wl | grep -qF 'the key is [redacted]'; then ok "the LLM key it printed is not recorded"
else not_ok "the LLM key it printed is not recorded" "no redacted line"; fi
if python3 -c 'import sys; open(sys.argv[1], encoding="utf-8").read()' "$tmp/chat.jsonl" 2>/dev/null &&
    wl | grep -q '"text":"a bad .* byte"'; then ok "a stray byte is made valid UTF-8"
else not_ok "a stray byte is made valid UTF-8"; fi
cut=$(wl | sed -n 's/.*"text":"\(0*\)\(…\)".*/\1\2/p')
if [ "$(printf '%s' "$cut" | wc -c)" -le 303 ] && [ -n "$cut" ]; then
    ok "a 600-byte line is cut at 300 bytes, marked"
else not_ok "a 600-byte line is cut at 300 bytes, marked" "$(printf '%s' "$cut" | wc -c) bytes"; fi
logged=$(wl | grep -c '"text":')
dropped=$(wl | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
if [ "$logged" -le 24 ] && [ $((logged + dropped)) -eq 305 ]; then
    ok "305 lines: $logged recorded, the $dropped others counted"
else not_ok "305 lines: at most 24 recorded, the others counted" "$logged recorded, $dropped counted"; fi
if wl | grep -q '"text":"ready","dropped":[1-9]'; then ok "the line after the burst says how many were not"
else not_ok "the line after the burst says how many were not" "$(wl | tail -1)"; fi

run $B --eval-timeout 0.5 --evaluator "sleep 60"
if failures | head -1 | grep -qF "worker 1 gave no answer within --eval-timeout 0.5 s"; then
    ok "a worker that never answers fails on --eval-timeout"
else not_ok "a worker that never answers fails on --eval-timeout"; fi

run $B --evaluator "no-such-program-anywhere --flag"
expect_rc "an evaluator that is no program and no built-in is a usage error" 2
expect_err "it says so" "unknown evaluator 'no-such-program-anywhere --flag'"
run $B --eval-timeout -1 --evaluator "$W"
expect_rc "a negative --eval-timeout is refused" 2
# resume takes the same flags with the same checks (one table, tui/evalflags.c)
run resume "$tmp/res.jsonl" --eval-workers 0 --headless
expect_rc "resume refuses --eval-workers 0 as search does" 2
expect_err "with the same words" "--eval-workers: expected 1 to 1024"
run resume "$tmp/res.jsonl" --eval-timeout -1 --headless
expect_rc "resume refuses a negative --eval-timeout" 2
expect_err "with the same words as search" "--eval-timeout: expected seconds from 0 (no limit)"

# --launcher slurm (issue 14): each worker a job step of a real single-node
# Slurm started here (tests/tools/slurm.sh), the same records as in process
. tests/tools/slurm.sh
if slurm_up "$tmp/slurm"; then
    WORKER=$W
    run search --headless --algo collm --budget 30 --seed 4 --session "$tmp/in.jsonl.s"
    run search --headless --algo collm --budget 30 --seed 4 --session "$tmp/sl.jsonl" \
        --eval-workers 2 --evaluator "$W" --launcher slurm
    expect_rc "slurm: a search whose 2 workers are job steps exits 0" 0
    csv "$tmp/in.jsonl.s" "$tmp/in.csv"
    csv "$tmp/sl.jsonl" "$tmp/sl.csv"
    if [ -s "$tmp/in.csv" ] && cmp -s "$tmp/in.csv" "$tmp/sl.csv"; then
        ok "slurm: the same records as in process ($(($(wc -l <"$tmp/in.csv") - 1)) evaluations)"
    else not_ok "slurm: the same records as in process" "$(diff "$tmp/in.csv" "$tmp/sl.csv" | head -5)"; fi
    steps=$(grep -c 'launch task StepId' "$tmp/slurm/log/slurmd.log")
    if [ "$steps" -eq 2 ]; then ok "slurm: slurmd launched the 2 workers as job steps"
    else not_ok "slurm: slurmd launched the 2 workers as job steps" "$steps launched"; fi
    # the supernet through srun: the same records as in process
    WS="$C worker --space fmnist-supernet --eval-workers 1"
    SN="search --headless --space fmnist-supernet --algo random --budget 6 --batch 2 --seed 2"
    # shellcheck disable=SC2086
    COLLM_EVAL_IMAGES=2000 run $SN --session "$tmp/snin.jsonl"
    csv "$tmp/snin.jsonl" "$tmp/snin.csv"
    # shellcheck disable=SC2086
    COLLM_EVAL_IMAGES=2000 run $SN --session "$tmp/snsl.jsonl" --eval-workers 2 --evaluator "$WS" \
        --launcher slurm
    csv "$tmp/snsl.jsonl" "$tmp/snsl.csv"
    if [ -s "$tmp/snin.csv" ] && cmp -s "$tmp/snin.csv" "$tmp/snsl.csv"; then
        ok "slurm: a supernet search, the same records as in process"
    else not_ok "slurm: a supernet search, the same records as in process" \
        "$(diff "$tmp/snin.csv" "$tmp/snsl.csv" | head -5)"; fi
    # one worker's job cancelled mid-search: restarted, its request tried
    # again, the same records
    launched=$(grep -c 'launch task StepId' "$tmp/slurm/log/slurmd.log")
    # shellcheck disable=SC2086
    COLLM_EVAL_IMAGES=2000 "$COLLM" $SN --session "$tmp/snk.jsonl" --eval-workers 2 \
        --evaluator "$WS" --launcher slurm >"$tmp/out" 2>"$tmp/err" &
    bg=$!
    i=0
    done1() { # an evaluation is in the journal (which may not exist yet)
        k=$(grep -c '"type":"eval_finished"' "$tmp/snk.jsonl" 2>/dev/null)
        [ "${k:-0}" -ge 1 ]
    }
    while ! done1 && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    jobs=$(squeue -h -o %i 2>&1)
    job=$(printf '%s\n' "$jobs" | grep -E '^[0-9]+$' | head -1)
    [ -n "$job" ] && scancel "$job"
    wait $bg
    rc=$?
    csv "$tmp/snk.jsonl" "$tmp/snk.csv"
    now=$(grep -c 'launch task StepId' "$tmp/slurm/log/slurmd.log")
    if [ -n "$job" ] && [ "$rc" -eq 0 ] && cmp -s "$tmp/snin.csv" "$tmp/snk.csv" &&
        [ $((now - launched)) -ge 3 ]; then
        ok "slurm: a worker's job cancelled mid-search is started again, nothing lost"
    else not_ok "slurm: a worker's job cancelled mid-search is started again, nothing lost" \
        "squeue '$jobs', exit $rc, $((now - launched)) steps; $(diff "$tmp/snin.csv" "$tmp/snk.csv" | head -3)"
    fi
    # srun's own complaint reaches the failure's reason
    run $B --evaluator "$W" --launcher slurm --srun-args "--partition=nope"
    if failures | head -1 | grep -qF "srun: error: invalid partition specified: nope"; then
        ok "slurm: a bad --srun-args fails the evaluations with srun's reason"
    else not_ok "slurm: a bad --srun-args fails the evaluations with srun's reason" "$(failures | head -1)"; fi
    # a worker that hangs: its step ends on the node, nothing is left running
    run $B --eval-timeout 1 --evaluator "sleep 600" --launcher slurm
    if failures | head -1 | grep -qF "worker 1 gave no answer within --eval-timeout 1 s"; then
        ok "slurm: a worker step that never answers fails on --eval-timeout"
    else not_ok "slurm: a worker step that never answers fails on --eval-timeout"; fi
    i=0
    while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    if [ -z "$(squeue -h 2>/dev/null)" ] && ! pgrep -f "^sleep 600" >/dev/null; then
        ok "slurm: and its job step is gone from the node"
    else not_ok "slurm: and its job step is gone from the node" "$(squeue -h)"; fi
    # a quote in the command means what it means locally
    run $B --evaluator "sh -c 'exec $W'" --launcher slurm
    if [ "$(count eval_finished)" -eq 3 ]; then ok "slurm: a quoted command line runs as it does locally"
    else not_ok "slurm: a quoted command line runs as it does locally" "$(failures | head -1)"; fi
    slurm_down "$tmp/slurm"
    unset SLURM_CONF
else
    for c in "same records" "launched steps" "supernet" "a job cancelled" "bad --srun-args" "timeout" "no step left" "quotes"; do
        skip "slurm: $c" "$SLURM_WHY"
    done
fi
# shellcheck disable=SC2086
PATH=/nonexistent "$COLLM" $B --evaluator "$W" --launcher slurm >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "--launcher slurm without srun on PATH is a usage error" 2
expect_err "it says what is missing" "slurm starts each worker with srun, which is not on PATH"
run $B --launcher slurm
expect_rc "--launcher without worker programs is a usage error" 2
run $B --evaluator "$W" --srun-args "--partition=a"
expect_rc "--srun-args without --launcher slurm is a usage error" 2

finish
