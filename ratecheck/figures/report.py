"""Reports from a results folder: one self-contained HTML file (figures embedded as data URIs)
and a Markdown summary, drawn from stored rows and verdicts only (never a rerun).

Each claim gets: its verdict row (kind, predicted value with the SymPy form of its prediction,
measured value with the 95% CI, tolerance, the control's verdict), its source and statement,
the provenance labels ([paper] / [derived] / [unknown]), the judged points of the claim and of
the control, the notes of the run, and its figures.
"""

from __future__ import annotations

import base64
import html
import math
import os
from pathlib import Path
from typing import Any

from ratecheck.figures.plots import plot_results
from ratecheck.verify.store import read_results


def _num(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else "−∞")
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _ci(record: dict[str, Any]) -> str:
    lo, hi = record.get("ci_low"), record.get("ci_high")
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return "—"
    return f"[{_num(lo)}, {_num(hi)}]"


def _summary_rows(records: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in records:
        rows.append(
            [
                r["claim"],
                r["kind"],
                _num(r["predicted"]),
                _num(r["measured"]),
                _ci(r),
                _num(r["tolerance"]),
                r["verdict"],
                f"{r['control_verdict']} ({_num(r['control_measured'])})",
                "yes" if r["expected"] else "NO",
                "derived" if r.get("derived") else "paper",
            ]
        )
    return rows


VERDICT_COLUMNS = (
    "claim",
    "kind",
    "predicted",
    "measured",
    "95% CI",
    "tol",
    "verdict",
    "control (measured)",
    "expected",
)  # the verdict table's columns, shared with the CLI (which adds wall_s)
HEADER = [*VERDICT_COLUMNS, "provenance"]
POINT_HEADER = ["point", "kind", "predicted", "measured", "95% CI", "tol", "passed"]


def _point_rows(points: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            p["label"],
            p["kind"],
            _num(p["predicted"]),
            _num(p["measured"]),
            _ci(p),
            _num(p["tolerance"]),
            "yes" if p.get("passed") else "no",
        ]
        for p in points
    ]


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(header: list[str], rows: list[list[str]], cls: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figures(folder: Path, rows: list[dict[str, Any]], records: list[dict[str, Any]]):
    """{claim: [png paths]}: the folder's figures, drawn from its rows where missing."""
    fig_dir = folder / "figures"
    existing = sorted(fig_dir.glob("*.png")) if fig_dir.is_dir() else []
    claims_with = {p.name.split("--")[0] for p in existing}
    missing = [r["claim"] for r in records if r["claim"] not in claims_with]
    if missing:
        existing += plot_results(rows, records, fig_dir, ("png",), missing)
    by_claim: dict[str, list[Path]] = {}
    for p in sorted(set(existing)):
        by_claim.setdefault(p.name.split("--")[0], []).append(p)
    return by_claim


def _tally(records, unfinished) -> str:
    expected = sum(bool(r["expected"]) for r in records)
    text = f"{expected} of {len(records)} claims as expected."
    if unfinished:
        text += f" Not finished (the run was interrupted): {', '.join(unfinished)}."
    return text


def _markdown(records, provenance, unfinished, figures, folder: Path) -> str:
    out = ["# ratecheck report", ""]
    out.append("Provenance: " + ", ".join(f"{k} {v}" for k, v in provenance.items()))
    out += ["", _tally(records, unfinished), ""]
    out.append(_md_table(HEADER, _summary_rows(records)))
    for r in records:
        out += ["", f"## {r['claim']}", "", r["statement"], "", f"Source: {r['source']}", ""]
        out.append(f"Prediction: {r['prediction']}")
        out += [""] + [f"- provenance: {p}" for p in r.get("provenance", [])]
        out += ["", "Claim points:", "", _md_table(POINT_HEADER, _point_rows(r["points"]))]
        if r.get("control_points"):
            out += ["", "Control points:", ""]
            out.append(_md_table(POINT_HEADER, _point_rows(r["control_points"])))
        if r.get("finding"):
            out += ["", f"**Finding:** {r['finding']}"]
        out += [""] + [f"- note: {n}" for n in r.get("notes", [])]
        for path in figures.get(r["claim"], []):
            out += ["", f"![{path.stem}]({os.path.relpath(path, folder)})"]
    return "\n".join(out) + "\n"


STYLE = (
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse;margin:0.5em 0;font-size:0.85em}"
    "td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
    "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}"
    ".finding{color:#a00}"
)


def _html(records, provenance, unfinished, figures) -> str:
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>ratecheck report</title>",
        f"<style>{STYLE}</style></head><body><h1>ratecheck report</h1>",
        "<p>" + html.escape(", ".join(f"{k} {v}" for k, v in provenance.items())) + "</p>",
        f"<p>{html.escape(_tally(records, unfinished))}</p>",
        _html_table(HEADER, _summary_rows(records), "verdicts"),
    ]
    for r in records:
        parts.append(f"<h2 id='{html.escape(r['claim'])}'>{html.escape(r['claim'])}</h2>")
        parts.append(f"<p>{html.escape(r['statement'])}</p>")
        parts.append(f"<p>Source: {html.escape(r['source'])}</p>")
        parts.append(f"<p>Prediction: <code>{html.escape(str(r['prediction']))}</code></p>")
        parts.append(
            "<ul>"
            + "".join(f"<li>{html.escape(p)}</li>" for p in r.get("provenance", []))
            + "</ul>"
        )
        parts.append(_html_table(POINT_HEADER, _point_rows(r["points"]), "points"))
        if r.get("control_points"):
            parts.append("<p>Control:</p>")
            parts.append(_html_table(POINT_HEADER, _point_rows(r["control_points"]), "points"))
        if r.get("finding"):
            parts.append(f"<p class='finding'>Finding: {html.escape(r['finding'])}</p>")
        if r.get("notes"):
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in r["notes"]) + "</ul>"
            )
        for path in figures.get(r["claim"], []):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(f"<img alt='{html.escape(path.stem)}' src='data:image/png;base64,{data}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(folder: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained) and ``report.md`` into a results folder."""
    folder = Path(folder)
    rows, doc = read_results(folder)
    records, provenance = doc["verdicts"], doc["provenance"]
    figures = _figures(folder, rows, records)
    html_path, md_path = folder / "report.html", folder / "report.md"
    unfinished = doc.get("unfinished", [])
    html_path.write_text(_html(records, provenance, unfinished, figures))
    md_path.write_text(_markdown(records, provenance, unfinished, figures, folder))
    return html_path, md_path
