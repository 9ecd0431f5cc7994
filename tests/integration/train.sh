# collm train fmnist-supernet: usage errors, a missing dataset, a tiny run,
# reproducibility, Ctrl-C and --resume, damaged checkpoints. Runs are tiny
# (128 training images, batch 32, 4 epochs), but every epoch still ends with
# the validation of two subnets on the 10,000 validation images, which is
# most of the time: four runs and a resume make six of them.
. tests/integration/lib.sh

TINY="--train-images 128 --batch 32 --threads 2"
# Where collm can score fewer validation images at each epoch's end, do (only
# the report depends on them, not the weights): that is most of the time.
if "$COLLM" train fmnist-supernet --help 2>/dev/null | grep -q -- '--report-images'; then
    TINY="$TINY --report-images 100"
fi

# payload FILE OUT: the checkpoint's payload (the float32 weights), which
# follows the 12-byte preamble and the header of length u32 LE at bytes 8..11.
payload() {
    set -- "$1" "$2" $(od -An -v -tu1 -j8 -N4 "$1")
    [ $# -eq 6 ] || { : >"$2"; return 1; }
    tail -c +$((12 + $3 + $4 * 256 + $5 * 65536 + $6 * 16777216 + 1)) "$1" >"$2"
}
same_payload() { # NAME FILE1 FILE2
    if payload "$2" "$tmp/p1" && payload "$3" "$tmp/p2" && [ -s "$tmp/p1" ] &&
        cmp -s "$tmp/p1" "$tmp/p2"; then ok "$1"
    else not_ok "$1" "payloads of $2 and $3 differ ($(wc -c <"$tmp/p1") and $(wc -c <"$tmp/p2") bytes)"; fi
}

# --- usage errors: exit 2, before any data is read ---------------------------
run train
expect_rc "train without a space exits 2" 2
expect_err "it asks for the space" "name the space to train; the space collm can train is fmnist-supernet"
run train foo
expect_rc "an unknown space exits 2" 2
expect_err "the unknown space is named" "foo: unknown space; the space collm can train is fmnist-supernet"
run train fmnist-supernet --epochs 0
expect_rc "--epochs 0 exits 2" 2
expect_err "--epochs 0 says the range" "--epochs: expected 1 to 1000"
run train fmnist-supernet --batch 1
expect_rc "--batch 1 exits 2" 2
expect_err "--batch 1 says the range" "--batch: expected 2 to 4096"
run train fmnist-supernet --lr 0
expect_rc "--lr 0 exits 2" 2
expect_err "--lr 0 says the range" "--lr: expected a learning rate in (0, 10)"
run train fmnist-supernet --resume "$tmp/none.ckpt" --epochs 3
expect_rc "--resume with --epochs exits 2" 2
expect_err "--resume keeps the recorded recipe" "--resume: continues with the checkpoint's own recipe"
echo "not a checkpoint" >"$tmp/exists.ckpt"
cp "$tmp/exists.ckpt" "$tmp/exists.orig"
run train fmnist-supernet $TINY --epochs 1 --out "$tmp/exists.ckpt"
expect_rc "an existing --out file without --force exits 2" 2
expect_err "it says how to replace it" "exists.ckpt: exists; pass --force to replace it"
if cmp -s "$tmp/exists.ckpt" "$tmp/exists.orig"; then ok "the existing file is left alone"
else not_ok "the existing file is left alone"; fi
run train fmnist-supernet --help
if [ "$rc" -eq 0 ] && grep -q "^usage: collm train fmnist-supernet" "$tmp/out"; then ok "collm train --help"
else not_ok "collm train --help" "exit code $rc"; fi

# --- no dataset: exit 1 with the way to install it ---------------------------
COLLM_FMNIST_DIR=/nonexistent "$COLLM" train fmnist-supernet $TINY --epochs 1 \
    --out "$tmp/nodata.ckpt" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc "without Fashion-MNIST train exits 1" 1
expect_err "it names the missing file" "/nonexistent/t10k-images-idx3-ubyte.gz: the Fashion-MNIST file is missing"
expect_err "it says how to install it" "apt-get install dataset-fashion-mnist"
if [ -e "$tmp/nodata.ckpt" ]; then not_ok "no checkpoint is written without data"
else ok "no checkpoint is written without data"; fi

# --- a tiny run --------------------------------------------------------------
# Every run below uses the same recipe, so that the interrupted and resumed
# one can be compared with an uninterrupted one. 2 epochs: the interrupt
# must land in the last epoch's steps (Ctrl-C is seen between steps; during
# the last validation it would come too late).
EP=4 # long enough that a Ctrl-C after epoch 1 lands before the end, even under load
run train fmnist-supernet $TINY --epochs $EP --seed 7 --out "$tmp/a.ckpt"
expect_rc "a tiny training run succeeds" 0
expect_out "it says it trained" "trained fmnist-supernet in "
expect_out "it names the checkpoint" "checkpoint $tmp/a.ckpt"
sha=$(sed -n 's/^sha256 \([0-9a-f]\{64\}\)$/\1/p' "$tmp/out")
real=$(sha256sum "$tmp/a.ckpt" 2>/dev/null | cut -d' ' -f1)
if [ -n "$sha" ] && [ "$sha" = "$real" ]; then ok "the printed sha256 is the file's"
else not_ok "the printed sha256 is the file's" "printed '$sha', sha256sum '$real'"; fi
expect_err "stderr starts with the recipe" "collm train: fmnist-supernet, $EP epochs of 128 images, batch 32, seed 7, 2 threads"
lines=$(grep -c "^epoch [1-$EP]/$EP: loss [0-9.]*, train acc .*, valid (recalibrated) largest .* smallest .* elapsed, ETA " "$tmp/err")
if [ "$lines" -eq $EP ]; then ok "one line per epoch on stderr"
else not_ok "one line per epoch on stderr" "$lines epoch lines, expected $EP"; fi
if [ "$(wc -l <"$tmp/err")" -eq $((EP + 1)) ] && ! grep -q "$(printf '\r')" "$tmp/err" &&
    ! grep -q '\[#*\.*\]' "$tmp/err"; then ok "no progress bar when stderr is not a terminal"
else not_ok "no progress bar when stderr is not a terminal"; fi

echo "old" >"$tmp/b.ckpt"
run train fmnist-supernet $TINY --epochs $EP --seed 7 --out "$tmp/b.ckpt" --force
expect_rc "the same run again, with --force over an existing file" 0
same_payload "same seed and --threads, same weights" "$tmp/a.ckpt" "$tmp/b.ckpt"

# --- Ctrl-C and --resume -----------------------------------------------------
# Interrupted as soon as epoch 1 has been reported: it lands in a later epoch.
# On a loaded machine the signal can arrive after the last epoch: that run
# proves nothing, so it is tried once more, then skipped (never passed).
interrupt() {
    "$COLLM" train fmnist-supernet $TINY --epochs $EP --seed 7 --out "$tmp/int.ckpt" --force \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    i=0
    while ! grep -q '^epoch 1/' "$tmp/err" && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    kill -INT $pid 2>/dev/null
    wait $pid
    rc=$?
}
interrupt
if [ "$rc" -eq 0 ] && grep -q '^trained fmnist-supernet' "$tmp/out"; then
    rm -f "$tmp/int.ckpt"
    interrupt
fi
if [ "$rc" -eq 0 ] && grep -q '^trained fmnist-supernet' "$tmp/out"; then
    skip "Ctrl-C stops training with exit code 130" \
        "twice the run finished before SIGINT arrived (the machine is too loaded to tell)"
else
    expect_rc "Ctrl-C stops training with exit code 130" 130
fi
expect_err "it says how to resume" "resume with: collm train fmnist-supernet --resume $tmp/int.ckpt"
expect_err "it says where it stopped" "collm train: stopped at step "
if [ -s "$tmp/int.ckpt" ]; then ok "the interrupted checkpoint exists"
else not_ok "the interrupted checkpoint exists"; fi
cp "$tmp/int.ckpt" "$tmp/int.orig" 2>/dev/null

# damaged checkpoints, before the real resume
head -c 2000 "$tmp/int.orig" >"$tmp/short.ckpt"
run train fmnist-supernet --resume "$tmp/short.ckpt"
expect_rc "a truncated checkpoint fails with exit 1" 1
expect_err "the truncated file is named" "collm train: $tmp/short.ckpt"
cp "$tmp/int.orig" "$tmp/flip.ckpt"
size=$(wc -c <"$tmp/flip.ckpt")
at=$((size - 1000))
byte=$(od -An -tu1 -j$at -N1 "$tmp/flip.ckpt" | tr -d ' ')
# shellcheck disable=SC2059 # an octal escape, built on purpose
printf "\\$(printf '%03o' $(((byte + 1) % 256)))" |
    dd of="$tmp/flip.ckpt" bs=1 seek=$at conv=notrunc 2>/dev/null
run train fmnist-supernet --resume "$tmp/flip.ckpt"
expect_rc "a checkpoint with a changed payload byte fails with exit 1" 1
expect_err "the damaged file is named" "collm train: $tmp/flip.ckpt"
run train fmnist-supernet --resume "$tmp/a.ckpt"
expect_rc "a finished checkpoint cannot be resumed (exit 2)" 2
expect_err "it says why" "holds no optimizer state"

run train fmnist-supernet --resume "$tmp/int.ckpt"
expect_rc "--resume finishes the interrupted run" 0
expect_err "it resumes with the recorded recipe" "$EP epochs of 128 images, batch 32, seed 7, 2 threads, resuming $tmp/int.ckpt"
expect_out "it writes the same file" "checkpoint $tmp/int.ckpt"
same_payload "interrupted and resumed, the same weights as uninterrupted" "$tmp/a.ckpt" "$tmp/int.ckpt"

finish
