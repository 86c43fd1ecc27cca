"""A content-addressed cache of finished experiment outcomes.

Key: SHA-256 of (claim id, grid values — each axis sorted, seeds, quick, backend, dtype,
package version, and a fingerprint of the package's source files), serialized as canonical JSON,
so it does not depend on the order of the grid values or of the claims, and any code change
invalidates every entry. An entry is written atomically only after the experiment returned
(a crash or an interruption leaves nothing behind); an entry that cannot be read back exactly is
deleted and recomputed, never trusted.

Location: ``$RATECHECK_CACHE`` or ``~/.cache/ratecheck``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import ratecheck
from ratecheck.verify.experiments.base import Outcome
from ratecheck.verify.verdict import Judgement, Point

POINT_FIELDS = tuple(f.name for f in fields(Point))
FORMAT = 1


def default_folder() -> Path:
    return Path(os.environ.get("RATECHECK_CACHE") or Path.home() / ".cache" / "ratecheck")


@cache
def code_fingerprint() -> str:
    """SHA-256 over the package's Python sources (path and bytes), in sorted order."""
    root = Path(ratecheck.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def task_key(
    claim_id: str,
    grid: dict[str, tuple[float, ...]],
    seeds: int,
    quick: bool,
    backend: str,
    dtype: str = "float64",
) -> str:
    payload = {
        "format": FORMAT,
        "claim": claim_id,
        "grid": {name: sorted(float(v) for v in values) for name, values in sorted(grid.items())},
        "seeds": seeds,
        "quick": quick,
        "backend": backend,
        "dtype": dtype,
        "version": ratecheck.__version__,
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _judgement(j: Judgement) -> dict[str, Any]:
    return {
        "points": [{k: getattr(p, k) for k in POINT_FIELDS} for p in j.points],
        "status": j.status,
        "notes": list(j.notes),
        "kind": j.kind,
    }


def _from_judgement(d: dict[str, Any]) -> Judgement:
    points = [Point(**{k: p[k] for k in POINT_FIELDS}) for p in d["points"]]
    return Judgement(points, d["status"], list(d["notes"]), d["kind"])


def encode(outcome: Outcome) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "result": _judgement(outcome.result),
            "control": _judgement(outcome.control),
            "rows": outcome.rows,
            "extra": outcome.extra,
        },
        allow_nan=True,
        default=_plain,
    )


def decode(text: str) -> Outcome:
    d = json.loads(text)
    if d.get("format") != FORMAT:
        raise ValueError("unknown cache format")
    return Outcome(
        _from_judgement(d["result"]), _from_judgement(d["control"]), d["rows"], d["extra"]
    )


class TaskCache:
    """Finished outcomes on disk, one JSON file per key."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str) -> Outcome | None:
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return decode(path.read_text())
        except (ValueError, KeyError, TypeError, OSError):
            path.unlink(missing_ok=True)  # corrupt: discard and recompute
            return None

    def store(self, key: str, outcome: Outcome) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(encode(outcome))
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time


__all__ = ["TaskCache", "code_fingerprint", "decode", "encode", "task_key"]
