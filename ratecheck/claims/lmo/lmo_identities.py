"""lmo-identities: every norm's LMO, dual norm and sharp operator satisfy the oracle identities."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np

from ratecheck.backend import to_host
from ratecheck.claims._shared import oracle_inputs, schatten_lmo_wrong_exponent
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim

SHAPE = (6, 4)  # d_out × d_in, non-square so that shape factors matter
VECTOR = (7,)
SCALES = (1e-3, 1e3)  # the a of lmo(a·d) = lmo(d)


def _blocks_inner(d: Any, x: Any, norm: Any) -> Any:
    if isinstance(norm, nm.Product):
        return sum(_blocks_inner(db, xb, n) for db, xb, n in zip(d, x, norm.norms))
    return nm.inner(d, x, nm.is_matrix_norm(norm) or getattr(norm, "matrix_input", False))


def _sharp(norm: Any, d: Any) -> Any:
    return norm.sharp(d) if isinstance(norm, nm.Product) else nm.sharp(norm, d)


def _scaled(d: Any, a: float) -> Any:
    return tuple(a * b for b in d) if isinstance(d, tuple) else a * d


def _max_abs_diff(x: Any, y: Any) -> float:
    if isinstance(x, tuple):
        return max(_max_abs_diff(a, b) for a, b in zip(x, y))
    return float(np.max(np.abs(to_host(x) - to_host(y))))


def _zeros_like(d: Any) -> Any:
    return tuple(0 * b for b in d) if isinstance(d, tuple) else 0 * d


def identity_violation(norm: Any, d: Any, entrywise: bool = True) -> float:
    """The largest relative violation of the five identities at a batch of non-zero inputs d,
    plus |lmo(0)| (which must be exactly finite zero).

    Scale invariance is checked entrywise (max |lmo(a·d) − lmo(d)|) when ``entrywise``; for
    ill-conditioned or rank-deficient inputs, whose argmin is not unique up to round-off, it is
    checked as optimality of lmo(a·d) for d: |⟨d, lmo(a·d)⟩ + ‖d‖_*|/‖d‖_*.
    """
    lmo, dual = norm.lmo(d), to_host(norm.dual(d))
    value = to_host(_blocks_inner(d, lmo, norm))
    sharp = _sharp(norm, d)
    worst = [
        np.max(np.abs(to_host(norm.norm(lmo)) - 1)),  # ‖lmo(d)‖ = 1
        np.max(np.abs(value + dual) / dual),  # ⟨d, lmo(d)⟩ = −‖d‖_*
        np.max(np.abs(to_host(_blocks_inner(d, sharp, norm)) / dual**2 - 1)),  # ⟨d, d#⟩ = ‖d‖_*²
        np.max(np.abs(to_host(norm.norm(sharp)) ** 2 / dual**2 - 1)),  # ‖d#‖² = ‖d‖_*²
    ]
    for a in SCALES:  # lmo(a·d) = lmo(d)
        lmo_a = norm.lmo(_scaled(d, a))
        if entrywise:
            worst.append(_max_abs_diff(lmo_a, lmo))
        else:
            worst.append(np.max(np.abs(to_host(_blocks_inner(d, lmo_a, norm)) + dual) / dual))
    zero = norm.lmo(_zeros_like(d))
    zero_host = [to_host(b) for b in zero] if isinstance(zero, tuple) else [to_host(zero)]
    worst.append(max(np.max(np.abs(z)) if np.all(np.isfinite(z)) else np.inf for z in zero_host))
    return float(max(worst))


Domain = Literal["1", "2", "rms"]
Codomain = Literal["2", "rms", "inf"]


def _one(d_out: int, d_in: int) -> float:
    return 1.0


def _times_d_in(d_out: int, d_in: int) -> float:
    return float(d_in)


@dataclass(frozen=True)
class OperatorNormDefinition:
    """What a matrix norm is defined to be: ``factor(d_out, d_in)``·‖W‖_{domain→codomain}, with
    ‖W‖_{a→b} = sup_{‖z‖_a = 1} ‖Wz‖_b (Scion §3); with ``transpose``, of Wᵀ, and (d_out, d_in)
    are then Wᵀ's. ``factor`` is 1, or d_in for Scion's normalized column and sign norms."""

    domain: Domain
    codomain: Codomain
    factor: Callable[[int, int], float] = _one
    transpose: bool = False


def operator_norm(W: np.ndarray, domain: Domain, codomain: Codomain) -> np.ndarray:
    """‖W‖_{domain→codomain} per leading batch entry of W (…, d_out, d_in), from the definition,
    on the host and without the library's norms. The ℓ1 ball's extreme points are ±e_j, so
    from "1" it is the largest column's codomain norm. From "2" or "rms" (‖z‖_2 = √d_in on the
    RMS sphere) it is √λ_max(WᵀW) into "2" and "rms" (÷√d_out), and the largest row's ℓ2 norm
    into "inf" (Cauchy–Schwarz, attained at z ∥ that row)."""
    if domain not in get_args(Domain) or codomain not in get_args(Codomain):
        raise ValueError(
            f"operator norm {domain}→{codomain} is not implemented; domains: "
            f"{', '.join(get_args(Domain))}; codomains: {', '.join(get_args(Codomain))}"
        )
    d_out, d_in = W.shape[-2:]
    if domain == "1":
        columns = {
            "2": np.linalg.norm(W, axis=-2),
            "rms": np.linalg.norm(W, axis=-2) / math.sqrt(d_out),
            "inf": np.max(np.abs(W), axis=-2),
        }[codomain]
        return np.max(columns, axis=-1)
    radius = math.sqrt(d_in) if domain == "rms" else 1.0
    if codomain == "inf":
        return radius * np.max(np.linalg.norm(W, axis=-1), axis=-1)
    top = np.sqrt(np.linalg.eigvalsh(np.swapaxes(W, -1, -2) @ W)[..., -1])
    return radius * top / (math.sqrt(d_out) if codomain == "rms" else 1.0)


def definition_violation(norm: Any, d: Any, definition: OperatorNormDefinition) -> float:
    """max |‖d‖ / (factor·‖d‖_{a→b}) − 1| over the batch: the norm is the one it is named."""
    W = to_host(d).astype(np.float64)
    if definition.transpose:
        W = np.swapaxes(W, -1, -2)
    expected = definition.factor(*W.shape[-2:]) * operator_norm(
        W, definition.domain, definition.codomain
    )
    return float(np.max(np.abs(to_host(norm.norm(d)) / expected - 1)))


def worst_violation(
    norm: Any,
    shape: tuple[int, ...],
    streams: Streams,
    xp: Any,
    definition: OperatorNormDefinition | None = None,
) -> float:
    """The largest identity violation over the random, rank-deficient and ill-conditioned
    inputs of ``shape`` (three such blocks per input for a product norm); scale invariance is
    checked entrywise on the random input only. With a ``definition``, also the norm's
    violation of it on every input."""
    if isinstance(norm, nm.Product):
        blocks = [oracle_inputs(streams, xp, shape) for _ in norm.norms]
        inputs = [tuple(b[i] for b in blocks) for i in range(len(blocks[0]))]
    else:
        inputs = oracle_inputs(streams, xp, shape)
    worst = [identity_violation(norm, d, entrywise=i == 0) for i, d in enumerate(inputs)]
    if definition is not None:
        worst += [definition_violation(norm, d, definition) for d in inputs]
    return max(worst)


def _label(norm: Any, *fields: str) -> str:
    """The norm's name with the fields that tell its variants apart: "lp(p=1.5)"."""
    return f"{norm.name}({', '.join(f'{f}={getattr(norm, f)}' for f in fields)})"


