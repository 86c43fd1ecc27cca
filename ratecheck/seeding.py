"""Reproducible random streams, one per (claim, grid point, axis, seed index).

Each seed of the batch axis gets its own ``numpy.random.Generator`` built from
``SeedSequence([claim key, grid index, axis index, seed index])``, so adding seeds never changes
the streams of existing ones, and holding ``problem`` fixed while varying ``oracle`` isolates the
noise (reference/conventions.md §8). Draws happen on the host and are stacked along axis 0.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, device

AXES = ("problem", "init", "oracle", "method", "hessian")


def claim_key(claim_id: str) -> int:
    """A stable 32-bit integer for a claim id (independent of Python's hash seed)."""
    return zlib.crc32(claim_id.encode())


def point_key(where: Mapping[str, Any]) -> tuple[int, ...]:
    """Eight 32-bit words of SHA-256 over the sorted (axis name, value) pairs of a grid point:
    the same point gives the same words whatever else is on the grid, and two points collide
    only if SHA-256 does."""
    text = json.dumps(sorted((str(k), _plain(v)) for k, v in where.items()))
    digest = hashlib.sha256(text.encode()).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4))


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number  # 10 and 10.0 are one point


@dataclass
class Streams:
    """Per-seed generators for one (claim, grid point): ``streams.init`` is a list of S of them.

    ``grid_index`` identifies the grid point: a mapping {axis name: value} (the run context's
    key, by value: adding a grid value never changes another point's streams), or an integer
    chosen by hand (the older experiments' key, by position)."""

    claim: str
    grid_index: int | Mapping[str, Any]
    n_seeds: int
    first_seed: int = 0  # seed indices first_seed, …, first_seed + n_seeds − 1
    _cache: dict[str, list[np.random.Generator]] = field(default_factory=dict, repr=False)

    def axis(self, name: str) -> list[np.random.Generator]:
        if name not in AXES:
            raise ValueError(f"unknown random axis '{name}'; valid: {', '.join(AXES)}")
        if name not in self._cache:
            point = self.grid_index
            where = [point] if isinstance(point, int) else list(point_key(point))
            base = [claim_key(self.claim), *where, AXES.index(name)]
            self._cache[name] = [
                np.random.default_rng(np.random.SeedSequence([*base, i]))
                for i in range(self.first_seed, self.first_seed + self.n_seeds)
            ]
        return self._cache[name]

    @property
    def problem(self) -> list[np.random.Generator]:
        return self.axis("problem")

    @property
    def init(self) -> list[np.random.Generator]:
        return self.axis("init")

    @property
    def oracle(self) -> list[np.random.Generator]:
        return self.axis("oracle")

    @property
    def method(self) -> list[np.random.Generator]:
        return self.axis("method")

    @property
    def hessian(self) -> list[np.random.Generator]:
        """Noise of stochastic Hessian-vector products, independent of the gradient noise."""
        return self.axis("hessian")


def draw(
    generators: list[np.random.Generator], sample: Callable[[np.random.Generator], np.ndarray]
):
    """Stack one draw per seed along a new leading axis: shape (S, ...)."""
    return np.stack([sample(g) for g in generators])


class SampleBuffer:
    """Per-seed i.i.d. samples of a fixed shape, drawn from each seed's generator in chunks.

    ``take(count)`` returns an (S, count, *shape) host array: the next ``count`` samples of every
    seed, in the order each seed's generator produced them. Drawing ``chunk`` samples per call
    keeps the per-step cost of noisy oracles to one slice instead of S generator calls; the
    chunk shrinks so that one refill stays under CHUNK_BYTES (64 seeds of 256×256 samples would
    otherwise ask for 17 GB). ``take(count, like=x)`` returns the same samples on ``x``'s
    namespace and device (float64 kept): the chunk is uploaded once, at its first such take,
    and later takes slice the device copy, so a GPU step moves no noise across the bus.
    """

    CHUNK_BYTES = 256 * 2**20

    def __init__(
        self,
        generators: list[np.random.Generator],
        sample: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray],
        shape: tuple[int, ...],
        chunk: int = 512,
    ) -> None:
        per_sample = 8 * max(1, len(generators)) * int(np.prod(shape, dtype=np.int64))
        chunk = max(1, min(chunk, self.CHUNK_BYTES // per_sample))
        self.generators, self.sample, self.shape, self.chunk = generators, sample, shape, chunk
        self._buffer = np.empty((len(generators), 0, *shape))
        self._mirror: Any = None  # the buffer on the device of the last ``like``
        self._next = 0

    def take(self, count: int = 1, like: Any = None) -> Any:
        if self._next + count > self._buffer.shape[1]:
            size = max(self.chunk, count)
            fresh = np.stack([self.sample(g, (size, *self.shape)) for g in self.generators])
            rest = self._buffer[:, self._next :]
            self._buffer = np.concatenate([rest, fresh], axis=1) if rest.shape[1] else fresh
            self._mirror = None
            self._next = 0
        source = self._buffer if like is None else self._on_device_of(like)
        out = source[:, self._next : self._next + count, ...]
        self._next += count
        return out

    def mean(self, count: int, like: Any) -> Any:
        """The mean of each seed's next ``count`` samples, (S, *shape), in ``like``'s namespace,
        device and dtype (averaged in float64)."""
        xp = array_namespace(like)
        samples = self.take(count, like)
        mean = samples[:, 0, ...] if count == 1 else xp.mean(samples, axis=1)  # x/1 = x exactly
        return xp.astype(mean, like.dtype, copy=False)

    def _on_device_of(self, reference: Any) -> Any:
        xp, where = array_namespace(reference), device(reference)
        if self._mirror is None or device(self._mirror) != where:
            self._mirror = xp.asarray(self._buffer, device=where)
        return self._mirror
