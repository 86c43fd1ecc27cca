"""``torch.optim.Optimizer`` classes over the solvers of ``ratecheck.solvers``.

Each class names a solver factory and the group options it reads; :class:`LMOOptimizer` does
the rest: it views the group's parameters as blocks, rebuilds the solver from the group's
current options at every step (so LR schedulers apply) and keeps the solver's own state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch

from ratecheck.errors import UsageError
from ratecheck.solvers import norms as nm
from ratecheck.solvers.clipping import clipped_scion, unconstrained_clipped_scion
from ratecheck.solvers.gluon import gluon
from ratecheck.solvers.hcm import HCM_VARIANTS, hcm
from ratecheck.solvers.lmo_methods import uscg
from ratecheck.solvers.muon import muon
from ratecheck.solvers.schattor import schattor
from ratecheck.solvers.transported import scion_heavy_tail

NormSpec = str | Callable[[tuple[int, ...]], Any] | Any

NAMED_NORMS: dict[str, Callable[[tuple[int, int]], Any]] = {
    "spectral": lambda shape: nm.Spectral(shape, "rms_rms"),  # Scion's Spectral()
    "spectral-ns5": lambda shape: nm.Spectral(shape, "rms_rms", method="ns5"),
    "colnorm": lambda shape: nm.ColNorm(),
    "rownorm": lambda shape: nm.RowNorm(),
    "sign": lambda shape: nm.Sign(),
    "bias_rms": lambda shape: nm.BiasRMS(),
    "l2": lambda shape: nm.L2(),
    "linf": lambda shape: nm.Linf(),
    "frobenius": lambda shape: nm.Frobenius(),
    "euclidean": lambda shape: nm.Frobenius() if len(shape) == 2 else nm.L2(),  # layer-wise ℓ2
}


def block_of(p: torch.Tensor) -> torch.Tensor:
    """The solver's copy of a parameter: a leading seed axis of length 1; tensors with more
    than two dimensions as (d_out, rest), a scalar as a vector of length 1. A copy, not a view:
    solvers keep past iterates in their state (x_{k−1} of HCM and transport), which an
    in-place parameter update must not change."""
    t = p.detach().clone()
    return t.reshape(1, t.shape[0], -1) if t.ndim >= 2 else t.reshape(1, -1)


def norm_for(spec: NormSpec, p: torch.Tensor) -> Any:
    """A block norm from a name in NAMED_NORMS, a callable of the block shape, or a norm;
    "auto" is Scion's default: spectral for matrices, bias RMS for vectors."""
    shape = tuple(block_of(p).shape[1:])
    if spec == "auto":
        spec = "spectral" if len(shape) == 2 else "bias_rms"
    if isinstance(spec, str):
        if spec not in NAMED_NORMS:
            raise UsageError(f"unknown norm '{spec}'; valid: auto, {', '.join(NAMED_NORMS)}")
        return NAMED_NORMS[spec](shape)
    return spec(shape) if callable(spec) and not hasattr(spec, "lmo") else spec


class _ClosureOracle:
    """Gradients (and HVPs) for the solver: autograd's ``p.grad`` at the current point; the
    closure's loss differentiated at any other point (and for every HVP)."""

    def __init__(self, params: list[torch.Tensor], current: tuple, closure: Callable | None):
        self.params, self.current, self.closure = params, current, closure
        self.grad_calls = self.hvp_calls = 0

    def _need_closure(self, what: str) -> Callable:
        if self.closure is None:
            raise UsageError(f"{what} needs step(closure): a function returning the loss")
        return self.closure

    def _at(self, x: tuple):
        """Context: the parameters temporarily set to the blocks ``x``."""
        oracle = self

        class _Moved:
            def __enter__(self):
                self.saved = [p.detach().clone() for p in oracle.params]
                for p, b in zip(oracle.params, x):
                    p.data.copy_(b.reshape(p.shape))

            def __exit__(self, *exc):
                for p, s in zip(oracle.params, self.saved):
                    p.data.copy_(s)

        return _Moved()

    def _loss_grads(self, create_graph: bool):
        with torch.enable_grad():
            loss = self._need_closure("a gradient away from the current point")()
            return torch.autograd.grad(loss, self.params, create_graph=create_graph)

    def stochastic_grad(self, x: tuple, batch: int = 1) -> tuple:
        self.grad_calls += batch
        if x is self.current:
            return tuple(
                torch.zeros_like(b) if p.grad is None else block_of(p.grad)
                for p, b in zip(self.params, x)
            )
        with self._at(x):
            return tuple(block_of(g) for g in self._loss_grads(create_graph=False))

    grad = stochastic_grad

    def stochastic_hvp(self, x: tuple, v: tuple) -> tuple:
        """∇²f(x)[v] by double backward through the closure's loss."""
        self.hvp_calls += 1
        self._need_closure("a Hessian-vector product")
        with self._at(x), torch.enable_grad():
            grads = self._loss_grads(create_graph=True)
            vs = [b.reshape(p.shape) for p, b in zip(self.params, v)]
            hv = torch.autograd.grad(grads, self.params, grad_outputs=vs, allow_unused=True)
        return tuple(torch.zeros_like(b) if h is None else block_of(h) for h, b in zip(hv, v))

    hvp = stochastic_hvp


