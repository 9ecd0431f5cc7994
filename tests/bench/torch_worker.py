"""An example worker program: collm's fmnist-supernet evaluated in python3-torch.

A worker speaks collm's worker protocol, version 1 (README, "Bring your own
supernet"), JSON Lines on stdin and stdout:

    collm search --space fmnist-supernet --eval-workers 2 \\
        --evaluator '/usr/bin/python3 tests/bench/torch_worker.py'

It loads the stage-1 checkpoint (data/fmnist-supernet.ckpt, parsed from its
documented format by supernet_torch.read_checkpoint) and Fashion-MNIST from
the Debian package's IDX files, splits the training file as
engine/nn/fmnist.h documents (a partial Fisher-Yates shuffle driven by
xoshiro256** seeded through splitmix64 with 20170825: the same 10,000
validation images as collm's), and evaluates each subnet as collm's own
evaluator does: batch norms recalibrated on the first 2,000 training images
(in batches of 200), then validation and test accuracy in eval mode. So its
accuracies equal collm's (make bench checks 20 subnets within 0.1 point:
tests/bench/workers.sh), which also cross-checks collm's C kernels.

A worker of your own replaces evaluate() with your supernet; the protocol
part (main, the reader thread, answer) is what every worker needs:
  * one request at a time, {"id","space","arch"} in; {"id","metrics"} or
    {"id","error"} out; flush after each line;
  * progress lines while it works, so the person watching sees it move;
  * {"cancel":id} may come at any time: a thread reads stdin so that the
    evaluation can look at it between batches, and answers with an error;
  * anything on stderr is the worker's log: collm quotes its last lines
    when the worker dies.

Options: --ckpt PATH (default: the repository's data/fmnist-supernet.ckpt or
$COLLM_DATA_DIR/fmnist-supernet.ckpt), --fmnist DIR (default:
$COLLM_FMNIST_DIR or /usr/share/datasets/fashion-mnist), --threads N (torch's
intra-op threads, default 1: one worker per core is faster on these small
layers). COLLM_EVAL_IMAGES limits the images as it does for collm.
"""
import argparse
import gzip
import json
import os
import queue
import sys
import threading

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supernet_torch import Supernet, read_checkpoint  # noqa: E402

SPACE = "fmnist-supernet"
MEAN, STD = 0.2860, 0.3530  # engine/nn/train.c
SPLIT_SEED, TRAIN_FILE_N, VALID_N = 20170825, 60000, 10000  # engine/nn/fmnist.h
RECAL_IMAGES, RECAL_BATCH, SCORE_BATCH = 2000, 200, 100  # train.h, supernet_eval.c
M64 = (1 << 64) - 1


class Rng:
    """engine/core/rng.c: xoshiro256** seeded by splitmix64, Lemire's draw."""

    def __init__(self, seed):
        self.s = []
        x = seed
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def below(self, n):
        m = (self.next() >> 32) * n
        lo = m & 0xFFFFFFFF
        if lo < n:
            threshold = ((1 << 32) - n) % n
            tries = 0
            while lo < threshold and tries < 128:
                m = (self.next() >> 32) * n
                lo = m & 0xFFFFFFFF
                tries += 1
        return m >> 32


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") != magic:
        raise ValueError("%s: not an IDX file of the expected kind" % path)
    n = int.from_bytes(raw[4:8], "big")
    head = 16 if magic == 0x803 else 8
    return np.frombuffer(raw, np.uint8, offset=head).reshape(n, -1)


def load_fmnist(folder, limit):
    """(recalibration images, valid images, valid labels, test images,
    test labels) as collm's evaluator reads them, normalised."""
    def path(name):
        return os.path.join(folder, name)

    xtr = read_idx(path("train-images-idx3-ubyte.gz"), 0x803)
    ytr = read_idx(path("train-labels-idx1-ubyte.gz"), 0x801)[:, 0]
    xte = read_idx(path("t10k-images-idx3-ubyte.gz"), 0x803)
    yte = read_idx(path("t10k-labels-idx1-ubyte.gz"), 0x801)[:, 0]
    perm = list(range(TRAIN_FILE_N))
    r = Rng(SPLIT_SEED)
    is_valid = np.zeros(TRAIN_FILE_N, bool)
    for i in range(VALID_N):
        j = i + r.below(TRAIN_FILE_N - i)
        perm[i], perm[j] = perm[j], perm[i]
        is_valid[perm[i]] = True

    def norm(px):  # in float32, as train_normalise computes it
        x = px.astype(np.float32) / np.float32(255.0)
        x = (x - np.float32(MEAN)) / np.float32(STD)
        return torch.from_numpy(x.reshape(-1, 1, 28, 28).copy())

    def cap(n):
        return min(n, limit) if limit > 0 else n

    nrecal = cap(RECAL_IMAGES)
    xv, yv = xtr[is_valid], ytr[is_valid]
    xt = xtr[~is_valid]
    nv, nt = cap(len(xv)), cap(len(xte))
    return (norm(xt[:nrecal]), norm(xv[:nv]), torch.from_numpy(yv[:nv].astype(np.int64)),
            norm(xte[:nt]), torch.from_numpy(yte[:nt].astype(np.int64)))


