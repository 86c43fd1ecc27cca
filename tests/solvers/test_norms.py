"""Property tests for every norm: the five LMO identities on random, rank-deficient,
ill-scaled and zero inputs; brute-force optimality; dual norms against independent formulas."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratecheck.backend import namespace, to_host
from ratecheck.errors import UsageError
from ratecheck.solvers import norms as nm

XP = namespace("numpy")


def vector_norms():
    return [nm.L1(), nm.L2(), nm.Linf(), nm.Lp(1.3), nm.Lp(3.0), nm.Lp(1.02), nm.BiasRMS()]


def matrix_norms(shape):
    out = [
        nm.Frobenius(),
        nm.Nuclear(),
        nm.Sign(),
        nm.Sign(False),
        nm.ColNorm(),
        nm.ColNorm(True),
        nm.ColNorm(transpose=True),
        nm.RowNorm(),
        nm.RowNorm(False),
        nm.RowNorm(transpose=True),
    ]
    out += [nm.Schatten(p) for p in (1.5, 2.0, 3.0, 4.0, 8.0)]
    out += [nm.Spectral(shape, mode) for mode in nm.SHAPE_MODES]
    return out


def low_rank(rng, S, m, n, rank, scale):
    return scale * rng.standard_normal((S, m, rank)) @ rng.standard_normal((S, rank, n))


def check_identities(norm, d, matrix):
    lmo = norm.lmo(d)
    dual = to_host(norm.dual(d))
    nonzero = dual > 0
    assert np.all(np.isfinite(to_host(lmo)))
    inner = to_host(nm.inner(d, lmo, matrix))
    np.testing.assert_allclose(to_host(norm.norm(lmo))[nonzero], 1.0, atol=1e-12)
    np.testing.assert_allclose((inner + dual)[nonzero] / dual[nonzero], 0.0, atol=1e-12)
    for a in (1e-3, 1e3):  # scale invariance, through optimality (argmin may not be unique)
        inner_a = to_host(nm.inner(d, norm.lmo(a * d), matrix))
        np.testing.assert_allclose((inner_a + dual)[nonzero] / dual[nonzero], 0.0, atol=1e-12)
    sharp = nm.sharp(norm, d)
    dual2 = np.where(nonzero, dual**2, 1.0)
    np.testing.assert_allclose(
        to_host(nm.inner(d, sharp, matrix))[nonzero] / dual2[nonzero], 1, atol=1e-12
    )
    np.testing.assert_allclose(
        to_host(norm.norm(sharp))[nonzero] ** 2 / dual2[nonzero], 1, atol=1e-12
    )
    assert np.all(to_host(lmo)[~nonzero] == 0)  # lmo(0) = 0, never NaN


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 7),
    st.integers(1, 7),
    st.integers(1, 7),
    st.floats(-3, 3),
    st.integers(0, 2**31 - 1),
)
def test_matrix_norm_identities(m, n, rank, log_scale, seed):
    rng = np.random.default_rng(seed)
    rank = min(rank, m, n)
    d = low_rank(rng, 3, m, n, rank, 10.0**log_scale)
    d[2] = 0.0  # a zero input in the batch
    for norm in matrix_norms((m, n)):
        check_identities(norm, XP.asarray(d), True)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.floats(-3, 3), st.floats(0, 0.8), st.integers(0, 2**31 - 1))
def test_vector_norm_identities(n, log_scale, sparsity, seed):
    rng = np.random.default_rng(seed)
    d = 10.0**log_scale * rng.standard_normal((3, n)) * (rng.random((3, n)) > sparsity)
    d[2] = 0.0
    for norm in vector_norms():
        check_identities(norm, XP.asarray(d), False)


@pytest.mark.parametrize("norm_index", range(len(matrix_norms((5, 3)))))
def test_brute_force_optimality(norm_index):
    """No random point of the unit ball (rescaled onto the boundary) beats lmo(d)."""
    rng = np.random.default_rng(norm_index)
    norm = matrix_norms((5, 3))[norm_index]
    d = rng.standard_normal((1, 5, 3))
    best = float(nm.inner(d, norm.lmo(d), True)[0])
    x = rng.standard_normal((20000, 5, 3)) * rng.exponential(1.0, (20000, 1, 3))
    x = x / norm.norm(x)[:, None, None]
    assert np.min(nm.inner(d, x, True)) >= best - 1e-9


def test_dual_norms_match_independent_formulas():
    rng = np.random.default_rng(0)
    D = rng.standard_normal((2, 6, 4))
    s = np.linalg.svd(D, compute_uv=False)
    np.testing.assert_allclose(nm.Spectral().dual(D), s.sum(-1), rtol=1e-13)
    np.testing.assert_allclose(nm.Nuclear().dual(D), s[:, 0], rtol=1e-13)
    np.testing.assert_allclose(nm.Schatten(3.0).dual(D), (s**1.5).sum(-1) ** (1 / 1.5), rtol=1e-13)
    np.testing.assert_allclose(
        nm.Spectral((6, 4), "rms_rms").dual(D), math.sqrt(6 / 4) * s.sum(-1), rtol=1e-13
    )
    np.testing.assert_allclose(
        nm.ColNorm().dual(D), math.sqrt(6) * np.linalg.norm(D, axis=1).sum(-1), rtol=1e-13
    )
    np.testing.assert_allclose(
        nm.RowNorm().dual(D), np.linalg.norm(D, axis=2).sum(-1) / 2.0, rtol=1e-13
    )
    np.testing.assert_allclose(nm.Sign().dual(D), np.abs(D).sum((1, 2)) / 4, rtol=1e-13)
    v = rng.standard_normal((2, 5))
    np.testing.assert_allclose(nm.Linf().dual(v), np.abs(v).sum(-1), rtol=1e-13)
    np.testing.assert_allclose(
        nm.Lp(3.0).dual(v), (np.abs(v) ** 1.5).sum(-1) ** (2 / 3), rtol=1e-13
    )


def test_product_norm_identities_and_r_l_dual():
    rng = np.random.default_rng(1)
    norms = (nm.Spectral((5, 3), "rms_rms"), nm.ColNorm(), nm.Sign())
    radii = (1.0, 3.0, 0.25)
    prod = nm.Product(norms, radii)
    d = tuple(rng.standard_normal((2, 5, 3)) for _ in norms)
    lmo = prod.lmo(d)
    dual = prod.dual(d)
    np.testing.assert_allclose(dual, sum(r * n.dual(b) for n, b, r in zip(norms, d, radii)))
    inner = sum(nm.inner(b, v, True) for b, v in zip(d, lmo))
    np.testing.assert_allclose(inner, -dual, rtol=1e-13)
    np.testing.assert_allclose(prod.norm(lmo), 1.0, rtol=1e-13)
    sharp = prod.sharp(d)
    np.testing.assert_allclose(
        sum(nm.inner(b, v, True) for b, v in zip(d, sharp)), dual**2, rtol=1e-12
    )


def test_scion_scalings():
    """Scion's defaults: Sign normalized by 1/d_in, RowNorm by 1/√d_in, Spectral √(d_out/d_in)."""
    D = np.ones((1, 6, 4))
    assert np.allclose(nm.Sign().lmo(D), -1 / 4)
    assert np.allclose(nm.RowNorm().lmo(D), -1 / 4)  # −(1/√4)·(1/√4)
    assert np.allclose(nm.ColNorm().lmo(D), -math.sqrt(6) / math.sqrt(6))
    assert nm.shape_factor("rms_rms", 6, 4) == math.sqrt(6 / 4)
    assert nm.shape_factor("muon_shape", 4, 6) == 1.0
    with pytest.raises(UsageError, match="valid"):
        nm.shape_factor("bogus", 2, 2)


