# PyTorch's side of bench/torch.bench.ts: the same work items as scratchnet's (TwoLayerNet SGD,
# SimpleConvNet Adam and DeepConvNet Adam training steps at batch 100, and a 512³ GEMM), each timed
# on request. Reads one JSON request per line on stdin ({"item", "threads", "ms"}), answers one
# JSON line on stdout ({"ms": median ms per call, "runs"}). The first line out describes the setup.
# NOTE: run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so OpenBLAS picks its own kernel
# (AVX-512 where the CPU has it); denormals are flushed: PyTorch's best case.
import ctypes
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_flush_denormal(True)
torch.manual_seed(0)
BATCH = 100


def openblas():
    """The OpenBLAS PyTorch loaded, for its thread count (torch.set_num_threads sets OpenMP's)."""
    with open('/proc/self/maps') as maps:
        paths = sorted({line.split()[-1] for line in maps if 'blas' in line.split()[-1] and '.so' in line.split()[-1]})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads
            return path, lib
        except (OSError, AttributeError):
            continue
    return (paths[0] if paths else None), None


def mnist_like(n):
    x = torch.rand(n, 784) * (torch.rand(n, 784) >= 0.8)
    return x, torch.arange(n) % 10


def two_layer_net():
    x, t = mnist_like(1000)
    model = nn.Sequential(nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        idx = torch.randint(0, 1000, (BATCH,))  # a batch drawn with replacement, as the book's
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[idx]), t[idx]).backward()
        opt.step()
    return step


def simple_conv_net():
    x, t = torch.randn(BATCH, 1, 28, 28), torch.arange(BATCH) % 10
    model = nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                          nn.Linear(4320, 100), nn.ReLU(), nn.Linear(100, 10))
    return adam_step(model, x, t)


def deep_conv_net():
    x, t = mnist_like(BATCH)
    x = x.reshape(BATCH, 1, 28, 28)
    layers, c = [], 1
    for i, fn in enumerate([16, 16, 32, 32, 64, 64]):
        layers += [nn.Conv2d(c, fn, 3, padding=2 if i == 3 else 1), nn.ReLU()]
        if i % 2 == 1:
            layers.append(nn.MaxPool2d(2, 2))
        c = fn
    layers += [nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5)]
    return adam_step(nn.Sequential(*layers), x, t)


def adam_step(model, x, t):
    opt = torch.optim.Adam(model.parameters(), lr=0.001)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), t).backward()
        opt.step()
    return step


def gemm_512():
    a, b, c = torch.randn(512, 512), torch.randn(512, 512), torch.empty(512, 512)
    return lambda: torch.mm(a, b, out=c)


ITEMS = {'TwoLayerNet': two_layer_net, 'SimpleConvNet': simple_conv_net, 'DeepConvNet': deep_conv_net, 'GEMM512': gemm_512}


def median_ms(fn, budget_ms):
    """Median of timed calls after warm-up: at least 5 calls, at most 500, about budget_ms in all."""
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (len(times) < 500 and (time.perf_counter() - start) * 1e3 < budget_ms):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), len(times)


def main():
    blas_path, blas = openblas()
    steps = {}
    print(json.dumps({'torch': torch.__version__, 'blas': blas_path, 'blasThreadsSettable': blas is not None,
                      'mkldnn': torch.backends.mkldnn.is_available(), 'python': sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        torch.set_num_threads(req['threads'])
        if blas is not None:
            blas.openblas_set_num_threads(req['threads'])
        name = req['item']
        if name not in steps:
            steps[name] = ITEMS[name]()
        ms, runs = median_ms(steps[name], req['ms'])
        print(json.dumps({'ms': ms, 'runs': runs}), flush=True)


if __name__ == '__main__':
    main()
