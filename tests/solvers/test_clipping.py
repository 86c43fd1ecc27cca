"""GGNC, uCG, S3CG and the ClippedScion code parametrization, checked against each other."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratecheck.backend import namespace, to_host
from ratecheck.problems.base import Oracle
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.solvers.clipping import (
    clipped_scion,
    ggnc,
    s3cg,
    ucg,
    unconstrained_clipped_scion,
)
from ratecheck.verify.runner import run

XP = namespace("numpy")
NORMS = [nm.Frobenius(), nm.Sign(False), nm.Spectral()]


def one_step(method, problem, x):
    return method.step(x, method.init(x), Oracle(problem))[0][0]


@pytest.mark.parametrize("norm", NORMS, ids=["l2", "linf", "spectral"])
def test_ggnc_is_the_sharp_form_and_its_two_limits(norm):
    """x + γ min{ρ, ‖g‖_*} lmo(g) = x − γ τ g^#; ρ ≫ ‖g‖_* is steepest descent x − γ g^#,
    ρ ≪ ‖g‖_* is uCG x + γρ lmo(g)."""
    p = cosh_problem(5, 4, Streams("clip", 0, 3), XP, noise="none")
    x = (p.x0[0] + 0.3,)
    g = p.grad(x)[0]
    dual = to_host(norm.dual(g))
    for rho in (0.5 * dual.min(), 2 * dual.max(), float(np.median(dual))):
        tau = np.minimum(1.0, rho / dual)[:, None, None]
        expected = to_host(x[0]) - 0.1 * tau * to_host(nm.sharp(norm, g))
        np.testing.assert_allclose(one_step(ggnc(norm, 0.1, rho), p, x), expected, rtol=1e-13)
    np.testing.assert_allclose(
        one_step(ggnc(norm, 0.1, 1e9), p, x), x[0] - 0.1 * nm.sharp(norm, g), rtol=1e-13
    )
    small = 1e-3 * dual.min()
    np.testing.assert_allclose(
        one_step(ggnc(norm, 0.1, small), p, x), one_step(ucg(norm, 0.1, small), p, x), rtol=1e-13
    )


def _trajectory(method, seed=1, steps=30):
    streams = Streams("clip", seed, 2)
    problem = cosh_problem(4, 3, streams, XP, noise="skewed", sigma=0.5)
    return run(method, problem, steps, {"x": lambda x: x[0].reshape(2, -1)[:, 0]}).metrics["x"]


LAYERS = (nm.Spectral(),)


def test_unconstrained_clipped_scion_code_is_algorithm_3():
    """Code (lr, rho) = (γρ, ρ) gives the same iterates as GGNC with the product norm."""
    gamma, rho, radii = 0.05, 2.0, (3.0,)
    code = unconstrained_clipped_scion(LAYERS, radii, lr=gamma * rho, momentum=0.3, rho=rho)
    paper = ggnc(nm.Product(LAYERS, radii), gamma, rho, alpha=0.3, stochastic=True)
    np.testing.assert_allclose(_trajectory(code), _trajectory(paper), rtol=1e-12, atol=1e-14)


def test_clipped_scion_code_is_algorithm_4_variant_2_with_the_four_absorbed():
    gamma, rho, radii = 0.001, 50.0, (3.0,)  # Σ⟨d, v⟩/4 < ρ: the unclipped regime, where 4 matters
    paper = s3cg(nm.Product(LAYERS, radii), gamma, rho, 1.0, 2, alpha=0.3, stochastic=True)
    code = clipped_scion(LAYERS, radii, lr=gamma * rho, momentum=0.3, rho=4 * rho)
    np.testing.assert_allclose(_trajectory(code), _trajectory(paper), rtol=1e-12, atol=1e-14)
    wrong = clipped_scion(LAYERS, radii, lr=gamma * rho, momentum=0.3, rho=rho)  # 4 not absorbed
    assert np.max(np.abs(_trajectory(wrong) - _trajectory(paper))) > 1e-6


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    gamma=st.floats(0.01, 1.0),
    rho_fraction=st.floats(0.01, 1.0),
    variant=st.sampled_from([1, 2]),
    which=st.sampled_from([1, 2]),
)
def test_s3cg_never_leaves_the_ball(seed, gamma, rho_fraction, variant, which):
    """γρ ≤ 1 makes every S3CG step a convex combination of x_k and a point of the ball."""
    norm = NORMS[which]
    p = cosh_problem(3, 3, Streams("ball", seed, 2), XP, noise="skewed", target_scale=3.0)
    method = s3cg(norm, gamma, rho_fraction / gamma, 0.5, variant, alpha=0.5, stochastic=True)
    tr = run(method, p, 40, {"norm": lambda x: norm.norm(x[0])}, checkpoints="all")
    assert np.max(tr.metrics["norm"]) <= 0.5 * (1 + 1e-12)


def test_the_unconstrained_update_leaves_the_ball():
    p = cosh_problem(3, 3, Streams("ball", 0, 2), XP, noise="none", target_scale=3.0)
    method = s3cg(nm.Sign(False), 0.5, 1.0, 0.5, constrained=False)
    tr = run(method, p, 40, {"norm": lambda x: nm.Sign(False).norm(x[0])})
    assert np.max(tr.metrics["norm"]) > 0.5 * 1.5


def test_s3cg_at_a_vertex_stands_still():
    """v = x − β lmo(d) = 0 (Variant 1's 0/0) gives η = 0, not NaN."""
    norm = nm.Sign(False)
    p = cosh_problem(2, 2, Streams("ball", 1, 1), XP, noise="none", target_scale=3.0)
    vertex = (-0.5 * np.sign(to_host(p.grad(p.x0)[0])) * 1.0,)
    vertex = (0.5 * to_host(norm.lmo(p.grad(vertex)[0])),)
    x_next = one_step(s3cg(norm, 0.5, 1.0, 0.5, 1), p, vertex)
    assert np.all(np.isfinite(x_next))


def test_bad_variant():
    with pytest.raises(ValueError, match="valid: 1, 2"):
        s3cg(nm.Frobenius(), 0.1, 0.1, 1.0, variant=3)
