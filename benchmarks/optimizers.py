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
gradient, so the optimizer alone is timed (its gradient check included); at N <= 1e4 each timed
call runs 100 steps in a plain loop, as a training loop would, so that the timer's own call
does not count as the optimizer's.
Single-threaded: BLAS threads are pinned to 1 before numpy is imported.
Times are CPU time of this thread (``time.thread_time``), best of several
repeats, so that other processes sharing the machine do not count while
they hold the core; they still compete for caches and memory bandwidth.
The load average is printed before and after the table, and ``--rounds R``
measures the whole table R times (one row after the other, so a burst of
load spoils one round of a row, not all) and prints each row's fastest round.

At N = 1e3 the time per step is mostly the fixed cost of a step; to judge it,
the header gives the cost of single numpy operations on 1e3 float64 numbers
measured in the same run (a box is a handful of them, plus θ + Δθ and the
finiteness check gᵀg). Part of it still grows with N (Adam's square root
costs about 1 ns per float64), so when both N = 1e3 and N = 4e3 are measured
(the default; both fit in the L2 cache) a second table splits the time at
N = 1e3 into the part that grows with N (the slope between the two sizes)
and the part that does not (the intercept at N = 0).

Run: ``make bench`` or ``python benchmarks/optimizers.py [--sizes 1e3 1e6]
[--optimizers SGD Adam] [--dtypes float64] [--rounds 3]``.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
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
SIZES = [10**3, 4 * 10**3, 10**5, 10**6, 10**7]
SMALL = (10**3, 4 * 10**3)  # the two in-cache sizes that split the fixed cost
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
    steps = 100 if n <= 10**4 else 1  # a training loop's steps, so that timing a call costs little

    def run():
        theta = box["theta"]
        for _ in range(steps):
            theta = opt.step(theta, objective)
        box["theta"] = theta

    budget, repeats = (0.3, 5) if n < 10**7 else (0.6, 3)
    return best_time(run, budget=budget, repeats=repeats) / steps


def numpy_operations(n: int = 10**3) -> dict[str, float]:
    """Seconds of single numpy operations on n float64 numbers, the bricks of a box."""
    x, y = np.full(n, 1e-3), np.full(n, 2e-3)
    return {
        "x + y": best_time(lambda: x + y, budget=0.05),
        "0.9 * x": best_time(lambda: 0.9 * x, budget=0.05),
        "np.sqrt(x)": best_time(lambda: np.sqrt(x), budget=0.05),
        "x.dot(x)": best_time(lambda: x.dot(x), budget=0.05),
    }


def measure(make, n: int, dtype) -> tuple[float, float, float]:
    """(seconds per step, copy and add bandwidth measured just before)."""
    copy, add = bandwidths()
    return time_step(make, n, dtype), copy, add


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=SIZES, help="N, e.g. 1e3 1e6")
    names = [label for label, _, _ in OPTIMIZERS]
    parser.add_argument("--optimizers", nargs="+", choices=names, default=names)
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], default=None)
    parser.add_argument("--rounds", type=int, default=1, help="measure R times, keep the fastest")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    dtypes = DTYPES if args.dtypes is None else [np.dtype(d).type for d in args.dtypes]
    rows = [
        (label, make, arrays, dtype, int(n))
        for label, make, arrays in OPTIMIZERS
        if label in args.optimizers
        for dtype in dtypes
        for n in args.sizes
    ]
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    ops = ", ".join(f"{k} {t * 1e6:.2f}" for k, t in numpy_operations().items())
    print(f"one numpy operation on 1e3 float64, us: {ops}")
    print("bound = bytes moved per step / bandwidth; ratio = measured time / bound")
    print("bandwidth measured just before each row: copy (stricter) and add (ufunc-like)")
    if args.rounds > 1:
        print(f"each row: the fastest of {args.rounds} rounds")
    print()
    header = f"{'optimizer':<9} {'dtype':<7} {'N':>9} {'us/step':>10} {'ns/param':>9} "
    print(header + f"{'copy GB/s':>10} {'ratio':>6} {'add GB/s':>9} {'ratio':>6}")
    best = {}
    for round_ in range(args.rounds):
        for label, make, arrays, dtype, n in rows:
            result = measure(make, n, dtype)
            key = (label, dtype, n)
            best[key] = min(best.get(key, result), result)
            if round_ == args.rounds - 1:
                print_row(label, arrays, dtype, n, *best[key])
    print_fixed_costs({key: times[0] for key, times in best.items()})
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def print_fixed_costs(seconds: dict) -> None:
    """Split each time at N = 1e3 into the intercept at N = 0 and the part that grows with N."""
    (n1, n2), lines = SMALL, []
    for (label, dtype, n), t1 in seconds.items():
        t2 = seconds.get((label, dtype, n2))
        if n == n1 and t2 is not None:
            slope = (t2 - t1) / (n2 - n1)
            lines.append(
                f"{label:<9} {np.dtype(dtype).name:<7} {t1 * 1e6:>11.2f} {slope * n1 * 1e6:>14.2f} "
                f"{(t1 - slope * n1) * 1e6:>13.2f}"
            )
    if lines:
        print(f"\nat N = {n1:.0e}: time = fixed cost + what grows with N (slope to N = {n2:.0e})")
        header = f"{'optimizer':<9} {'dtype':<7} {'us/step':>11} {'grows with N':>14}"
        print(header + f" {'fixed cost':>13}")
        print("\n".join(lines))


def print_row(label: str, arrays: int, dtype, n: int, t: float, copy: float, add: float) -> None:
    moved = arrays * np.dtype(dtype).itemsize * n
    print(
        f"{label:<9} {np.dtype(dtype).name:<7} {n:>9.0e} {t * 1e6:>10.2f} "
        f"{t / n * 1e9:>9.3f} {copy / 1e9:>10.1f} {t * copy / moved:>6.2f} "
        f"{add / 1e9:>9.1f} {t * add / moved:>6.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
