"""nn-lr-transfer: the lr* estimator on synthetic sensitivity curves, and the claim's plumbing
on a tiny grid (judged Scion, SGD control, Muon reported, rows and figures)."""

import numpy as np
import pytest

from ratecheck.claims.workloads import nn_lr_transfer as transfer
from ratecheck.verify.tuning import SearchSpace


def _curves(stars: dict[int, float], seeds: int, noise: float = 0.0):
    """Parabolic sensitivity curves in log₂ lr with their minimum at stars[w], per seed."""
    rng = np.random.default_rng(0)
    grid = SearchSpace(tuple(np.arange(-10.0, 0.0)), (0.9,))
    curves = {
        w: {
            t: 1.0 + 0.1 * (t[0] - star) ** 2 + noise * rng.standard_normal(seeds)
            for t in grid.trials
        }
        for w, star in stars.items()
    }
    return curves, dict.fromkeys(stars, grid)


@pytest.mark.parametrize("exponent", [0.0, -1.0, -0.5])
def test_the_slope_of_lr_star_against_width_is_recovered(exponent):
    widths = [16, 32, 64, 128]
    stars = {w: -3.0 + exponent * np.log2(w / 16) for w in widths}
    curves, grids = _curves(stars, seeds=4, noise=0.002)
    estimate, found, edges = transfer._slope(curves, grids, widths, 4)
    assert estimate.value == pytest.approx(exponent, abs=0.05)
    assert estimate.ci_low <= estimate.value <= estimate.ci_high and estimate.df == 3
    assert found == pytest.approx([stars[w] for w in widths], abs=0.1) and not edges


def test_an_optimum_beyond_the_grid_is_flagged():
    curves, grids = _curves({16: -3.0, 128: 2.0}, seeds=3)
    _, found, edges = transfer._slope(curves, grids, [16, 128], 3)
    assert edges == [128] and found[1] == -1.0  # the argmin: the grid's last value


def test_every_method_gets_the_same_number_of_learning_rates():
    for quick in (True, False):
        sizes = {len(transfer.space(name, quick).trials) for name in transfer.LR_GRIDS}
        assert len(sizes) == 1


def test_the_claim_judges_scion_controls_with_sgd_and_reports_muon(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    import ratecheck
    from ratecheck.figures.plots import plot_results
    from ratecheck.verify.store import read_results

    grid = {"width": (8, 16, 64), "budget": (10,)}
    (v,) = ratecheck.verify(["nn-lr-transfer"], quick=True, seeds=2, grid=grid, out=tmp_path)
    (claim_point,) = v.result.points
    (control_point,) = v.control.points
    assert (claim_point.method, control_point.method) == ("scion", "sgd")
    assert claim_point.predicted == control_point.predicted == 0.0
    assert claim_point.tolerance == 0.25 and claim_point.kind == "exponent"
    assert any(n.startswith("muon: log₂ lr* per width") for n in v.result.notes)
    rows, document = read_results(tmp_path)
    records = document["verdicts"]
    stars = [r for r in rows if r["metric"] == "lr_star"]
    assert {(r["method"], r["x"]) for r in stars} == {
        (m, float(w)) for m in ("scion", "muon", "sgd") for w in grid["width"]
    }
    panels = {r["method"].split("/")[0] for r in rows if r["metric"] == "final_val_loss"}
    assert panels == {"width 8", "width 16", "width 64"}
    roles = {
        (r["method"].split("/")[1], r["role"]) for r in rows if r["metric"] == "final_val_loss"
    }
    assert roles == {("scion", "claim"), ("muon", "claim"), ("sgd", "control")}
    written = {p.name for p in plot_results(rows, records, tmp_path / "fig")}
    assert {"nn-lr-transfer--lr_star.png", "nn-lr-transfer--final_val_loss.png"} <= written