class TestNewtonSchulz:
    def test_band_and_transpose_and_orthogonal_equivariance(self):
        rng = np.random.default_rng(2)
        G = rng.standard_normal((3, 12, 7))
        X = nm.newton_schulz(G)
        np.testing.assert_allclose(
            nm.newton_schulz(np.swapaxes(G, 1, 2)), np.swapaxes(X, 1, 2), atol=1e-12
        )
        Q = np.linalg.qr(rng.standard_normal((12, 12)))[0]
        np.testing.assert_allclose(nm.newton_schulz(Q @ G), Q @ X, atol=1e-12)
        np.testing.assert_allclose(nm.newton_schulz(5.0 * G), X, atol=1e-6)  # up to the 1e-7 guard
        sv = np.linalg.svd(X, compute_uv=False)
        assert sv.min() > 0.5 and sv.max() < 1.2

    def test_is_not_the_svd_lmo(self):
        rng = np.random.default_rng(3)
        G = rng.standard_normal((1, 16, 16))
        err = np.abs(nm.newton_schulz(G) + nm.Spectral().lmo(G)).max()
        assert err > 1e-2  # inexact oracle: never silently equal to the SVD LMO

    def test_ns_spectral_norm_reports_biased_dual(self):
        rng = np.random.default_rng(4)
        D = rng.standard_normal((2, 64, 32))
        ratio = nm.Spectral(method="ns5").dual(D) / nm.Spectral().dual(D)
        assert np.all((ratio > 0.68) & (ratio < 1.14)) and np.all(np.abs(ratio - 1) > 1e-3)

    def test_unknown_method(self):
        with pytest.raises(UsageError, match="svd, ns5, dion"):
            nm.Spectral(method="magic")
        with pytest.raises(UsageError, match="float16, float32, float64"):
            nm.newton_schulz(np.ones((2, 2)), compute_dtype="bfloat16")

    @pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float16", 2e-2)])
    def test_lower_precision_follows_float64_and_keeps_the_input_dtype(self, dtype, tol):
        rng = np.random.default_rng(5)
        G = rng.standard_normal((2, 24, 40))
        exact = nm.newton_schulz(G)
        low = nm.newton_schulz(G, compute_dtype=dtype)
        assert low.dtype == G.dtype
        assert np.abs(low - exact).max() <= tol * np.abs(exact).max()
        assert 0 < np.abs(low - exact).max()  # really computed in the lower precision
        lmo = nm.Spectral(method="ns5", ns_dtype=dtype).lmo(G)
        np.testing.assert_array_equal(lmo, -low)


