"""The abstraction tax of the first-order optimizers: ``opt.step`` against bare numpy.

For each optimizer this times one ``opt.step`` and a bare numpy transcription of the same
box (the same arithmetic on local arrays, with no checks, no state dict and no call through
the class) in the same process, and prints their ratio. The targets (issue "A core a student
can read in one sitting"): at N = 1e3 the step costs at most 1.5x the bare box, at N = 1e6 at
most 1.3x. The step does more than the bare box on purpose: it checks the gradient (shape,
finiteness) and leaves the state untouched when the check fails; at N = 1e3 those checks and
Python's calls are most of the difference, at N = 1e6 the arrays' memory traffic dominates.

When torch is installed, ``torch.optim``'s step (default single-tensor loop and ``foreach``)
on a float64 tensor of the same size is timed too, for comparison. Times are the best of
several repeats of CPU time of this thread (``time.thread_time``), one BLAS thread.

Run: ``make bench`` or ``python benchmarks/optimizers.py [--sizes 1e3 1e6] [--rounds 3]``.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp  # noqa: E402

TARGETS = {10**3: 1.5, 10**6: 1.3}
EPS, ALPHA, RHO, RHO1, RHO2 = 1e-3, 0.9, 0.9, 0.9, 0.999


class ConstantGradient:
    """An objective whose gradient is a precomputed array: costs nothing to ask."""

    def __init__(self, g):
        self.g = g

    def grad(self, theta):
        return self.g


# Bare transcriptions: state in a dict of arrays, the box's lines and θ ← θ + Δθ, nothing else.
def bare_sgd(s, g):
    s["theta"] = s["theta"] + -EPS * g


def bare_momentum(s, g):
    s["v"] = ALPHA * s["v"] - EPS * g
    s["theta"] = s["theta"] + s["v"]


def bare_nesterov(s, g_at):
    g = g_at(s["theta"] + ALPHA * s["v"])
    s["v"] = ALPHA * s["v"] - EPS * g
    s["theta"] = s["theta"] + s["v"]


def bare_adagrad(s, g):
    s["r"] = s["r"] + g * g
    s["theta"] = s["theta"] + -EPS / (1e-7 + np.sqrt(s["r"])) * g


def bare_rmsprop(s, g):
    s["r"] = RHO * s["r"] + (1 - RHO) * g * g
    s["theta"] = s["theta"] + -EPS / np.sqrt(1e-6 + s["r"]) * g


def bare_adam(s, g):
    s["t"] += 1
    s["s"] = RHO1 * s["s"] + (1 - RHO1) * g
    s["r"] = RHO2 * s["r"] + (1 - RHO2) * g * g
    s_hat, r_hat = s["s"] / (1 - RHO1 ** s["t"]), s["r"] / (1 - RHO2 ** s["t"])
    s["theta"] = s["theta"] + -EPS * s_hat / (np.sqrt(r_hat) + 1e-8)


OPTIMIZERS = [
    ("SGD", lambda: SGD(lr=EPS), bare_sgd, "SGD", {}),
    ("Momentum", lambda: Momentum(lr=EPS, alpha=ALPHA), bare_momentum, "SGD", {"momentum": ALPHA}),
    ("Nesterov", lambda: Nesterov(lr=EPS, alpha=ALPHA), bare_nesterov, "SGD",
     {"momentum": ALPHA, "nesterov": True}),
    ("AdaGrad", lambda: AdaGrad(lr=EPS), bare_adagrad, "Adagrad", {}),
    ("RMSProp", lambda: RMSProp(lr=EPS), bare_rmsprop, "RMSprop", {"alpha": RHO}),
    ("Adam", lambda: Adam(lr=EPS), bare_adam, "Adam", {}),
]  # fmt: skip


def best_time(run, repeats: int = 5, budget: float = 0.2) -> float:
    """The best, over ``repeats``, of the mean time of ``run()`` over about ``budget`` seconds."""
    start, calls = time.thread_time(), 0
    while time.thread_time() - start < budget / repeats or calls < 2:
        run()
        calls += 1
    number = max(2, int(calls))
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(number):
            run()
        best = min(best, (time.thread_time() - start) / number)
    return best


def time_dlopt(make, n: int) -> float:
    opt, objective = make(), ConstantGradient(np.full(n, 1e-3))
    box = {"theta": np.ones(n)}

    def run():
        box["theta"] = opt.step(box["theta"], objective)

    return best_time(run)


def time_bare(bare, n: int) -> float:
    g = np.full(n, 1e-3)
    state = {"theta": np.ones(n), "v": np.zeros(n), "r": np.zeros(n), "s": np.zeros(n), "t": 0}
    if bare is bare_nesterov:
        return best_time(lambda: bare(state, lambda point: g))
    return best_time(lambda: bare(state, g))


def time_torch(name: str, options: dict, n: int) -> dict[str, float]:
    """Seconds per ``torch.optim`` step, single-tensor and ``foreach``; {} without torch."""
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(1)
    times = {}
    for foreach in (False, True):
        p = torch.nn.Parameter(torch.ones(n, dtype=torch.float64))
        p.grad = torch.full((n,), 1e-3, dtype=torch.float64)
        opt = getattr(torch.optim, name)([p], lr=EPS, foreach=foreach, **options)
        times["foreach" if foreach else "single"] = best_time(opt.step)
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=list(TARGETS))
    parser.add_argument("--rounds", type=int, default=3, help="measure R times, keep the fastest")
    args = parser.parse_args(argv)
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("float64; ratio = dlopt step / bare numpy box; target: the ratio at most the limit")
    print(f"{'optimizer':<9} {'N':>7} {'dlopt us':>9} {'bare us':>8} {'ratio':>6} {'limit':>6}  "
          f"torch.optim us (single, foreach)")  # fmt: skip
    for label, make, bare, torch_name, torch_options in OPTIMIZERS:
        for n in map(int, args.sizes):
            ours = min(time_dlopt(make, n) for _ in range(args.rounds))
            theirs = min(time_bare(bare, n) for _ in range(args.rounds))
            torch_times = time_torch(torch_name, torch_options, n)
            limit = TARGETS.get(n)
            verdict = "" if limit is None else ("ok" if ours / theirs <= limit else "OVER")
            torch_text = ", ".join(f"{t * 1e6:.1f}" for t in torch_times.values()) or "-"
            print(
                f"{label:<9} {n:>7.0e} {ours * 1e6:>9.1f} {theirs * 1e6:>8.1f} "
                f"{ours / theirs:>6.2f} {limit or '':>6} {verdict:4}  {torch_text}",
                flush=True,
            )
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
