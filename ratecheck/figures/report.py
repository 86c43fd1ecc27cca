"""Reports from a results folder: one self-contained HTML file (figures embedded as data URIs)
and a Markdown summary, drawn from stored rows and verdicts only (never a rerun).

Each claim gets: its verdict row (kind, predicted value with the SymPy form of its prediction,
measured value with the 95% CI, tolerance, the control's verdict), its source and statement,
the provenance labels ([paper] / [derived] / [unknown]), the judged points of the claim and of
the control, the notes of the run, and its figures. A figure file that is not a whole PNG
(truncated, damaged) is not embedded: the report says so in its place, with a warning.
"""

from __future__ import annotations

import base64
import html
import math
import os
import shlex
import struct
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ratecheck.figures.plots import cannot_write, plot_results
from ratecheck.verify.store import read_results
from ratecheck.verify.verdict import tally

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
                r.get("outcome", "checked" if r["checked"] else "NO"),
                referee_cell(r.get("referee_outcome")),
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
    "outcome",
    "PEP",
)  # the verdict table's columns, shared with the CLI (which adds wall_s)


def referee_cell(outcome: str | None) -> str:
    """The PEP column: the worst-case referee's outcome, "—" for a claim without one."""
    return {None: "—", "unavailable": "not installed"}.get(outcome, outcome)


HEADER = [*VERDICT_COLUMNS, "provenance"]
POINT_HEADER = [
    "point",
    "kind",
    "predicted",
    "measured",
    "95% CI",
    "tol",
    "outcome",
    "local slopes (observed order)",
]


def _point_rows(points: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            p["label"],
            p["kind"],
            _num(p["predicted"]),
            _num(p["measured"]),
            _ci(p),
            _num(p["tolerance"]),
            p.get("outcome", ""),
            ", ".join(_num(v) for v in p.get("local_slopes", [])) or "—",
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


def png_damage(data: bytes) -> str | None:
    """Why ``data`` is not a whole PNG file, None where it is: the signature, then chunks
    (length, type, data, CRC-32 of type and data), each CRC matching, up to the IEND chunk."""
    if not data.startswith(PNG_SIGNATURE):
        return "empty" if not data else "no PNG signature"
    view, pos = memoryview(data), len(PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        end = pos + 12 + length
        if end > len(data):
            break
        if zlib.crc32(view[pos + 4 : end - 4]) != struct.unpack_from(">I", data, end - 4)[0]:
            kind = bytes(view[pos + 4 : pos + 8]).decode("latin-1")
            return f"its {kind} chunk fails the CRC check"
        if view[pos + 4 : pos + 8] == b"IEND":
            return None
        pos = end
    return "truncated"


def _damaged(figures: dict[str, list[Path]]) -> dict[Path, str]:
    """{path: why} of the figure files that cannot be embedded."""
    damaged = {}
    for path in (p for paths in figures.values() for p in paths):
        try:
            problem = png_damage(path.read_bytes())
        except OSError as exc:
            problem = f"unreadable: {exc.strerror or type(exc).__name__}"
        if problem:
            damaged[path] = problem
    return damaged


def _missing_figure(path: Path, why: str, folder: Path, word: str = "figure") -> str:
    return (
        f"{word} {os.path.relpath(path, folder)} is damaged ({why}) and is not embedded; "
        f"redraw it with: ratecheck plot {shlex.quote(str(folder))}"
    )


REFEREE_HEADER = ("where", "N", "PEP worst case", "reliable", "gap", "check", "value", "outcome")


def _referee_rows(referee: dict) -> list[tuple[str, ...]]:
    """One row per check of the worst-case referee (ratecheck.referee.crosscheck)."""
    return [
        (
            ", ".join(f"{k}={v}" for k, v in e["where"].items()),
            str(e["horizon"]),
            f"{e['pep_value']:.6g}",
            "yes" if e["reliable"] else f"no: {e['reason']}",
            f"{e['pep_gap']:.2g}",
            c["check"],
            f"{c['value']:.6g}",
            c["outcome"],
        )
        for e in referee["entries"]
        for c in e["checks"]
    ]


def _referee_text(r: dict) -> str | None:
    referee = r.get("referee")
    if referee is None:
        return None
    if not referee["available"]:
        return f"Worst-case referee: {referee['reason']}"
    return f"Worst-case referee (PEPit certificates): {r.get('referee_outcome')}"


def _tally(records, unfinished) -> str:
    text = tally([r.get("outcome", "checked" if r["checked"] else "") for r in records]) + "."
    if unfinished:
        text += f" Not finished (the run was interrupted): {', '.join(unfinished)}."
    return text


def _markdown(records, provenance, unfinished, figures, folder: Path, damaged) -> str:
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
        if _referee_text(r):
            out += ["", _referee_text(r)]
            if r["referee"]["entries"]:
                out += ["", _md_table(REFEREE_HEADER, _referee_rows(r["referee"]))]
        out += [""] + [f"- note: {n}" for n in r.get("notes", [])]
        for path in figures.get(r["claim"], []):
            if path in damaged:
                out += ["", f"*{_missing_figure(path, damaged[path], folder, 'Figure')}.*"]
            else:
                out += ["", f"![{path.stem}]({os.path.relpath(path, folder)})"]
    return "\n".join(out) + "\n"


STYLE = (
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse;margin:0.5em 0;font-size:0.85em}"
    "td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
    "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}"
    ".finding,.missing{color:#a00}"
)


def _html(records, provenance, unfinished, figures, folder: Path, damaged) -> str:
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
        if _referee_text(r):
            parts.append(f"<p>{html.escape(_referee_text(r))}</p>")
            if r["referee"]["entries"]:
                parts.append(_html_table(REFEREE_HEADER, _referee_rows(r["referee"]), "points"))
        if r.get("notes"):
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in r["notes"]) + "</ul>"
            )
        for path in figures.get(r["claim"], []):
            if path in damaged:
                text = f"{_missing_figure(path, damaged[path], folder, 'Figure')}."
                parts.append(f"<p class='missing'>{html.escape(text)}</p>")
                continue
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(f"<img alt='{html.escape(path.stem)}' src='data:image/png;base64,{data}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    folder: str | os.PathLike, warn: Callable[[str], None] | None = None
) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained) and ``report.md`` into a results folder.

    UsageError (one line) where the folder is not a readable results folder or the report or
    missing figures cannot be written there (checked before anything is drawn). A figure file
    that is not a whole PNG is left out, with ``warn(message)`` (default: ``warnings.warn``)
    once per file."""
    folder = Path(folder)
    rows, doc = read_results(folder)
    records, provenance = doc["verdicts"], doc["provenance"]
    html_path, md_path = folder / "report.html", folder / "report.md"
    for path in (html_path, md_path):
        if path.is_dir():
            raise cannot_write(path, IsADirectoryError())
        if not os.access(path if path.exists() else folder, os.W_OK):
            raise cannot_write(path)
    figures = _figures(folder, rows, records)
    damaged = _damaged(figures)
    for path, why in damaged.items():
        (warn or warnings.warn)(_missing_figure(path, why, folder))
    unfinished = doc.get("unfinished", [])
    for path, text in (
        (html_path, _html(records, provenance, unfinished, figures, folder, damaged)),
        (md_path, _markdown(records, provenance, unfinished, figures, folder, damaged)),
    ):
        try:
            path.write_text(text)
        except OSError as exc:  # a read-only file system, a full disk
            raise cannot_write(path, exc) from None
    return html_path, md_path
