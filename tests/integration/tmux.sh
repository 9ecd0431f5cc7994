# The TUI in a real terminal (tmux): it starts, shows evaluations, pauses,
# helps, asks before quitting, restores the terminal, leaves its session,
# and uses no CPU while it waits.
. tests/integration/lib.sh
command -v tmux >/dev/null || { echo "# tmux is not installed"; finish; exit 0; }
sock="collm-test-$$"
T="tmux -L $sock"
trap '$T kill-server 2>/dev/null; rm -rf "$tmp" "$XDG_DATA_HOME"' EXIT
screen_has() { # TEXT [SECONDS]: wait until the pane shows TEXT
    i=0
    while [ $i -lt $((${2:-10} * 20)) ]; do
        $T capture-pane -p -t "$pane" >"$tmp/pane" 2>/dev/null
        grep -qF -- "$1" "$tmp/pane" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
pane=t
check() { if screen_has "$2" "${3:-10}"; then ok "$1"; else not_ok "$1" "the screen lacks: $2" "$(cat "$tmp/pane")"; fi; }

$T new-session -d -x 100 -y 32 -s t \
    "env LANG=C.UTF-8 XDG_DATA_HOME=$XDG_DATA_HOME $COLLM search --algo collm --budget 200 --pace 1; echo EXITED rc=\$?; sleep 60"
check "the TUI starts and shows evaluations" "/200"
check "the strategy pane shows the Navigator's sections" "# SUMMARY"
$T send-keys -t t p
check "p pauses" "PAUSED"
# the pane shell's own child: a bare pgrep -f also matches the tmux server
# (its command line holds the pane's) and any other suite's collm
pid=$(pgrep -P "$($T display -p -t t '#{pane_pid}')" -f "$COLLM search --algo collm --budget 200" | head -1)
if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
    sleep 0.5
    t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep 2
    t2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if [ $((t2 - t1)) -le 5 ]; then ok "paused, it uses no CPU ($((t2 - t1)) ticks in 2 s)"
    else not_ok "paused, it uses no CPU" "$((t2 - t1)) ticks in 2 s"; fi
fi
$T send-keys -t t '?'
check "? shows the keys" "this help"
$T send-keys -t t x
$T send-keys -t t q
check "q asks first while the search runs" "Quit?"
$T send-keys -t t y
check "y quits" "EXITED rc=0"
if grep -q "Strategy" "$tmp/pane"; then not_ok "the terminal is restored (the TUI is gone)"
else ok "the terminal is restored (the TUI is gone)"; fi
check "it says where the search stood" "collm on nb201:cifar10: stopped by you"
if ls "$XDG_DATA_HOME"/collm/sessions/*.jsonl >/dev/null 2>&1; then ok "the session file exists"
else not_ok "the session file exists"; fi

# Started with neither --pace nor --review (issue 13, "what confused most"
# 5): a slower pace than --pace's 1 s, and the footer says what r does
pane=first
$T new-session -d -x 100 -y 32 -s first \
    "env LANG=C.UTF-8 XDG_DATA_HOME=$XDG_DATA_HOME $COLLM search --algo collm --budget 100 --no-session; echo EXITED rc=\$?; sleep 60"
check "without --pace it goes at 2 s an iteration" "| pace 2s |"
check "without --review the footer says r holds batches" "auto review: r holds each batch for you"
$T send-keys -t first q
screen_has "Quit?" 5 && $T send-keys -t first y
check "it quits" "EXITED rc=0"

# A terminal that cannot move the cursor, or that terminfo does not know:
# a hint and a usage error, nothing drawn (issue 13 #8); headless still runs.
for term in dumb foobar; do
    pane=$term
    $T new-session -d -x 100 -y 32 -s $term \
        "env TERM=$term LANG=C.UTF-8 XDG_DATA_HOME=$XDG_DATA_HOME $COLLM search --algo collm --budget 20 --no-session; echo EXITED rc=\$?; sleep 60"
    check "TERM=$term says what to do" "use --headless, or a terminal that can move the cursor"
    check "TERM=$term is a usage error" "EXITED rc=2"
    if grep -q "Strategy\|? help\|Error opening terminal" "$tmp/pane"; then not_ok "TERM=$term draws nothing" "$(cat "$tmp/pane")"
    else ok "TERM=$term draws nothing"; fi
    $T new-session -d -x 100 -y 32 -s "h$term" \
        "env TERM=$term XDG_DATA_HOME=$XDG_DATA_HOME $COLLM search --headless --quiet --algo collm --budget 20 --no-session; echo EXITED rc=\$?; sleep 60"
    pane="h$term"
    check "TERM=$term --headless runs" "EXITED rc=0"
done
# Fork from a replay (f): the replay gives way to a live search of a new
# session that starts with the events up to where the replay stood.
src="$tmp/fork-src.jsonl"
"$COLLM" search --headless --quiet --algo collm --budget 30 --seed 2 --session "$src" >/dev/null 2>&1
pane=fork
$T new-session -d -x 100 -y 32 -s fork \
    "env LANG=C.UTF-8 XDG_DATA_HOME=$XDG_DATA_HOME $COLLM replay $src; echo EXITED rc=\$?; sleep 60"
check "the replay starts" "replay"
$T send-keys -t fork ':' '20' Enter
check "it goes to event 20" "event 20/"
$T send-keys -t fork f
check "f: a live search of the fork takes over and runs to its budget" "30/30 archs"
check "f: and ends on its budget (b offers more)" "ended: q quit  b more budget"
$T send-keys -t fork q
screen_has "Quit?" 5 && $T send-keys -t fork y
check "it ends like any search" "EXITED rc=0"
forked=$(grep -l "\"origin\":\"$src@20\"" "$XDG_DATA_HOME"/collm/sessions/*.jsonl 2>/dev/null | head -1)
if [ -n "$forked" ]; then ok "the fork is a new session whose header names $src@20"
else not_ok "the fork is a new session whose header names its origin" "$(ls "$XDG_DATA_HOME"/collm/sessions/)"; fi
if [ -n "$forked" ] && [ "$(sed -n 2,21p "$forked" | cut -d, -f2- | md5sum)" = "$(sed -n 2,21p "$src" | cut -d, -f2- | md5sum)" ]; then
    ok "it starts with the source's first 20 events"
else not_ok "it starts with the source's first 20 events"; fi

# resuming an LLM session in a terminal asks before using the endpoint its
# header names, naming the host; no sends nothing, yes resumes (issue 15.3)
: "${FAKE_LLM:=build/tools/fake_llm}"
"$FAKE_LLM" --log "$tmp/llm.log" >"$tmp/port" 2>/dev/null &
llm=$!
i=0; while ! grep -q port "$tmp/port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url="http://127.0.0.1:$(awk '{print $2}' "$tmp/port")/v1"
host=${url#http://}; host=${host%/v1}
OPENAI_API_KEY=sk-test-tmux-key "$COLLM" search --headless --quiet --algo collm --llm-url "$url" \
    --model fake-1 --budget 10 --session "$tmp/llm.jsonl" >/dev/null 2>&1
for answer in n y; do
    pane="r$answer"
    : >"$tmp/llm.log"
    $T new-session -d -x 100 -y 32 -s "r$answer" \
        "env OPENAI_API_KEY=sk-test-tmux-key LANG=C.UTF-8 XDG_DATA_HOME=$XDG_DATA_HOME $COLLM resume $tmp/llm.jsonl --budget 20 --pace 0; echo EXITED rc=\$?; sleep 60"
    check "resume ($answer) asks before using the session's endpoint" "The session names the LLM endpoint $url."
    check "resume ($answer) says the key would go there" "Send this search's requests and OPENAI_API_KEY there? [y/N]"
    $T send-keys -t "r$answer" $answer Enter
    if [ $answer = n ]; then
        check "no: resume refuses, saying how to allow it" "pass --llm-url URL"
        check "no: a usage error" "EXITED rc=2"
        if [ -s "$tmp/llm.log" ]; then not_ok "no: the endpoint got no request"; else ok "no: the endpoint got no request"; fi
    else
        check "yes: the TUI says which host gets the key" "OPENAI_API_KEY is sent to $host only"
        $T send-keys -t "r$answer" q
        $T send-keys -t "r$answer" y
        check "yes: the search resumed against it" "EXITED rc=0"
        if grep -q 'auth=yes' "$tmp/llm.log"; then ok "yes: the endpoint got the requests"; else not_ok "yes: the endpoint got the requests"; fi
    fi
done
kill $llm 2>/dev/null; wait $llm 2>/dev/null
finish
