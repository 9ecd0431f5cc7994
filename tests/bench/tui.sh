#!/bin/sh
# make bench: the TUI's frame time. A full redraw of a 200x60 screen with
# 10,000 evaluated architectures (history, Pareto plot, best curve), against
# a full redraw of the same screen before the first evaluation, in the same
# run; medians of 200 frames. Idle CPU is checked by tests/integration/tmux.sh.
COLLM=${1:-build/collm}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat >"$t/s" <<EOS
frames 200 $t/empty
run
frames 200 $t/full
quit
EOS
LANG=C.UTF-8 "$COLLM" search --algo random --batch 100 --budget 10000 --no-session \
    --script "$t/s" --size 200x60 >/dev/null || exit 1
med() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
e=$(med "$t/empty")
f=$(med "$t/full")
echo
echo "TUI frame time, 200x60, full redraw (median of 200 frames)"
echo
echo "| screen | ms per frame | x the empty screen |"
echo "|---|---:|---:|"
awk -v e="$e" -v f="$f" 'BEGIN {
    printf "| before the first evaluation: baseline | %.3f | 1.0 |\n", e * 1000
    printf "| 10,000 evaluated architectures | %.3f | %.1f |\n", f * 1000, f / e }'