class LMOOptimizer(torch.optim.Optimizer):
    """A torch optimizer running ``build(group, norms, shapes)``'s solver on each group.

    ``build`` returns a ``ratecheck.solvers`` Method from the group's options (read at every
    step), the group's block norms and the block shapes."""

    single_group = False  # methods whose oracle moves every parameter at once (HCM, transport)

    def __init__(self, params: Iterable, defaults: dict[str, Any], build: Callable) -> None:
        super().__init__(params, defaults)
        if self.single_group and len(self.param_groups) != 1:
            raise UsageError(
                f"{type(self).__name__} needs one parameter group (its gradients and Hessian-"
                f"vector products are taken at a point that moves all parameters)"
            )
        self._build = build
        self._methods: dict[int, tuple] = {}

    @torch.no_grad()
    def step(self, closure: Callable | None = None):
        """One solver step on every group; returns the closure's loss before the step."""
        loss = closure() if closure is not None else None
        for index, group in enumerate(self.param_groups):
            params = [p for p in group["params"] if p.grad is not None or closure is not None]
            if params:
                self._step_group(index, group, params, closure)
        return loss

    def _cached_solver(self, index: int, group: dict, params: list[torch.Tensor]):
        """The group's solver, rebuilt when an option changed (a scheduler set a new lr)."""
        options = tuple((k, repr(v)) for k, v in sorted(group.items()) if k != "params")
        cached = self._methods.get(index)
        if cached is None or cached[0] != options:
            norms = tuple(norm_for(group.get("norm", "auto"), p) for p in params)
            shapes = [tuple(block_of(p).shape[1:]) for p in params]
            cached = self._methods[index] = (options, self._build(group, norms, shapes))
        return cached[1]

    def _step_group(self, index: int, group: dict, params: list[torch.Tensor], closure) -> None:
        state = self.state[params[0]]  # the solver's state: plain tensors, tuples and counters
        method = self._cached_solver(index, group, params)
        x = tuple(block_of(p) for p in params)
        if "solver" not in state:
            state["solver"] = method.init(x)
        x_next, state["solver"] = method.step(
            x, state["solver"], _ClosureOracle(params, x, closure)
        )
        for p, b in zip(params, x_next):
            p.copy_(b.reshape(p.shape))


def _product(norms: tuple, group: dict) -> nm.Product:
    radii = group.get("scale", 1.0)
    radii = tuple(radii) if isinstance(radii, (tuple, list)) else (float(radii),) * len(norms)
    return nm.Product(norms, radii)


