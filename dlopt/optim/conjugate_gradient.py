r"""Nonlinear conjugate gradient (Algorithm 8 of the notes; textbook Algorithm 8.9).

Each search direction mixes the new steepest-descent direction with the
previous direction, ρ_t = −g_t + β_t ρ_{t−1}, and a line search then picks
the step along it. The notes' box calls the direction ρ_t (its prose writes
d_t, and Nocedal & Wright write p_k); the code keeps the box's ρ.

On a quadratic with an exact line search the directions are conjugate,
ρ_tᵀ A ρ_{t−1} = 0, and the minimum of an n-dimensional quadratic is reached
in at most n steps :cite:p:`nocedal2006numerical`. The β formulas are from
:cite:t:`fletcher1964function` and :cite:t:`polak1969note`.
"""

from __future__ import annotations

import math

from dlopt import _checks
from dlopt.optim import linesearch
from dlopt.optim.base import Optimizer


def fletcher_reeves(g_t, g_prev) -> float:
    """β_t = g_tᵀg_t / g_{t−1}ᵀg_{t−1} (Fletcher–Reeves)."""
    return float(g_t @ g_t) / float(g_prev @ g_prev)


def polak_ribiere(g_t, g_prev) -> float:
    """β_t = (g_t − g_{t−1})ᵀg_t / g_{t−1}ᵀg_{t−1} (Polak–Ribière, the notes' box)."""
    return float((g_t - g_prev) @ g_t) / float(g_prev @ g_prev)


def polak_ribiere_plus(g_t, g_prev) -> float:
    """β_t = max(0, β_PR): a negative β_PR restarts with steepest descent (PR+)."""
    return max(0.0, polak_ribiere(g_t, g_prev))


BETAS = {
    "fletcher-reeves": fletcher_reeves,
    "polak-ribiere": polak_ribiere,
    "pr+": polak_ribiere_plus,
}
LINE_SEARCHES = {"wolfe": linesearch.strong_wolfe, "exact": linesearch.exact}


class ConjugateGradient(Optimizer):
    r"""Nonlinear conjugate gradient: ρ_t = −g_t + β_t ρ_{t−1}, θ_{t+1} = θ_t + ε* ρ_t.

    ``beta`` is "polak-ribiere" (the notes' box), "fletcher-reeves" or "pr+"
    (β = max(0, β_PR)). ``line_search`` is "wolfe"
    (:func:`dlopt.optim.linesearch.strong_wolfe`, c2 = 0.1), "exact"
    (:func:`dlopt.optim.linesearch.exact`, for quadratics) or a callable with
    their signature ``(objective, theta, rho, *, g, initial_step)`` returning a
    :class:`~dlopt.optim.linesearch.LineSearchResult`.

    Two things the box leaves out. β_1 = 0: on the first step there is no
    previous gradient (the box's g_0 = 0 would divide by zero). And a restart,
    β_t = 0 so ρ_t = −g_t, whenever ρ_t is not a descent direction
    (ρ_tᵀg_t ≥ 0, which Polak–Ribière can produce) and, if ``restart_every``
    is k, on every k-th step.

    A failed line search does not raise: θ is returned unchanged, the status
    is kept in ``state["status"]`` and the next step restarts from −g.
    The state: ``t`` (the box's counter, from 1), ``g_prev``, ``rho_prev``,
    ``beta``, ``epsilon`` (the last step ε*) and ``status``.
    After the first step the Wolfe search starts from
    ε_{t−1} g_{t−1}ᵀρ_{t−1} / g_tᵀρ_t (Nocedal & Wright eq. 3.60).
    """

    def __init__(self, beta="polak-ribiere", line_search="wolfe", restart_every=None):
        super().__init__()
        if beta not in BETAS:
            raise ValueError(f"beta must be one of {tuple(BETAS)}, got beta={beta!r}")
        if not (callable(line_search) or line_search in LINE_SEARCHES):
            raise ValueError(
                f"line_search must be one of {tuple(LINE_SEARCHES)} or a callable, "
                f"got line_search={line_search!r}"
            )
        if restart_every is not None:
            _checks.positive_int("restart_every", restart_every)
        self.beta, self.line_search, self.restart_every = beta, line_search, restart_every
        self.state = {
            "t": 1,
            "g_prev": None,
            "rho_prev": None,
            "beta": None,
            "epsilon": None,
            "status": None,
        }

    def hyperparameters(self) -> dict:
        return {
            "beta": self.beta,
            "line_search": self.line_search,
            "restart_every": self.restart_every,
        }

    def step(self, theta, objective):
        t, g_prev, rho_prev = self.state["t"], self.state["g_prev"], self.state["rho_prev"]
        g_t = self.gradient(objective, theta).copy()  # compute gradient g_t
        beta_t = 0.0 if self._restart(t) else BETAS[self.beta](g_t, g_prev)  # compute β_t
        rho_t = -g_t if beta_t == 0 else -g_t + beta_t * rho_prev  # ρ_t = −g_t + β_t ρ_{t−1}
        if rho_t @ g_t >= 0:  # not a descent direction: restart with steepest descent
            beta_t, rho_t = 0.0, -g_t
        search = self._search(objective, theta, rho_t, g_t)  # ε* ≈ argmin_ε J(θ_t + ε ρ_t)
        epsilon_star = search.step
        if search.converged:
            theta = theta + (epsilon_star * rho_t).astype(theta.dtype, copy=False)  # θ_{t+1}
        else:
            theta, g_t, rho_t = theta.copy(), None, None
        self.state.update(t=t + 1, g_prev=g_t, rho_prev=rho_t, beta=beta_t)  # t ← t + 1
        self.state.update(epsilon=epsilon_star, status=search.status)
        return theta

    def _restart(self, t: int) -> bool:
        """β_t = 0: the first step, after a failed search, and every ``restart_every`` steps."""
        periodic = self.restart_every is not None and (t - 1) % self.restart_every == 0
        return self.state["g_prev"] is None or periodic

    def _search(self, objective, theta, rho_t, g_t):
        """ε* along ρ_t, starting the Wolfe search from N&W's guess (eq. 3.60) after step 1.

        At a stationary point (g_t = 0) the slope is 0 and the search reports
        "not_descent": θ stays where it is.
        """
        search = LINE_SEARCHES.get(self.line_search, self.line_search)
        initial_step, slope = linesearch.INITIAL_STEP, float(g_t @ rho_t)
        if self.state["g_prev"] is not None and slope < 0:
            previous_slope = float(self.state["g_prev"] @ self.state["rho_prev"])
            guess = self.state["epsilon"] * previous_slope / slope
            initial_step = guess if 0 < guess < math.inf else initial_step
        return search(objective, theta, rho_t, g=g_t, initial_step=initial_step)