def product_norm() -> nm.Product:
    """Spectral (rms→rms), column and sign blocks with radii 1, 3 and 1/4."""
    return nm.Product((nm.Spectral(SHAPE, "rms_rms"), nm.ColNorm(), nm.Sign()), (1.0, 3.0, 0.25))


# The operator norms Scion's norms are defined to be (reference: norms-and-lmos.md §4–5).
SCION_DEFINITIONS = {
    "spectral none": OperatorNormDefinition("2", "2"),
    "spectral rms_rms": OperatorNormDefinition("rms", "rms"),
    "spectral two_rms": OperatorNormDefinition("2", "rms"),
    "colnorm": OperatorNormDefinition("1", "rms"),
    "colnorm normalized": OperatorNormDefinition("1", "rms", _times_d_in),  # implied by the code
    "rownorm normalized": OperatorNormDefinition("rms", "inf"),
    "rownorm": OperatorNormDefinition("2", "inf"),
    "sign": OperatorNormDefinition("1", "inf"),
    "sign normalized": OperatorNormDefinition("1", "inf", _times_d_in),  # implied by the code
}


def _defined(kind: str, normalized: bool, transpose: bool = False) -> OperatorNormDefinition:
    """The definition of Scion's ``kind`` norm ("colnorm", "rownorm", "sign") in a variant."""
    name = f"{kind} normalized" if normalized else kind
    return dataclasses.replace(SCION_DEFINITIONS[name], transpose=transpose)


