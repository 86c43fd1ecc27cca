"""Training runs for the workloads: one seed at a time (torch models are not batched over
seeds), minibatches drawn from the seed's own NumPy stream; at checkpoints spaced evenly in
oracle calls, the full-batch training loss and gradient norm and the held-out validation loss
and accuracy (a fixed split: the digits after the first 1,000; windows from the last tenth of
the text, next-character accuracy for the language models). ``device`` is a PyTorch
device ("cpu", "cuda"): the model is initialized on the CPU (the same weights everywhere) and
moved there with the data; minibatch indices are drawn on the host.

Oracle calls (DESIGN.md, Oracle accounting): a minibatch gradient is one call, a minibatch
Hessian-vector product one call; a comparison "at equal budget" gives each method the same
number of calls (HCM-LMO, with one gradient and one HVP per step, takes half the steps).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import cache

import numpy as np
import torch
from torch.nn import functional as F

from ratecheck.workloads import data as D
from ratecheck.workloads.models import MLP, CharLSTM, SmallCNN, TinyGPT

DTYPE = torch.float32
LM_LENGTH, LM_WINDOWS, LM_EVAL = 32, 2000, 256
LM_VALIDATION = 0.1  # the last tenth of the text: held-out windows, never trained on


@dataclass(frozen=True)
class Workload:
    """A model family, its training set and its loss."""

    name: str
    model: Callable[[int], torch.nn.Module]  # width → freshly initialized model
    data: Callable[[], tuple[torch.Tensor, torch.Tensor]]  # (inputs, targets), the training set
    validation: Callable[[], tuple[torch.Tensor, torch.Tensor]]  # the held-out set
    loss: Callable[[torch.nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]
    batch: int
    width: int  # default width
    eval_size: int  # examples in the full-batch evaluation (the first ones of the set)
    description: str


@cache
def _digits_flat() -> tuple[torch.Tensor, torch.Tensor]:
    X, y = D.digits(1000)
    return torch.tensor(X, dtype=DTYPE), torch.tensor(y)


@cache
def _digits_flat_validation() -> tuple[torch.Tensor, torch.Tensor]:
    X, y = D.digits_validation(1000)
    return torch.tensor(X, dtype=DTYPE), torch.tensor(y)


def _images(flat: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    X, y = flat
    return X.reshape(-1, 1, 8, 8), y


@cache
def _digits_images() -> tuple[torch.Tensor, torch.Tensor]:
    return _images(_digits_flat())


@cache
def _digits_images_validation() -> tuple[torch.Tensor, torch.Tensor]:
    return _images(_digits_flat_validation())


def _windows(codes: np.ndarray, count: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` distinct windows of LM_LENGTH + 1 characters of ``codes``, in text order."""
    starts = np.random.default_rng(seed).choice(len(codes) - LM_LENGTH - 1, count, replace=False)
    windows = np.stack([codes[s : s + LM_LENGTH + 1] for s in np.sort(starts)])
    return torch.tensor(windows[:, :-1]), torch.tensor(windows[:, 1:])


@cache
def _text_codes() -> tuple[np.ndarray, np.ndarray]:
    """The text's codes split into (training part, held-out last tenth)."""
    codes, _ = D.char_tokens(D.stdlib_text())
    cut = int(len(codes) * (1 - LM_VALIDATION))
    return codes[:cut], codes[cut:]


@cache
def _text_windows() -> tuple[torch.Tensor, torch.Tensor]:
    return _windows(_text_codes()[0], LM_WINDOWS, 0)


@cache
def _text_windows_validation() -> tuple[torch.Tensor, torch.Tensor]:
    return _windows(_text_codes()[1], LM_EVAL, 1)


@cache
def vocab_size() -> int:
    return len(D.char_tokens(D.stdlib_text())[1])


def _classification(model, x, y):
    return F.cross_entropy(model(x), y)


def _language_model(model, x, y):
    return F.cross_entropy(model(x).flatten(0, 1), y.flatten())


WORKLOADS: dict[str, Workload] = {
    "mlp": Workload(
        "mlp",
        lambda w: MLP(64, w, 10),
        _digits_flat,
        _digits_flat_validation,
        _classification,
        100,
        64,
        1000,
        "MLP 64–w–w–10 (tanh) on 1,000 UCI digits, cross-entropy, minibatch 100",
    ),
    "lstm": Workload(
        "lstm",
        lambda w: CharLSTM(vocab_size(), w),
        _text_windows,
        _text_windows_validation,
        _language_model,
        32,
        64,
        LM_EVAL,
        "2-layer character LSTM (hidden w) on standard-library docstrings, windows of 32",
    ),
    "cnn": Workload(
        "cnn",
        lambda w: SmallCNN(w),
        _digits_images,
        _digits_images_validation,
        _classification,
        100,
        16,
        1000,
        "CNN conv3×3(w)–conv3×3(2w)–pool–linear (GELU) on 1,000 8×8 digit images",
    ),
    "transformer": Workload(
        "transformer",
        lambda w: TinyGPT(vocab_size(), w, LM_LENGTH),
        _text_windows,
        _text_windows_validation,
        _language_model,
        32,
        64,
        LM_EVAL,
        "2-block decoder-only transformer (width w, 2 heads) on standard-library docstrings",
    ),
}


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """PyTorch on one CPU thread for the block, then as it was."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@dataclass
class Curves:
    """One training run: checkpoints in oracle calls, the full-batch training loss and gradient
    norm, and the validation loss and accuracy (NaN after a divergence)."""

    calls: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    diverged: bool
    val_loss: np.ndarray
    val_accuracy: np.ndarray

    def as_json(self) -> dict:
        """The curves as JSON values (float64 lists: exact through JSON, NaN included)."""
        return {
            f.name: v.tolist() if isinstance(v, np.ndarray) else v
            for f in fields(self)
            for v in (getattr(self, f.name),)
        }

    @classmethod
    def from_json(cls, plain: dict) -> Curves:
        """The curves of :meth:`as_json`'s values."""
        return cls(
            **{k: v if isinstance(v, bool) else np.array(v, dtype=float) for k, v in plain.items()}
        )


