# Sessions: the journal, replay, resume after SIGKILL, fork, export, and
# every kind of damaged file.
. tests/integration/lib.sh

S="$tmp/s.jsonl"
run search --headless --algo collm --budget 40 --seed 2 --session "$S"
expect_rc "a search writes its session" 0
expect_err "the session path is said on stderr" "collm: session $S"
cp "$tmp/out" "$tmp/live"
if head -1 "$S" | grep -q '"format":"collm-session","version":2'; then ok "the journal starts with its header"
else not_ok "the journal starts with its header"; fi
if grep -q '"t":' "$S" && grep -q '"seq":2,' "$S"; then ok "events carry sequence and time"
else not_ok "events carry sequence and time"; fi

run replay "$S" --speed 0
expect_rc "replay succeeds" 0
if cmp -s "$tmp/out" "$tmp/live"; then ok "replay prints what the live run printed"
else not_ok "replay prints what the live run printed" "$(diff "$tmp/live" "$tmp/out" | head -5)"; fi
run replay "$S" --speed 100
expect_rc "a speed out of range is a usage error" 2

# ---- export ---------------------------------------------------------------
run export "$S" --csv "$tmp/s.csv" --pareto "$tmp/p.json" --svg "$tmp/p.svg"
expect_rc "export succeeds" 0
if [ "$(wc -l <"$tmp/s.csv")" -eq 41 ] && head -1 "$tmp/s.csv" | grep -q '^order,iter,id,source,by,arch,valid_acc_pct,test_acc_pct,flops_M'; then
    ok "the CSV has a header and one row per evaluation"
else not_ok "the CSV has a header and one row per evaluation"; fi
if grep -q '"front":' "$tmp/p.json" && grep -q '"objective":.*"valid_acc"' "$tmp/p.json"; then ok "the Pareto JSON names its axes"
else not_ok "the Pareto JSON names its axes"; fi
if head -1 "$tmp/p.svg" | grep -q '^<svg' && [ "$(grep -c '<circle' "$tmp/p.svg")" -ge 40 ] && grep -q 'best 91' "$tmp/p.svg"; then
    ok "the SVG plots every evaluation and marks the best"
else not_ok "the SVG plots every evaluation and marks the best"; fi
run export "$S"
expect_rc "export with nothing to write is a usage error" 2
# The front against another cost is that cost's: exactly the points no other
# point beats on both (brute force over the CSV), and the SVG draws it.
front_by_brute_force() { # CSV COSTCOLUMN: the non-dominated archs, sorted
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) x = i; if ($i ~ /^valid_acc/) y = i } next }
        { a[NR] = $6; cx[NR] = $x + 0; cy[NR] = $y + 0; n = NR }
        END { for (i = 2; i <= n; i++) { out = 0
                  for (j = 2; j <= n && !out; j++)
                      out = (cx[j] <= cx[i] && cy[j] >= cy[i] && (cx[j] < cx[i] || cy[j] > cy[i])) ||
                            (j < i && cx[j] == cx[i] && cy[j] == cy[i])
                  if (!out) print a[i] } }' "$1" | sort
}
for cost in lat_titanrtx_b1 params; do
    col=$(head -1 "$tmp/s.csv" | tr , '\n' | grep "^${cost}_")
    front_by_brute_force "$tmp/s.csv" "$col" >"$tmp/want"
    "$COLLM" export "$S" --pareto - --cost "$cost" | sed -n 's/^[[:space:]]*"arch":[[:space:]]*"\(.*\)",$/\1/p' | sort >"$tmp/got"
    if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" &&
       "$COLLM" export "$S" --pareto - --cost "$cost" | grep -q "\"cost\":[[:space:]]*\"$cost\""; then
        ok "export --pareto --cost $cost lists exactly its non-dominated points"
    else not_ok "export --pareto --cost $cost lists exactly its non-dominated points" "$(diff "$tmp/want" "$tmp/got" | head -5)"; fi
    run export "$S" --svg - --cost "$cost"
    if grep -q '<polyline' "$tmp/out" && grep -q "$(wc -l <"$tmp/want" | tr -d ' ') on the Pareto front" "$tmp/out"; then
        ok "export --svg --cost $cost draws that cost's front"
    else not_ok "export --svg --cost $cost draws that cost's front"; fi
done

