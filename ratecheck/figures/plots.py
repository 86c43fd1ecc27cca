"""Figures drawn from stored result rows only (never from a rerun).

- convergence: a metric against t, per grid value; the median over seeds with a min–max band
  for each method, the predicted curve (seed −1 rows, from SymPy) dashed on top;
- scaling: a statistic (hitting time, run-averaged gradient norm, a sensitivity curve's final
  loss against the learning rate) against the grid value on log-log axes, one point per seed,
  the median line with the seeds' min–max band, and the fitted and predicted slopes from
  the verdict record; methods written "panel/name" get one panel per prefix (e.g. geometry);
- decision: every judged point of the claim and of its control in its own row — the tolerance
  band shaded, the predicted value dashed, the measured value with its 95% interval (or the
  exact value of a deterministic point), coloured by the point's outcome.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ratecheck.errors import UsageError
from ratecheck.verify.store import temporary_beside

COLORS = {"claim": "tab:blue", "control": "tab:red", "predicted": "black", "referee": "black"}
OUTCOME_COLORS = {"holds": "tab:green", "refuted": "tab:red", "inconclusive": "tab:orange"}
MAX_DECISION_ROWS = 40
QUANTILES = (np.nanmedian, np.nanmin, np.nanmax)  # a scaling figure's line and band over seeds


def _group(rows: list[dict[str, Any]], *keys: str) -> dict[tuple, list[dict[str, Any]]]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[tuple(r[k] for k in keys)].append(r)
    return groups


def _series(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(t, values (S, n)) of the rows of one (role, method, x, metric)."""
    steps = np.array(sorted({r["t"] for r in rows}))
    seeds = sorted({r["seed"] for r in rows})
    values = np.full((len(seeds), steps.size), np.nan)
    col = {t: i for i, t in enumerate(steps)}
    row = {s: i for i, s in enumerate(seeds)}
    for r in rows:
        values[row[r["seed"]], col[r["t"]]] = r["value"]
    return steps, values


def convergence_figure(rows: list[dict[str, Any]], record: dict[str, Any], metric: str):
    """One panel per grid value: median and band per (role, method), predicted dashed; colors by
    role, or one per method where a role holds several methods."""
    rows = [r for r in rows if r["metric"] == metric]
    xs = sorted({r["x"] for r in rows})
    fig, axes = plt.subplots(1, len(xs), figsize=(4.2 * len(xs), 3.6), squeeze=False)
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, x in zip(axes[0], xs):
        groups = sorted(_group([r for r in rows if r["x"] == x], "role", "method").items())
        per_role = _group([{"role": role} for (role, _), _ in groups], "role")
        for i, ((role, method), group) in enumerate(groups):
            steps, values = _series(group)
            positive = np.where(values > 0, values, np.nan)
            shared = len(per_role[(role,)]) > 1  # several methods in one role: one color each
            color = cycle[i % len(cycle)] if shared else COLORS.get(role, "gray")
            if role == "predicted":
                ax.plot(steps, positive[0], "--", color=color, lw=1.2, label=f"predicted {method}")
                continue
            if role == "referee":  # certified worst cases at a few horizons (PEPit)
                marker = "os^D"[i % 4]  # one marker per certified method
                ax.plot(steps, positive[0], marker, color=COLORS["referee"], ms=4, label=method)
                continue
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no data there
                ax.plot(
                    steps,
                    np.nanmedian(positive, axis=0),
                    color=color,
                    lw=1.5,
                    label=f"{role}: {method}",
                )
                ax.fill_between(
                    steps,
                    np.nanmin(positive, axis=0),
                    np.nanmax(positive, axis=0),
                    color=color,
                    alpha=0.2,
                    lw=0,
                )
        ax.set_yscale("log")
        ax.set_xlabel("t")
        ax.set_title(f"{rows[0]['param']} = {x:g}" if rows and rows[0]["param"] else "")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(metric)
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(_title(record), fontsize=9, wrap=True)
    fig.tight_layout()
    return fig