@cache
def _data_on(workload: Workload, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    X, Y = workload.data()
    return X.to(device), Y.to(device)


@cache
def _validation_on(workload: Workload, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    X, Y = workload.validation()
    return X.to(device), Y.to(device)


def _validate(workload: Workload, model: torch.nn.Module, device: str) -> tuple[float, float]:
    """(loss, accuracy) on the held-out set: the cross-entropy of every workload, and the share
    of correct argmax predictions (of the class, or of each next character)."""
    X, Y = _validation_on(workload, device)
    with torch.no_grad():
        logits = model(X)
        logits, Y = logits.reshape(-1, logits.shape[-1]), Y.reshape(-1)
        value = F.cross_entropy(logits, Y)
        accuracy = (logits.argmax(-1) == Y).to(DTYPE).mean()
    return float(value), float(accuracy)


def _evaluate(workload: Workload, model: torch.nn.Module, device: str) -> tuple[float, float]:
    X, Y = _data_on(workload, device)
    X, Y = X[: workload.eval_size], Y[: workload.eval_size]
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        value = workload.loss(model, X, Y)
        value.backward()
    grad = math.sqrt(
        sum(float((p.grad**2).sum()) for p in model.parameters() if p.grad is not None)
    )
    model.zero_grad(set_to_none=True)
    return float(value.detach()), grad


def initial_model(
    workload: Workload, seed: int, width: int | None = None, device: str = "cpu"
) -> torch.nn.Module:
    """The model at initialization for ``seed`` (torch's global RNG left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return workload.model(width or workload.width).to(DTYPE).to(device)


def minibatches(workload: Workload, seed: int, stream: int = 17, device: str = "cpu"):
    """The seed's minibatches, drawn without replacement within each batch; ``stream`` picks
    another order for the same seed (the A/A controls)."""
    X, Y = _data_on(workload, device)
    rng = np.random.default_rng([seed, stream])
    while True:
        idx = torch.tensor(rng.choice(len(X), workload.batch, replace=False), device=device)
        yield X[idx], Y[idx]


def first_gradient(
    workload: Workload, seed: int, width: int | None = None, device: str = "cpu"
) -> list:
    """The minibatch gradient at initialization on the seed's first minibatch."""
    model = initial_model(workload, seed, width, device)
    xb, yb = next(minibatches(workload, seed, device=device))
    with torch.enable_grad():
        return list(torch.autograd.grad(workload.loss(model, xb, yb), list(model.parameters())))


def train(
    workload: Workload,
    make_optimizer: Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer],
    budget: int,
    seed: int,
    *,
    calls_per_step: int = 1,
    backward: bool = True,
    closure: bool = False,
    width: int | None = None,
    checkpoints: int = 16,
    stream: int = 17,
    device: str = "cpu",
    final_only: bool = False,
) -> Curves:
    """Train one seed for ``budget`` oracle calls (``budget // calls_per_step`` steps).

    ``final_only``: evaluate once, at the end of the budget, on the held-out set only (a
    tuning trial is selected by that alone): the training loss and gradient norm are NaN, and
    the run diverged when the held-out loss is not finite. Evaluations never change the
    training, so its held-out loss is the one a run with checkpoints ends with.

    ``backward``: compute the minibatch gradient at the current point before each step (every
    method but transported Scion, whose gradient is taken at another point); ``closure``: pass
    the minibatch loss to ``step`` (HCM-LMO's HVPs, transported Scion's gradient). PyTorch runs
    on one CPU thread meanwhile: faster than several for models this small, and the same
    float32 reductions whatever the machine's core count."""
    with one_thread():
        model = initial_model(workload, seed, width, device)
        batches = minibatches(workload, seed, stream, device)
        optimizer = make_optimizer(list(model.parameters()))
        steps = budget // calls_per_step
        marks = set(
            np.unique(np.round(np.linspace(0, steps, checkpoints + 1)).astype(int)).tolist()
        )
        if final_only:
            marks = {steps}
        calls, losses, grads, held_out = [], [], [], []
        for k in range(steps + 1):
            if k in marks:
                value, grad = (
                    (math.nan, math.nan) if final_only else _evaluate(workload, model, device)
                )
                calls.append(k * calls_per_step)
                losses.append(value)
                grads.append(grad)
                held_out.append(_validate(workload, model, device))
                if not (final_only or math.isfinite(value)):
                    break
            if k == steps:
                break
            xb, yb = next(batches)

            def minibatch_loss(xb=xb, yb=yb):
                return workload.loss(model, xb, yb)

            optimizer.zero_grad(set_to_none=True)
            if backward:
                minibatch_loss().backward()
            optimizer.step(minibatch_loss if closure else None)
        checked = [held_out[-1][0]] if final_only else losses
        diverged = not all(math.isfinite(v) for v in checked)
        missing = len(marks) - len(calls)
        pad = [math.nan] * missing
        val_loss, val_accuracy = (list(v) for v in zip(*held_out))
        return Curves(
            np.array(
                calls + [c * calls_per_step for c in sorted(marks)[len(calls) :]], dtype=float
            ),
            np.array(losses + pad),
            np.array(grads + pad),
            diverged,
            np.array(val_loss + pad),
            np.array(val_accuracy + pad),
        )
