"""The Problem interface and the oracle wrapper that counts calls.

Parameters are a tuple of blocks, each with a leading seed axis S. A Problem exposes ``value``
(shape (S,)), ``grad`` (blocks), optionally ``hvp``, ``stochastic_grad`` and ``stochastic_hvp``,
a start point ``x0``, and its exact ``constants``, ``x_star`` and ``f_star`` where they are known.
"""

from __future__ import annotations

from typing import Any, Protocol

Blocks = tuple[Any, ...]


class Problem(Protocol):
    name: str
    constants: dict[str, float]
    x0: Blocks
    x_star: Blocks | None
    f_star: Any | None

    def value(self, x: Blocks) -> Any: ...

    def grad(self, x: Blocks) -> Blocks: ...


class Oracle:
    """Wraps a Problem and counts oracle calls per seed (every call serves all S seeds at once).

    Complexity claims count these, never iterations (DESIGN.md, Oracle accounting).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.grad_calls = 0
        self.hvp_calls = 0

    def grad(self, x: Blocks) -> Blocks:
        self.grad_calls += 1
        return self.problem.grad(x)

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        self.grad_calls += batch
        return self.problem.stochastic_grad(x, batch)

    def hvp(self, x: Blocks, v: Blocks) -> Blocks:
        """Exact ∇²f(x)[v]; counted as one HVP call, never as a gradient call."""
        self.hvp_calls += 1
        return self.problem.hvp(x, v)

    def stochastic_hvp(self, x: Blocks, v: Blocks) -> Blocks:
        """∇²f(x; ξ')[v] with the problem's own Hessian noise ξ' (independent of the gradient
        noise); one HVP call."""
        self.hvp_calls += 1
        return self.problem.stochastic_hvp(x, v)


def add(x: Blocks, y: Blocks, scale: float = 1.0) -> Blocks:
    """x + scale·y, block by block."""
    return tuple(a + scale * b for a, b in zip(x, y))


def sub(x: Blocks, y: Blocks) -> Blocks:
    """x − y, block by block."""
    return tuple(a - b for a, b in zip(x, y))


def sq_norm(x: Blocks, xp: Any) -> Any:
    """Σ over blocks of the squared Euclidean norm of each seed's block: shape (S,)."""
    total = 0
    for b in x:
        total = total + xp.sum(xp.reshape(b * b, (b.shape[0], -1)), axis=1)
    return total
