"""Neural-network workloads of the seed papers, small enough for a CPU (extra ``torch``):

- ``mlp``: an MLP on 1,000 handwritten digits (scikit-learn's copy of the UCI digits) — seed 000's
  "MLP on a 1k-sample dataset" [the paper's dataset is unknown];
- ``lstm``: a 2-layer character-level LSTM language model on the docstrings of Python's standard
  library — seed 000's 2-layer LSTM (the paper used Penn Treebank, which is not offline here);
- ``cnn``: a small convolutional classifier on the 8×8 digit images — seed 003's image
  classification (the paper: CIFAR-10);
- ``transformer``: a small decoder-only transformer on the same text at several widths — seed
  003/004's language modelling across model sizes (the papers: NanoGPT on FineWeb, unknown).

All data ship with the installed packages; nothing is downloaded.
"""

from ratecheck.workloads.data import digits, stdlib_text
from ratecheck.workloads.train import WORKLOADS, Curves, train

__all__ = ["WORKLOADS", "Curves", "digits", "stdlib_text", "train"]
