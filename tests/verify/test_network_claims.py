"""The network claims in quick mode: each passes, its control fails, drift is reported."""

import pytest

import ratecheck

IDS = [
    "relu-gram",
    "relu-hb-rate",
    "relu-hb-acceleration",
    "deeplinear-hb-rate",
    "deeplinear-hb-acceleration",
]


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_rate_verdicts_report_drift(verdicts):
    assert any("NTK drift" in n for n in verdicts["relu-hb-rate"].result.notes)
    assert any("λ_min(P₀)" in n for n in verdicts["deeplinear-hb-rate"].result.notes)


def test_width_sweep_approaches_sqrt_beta(verdicts):
    v = verdicts["relu-hb-rate"]
    sweep = v.extra["width_sweep"]
    target = v.extra["predicted_sqrt_beta"]
    assert [w for w, _ in sweep] == sorted(w for w, _ in sweep)
    assert abs(sweep[-1][1] - target) <= 1e-3 * target


@pytest.mark.parametrize("cid", ["relu-hb-acceleration", "deeplinear-hb-acceleration"])
def test_acceleration_slopes(verdicts, cid):
    hb, gd = verdicts[cid].result.points
    assert abs(hb.measured - 0.5) <= 0.1 and abs(gd.measured - 1.0) <= 0.1


def test_relu_acceleration_spans_decades_and_reports_drift(verdicts):
    v = verdicts["relu-hb-acceleration"]
    kappas = v.extra["kappa_prime"]
    assert max(kappas) / min(kappas) >= 10**1.5
    assert sum("NTK drift" in n for n in v.result.notes) == 2
    assert 0 <= v.extra["ntk_drift_max"] < 1  # the regime the theorem needs


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
