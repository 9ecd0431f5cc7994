#!/bin/sh
# The config file (issue 13): $XDG_CONFIG_HOME/collm/config, else
# ~/.config/collm/config; --config FILE, --no-config; flags override it;
# its values are checked as the flags' are, with the file and line named.
. tests/integration/lib.sh
conf="$XDG_CONFIG_HOME/collm/config"
mkdir -p "$XDG_CONFIG_HOME/collm"
q="search --headless --quiet --no-session"

# the suite's own folder is empty: a search reads nothing (lib.sh)
run $q --algo rea --budget 4
expect_out "with no config file the built-in defaults hold" "rea on nb201:cifar10, seed 1: ended (budget: 4"

printf '# my defaults\n\n   # an indented comment\nalgo = rea\nbudget = 7\n\nseed=3\n' >"$conf"
run $q
expect_rc "a config file with comments and blank lines is read" 0
expect_out "its keys set the search (algo, budget, seed)" "rea on nb201:cifar10, seed 3: ended (budget: 7"

run $q --budget 5 --algo random
expect_out "a flag overrides the file" "random on nb201:cifar10, seed 3: ended (budget: 5"

run $q --no-config --budget 3
expect_out "--no-config ignores the file" "collm on nb201:cifar10, seed 1: ended (budget: 3"

# the XDG fallback: no XDG_CONFIG_HOME, the file under HOME
home="$tmp/home"
mkdir -p "$home/.config/collm"
printf 'algo = local\nbudget = 6\n' >"$home/.config/collm/config"
rc=0
env -u XDG_CONFIG_HOME HOME="$home" "$COLLM" $q >"$tmp/out" 2>"$tmp/err" || rc=$?
expect_out "without XDG_CONFIG_HOME, ~/.config/collm/config is read" "local on nb201:cifar10, seed 1: ended (budget: 6"
# a relative XDG_CONFIG_HOME is ignored, as the XDG spec says
rc=0
XDG_CONFIG_HOME=relative HOME="$home" "$COLLM" $q >"$tmp/out" 2>"$tmp/err" || rc=$?
expect_out "a relative XDG_CONFIG_HOME falls back to HOME" "local on nb201:cifar10, seed 1: ended (budget: 6"

printf 'budget = 9\n' >"$tmp/other.conf"
run $q --config "$tmp/other.conf" --algo rea
expect_out "--config FILE reads that file instead" "rea on nb201:cifar10, seed 1: ended (budget: 9"
run $q --config="$tmp/other.conf" --algo rea
expect_out "--config=FILE too" "rea on nb201:cifar10, seed 1: ended (budget: 9"
run $q --config "$tmp/missing.conf"
expect_rc "a missing file named by --config is a usage error" 2
expect_err "it names the file" "$tmp/missing.conf: cannot read the config file"
run $q --config "$tmp/other.conf" --no-config
expect_rc "--config and --no-config together is an error" 2
rm -f "$conf"
run $q --algo rea --budget 2
expect_rc "a missing default file is no error" 0

