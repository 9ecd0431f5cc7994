# The command line as a user meets it: output, errors and exit codes.
. tests/integration/lib.sh

A9930='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'

# --- search ---------------------------------------------------------------
run search --headless --space nb201:cifar10 --algo rea --budget 100 --seed 1
expect_rc "headless rea search succeeds" 0
expect_out "a progress line per step" "  100   100/100"
expect_out "summary names the best architecture" "best       |"
expect_out "summary gives validation and test accuracy" "valid_acc 91.61%  test_acc 94.37%"
expect_out "summary counts distinct evaluations" "evaluated  100 of budget 100"
cp "$tmp/out" "$tmp/first"
run search --headless --space nb201:cifar10 --algo rea --budget 100 --seed 1
if cmp -s "$tmp/out" "$tmp/first"; then ok "same seed, same output byte for byte"
else not_ok "same seed, same output byte for byte"; fi
run search --headless --space nb201:cifar10 --algo rea --budget 100 --seed 2
if cmp -s "$tmp/out" "$tmp/first"; then not_ok "another seed, another search"
else ok "another seed, another search"; fi

run search --json --space nb201:cifar100 --algo local --budget 30 --seed 4
expect_rc "json search succeeds" 0
cp "$tmp/out" "$tmp/json1"
lines=$(wc -l <"$tmp/out")
objs=$(grep -c '^{"seq":[0-9]*,"type":"[a-z_]*","iter":[0-9]*.*}$' "$tmp/out")
if [ "$lines" -gt 30 ] && [ "$lines" -eq "$objs" ]; then ok "--json prints only JSON event lines"
else not_ok "--json prints only JSON event lines" "$objs of $lines lines look like events"; fi
expect_out "--json starts with the session header" '"type":"session_started"'
expect_out "--json ends with session_ended" '"type":"session_ended","iter":'
if [ "$(grep -c '"type":"eval_finished"' "$tmp/out")" -eq 30 ]; then
    ok "--json has one eval_finished per evaluation"
else not_ok "--json has one eval_finished per evaluation"; fi
run search --json --space nb201:cifar100 --algo local --budget 30 --seed 4
if cmp -s "$tmp/out" "$tmp/json1"; then ok "--json is byte-for-byte reproducible"
else not_ok "--json is byte-for-byte reproducible"; fi

run search --headless --algo random --budget 50 --constraint 'flops<=50' --seed 3
expect_out "the constraint is shown in the summary" "constraint flops<=50"
run search --headless --algo rea --budget 500 --target 91.5 --seed 1
expect_out "--target stops early" "ended (target: valid_acc"

# --- errors: say what and where, exit 2 for usage ---------------------------
run frobnicate
expect_rc "unknown command exits 2" 2
expect_err "unknown command is named" "unknown command 'frobnicate'"
run search --bugdet 10
expect_rc "unknown option exits 2" 2
expect_err "a typo gets a suggestion" "did you mean '--budget'?"
run search --budget ten
expect_rc "bad number exits 2" 2
expect_err "bad number is named" "--budget: expected a whole number, got 'ten'"
run search --budget 0
expect_rc "zero budget exits 2" 2
# every flag's bad value: exit 2, the flag named with what it takes (issue 13, 9)
for bad in "--theme neon|--theme: unknown theme 'neon'; expected one of dark, light, mono" \
    "--pace -1|--pace: expected 0 to 86400, got -1" \
    "--batch 0|--batch: must be at least 1, got 0" \
    "--algo random --batch 0|--batch: must be at least 1, got 0" \
    "--algo rea --batch -2|--batch: must be at least 1, got -2" \
    "--eval-workers 0|--eval-workers: expected 1 to 1024, got 0" \
    "--llm-timeout 0|--llm-timeout: expected 0.001 to 86400, got 0" \
    "--llm-retries -1|--llm-retries: expected 0 to 100, got -1" \
    "--max-tokens -5|--max-tokens: expected at least 0, got -5" \
    "--temperature 3|--temperature: expected 0 to 2, got 3" \
    "--space ofa-mbv3 --algo ofa-ea --generations 0|--generations: expected at least 1, got 0" \
    "--space ofa-mbv3 --algo ofa-ea --mutate-prob 2|--mutate-prob: expected 0 to 1, got 2"; do
    args=${bad%%|*}
    # shellcheck disable=SC2086 # the flags split into words on purpose
    run search --headless --no-session --budget 3 $args
    expect_rc "search $args exits 2" 2
    expect_err "search $args names the flag and its values" "${bad#*|}"
