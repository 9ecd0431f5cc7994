"""make bench: python3-torch on the built-in supernet, same weights and inputs.

Reads what build/bench/bench_supernet wrote into DIR/supernet, rebuilds the
network of engine/nn/supernet.c as a torch nn.Module with the same elastic
slicing (the first blocks of a stage, the first in*e channels of a block's
1x1 weights and batch norms, the centre k x k of the 7x7 depthwise kernels,
bilinear resizing to r x r), loads the weights by parsing the checkpoint
format (engine/nn/ckpt.h) directly, and

  * checks, for 3 subnets on the same 64 images, C's logits (train-mode and
    eval-mode batch norm), the gradient of the mean cross entropy for every
    weight tensor and the running statistics after the train-mode forward,
    against torch: the largest absolute difference over a tensor, relative
    to the largest absolute value of the tensor, must stay within 1e-4 of
    torch in float32 or of torch in float64 (exit status 1 if of neither).
    Both, because ReLU and hard swish have kinks: an activation input
    within rounding of one (|x| ~ 1e-7) takes a different branch in
    different float32 orders of summation, and one such position moves a
    depthwise kernel's gradient by up to ~1% (seen: torch float32 against
    float64). Outside kinks, C agrees with torch float32 to ~1e-6;
  * times the same sandwich step (the same random subnets) at batch 128 with
    as many threads as C's trainer used, and the largest subnet's eval-mode
    forward at batch 500 on one thread, and prints collm's speed against
    torch's.

Usage: supernet_torch.py DATADIR DIR  (DATADIR as for ofa_torch.py; the
checkpoint's path comes from DIR/supernet/desc.json)
"""
import hashlib
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

STAGE_IN, STAGE_C, MAXD, HEAD_C = (16, 24), (24, 48), 4, 192
TOL = 1e-4
REPEATS = 5
# Two kinds of value are exactly zero in exact arithmetic and hold only
# rounding noise on both sides, so "relative to its largest value" would
# compare noise with noise:
#  * the gradient of a beta whose shift the next train-mode batch norm
#    removes again (ds.bn2 and every bn3: the residual stream reaches a
#    batch norm only through 1x1 convolutions); such a tensor (torch float64
#    below ZERO_GRAD of the subnet's largest gradient) is measured against
#    the subnet's largest gradient instead;
#  * the batch means behind those batch norms (trained, those betas never
#    leave their initial 0, so those channels' means are 0 plus noise): a
#    running mean's difference is measured per channel in units of the
#    channel's standard deviation, sqrt(running var), the scale at which
#    batch norm reads it.
ZERO_GRAD = 1e-9


