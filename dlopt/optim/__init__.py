"""The optimization algorithms of the notes, one small module per family.

Every optimizer follows one contract: ``opt.step(theta, objective)`` performs
one update of its algorithm box and returns the new θ.
"""

from dlopt.optim.base import Optimizer
from dlopt.optim.conjugate_gradient import ConjugateGradient
from dlopt.optim.newton import Newton
from dlopt.optim.sgd import SGD

__all__ = ["SGD", "ConjugateGradient", "Newton", "Optimizer"]
