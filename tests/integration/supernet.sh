# Searches of the built-in supernet (fmnist-supernet) from the command line:
# headless random, collm (offline agents) and rea searches end with a best,
# a constraint is kept, invalid dicts are named. COLLM_EVAL_IMAGES=100
# (the least it takes) scores each subnet on 100 validation and 100 test
# images only (and recalibrates on 100): no check reads an accuracy's
# value, and an evaluation takes a fraction of a second.
. tests/integration/lib.sh

export COLLM_EVAL_IMAGES=100
S="--headless --space fmnist-supernet --budget 6 --seed 1 --no-session"

# expect_search NAME: a finished headless search of 6 and its best
expect_search() {
    expect_rc "$1: exits 0" 0
    expect_out "$1: ends on its budget" "ended (budget: 6 distinct architectures evaluated)"
    if grep -q '^best       {"r":[0-9]*,"d":\[' "$tmp/out"; then ok "$1: names the best subnet"
    else not_ok "$1: names the best subnet"; fi
    if grep -q '^           valid_acc [0-9][0-9.]*%  test_acc [0-9][0-9.]*%  flops ' "$tmp/out"
    then ok "$1: the best has valid_acc and test_acc"
    else not_ok "$1: the best has valid_acc and test_acc"; fi
    expect_out "$1: evaluated all 6" "evaluated  6 of budget 6"
}

run search $S --algo random
expect_search "random"

run search $S --algo collm
expect_search "collm"
expect_out "collm: offline agents without an LLM" "navigator offline-navigator (offline)"
cp "$tmp/out" "$tmp/collm1"
# a batch of 6 runs on every worker at once; the results still come back in
# the order submitted, so the seed decides the search
run search $S --algo collm
if cmp -s "$tmp/out" "$tmp/collm1"; then ok "collm: same seed, same output byte for byte"
else not_ok "collm: same seed, same output byte for byte"; fi

run search $S --algo rea
expect_search "rea"

# --- a constraint: nothing over it is evaluated or reported -------------------
"$COLLM" search --json --space fmnist-supernet --algo random --budget 6 --seed 2 --no-session \
    --constraint 'flops<=2' >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "a constrained search exits 0" 0
flops=$(grep -E '"type":"(eval_finished|best_improved|front_changed)"' "$tmp/out" |
    grep -o '"flops":[0-9.e+-]*' | cut -d: -f2)
nf=$(echo "$flops" | grep -c .)
over=$(echo "$flops" | awk '$1 > 2' | wc -l)
if [ "$nf" -ge 6 ] && [ "$over" -eq 0 ]; then ok "every architecture reported is within flops<=2"
else not_ok "every architecture reported is within flops<=2" "$nf flops values, $over over 2"; fi
if [ "$(grep -c '"type":"eval_finished"' "$tmp/out")" -eq 6 ]; then
    ok "the constrained search evaluated 6"
else not_ok "the constrained search evaluated 6"; fi

# --- eval: an invalid dict exits 2 naming the field ---------------------------
run eval --space fmnist-supernet '{"r":28,"d":[4,4],"ks":[7,7,7,7,7,7,7,9],"e":[6,6,6,6,6,6,6,6]}'
expect_rc "eval of an invalid subnet exits 2" 2
expect_err "the bad field is named" "ks[7]: expected 3, 5 or 7"
run eval --space fmnist-supernet '{"r":27,"d":[4,4],"ks":[7,7,7,7,7,7,7,7],"e":[6,6,6,6,6,6,6,6]}'
expect_rc "eval of a bad resolution exits 2" 2
expect_err "the resolution is named" "r: expected the resolution, 20, 24 or 28"
run eval --space fmnist-supernet '{"r":28,"d":[4,4],"ks":[7,7,7,7,7,7,7,7],"e":[6,6,6,6,6,6,6,6]}'
expect_rc "eval of the largest subnet exits 0" 0
if grep -q '"metrics":{"valid_acc":[0-9.]*,"test_acc":[0-9.]*,"flops":5.435728' "$tmp/out"
then ok "eval prints the largest subnet's metrics"
else not_ok "eval prints the largest subnet's metrics"; fi

# --- COLLM_EVAL_IMAGES that is not a count is refused, naming it ---------------
COLLM_EVAL_IMAGES=lots "$COLLM" eval --space fmnist-supernet \
    '{"r":20,"d":[2,2],"ks":[3,3,0,0,3,3,0,0],"e":[3,3,0,0,3,3,0,0]}' >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "a bad COLLM_EVAL_IMAGES exits 2" 2
expect_err "it names the variable" "COLLM_EVAL_IMAGES: expected a whole number of images, at least 100"

finish
