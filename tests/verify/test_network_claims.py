"""The network claims in quick mode: each passes, its control fails, drift is reported; the
judged points name their method and grid point, and the predicted curves are the judged rates."""

import inspect

import numpy as np
import pytest

import ratecheck
from ratecheck.claims.polyak._acceleration import acceleration_slopes
from ratecheck.claims.polyak._nets import MeasuredAxis
from ratecheck.verify.context import Context
from ratecheck.verify.experiment import Settings
from ratecheck.verify.registry import get_claim, get_experiment

IDS = [
    "relu-gram",
    "relu-hb-rate",
    "relu-hb-acceleration",
    "deeplinear-hb-rate",
    "deeplinear-hb-acceleration",
]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def _rows(quick_verdicts, claim_id):
    """The stored rows of a claim verified by ``quick_verdicts``."""
    from ratecheck.verify.store import read_results

    rows, _ = read_results(quick_verdicts.folders[claim_id])
    return [r for r in rows if r["claim"] == claim_id]


@pytest.mark.parametrize("cid", IDS)
def test_claims_are_claim_modules(cid):
    """Each claim is measured by its own module under ratecheck/claims/polyak/."""
    run = inspect.unwrap(get_experiment(cid).run)
    assert run.__module__ == "ratecheck.claims.polyak." + cid.replace("-", "_")
    assert get_claim(cid).family == "polyak"


def test_relu_gram_identity(verdicts):
    v = verdicts["relu-gram"]
    (p,), (c,) = v.result.points, v.control.points
    assert p.predicted == c.predicted == 0.0
    assert p.range_low <= p.measured <= p.tolerance  # every Monte Carlo estimate within 5/√N
    assert c.range_low > 10 * c.tolerance  # the kernel without arccos is far off


def test_rate_verdicts_report_drift(verdicts):
    assert any("NTK drift" in n for n in verdicts["relu-hb-rate"].result.notes)
    assert any("λ_min(P₀)" in n for n in verdicts["deeplinear-hb-rate"].result.notes)


def test_rate_points_name_methods_and_grid_points(verdicts):
    v = verdicts["relu-hb-rate"]
    hb, gd = v.result.points
    (control,) = v.control.points
    widest = max(v.extra["width_sweep"])[0]
    assert (hb.method, gd.method, control.method) == ("heavy-ball", "gd", "gd")
    kp = hb.where["kappa_prime"]  # judged points record the measured symbols beside the grid
    assert hb.where == gd.where and {k: hb.where[k] for k in ("width", "theta")} == {
        "width": widest,
        "theta": 1.0,
    }
    assert f"κ' = {kp:.4g}" in hb.label and 0 < gd.where["eta"] * gd.where["lambda_min_H0"] < 1
    assert hb.predicted == control.predicted == v.extra["predicted_sqrt_beta"]
    assert gd.predicted > hb.predicted and control.measured == gd.measured
    d = verdicts["deeplinear-hb-rate"]
    assert [p.method for p in d.result.points] == [
        "heavy-ball depth 2",
        "gd depth 2",
        "heavy-ball depth 4",
        "gd depth 4",
    ]
    rates = {p.method: p.predicted for p in d.result.points}
    assert rates["gd depth 2"] == pytest.approx(1 - 1 / 50)
    assert rates["heavy-ball depth 4"] == pytest.approx(1 - 1 / (2 * np.sqrt(50)))


@pytest.mark.parametrize(
    "cid, curves",
    [
        ("relu-hb-rate", {"sqrt(beta)^t": 0, "(1-eta*lambda_min(H0))^t": 1}),
        ("deeplinear-hb-rate", {"sqrt(beta)^t": 0, "(1-1/kappa)^t": 1}),
    ],
)
def test_predicted_curves_are_the_judged_rates(verdicts, quick_verdicts, cid, curves):
    """The predicted rows are rate^t for the very rates the points are judged against."""
    points = verdicts[cid].result.points
    rates = {}
    for hb, gd in zip(points[::2], points[1::2]):  # (heavy ball, GD) per grid point
        x = float(next(iter(hb.where.values())))  # the rows' abscissa: the first axis
        rates.update({(name, x): (hb, gd)[i].predicted for name, i in curves.items()})
    predicted = [r for r in _rows(quick_verdicts, cid) if r["role"] == "predicted"]
    assert {r["method"] for r in predicted} == set(curves)
    for r in predicted:
        assert r["value"] == pytest.approx(rates[r["method"], r["x"]] ** r["t"], rel=1e-9)


