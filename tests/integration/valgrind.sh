# Memcheck over whole commands: uninitialised reads that ASan does not see
# (a search once read a stack slot it had not written). Only on the normal
# build: valgrind and the sanitizers do not mix.
. tests/integration/lib.sh
case "$COLLM" in *asan*) finish; exit 0 ;; esac
command -v valgrind >/dev/null || { echo "# valgrind is not installed"; finish; exit 0; }

vg() { # NAME ARGS...
    name=$1
    shift
    valgrind -q --error-exitcode=99 --leak-check=no "$COLLM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 99 ] && ! grep -q '==[0-9]*==' "$tmp/err"; then ok "$name"
    else not_ok "$name" "valgrind found errors"; fi
}
vg "memcheck: collm search" search --algo collm --budget 60 --seed 7 --session "$tmp/v.jsonl" --quiet
vg "memcheck: local search with a constraint" search --algo local --budget 60 --no-session --constraint 'flops<=100' --quiet
vg "memcheck: resume with a larger budget" resume "$tmp/v.jsonl" --budget 80 --quiet
vg "memcheck: export" export "$tmp/v.jsonl" --csv /dev/null --pareto /dev/null --svg /dev/null
vg "memcheck: compare" compare "$tmp/v.jsonl" "$tmp/v.jsonl" --svg /dev/null
vg "memcheck: bench" bench --seeds 2 --budget 30 --algo random,rea,local,collm
finish
