"""Claims of book/part4/norm-preserving: each number in the prose, checked independently."""

import functools

import numpy as np
import pytest

import dlopt
from dlopt import init
from dlopt.nn import mlp
from dlopt.optim import SGD

CHAPTER = "part4/norm-preserving"


def gaussian_layers(L, m=64):
    gaussian = functools.partial(init.normal, std=1 / np.sqrt(m))
    rng = np.random.default_rng(0)
    return [gaussian((m, m), rng) for _ in range(L)]


def product_singular_values(weights, L, m=64):
    rng = np.random.default_rng(0)
    product = np.eye(m)
    for _ in range(L):
        product = product @ weights((m, m), rng)
    return np.linalg.svd(product, compute_uv=False)


def smallest_singular_value_bound(layers):
    """An upper bound on the exact smallest singular value of W1 W2 ... WL, without forming it.

    The product's transpose is WL^T ... W1^T = Q T with T = RL ... R1 triangular, where
    Q_l R_l = W_l^T Q_(l-1) are QR factorizations of well-conditioned matrices. A triangular
    T has smallest singular value at most min |T_jj| (since ||T^-1|| >= |1 / T_jj|), and
    diag(T) is the product of the diagonals: a stable route, unlike the SVD of the product,
    whose smallest singular values are rounding noise.
    """
    Q, log_diag = np.eye(len(layers[0])), 0.0
    for W in layers:
        Q, R = np.linalg.qr(W.T @ Q)
        log_diag = log_diag + np.log(np.abs(np.diag(R)))
    return np.exp(log_diag.min())


def test_gaussian_products_spread_and_orthogonal_products_do_not(glued):
    gaussian = functools.partial(init.normal, std=1 / 8)
    s1 = product_singular_values(gaussian, 1)
    assert glued(CHAPTER, "np_gauss1_smallest") == f"{s1[-1]:.2f}" == "0.01"  # "about 0.01"
    assert glued(CHAPTER, "np_gauss1_largest") == f"{s1[0]:.0f}" == "2"
    s20 = product_singular_values(gaussian, 20)
    assert 3 < s20[0] < 10  # "stretched several times over"
    assert float(glued(CHAPTER, "np_gauss20_largest")) == pytest.approx(s20[0], abs=0.5)
    # "their median is about" the glued value
    assert np.median(s20) == pytest.approx(float(glued(CHAPTER, "np_gauss20_median")), abs=5e-5)
    # numerically singular: the computed ratio and the exact one are both below 1e-12
    assert glued(CHAPTER, "np_gauss20_smallest") == "below 1e-12"
    assert s20[-1] / s20[0] < 1e-12
    assert smallest_singular_value_bound(gaussian_layers(20)) / s20[0] < 1e-16  # "smaller still"
    # the bound is not vacuous: for one layer it is close to the exact smallest singular value
    assert smallest_singular_value_bound(gaussian_layers(1)) < 10 * s1[-1]
    assert glued(CHAPTER, "np_orth20_error") == "below 1e-12"
    np.testing.assert_allclose(product_singular_values(init.orthogonal, 20), 1.0, atol=1e-12)


def test_product_of_scaled_orthogonal_matrices_has_singular_values_g_to_the_L():
    # independent construction: rotations in the plane, scaled by g
    g, L = 1.1, 7
    angles = np.random.default_rng(0).uniform(0, 2 * np.pi, L)
    product = np.eye(2)
    for a in angles:
        product = product @ (g * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]))
    np.testing.assert_allclose(np.linalg.svd(product, compute_uv=False), g**L)


def linear_losses():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 16))
    task = dlopt.data.Dataset(X, X @ (rng.standard_normal((16, 16)) / 4))
    out = {}
    for name, weights in [
        ("gauss", functools.partial(init.normal, std=0.25)),
        ("orth", init.orthogonal),
    ]:
        for depth in [1, 8, 16]:
            net = mlp([16] * (depth + 1), "identity", loss="mse")
            theta0 = np.zeros(net.size)
            init.init_network(net, theta0, np.random.default_rng(1), weights=weights, biases=0.0)
            run = dlopt.fit(net, SGD(lr=0.01), task, epochs=30, batch_size=16, seed=0,
                            theta0=theta0)  # fmt: skip
            out[name, depth] = run.extras["train_loss"]
    return out


def test_orthogonal_start_makes_depth_cheap_in_a_linear_network(glued):
    loss = linear_losses()
    assert loss["gauss", 1][30] < loss["gauss", 8][30] < loss["gauss", 16][30]
    gauss_ratio = loss["gauss", 16][30] / loss["gauss", 1][30]
    assert float(glued(CHAPTER, "np_Gaussian_16_ratio")) == pytest.approx(gauss_ratio, abs=0.5)
    for depth in (8, 16):
        assert loss["orth", depth][5] < loss["orth", 1][5]  # ahead in the first epochs
    orth_ratio = loss["orth", 16][30] / loss["orth", 1][30]
    assert float(glued(CHAPTER, "np_orthogonal_16_ratio")) == pytest.approx(orth_ratio, abs=0.5)
    assert orth_ratio < gauss_ratio / 10  # depth costs far less


def tanh_profile(weights, depth=20, width=100):
    digits = dlopt.data.digits()
    x = digits.X[:200]
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-8)
    net = mlp([64] + [width] * depth + [10], "tanh")
    theta = np.zeros(net.size)
    init.init_network(net, theta, np.random.default_rng(0), weights=weights, biases=0.0)
    # Jacobian by central finite differences through the network's own layers
    hidden = mlp([64] + [width] * depth, "tanh")
    sub = theta[: hidden.size].copy()
    # the hidden-only network ends with a Dense layer: append the last tanh by hand
    eps, x0 = 1e-6, x[:1]
    J = np.empty((64, width))
    for i in range(64):
        e = np.zeros((1, 64))
        e[0, i] = eps
        J[i] = (np.tanh(hidden.forward(sub, x0 + e)) - np.tanh(hidden.forward(sub, x0 - e)))[0]
    J /= 2 * eps
    std_last = np.tanh(hidden.forward(sub, x)).std()
    return std_last, np.linalg.svd(J, compute_uv=False)


