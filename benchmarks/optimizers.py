"""Time per step of each first-order optimizer against the memory-bandwidth bound.

For N = 1e3, 1e5, 1e6, 1e7 parameters in float32 and float64 this prints the
time of one ``opt.step`` (per step and per parameter) and the bound set by
memory bandwidth: the bytes a step must move at least (each array it reads
or writes, once) divided by a memory bandwidth measured in the same run
just before each row (so that both see the same competition for memory),
on float64 arrays of 80 MB, far beyond the caches, in two ways:

- copy: ``np.copyto(b, a)``, 2 x 80 MB moved; memcpy streams around the
  cache, so this is the most a single core can move, and the stricter bound;
- add: ``np.add(b, c, out=a)``, 3 x 80 MB moved (STREAM's "Add" count: the
  cache's read of ``a`` before writing it is not counted); what numpy code
  that writes through the cache, as every ufunc does, can reach. The objective returns a precomputed
gradient, so the optimizer alone is timed (its gradient check included).
Single-threaded: BLAS threads are pinned to 1 before numpy is imported.
Times are CPU time of this thread (``time.thread_time``), best of several
repeats, so that other processes sharing the machine do not count while
they hold the core; they still compete for caches and memory bandwidth.

Run: ``make bench`` or ``python benchmarks/optimizers.py``.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import time  # noqa: E402

import numpy as np  # noqa: E402

from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp  # noqa: E402

# (label, factory, arrays moved per parameter: reads + writes, each once)
OPTIMIZERS = [
    ("SGD", lambda: SGD(lr=1e-3), 3),  # read θ, g; write θ
    ("Momentum", lambda: Momentum(lr=1e-3), 5),  # read θ, g, v; write v, θ
    ("Nesterov", lambda: Nesterov(lr=1e-3), 8),  # + θ̃ = θ + αv: read θ, v; write θ̃
    ("AdaGrad", lambda: AdaGrad(lr=1e-3), 5),  # read θ, g, r; write r, θ
    ("RMSProp", lambda: RMSProp(lr=1e-3), 5),  # read θ, g, r; write r, θ
    ("Adam", lambda: Adam(lr=1e-3), 7),  # read θ, g, s, r; write s, r, θ
]
SIZES = [10**3, 10**5, 10**6, 10**7]
DTYPES = [np.float32, np.float64]


class ConstantGradient:
    """An objective whose gradient is a precomputed array: costs nothing to ask."""

    def __init__(self, g):
        self.g = g

    def grad(self, theta):
        return self.g


def best_time(run, budget: float = 0.15, repeats: int = 5) -> float:
    """The best, over ``repeats``, of the mean time of ``run()`` over about ``budget`` seconds."""
    run()
    start, calls = time.thread_time(), 0
    while time.thread_time() - start < budget / repeats or calls < 2:
        run()
        calls += 1
    per_call = (time.thread_time() - start) / calls
    number = max(2, int(budget / repeats / per_call))
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(number):
            run()
        best = min(best, (time.thread_time() - start) / number)
    return best


def bandwidths(n: int = 10**7) -> tuple[float, float]:
    """Bytes per second of a copy and of an add of float64 arrays far larger than the caches."""
    a, b, c = np.ones(n), np.ones(n), np.empty(n)
    copy = 2 * a.nbytes / best_time(lambda: np.copyto(c, a), budget=0.1)
    add = 3 * a.nbytes / best_time(lambda: np.add(a, b, out=c), budget=0.1)
    return copy, add


def time_step(make, n: int, dtype) -> float:
    opt = make()
    objective = ConstantGradient(np.full(n, 1e-3, dtype=dtype))
    box = {"theta": np.ones(n, dtype=dtype)}

    def run():
        box["theta"] = opt.step(box["theta"], objective)

    return best_time(run, budget=0.3 if n < 10**7 else 0.6, repeats=5 if n < 10**7 else 3)


def main() -> None:
    print("bound = bytes moved per step / bandwidth; ratio = measured time / bound")
    print("bandwidth measured just before each row: copy (stricter) and add (ufunc-like)\n")
    header = f"{'optimizer':<9} {'dtype':<7} {'N':>9} {'us/step':>10} {'ns/param':>9} "
    print(header + f"{'copy GB/s':>10} {'ratio':>6} {'add GB/s':>9} {'ratio':>6}")
    for label, make, arrays in OPTIMIZERS:
        for dtype in DTYPES:
            for n in SIZES:
                copy, add = bandwidths()
                t = time_step(make, n, dtype)
                moved = arrays * np.dtype(dtype).itemsize * n
                print(
                    f"{label:<9} {np.dtype(dtype).name:<7} {n:>9.0e} {t * 1e6:>10.2f} "
                    f"{t / n * 1e9:>9.3f} {copy / 1e9:>10.1f} {t * copy / moved:>6.2f} "
                    f"{add / 1e9:>9.1f} {t * add / moved:>6.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