done
run replay "$tmp/none.jsonl" --theme neon
expect_rc "replay --theme neon exits 2" 2
expect_err "replay --theme neon lists the themes" "--theme: unknown theme 'neon'"
run resume "$tmp/none.jsonl" --pace -1
expect_rc "resume --pace -1 exits 2" 2
expect_err "resume --pace -1 gives the range" "--pace: expected 0 to 86400"
run search --space nb201:mnist
expect_rc "unknown dataset exits 2" 2
expect_err "unknown dataset lists the choices" "use cifar10, cifar100 or imagenet16"
run search --space nas101
expect_rc "unknown space exits 2" 2
expect_err "unknown space lists the known ones" "known: nb201:cifar10"
run search --algo genetic
expect_rc "unknown algorithm exits 2" 2
expect_err "unknown algorithm lists the known ones" "known: random, rea, local"
run search --constraint 'latency<=3'
expect_rc "bad constraint exits 2" 2
expect_err "bad constraint lists the costs" "costs are: flops, params, lat_raspi4"
run search --headless --data /nonexistent
expect_rc "missing data exits 1" 1
expect_err "missing data names the file" "/nonexistent/nb201.csv: cannot open"
run search --budget
expect_rc "missing value exits 2" 2
expect_err "missing value is named" "--budget needs a value"

# --- eval -----------------------------------------------------------------
run eval --space nb201:cifar100 "$A9930"
expect_rc "eval succeeds" 0
expect_out "eval prints JSON with the table's values" '"valid_acc":73.493333,"test_acc":73.513333,"flops":184.7361'
run eval --space nb201:cifar10 '|nor_conv_3x3~0|+|none~0|'
expect_rc "invalid architecture exits 2" 2
expect_err "invalid architecture names the position" "argument 1: character 26: expected an operation"
printf '%s\n# a comment\n\n%s\n' "$A9930" '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' >"$tmp/archs"
"$COLLM" eval --space nb201:imagenet16 - <"$tmp/archs" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ]; then ok "eval reads architectures from stdin"
else not_ok "eval reads architectures from stdin" "rc $rc"; fi
run eval
expect_rc "eval without an architecture exits 2" 2

# --- bench, spaces, help ----------------------------------------------------
run bench --space nb201:cifar10 --algo random,rea --seeds 3 --budget 20 --out "$tmp/bench.md"
expect_rc "bench succeeds" 0
expect_out "bench prints a Markdown table" "| nb201:cifar10 | rea | valid_acc"
if cmp -s "$tmp/out" "$tmp/bench.md"; then ok "bench --out writes the same table"
else not_ok "bench --out writes the same table"; fi
run bench --algo rea,nope --seeds 2
expect_rc "bench with an unknown algorithm exits 2" 2
run spaces
expect_out "spaces lists nb201 datasets" "nb201:imagenet16"
expect_out "spaces lists algorithms" "regularized evolution"
for c in search eval bench spaces; do
    run $c --help
    if [ "$rc" -eq 0 ] && grep -q "^usage: collm $c" "$tmp/out"; then ok "collm $c --help"
    else not_ok "collm $c --help"; fi
done
# --- doctor ---------------------------------------------------------------
run doctor
expect_rc "doctor succeeds with the data in place" 0
expect_out "doctor names the OpenBLAS kernel" "kernel    "
expect_out "doctor checks the predictor's checksum" "ok        ofa/acc_predictor/weights_f32le.bin"
COLLM_DATA_DIR=/nonexistent run doctor
expect_rc "doctor fails without data" 1
expect_out "doctor names what is missing" "MISSING   nb201.csv"
run doctor --llm-url http://127.0.0.1:9/v1
expect_out "doctor says when the endpoint does not answer" "FAILED    http://127.0.0.1:9/v1"

# --- the OFA space ----------------------------------------------------------
run eval --space ofa-mbv3 '{"ks":[7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7],"e":[6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6],"d":[4,4,4,4,4],"r":224}'
expect_rc "eval of an OFA architecture" 0
expect_out "prints predicted accuracy, MFLOPs and Note10 latency" '"metrics":{"pred_acc":83.592778444290161,"flops":843.10104,"note10":92.398037994780054}'
run eval --space ofa-mbv3 '{"ks":[7],"e":[6],"d":[4,4,4,4,4],"r":224}'
expect_rc "a wrong OFA list is a usage error" 2
expect_err "it names the field" "ks: expected a list of 20 values"
run search --headless --quiet --space ofa-mbv3 --algo collm --budget 60 --constraint 'flops<=300' --no-session
expect_rc "a collm search of the OFA space" 0
expect_out "within the constraint" "constraint flops<=300"
# OFA's published specialised nets (data/ofa/README.md, specialized_nets_check.json)
run eval --space ofa-mbv3 '{"ks":[3,3,0,0,5,5,3,0,5,5,3,0,5,5,3,3,3,3,7,3],"e":[3,3,0,0,3,6,3,0,4,4,3,0,6,4,4,4,6,6,6,3],"d":[2,3,3,4,4],"r":224}' \
    '{"ks":[5,3,3,0,5,3,5,3,5,5,3,3,5,7,3,5,7,3,3,3],"e":[3,3,3,0,4,4,4,3,4,6,3,3,6,6,6,4,6,6,6,3],"d":[3,4,4,4,4],"r":224}' \
    '{"ks":[3,3,0,0,5,3,3,0,5,5,3,0,3,3,3,0,3,3,3,3],"e":[3,3,0,0,4,3,4,0,4,4,3,0,6,4,4,0,6,6,4,3],"d":[2,3,3,3,4],"r":224}'
