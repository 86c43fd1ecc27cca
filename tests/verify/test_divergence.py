"""Divergence is data (DESIGN.md, Fixed budgets): a non-finite iterate ends that seed's run with
status "diverged" before any step, LMO or metric sees it, and never raises (issue 21, item 10).
"""

import json
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ratecheck
from ratecheck.backend import to_host
from ratecheck.errors import UsageError
from ratecheck.problems import quadratic
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.solvers import clipping, gd
from ratecheck.solvers import norms as nm
from ratecheck.solvers.base import Method
from ratecheck.verify.runner import run


@pytest.fixture
def ggnc_without_clipping(monkeypatch):
    """The issue's bug: GGNC's step length γ·min{ρ, ‖d‖_*} becomes γ·‖d‖_*."""
    monkeypatch.setattr(clipping, "_minimum", lambda values, cap: values)


def test_ggnc_without_clipping_diverges_as_data(ggnc_without_clipping):
    p = cosh_problem(8, 8, Streams("ggnc-descent", 4, 4), np, structure="spectral", noise="none")
    L0, L1 = p.constants["L0_spectral"], p.constants["L1_spectral"]
    norm, rho = nm.Spectral(), L0 / L1
    metrics = {"f": p.value, "grad_dual": lambda x: norm.dual(p.grad(x)[0])}
    tr = run(clipping.ggnc(norm, 1 / (L0 + rho * L1), rho), p, 600, metrics, checkpoints="all")
    assert "diverged" in tr.status and "ok" in tr.status
    dead = tr.status == "diverged"
    assert np.all(tr.diverged_at[dead] > 0) and np.all(tr.diverged_at[~dead] == -1)
    for k, seed in zip(tr.diverged_at[dead], np.flatnonzero(dead)):
        assert np.isnan(tr.metrics["f"][seed, k:]).all()
    assert np.isfinite(tr.metrics["f"][~dead]).all() and tr.steps[-1] == 600


def test_ggnc_descent_with_the_bug_gives_a_verdict(ggnc_without_clipping):
    (verdict,) = ratecheck.verify(["ggnc-descent"], quick=True)
    assert verdict.result.status == "diverged"


def test_the_claims_after_a_diverging_one_still_run(ggnc_without_clipping, tmp_path, capsys):
    """Under --all nothing after the diverging claim ran; now every GGNC claim is judged (the
    bug makes them fail) and the claim after them passes as before."""
    from ratecheck.cli import main

    ids = ["ggnc-descent", "ggnc-deterministic-bound", "ucg-plateau", "hb-polyak-transient"]
    status = main(["verify", *ids, "--quick", "--no-cache", "--quiet", "--out", str(tmp_path)])
    assert status == 1  # the bug is caught: the GGNC claims are not checked
    records = json.loads((tmp_path / "verdicts.json").read_text())["verdicts"]
    assert [r["claim"] for r in records] == ids
    assert [r["checked"] for r in records] == [False, False, False, True]
    assert records[0]["status"] == "diverged"


class Momentum(NamedTuple):
    d: tuple
    history: dict
    steps: int


def exploding(step_size: float, factor: float) -> Method:
    """A user's buggy method: momentum GD whose seed 0 is multiplied by ``factor`` each step.

    The step factorizes its iterate and its momentum with NumPy's SVD and the spectral LMO;
    NumPy's SVD raises (LinAlgError) or hangs on a non-finite matrix."""

    def init(x):
        return Momentum(tuple(0 * b for b in x), {"last": [0 * b for b in x]}, 0)

    def step(x, state, oracle):
        (X,) = x
        S = X.shape[0]
        matrices = np.reshape(X, (S, 2, -1))
        np.linalg.svd(matrices)
        np.linalg.svd(np.reshape(state.d[0], (S, 2, -1)))
        np.linalg.svd(np.reshape(state.history["last"][0], (S, 2, -1)))
        nm.Spectral().lmo(matrices)
        g = oracle.grad(x)
        d = tuple(0.5 * d_i + 0.5 * g_i for d_i, g_i in zip(state.d, g))
        grow = np.where(np.arange(S) == 0, factor, 1.0)[:, None]
        x_next = tuple(grow * (b - step_size * d_i) for b, d_i in zip(x, d))
        return x_next, Momentum(d, {"last": list(x_next)}, state.steps + 1)

    return Method("exploding-momentum", init, step, {})


def test_a_users_exploding_method_is_recorded_as_diverged():
    problem = lambda: quadratic(10.0, 6, Streams("divergence", 0, 3), np)  # noqa: E731
    checkpoints = np.array([0, 1, 2, 50, 200])  # the blow-up happens between checkpoints
    tr = run(exploding(0.05, 1e30), problem(), 200, checkpoints=checkpoints)
    clean = run(exploding(0.05, 1.0), problem(), 200, checkpoints=checkpoints)
    assert list(tr.status) == ["diverged", "ok", "ok"]
    assert tr.diverged_at[0] == 11 and list(tr.diverged_at[1:]) == [-1, -1]  # 1e30^11 = inf
    for name, values in tr.metrics.items():
        assert np.isnan(values[0, 3:]).all()
        np.testing.assert_array_equal(values[1:], clean.metrics[name][1:])
    assert tr.steps[-1] == 200 and tr.grad_calls[-1] == clean.grad_calls[-1] == 200