# ---- resume after SIGKILL ---------------------------------------------------
# An uninterrupted run for each algorithm, then runs killed at several
# moments and resumed: the same architectures in the same order, the same
# best, exactly the budget.
for algo in local rea collm; do
    case $algo in collm) B=1500 ;; *) B=6000 ;; esac
    "$COLLM" search --headless --quiet --algo $algo --budget $B --seed 5 --session "$tmp/full-$algo.jsonl" >/dev/null 2>&1
    "$COLLM" export "$tmp/full-$algo.jsonl" --csv - | cut -d, -f6 >"$tmp/full-$algo.archs"
    interrupted=0
    full=$(wc -l <"$tmp/full-$algo.jsonl")
    for frac in 0.3 0.6 0.85; do
        K="$tmp/kill-$algo-$frac.jsonl"
        # killed once its journal holds that share of the whole run's lines
        # (a clock would miss on a fast or a loaded machine)
        want=$(awk -v n="$full" -v f="$frac" 'BEGIN { printf "%d", n * f }')
        "$COLLM" search --headless --quiet --algo $algo --budget $B --seed 5 --session "$K" >/dev/null 2>&1 &
        pid=$!
        while kill -0 $pid 2>/dev/null && [ "$(wc -l <"$K" 2>/dev/null || echo 0)" -lt "$want" ]; do
            sleep 0.005
        done
        kill -KILL $pid 2>/dev/null
        wait $pid 2>/dev/null
        # a kill before the journal existed or after the end interrupts nothing
        [ -s "$K" ] || continue
        tail -c 300 "$K" | grep -q '"type":"session_ended"' && continue
        interrupted=$((interrupted + 1))
        run resume "$K" --quiet
        "$COLLM" export "$K" --csv - | cut -d, -f6 >"$tmp/k.archs"
        if [ "$rc" -eq 0 ] && cmp -s "$tmp/k.archs" "$tmp/full-$algo.archs"; then
            ok "$algo killed at $frac of its run and resumed: the same evaluations in the same order"
        else
            not_ok "$algo killed at $frac of its run and resumed: the same evaluations in the same order" \
                "rc $rc; $(wc -l <"$tmp/k.archs") vs $(wc -l <"$tmp/full-$algo.archs") lines" \
                "$(diff "$tmp/k.archs" "$tmp/full-$algo.archs" | head -3)"
        fi
    done
    if [ $interrupted -ge 1 ]; then ok "$algo: $interrupted of 3 kills interrupted the search"
    else skip "$algo: a kill interrupts the search" "every run ended before its kill landed"; fi
done

# ---- fork -----------------------------------------------------------------
cp "$S" "$tmp/orig"
run resume "$S" --from 30 --session "$tmp/fork.jsonl" --budget 50 --quiet
expect_rc "a fork succeeds" 0
if cmp -s "$S" "$tmp/orig"; then ok "the forked session is untouched"
else not_ok "the forked session is untouched"; fi
if head -1 "$tmp/fork.jsonl" | grep -q '"command":"fork","origin":"'; then ok "the fork records where it came from"
else not_ok "the fork records where it came from"; fi
if [ "$(sed -n '2,31p' "$tmp/fork.jsonl" | md5sum)" = "$(sed -n '2,31p' "$S" | md5sum)" ]; then
    ok "the fork starts with the old events up to --from"
else not_ok "the fork starts with the old events up to --from"; fi
expect_out "the fork goes on to its budget" "evaluated  50 of budget 50"
run resume "$S" --from 99999 --session "$tmp/f2.jsonl"
expect_rc "--from past the end is a usage error" 2
run resume "$S"
expect_rc "resuming a finished session without more budget is a usage error" 2
expect_err "it says how to go on" "give a larger --budget to go on"

# ---- damaged files: a clear message, a non-zero exit, nothing overwritten --
damaged() { # NAME FILE EXPECTED-RC MESSAGE
    cp "$2" "$tmp/before"
    run resume "$2"
    if [ "$rc" -eq "$3" ] && grep -qF -- "$4" "$tmp/err" && cmp -s "$2" "$tmp/before"; then ok "$1"
    else not_ok "$1" "rc $rc (wanted $3), wanted message: $4"; fi
}
head -c 0 /dev/null >"$tmp/empty.jsonl"
damaged "an empty file" "$tmp/empty.jsonl" 1 "the file is empty: not a collm session"
head -c 3000 /dev/urandom | tr '\n' 'x' >"$tmp/binary.jsonl"
damaged "a binary file" "$tmp/binary.jsonl" 1 "binary.jsonl:1:"
sed '1s/"version":2/"version":7/' "$S" >"$tmp/future.jsonl"
damaged "a newer format is refused" "$tmp/future.jsonl" 1 "written by a newer collm (session format 7)"
sed '20s/"type":"[a-z_]*"/"type":"eval_finished","metrics":7/' "$S" >"$tmp/corrupt.jsonl"
damaged "a corrupt line in the middle" "$tmp/corrupt.jsonl" 1 "corrupt.jsonl:20: "
sed '25d' "$S" >"$tmp/gap.jsonl"
damaged "a lost line" "$tmp/gap.jsonl" 1 "gap.jsonl:25: expected event 24, found 25"
{ head -1 "$S"; head -c 70000000 /dev/zero | tr '\0' 'a'; } >"$tmp/huge.jsonl"
damaged "a huge line" "$tmp/huge.jsonl" 1 "huge.jsonl:2: the line is longer than 64 MiB"
printf '{"hello": 1}\n' >"$tmp/other.jsonl"
damaged "a JSON file that is no session" "$tmp/other.jsonl" 1 "not a collm session"

