# collm compare: two real sessions (two algorithms, the same seed) overlaid
# on the terminal and in SVG, and every way of asking it wrongly.
. tests/integration/lib.sh

A="$tmp/rea.jsonl" B="$tmp/collm.jsonl"
"$COLLM" search --headless --quiet --algo rea --budget 30 --seed 4 --session "$A" >/dev/null 2>&1
"$COLLM" search --headless --quiet --algo collm --budget 30 --seed 4 --session "$B" >/dev/null 2>&1
# the best of each, as export's CSV has it (valid_acc is the 7th column)
best() { "$COLLM" export "$1" --csv - | awk -F, 'NR > 1 && (b == "" || $7 > b) { b = $7 } END { printf "%.2f", b }'; }

unset COLUMNS
LC_ALL=C.UTF-8 run compare "$A" "$B"
expect_rc "compare of two sessions succeeds" 0
# an entry too wide for the screen goes on under its file: joined here
awk '/^     [^ ]/ { sub(/^ +/, " "); last = last $0; next } NR > 1 { print last } { last = $0 }
     END { print last }' "$tmp/out" >"$tmp/legend"
if grep -qE "^  A  $A +nb201:cifar10  rea +30 evaluations  best $(best "$A")\$" "$tmp/legend" &&
   grep -qE "^  B  $B +nb201:cifar10  collm +30 evaluations  best $(best "$B")\$" "$tmp/legend"; then
    ok "the legend names each file with its space, algorithm, evaluations and best"
else not_ok "the legend names each file with its space, algorithm, evaluations and best"; fi
if grep -q '^Best so far$' "$tmp/out" && grep -q '^Pareto fronts$' "$tmp/out" &&
   grep -qE '[0-9] +evaluation$' "$tmp/out" && grep -qE '[0-9] +flops \(M\)$' "$tmp/out"; then
    ok "both plots, their x axes labelled with numbers and their titles"
else not_ok "both plots, their x axes labelled with numbers and their titles"; fi
# y labels: a number against a tick of the axis line
if [ "$(grep -cE '^ *[0-9]+(\.[0-9]+)?┤' "$tmp/out")" -ge 4 ]; then ok "the y axes have ticks with values"
else not_ok "the y axes have ticks with values"; fi
braille="$(printf '\342')[$(printf '\240-\243')]" # U+2800..U+28FF in UTF-8
if LC_ALL=C grep -q "$braille" "$tmp/out" && grep -qE '(┤|│).*A' "$tmp/out" &&
   grep -qE '(┤|│).*B' "$tmp/out"; then
    ok "with UTF-8: braille lines, a letter for each session's points"
else not_ok "with UTF-8: braille lines, a letter for each session's points"; fi
# columns, not bytes: braille and box lines are 3 bytes of UTF-8 each
cols() { LC_ALL=C sed "s/$(printf '\342')../x/g" "$tmp/out" | awk -v w="$1" 'length($0) > w { bad = 1 } END { exit bad }'; }
if cols 80; then
    ok "not on a terminal and without \$COLUMNS: 80 columns at most"
else not_ok "not on a terminal and without \$COLUMNS: 80 columns at most"; fi

COLUMNS=60 LC_ALL=C run compare "$A" "$B" --cost params
expect_rc "compare --cost params succeeds" 0
if ! LC_ALL=C grep -q '[^ -~]' "$tmp/out" && grep -qE '^ *[0-9.]+\+' "$tmp/out" &&
   grep -qE '[0-9] +params \(M\)$' "$tmp/out" && grep -qE '[|_-]B|B[|_-]' "$tmp/out"; then
    ok "without UTF-8: ASCII only, + ticks, the cost's title, letters on - _ | lines"
else not_ok "without UTF-8: ASCII only, + ticks, the cost's title, letters on - _ | lines"; fi
if cols 60; then ok "\$COLUMNS sets the width"
else not_ok "\$COLUMNS sets the width"; fi

run compare "$A" "$B" --svg "$tmp/c.svg"
expect_rc "compare --svg succeeds" 0
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$tmp/c.svg" 2>"$tmp/err"; then
        ok "the SVG is well-formed XML"
    else not_ok "the SVG is well-formed XML"; fi
else skip "the SVG is well-formed XML" "python3 is not installed"; fi
paths() { grep -c "<path .*<title>$1: $2</title></path>" "$tmp/c.svg"; }
if [ "$(paths "$A" 'best so far')" -eq 1 ] && [ "$(paths "$B" 'best so far')" -eq 1 ] &&
   [ "$(paths "$A" 'Pareto front')" -eq 1 ] && [ "$(paths "$B" 'Pareto front')" -eq 1 ] &&
   [ "$(grep -o '<path fill="none" stroke="#[0-9a-f]*"' "$tmp/c.svg" | sort -u | wc -l)" -eq 2 ]; then
    ok "the SVG has a best-so-far path and a front path per session, a colour each"
else not_ok "the SVG has a best-so-far path and a front path per session, a colour each"; fi
if grep -qF "$A: nb201:cifar10, rea, 30 evaluations, best $(best "$A")" "$tmp/c.svg" &&
   grep -qF "$B: nb201:cifar10, collm, 30 evaluations, best $(best "$B")" "$tmp/c.svg" &&
   grep -q '>evaluation</text>' "$tmp/c.svg" && grep -q '>flops (M)</text>' "$tmp/c.svg" &&
   [ "$(grep -c 'text-anchor="end">[0-9.]*</text>' "$tmp/c.svg")" -ge 4 ]; then
    ok "the SVG has a legend, axis titles and ticks with values"
else not_ok "the SVG has a legend, axis titles and ticks with values"; fi

# ---- errors ---------------------------------------------------------------
run compare "$A"
expect_rc "one session is a usage error" 2
expect_err "it says two are needed" "collm compare: give two or more session files to compare"
run compare "$A" "$tmp/nope.jsonl"
expect_rc "a missing file fails" 1
expect_err "it names the file" "nope.jsonl: cannot open the session"
sed '20s/"type":"[a-z_]*"/"type":"eval_finished","metrics":7/' "$B" >"$tmp/corrupt.jsonl"
run compare "$A" "$tmp/corrupt.jsonl"
expect_rc "a corrupt file fails" 1
expect_err "it names the file and the line" "corrupt.jsonl:20: "
"$COLLM" search --headless --quiet --space nb201:cifar100 --budget 10 --seed 4 --session "$tmp/c100.jsonl" >/dev/null 2>&1
run compare "$A" "$tmp/c100.jsonl"
expect_rc "sessions of different spaces are a usage error" 2
expect_err "it says which searched what" "searched nb201:cifar10 and $tmp/c100.jsonl searched nb201:cifar100: only sessions of one space"
sed '2s/"objective":"valid_acc"/"objective":"test_acc"/' "$B" >"$tmp/obj.jsonl"
run compare "$A" "$tmp/obj.jsonl"
expect_rc "sessions of different objectives are a usage error" 2
expect_err "it says which maximises what" "maximises valid_acc and $tmp/obj.jsonl maximises test_acc"
run compare "$A" "$B" --cost nope
expect_rc "an unknown --cost is a usage error" 2
expect_err "it says what the space's costs are not" "--cost: 'nope' is not a cost of nb201:cifar10"
cp "$A" "$tmp/before"
run compare "$A" "$B" --svg "$A"
if [ "$rc" -eq 2 ] && cmp -s "$A" "$tmp/before" && grep -q 'it would be overwritten' "$tmp/err"; then
    ok "--svg onto a session it reads is refused, the session untouched"
else not_ok "--svg onto a session it reads is refused, the session untouched"; fi
finish
