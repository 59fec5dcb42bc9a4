"""Initialization from trained parameters: copying layers, greedy supervised pretraining.

Instead of a random start, a network can start from what another network
has learned: some of its layers, or a stack built one layer at a time, each
new layer trained on the features of the ones below
:cite:p:`goodfellow2016deep,bengio2007greedy`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlopt import _checks
from dlopt.data import Dataset
from dlopt.nn import mlp
from dlopt.train import fit


def copy_layers(source_net, source_theta, target_net, target_theta, *, layers=None):
    """Copy the parameters of some layers of a trained network into another; return target_theta.

    ``layers`` lists which layers: integers (the same index in both networks)
    or pairs ``(source_index, target_index)``; by default every layer with
    parameters, which needs the two networks to have as many layers. Every
    copied parameter must exist in both layers with the same shape, else
    ``ValueError`` names it. ``target_theta`` is written in place, through the
    target network's views.
    """
    source_theta = np.asarray(source_theta)
    target_theta = np.asarray(target_theta)
    for net, theta, name in (
        (source_net, source_theta, "source"),
        (target_net, target_theta, "target"),
    ):
        if theta.shape != (net.size,):
            raise ValueError(f"{name}_theta must have shape ({net.size},), got {theta.shape}")
    if layers is None:
        if len(source_net.layers) != len(target_net.layers):
            raise ValueError(
                f"the networks have {len(source_net.layers)} and {len(target_net.layers)} layers; "
                "pass layers= to say which to copy"
            )
        layers = [i for i in range(len(source_net.layers)) if source_net.layers[i].param_shapes()]
    for entry in layers:
        i, j = (entry, entry) if isinstance(entry, int | np.integer) else entry
        for net, k, name in ((source_net, i, "source"), (target_net, j, "target")):
            if not 0 <= k < len(net.layers):
                raise ValueError(f"{name} layer index must be in 0..{len(net.layers) - 1}, got {k}")
        source = source_net.layer_params(source_theta, i)
        target = target_net.layer_params(target_theta, j)
        if set(source) != set(target):
            raise ValueError(
                f"source layer {i} has parameters {sorted(source)}, "
                f"target layer {j} has {sorted(target)}"
            )
        for name, view in target.items():
            if source[name].shape != view.shape:
                raise ValueError(
                    f"parameter {name!r}: source layer {i} has shape {source[name].shape}, "
                    f"target layer {j} has shape {view.shape}"
                )
            view[...] = source[name]
    return target_theta


@dataclass
class Pretrained:
    """The result of :func:`greedy_supervised_pretraining`.

    ``net`` = ``mlp(sizes)``, ``theta`` its parameters, ``stages`` the shallow
    networks trained one after the other and ``records`` their
    :func:`dlopt.fit` records (then the fine-tuning record, if any).
    """

    net: object
    theta: np.ndarray
    stages: list
    records: list


def greedy_supervised_pretraining(
    sizes,
    data,
    optimizer_factory,
    *,
    epochs: int,
    batch_size: int,
    seed: int = 0,
    activation: str = "tanh",
    loss: str = "cross_entropy",
    fine_tune_epochs: int = 0,
) -> Pretrained:
    r"""Build ``mlp(sizes)`` one hidden layer at a time, each trained on the features below it.

    With sizes = [n₀, h₁, …, h_L, k]: stage l trains the shallow network
    ``mlp([h_{l−1}, h_l, k])`` (h₀ = n₀) with :func:`dlopt.fit` on the
    features F_{l−1} of the data (F₀ = X, F_l = f(F_{l−1} W_l + b_l) with the
    stage's trained first layer), then keeps only that first layer and
    discards its output layer (textbook figure 8.7). The deep network gets the
    L trained hidden layers and the last stage's output layer, so without
    fine-tuning its outputs are exactly those of the last stage on F_{L−1};
    ``fine_tune_epochs`` > 0 then trains all layers jointly
    :cite:p:`goodfellow2016deep,bengio2007greedy`. ``optimizer_factory()``
    returns a fresh optimizer for each stage; stage l uses seed ``seed + l``.
    """
    sizes = [_checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    if len(sizes) < 3:
        raise ValueError(f"sizes must have at least one hidden layer, got sizes={sizes}")
    if fine_tune_epochs != 0:
        fine_tune_epochs = _checks.positive_int("fine_tune_epochs", fine_tune_epochs)
    deep = mlp(sizes, activation, loss)
    theta = deep.init(np.random.default_rng(seed))
    features, stages, records = np.asarray(data.X, dtype=float), [], []
    for l in range(1, len(sizes) - 1):
        stage = mlp([sizes[l - 1], sizes[l], sizes[-1]], activation, loss)
        record = fit(
            stage,
            optimizer_factory(),
            Dataset(features, data.y),
            epochs=epochs,
            batch_size=batch_size,
            seed=seed + l,
        )
        stages.append(stage)
        records.append(record)
        copy_layers(stage, record.theta, deep, theta, layers=[(0, 2 * (l - 1))])
        for i in (0, 1):  # F_l = f(F_{l−1} W_l + b_l)
            features, _ = stage.layers[i].forward(
                stage.layer_params(record.theta, i), features, False
            )
    copy_layers(stage, record.theta, deep, theta, layers=[(2, 2 * (len(sizes) - 2))])
    if fine_tune_epochs:
        record = fit(
            deep,
            optimizer_factory(),
            data,
            epochs=fine_tune_epochs,
            batch_size=batch_size,
            seed=seed,
            theta0=theta,
        )
        records.append(record)
        theta = record.theta.copy()
    return Pretrained(net=deep, theta=theta, stages=stages, records=records)
