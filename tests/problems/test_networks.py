"""ReLU and deep linear networks: gradients against finite differences, the closed-form Gram
matrix against Monte Carlo, the derived P₀ identity, equal-excitation labels."""

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.errors import UsageError
from ratecheck.problems import deep_linear as deep
from ratecheck.problems import relu
from ratecheck.seeding import Streams

XP = namespace("numpy")


def directional_fd(problem, x, v, h=1e-6):
    plus = tuple(a + h * b for a, b in zip(x, v))
    minus = tuple(a - h * b for a, b in zip(x, v))
    return (problem.value(plus) - problem.value(minus)) / (2 * h)


def test_relu_gradient_matches_finite_differences():
    net = relu.relu_net(6, 4, 30, 0.5, Streams("n", 0, 3), XP)
    rng = np.random.default_rng(0)
    v = (rng.standard_normal(net.x0[0].shape),)
    analytic = np.sum(net.grad(net.x0)[0] * v[0], axis=(1, 2))
    np.testing.assert_allclose(directional_fd(net, net.x0, v, 1e-7), analytic, rtol=1e-5)


def test_relu_gram_closed_form_against_monte_carlo():
    rng = np.random.default_rng(1)
    X = relu.unit_data_with_angle(rng, 5, 4, 0.2)
    w = rng.standard_normal((400_000, 4))
    A = (w @ X.T >= 0).astype(float)
    mc = (X @ X.T) * (A.T @ A) / w.shape[0]
    assert np.max(np.abs(relu.gram_closed_form(X) - mc)) < 5 / np.sqrt(w.shape[0])


def test_relu_angle_controls_kappa_prime():
    kp = [
        relu.relu_net(12, 8, 2, th, Streams("n", 1, 1), XP).constants["kappa_prime"][0]
        for th in (0.3, 0.03)
    ]
    assert kp[1] > 5 * kp[0]  # κ' ∝ 1/θ
    with pytest.raises(UsageError, match="theta"):
        relu.relu_net(12, 8, 2, -0.1, Streams("n", 1, 1), XP)


def test_relu_equal_excitation():
    net = relu.equally_excited(relu.relu_net(8, 4, 200, 0.5, Streams("n", 2, 2), XP))
    H0 = net.finite_gram(net.x0)
    _, V = np.linalg.eigh(H0)
    weights = np.abs(np.einsum("sij,si->sj", V, net.residual(net.x0)))
    np.testing.assert_allclose(weights, 1 / np.sqrt(8), rtol=1e-10)


def test_relu_near_init_labels():
    net = relu.relu_net(8, 4, 200, 0.5, Streams("n", 3, 2), XP)
    near = relu.near_init_labels(net, 1e-3)
    np.testing.assert_allclose(near.residual(near.x0), -1e-3 * net.y, atol=1e-15)
    assert np.max(np.abs(near.y)) > 0.1  # the labels themselves stay O(1)
    with pytest.raises(UsageError, match="residual scale"):
        relu.near_init_labels(net, 0.0)


def test_deep_linear_gradient_and_P0_identity():
    net = deep.deep_linear_net(20.0, 4, 24, 6, 4, 2, Streams("n", 3, 2), XP)
    rng = np.random.default_rng(2)
    v = tuple(rng.standard_normal(W.shape) for W in net.x0)
    analytic = sum(np.sum(g * b, axis=(1, 2)) for g, b in zip(net.grad(net.x0), v))
    np.testing.assert_allclose(directional_fd(net, net.x0, v), analytic, rtol=1e-6)
    # derived: at orthogonal init P₀ = (ℓ/d_y) XᵀX ⊗ I, so κ(P₀) = σ_max²/σ_min² = 20
    eig = np.linalg.eigvalsh(deep.residual_dynamics(net, net.x0))
    np.testing.assert_allclose(eig[:, -1] / eig[:, 0], 20.0, rtol=1e-10)
    np.testing.assert_allclose(eig[:, -1], net.constants["lambda_max"], rtol=1e-10)


def test_deep_linear_orthogonal_init_and_bad_input():
    net = deep.deep_linear_net(10.0, 3, 16, 6, 4, 2, Streams("n", 4, 1), XP)
    W1, W2, W3 = (W[0] for W in net.x0)
    np.testing.assert_allclose(W1.T @ W1, 16 * np.eye(6), atol=1e-10)
    np.testing.assert_allclose(W2.T @ W2, 16 * np.eye(16), atol=1e-10)
    np.testing.assert_allclose(W3 @ W3.T, 16 * np.eye(2), atol=1e-10)
    with pytest.raises(UsageError, match="n ≤ d"):
        deep.deep_linear_net(10.0, 3, 16, 4, 6, 2, Streams("n", 4, 1), XP)


def test_deep_equal_excitation_keeps_the_problem_realizable():
    net = deep.equally_excited(deep.deep_linear_net(10.0, 2, 16, 6, 4, 2, Streams("n", 5, 2), XP))
    _, _, Vt = np.linalg.svd(net.X, full_matrices=False)
    comps = net.residual(net.x0) @ np.swapaxes(Vt, -1, -2)
    np.testing.assert_allclose(np.abs(comps), 1 / np.sqrt(8), rtol=1e-10)