# a torn last line (killed while writing): tolerated with a warning
head -c -40 "$S" >"$tmp/torn.jsonl"
run replay "$tmp/torn.jsonl" --speed 0 --quiet
expect_rc "a torn last line can be replayed" 0
expect_err "with a warning" "is cut short"
# an event type from a newer minor version is skipped with a warning
sed '0,/"type":"best_improved"/s/"type":"best_improved"/"type":"hologram"/' "$S" >"$tmp/newer.jsonl"
run replay "$tmp/newer.jsonl" --speed 0 --quiet
expect_rc "an unknown event type is skipped" 0
expect_err "with a warning" "an event type this collm does not know"

# a last line that is whole but lacks its newline gets one before appending
head -n 40 "$S" | head -c -1 >"$tmp/nonl.jsonl"
run resume "$tmp/nonl.jsonl" --quiet
expect_rc "a last line without its newline: resume goes on" 0
run replay "$tmp/nonl.jsonl" --speed 0 --quiet
expect_rc "and the file stays a valid session" 0

# one writer at a time
"$COLLM" search --headless --quiet --algo random --budget 15000 --fsync --session "$tmp/busy.jsonl" >/dev/null 2>&1 &
busy=$!
i=0; while [ ! -s "$tmp/busy.jsonl" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
run resume "$tmp/busy.jsonl" --budget 16000
if kill -0 $busy 2>/dev/null; then
    expect_rc "a session being written cannot be resumed at the same time" 1
    expect_err "it says so" "another collm is writing this session right now"
else ok "(the writer was done before the check: nothing to test)"; ok "(skipped)"; fi
kill $busy 2>/dev/null; wait $busy 2>/dev/null

run export "$S" --csv "$S"
expect_rc "export refuses to overwrite the session" 2
run resume "$S" --from 30 --session "$tmp/shrink.jsonl" --budget 10
expect_rc "a fork with a smaller budget is a usage error" 2
if [ -e "$tmp/shrink.jsonl" ]; then not_ok "and leaves no file"; else ok "and leaves no file"; fi

"$COLLM" search --headless --quiet --algo local --budget 200 --target 91.3 --seed 1 --session "$tmp/tgt.jsonl" >/dev/null 2>&1
run resume "$tmp/tgt.jsonl"
expect_rc "a session that reached its target wants a new one" 2
run resume "$tmp/tgt.jsonl" --target 91.5 --quiet
expect_rc "with a higher target it goes on" 0
expect_out "to the new target or the budget" "valid_acc"

# ---- the algorithm's own options travel in the header ----------------------
# ofa-ea's options were not recorded, so its sessions could not be resumed.
O="$tmp/ofa.jsonl"
"$COLLM" search --headless --quiet --space ofa-mbv3 --algo ofa-ea --ea-population 10 --generations 3 --budget 40 --session "$O" >/dev/null 2>&1
if grep -q '"params":{"ea-population":10,"generations":3,"mutate-prob":0.1}' "$O"; then
    ok "the header records every option of the algorithm"
else not_ok "the header records every option of the algorithm" "$(grep -o '"params":{[^}]*}' "$O")"; fi
"$COLLM" export "$O" --csv - | cut -d, -f6 >"$tmp/ofa.archs"
head -37 "$O" >"$tmp/ofa-cut.jsonl" # as if killed in its second generation
run resume "$tmp/ofa-cut.jsonl" --quiet
expect_rc "an ofa-ea session cut short resumes" 0
"$COLLM" export "$tmp/ofa-cut.jsonl" --csv - | cut -d, -f6 >"$tmp/ofa-cut.archs"
if cmp -s "$tmp/ofa.archs" "$tmp/ofa-cut.archs"; then ok "with the recorded options: the same evaluations in the same order"
else not_ok "with the recorded options: the same evaluations in the same order" "$(diff "$tmp/ofa.archs" "$tmp/ofa-cut.archs" | head -3)"; fi
# Sessions written before the registry held batch, population, tournament
# and prior for every algorithm: they still load, each taking its own.
R="$tmp/rea.jsonl"
"$COLLM" search --headless --quiet --algo rea --population 20 --tournament 5 --budget 60 --seed 3 --session "$R" >/dev/null 2>&1
"$COLLM" export "$R" --csv - | cut -d, -f6 >"$tmp/rea.archs"
head -25 "$R" | sed 's/"params":{[^}]*}/"params":{"batch":0,"population":20,"tournament":5,"prior":1}/' >"$tmp/rea-old.jsonl"
run resume "$tmp/rea-old.jsonl" --quiet
expect_rc "a session with the old params resumes" 0
"$COLLM" export "$tmp/rea-old.jsonl" --csv - | cut -d, -f6 >"$tmp/rea-old.archs"
if cmp -s "$tmp/rea.archs" "$tmp/rea-old.archs"; then ok "and goes on as the uninterrupted run did"
else not_ok "and goes on as the uninterrupted run did" "$(diff "$tmp/rea.archs" "$tmp/rea-old.archs" | head -3)"; fi

finish
