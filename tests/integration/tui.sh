# The TUI on a virtual screen, driven by key scripts (as tig's tests are):
# each dump is compared with the expected screen in tests/tui/expected/.
# To accept new screens after a deliberate change: TUI_ACCEPT=1 make test.
. tests/integration/lib.sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset COLLM_TUI_SCRIPT NO_COLOR
exp=tests/tui/expected
mkdir -p "$tmp/dumps"
script() { sed "s|OUT/|$tmp/dumps/|" "tests/tui/$1" >"$tmp/$1"; }

script live.script
run search --algo collm --budget 60 --seed 3 --script "$tmp/live.script" --size 80x24 \
    --session "$tmp/live.jsonl"
expect_rc "a scripted live TUI session succeeds" 0
expect_out "quitting prints where the search stood" "collm on nb201:cifar10: user (the user quit); 30 of 60 evaluated"
if [ -s "$tmp/live.jsonl" ] && grep -q '"detail":"paused by the user"\|"type":"paused"' "$tmp/live.jsonl"; then
    ok "the TUI's pauses and steps are in the journal"
else not_ok "the TUI's pauses and steps are in the journal"; fi

script replay.script
run replay "$tmp/live.jsonl" --script "$tmp/replay.script" --size 80x24
expect_rc "a scripted replay succeeds" 0

for f in live-80x24 help detail live-200x60 too-small sorted filtering quit-asks replay-it2 replay-it3 \
         replay-back replay-end; do
    if [ -n "${TUI_ACCEPT:-}" ]; then cp "$tmp/dumps/$f.txt" "$exp/$f.txt"; fi
    if cmp -s "$tmp/dumps/$f.txt" "$exp/$f.txt"; then ok "screen: $f"
    else not_ok "screen: $f" "$(diff "$exp/$f.txt" "$tmp/dumps/$f.txt" | head -8)"; fi
done

finish
