"""The run context: streams keyed by (axis, value), predictions evaluated by the framework at the
grid point, judged points that name their method and grid point, a declared control judged by
the same code."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import ratecheck
from ratecheck.backend import namespace
from ratecheck.seeding import AXES, Streams
from ratecheck.verify.context import Context, predicted_at
from ratecheck.verify.estimators import Estimate
from ratecheck.verify.experiment import Settings


def _context(grid, prediction="1 - 1/kappa", control=None, kind="linear-rate"):
    claim = ratecheck.Claim(
        "test-context",
        kind,
        "test",
        "a test",
        "s",
        lambda: sp.sympify(prediction),
        prediction,
        1e-3,
        "e",
        "c",
        (ratecheck.Provenance("x", "paper"),),
    )
    settings = Settings(True, 3, namespace("numpy"), "numpy")
    wrong = None if control is None else sp.sympify(control)
    return Context(claim, settings, grid, wrong)


def _draws(streams: Streams) -> np.ndarray:
    return np.array([g.standard_normal(4) for g in streams.problem])


def test_adding_a_grid_value_never_changes_another_points_streams():
    small = _context({"kappa": (10.0, 100.0)})
    large = _context({"kappa": (1.0, 10.0, 31.6, 100.0)})
    for k in (10.0, 100.0):
        assert np.array_equal(
            _draws(small.streams({"kappa": k})), _draws(large.streams({"kappa": k}))
        )


@given(st.lists(st.floats(0.5, 1e6, allow_nan=False), min_size=2, max_size=25, unique=True))
def test_streams_are_distinct_across_every_grid_point(values):
    """With hand-made keys (10·g + j) ten values on an axis made two points share a problem."""
    ctx = _context({"rho": tuple(values), "geometry": (0.0, 1.0, 2.0)})
    draws = [_draws(ctx.streams(w)).tobytes() for w in ctx.points()]
    assert len(set(draws)) == len(draws) == 3 * len(values)


def test_integer_keys_keep_the_streams_of_the_older_experiments():
    old = np.random.default_rng(
        np.random.SeedSequence([zlib.crc32(b"c"), 7, AXES.index("problem"), 1])
    ).standard_normal(4)
    assert np.array_equal(Streams("c", 7, 2).problem[1].standard_normal(4), old)


def test_points_iterate_the_named_axes_in_grid_order():
    ctx = _context({"kappa": (10.0, 100.0), "t": (1.0, 2.0)})
    assert list(ctx.points("kappa")) == [{"kappa": 10.0}, {"kappa": 100.0}]
    assert list(ctx.points()) == [{"kappa": k, "t": t} for k in (10.0, 100.0) for t in (1.0, 2.0)]


def test_judge_evaluates_the_prediction_and_records_method_and_point():
    ctx = _context({"kappa": (10.0, 100.0)}, control="1 - 2/kappa")
    for where in ctx.points("kappa"):
        k = where["kappa"]
        ctx.judge(Estimate(1 - 1 / k, 1 - 1 / k, 1 - 1 / k), method="gd", where=where)
    outcome = ctx.outcome()
    assert [p.predicted for p in outcome.result.points] == [0.9, 0.99]
    assert [p.predicted for p in outcome.control.points] == [0.8, 0.98]
    assert all(p.method == "gd" for p in outcome.result.points + outcome.control.points)
    assert [p.where for p in outcome.result.points] == [{"kappa": 10.0}, {"kappa": 100.0}]
    assert outcome.result.holds and outcome.control.refuted


def test_a_control_run_is_judged_against_the_claims_prediction():
    ctx = _context({"kappa": (10.0,)})
    ctx.judge(Estimate(0.5, 0.5, 0.5), method="other", where={"kappa": 10.0}, role="control")
    (point,) = ctx.outcome().control.points
    assert point.predicted == pytest.approx(0.9) and point.outcome() == "refuted"


def test_a_prediction_needs_every_symbol_on_the_grid():
    with pytest.raises(ValueError, match="needs grid values for"):
        predicted_at(sp.sympify("1 - 1/kappa"), {"t": 1.0})


def test_hitting_times_are_the_runs_first_hits_and_count_towards_the_status():
    from ratecheck.problems import quadratic
    from ratecheck.solvers import gd
    from ratecheck.verify.runner import run, standard_metrics

    ctx = _context({"kappa": (10.0,)})
    problem = quadratic(10.0, 8, ctx.streams({"kappa": 10.0}), ctx.xp)
    dist = standard_metrics(problem)["dist"]
    target = 1e-3 * float(np.max(dist(problem.x0)))
    steps, trace = ctx.hitting_times(gd(1.0), problem, 400, metric=("dist", dist), target=target)
    reference = run(gd(1.0), problem, 400, {"dist": dist}, checkpoints="all")
    first = np.argmax(reference.metrics["dist"] <= target, axis=1)
    assert np.array_equal(steps, first.astype(float))
    assert ctx.traces == [trace]
    censored, _ = ctx.hitting_times(gd(1.0), problem, 3, metric=("dist", dist), target=target)
    assert np.isnan(censored).all()


def test_judging_a_drifting_exponent_notes_its_observed_order():
    from ratecheck.verify.estimators import loglog_slope

    ctx = _context({"kappa": (10.0,)}, prediction="-1/4", kind="exponent")
    x = np.array([10.0, 100.0, 1000.0, 10_000.0])
    y = np.array([1.0, 10.0**-0.25, 10.0**-0.55, 10.0**-1.0])
    y = y * np.exp(np.random.default_rng(1).normal(0, 1e-3, (6, 4)))
    point = ctx.judge(loglog_slope(x, y), method="m", where={"kappa": 10.0})
    assert len(point.local_slopes) == 3 and point.drifting
    (note,) = ctx.notes["claim"]
    assert "observed order" in note and "pre-asymptotic trend" in note
