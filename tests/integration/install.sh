# make install / uninstall, and the shell completions: an installed collm
# finds the installed data, prompts and themes from another folder, with the
# source tree's folders out of its reach; uninstall takes back all it put;
# the bash completion offers what the program's own --help and spaces say.
. tests/integration/lib.sh
: "${FAKE_LLM:=build/tools/fake_llm}"
unset OPENAI_BASE_URL
repo=$(pwd)
case $FAKE_LLM in /*) ;; *) FAKE_LLM=$repo/$FAKE_LLM ;; esac # the checks run elsewhere
b=$(dirname "$COLLM")
p=$tmp/p

# The build under test, as it is (-o: make must not rebuild it, as the
# sanitizer build's flags are not the Makefile's defaults).
install_run() { # TARGET MAKE-ARGS...
    t=$1; shift
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory BUILD="$b" -o "$b/collm" \
        "$t" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

install_run install PREFIX="$p"
expect_rc "make install PREFIX=DIR succeeds" 0
missing=
for f in bin/collm share/collm/data/nb201.csv share/collm/prompts/nb201/navigator.system.txt \
    share/collm/themes/dark.theme share/man/man1/collm.1 \
    share/bash-completion/completions/collm share/zsh/site-functions/_collm; do
    [ -s "$p/$f" ] || missing="$missing $f"
done
[ -x "$p/bin/collm" ] || missing="$missing bin/collm(executable)"
if [ -z "$missing" ]; then ok "it installs the binary, data, prompts, themes, man page, completions"
else not_ok "it installs the binary, data, prompts, themes, man page, completions" "missing:$missing"; fi

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 1
COLLM=$p/bin/collm
run doctor
expect_out "the installed collm reads the installed data" "Data ($p/share/collm/data)"
run search --headless --quiet --budget 5 --theme nosuch
expect_err "and the installed themes" "files in $p/share/collm/themes"

# The source tree's data/, prompts/ and themes/ (the compiled-in paths)
# hidden behind empty folders, in a mount namespace of this test alone.
mkdir "$tmp/empty"
hidden() { # ARGS...: collm ARGS with the tree's folders out of reach
    unshare -rm sh -c 'for d in data prompts themes; do mount --bind "$1" "$2/$d" || exit 99; done
        shift 2; exec "$@"' sh "$tmp/empty" "$repo" "$COLLM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
hidden spaces
if [ $rc -eq 99 ] || grep -q 'unshare' "$tmp/err"; then
    for c in "spaces works" "search --headless works" "the themes load" "the prompts load"; do
        skip "with the tree's folders hidden, $c" "no mount namespace here (unshare -rm failed)"
    done
else
    expect_rc "with the tree's folders hidden, spaces works" 0
    hidden search --headless --quiet --budget 5 --theme light --no-session
    expect_rc "with the tree's folders hidden, search --headless works" 0
    hidden search --headless --quiet --budget 5 --theme nosuch
    expect_err "with the tree's folders hidden, the themes load" "expected one of dark, light, mono"
    start_llm
    hidden search --headless --quiet --algo collm --llm-url "$URL" --model fake-1 --budget 10 \
        --session "$tmp/llm.jsonl"
    stop_llm
    if [ $rc -eq 0 ] && head -1 "$tmp/llm.jsonl" | grep -qF "$p/share/collm/prompts"; then
        ok "with the tree's folders hidden, the prompts load"
    else not_ok "with the tree's folders hidden, the prompts load" "exit $rc; header: $(head -c 300 "$tmp/llm.jsonl")"; fi
fi
cd "$repo" || exit 1
COLLM=$b/collm

# The bash completion, as installed, asked the way bash asks it.
comp() { # WORDS...: the last one is being completed; COMPREPLY to $tmp/out
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _collm
        printf "%s\n" "${COMPREPLY[@]}"' sh "$p/share/bash-completion/completions/collm" \
        "$p/bin/collm" "$@" >"$tmp/out" 2>"$tmp/err"
}
expect_words() { # NAME WORDS: the replies, sorted, are exactly WORDS
    got=$(sort "$tmp/out" | tr '\n' ' ')
    want=$(printf '%s\n' $2 | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then ok "$1"; else not_ok "$1" "got: $got" "expected: $want"; fi
}
comp se
expect_words "bash completes a command's prefix" "search sessions"
comp search --sp
expect_words "bash completes a flag of search" "--space"
comp search --space ""
expect_words "bash offers collm spaces' spaces for --space" \
    "$("$COLLM" spaces | awk '/^Spaces/ { s = 1; next } /^$/ { s = 0 } s { print $1 }')"
comp search --space nb201 : cifar1
expect_words "and the rest of a name readline split at ':'" "cifar10 cifar100"
comp search --review ""
expect_words "bash offers --review's policies" "auto candidates strategy all"
comp bench --algo rea,lo
expect_words "bash completes the last item of a comma list" "rea,local"
comp resume --eval-w
expect_words "bash completes resume's flags" "--eval-workers"
mkdir "$tmp/s" && : >"$tmp/s/run.jsonl" && : >"$tmp/s/notes.txt"
comp replay "$tmp/s/"
expect_words "bash offers session files for replay" "$tmp/s/run.jsonl"
comp compare "$tmp/s/run.jsonl" "$tmp/s/"
expect_words "and for each file compare takes" "$tmp/s/run.jsonl"
comp search --no-con
expect_words "bash completes --no-config" "--no-config"
comp search --config "$tmp/s/"
expect_words "bash offers any file for --config" "$tmp/s/notes.txt $tmp/s/run.jsonl"

# The zsh completion, as installed, asked by a zsh of its own on a pty
# (tests/tools/zcomplete.zsh types the line and a Tab).
zcomp() { # LINE: what zsh offers for it, to $tmp/out
    PATH="$p/bin:$PATH" timeout 30 zsh -f tests/tools/zcomplete.zsh \
        "$p/share/zsh/site-functions" "collm $1" >"$tmp/out" 2>"$tmp/err"
}
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
    if zsh -n "$p/share/zsh/site-functions/_collm" 2>"$tmp/err"; then ok "the zsh completion parses"
    else not_ok "the zsh completion parses"; fi
    zcomp se
    expect_words "zsh completes a command's prefix" "search sessions"
    zcomp "search --sp"
    expect_words "zsh completes a flag of search" "--space"
    zcomp "search --space nb"
    expect_words "zsh offers collm spaces' spaces for --space" \
        "$("$COLLM" spaces | awk '/^Spaces/ { s = 1; next } /^$/ { s = 0 } s && /^  nb/ { print $1 }')"
    zcomp "search --review "
    expect_words "zsh offers --review's policies" "auto candidates strategy all"
    zcomp "resume --eval-w"
    expect_words "zsh completes resume's flags" "--eval-workers"
else
    for c in parses command flag spaces policies resume; do
        skip "the zsh completion: $c" "zsh (with its zpty module) is not installed"
    done
fi

install_run uninstall PREFIX="$p"
left=$(find "$p" -type f | sed "s|^$p/||" | tr '\n' ' ')
if [ $rc -eq 0 ] && [ -z "$left" ]; then ok "make uninstall removes all install put"
else not_ok "make uninstall removes all install put" "exit $rc; left: $left"; fi

# Staged (DESTDIR), then used where it lies: the binary finds its copy from
# where it is, not from PREFIX.
install_run install DESTDIR="$tmp/stage" PREFIX=/opt/collm
COLLM=$tmp/stage/opt/collm/bin/collm
run doctor
expect_out "a DESTDIR staging installs under it, and runs there" "Data ($tmp/stage/opt/collm/share/collm/data)"
install_run uninstall DESTDIR="$tmp/stage" PREFIX=/opt/collm
if [ -z "$(find "$tmp/stage" -type f)" ]; then ok "make uninstall DESTDIR=... removes the staging"
else not_ok "make uninstall DESTDIR=... removes the staging"; fi
finish
