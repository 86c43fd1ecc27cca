"""The runner: fixed budgets, checkpoints, divergence as data, hitting times, oracle counts."""

import numpy as np

from ratecheck.problems import quadratic
from ratecheck.seeding import Streams
from ratecheck.solvers import gd, heavy_ball
from ratecheck.verify.runner import geometric_checkpoints, run


def test_geometric_checkpoints():
    c = geometric_checkpoints(10_000, 50)
    assert c[0] == 0 and c[-1] == 10_000 and np.all(np.diff(c) > 0) and c.size <= 52


def test_fixed_budget_even_without_progress(xp):
    """A slow run executes every planned step: no progress-based stopping."""
    p = quadratic(1e6, 6, Streams("r", 0, 2), xp)
    tr = run(gd(1e-9), p, 500, checkpoints="all")
    assert tr.steps[-1] == 500 and tr.metrics["dist"].shape == (2, 501)
    assert tr.grad_calls[-1] == 500
    assert list(tr.status) == ["ok", "ok"]


def test_divergence_is_recorded_not_raised(xp):
    p = quadratic(10.0, 6, Streams("r", 1, 3), xp)
    tr = run(gd(5.0), p, 5000)  # η = 5/L: |1 − 5λ| > 1 at λ = L
    assert list(tr.status) == ["diverged"] * 3
    assert np.all(tr.diverged_at > 0)
    assert tr.steps[-1] == 5000  # every planned checkpoint is in the trace, NaN at the end
    assert np.isnan(tr.metrics["dist"][:, -1]).all()
    assert tr.grad_calls[-1] < 5000  # but no step was taken once every seed was non-finite


def test_hitting_time_and_stop(xp):
    p = quadratic(10.0, 6, Streams("r", 2, 3), xp, centered=True)
    full = run(gd(1.0), p, 400, checkpoints="all")
    d = full.metrics["dist"]
    expected = np.argmax(d <= 1e-6 * d[:, :1], axis=1)
    tr = run(gd(1.0), p, 400, hit=("dist", 1e-6 * xp.asarray(d[:, 0])), stop_when_hit=True)
    np.testing.assert_array_equal(tr.hit_at, expected)
    assert tr.steps[-1] == expected.max()


def test_censored_hit_is_kept(xp):
    p = quadratic(1e4, 6, Streams("r", 3, 2), xp)
    tr = run(gd(1.0), p, 50, hit=("dist", 1e-12), stop_when_hit=True)
    assert list(tr.hit_at) == [-1, -1] and tr.steps[-1] == 50


def test_bit_for_bit_reproducible(xp):
    def once():
        p = quadratic(100.0, 8, Streams("r", 4, 3), xp)
        return run(heavy_ball(1.0, 0.8), p, 300, checkpoints="all").metrics["dist"]

    np.testing.assert_array_equal(once(), once())
