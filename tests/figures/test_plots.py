"""Figures come from stored rows only and overlay the prediction."""

from ratecheck.figures.plots import convergence_figure, plot_results, scaling_figure

RECORD = {
    "claim": "c",
    "verdict": "pass",
    "control_verdict": "fail",
    "expected": True,
    "predicted": 0.5,
    "points": [
        {
            "label": "hb, x",
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
    assert sorted(p.name for p in paths) == ["c--err.png", "c--hitting_time.png"]
