"""Parameter initialization (section 4 of the notes; textbook section 8.4).

- :mod:`dlopt.init.weights`: constant, scaled uniform/normal, U(−1/√m, 1/√m),
  Glorot, He, orthogonal with a gain, sparse, identity;
- :mod:`dlopt.init.biases`: softmax-marginal output bias, ReLU bias, gate bias;
- :mod:`dlopt.init.network`: apply initializers to a network's views into θ;
- :mod:`dlopt.init.pretrained`: copy trained layers, greedy supervised pretraining.
"""

from dlopt.init.biases import gate_bias, relu_bias, softmax_marginal_bias
from dlopt.init.network import init_network
from dlopt.init.pretrained import Pretrained, copy_layers, greedy_supervised_pretraining
from dlopt.init.weights import (
    constant,
    fan_in_uniform,
    fans,
    gain,
    glorot_uniform,
    he_normal,
    identity,
    normal,
    orthogonal,
    sparse,
    uniform,
    zeros,
)

__all__ = [
    "Pretrained",
    "constant",
    "copy_layers",
    "fan_in_uniform",
    "fans",
    "gain",
    "gate_bias",
    "glorot_uniform",
    "greedy_supervised_pretraining",
    "he_normal",
    "identity",
    "init_network",
    "normal",
    "orthogonal",
    "relu_bias",
    "softmax_marginal_bias",
    "sparse",
    "uniform",
    "zeros",
]