expect_out "flops@389M predicts 82.564" '"pred_acc":82.564'
expect_out "flops@389M: 389.488 MFLOPs, 34.923 ms" '"flops":389.487856,"note10":34.922'
expect_out "flops@482M predicts 83.236" '"pred_acc":83.236'
expect_out "flops@482M: 482.413 MFLOPs, 43.757 ms" '"flops":482.413168,"note10":43.756'
expect_out "note10_lat@30ms takes 29.965 ms" '"note10":29.96'
run search --headless --quiet --space ofa-mbv3 --algo ofa-ea --ea-population 10 --generations 5 --no-session
expect_rc "ofa-ea runs without a --budget" 0
expect_out "it runs all its generations by default" "finished its 5 generations"
expect_out "its default budget covers the whole run" "of budget 60 (distinct"
run search --headless --quiet --space ofa-mbv3 --algo ofa-ea --budget 20 --no-session
expect_out "an explicit --budget still limits ofa-ea" "evaluated  20 of budget 20"

# --- pipes: `| head` ends quietly, stdout and stderr keep their order --------
# (issue 13, bug 15) Output well past a pipe's 64 KiB, so the reader is gone
# before the writer is done.
{ "$COLLM" search --json --algo random --budget 2000 --session "$tmp/piped.jsonl" 2>"$tmp/err"
  echo $? >"$tmp/rc"; } | head -1 >"$tmp/out"
rc=$(cat "$tmp/rc")
expect_rc "search | head exits 0 (no SIGPIPE death)" 0
if [ -s "$tmp/err" ]; then not_ok "search | head says nothing on stderr"
else ok "search | head says nothing on stderr"; fi
if tail -1 "$tmp/piped.jsonl" | grep -q '"type":"session_ended".*"the output was closed"'; then
    ok "search | head ends its session with the reason"
else not_ok "search | head ends its session with the reason" "$(tail -1 "$tmp/piped.jsonl")"; fi
{ "$COLLM" replay --json --speed 0 "$tmp/piped.jsonl" 2>"$tmp/err"; echo $? >"$tmp/rc"; } |
    head -1 >"$tmp/out"
rc=$(cat "$tmp/rc")
expect_rc "replay --speed 0 | head exits 0" 0
if [ -s "$tmp/err" ]; then not_ok "replay | head says nothing on stderr"
else ok "replay | head says nothing on stderr"; fi
# the session line on stderr comes after the summary on stdout
"$COLLM" search --headless --algo rea --budget 3 --session "$tmp/order.jsonl" >"$tmp/out" 2>&1
if tail -1 "$tmp/out" | grep -q '^collm: session '; then ok "search 2>&1: the session line comes last"
else not_ok "search 2>&1: the session line comes last"; fi
# a replay that breaks at an event says so after the rows before it
cp "$tmp/order.jsonl" "$tmp/broken.jsonl"
seq=$(wc -l <"$tmp/order.jsonl") # events are numbered from 1, after the header
echo "{\"seq\":$seq,\"t\":1,\"type\":\"candidate_approved\",\"iter\":3,\"id\":999}" \
    >>"$tmp/broken.jsonl"
"$COLLM" replay --speed 0 "$tmp/broken.jsonl" >"$tmp/out" 2>&1
if head -1 "$tmp/out" | grep -q '^ iter' && tail -1 "$tmp/out" | grep -q "event $seq: .*no candidate 999"; then
    ok "replay 2>&1: the table first, then the error at its event"
else not_ok "replay 2>&1: the table first, then the error at its event"; fi