class Recalibrating(Supernet):
    """While `sums` is a dict, batch norms normalise with the batch's own
    statistics and add them, weighted by the batch's size, to `sums`."""

    sums = None

    def bn(self, x, name, c, train):
        if self.sums is None:
            return super().bn(x, name, c, train)
        var, mean = torch.var_mean(x, dim=(0, 2, 3), unbiased=False)
        s = self.sums.setdefault(name, [torch.zeros(c, dtype=torch.float64),
                                        torch.zeros(c, dtype=torch.float64)])
        s[0] += mean.double() * x.shape[0]
        s[1] += var.double() * x.shape[0]
        return torch.nn.functional.batch_norm(x, mean, var, self.w(name + ".gamma")[:c],
                                              self.w(name + ".beta")[:c], False, 0.0, 1e-5)


class Cancelled(Exception):
    pass


def check_arch(a):
    """The space's legality, enough to refuse what would crash torch."""
    if not isinstance(a, dict) or set(a) != {"r", "d", "ks", "e"}:
        return "expected {\"r\",\"d\",\"ks\",\"e\"}"
    if a["r"] not in (20, 24, 28):
        return "r must be 20, 24 or 28"
    if not (isinstance(a["d"], list) and len(a["d"]) == 2 and all(v in (2, 3, 4) for v in a["d"])):
        return "d must be two depths of 2, 3 or 4"
    for k, ok in (("ks", (3, 5, 7)), ("e", (3, 4, 6))):
        v = a[k]
        if not (isinstance(v, list) and len(v) == 8):
            return "%s must be 8 values, 4 per stage" % k
        for b in range(8):  # a block past its stage's depth is unused (0)
            if b % 4 < a["d"][b // 4] and v[b] not in ok:
                return "%s[%d] must be one of %s" % (k, b, ok)
    return None


class Worker:
    def __init__(self, ckpt, data):
        tensors = read_checkpoint(ckpt)
        layout = [{"name": n, "stat": n.rsplit(".", 1)[1] in ("mean", "var"), "decay": False}
                  for n in tensors]
        self.net = Recalibrating(tensors, layout, torch.float32)
        self.stats0 = {t["name"]: torch.tensor(np.array(tensors[t["name"]]))
                       for t in layout if t["stat"]}
        self.recal, self.xv, self.yv, self.xt, self.yt = data
        self.cancelled = set()
        self.lock = threading.Lock()

    def poll(self, rid):
        with self.lock:
            if rid in self.cancelled:
                self.cancelled.discard(rid)
                raise Cancelled()

    def evaluate(self, rid, arch):
        """(valid %, test %), with progress lines on the way."""
        net, total = self.net, len(self.recal) + len(self.xv) + len(self.xt)
        done = 0
        with torch.no_grad():
            for name, v in self.stats0.items():
                net.w(name).copy_(v)
            net.sums = {}
            for i in range(0, len(self.recal), RECAL_BATCH):
                self.poll(rid)
                xb = self.recal[i:i + RECAL_BATCH]
                net(xb, arch, False)
                done += len(xb)
            for name, (m, v) in net.sums.items():
                c = m.shape[0]
                net.w(name + ".mean")[:c] = (m / len(self.recal)).float()
                net.w(name + ".var")[:c] = (v / len(self.recal)).float()
            net.sums = None
            acc = []
            for phase, x, y in (("validating", self.xv, self.yv), ("testing", self.xt, self.yt)):
                answer({"id": rid, "progress": round(done / total, 3), "phase": phase})
                correct = 0
                for i in range(0, len(x), SCORE_BATCH):
                    self.poll(rid)
                    correct += int((net(x[i:i + SCORE_BATCH], arch, False).argmax(1)
                                    == y[i:i + SCORE_BATCH]).sum())
                done += len(x)
                acc.append(100.0 * correct / len(x))
        return acc


def answer(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def reader(w, requests):
    """stdin to the request queue; cancels straight into the worker's set."""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError as e:
            print("torch_worker: not JSON (%s): %.80s" % (e, line), file=sys.stderr)
            continue
        if isinstance(msg, dict) and "cancel" in msg:
            with w.lock:
                w.cancelled.add(msg["cancel"])
        else:
            requests.put(msg)
    requests.put(None)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    datadir = os.environ.get("COLLM_DATA_DIR") or os.path.join(here, "..", "..", "data")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ckpt", default=os.path.join(datadir, "fmnist-supernet.ckpt"))
    ap.add_argument("--fmnist", default=os.environ.get("COLLM_FMNIST_DIR")
                    or "/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    limit = int(os.environ.get("COLLM_EVAL_IMAGES") or 0)
    try:
        w = Worker(args.ckpt, load_fmnist(args.fmnist, limit))
    except (OSError, ValueError) as e:  # collm quotes this as the reason
        print("torch_worker: %s" % e, file=sys.stderr)
        return 1
    answer({"hello": "torch-fmnist-supernet", "protocol": 1,
            "metrics": ["valid_acc", "test_acc"]})
    requests = queue.Queue()
    threading.Thread(target=reader, args=(w, requests), daemon=True).start()
    while True:
        msg = requests.get()
        if msg is None:
            return 0
        rid = msg.get("id") if isinstance(msg, dict) else None
        if rid is None:
            print("torch_worker: a line without an id: %.80s" % json.dumps(msg), file=sys.stderr)
            continue
        if msg.get("space") != SPACE:
            answer({"id": rid, "error": "this worker evaluates %s, not %s"
                    % (SPACE, msg.get("space"))})
            continue
        arch = msg.get("arch")
        why = check_arch(arch)
        if why:
            answer({"id": rid, "error": "not an fmnist-supernet architecture: " + why})
            continue
        try:
            valid, test = w.evaluate(rid, arch)
        except Cancelled:
            answer({"id": rid, "error": "cancelled"})
            continue
        answer({"id": rid, "metrics": {"valid_acc": valid, "test_acc": test}})


if __name__ == "__main__":
    sys.exit(main())
