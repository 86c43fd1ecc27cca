"""Small models for the workloads, written with plain differentiable operations so that
Hessian-vector products (double backward) work through every layer.

    MLP           x → tanh(W₁x + b₁) → tanh(W₂· + b₂) → W₃· + b₃                 (logits)
    CharLSTM      a 2-layer LSTM over a character sequence, linear read-out
    SmallCNN      conv 3×3 → GELU → conv 3×3 → GELU → 2×2 average pool → linear
    TinyGPT       token + position embeddings, pre-LayerNorm blocks (causal attention,
                  GELU MLP of width 4w), LayerNorm, linear read-out
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    def __init__(self, d_in: int, width: int, d_out: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            [nn.Linear(d_in, width), nn.Linear(width, width), nn.Linear(width, d_out)]
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)


class CharLSTM(nn.Module):
    """A 2-layer LSTM over a character sequence, linear read-out. PyTorch's fused cuDNN kernel
    has no double backward, so on CUDA the LSTM runs without cuDNN (ATen's own kernel, twice
    differentiable like the CPU one)."""

    def __init__(self, vocab: int, width: int, embed: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, width, num_layers=2, batch_first=True)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        with torch.backends.cudnn.flags(enabled=False):
            hidden, _ = self.lstm(self.embed(tokens))
        return self.head(hidden)


class SmallCNN(nn.Module):
    def __init__(self, width: int = 16, classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        self.head = nn.Linear(2 * width * 16, classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = F.gelu(self.conv1(images))
        x = F.avg_pool2d(F.gelu(self.conv2(x)), 2)
        return self.head(x.flatten(1))


class Block(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.up, self.down = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(w, dim=-1)
        q, k, v = (z.view(b, t, self.heads, w // self.heads).transpose(1, 2) for z in (q, k, v))
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        scores = (q @ k.transpose(-1, -2)) / (w // self.heads) ** 0.5
        attention = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1) @ v
        x = x + self.proj(attention.transpose(1, 2).reshape(b, t, w))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self, vocab: int, width: int, length: int, depth: int = 2, heads: int = 2):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(vocab, width), nn.Embedding(length, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(depth)])
        self.ln, self.head = nn.LayerNorm(width), nn.Linear(width, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        t = tokens.shape[1]
        x = self.tokens(tokens) + self.positions(torch.arange(t, device=tokens.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln(x))
