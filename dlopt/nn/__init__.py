"""dlopt.nn: tiny networks with hand-written back-propagation on one flat parameter vector.

A two-layer perceptron for the 8×8 digits is ``net = mlp([64, 32, 10])``;
``theta = net.init(rng=0)`` draws its parameters, and ``net.objective(X, y)``
is its mean loss on the minibatch (X, y) as an objective of θ, like any other.

Layers (:mod:`dlopt.nn.layers`), batch normalization (:mod:`dlopt.nn.batchnorm`),
losses (:mod:`dlopt.nn.losses`), the network and its minibatch objective
(:mod:`dlopt.nn.network`), a vanilla recurrent network (:mod:`dlopt.nn.rnn`),
a residual block (:mod:`dlopt.nn.residual`), the gradient check
(:mod:`dlopt.nn.gradcheck`) and per-example gradients (:mod:`dlopt.nn.per_example`).
"""

from dlopt.nn.batchnorm import BatchNorm
from dlopt.nn.gradcheck import gradient_check, numerical_gradient
from dlopt.nn.layers import Activation, Dense, Identity, Layer, ReLU, Sigmoid, Tanh
from dlopt.nn.losses import Loss, MeanSquaredError, SoftmaxCrossEntropy, log_softmax, softmax
from dlopt.nn.network import Network, NetworkObjective, mlp
from dlopt.nn.per_example import per_example_gradients
from dlopt.nn.residual import Residual
from dlopt.nn.rnn import RNN, Recurrent

__all__ = [
    "RNN",
    "Activation",
    "BatchNorm",
    "Dense",
    "Identity",
    "Layer",
    "Loss",
    "MeanSquaredError",
    "Network",
    "NetworkObjective",
    "ReLU",
    "Recurrent",
    "Residual",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "gradient_check",
    "log_softmax",
    "mlp",
    "numerical_gradient",
    "per_example_gradients",
    "softmax",
]