def _panel_of(method: str) -> tuple[str, str]:
    """("l2", "momentum") for a method written "l2/momentum"; ("", method) otherwise."""
    panel, _, name = method.rpartition("/")
    return panel, name


def _reference_lines(record: dict[str, Any], method: str) -> list[tuple[float, str]]:
    """(slope, legend) of the dashed lines for one method: the judged exponent points of that
    method (each judged point names it in ``method``), and the record's ``reference_slopes``
    for its short name."""
    lines = []
    for p in record.get("points", []):
        if p["kind"] == "exponent" and p.get("method") == method:
            lines.append(
                (
                    p["predicted"],
                    f"{_panel_of(method)[1]}: slope {p['measured']:.3f} [{p['ci_low']:.3f}, "
                    f"{p['ci_high']:.3f}] vs predicted {p['predicted']:.3g} (dashed)",
                )
            )
    name = _panel_of(method)[1]
    if not lines and name in record.get("reference_slopes", {}):
        slope = record["reference_slopes"][name]
        lines.append((slope, f"{name}: reference slope {slope:.3g} (dashed)"))
    return lines


def _in_number_order(text: str) -> list:
    """A sort key that orders "width 16" before "width 128" (numbers by value)."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text)]


def scaling_figure(rows: list[dict[str, Any]], record: dict[str, Any], metric: str):
    """A statistic against the grid value on log-log axes: one point per seed, the median line,
    and dashed lines with the predicted slopes (from the verdict record), anchored at the median
    of the smallest grid value. Methods written "panel/name" get one panel per prefix."""
    rows = [r for r in rows if r["metric"] == metric]
    panels = sorted({_panel_of(r["method"])[0] for r in rows}, key=_in_number_order)
    fig, axes = plt.subplots(
        1, len(panels), figsize=(5.2 * len(panels), 4.0), squeeze=False, sharey=len(panels) > 1
    )
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, panel in zip(axes[0], panels):
        own = [r for r in rows if _panel_of(r["method"])[0] == panel]
        roles = _group(own, "role", "method")  # a role with several methods: a color each
        for i, ((role, method), group) in enumerate(sorted(roles.items())):
            xs = np.array(sorted({r["x"] for r in group}))
            by_x = _group(group, "x")
            values = [np.array([r["value"] for r in by_x[(x,)]], dtype=float) for x in xs]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN at x: nothing to draw
                med, low, high = (np.array([f(v) for v in values]) for f in QUANTILES)
            shared = len(panels) > 1 or len({m for r_, m in roles if r_ == role}) > 1
            color = cycle[i % len(cycle)] if shared else COLORS.get(role, "gray")
            ax.scatter(
                [r["x"] for r in group], [r["value"] for r in group], s=8, color=color, alpha=0.4
            )
            ax.fill_between(xs, low, high, color=color, alpha=0.12, lw=0)
            ax.plot(xs, med, "-o", color=color, ms=3, label=f"{role}: {_panel_of(method)[1]}")
            for slope, legend in _reference_lines(record, method):
                ax.plot(xs, med[0] * (xs / xs[0]) ** slope, "--", color=color, lw=1, label=legend)
        ax.set_xlabel(rows[0]["param"] if rows else "")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(panel, fontsize=9)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6)
    axes[0][0].set_ylabel(metric)
    fig.suptitle(_title(record), fontsize=9, wrap=True)
    fig.tight_layout()
    return fig


def decision_figure(record: dict[str, Any]):
    """One row per judged point (claim first, then control, at most MAX_DECISION_ROWS): its
    band, prediction and measurement with interval, coloured by outcome (module docstring)."""
    from ratecheck.verify.verdict import band

    sides = [("claim", p) for p in record.get("points", [])]
    sides += [("control", p) for p in record.get("control_points", [])]
    sides = sides[:MAX_DECISION_ROWS]
    fig, axes = plt.subplots(len(sides), 1, figsize=(7, 0.8 * len(sides) + 1.2), squeeze=False)
    for ax, (role, p) in zip(axes[:, 0], sides):
        low, high = band(p["kind"], p["predicted"], p.get("tolerance", 0.0))
        lo, hi = p.get("ci_low", np.nan), p.get("ci_high", np.nan)
        values = [v for v in (p["predicted"], p["measured"], lo, hi, low, high) if np.isfinite(v)]
        span = (max(values) - min(values)) or abs(p["predicted"]) or 1.0
        left, right = min(values) - 0.15 * span, max(values) + 0.15 * span
        ax.axvspan(max(low, left), min(high, right), color="0.85", zorder=0)
        ax.axvline(p["predicted"], color=COLORS["predicted"], ls="--", lw=0.8)
        color = OUTCOME_COLORS.get(p.get("outcome", ""), "0.4")
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([lo, hi], [0, 0], color=color, lw=2.5)
        ax.plot([p["measured"]], [0], "o", color=color, ms=5)
        ax.set_xlim(left, right)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=6)
        text = f"{role}: {p.get('label', '')} — {p.get('outcome', '')}"
        ax.set_title(text, fontsize=6, loc="left", color=COLORS[role], pad=2)
    fig.suptitle(_title(record), fontsize=9, wrap=True)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))  # room for the title
    return fig


def _title(record: dict[str, Any]) -> str:
    return (
        f"{record['claim']}: claim {record['verdict']}, control "
        f"{record['control_verdict']} ({record.get('outcome', '')})"
    )


def plot_results(
    rows: list[dict[str, Any]],
    records: list[dict[str, Any]],
    folder: str | os.PathLike,
    formats: tuple[str, ...] = ("png",),
    claims: list[str] | None = None,
) -> list[Path]:
    """Write one figure per (claim, metric) into ``folder``; returns the paths written.
    UsageError (one line, naming the path and why) where the folder cannot be written, checked
    before anything is drawn."""
    folder = writable_folder(Path(folder))
    by_claim = _group(rows, "claim")
    written = []
    for record in records:
        cid = record["claim"]
        if claims and cid not in claims:
            continue
        claim_rows = by_claim.get((cid,), [])
        figures = []
        for metric in sorted({r["metric"] for r in claim_rows}):
            metric_rows = [r for r in claim_rows if r["metric"] == metric]
            scaling = all(r["t"] == -1 for r in metric_rows)
            draw = scaling_figure if scaling else convergence_figure
            figures.append((metric, functools.partial(draw, metric_rows, record, metric)))
        if record.get("points") or record.get("control_points"):
            figures.append(("decision", functools.partial(decision_figure, record)))
        for metric, draw in figures:
            fig = draw()
            try:
                for fmt in formats:
                    path = folder / f"{cid}--{metric}.{fmt}"
                    with temporary_beside(path) as tmp:  # concurrent runs draw whole files
                        fig.savefig(tmp, dpi=110, format=fmt)
                    written.append(path)
            except OSError as exc:  # e.g. a folder of that name, a full disk
                raise cannot_write(path, exc) from None
            finally:
                plt.close(fig)
    return written


def cannot_write(path: Path, exc: OSError | None = None) -> UsageError:
    """The one-line error for ``path`` that cannot be written, saying why (from ``exc``; no
    ``exc``: no write permission)."""
    if isinstance(exc, FileExistsError):
        reason = "it is a file, not a folder"
    elif isinstance(exc, IsADirectoryError):
        reason = "it is a folder, not a file"
    elif isinstance(exc, NotADirectoryError):
        reason = "a part of that path is a file, not a folder"
    elif exc is None or isinstance(exc, PermissionError):
        reason = "permission denied"
    else:
        reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
    return UsageError(f"cannot write {path.name} in '{path.parent}': {reason}")


def writable_folder(folder: Path) -> Path:
    """``folder``, created where missing; UsageError (cannot_write) where it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise cannot_write(folder)
    return folder
