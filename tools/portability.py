"""Run a command under simulated numerical configurations: the portability matrix.

The last bits of floating point depend on the CPU. numpy's bundled OpenBLAS picks its kernels
by CPU, and numpy picks its own SIMD loops at import. Both can be forced on one machine:

- ``OPENBLAS_CORETYPE`` selects OpenBLAS's kernels (``Haswell``, ``SkylakeX``, ``Prescott``, ...);
- ``NPY_DISABLE_CPU_FEATURES`` switches off numpy's dispatched loops by target name.

The configurations below stand for the machines the book's readers have:

``as-found``
    the environment as it is (whatever it sets is kept);
``avx2``
    an AVX2 laptop: OpenBLAS ``Haswell`` kernels, numpy's AVX-512 loops disabled;
``baseline``
    a baseline x86-64 machine: OpenBLAS ``Prescott`` kernels, every dispatched numpy loop
    disabled (this is the configuration ``make refresh`` stores outputs under);
``skylakex``
    OpenBLAS ``SkylakeX`` kernels with all of numpy's loops, where the CPU has AVX-512.

The names of numpy's loops come from numpy itself (``__cpu_dispatch__``); a loop counts as
AVX-512 when its target comes at or after ``AVX512F`` in numpy's ordered feature table.
A configuration whose effective settings (OpenBLAS kernel reported by threadpoolctl, numpy's
active targets) equal one that already ran is reported and skipped.

Usage::

    python tools/portability.py [--only NAME ...] [--skip NAME ...] [--first-also ARGS]
                                -- COMMAND [ARG ...]
    python tools/portability.py --describe

``--first-also ARGS`` adds arguments to the command under the first configuration that runs
only: ``make test`` adds the unit and browser tests there, so they share that run's workers
instead of leaving one idle in a run of their own.

Exit status: 0 when the command passed under every configuration that ran, 1 when it failed
under one, 2 when no chosen configuration could be simulated here.
"""

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass

ORDER = ("as-found", "avx2", "baseline", "skylakex")

_PROBE = """
import json, numpy, threadpoolctl
from numpy._core import _multiarray_umath as m
blas = sorted({i.get("architecture") or "?" for i in threadpoolctl.threadpool_info()
               if i.get("user_api") == "blas"})
active = [t for t in m.__cpu_dispatch__ if m.__cpu_features__.get(t)]
print(json.dumps({"blas": blas, "numpy": active}))
"""


@dataclass
class Configuration:
    """One simulated machine: a name, what it stands for, and the variables it overrides."""

    name: str
    stands_for: str
    overrides: dict  # variable -> value; value None removes the variable
    unavailable: str = ""  # why this configuration cannot be simulated here ("" when it can)

    def environment(self):
        env = dict(os.environ)
        for key, value in self.overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env


def numpy_targets():
    """numpy's dispatched loop targets this CPU has, split into (all, AVX-512 ones)."""
    from numpy._core import _multiarray_umath as m

    features = list(m.__cpu_features__)
    present = [t for t in m.__cpu_dispatch__ if m.__cpu_features__.get(t)]
    first_avx512 = features.index("AVX512F") if "AVX512F" in features else len(features)
    avx512 = [t for t in present if t in features and features.index(t) >= first_avx512]
    return present, avx512


def configurations():
    """The configurations of the module docstring, as found on this machine."""
    present, avx512 = numpy_targets()
    x86 = platform.machine().lower() in {"x86_64", "amd64"}
    not_x86 = "" if x86 else f"simulates an x86-64 CPU; this machine is {platform.machine()}"
    no_avx512 = "" if avx512 else "this CPU has no AVX-512"
    return [
        Configuration("as-found", "this machine, its environment as it is", {}),
        Configuration(
            "avx2",
            "an AVX2 laptop",
            {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": " ".join(avx512)},
            not_x86,
        ),
        Configuration(
            "baseline",
            "a baseline x86-64 machine",
            {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": " ".join(present)},
            not_x86,
        ),
        Configuration(
            "skylakex",
            "an AVX-512 server",
            {"OPENBLAS_CORETYPE": "SkylakeX", "NPY_DISABLE_CPU_FEATURES": None},
            not_x86 or no_avx512,
        ),
    ]


def effective(config):
    """What numpy and OpenBLAS actually use under ``config`` (probed in a fresh interpreter)."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=config.environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out)
    return f"OpenBLAS {'/'.join(found['blas'])}; numpy loops {' '.join(found['numpy']) or 'none'}"


def describe(config):
    settings = ", ".join(
        f"{k}={v!r}" if v is not None else f"{k} unset" for k, v in config.overrides.items()
    )
    return settings or "no override"


def run(command, chosen, first_also=()):
    """Run ``command`` under each chosen configuration (with ``first_also`` added under the
    first that runs); print a summary; return the exit code."""
    seen = {}
    rows = []
    for config in chosen:
        print(f"\n=== portability matrix: {config.name} ({config.stands_for})", flush=True)
        if config.unavailable:
            rows.append((config.name, "not simulated", config.unavailable, 0.0))
            print(f"    not simulated: {config.unavailable}", flush=True)
            continue
        actual = effective(config)
        print(f"    {describe(config)} -> {actual}", flush=True)
        if actual in seen:
            rows.append((config.name, "skipped", f"same as {seen[actual]}: {actual}", 0.0))
            print(f"    skipped: the same numerics as {seen[actual]}", flush=True)
            continue
        extra = list(first_also) if not seen else []
        seen[actual] = config.name
        start = time.perf_counter()
        code = subprocess.run(command + extra, env=config.environment()).returncode
        rows.append(
            (config.name, "passed" if code == 0 else "FAILED", actual, time.perf_counter() - start)
        )
    print("\nportability matrix summary:")
    for name, result, detail, seconds in rows:
        timing = f"{seconds:6.1f} s" if seconds else " " * 8
        print(f"  {name:9s} {result:14s} {timing}  {detail}")
    if not any(r[1] in ("passed", "FAILED") for r in rows):
        print("nothing ran: no chosen configuration can be simulated on this machine")
        return 2
    return 1 if any(r[1] == "FAILED" for r in rows) else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=ORDER, help="run only these configurations")
    parser.add_argument("--skip", nargs="+", choices=ORDER, default=[], help="leave these out")
    parser.add_argument("--describe", action="store_true", help="print the configurations")
    parser.add_argument(
        "--first-also",
        default="",
        metavar="ARGS",
        help="arguments added to the command under the first configuration that runs",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    chosen = [
        c
        for c in configurations()
        if (args.only is None or c.name in args.only) and c.name not in args.skip
    ]
    if args.describe:
        for config in chosen:
            status = (
                f"not simulated: {config.unavailable}" if config.unavailable else effective(config)
            )
            print(
                f"{config.name:9s} {config.stands_for}: {describe(config)}\n          -> {status}"
            )
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    return run(command, chosen, shlex.split(args.first_also))


if __name__ == "__main__":
    sys.exit(main())
