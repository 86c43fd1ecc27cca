"""Schattor oracles and the multi-block rules."""

import math

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.problems.base import Oracle
from ratecheck.problems.schatten import low_rank_problem, noise_level, smoothness
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.solvers.schattor import regularized_oracle, schattor, schattor_blocks

XP = namespace("numpy")
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("p", [2.0, 3.0, 4.0, 8.0, math.inf])
def test_regularized_oracle_minimizes_its_objective(p):
    """⟨G, D⟩ + (λ/2)‖D‖²_{S_p} is smallest at D* among random perturbations, value −‖G‖²_q/2λ."""
    norm, lam = nm.Schatten(p), 0.7
    G = RNG.standard_normal((1, 5, 3))
    D = regularized_oracle(norm, G, lam)

    def objective(X):
        return np.sum(G * X, axis=(1, 2)) + lam / 2 * norm.norm(X) ** 2

    best = objective(D)
    np.testing.assert_allclose(best, -(norm.dual(G) ** 2) / (2 * lam), rtol=1e-12)
    trials = D + 1e-3 * RNG.standard_normal((2000, 5, 3))
    assert np.min(objective(trials)) >= best[0] - 1e-12


def test_p2_is_sgd_and_pinf_is_muon():
    G = RNG.standard_normal((2, 4, 6))
    np.testing.assert_allclose(regularized_oracle(nm.Schatten(2.0), G, 0.5), -G / 0.5, rtol=1e-13)
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    np.testing.assert_allclose(nm.Schatten(math.inf).lmo(G), -U @ Vt, atol=1e-13)


def test_the_two_versions_share_a_direction():
    """ball: X + η lmo(M); regularized: X + η‖M‖_q lmo(M) — one step from the same M."""
    p = low_rank_problem(5, 5, Streams("sch", 0, 2), XP, noise="none")
    x = p.x0
    a = schattor(4.0, 0.1, 1.0, "ball").step(x, (0, None), Oracle(p))[0][0]
    b = schattor(4.0, 0.1, 1.0, "regularized").step(x, (0, None), Oracle(p))[0][0]
    g = p.grad(x)[0]
    scale = nm.Schatten(4.0).dual(g)[:, None, None]
    np.testing.assert_allclose(b, scale * a, rtol=1e-12)


def test_block_rules():
    """max: fixed lengths ρ_k; l2: lengths n_k/(c_k N) (total S_p-length 1 in the weighted ℓ2);
    l2-regularized: n_k/c_k; l1(-regularized): only the block with the largest n_k/w_k moves."""
    p = low_rank_problem(4, 4, Streams("sch", 1, 2), XP, scales=(1.0, 10.0), noise="none")
    norm, x = nm.Schatten(4.0), p.x0
    g = p.grad(x)
    n = [norm.dual(b) for b in g]

    def moved(rule, w=(1.0, 1.0)):
        new = schattor_blocks([4.0, 4.0], 1.0, 1.0, rule, w, False).step(x, (0, None), Oracle(p))
        return [norm.norm(a - b) for a, b in zip(new[0], x)]

    np.testing.assert_allclose(moved("max", (2.0, 3.0)), [[2.0, 2.0], [3.0, 3.0]], rtol=1e-12)
    total = np.sqrt(n[0] ** 2 / 1.0 + n[1] ** 2 / 4.0)
    np.testing.assert_allclose(moved("l2", (1.0, 4.0)), [n[0] / total, n[1] / (4.0 * total)])
    np.testing.assert_allclose(moved("l2-regularized", (1.0, 4.0)), [n[0], n[1] / 4.0])
    steps = moved("l1-regularized", (1.0, 1.0))
    assert np.all(steps[0] == 0) and np.allclose(steps[1], n[1])  # block 2 has the larger n_k


def test_stacked_blocks_give_the_block_by_block_numbers():
    """Several m × n blocks go through one batched product and one batched SVD per step: the
    gradient, the LMOs and a whole run equal block-by-block evaluation bit for bit (NumPy)."""
    p = low_rank_problem(6, 6, Streams("sch", 2, 3), XP, scales=(1.0, 7.0, 40.0), noise="none")
    x = tuple(XP.asarray(np.random.default_rng(b).standard_normal((3, 6, 6))) for b in range(3))
    by_block = [
        c * (p.U[b] * p._residual(b, X)[..., None, :]) @ XP.matrix_transpose(p.V[b])
        for b, (c, X) in enumerate(zip(p.scales, x))
    ]
    for stacked, single in zip(p.grad(x), by_block, strict=True):
        np.testing.assert_array_equal(stacked, single)
    norm = nm.Schatten(4.0)
    method = schattor_blocks([4.0] * 3, 0.01, 1.0, "max", stochastic=False)
    state, y = (0, None), x
    for _ in range(5):
        g = p.grad(y)
        expected = [b + 0.01 * norm.lmo(gb) for b, gb in zip(y, g)]
        y, state = method.step(y, state, Oracle(p))
        for a, b in zip(y, expected, strict=True):
            np.testing.assert_array_equal(a, b)


def test_noise_models_and_constants():
    """Spiky noise has unit norm in every Schatten geometry; spread noise's nuclear norm grows
    like √r; L = k^{1/q} does not depend on r."""
    for r in (4, 16):
        spiky = low_rank_problem(r, r, Streams("nz", r, 1), XP, noise="spiky")
        spread = low_rank_problem(r, r, Streams("nz", r, 1), XP, noise="spread")
        assert noise_level(spiky, 1.0, 200) == pytest.approx(1.0, rel=1e-12)
        assert noise_level(spread, 2.0, 2000) == pytest.approx(1.0, rel=0.05)
        assert noise_level(spread, 1.0, 500) == pytest.approx(
            8 / (3 * math.pi) * math.sqrt(r), rel=0.15
        )
        assert smoothness(spiky, 4 / 3) == (4**0.75,)


def test_bad_arguments():
    with pytest.raises(ValueError, match="valid: ball, regularized"):
        schattor(2.0, 0.1, version="adaptive")
    with pytest.raises(ValueError, match="valid: max, l2"):
        schattor_blocks([2.0], 0.1, rule="greedy")
