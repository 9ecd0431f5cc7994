"""make bench: python3-torch doing the supernet evaluator's work.

Reads what build/bench/bench_eval wrote into DIR/evalbench and evaluates the
same subnets on the same weights and images as collm's fmnist-supernet
evaluator does: the batch norms recalibrated as engine/nn/supernet.c does in
SN_RECAL mode (OFA's set_running_statistics: each batch of 200 normalised
with its own mean and biased variance, which are summed weighted by the
batch's size; the subnet's running statistics become their averages), then
the validation and test sets scored in eval mode in batches of 100. It
times that

  * synchronously, one evaluation after another, with torch on as many
    threads as collm's synchronous evaluator gave OpenBLAS;
    and, when that is more than 1, again on 1 thread (torch's faster
    setting on this machine's small layers);
  * as collm's loop runs them: as many Python threads as collm had pool
    workers, torch on 1 thread each (an op runs on its calling thread and
    releases the GIL), each with its own copy of the network, taking the
    same jobs (each subnet twice) in the same order;

prints collm's subnets/s and images/s against torch's (the ratio; the goal
is >= 1), and checks that torch's validation and test accuracy of every
subnet equal C's within 0.1 percentage points (exit status 1 if not): a
check of C's kernels on 22,000 images per subnet.

Usage: eval_torch.py DATADIR DIR
"""
import json
import os
import queue
import sys
import threading
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supernet_torch import Supernet, read_checkpoint  # noqa: E402

TOL_PP = 0.1


class Recalibrating(Supernet):
    """Supernet whose batch norms, while `sums` is a dict, normalise with the
    batch's own statistics and add them to `sums` (float64, as C's rsum)."""

    sums = None

    def bn(self, x, name, c, train):
        if self.sums is None:
            return super().bn(x, name, c, train)
        var, mean = torch.var_mean(x, dim=(0, 2, 3), unbiased=False)
        n = x.shape[0]
        s = self.sums.get(name)
        if s is None:
            s = self.sums[name] = [torch.zeros(c, dtype=torch.float64),
                                   torch.zeros(c, dtype=torch.float64)]
        s[0] += mean.double() * n
        s[1] += var.double() * n
        return torch.nn.functional.batch_norm(x, mean, var, self.w(name + ".gamma")[:c],
                                              self.w(name + ".beta")[:c], False, 0.0, 1e-5)


def make_net(tensors, layout, stats0):
    net = Recalibrating(tensors, layout, torch.float32)
    net.stats0 = stats0
    return net


def evaluate(net, arch, data, desc):
    """(valid %, test %) of one subnet, from the checkpoint's statistics."""
    with torch.no_grad():
        for name, v in net.stats0.items():
            net.w(name).copy_(v)
        net.sums = {}
        rb, seen = desc["recal_batch"], 0
        for i in range(0, data["recal"].shape[0], rb):
            xb = data["recal"][i:i + rb]
            net(xb, arch, False)
            seen += xb.shape[0]
        for name, (m, v) in net.sums.items():
            c = m.shape[0]
            net.w(name + ".mean")[:c] = (m / seen).float()
            net.w(name + ".var")[:c] = (v / seen).float()
        net.sums = None
        acc = []
        sb = desc["score_batch"]
        for split in ("valid", "test"):
            x, y = data[split], data[split + "_y"]
            correct = 0
            for i in range(0, x.shape[0], sb):
                correct += int((net(x[i:i + sb], arch, False).argmax(1) == y[i:i + sb]).sum())
            acc.append(100.0 * correct / x.shape[0])
    return acc