def test_tanh_jacobians_and_signal(glued):
    std_g, s_g = tanh_profile(functools.partial(init.normal, std=0.1))
    std_o, s_o = tanh_profile(init.orthogonal)
    std_o53, s_o53 = tanh_profile(functools.partial(init.orthogonal, gain=5 / 3))
    # the finite-difference Jacobian agrees with the back-propagated one of the chapter
    orders = np.log10(s_g[0] / s_g[-1])
    assert float(glued(CHAPTER, "np_gauss_orders")) == pytest.approx(orders, abs=0.06)
    assert float(glued(CHAPTER, "np_orth_condition")) == pytest.approx(s_o[0] / s_o[-1], abs=0.5)
    orders = np.log10(s_o53[0] / s_o53[-1])
    assert float(glued(CHAPTER, "np_tanh_gain_orders")) == pytest.approx(orders, abs=0.06)
    assert s_o53[0] / s_o53[-1] > 1e3 * s_o[0] / s_o[-1]  # stretched again
    for key, std in [("gauss", std_g), ("orth", std_o), ("tanh_gain", std_o53)]:
        assert float(glued(CHAPTER, f"np_{key}_std20")) == pytest.approx(std, abs=0.006)
    assert std_o < 0.2 < 0.6 < std_o53  # the signal fades with g = 1, not with 5/3


def test_sparse_total_input_std_is_root_k():
    rng = np.random.default_rng(5)
    for m in (64, 1024):
        W = init.sparse((m, 400), rng, k=15)
        assert np.all(np.count_nonzero(W, axis=0) == 15)
        x = rng.standard_normal((3000, m))
        assert (x @ W).std() == pytest.approx(np.sqrt(15), rel=0.1)


def test_orthogonality_is_lost_in_training(glued):
    digits = dlopt.data.digits()
    train, val, _ = digits.split([0.2, 0.3, 0.5], seed=0)
    net = mlp([64, 64, 64, 10], "tanh")
    result = {}
    for name, weights in [("orth", init.orthogonal), ("glorot", init.glorot_uniform)]:
        theta0 = np.zeros(net.size)
        init.init_network(net, theta0, np.random.default_rng(0), weights=weights, biases=0.0)
        run = dlopt.fit(net, SGD(lr=0.1), train, epochs=15, batch_size=20, seed=0,
                        theta0=theta0, validation=val)  # fmt: skip
        W0, W1, W15 = (net.layer_params(run.thetas[e], 2)["W"] for e in (0, 1, 15))
        result[name] = [np.linalg.norm(W.T @ W - np.eye(64)) / 8 for W in (W0, W1, W15)]
        result[name + " ratio0"] = np.linalg.cond(W0)
        result[name + " acc"] = run.extras["val_accuracy"][-1]
        result[name + " steps"] = run.steps
    assert result["orth"][0] < 1e-12
    assert glued(CHAPTER, "np_orth_distance0") == "below 1e-12"
    assert glued(CHAPTER, "np_orth_ratio0") == f"{result['orth ratio0']:.4f}" == "1.0000"
    assert result["orth"][1] > 0.05  # a visible distance after one epoch
    assert float(glued(CHAPTER, "np_orth_distance1")) == pytest.approx(result["orth"][1], abs=0.006)
    assert float(glued(CHAPTER, "np_orth_distance15")) == pytest.approx(
        result["orth"][2], abs=0.006
    )
    assert float(glued(CHAPTER, "np_glorot_distance0")) == pytest.approx(
        result["glorot"][0], abs=0.006
    )
    assert result["orth"][2] == pytest.approx(result["glorot"][0], abs=0.05)  # "about as large"
    assert abs(result["orth acc"] - result["glorot acc"]) < 0.01
    assert result["glorot acc"] > result["orth acc"]
    for name, key in [("orth", "orthogonal"), ("glorot", "Glorot")]:
        assert glued(CHAPTER, f"np_{key}_accuracy") == f"{100 * result[name + ' acc']:.1f}%"
    # 15 epochs of 359 examples in batches of 20: 18 batches per epoch
    assert int(glued(CHAPTER, "np_orth_steps")) == result["orth steps"] == 15 * -(-359 // 20)


def test_gain_window_for_fifty_layers(glued):
    # the solution's window, from the chapter's 50 orthogonal layers, against the closed form
    low, high = float(glued(CHAPTER, "np_ex_gain_low")), float(glued(CHAPTER, "np_ex_gain_high"))
    assert low**50 == pytest.approx(0.5, abs=0.002) and high**50 == pytest.approx(2, abs=0.006)
    assert low < 1 < high
    # 1.1**50 by repeated squaring in exact integers: 11**50 / 10**50
    assert int(glued(CHAPTER, "np_ex_gain_11")) == round(11**50 / 10**50)


def test_variance_one_over_m_preserves_the_squared_norm_on_average():
    # E||xW||^2 = sum_j sum_i x_i^2 E[W_ij^2] = m * ||x||^2 / m for an m x m matrix
    m = 64
    rng = np.random.default_rng(2)
    x = rng.standard_normal(m)
    norms = [np.sum((x @ (rng.standard_normal((m, m)) / np.sqrt(m))) ** 2) for _ in range(4000)]
    assert np.mean(norms) == pytest.approx(x @ x, rel=0.01)
