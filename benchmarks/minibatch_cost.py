"""Time of one minibatch gradient against the batch size n (the claim of book/part1/minibatches).

The page says the time of a step is nearly flat for small n (fixed costs dominate) and
grows in proportion to n for large n. This prints the fastest of 15 timings of
``net.loss_and_grad`` for the page's network (64-32-10, tanh) on digits, and the two
ratios the page's figure shows: t(8)/t(1) (flat: well below 8) and t(1024)/t(128)
(proportional to n: approaches 8 as the fixed cost fades).
"""

import os
import time

import numpy as np

import dlopt


def seconds(net, theta, X, y, n: int, repeats: int = 15) -> float:
    """The fastest of ``repeats`` timings of one gradient on the first n examples."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        net.loss_and_grad(theta, X[:n], y[:n])
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    train, _ = dlopt.data.digits().split((0.8,), seed=0)
    net = dlopt.nn.mlp([64, 32, 10], activation="tanh")
    theta = net.init(np.random.default_rng(0))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    times = {n: seconds(net, theta, train.X, train.y, n) for n in (1, 8, 128, 1024)}
    for n, t in times.items():
        print(f"n = {n:5d}: {t * 1e6:8.1f} us per gradient")
    print(f"t(8)/t(1) = {times[8] / times[1]:.2f} (flat: far below 8)")
    ratio = times[1024] / times[128]
    print(f"t(1024)/t(128) = {ratio:.2f} (proportional to n: approaches 8 as fixed costs fade)")


if __name__ == "__main__":
    main()
