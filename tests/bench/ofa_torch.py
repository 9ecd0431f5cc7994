"""make bench: python3-torch on the same OFA predictor, inputs and batch sizes.

Reads what build/bench/bench_ofa wrote into DIR (x.f32, y.f32, rates.txt),
loads the same weights file, checks torch's answers against ours and prints
collm's speed as a multiple of torch's, with as many threads as OpenBLAS used.
Usage: ofa_torch.py DATADIR DIR
"""
import os
import statistics
import sys
import time

import numpy as np
import torch

N, F, H, REPEATS = 10000, 128, 400, 5


def main():
    datadir, d = sys.argv[1], sys.argv[2]
    w = np.fromfile(os.path.join(datadir, "ofa/acc_predictor/weights_f32le.bin"), "<f4")
    x = torch.from_numpy(np.fromfile(os.path.join(d, "x.f32"), "<f4").reshape(N, F))
    ours = np.fromfile(os.path.join(d, "y.f32"), "<f4")
    threads, *rates = open(os.path.join(d, "rates.txt")).read().split()
    torch.set_num_threads(int(threads))
    shapes = [(H, F), (H,), (H, H), (H,), (H, H), (H,), (1, H), (1,)]
    tensors, at = [], 0
    for s in shapes:
        n = int(np.prod(s))
        tensors.append(torch.from_numpy(w[at:at + n].reshape(s).copy()))
        at += n
    net = torch.nn.Sequential(
        torch.nn.Linear(F, H), torch.nn.ReLU(), torch.nn.Linear(H, H), torch.nn.ReLU(),
        torch.nn.Linear(H, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
    with torch.no_grad():
        for layer, i in zip([net[0], net[2], net[4], net[6]], range(0, 8, 2)):
            layer.weight.copy_(tensors[i])
            layer.bias.copy_(tensors[i + 1])
        theirs = net(x).squeeze(1).numpy()
        print("\npython3-torch %s on the same inputs (%d threads)" % (torch.__version__,
                                                                     torch.get_num_threads()))
        print("largest difference between torch's and collm's answers: %.2g\n"
              % float(np.abs(theirs - ours).max()))
        print("| batch | torch predictions/s | collm predictions/s | collm, x torch speed |")
        print("|---:|---:|---:|---:|")
        for batch, rate in zip([1, 100, N], rates):
            runs = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                for i in range(0, N, batch):
                    net(x[i:i + batch])
                runs.append(N / (time.perf_counter() - t0))
            t = statistics.median(runs)
            print("| %d | %.0f | %.0f | %.2f |" % (batch, t, float(rate), float(rate) / t))


main()