# bad input: the file, the line, what is wrong; exit 2
printf 'algo = rea\n\npce = 3\n' >"$conf"
run $q
expect_rc "an unknown key exits 2" 2
expect_err "it names file:line and suggests the key" "collm search: $conf:3: unknown key 'pce'; did you mean 'pace'?"
printf 'pace = -1\n' >"$conf"
run $q
expect_rc "pace = -1 exits 2" 2
expect_err "pace = -1 gets --pace's message at the file's line" "collm search: $conf:1: pace: expected 0 to 86400, got -1"
run $q --pace 2
expect_rc "a bad value the command line overrides is not in force" 0
run $q --pace -1
expect_err "--pace -1 on the command line gets the same message, at the flag" "collm search: --pace: expected 0 to 86400, got -1"
printf 'budget = many\n' >"$conf"
run $q
expect_err "a value the parser refuses names the line" "collm search: $conf:1: budget: expected a whole number, got 'many'"
printf 'review = sometimes\n' >"$conf"
run $q
expect_err "a value the command refuses names the line" "collm search: $conf:1: review: expected auto, candidates, strategy or all, got 'sometimes'"
printf 'algo\n' >"$conf"
run $q
expect_err "a key without a value" "$conf:1: expected 'algo = ALGO'"
printf 'budget = 3\nbudget = 4\n' >"$conf"
run $q
expect_err "a key set twice names both lines" "$conf:2: 'budget' is set already on line 1"
printf '%s\n' '--budget = 3' >"$conf"
run $q
expect_err "a key written as a flag is explained" "$conf:1: a key is the long flag without its dashes: 'budget'"
printf 'session = /tmp/x.jsonl\n' >"$conf"
run $q
expect_err "options of one run are not defaults" "$conf:1: 'session' names one run, not a default"
printf 'last = true\n' >"$conf"
run $q
expect_err "one that only another command takes is refused by every command" "$conf:1: 'last' names one run, not a default"
printf 'stream = maybe\n' >"$conf"
run $q
expect_err "a flag takes true or false" "$conf:1: stream: expected true or false, got 'maybe'"
printf 'headless = no\nquiet = yes\nalgo = rea\nbudget = 2\n' >"$conf"
run search --no-session --headless
expect_out "flags take yes/no" "rea on nb201:cifar10, seed 1: ended (budget: 2"

# a review policy is a default for the TUI: headless runs go on in auto,
# while --review on the command line still says it needs the TUI
printf 'review = candidates\nalgo = rea\nbudget = 3\n' >"$conf"
run $q
expect_rc "review = candidates in the file does not stop a headless run" 0
expect_out "which runs in auto review" "rea on nb201:cifar10, seed 1: ended (budget: 3"
run $q --review candidates
expect_rc "--review candidates with --headless is still refused" 2

# secrets: never a literal key in the file, never printed
printf 'openai-api-key = sk-secret-config-key\n' >"$conf"
run $q
expect_rc "an API key in the config file exits 2" 2
expect_err "it says where keys come from" "is not read from a file: collm takes the API key from OPENAI_API_KEY"
if grep -q sk-secret-config-key "$tmp/out" "$tmp/err"; then not_ok "the key is never printed"
else ok "the key is never printed"; fi

# one file for every command: resume skips what only a new search takes,
# replay and doctor read theirs
printf 'algo = rea\nbudget = 6\nspeed = 0\ntheme = mono\n' >"$conf"
run search --headless --quiet --session "$tmp/s.jsonl"
run replay "$tmp/s.jsonl" --headless --quiet
expect_rc "replay reads the file (speed, theme) and takes it" 0
run resume "$tmp/s.jsonl" --quiet --budget 8
expect_rc "resume skips the keys only a search takes (algo)" 0
run doctor
expect_out "doctor names the config file it read" "read      $conf"
run doctor --no-config
expect_out "doctor says when none is read" "none: --no-config"
rm -f "$conf"
run doctor
expect_out "doctor says when the default file does not exist" "none: $conf does not exist"
printf 'thme = mono\n' >"$conf"
run doctor
expect_out "doctor reports a broken config file" "FAILED    $conf:1: unknown key 'thme'; did you mean 'theme'?"
rm -f "$conf"
# the endpoint: the command line, then OPENAI_BASE_URL, then the file (as
# git and pip rank them); the file's dead port is not asked when the
# environment names a live server
start_llm
printf 'llm-url = http://127.0.0.1:9/v1\nmodel = fake-1\n' >"$tmp/llm.conf"
OPENAI_BASE_URL=$URL run search --headless --no-session --algo collm --budget 10 \
    --config "$tmp/llm.conf"
expect_rc "OPENAI_BASE_URL beats the file's llm-url" 0
if grep -q "127.0.0.1:9\b" "$tmp/err"; then not_ok "and the file's endpoint is not used" "$(head -3 "$tmp/err")"
else ok "and the file's endpoint is not used"; fi
run search --headless --no-session --algo collm --budget 10 --config "$tmp/llm.conf" --llm-url "$URL"
expect_rc "--llm-url beats the file's llm-url" 0
run search --headless --no-session --algo collm --budget 10 --config "$tmp/llm.conf"
expect_rc "alone, the file's llm-url is the endpoint (a dead port: the search fails)" 1
stop_llm

finish