# --- sessions: the list, newest first, and replay --last -----------------
xdg=$tmp/xdg-list
XDG_DATA_HOME=$xdg run sessions
expect_rc "sessions with none saved exits 0" 0
expect_err "sessions with none saved says where it looked" "no sessions in $xdg/collm/sessions"
XDG_DATA_HOME=$xdg run replay --last
expect_rc "replay --last with none saved exits 2" 2
expect_err "replay --last with none saved says so" "--last: no sessions in"
XDG_DATA_HOME=$xdg "$COLLM" search --headless --quiet --algo rea --budget 20 >/dev/null 2>&1
XDG_DATA_HOME=$xdg "$COLLM" search --headless --quiet --algo random --budget 10 --seed 2 \
    >/dev/null 2>&1
touch -d '2026-01-02 10:00' "$xdg"/collm/sessions/*-rea.jsonl # the rea one written last
touch -d '2026-01-01 10:00' "$xdg"/collm/sessions/*-random.jsonl
printf 'not a session\n' >"$xdg/collm/sessions/zz-damaged.jsonl"
touch -d '2025-12-31 10:00' "$xdg/collm/sessions/zz-damaged.jsonl"
XDG_DATA_HOME=$xdg run sessions
expect_rc "sessions exits 0" 0
if sed -n 2p "$tmp/out" | grep -q '^2026-01-02 10:00  nb201:cifar10    rea         20/20   91.21  ended    /' &&
   sed -n 3p "$tmp/out" | grep -q '^2026-01-01 10:00  nb201:cifar10    random      10/10   90.93  ended    /' &&
   sed -n 4p "$tmp/out" | grep -q 'cannot be read: .*zz-damaged.jsonl'; then
    ok "sessions lists the last written first, with space, algorithm, evaluations, best"
else not_ok "sessions lists the last written first, with space, algorithm, evaluations, best"; fi
XDG_DATA_HOME=$xdg run replay --last --speed 0 --quiet
expect_rc "replay --last exits 0" 0
expect_out "replay --last plays the session written last" "rea on nb201:cifar10, seed 1: ended"
XDG_DATA_HOME=$xdg run replay --last "$tmp/piped.jsonl"
expect_rc "replay --last with a FILE too exits 2" 2

# --- SPOS and AutoFormer: exact costs, no built-in evaluator --------------------
run spaces
expect_out "spaces lists spos-shufflenet" "spos-shufflenet"
expect_out "spaces lists the AutoFormer sizes" "autoformer-base"
run search --headless --space spos-shufflenet --constraint 'flops<=330' --budget 5 --no-session
expect_rc "a SPOS search without --evaluator exits 2" 2
expect_err "it says there is no built-in evaluator and what to give" \
    "spos-shufflenet has no built-in evaluator: give --evaluator 'CMD ARGS', a worker program (README, Bring your own supernet)"
run search --headless --space autoformer-tiny --constraint 'params<=6' --budget 5 --no-session
expect_rc "an AutoFormer search without --evaluator exits 2" 2
expect_err "so does AutoFormer's" "autoformer-tiny has no built-in evaluator"
# the published nets (data/spos/README.md, data/autoformer/README.md)
run eval --space spos-shufflenet '(2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3)' 00333213311113333333
expect_rc "eval of SPOS architectures prints their costs" 0
expect_out "SPOS's searched net: 322,918,720 FLOPs" '"arch":[2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3],"metrics":{"flops":322.91872,"params":3.529312,"params_bn":3.558464}'
expect_out "CoLLM-NAS's SPOS net: 324,957,120 FLOPs" '"flops":324.95712,"params":3.712464'
run eval --space spos-shufflenet '[2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,7]'
expect_rc "a SPOS op out of range is a usage error" 2
expect_err "it names the layer and the ops" "[19] (layer 19): 7 is not an op: 0 shufflenet_3x3"
run eval --space autoformer-small '{"depth":13,"embed_dim":384,"mlp_ratio":[3.0,3.5,3.0,3.5,4.0,4.0,4.0,4.0,4.0,4.0,4.0,3.5,4.0],"num_heads":[6,6,5,7,5,5,5,6,6,7,7,6,7]}'
expect_rc "eval of an AutoFormer architecture prints its costs" 0
expect_out "AutoFormer-S: 22,891,432 params, 4,892,144,730 FLOPs" '"metrics":{"params":22.891432,"flops":4892.14473}'
run eval --space autoformer-base '{"depth":14,"embed_dim":576,"mlp_ratio":[3.5],"num_heads":[9]}'
expect_rc "a short AutoFormer list is a usage error" 2
expect_err "it names the field and the choices" "mlp_ratio: expected a list of 14 values, one per layer (depth 14), each 3.0, 3.5 or 4.0; got 1"

run --help
expect_rc "collm --help exits 0" 0
expect_out "collm --help lists commands" "bench"

finish