def read_checkpoint(path):
    """The tensors of a collm checkpoint, by name, as float32 arrays."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"COLLMCKP":
        raise ValueError("%s: not a collm checkpoint" % path)
    (hlen,) = struct.unpack("<I", data[8:12])
    head = json.loads(data[12:12 + hlen].decode("utf-8"))
    if head.get("format") != "collm-checkpoint" or head.get("version") != 1:
        raise ValueError("%s: unknown format or version" % path)
    payload = data[12 + hlen:]
    if len(payload) != 4 * head["payload_floats"]:
        raise ValueError("%s: payload is %d bytes, expected %d"
                         % (path, len(payload), 4 * head["payload_floats"]))
    if hashlib.sha256(payload).hexdigest() != head["payload_sha256"]:
        raise ValueError("%s: payload_sha256 does not match" % path)
    v = np.frombuffer(payload, "<f4")
    out = {}
    for t in head["tensors"]:
        n = int(np.prod(t["shape"]))
        out[t["name"]] = v[t["offset"]:t["offset"] + n].reshape(t["shape"])
    return out


class Supernet(torch.nn.Module):
    """The elastic network of engine/nn/supernet.h; weights keep their
    largest shapes and every subnet slices them."""

    def __init__(self, tensors, layout, dtype):
        super().__init__()
        self.params = torch.nn.ParameterDict()
        self.decay = {}
        for t in layout:
            key = t["name"].replace(".", "_")
            value = torch.tensor(np.array(tensors[t["name"]]), dtype=dtype)
            if t["stat"]:
                self.register_buffer(key, value)
            else:
                self.params[key] = torch.nn.Parameter(value)
                self.decay[key] = t["decay"]

    def w(self, name):
        key = name.replace(".", "_")
        return self.params[key] if key in self.params else getattr(self, key)

    def bn(self, x, name, c, train):
        # Slices of the running statistics are views: a train-mode batch
        # norm moves the first c entries of the buffers, as C does.
        return F.batch_norm(x, self.w(name + ".mean")[:c], self.w(name + ".var")[:c],
                            self.w(name + ".gamma")[:c], self.w(name + ".beta")[:c],
                            train, 0.1, 1e-5)

    def forward(self, x, a, train):
        r = a["r"]
        if r != x.shape[-1]:
            x = F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False)
        x = F.hardswish(self.bn(F.conv2d(x, self.w("stem.conv"), padding=1), "stem.bn", 16,
                                train))
        x = F.conv2d(x, self.w("ds.dw"), stride=2, padding=1, groups=16)
        x = F.hardswish(self.bn(x, "ds.bn1", 16, train))
        x = self.bn(F.conv2d(x, self.w("ds.pw")), "ds.bn2", 16, train)
        for s in range(2):
            act = F.relu if s == 0 else F.hardswish
            for j in range(a["d"][s]):
                b = s * MAXD + j
                cin = STAGE_C[s] if j else STAGE_IN[s]
                mid, k = cin * a["e"][b], a["ks"][b]
                o = (7 - k) // 2
                p = "s%d.b%d." % (s + 1, j)
                y = F.conv2d(x, self.w(p + "expand")[:mid])
                y = act(self.bn(y, p + "bn1", mid, train))
                y = F.conv2d(y, self.w(p + "dw")[:mid, :, o:o + k, o:o + k],
                             stride=1 if j else 2, padding=k // 2, groups=mid)
                y = act(self.bn(y, p + "bn2", mid, train))
                y = F.conv2d(y, self.w(p + "project")[:, :mid])
                y = self.bn(y, p + "bn3", STAGE_C[s], train)
                x = x + y if j else y
        x = F.hardswish(self.bn(F.conv2d(x, self.w("head.conv")), "head.bn", HEAD_C, train))
        return F.linear(x.mean((2, 3)), self.w("head.fc.weight"), self.w("head.fc.bias"))


def rel(ours, ref, scale=None):
    """max |ours - ref| over max |ref| (or over scale, when given)."""
    ours = np.asarray(ours, np.float64)
    ref = np.asarray(ref, np.float64)
    diff = float(np.abs(ours - ref).max()) if ref.size else 0.0
    if scale is None:
        scale = float(np.abs(ref).max()) if ref.size else 0.0
    return diff / scale if scale > 0 else (0.0 if diff == 0 else float("inf"))


def rel_mean(ours, ref, var):
    """max over channels of |ours - ref| / sqrt(var)."""
    d = np.abs(np.asarray(ours, np.float64) - ref) / np.sqrt(np.asarray(var, np.float64))
    return float(d.max())


def grad_of(net, name):
    g = net.w(name).grad  # None: the subnet does not use the tensor
    return np.zeros(tuple(net.w(name).shape)) if g is None else g.numpy()


def load(d, name, dtype="<f4"):
    return np.fromfile(os.path.join(d, name), dtype)


def run_torch(tensors, layout, arch, x, y, dtype):
    """Eval-mode logits, then train-mode logits, loss, gradients and the
    running statistics after."""
    net = Supernet(tensors, layout, dtype)
    xt = torch.from_numpy(x).to(dtype)
    with torch.no_grad():
        ev = net(xt, arch, False).numpy()
    lt = net(xt, arch, True)
    loss = F.cross_entropy(lt, y)
    loss.backward()
    grads = {t["name"]: grad_of(net, t["name"]) for t in layout if not t["stat"]}
    stats = {t["name"]: net.w(t["name"]).detach().numpy() for t in layout if t["stat"]}
    return {"eval": ev, "train": lt.detach().numpy(), "loss": float(loss), "grads": grads,
            "stats": stats}


def compare(ours, ref, ref64, layout):
    """Relative differences of `ours` (the keys run_torch gives) against
    `ref`, per quantity and tensor; structural zeros are told by the float64
    run `ref64`."""
    gmax = max(float(np.abs(g).max()) for g in ref64["grads"].values())
    out = {"train logits": {"": rel(ours["train"], ref["train"])},
           "eval logits": {"": rel(ours["eval"], ref["eval"])},
           "loss": {"": abs(ours["loss"] - ref["loss"]) / abs(ref["loss"])},
           "gradient": {}, "running stats": {}}
    for name, g in ref["grads"].items():
        zero = float(np.abs(ref64["grads"][name]).max()) <= ZERO_GRAD * gmax
        out["gradient"][name] = rel(ours["grads"][name], g, gmax if zero else None)
    for name, v in ref["stats"].items():
        if name.endswith(".mean"):
            r = rel_mean(ours["stats"][name], v, ref["stats"][name[:-5] + ".var"])
        else:
            r = rel(ours["stats"][name], v)
        out["running stats"][name] = r
    return out


def worst(per_tensor):
    r, name = max((r, name) for name, r in per_tensor.items())
    return "%.2g%s" % (r, " (%s)" % name if name else ""), r, name


def check(desc, d, tensors):
    """C against torch float32 and float64; True if every tensor of every
    quantity is within TOL of one of them."""
    n = desc["check_n"]
    layout = desc["tensors"]
    x = load(d, "images.f32").reshape(-1, 1, 28, 28)[:n]
    y = torch.from_numpy(load(d, "labels.u8", np.uint8)[:n].astype(np.int64))
    cw = load(d, "weights.f32")
    cs = load(d, "stats.f32")
    parsed = 0.0
    for t in layout:
        sl = slice(t["off"], t["off"] + int(np.prod(t["shape"])))
        parsed = max(parsed, float(np.abs((cs if t["stat"] else cw)[sl]
                                          - tensors[t["name"]].ravel()).max()))
    print("checkpoint %s parsed in Python: largest difference from C's weights %.2g"
          % (os.path.basename(desc["checkpoint"]), parsed))
    ok = parsed == 0
    keys = ["train logits", "eval logits", "gradient", "running stats", "loss"]
    print("\nC against torch on %d images: max|C - torch| / max|torch| over a tensor, the "
          "worst tensor (tolerance %g\nagainst torch float32 or float64, tensor by tensor; "
          "running means in units of sqrt(var))" % (n, TOL))
    print("| subnet | against | logits, train BN | logits, eval BN | weight gradients "
          "| running stats after | loss |")
    print("|---|---|---:|---:|---|---|---:|")
    worst_all = (0.0, "")
    for sub in desc["subnets"]:
        name = sub["name"]
        r64 = run_torch(tensors, layout, sub["arch"], x, y, torch.float64)
        r32 = run_torch(tensors, layout, sub["arch"], x, y, torch.float32)
        cg = load(d, "grad_%s.f32" % name)
        cst = load(d, "stats_after_%s.f32" % name)
        ours = {"eval": load(d, "logits_eval_%s.f32" % name).reshape(10, n).T,
                "train": load(d, "logits_train_%s.f32" % name).reshape(10, n).T,
                "loss": sub["loss"], "grads": {}, "stats": {}}
        for t in layout:
            v = (cst if t["stat"] else cg)[t["off"]:t["off"] + int(np.prod(t["shape"]))]
            ours["stats" if t["stat"] else "grads"][t["name"]] = v.reshape(t["shape"])
        rows = [("torch float32", compare(ours, r32, r64, layout)),
                ("torch float64", compare(ours, r64, r64, layout)),
                ("(torch float32 against float64)", compare(r32, r64, r64, layout))]
        for label, res in rows:
            print("| %s r=%d | %s | %s |" % (name, sub["arch"]["r"], label,
                                             " | ".join(worst(res[k])[0] for k in keys)))
        for k in keys:
            best = {t: min(rows[0][1][k][t], rows[1][1][k][t]) for t in rows[0][1][k]}
            _, r, t = worst(best)
            worst_all = max(worst_all, (r, "%s, %s%s" % (name, k, " of " + t if t else "")))
    ok &= worst_all[0] <= TOL
    print("worst, tensor by tensor the nearer of the two: %.2g (%s): %s"
          % (worst_all[0], worst_all[1], "within %g" % TOL if ok else "OUT OF TOLERANCE"))
    return ok


def timings(desc, d, tensors):
    tr, fw = desc["train"], desc["forward"]
    images = torch.from_numpy(load(d, "images.f32").reshape(-1, 1, 28, 28))
    labels = torch.from_numpy(load(d, "labels.u8", np.uint8).astype(np.int64))
    sub = {s["name"]: s["arch"] for s in desc["subnets"]}
    net = Supernet(tensors, desc["tensors"], torch.float32)

    # the sandwich step: largest on the labels, the others on its softmax
    torch.set_num_threads(tr["threads"])
    B = tr["batch"]
    x, y = images[:B], labels[:B]
    keys = list(net.params.keys())
    opt = torch.optim.SGD(
        [{"params": [net.params[k] for k in keys if net.decay[k]], "weight_decay": tr["wd"]},
         {"params": [net.params[k] for k in keys if not net.decay[k]], "weight_decay": 0.0}],
        lr=tr["lr"], momentum=tr["momentum"], nesterov=True)

    def step(randoms):
        opt.zero_grad(set_to_none=False)
        out = net(x, sub["largest"], True)
        F.cross_entropy(out, y).backward()
        teacher = F.softmax(out.detach(), 1)
        for a in [sub["smallest"]] + randoms:
            out = net(x, a, True)
            F.kl_div(F.log_softmax(out, 1), teacher, reduction="batchmean").backward()
        opt.step()

    first = tr["timed_from_step"]
    for randoms in tr["steps"][:first]:  # warm-up, as C's
        step(randoms)
    timed = tr["steps"][first:]
    runs = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for randoms in timed:
            step(randoms)
        runs.append(len(timed) * B / (time.perf_counter() - t0))
    torch_train, train_range = statistics.median(runs), (min(runs), max(runs))

    # the largest subnet's forward, eval mode, one thread
    torch.set_num_threads(1)
    xb = images[:fw["batch"]]
    runs = []
    with torch.no_grad():
        for _ in range(2):  # warm-up: the first calls prepare oneDNN's kernels
            net(xb, sub["largest"], False)
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            net(xb, sub["largest"], False)
            runs.append(fw["batch"] / (time.perf_counter() - t0))
    torch_fwd, fwd_range = statistics.median(runs), (min(runs), max(runs))

    print("\npython3-torch %s, the same steps and subnets (medians of %d runs)"
          % (torch.__version__, REPEATS))
    print("training (sandwich step of 4 subnets, batch %d, %d threads, SGD nesterov): "
          "collm %.0f img/s, torch %.0f img/s, ratio %.2f  (torch runs %.0f..%.0f)"
          % (B, tr["threads"], tr["img_s"], torch_train, tr["img_s"] / torch_train,
             *train_range))
    print("forward (largest, eval mode, batch %d, 1 thread): "
          "collm %.0f img/s, torch %.0f img/s, ratio %.2f  (torch runs %.0f..%.0f)"
          % (fw["batch"], fw["img_s"], torch_fwd, fw["img_s"] / torch_fwd, *fwd_range))


def main():
    d = os.path.join(sys.argv[2], "supernet")
    if not os.path.exists(os.path.join(d, "desc.json")):
        print("(bench_supernet wrote nothing: no supernet comparison)")
        return 0
    with open(os.path.join(d, "desc.json")) as f:
        desc = json.load(f)
    tensors = read_checkpoint(desc["checkpoint"])
    print("\nThe supernet in python3-torch %s (weights: %s)"
          % (torch.__version__, "data/fmnist-supernet.ckpt" if desc["from_shipped_checkpoint"]
             else "random init, batch norms spread"))
    ok = check(desc, d, tensors)
    timings(desc, d, tensors)
    return 0 if ok else 1


# eval_torch.py imports the Module and the checkpoint reader
if __name__ == "__main__":
    sys.exit(main())
