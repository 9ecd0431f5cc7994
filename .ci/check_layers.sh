#!/bin/sh
# The layers of DESIGN §2, checked on the #include lines themselves:
#   engine/   includes nothing above it (no tui/, widgets/, sessions/, curses)
#   widgets/  includes no engine/ (nor tui/, sessions/)
#   sessions/ includes engine/ only
#   tui/      may include everything
# and inside engine/ the graph of folders (core, spaces, eval ...) has no
# circle: a folder that includes another may not be included back by it,
# however long the way round. Prints every offence; exit 1 if there is one.
# Usage: sh .ci/check_layers.sh [ROOT]
cd "${1:-.}" || exit 2
bad=0

# "FILE:LINE:#include ..." of the quoted and angle includes under $1
includes() { grep -rnE '^[[:space:]]*#[[:space:]]*include' "$1" --include='*.c' --include='*.h'; }

deny() { # folder, extended regex of what it must not include, why
    hits=$(includes "$1" | grep -E "$2")
    if [ -n "$hits" ]; then
        printf '%s\n' "$hits" >&2
        echo "layer check: $3" >&2
        bad=1
    fi
}

curses='#[[:space:]]*include *<(n?curses(w)?|ncursesw?/[^>]*|term)\.h>'
deny engine "$curses|\"([^\"]*/)?(tui|widgets|sessions)/" \
    "engine/ must not include curses, tui/, widgets/ or sessions/"
deny widgets "\"([^\"]*/)?(engine|tui|sessions)/" \
    "widgets/ must not include engine/, tui/ or sessions/"
deny sessions "$curses|\"([^\"]*/)?(tui|widgets)/" \
    "sessions/ may include engine/ only"

# The folder graph of engine/: one "FROM TO" line per include that leaves
# its folder (../X/...), then a depth-first search for a way back.
edges=$(includes engine | sed -nE 's#^engine/([^/]+)/[^:]*:[0-9]+:.*"\.\./([^/"]+)/.*#\1 \2#p' |
        sort -u)
cycle=$(printf '%s\n' "$edges" | awk '
    NF == 2 && $1 != $2 { adj[$1] = adj[$1] " " $2; node[$1]; node[$2] }
    function visit(n, path,   k, m, i, nb) {
        if (state[n] == 1) { found = path " -> " n; return 1 }
        if (state[n] == 2) return 0
        state[n] = 1
        m = split(adj[n], nb, " ")
        for (i = 1; i <= m; i++)
            if (visit(nb[i], path == "" ? n : path " -> " n)) return 1
        state[n] = 2
        return 0
    }
    END { for (n in node) if (!state[n] && visit(n, "")) { print found; exit } }')
if [ -n "$cycle" ]; then
    echo "layer check: engine/ folders include each other in a circle: $cycle" >&2
    printf '%s\n' "$edges" | sed 's/^/  /' >&2
    bad=1
fi
exit $bad