class Scion(LMOOptimizer):
    """Scion (Pethick et al. 2025): uSCG (``unconstrained=True``) or SCG with averaged momentum
    d ← (1 − α)d + αg and x ← [(1 − γ)]x + γ·ρ_l·lmo_l(d), γ = lr, α = momentum, ρ_l = scale;
    ``norm`` per group ("auto": spectral for matrices, bias RMS for vectors)."""

    def __init__(
        self, params, lr=0.1, momentum=0.1, scale=1.0, norm="auto", unconstrained=False
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, scale=scale, norm=norm, unconstrained=unconstrained
        )
        super().__init__(params, defaults, self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        return uscg(
            _product(norms, group),
            group["lr"],
            group["momentum"],
            constrained=not group["unconstrained"],
        )


class Muon(LMOOptimizer):
    """Muon (Keller Jordan): momentum β, Nesterov, Newton–Schulz (ns5) or exact SVD orthogonal
    step scaled by √max(1, d_out/d_in), decoupled weight decay. Matrix parameters only."""

    def __init__(
        self, params, lr=0.02, momentum=0.95, nesterov=True, weight_decay=0.0, method="ns5"
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay, method=method
        )
        super().__init__(params, defaults, self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        if any(len(s) != 2 for s in shapes):
            raise UsageError(
                "Muon updates matrix parameters only; give vectors to another optimizer"
            )
        return muon(
            group["lr"],
            group["momentum"],
            group["nesterov"],
            group["weight_decay"],
            group["method"],
        )


class Gluon(LMOOptimizer):
    """Gluon (Riabinin et al. 2025), deterministic layer-wise (L0, L1) steps
    t_i = ‖g_i‖_* / (L0_i + L1_i‖g_i‖_*), x_i ← x_i + t_i·lmo_i(g_i)."""

    def __init__(self, params, L0=1.0, L1=1.0, norm="auto") -> None:
        super().__init__(params, dict(L0=L0, L1=L1, norm=norm), self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        n = len(norms)
        per = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (float(v),) * n  # noqa: E731
        return gluon(norms, per(group["L0"]), per(group["L1"]))


class HCMLMO(LMOOptimizer):
    """HCM-LMO (seed 000): d ← (1 − α)d + β·H Δ + α·g, x ← x + γ·ρ_l·lmo_l(d), β = 1 − α by
    default; the Hessian at the current point (``variant="current"``) or at a uniform random
    point between the last two iterates ("interpolated"); HVPs by double backward through
    ``step(closure)``. One parameter group."""

    single_group = True

    def __init__(
        self,
        params,
        lr=0.01,
        momentum=0.1,
        beta=None,
        variant="interpolated",
        scale=1.0,
        norm="auto",
        seed=0,
    ) -> None:
        if variant not in HCM_VARIANTS:
            raise UsageError(f"unknown HCM variant '{variant}'; valid: {', '.join(HCM_VARIANTS)}")
        self._rngs = [np.random.default_rng(seed)]
        defaults = dict(
            lr=lr, momentum=momentum, beta=beta, variant=variant, scale=scale, norm=norm
        )
        super().__init__(params, defaults, self._solver)

    def _solver(self, group, norms, shapes):
        return hcm(
            _product(norms, group),
            group["lr"],
            group["momentum"],
            group["variant"],
            group["beta"],
            rngs=self._rngs,
        )


class ClippedScion(LMOOptimizer):
    """ClippedScion / UnconstrainedClippedScion (Pethick et al., generalized gradient norm
    clipping), as in the public clippedscion.py (solvers/clipping.py for the mapping)."""

    def __init__(
        self, params, lr=0.1, momentum=0.1, rho=1.0, scale=1.0, norm="auto", unconstrained=True
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, rho=rho, scale=scale, norm=norm, unconstrained=unconstrained
        )
        super().__init__(params, defaults, self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        product = _product(norms, group)
        build = unconstrained_clipped_scion if group["unconstrained"] else clipped_scion
        return build(norms, product.radii, group["lr"], group["momentum"], group["rho"])


class Schattor(LMOOptimizer):
    """Schattor (ball version): averaged momentum, then η·lmo_{S_p}(d) on every matrix."""

    def __init__(self, params, lr=0.01, momentum=0.1, p=4.0, version="ball") -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, p=p, version=version), self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        if any(len(s) != 2 for s in shapes):
            raise UsageError("Schattor updates matrix parameters only")
        return schattor(group["p"], group["lr"], group["momentum"], group["version"])


class TransportedScion(LMOOptimizer):
    """Scion with transported momentum (heavy-tail seed 004): the gradient is taken at the
    extrapolated point x + ((1 − α)/α)(x − x_prev) through ``step(closure)``; ``transport=False``
    is plain (batched) Scion. One parameter group."""

    single_group = True

    def __init__(self, params, lr=0.01, momentum=0.1, scale=1.0, norm="auto", transport=True):
        defaults = dict(lr=lr, momentum=momentum, scale=scale, norm=norm, transport=transport)
        super().__init__(params, defaults, self._solver)

    @staticmethod
    def _solver(group, norms, shapes):
        return scion_heavy_tail(
            _product(norms, group), group["lr"], group["momentum"], transport=group["transport"]
        )


__all__ = [
    "HCMLMO",
    "NAMED_NORMS",
    "ClippedScion",
    "Gluon",
    "LMOOptimizer",
    "Muon",
    "Schattor",
    "Scion",
    "TransportedScion",
    "block_of",
    "norm_for",
]
