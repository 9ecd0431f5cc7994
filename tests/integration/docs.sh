#!/bin/sh
# The man page stays true to the program: every command and every --flag
# that a command's --help prints is in man/collm.1, under that command (its
# own "collm CMD" part or a shared part naming it in parentheses), no flag
# is there that the command's --help does not know, and the page renders
# without a warning. Also every key of the README's key table.
. tests/integration/lib.sh
page=man/collm.1

# The commands, from the command list of collm --help.
run --help
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/out")
if [ -n "$cmds" ]; then ok "collm --help lists the commands"
else not_ok "collm --help lists the commands" "no 'Commands:' list"; fi

# "CMD --flag" for every flag the page defines (an .IP tag in bold),
# CMD from the part's title: "collm CMD", or each name in "(A, B, ...)".
awk '
/^\.SS / { t = $0; sub(/^\.SS +"?/, "", t); sub(/"$/, "", t); n = 0
    if (t ~ /^collm [a-z]+$/) { split(t, w, " "); c[1] = w[2]; n = 1 }
    else if (t ~ /\(.*\)/) { l = t; sub(/^[^(]*\(/, "", l); sub(/\).*$/, "", l)
        n = split(l, c, /, */) }
    next }
/^\.SH / { n = 0; next }
/^\.IP "\\fB\\-\\-/ { f = $0; sub(/^\.IP "\\fB/, "", f); sub(/\\fR.*/, "", f); gsub(/\\/, "", f)
    for (i = 1; i <= n; i++) print c[i], f }' "$page" | sort -u >"$tmp/page.flags"

for c in $cmds; do
    run "$c" --help
    grep -o '^  --[a-z0-9][a-z0-9-]*' "$tmp/out" | sed "s/^  /$c /" | sort -u >"$tmp/help.flags"
    cp "$tmp/out" "$tmp/help.$c"
    grep "^$c " "$tmp/page.flags" >"$tmp/mine.flags"
    if ! grep -q "^\.IP \"\\\\fB$c\\\\fR\"$" "$page"; then
        not_ok "the man page has the command $c" "no '$c' under COMMANDS in $page"
    elif ! sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page" | grep -q "collm $c\b"; then
        not_ok "the man page has the command $c" "no 'collm $c' in the SYNOPSIS"
    elif [ ! -s "$tmp/help.flags" ] && ! grep -q "^\.SS \"collm $c\"" "$page"; then
        not_ok "the man page has the command $c" "no part 'collm $c' under OPTIONS"
    else ok "the man page has the command $c"; fi
    missing=$(comm -23 "$tmp/help.flags" "$tmp/mine.flags" | cut -d' ' -f2 | tr '\n' ' ')
    if [ -z "$missing" ]; then ok "every flag of collm $c --help is in the man page"
    else not_ok "every flag of collm $c --help is in the man page" "missing: $missing"; fi
    extra=$(comm -13 "$tmp/help.flags" "$tmp/mine.flags" | cut -d' ' -f2 | tr '\n' ' ')
    if [ -z "$extra" ]; then ok "the man page gives collm $c no flag its --help lacks"
    else not_ok "the man page gives collm $c no flag its --help lacks" "not in --help: $extra"; fi
done

# Anywhere on the page (prose, examples, synopsis): a flag some --help knows.
cat "$tmp"/help.* >"$tmp/all.help"
"$COLLM" --help >>"$tmp/all.help"
unknown=$(sed -e '/^\.\\"/d' -e 's/\\-/-/g' "$page" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u | while read -r f; do
    grep -q -- "$f\b" "$tmp/all.help" || printf '%s ' "$f"
done)
if [ -z "$unknown" ]; then ok "every flag the man page names is one a --help knows"
else not_ok "every flag the man page names is one a --help knows" "unknown: $unknown"; fi

# The keys of the README's table (made from tui/actions.h) in TUI KEYS.
sed -n '/^<!-- keys:/,/^<!-- \/keys -->/s/^| `\([^`]*\)` |.*/\1/p' README.md |
    tr ' ' '\n' | grep -v '^/\?$' | sort -u >"$tmp/readme.keys"
awk '/^\.SH "TUI KEYS"/ { on = 1; next } /^\.SH / { on = 0 }
on && /^\.IP / { l = $0; gsub(/\\-/, "-", l)
    while (match(l, /\\fB[^\\]*\\fR/)) {
        print substr(l, RSTART + 3, RLENGTH - 6); l = substr(l, RSTART + RLENGTH) } }' \
    "$page" | sort -u >"$tmp/page.keys"
missing=$(comm -23 "$tmp/readme.keys" "$tmp/page.keys" | tr '\n' ' ')
if [ -s "$tmp/readme.keys" ] && [ -z "$missing" ]; then ok "every key of the README's table is in TUI KEYS"
else not_ok "every key of the README's table is in TUI KEYS" "missing: ${missing:-(no README key table)}"; fi

# It renders: groff's warnings all on (-ww), and man's own formatting.
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$page" >"$tmp/out" 2>"$tmp/err"
    if [ $? -eq 0 ] && [ ! -s "$tmp/err" ]; then ok "groff renders the man page without a warning"
    else not_ok "groff renders the man page without a warning"; fi
else skip "groff renders the man page without a warning" "groff is not installed"; fi
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$page" >"$tmp/out" 2>"$tmp/err"
    if [ $? -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '^NAME' "$tmp/out"; then
        ok "man -l renders the man page"
    else not_ok "man -l renders the man page"; fi
else skip "man -l renders the man page" "man (man-db) is not installed"; fi
finish