def test_width_sweep_approaches_sqrt_beta(verdicts):
    v = verdicts["relu-hb-rate"]
    sweep = v.extra["width_sweep"]
    target = v.extra["predicted_sqrt_beta"]
    assert [w for w, _ in sweep] == sorted(w for w, _ in sweep)
    assert abs(sweep[-1][1] - target) <= 1e-3 * target


# A finding, never retuned; strict: the day it passes, the test says so.
RELU_GD_SLOPE = (
    "GD's slope 1.100 (95% CI 1.049-1.151, 8 seeds: inconclusive) against 1 ± 0.1 on the "
    "datasets keyed by grid point (κ' 8.8-381; at 4 seeds 1.126, the last segment's local "
    "slope 1.66, where GD's NTK drift reaches 0.43); 1.031 on the integer-keyed datasets, "
    "0.93-1.04 on six further datasets; full mode passed on its point estimate (1.031)"
)


@pytest.mark.parametrize(
    "cid",
    [
        pytest.param(
            "relu-hb-acceleration", marks=pytest.mark.xfail(reason=RELU_GD_SLOPE, strict=True)
        ),
        "deeplinear-hb-acceleration",
    ],
)
def test_acceleration_slopes(verdicts, cid):
    hb, gd = verdicts[cid].result.points
    assert abs(hb.measured - 0.5) <= 0.1 and abs(gd.measured - 1.0) <= 0.1


def test_relu_acceleration_spans_decades_and_reports_drift(verdicts):
    v = verdicts["relu-hb-acceleration"]
    kappas = v.extra["kappa_prime"]
    assert max(kappas) / min(kappas) >= 10**1.5
    assert sum("NTK drift" in n for n in v.result.notes) == 2
    assert 0 <= v.extra["ntk_drift_max"] < 1  # the regime the theorem needs


def test_measured_axis_judges_slopes_against_measured_kappa_prime():
    """relu-hb-acceleration fits log T against the measured κ' of each dataset: synthetic
    hitting times ∝ κ'^{1/2} and κ'^1 give exactly the two exponents there, and the control
    (GD against 1/2) fails."""
    claim = get_claim("relu-hb-acceleration")
    grid = {"theta": (1.0, 0.2, 0.05), "width": (2000,), "residual": (1e-4,)}
    ctx = Context(claim, Settings(True, 3, np, "numpy"), grid)
    kappas = [9.0, 40.0, 170.0]
    times = {
        "heavy-ball": [np.full(3, 7.0 * k**0.5) for k in kappas],
        "gd": [np.full(3, 3.0 * k) for k in kappas],
    }
    acceleration_slopes(MeasuredAxis(ctx, "kappa_prime", kappas), times, {}, "kappa_prime")
    outcome = ctx.outcome()
    hb, gd = outcome.result.points
    assert hb.measured == pytest.approx(0.5) and gd.measured == pytest.approx(1.0)
    assert outcome.result.holds and outcome.control.refuted
    assert outcome.extra["kappa_prime"] == kappas
    assert {r["x"] for r in outcome.rows} == set(kappas)


def test_relu_acceleration_with_paper_scale_labels_leaves_the_regime():
    """Residual scale 1 (independent O(1) labels) at the same width: the drift is far above 1,
    so a failing verdict there says the width is too small, which the report shows."""
    (v,) = ratecheck.verify(
        ["relu-hb-acceleration"],
        quick=True,
        seeds=2,
        grid={"residual": (1.0,), "theta": (0.2, 0.05)},
    )
    assert v.extra["ntk_drift_max"] > 1


def test_records_are_json(verdicts, tmp_path):
    from ratecheck.verify.store import write_verdicts

    write_verdicts(tmp_path / "v.json", [v.record() for v in verdicts.values()], {})
    assert (tmp_path / "v.json").stat().st_size > 100