Case = tuple[Any, tuple[int, ...], OperatorNormDefinition | None]


def identity_norms() -> dict[str, Case]:
    """Every norm of the library, {name telling its variant apart: (norm, block shape, the
    operator norm it is defined to be or None)}."""
    cases = [(nm.L1(), VECTOR, (), None), (nm.L2(), VECTOR, (), None)]
    cases += [(nm.Linf(), VECTOR, (), None)]
    cases += [(nm.Lp(p), VECTOR, ("p",), None) for p in (1.5, 3.0, 1.05)]
    cases += [(nm.BiasRMS(), VECTOR, (), None), (nm.Frobenius(), SHAPE, (), None)]
    cases += [(nm.Nuclear(), SHAPE, (), None)]
    cases += [(nm.Sign(b), SHAPE, ("normalized",), _defined("sign", b)) for b in (True, False)]
    for name, kind in (("colnorm", nm.ColNorm), ("rownorm", nm.RowNorm)):
        default = kind()
        fields = ("normalized", "transpose")
        cases += [
            (norm, SHAPE, fields, _defined(name, norm.normalized, norm.transpose))
            for norm in (default, kind(not default.normalized), kind(transpose=True))
        ]
    cases += [(nm.Schatten(p), SHAPE, ("p",), None) for p in (1.5, 2.0, 3.0, 4.0, 8.0)]
    cases += [
        (nm.Spectral(SHAPE, mode), SHAPE, (), SCION_DEFINITIONS.get(f"spectral {mode}"))
        for mode in nm.SHAPE_MODES
    ]
    cases.append((product_norm(), SHAPE, (), None))
    return {(_label(n, *f) if f else n.name): (n, shape, op) for n, shape, f, op in cases}


@dataclass(frozen=True)
class _Mutated:
    """A norm whose LMO was replaced: the control of lmo-identities."""

    base: Any
    wrong_lmo: Any
    name: str
    matrix: bool = True

    def norm(self, x: Any) -> Any:
        return self.base.norm(x)

    def dual(self, d: Any) -> Any:
        return self.base.dual(d)

    def lmo(self, d: Any) -> Any:
        return self.wrong_lmo(d)


@dataclass(frozen=True)
class _MutatedProduct(nm.Product):
    """A product norm whose dual uses 1/r_l (the GGNC text-extraction slip)."""

    def dual(self, d: tuple[Any, ...]) -> Any:
        return sum(n.dual(b) / r for n, b, r in zip(self.norms, d, self.radii))


def mutated_norms() -> dict[str, Case]:
    """The control's wrong oracles, {mutation: (norm, block shape, the operator norm it is
    named)}. "spectral scale inverted throughout" is a consistent norm (its five identities
    hold): only its definition as ‖·‖_{RMS→RMS} can tell it is the wrong one."""
    inverted = nm.Schatten(math.inf, math.sqrt(SHAPE[1] / SHAPE[0]))
    product = product_norm()
    rms_rms = SCION_DEFINITIONS["spectral rms_rms"]
    return {
        "spectral scale inverted": (
            _Mutated(nm.Spectral(SHAPE, "rms_rms"), inverted.lmo, "spectral scale inverted"),
            SHAPE,
            rms_rms,
        ),
        "spectral scale inverted throughout": (inverted, SHAPE, rms_rms),
        "schatten s^q": (
            _Mutated(nm.Schatten(3.0), schatten_lmo_wrong_exponent(3.0), "schatten s^q"),
            SHAPE,
            None,
        ),
        "product dual with 1/r_l": (_MutatedProduct(product.norms, product.radii), SHAPE, None),
        "euclidean lmo under linf": (
            _Mutated(nm.Linf(), nm.L2().lmo, "euclidean lmo under linf", False),
            VECTOR,
            None,
        ),
    }


