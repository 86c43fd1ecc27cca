"""Figures come from stored rows only and overlay the prediction."""

import matplotlib.pyplot as plt
import pytest

from ratecheck.errors import UsageError
from ratecheck.figures import plots
from ratecheck.figures.plots import convergence_figure, plot_results, scaling_figure

RECORD = {
    "claim": "c",
    "verdict": "pass",
    "control_verdict": "fail",
    "checked": True,
    "predicted": 0.5,
    "points": [
        {
            "label": "hb, x",
            "method": "hb",
            "kind": "exponent",
            "predicted": 0.5,
            "measured": 0.51,
            "ci_low": 0.5,
            "ci_high": 0.52,
        }
    ],
}


def rows(metric, ts, role="claim", method="hb"):
    return [
        {
            "claim": "c",
            "role": role,
            "method": method,
            "param": "kappa",
            "x": x,
            "seed": s,
            "t": t,
            "metric": metric,
            "value": (1 + s) * 0.9 ** max(t, 0) * x,
        }
        for x in (10.0, 100.0)
        for s in (0, 1)
        for t in ts
    ]


def test_convergence_figure_has_measured_band_and_dashed_prediction():
    data = rows("err", range(20)) + rows("err", range(20), role="predicted", method="rate")
    fig = convergence_figure(data, RECORD, "err")
    ax = fig.axes[0]
    assert any(line.get_linestyle() == "--" for line in ax.lines)
    assert len(ax.collections) >= 1  # the min–max band over seeds
    assert len(fig.axes) == 2  # one panel per grid value


def test_scaling_figure_draws_predicted_slope():
    fig = scaling_figure(rows("hitting_time", [-1]), RECORD, "hitting_time")
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert any("predicted 0.5" in label for label in labels)


def test_plot_results_writes_one_file_per_claim_and_metric(tmp_path):
    data = rows("err", range(5)) + rows("hitting_time", [-1])
    paths = plot_results(data, [RECORD], tmp_path, ("png",))
    assert sorted(p.name for p in paths) == ["c--decision.png", "c--err.png", "c--hitting_time.png"]


def test_scaling_figure_has_one_panel_per_prefix_with_reference_slopes():
    """Methods "l2/momentum", "linf/hcm" ... give one panel per geometry; judged exponents and the
    record's reference slopes are drawn dashed."""
    data = [
        r | {"method": f"{g}/{m}", "param": "K"}
        for g in ("l2", "linf")
        for m in ("momentum", "hcm")
        for r in rows("avg_dual_grad", [-1])
    ]
    record = RECORD | {
        "points": [
            {
                "label": "l2/hcm: slope",
                "method": "l2/hcm",
                "kind": "exponent",
                "predicted": -1 / 3,
                "measured": -0.32,
                "ci_low": -0.33,
                "ci_high": -0.31,
            }
        ],
        "reference_slopes": {"momentum": -0.25},
    }
    fig = scaling_figure(data, record, "avg_dual_grad")
    assert [ax.get_title() for ax in fig.axes] == ["l2", "linf"]
    dashed = [ln.get_label() for ln in fig.axes[0].lines if ln.get_linestyle() == "--"]
    assert any("predicted -0.333" in lb for lb in dashed)
    assert any("reference slope -0.25" in lb for lb in dashed)
    assert not any("predicted" in ln.get_label() for ln in fig.axes[1].lines)


# Issue 21 item 5: a figure folder that cannot be written is one UsageError naming the path and
# the reason, found before anything is drawn; a figure file that cannot be written likewise.


def test_figure_folder_that_is_a_file_fails_before_drawing(tmp_path, monkeypatch):
    def never(*args):
        raise AssertionError("drew a figure before checking the folder")

    monkeypatch.setattr(plots, "convergence_figure", never)
    (tmp_path / "figures").write_text("a file")
    with pytest.raises(UsageError) as info:
        plot_results(rows("err", range(5)), [RECORD], tmp_path / "figures")
    assert str(info.value) == f"cannot write figures in '{tmp_path}': it is a file, not a folder"


def test_figure_file_that_is_a_folder_is_a_usage_error(tmp_path):
    (tmp_path / "c--err.png").mkdir()
    open_before = plt.get_fignums()
    with pytest.raises(UsageError) as info:
        plot_results(rows("err", range(5)), [RECORD], tmp_path)
    assert str(info.value) == f"cannot write c--err.png in '{tmp_path}': it is a folder, not a file"
    assert plt.get_fignums() == open_before  # the figure is closed


def test_reference_lines_follow_the_points_method_field_not_its_label():
    from ratecheck.figures.plots import _reference_lines

    point = {"kind": "exponent", "predicted": -0.25, "measured": -0.26, "ci_low": -0.3}
    point |= {"ci_high": -0.2, "label": "a label naming nothing", "method": "scion"}
    unnamed = {**point, "label": "scion, K ∈ [1e3, 1e5]", "method": ""}
    assert [s for s, _ in _reference_lines({"points": [point]}, "scion")] == [-0.25]
    assert _reference_lines({"points": [point]}, "a label naming nothing") == []
    assert _reference_lines({"points": [unnamed]}, "scion") == []  # label text is never read


def test_decision_figure_shows_band_prediction_and_every_judged_point():
    from ratecheck.figures.plots import decision_figure

    point = dict(RECORD["points"][0], tolerance=0.05, outcome="holds")
    control = dict(point, label="control", measured=1.0, ci_low=0.9, ci_high=1.1, outcome="refuted")
    fig = decision_figure({**RECORD, "points": [point], "control_points": [control]})
    claim_ax, control_ax = fig.axes
    (shaded,) = claim_ax.patches
    assert shaded.get_bbox().x0 == pytest.approx(0.45)  # the band's lower edge
    assert claim_ax.lines[0].get_xdata()[0] == 0.5  # the predicted value, dashed
    assert list(claim_ax.lines[1].get_xdata()) == [0.5, 0.52]  # the interval
    assert "refuted" in control_ax.get_title(loc="left")
    plt.close(fig)
