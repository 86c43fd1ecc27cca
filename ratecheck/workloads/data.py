"""Offline data for the workloads: real where the installed packages carry it.

- ``digits``: the first n of scikit-learn's 1,797 UCI handwritten digits (8×8 gray levels
  0–16), scaled to [0, 1]; ``digits_validation``: the digits after them (a fixed split);
- ``stdlib_text``: the docstrings of a fixed list of standard-library modules and their public
  members, in sorted order (deterministic for one Python version; the version is part of the
  results' provenance);
- ``char_tokens``: the text as integer character codes over its sorted alphabet.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np

TEXT_MODULES = (
    "argparse",
    "collections",
    "csv",
    "dataclasses",
    "functools",
    "heapq",
    "itertools",
    "json",
    "logging",
    "pathlib",
    "random",
    "re",
    "statistics",
    "string",
    "textwrap",
    "unittest",
)


def digits(n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(X, y): n digit images as rows of 64 values in [0, 1], labels 0–9."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data[:n] / 16.0, data.target[:n].astype(np.int64)


def digits_validation(n_train: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(X, y): the digits after the first ``n_train`` (797 for 1,000), disjoint from
    ``digits(n_train)``: the validation split."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data[n_train:] / 16.0, data.target[n_train:].astype(np.int64)


def stdlib_text(max_chars: int = 200_000) -> str:
    """Docstrings of TEXT_MODULES and their public members, joined in sorted order."""
    docs = []
    for name in TEXT_MODULES:
        module = importlib.import_module(name)
        docs.append(inspect.getdoc(module) or "")
        for member in sorted(n for n in dir(module) if not n.startswith("_")):
            doc = inspect.getdoc(getattr(module, member, None))
            if doc and len(doc) > 40:
                docs.append(doc)
    text = "\n\n".join(dict.fromkeys(docs))  # each docstring once, first occurrence kept
    return text[:max_chars]


def char_tokens(text: str) -> tuple[np.ndarray, list[str]]:
    """(codes, alphabet): the text as int64 indices into its sorted set of characters."""
    alphabet = sorted(set(text))
    index = {c: i for i, c in enumerate(alphabet)}
    return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text)), alphabet