def main():
    d = os.path.join(sys.argv[2], "evalbench")
    if not os.path.exists(os.path.join(d, "desc.json")):
        print("(bench_eval wrote nothing: no evaluator comparison)")
        return 0
    with open(os.path.join(d, "desc.json")) as f:
        desc = json.load(f)
    tensors = read_checkpoint(desc["checkpoint"])
    layout = [{"name": n, "stat": n.rsplit(".", 1)[1] in ("mean", "var"), "decay": False}
              for n in tensors]
    stats0 = {t["name"]: torch.tensor(np.array(tensors[t["name"]])) for t in layout if t["stat"]}

    def images(name, n):
        return torch.from_numpy(np.fromfile(os.path.join(d, name), "<f4").reshape(n, 1, 28, 28))

    def labels(name, n):
        return torch.from_numpy(np.fromfile(os.path.join(d, name), np.uint8)[:n].astype(np.int64))

    data = {"recal": images("recal.f32", desc["n_recal"]),
            "valid": images("valid.f32", desc["n_valid"]),
            "valid_y": labels("valid.u8", desc["n_valid"]),
            "test": images("test.f32", desc["n_test"]),
            "test_y": labels("test.u8", desc["n_test"])}
    per_eval = desc["n_recal"] + desc["n_valid"] + desc["n_test"]
    subs = desc["subnets"]

    # synchronous, as collm's: one network, the same thread count
    sync = desc["sync"]
    torch.set_num_threads(sync["blas_threads"])
    net = make_net(tensors, layout, stats0)
    with torch.no_grad():  # the first calls prepare oneDNN's kernels: not timed
        for s in subs:
            net(data["valid"][:desc["score_batch"]], s["arch"], False)
    rows, t_sync, c_sync = [], 0.0, time.process_time()
    for s in subs:
        t0 = time.perf_counter()
        acc = evaluate(net, s["arch"], data, desc)
        dt = time.perf_counter() - t0
        t_sync += dt
        rows.append((s, acc, dt))
    c_sync = time.process_time() - c_sync

    # torch's intra-op threads can cost more than they give on these small
    # layers (seen: 3x slower per batch on 2 threads than on 1), so also
    # torch at its other setting, 1 thread, with nothing else running
    t_one = c_one = None
    if sync["blas_threads"] != 1:
        torch.set_num_threads(1)
        t_one, c_one = time.perf_counter(), time.process_time()
        for s in subs:
            evaluate(net, s["arch"], data, desc)
        t_one, c_one = time.perf_counter() - t_one, time.process_time() - c_one

    # as collm's loop: workers x 1 thread, the same jobs in the same order
    loop = desc["loop"]
    torch.set_num_threads(1)
    jobs = queue.Queue()
    for s in subs:
        for _ in range(loop["copies"]):
            jobs.put(s)
    nets = [make_net(tensors, layout, stats0) for _ in range(loop["workers"])]
    par_acc = []

    def worker(n):
        while True:
            try:
                s = jobs.get_nowait()
            except queue.Empty:
                return
            par_acc.append((s["name"], evaluate(n, s["arch"], data, desc)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in nets]
    t0, c_loop = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t_loop, c_loop = time.perf_counter() - t0, time.process_time() - c_loop
    n_loop = len(subs) * loop["copies"]

    print("\nThe supernet evaluator in python3-torch %s: the same %d subnets, recalibration "
          "and images (%d per evaluation)" % (torch.__version__, len(subs), per_eval))
    print("| subnet | collm valid % | torch valid % | collm test % | torch test % "
          "| collm s | torch s | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for s, acc, dt in rows:
        ok &= abs(acc[0] - s["valid"]) <= TOL_PP and abs(acc[1] - s["test"]) <= TOL_PP
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |"
              % (s["name"], s["valid"], acc[0], s["test"], acc[1], s["seconds"], dt,
                 dt / s["seconds"]))
    want = {s["name"]: (s["valid"], s["test"]) for s in subs}
    for name, acc in par_acc:  # one thread sums in another order: checked the same way
        ok &= all(abs(a - b) <= TOL_PP for a, b in zip(acc, want[name]))
    n = len(subs)
    print("(ratio: collm's speed over torch's, goal >= 1; by CPU: torch's CPU seconds over "
          "collm's, steadier on a loaded machine)")
    print("synchronous (%d thread%s): collm %.3f subnets/s, %.0f images/s; torch %.3f "
          "subnets/s, %.0f images/s; ratio %.2f; CPU s collm %.1f, torch %.1f, ratio %.2f"
          % (sync["blas_threads"], "" if sync["blas_threads"] == 1 else "s", n / sync["seconds"],
             n * per_eval / sync["seconds"], n / t_sync, n * per_eval / t_sync,
             t_sync / sync["seconds"], sync["cpu_s"], c_sync, c_sync / sync["cpu_s"]))
    if t_one is not None:
        print("synchronous, torch on 1 thread instead: torch %.3f subnets/s, %.0f images/s; "
              "ratio %.2f; CPU s torch %.1f, ratio %.2f"
              % (n / t_one, n * per_eval / t_one, t_one / sync["seconds"], c_one,
                 c_one / sync["cpu_s"]))
    print("on a loop (%d workers x 1 thread, %d evaluations): collm %.3f subnets/s, %.0f "
          "images/s; torch %.3f subnets/s, %.0f images/s; ratio %.2f; CPU s collm %.1f, "
          "torch %.1f, ratio %.2f"
          % (loop["workers"], n_loop, n_loop / loop["seconds"], n_loop * per_eval / loop["seconds"],
             n_loop / t_loop, n_loop * per_eval / t_loop, t_loop / loop["seconds"],
             loop["cpu_s"], c_loop, c_loop / loop["cpu_s"]))
    print("accuracies: torch %s collm's within %g percentage points"
          % ("equals" if ok else "DOES NOT EQUAL", TOL_PP))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
