"""The result store: flat rows (one per claim, role, method, grid value, seed, checkpoint,
metric) and the verdict records, with provenance. Figures are drawn from these files only.

Layout of an output folder:

    rows/<claim>.parquet   the rows of one finished task (CSV where pyarrow is not installed)
    verdicts.json          {"provenance": {...}, "verdicts": [record, ...], "unfinished": [...]}
    figures/               PNG (and PDF) per claim and metric

Each task's rows are written atomically (temporary file, then rename) when the task finishes,
and ``verdicts.json`` is rewritten after it with the tasks not finished yet listed under
"unfinished", so an interrupted run keeps everything it finished and says what it did not.

Parquet (pyarrow, the ``parquet`` extra) is the format; like benchopt, the store falls back to
CSV with the same columns when pyarrow is absent, and reads either.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import platform
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ratecheck.errors import UsageError

ROW_FIELDS = ("claim", "role", "method", "param", "x", "seed", "t", "metric", "value")
_FLOAT_FIELDS = ("x", "value")
_INT_FIELDS = ("seed", "t")
ROWS_DIR = "rows"


def parquet_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def default_results_folder() -> Path:
    """``$RATECHECK_RESULTS`` (default ``./ratecheck-results``) / <local timestamp>."""
    root = Path(os.environ.get("RATECHECK_RESULTS") or "ratecheck-results")
    return root / time.strftime("%Y%m%d-%H%M%S")


def _git_revision() -> str | None:
    import ratecheck

    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(ratecheck.__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return rev or None


def provenance(backend: str) -> dict[str, Any]:
    """Package and library versions, git revision, backend, device and host."""
    import matplotlib
    import numpy
    import scipy
    import sympy

    import ratecheck
    from ratecheck.backend import device_name, library_versions

    return {
        "ratecheck": ratecheck.__version__,
        "git_revision": _git_revision(),
        "backend": backend,
        "device": device_name(backend),
        "dtype": "float64",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "matplotlib": matplotlib.__version__,
        **library_versions(backend),
        "rows_format": "parquet" if parquet_available() else "csv",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_rows(path_stem: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Write rows as ``path_stem.parquet`` (or ``.csv``) atomically; return the path."""
    if parquet_available():
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"x": pa.float64(), "value": pa.float64(), "seed": pa.int64(), "t": pa.int64()}
        schema = pa.schema([(f, types.get(f, pa.string())) for f in ROW_FIELDS])
        table = pa.table({f: [r[f] for r in rows] for f in ROW_FIELDS}, schema=schema)
        path = path_stem.with_suffix(".parquet")
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp)
    else:
        path = path_stem.with_suffix(".csv")
        tmp = path.with_suffix(".csv.tmp")
        with tmp.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, ROW_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    os.replace(tmp, path)
    return path


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        if not parquet_available():
            raise UsageError(
                f"{path} is Parquet and pyarrow is not installed (pip install 'ratecheck[parquet]')"
            )
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        if tuple(table.column_names) != ROW_FIELDS:
            raise ValueError(f"unexpected columns in {path.name}")
        return table.to_pylist()
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != ROW_FIELDS:
            raise ValueError(f"unexpected columns in {path.name}")
        rows = []
        for r in reader:
            for f in _FLOAT_FIELDS:
                r[f] = float(r[f])
            for f in _INT_FIELDS:
                r[f] = int(r[f])
            rows.append(r)
    return rows


class ResultStore:
    """An output folder that grows task by task (a task is one claim with its grid)."""

    def __init__(
        self, folder: str | os.PathLike, backend: str, planned: Sequence[str] = ()
    ) -> None:
        self.folder = Path(folder)
        try:
            (self.folder / ROWS_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create output folder '{folder}': {exc.strerror}") from None
        for old in (self.folder / ROWS_DIR).glob("*.*"):  # a rerun into the same folder
            if old.suffix in (".parquet", ".csv", ".tmp"):
                old.unlink()
        self.provenance = provenance(backend)
        self.planned = list(planned)
        self.records: dict[str, dict[str, Any]] = {}
        self._write_verdicts()

    def add(self, record: dict[str, Any], rows: Iterable[dict[str, Any]]) -> None:
        write_rows(self.folder / ROWS_DIR / record["claim"], list(rows))
        self.records[record["claim"]] = record
        self._write_verdicts()

    @property
    def unfinished(self) -> list[str]:
        return [c for c in self.planned if c not in self.records]

    def _write_verdicts(self) -> None:
        order = {c: i for i, c in enumerate(self.planned)}
        records = sorted(self.records.values(), key=lambda r: order.get(r["claim"], len(order)))
        write_verdicts(
            self.folder / "verdicts.json", records, self.provenance, unfinished=self.unfinished
        )


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_verdicts(
    path: str | os.PathLike,
    records: list[dict[str, Any]],
    prov: dict[str, Any],
    unfinished: Sequence[str] = (),
) -> None:
    doc = {"provenance": prov, "verdicts": records, "unfinished": list(unfinished)}
    _atomic_write(Path(path), json.dumps(doc, indent=2, allow_nan=True, default=_plain) + "\n")


def read_results(folder: str | os.PathLike) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, verdicts document) of a results folder; UsageError if missing or corrupt."""
    folder = Path(folder)
    verdicts_path, rows_dir = folder / "verdicts.json", folder / ROWS_DIR
    for p in (verdicts_path, rows_dir):
        if not p.exists():
            raise UsageError(
                f"'{folder}' is not a results folder: {p.name} is missing "
                "(write one with: ratecheck verify ... --out DIR)"
            )
    try:
        doc = json.loads(verdicts_path.read_text())
        records = doc["verdicts"]
        rows = []
        for record in records:
            parts = [rows_dir / f"{record['claim']}{ext}" for ext in (".parquet", ".csv")]
            found = [p for p in parts if p.is_file()]
            if not found:
                raise ValueError(f"rows of claim {record['claim']} are missing")
            rows += _read_rows(found[0])
    except UsageError:
        raise
    except (ValueError, KeyError, TypeError, OSError) as exc:  # pyarrow's ArrowInvalid too
        raise UsageError(
            f"results folder '{folder}' is corrupt ({exc}); rerun ratecheck verify "
            "--out to rewrite it"
        ) from None
    return rows, {
        "provenance": doc.get("provenance", {}),
        "verdicts": records,
        "unfinished": doc.get("unfinished", []),
    }