@claim(
    id="lmo-identities",
    kind="identity",
    source="Scion (arXiv 2502.07529) App. A.1, Tables 2–4; GGNC (arXiv 2506.01913) §2–3",
    statement="for every norm: ‖lmo(d)‖ = 1, ⟨d, lmo(d)⟩ = −‖d‖_*, lmo(a·d) = lmo(d) for a > 0,"
    " d^# = −‖d‖_*·lmo(d), ⟨d, d^#⟩ = ‖d^#‖² = ‖d‖_*²; and each of Scion's operator norms is"
    " the one it is named, ‖W‖_{a→b} = sup_{‖z‖_a = 1} ‖Wz‖_b",
    prediction=0,
    prediction_text="max relative violation of the five identities (and of the named operator "
    "norm's definition) = 0",
    tolerance=1e-12,
    experiment="every norm of the library on random, rank-deficient, ill-conditioned and zero "
    "inputs (float64), batched over seeds, several scales a; Scion's spectral, column, row and "
    "sign norms also against ‖W‖_{a→b} evaluated from its definition",
    control="mutated LMOs: spectral scale √(d_in/d_out) for √(d_out/d_in) (in the LMO only, and "
    "in the norm, dual and LMO alike), Schatten exponent s^q for s^{q−1}, product dual with "
    "1/r_l, Euclidean LMO under ℓ∞",
    provenance=(
        Provenance("LMO, dual norm, sharp operator and their identities", "paper", "Scion, GGNC"),
        Provenance("ℓ1, ℓp, nuclear, Schatten-p, column/row LMO formulas", "derived"),
        Provenance("Scion operator-norm scalings", "paper", "LIONS-EPFL/scion code"),
        Provenance(
            "operator norms ‖W‖_{a→b} = sup_{‖z‖_a=1} ‖Wz‖_b and the norm each Scion class is",
            "paper",
            "Scion §3, Tables 2–4",
        ),
        Provenance("the normalized column and sign norms' d_in factor (from code)", "derived"),
    ),
    seeds=(4, 16),
)
def lmo_identities(ctx: Context) -> None:
    """The five oracle identities of every norm of the library, at machine precision.

    Setting: each norm (ℓ1, ℓ2, ℓ∞, ℓp, bias-RMS on vectors of length 7; Frobenius, nuclear,
    sign, column, row, Schatten-p and the spectral norm in every shape scaling on 6×4 blocks;
    a spectral/column/sign product with radii 1, 3, 1/4) on a batch of random, rank-deficient
    (rank 2) and ill-conditioned (σ over 10 decades) inputs, one batch per seed, float64.
    Estimator: the largest relative violation of ‖lmo(d)‖ = 1, ⟨d, lmo(d)⟩ = −‖d‖_*,
    ⟨d, d#⟩ = ‖d#‖² = ‖d‖_*² and lmo(a·d) = lmo(d) at a = 10^{∓3} (entrywise on the random
    input, as optimality of lmo(a·d) for d on the others, whose argmin is not unique up to
    round-off), and |lmo(0)|, which must be exactly finite zero; for Scion's spectral (none,
    RMS→RMS, 2→RMS), column (1→RMS), row (RMS→∞, 2→∞) and sign (1→∞) norms also
    |‖W‖/(c·‖W‖_{a→b}) − 1|, ‖W‖_{a→b} = sup_{‖z‖_a = 1} ‖Wz‖_b from its definition (the ℓ1
    ball's vertices; √λ_max(WᵀW) or the largest row by Cauchy–Schwarz from ℓ2 and RMS), c = d_in
    for the normalized column and sign norms and 1 otherwise; judged against 0 per norm.
    Control: five mutated oracles (the spectral scale inverted in the LMO only, and in the norm,
    dual and LMO alike, whose five identities hold, so only its definition as RMS→RMS can fail
    it; Schatten exponent s^q for s^{q−1}; product dual with 1/r_l; Euclidean LMO under ℓ∞)
    measured the same way, each must fail.
    """
    for role, key, cases in (
        ("claim", "norm", identity_norms()),
        ("control", "mutation", mutated_norms()),
    ):
        for name, (norm, shape, definition) in cases.items():
            where = {key: name}
            violation = worst_violation(norm, shape, ctx.streams(where), ctx.xp, definition)
            ctx.judge(
                violation,
                method=name,
                where=where,
                role=role,
                label=name,
                note=f"shape {shape}" + (" per block" if isinstance(norm, nm.Product) else ""),
            )