def test_lp_rejects_endpoints():
    with pytest.raises(UsageError):
        nm.Lp(1.0)


def test_backend_parity(xp):
    rng = np.random.default_rng(5)
    D = rng.standard_normal((2, 6, 4))
    for norm in matrix_norms((6, 4)):
        np.testing.assert_allclose(to_host(norm.lmo(xp.asarray(D))), norm.lmo(D), atol=1e-10)


def test_every_norm_keeps_its_input_device():
    """Norms create index arrays (one-hot LMOs) on their input's device: run on PyTorch's
    "meta" device, where a tensor made on the CPU instead fails the operation."""
    torch = pytest.importorskip("torch")
    vectors = torch.empty((2, 5), dtype=torch.float64, device="meta")
    matrices = torch.empty((2, 6, 4), dtype=torch.float64, device="meta")
    cases = [(n, vectors) for n in vector_norms()] + [(n, matrices) for n in matrix_norms((6, 4))]
    for norm, d in cases:
        for out in (norm.lmo(d), norm.dual(d), norm.norm(d)):
            assert out.device.type == "meta", norm


def test_safe_div_takes_a_python_number_denominator():
    num = np.array([1.0, -2.0])
    np.testing.assert_array_equal(nm.safe_div(num, 4.0), num / 4.0)
    np.testing.assert_array_equal(nm.safe_div(num, 0.0), [0.0, 0.0])
    np.testing.assert_array_equal(nm.safe_div(num, np.array([2.0, 0.0])), [0.5, 0.0])
