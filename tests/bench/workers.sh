#!/bin/sh
# make bench: worker programs (README "Bring your own supernet").
#  1. What the protocol costs per evaluation, locally and through srun:
#     bench_worker, with a real single-node Slurm started here
#     (tests/tools/slurm.sh; it needs root, and says why when it cannot).
#  2. The example torch worker (tests/bench/torch_worker.py) against collm's
#     own evaluator: the same 20-subnet random search (seed 11) in process
#     and through 2 torch workers; every subnet's validation and test
#     accuracy must agree within 0.1 point (exit status 1 if not), which
#     checks collm's C kernels and data split against torch's.
#   usage: sh tests/bench/workers.sh COLLM BENCH_WORKER
COLLM=$1
BW=$2
t=$(mktemp -d)
. tests/tools/slurm.sh
up=0
if slurm_up "$t/slurm"; then up=1; else SLURM_WHY=${SLURM_WHY:-unknown}; export SLURM_WHY; fi
COLLM=$COLLM "$BW"
rc=$?
[ "$up" -eq 1 ] && slurm_down "$t/slurm"
unset SLURM_CONF
[ "$rc" -eq 0 ] || { rm -rf "$t"; exit 1; }

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "(python3-torch is not installed: the torch worker is not checked)"
    rm -rf "$t"
    exit 0
fi
S="--headless --space fmnist-supernet --algo random --budget 20 --seed 11 --eval-workers 2"
now() { date +%s.%N; }
t0=$(now)
# shellcheck disable=SC2086
"$COLLM" search $S --session "$t/c.jsonl" >/dev/null 2>"$t/c.err" || {
    echo "workers.sh: the in-process search failed:"; cat "$t/c.err"; rm -rf "$t"; exit 1; }
t1=$(now)
# shellcheck disable=SC2086
"$COLLM" search $S --session "$t/w.jsonl" \
    --evaluator "/usr/bin/python3 $(pwd)/tests/bench/torch_worker.py" >/dev/null 2>"$t/w.err" || {
    echo "workers.sh: the search through the torch worker failed:"; cat "$t/w.err"; rm -rf "$t"; exit 1; }
t2=$(now)
"$COLLM" export "$t/c.jsonl" --csv "$t/c.csv" && "$COLLM" export "$t/w.jsonl" --csv "$t/w.csv" || {
    rm -rf "$t"; exit 1; }
/usr/bin/python3 - "$t/c.csv" "$t/w.csv" "$t0" "$t1" "$t2" <<'EOF'
import csv, sys
def rows(p):
    with open(p) as f:
        return {r["arch"]: r for r in csv.DictReader(f)}
c, w = rows(sys.argv[1]), rows(sys.argv[2])
t0, t1, t2 = map(float, sys.argv[3:6])
print("\nThe example torch worker (tests/bench/torch_worker.py) against collm's evaluator:")
import os
n = os.environ.get("COLLM_EVAL_IMAGES")
print("a random search of %d subnets, seed 11, 2 workers each, %s\n"
      % (len(c), "at most %s images per set (COLLM_EVAL_IMAGES)" % n if n
         else "the full validation and test sets"))
print("| | collm in process (the baseline) | 2 torch workers | ratio |\n|---|---:|---:|---:|")
print("| seconds for the search | %.1f | %.1f | %.2f |" % (t1 - t0, t2 - t1, (t2 - t1) / (t1 - t0)))
worst, ok = 0.0, set(c) == set(w) and len(c) == 20
for a, r in c.items():
    if a not in w:
        continue
    for m in ("valid_acc_pct", "test_acc_pct"):
        d = abs(float(r[m]) - float(w[a][m]))
        worst = max(worst, d)
        ok &= d <= 0.1
print("\naccuracies: %d subnets in both; the largest difference %.2f point; torch %s collm's "
      "within 0.1 point" % (len(set(c) & set(w)), worst, "equals" if ok else "DOES NOT EQUAL"))
sys.exit(0 if ok else 1)
EOF
rc=$?
rm -rf "$t"
exit $rc