def test_every_seed_diverged_stops_stepping_at_the_next_checkpoint():
    p = quadratic(10.0, 6, Streams("divergence", 1, 1), np)
    tr = run(exploding(0.05, 1e30), p, 200, checkpoints=np.array([0, 50, 200]))
    assert list(tr.status) == ["diverged"] and list(tr.diverged_at) == [11]
    assert list(tr.steps) == [0, 50, 200]  # the whole planned trace, NaN after divergence
    assert np.isnan(tr.metrics["dist"][0, 1:]).all()
    assert tr.grad_calls[-1] == tr.grad_calls[1]  # no step after the checkpoint at 50


def test_a_metric_never_sees_a_non_finite_iterate():
    def checked(x):
        if not np.isfinite(x[0]).all():
            raise ValueError("a metric was called with a non-finite iterate")
        return np.tanh(x[0][:, 0])  # finite at every finite iterate

    p = quadratic(10.0, 6, Streams("divergence", 2, 3), np)
    tr = run(gd(5.0), p, 5000, {"tanh": checked}, hit=("tanh", -2.0))  # η = 5/L diverges
    assert list(tr.status) == ["diverged"] * 3 and list(tr.hit_at) == [-1, -1, -1]


def test_a_diverged_seed_never_hits_its_target():
    """Its zeroed iterate is x* = 0 of a centered quadratic: no hit is recorded for it."""
    p = quadratic(10.0, 6, Streams("divergence", 4, 2), np, centered=True)
    tr = run(exploding(0.05, 1e30), p, 100, checkpoints=np.array([0, 100]), hit=("dist", 1e-300))
    assert list(tr.status) == ["diverged", "ok"] and list(tr.hit_at) == [-1, -1]


def test_a_step_that_raises_on_finite_inputs_names_the_method_and_the_step():
    def step(x, state, oracle):
        if state == 3:
            raise np.linalg.LinAlgError("SVD did not converge")
        return x, state + 1

    p = quadratic(10.0, 6, Streams("divergence", 3, 2), np)
    with pytest.raises(RuntimeError, match="method mine raised LinAlgError at step 3: SVD") as e:
        run(Method("mine", lambda x: 0, step, {}), p, 10)
    assert isinstance(e.value.__cause__, np.linalg.LinAlgError)


def test_a_usage_error_in_a_step_passes_through():
    def step(x, state, oracle):
        raise UsageError("unknown Newton–Schulz dtype 'bf16'")

    p = quadratic(10.0, 6, Streams("divergence", 5, 2), np)
    with pytest.raises(UsageError, match="bf16"):
        run(Method("mine", lambda x: 0, step, {}), p, 10)


# --- the SVD of a batch with non-finite matrices -----------------------------------------------
# (no host sync: tests/solvers/test_norms.py runs every Schatten norm on PyTorch's meta device,
# where reading a value on the host raises)


def _namespaces():
    yield "numpy", np, lambda a: a
    try:
        import array_api_strict as xs
    except ImportError:
        return
    on_device = xs.Device("device1")  # as in test_emulated_device: arrays off the default device
    yield "array_api_strict", xs, lambda a: xs.asarray(a, device=on_device)


NAMESPACES = list(_namespaces())


def _batch(seed: int, bad: list[int], value: float) -> np.ndarray:
    D = np.random.default_rng(seed).standard_normal((5, 4, 3))
    for i in bad:
        D[i, i % 4, i % 3] = value
    return D


@pytest.mark.parametrize("name,xp,put", NAMESPACES, ids=[n[0] for n in NAMESPACES])
@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    bad=st.lists(st.integers(0, 4), max_size=5, unique=True),
    value=st.sampled_from([np.inf, -np.inf, np.nan]),
)
def test_svd_of_non_finite_matrices_is_nan_and_leaves_the_others_exact(
    name, xp, put, seed, bad, value
):
    D = _batch(seed, bad, value)
    good = np.setdiff1d(np.arange(5), bad)
    factors = (to_host(a) for a in nm._svd(put(D)))
    for got, want in zip(factors, np.linalg.svd(D[good], full_matrices=False)):
        np.testing.assert_array_equal(got[good], want)
        assert np.isnan(got[bad]).all()
    values = to_host(nm._svdvals(put(D)))
    np.testing.assert_array_equal(values[good], np.linalg.svd(D[good], compute_uv=False))
    assert np.isnan(values[bad]).all()


@pytest.mark.parametrize("name,xp,put", NAMESPACES, ids=[n[0] for n in NAMESPACES])
def test_finite_batches_give_the_factorization_bit_for_bit(name, xp, put):
    D = put(_batch(7, [], 0.0))
    for got, want in zip(nm._svd(D), xp.linalg.svd(D, full_matrices=False)):
        np.testing.assert_array_equal(to_host(got), to_host(want))
    np.testing.assert_array_equal(to_host(nm._svdvals(D)), to_host(xp.linalg.svdvals(D)))


@pytest.mark.parametrize("name,xp,put", NAMESPACES, ids=[n[0] for n in NAMESPACES])
def test_schatten_norms_of_a_non_finite_matrix_are_nan(name, xp, put):
    D = _batch(8, [1], np.inf)
    for norm in (nm.Spectral(), nm.Nuclear(), nm.Schatten(3.0)):
        for got in (norm.dual(put(D)), norm.norm(put(D)), norm.lmo(put(D))):
            got = to_host(got)
            assert np.isnan(got[1]).all() and np.isfinite(np.delete(got, 1, axis=0)).all()
