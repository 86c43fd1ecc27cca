"""Conformance of the noisy matrix problem: gradient, HVP, stated constants, noise moments."""

import numpy as np
import pytest

from ratecheck.backend import namespace, to_host
from ratecheck.errors import UsageError
from ratecheck.problems import noisy_matrix
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm

XP = namespace("numpy")


def test_gradient_and_hvp_match_finite_differences():
    p = noisy_matrix(4, 3, Streams("m", 0, 2), XP, noise="none")
    rng = np.random.default_rng(0)
    X, V = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3))
    h = 1e-6
    fd = (p.value((X + h * V,)) - p.value((X - h * V,))) / (2 * h)
    np.testing.assert_allclose(fd, np.sum(p.grad((X,))[0] * V, axis=(1, 2)), rtol=1e-7)
    fd_h = (p.grad((X + h * V,))[0] - p.grad((X - h * V,))[0]) / (2 * h)
    np.testing.assert_allclose(fd_h, p.hvp((X,), (V,))[0], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "key,norm", [("L2", nm.Frobenius()), ("L_linf", nm.Sign(False)), ("L_spectral", nm.Spectral())]
)
def test_stated_smoothness_holds_on_samples(key, norm):
    """sampled ‖∇f(x) − ∇f(y)‖_* / ‖x − y‖ never exceeds the stated L (in that geometry)."""
    p = noisy_matrix(5, 4, Streams("m", 1, 2), XP, noise="none")
    rng = np.random.default_rng(1)
    worst = 0.0
    for _ in range(200):
        X = 3 * rng.standard_normal((2, 5, 4))
        Y = X + 10.0 ** rng.uniform(-3, 0) * rng.standard_normal((2, 5, 4))
        ratio = norm.dual(p.grad((X,))[0] - p.grad((Y,))[0]) / norm.norm(X - Y)
        worst = max(worst, float(ratio.max()))
    assert worst <= p.constants[key] * (1 + 1e-12)
    assert p.constants["f_star_lower"] <= float(np.min(p.value((X,))))


@pytest.mark.parametrize("noise", ["gaussian", "skewed"])
def test_noise_is_zero_mean_unit_variance(noise):
    p = noisy_matrix(3, 3, Streams("m", 2, 2), XP, noise=noise, sigma=1.0)
    g = p.grad(p.x0)[0]
    xi = np.stack([to_host(p.stochastic_grad(p.x0)[0] - g) for _ in range(3000)])
    assert abs(xi.mean()) < 0.03 and xi.std() == pytest.approx(1.0, rel=0.05)
    skew = np.mean(xi**3) / xi.std() ** 3
    assert (skew > 1.5) if noise == "skewed" else (abs(skew) < 0.2)


def test_noise_streams_are_reproducible_and_per_seed():
    a = noisy_matrix(2, 2, Streams("m", 3, 2), XP)
    b = noisy_matrix(2, 2, Streams("m", 3, 3), XP)
    for _ in range(700):  # crosses a chunk boundary of the sample buffer
        ga, gb = a.stochastic_grad(a.x0)[0], b.stochastic_grad(b.x0)[0]
    np.testing.assert_array_equal(ga, gb[:2])


def test_bad_parameters():
    with pytest.raises(UsageError, match="valid: none, gaussian, skewed"):
        noisy_matrix(2, 2, Streams("m", 0, 1), XP, noise="cauchy")
    with pytest.raises(UsageError):
        noisy_matrix(2, 2, Streams("m", 0, 1), XP, sigma=-1.0)
