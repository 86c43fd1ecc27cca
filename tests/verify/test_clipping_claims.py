"""The clipping claims in quick mode: each passes and its control fails."""

import numpy as np
import pytest

from ratecheck.verify.experiments.clipping import descent_slack, local_slopes, running_min

IDS = [
    "ggnc-descent",
    "ggnc-deterministic-bound",
    "ucg-plateau",
    "ggnc-euclidean-is-clipping",
    "ggnc-stochastic-rate",
    "s3cg-gap",
]


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


def test_worked_example_is_reported_as_violating_the_step_condition(verdicts):
    v = verdicts["ggnc-deterministic-bound"]
    step = v.control.points[0]
    assert step.measured == 2 and not step.passed
    assert "violates the theorem's step condition" in v.result.notes[-1]


def test_s3cg_checks_the_ball_at_every_run(verdicts):
    points = verdicts["s3cg-gap"].result.points
    ball = [p for p in points if "‖x" in p.label]
    assert len(ball) >= 4 + 12 and all(p.measured <= 1 + 1e-12 for p in ball)


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
