"""The clipping claims in quick mode: each passes and its control fails."""

import numpy as np
import pytest

import ratecheck
from ratecheck.claims.clipping._clipping import running_min
from ratecheck.claims.clipping.ggnc_descent import descent_slack
from ratecheck.claims.clipping.s3cg_gap import local_slopes
from ratecheck.errors import UsageError

IDS = [
    "ggnc-descent",
    "ggnc-deterministic-bound",
    "ucg-plateau",
    "ggnc-euclidean-is-clipping",
    "ggnc-stochastic-rate",
    "s3cg-gap",
]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_descent_runs_visit_both_regimes(verdicts):
    notes = verdicts["ggnc-descent"].result.notes
    assert len(notes) == 6
    for note in notes:
        clipped = int(note.split("clipped ")[1].split(",")[0])
        unclipped = int(note.split("unclipped ")[1].split(";")[0])
        assert clipped > 0 and unclipped > 0, note


def test_descent_points_name_their_grid_point(verdicts):
    v = verdicts["ggnc-descent"]
    where = [(p.where["geometry"], p.where["rho_factor"]) for p in v.result.points]
    assert where == [(g, c) for g in ("l2", "linf", "spectral") for c in (1.0, 10.0)]
    assert [p.where for p in v.control.points] == [p.where for p in v.result.points]


def test_worked_example_is_reported_as_violating_the_step_condition(verdicts):
    v = verdicts["ggnc-deterministic-bound"]
    step = v.control.points[0]
    assert step.measured == 2 and step.predicted == 1 and step.outcome() == "refuted"
    assert "violates the theorem's step condition" in v.result.notes[-1]


def test_ucg_plateau_judges_its_named_predictions(verdicts):
    """Per (geometry, ρ): plateau/bound ≤ 1, stall ≥ 1/2, GGNC ≤ 1/2; per geometry the slope."""
    points = verdicts["ucg-plateau"].result.points
    by_kind = {kind: [p for p in points if p.kind == kind] for kind in ("upper", "lower", "tight")}
    assert len(by_kind["lower"]) == 6 and all(p.predicted == 0.5 for p in by_kind["lower"])
    assert sorted({p.predicted for p in by_kind["upper"]}) == [0.5, 1.0]
    assert len(by_kind["tight"]) == 3 and all(p.predicted == 1 for p in by_kind["tight"])
    control = verdicts["ucg-plateau"].control.points
    assert all(
        p.kind == "lower" and p.predicted == 0.5 and p.outcome() == "refuted" for p in control
    )


def test_s3cg_checks_the_ball_at_every_run(verdicts):
    points = verdicts["s3cg-gap"].result.points
    ball = [p for p in points if "‖x" in p.label]
    assert len(ball) >= 4 + 12 and all(p.measured <= 1 + 1e-12 for p in ball)


def test_s3cg_slope_tolerance_is_wider_in_quick_mode(verdicts):
    slopes = [p for p in verdicts["s3cg-gap"].result.points if p.kind == "exponent"]
    assert len(slopes) == 4 and all(p.tolerance == 0.1 and p.predicted == -0.25 for p in slopes)


def test_stochastic_rate_keeps_one_instance_per_geometry(verdicts):
    v = verdicts["ggnc-stochastic-rate"]
    assert [p.method for p in v.result.points] == [
        f"{g}/momentum" for g in ("l2", "linf", "spectral")
    ]
    assert [p.where for p in v.control.points] == [p.where for p in v.result.points]


def test_euclidean_claim_needs_l2_for_its_control():
    with pytest.raises(UsageError, match="needs geometry l2"):
        ratecheck.verify(
            ["ggnc-euclidean-is-clipping"], quick=True, seeds=1, grid={"geometry": ("linf",)}
        )


def test_descent_slack_counts_a_violation():
    """A step that increases f beyond round-off is a violation; a decrease is not."""
    f = np.array([[10.0, 9.0, 9.5]])
    grad = np.array([[1.0, 1.0, 1.0]])
    slack, roundoff, clipped = descent_slack(f, grad, gamma=0.1, rho=2.0)
    assert slack[0, 0] > 0 and slack[0, 1] < -roundoff[0, 1]
    assert not clipped.any()


def test_running_min_and_local_slopes():
    np.testing.assert_array_equal(running_min(np.array([[3.0, 1.0, 2.0]])), [[3.0, 1.0, 1.0]])
    xs = np.array([1.0, 10.0, 100.0])
    np.testing.assert_allclose(local_slopes(xs, np.array([xs**-0.25])), [-0.25, -0.25])
