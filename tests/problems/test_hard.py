"""The zero-chain's constants and zero-chain property, the oracle's moments, the channel form."""

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.problems.hard import (
    GRAD_INF,
    ChannelSpectral,
    chain_grad,
    chain_value,
    channel_instance,
    embed,
    oracle_q,
    progress,
)
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm

XP = namespace("numpy")
RNG = np.random.default_rng(0)


def test_gradient_matches_finite_differences():
    x = RNG.uniform(-2, 2, (50, 12))
    v = RNG.standard_normal((50, 12))
    h = 1e-6
    fd = (chain_value(x + h * v) - chain_value(x - h * v)) / (2 * h)
    np.testing.assert_allclose(fd, np.sum(chain_grad(x) * v, axis=-1), rtol=1e-6, atol=1e-7)


def test_chain_constants_on_random_points():
    """‖∇F̄‖_∞ ≤ 23, F̄(0) − F̄(x) ≤ 12T, and ‖∇F̄‖₂ > 1 while |x_T| ≤ 1 (Carmon Lemma 3)."""
    T = 20
    x = RNG.uniform(-3, 3, (20_000, T))
    assert np.max(np.abs(chain_grad(x))) <= GRAD_INF
    assert np.max(chain_value(np.zeros(T)) - chain_value(x)) <= 12 * T
    unfinished = np.abs(x[:, -1]) <= 1
    assert np.min(np.linalg.norm(chain_grad(x[unfinished]), axis=-1)) > 1


def test_zero_chain_property():
    """prog_0(∇F̄(x)) ≤ prog_{1/2}(x) + 1: the gradient reveals at most one new coordinate."""
    T = 15
    x = RNG.uniform(-1, 1, (5000, T)) * (RNG.random((5000, T)) < 0.5)
    x[:, 8:] *= 0.4  # many points with a short support beyond 1/2
    assert np.all(progress(chain_grad(x), 0.0) <= progress(x, 0.5) + 1)


def test_oracle_is_unbiased_with_the_budgeted_moment():
    """E g = ∇F and E‖g − ∇F‖_nuc^p ≤ σ^p on the channel instance (Monte Carlo)."""
    inst = channel_instance(4, 1e-3, Streams("hard", 0, 1), XP, p=1.5)
    x = (np.zeros((1, 4, inst.T)),)
    x[0][..., :3] = 0.5 * inst.lam  # progress 3 in every channel
    exact = inst.grad(x)[0]
    samples = np.stack([inst.stochastic_grad(x)[0] for _ in range(40_000)])
    err = samples - exact
    assert np.all(np.abs(err.mean(axis=0)) <= 5 * err.std(axis=0) / np.sqrt(40_000) + 1e-15)
    nuc = np.sum(np.linalg.norm(err[:, 0], axis=-1), axis=-1)
    assert np.mean(nuc**1.5) <= 1.0 * 1.1
    assert np.count_nonzero(err[:, 0, :, 4:]) == 0  # only the frontier coordinate is noisy


def test_q_scales_like_one_over_r():
    q = [oracle_q(r, 1e-3, 1.0, 1.5) for r in (1, 2, 4, 8)]
    np.testing.assert_allclose(np.array(q) * np.array([1, 2, 4, 8]), q[0], rtol=1e-12)


def test_channel_norm_is_the_spectral_norm_of_the_embedded_matrix():
    x = RNG.standard_normal((3, 4, 6))
    x[0, 2] = 0.0  # a zero channel
    M = embed(x, rows=30)
    spectral = nm.Spectral()
    np.testing.assert_allclose(ChannelSpectral().norm(x), spectral.norm(M), rtol=1e-12)
    np.testing.assert_allclose(ChannelSpectral().dual(x), spectral.dual(M), rtol=1e-12)
    np.testing.assert_allclose(
        embed(ChannelSpectral().lmo(x), rows=30), spectral.lmo(M), atol=1e-12
    )


def test_bad_input():
    from ratecheck.errors import UsageError

    with pytest.raises(UsageError, match="too large"):
        oracle_q(1, 0.1, 1.0, 1.5)
    with pytest.raises(UsageError, match="chain of length"):
        channel_instance(1, 0.05, Streams("hard", 0, 1), XP)


def test_oracles_run_in_the_iterates_namespace_without_the_host():
    """The instance's oracles are array-API code (no host round trip per step, so CuPy runs stay
    on the GPU): on PyTorch tensors, a second array library available on the CPU, every oracle
    gives NumPy's numbers; on PyTorch's "meta" device (shapes only) any trip through the host
    would fail."""
    torch = pytest.importorskip("torch")
    import array_api_compat.torch as xp_torch

    host = channel_instance(3, 0.002, Streams("hard-xp", 0, 2), XP)
    other = channel_instance(3, 0.002, Streams("hard-xp", 0, 2), xp_torch)
    X = RNG.standard_normal(host.x0[0].shape) * host.lam
    x_host, x_other = (X,), (torch.tensor(X),)
    for oracle in ("value", "stochastic_grad", "grad", "chain_progress", "nuclear_grad"):
        a, b = getattr(host, oracle)(x_host), getattr(other, oracle)(x_other)
        a, b = (a[0], b[0]) if isinstance(a, tuple) else (a, b)
        assert isinstance(b, torch.Tensor)
        np.testing.assert_allclose(b.numpy(), a, rtol=1e-12, atol=1e-15)
        meta = getattr(other, oracle)((torch.tensor(X, device="meta"),))
        assert (meta[0] if isinstance(meta, tuple) else meta).device.type == "meta"
