"""The optimization algorithms of the notes, one small module per family.

Every optimizer follows one contract: ``opt.step(theta, objective)`` performs
one update of its algorithm box and returns the new θ.
"""

from dlopt.optim.adam import Adam
from dlopt.optim.adaptive import AdaGrad, RMSProp
from dlopt.optim.base import FirstOrder, Optimizer
from dlopt.optim.conjugate_gradient import ConjugateGradient
from dlopt.optim.momentum import Momentum, Nesterov
from dlopt.optim.newton import Newton
from dlopt.optim.sgd import SGD

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "ConjugateGradient",
    "FirstOrder",
    "Momentum",
    "Nesterov",
    "Newton",
    "Optimizer",
    "RMSProp",
]
