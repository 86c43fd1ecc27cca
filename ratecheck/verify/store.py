"""The result store: flat rows (one per claim, role, method, grid value, seed, checkpoint,
metric) and the verdict records, with provenance. Figures are drawn from these files only.

Layout of an output folder:

    rows.csv         every measured and predicted row
    verdicts.json    {"provenance": {...}, "verdicts": [record, ...]}
    figures/         PNG (and PDF) per claim

Writes are atomic (temporary file, then rename) and happen after each claim, so an
interrupted run keeps everything it finished.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ratecheck.errors import UsageError

ROW_FIELDS = ("claim", "role", "method", "param", "x", "seed", "t", "metric", "value")
_FLOAT_FIELDS = ("x", "value")
_INT_FIELDS = ("seed", "t")


def provenance(backend: str) -> dict[str, Any]:
    """Package and library versions, git revision, backend and host, for every results folder."""
    import matplotlib
    import numpy
    import scipy
    import sympy

    import ratecheck

    try:
        rev = (
            subprocess.run(
                ["git", "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                cwd=Path(ratecheck.__file__).parent,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        rev = None
    return {
        "ratecheck": ratecheck.__version__,
        "git_revision": rev,
        "backend": backend,
        "dtype": "float64",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "matplotlib": matplotlib.__version__,
    }


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class ResultStore:
    """An output folder that grows claim by claim."""

    def __init__(self, folder: str | os.PathLike, backend: str) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create output folder '{folder}': {exc.strerror}") from None
        self.provenance = provenance(backend)
        self.records: list[dict[str, Any]] = []
        self.rows_path = self.folder / "rows.csv"
        with self.rows_path.open("w", newline="") as fh:
            csv.DictWriter(fh, ROW_FIELDS).writeheader()

    def add(self, record: dict[str, Any], rows: Iterable[dict[str, Any]]) -> None:
        with self.rows_path.open("a", newline="") as fh:
            csv.DictWriter(fh, ROW_FIELDS).writerows(rows)
        self.records.append(record)
        write_verdicts(self.folder / "verdicts.json", self.records, self.provenance)


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_verdicts(
    path: str | os.PathLike, records: list[dict[str, Any]], prov: dict[str, Any]
) -> None:
    _atomic_write(
        Path(path),
        json.dumps(
            {"provenance": prov, "verdicts": records}, indent=2, allow_nan=True, default=_plain
        )
        + "\n",
    )


def read_results(folder: str | os.PathLike) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, verdicts document) of a results folder; UsageError if missing or corrupt."""
    folder = Path(folder)
    rows_path, verdicts_path = folder / "rows.csv", folder / "verdicts.json"
    for p in (rows_path, verdicts_path):
        if not p.is_file():
            raise UsageError(
                f"'{folder}' is not a results folder: {p.name} is missing "
                "(write one with: ratecheck verify ... --out DIR)"
            )
    try:
        doc = json.loads(verdicts_path.read_text())
        records = doc["verdicts"]
        with rows_path.open(newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != ROW_FIELDS:
                raise ValueError("unexpected columns")
            rows = []
            for r in reader:
                for f in _FLOAT_FIELDS:
                    r[f] = float(r[f])
                for f in _INT_FIELDS:
                    r[f] = int(r[f])
                rows.append(r)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"results folder '{folder}' is corrupt ({exc}); rerun ratecheck verify "
            "--out to rewrite it"
        ) from None
    return rows, {"provenance": doc.get("provenance", {}), "verdicts": records}
