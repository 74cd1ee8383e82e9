"""Packed encoding: many short texts in one transformer row, each seeing only itself.

A build embeds every corpus word alone (a question's words are embedded alone too, and the
reader compares the two). Words are ~4 tokens with the two special ones: a batch of them is
mostly per-call overhead, and at 1,000 documents they took 95 s of a 491 s build, at about
2/3 of the chunks' tokens per second. Here texts are laid end to end in rows of up to
:data:`BUDGET` tokens; a block-diagonal attention mask keeps each text from seeing the others
and position ids restart at each text, so every text's output tokens are what its own pass
gives (within float rounding: 2.5e-7 on 4,256 development words), and the mean of them is its
vector. On those words: 2.7 s instead of 5.5 s.

:func:`pack` (the layout) is pure; :func:`encode` runs a sentence-transformers model, and
:func:`supports` checks once per model that packing reproduces it.

>>> pack([3, 4, 3, 5], budget=8)
[[0, 2], [1], [3]]
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np

from cartqa.index import precision

BUDGET = 96  # tokens per row: on development words 64-128 were equally fast, 256-512 slower
ROWS = 16  # rows per forward pass
_PROBE = ["beds", "hospital", "Bergamo", "cell factories", "1,200", "EURE-CART", "a", "Plagencell"]
_checked: dict[int, bool] = {}  # id(model) -> does packing reproduce it


def pack(lengths: Sequence[int], budget: int = BUDGET) -> list[list[int]]:
    """Rows of text indices, shortest texts first, each row's lengths summing to at most
    ``budget`` (a text longer than that gets a row of its own)."""
    rows: list[list[int]] = []
    used = budget
    for i in sorted(range(len(lengths)), key=lambda i: (lengths[i], i)):
        if used + lengths[i] > budget:
            rows.append([])
            used = 0
        rows[-1].append(i)
        used += lengths[i]
    return rows


def layout(lengths: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """For rows of text lengths, each token's position in its text and its text's slot in the
    row (-1 for padding), both ``(rows, longest row)``.

    >>> positions, slots = layout([[2, 3], [4]])
    >>> positions.tolist(), slots.tolist()
    ([[0, 1, 0, 1, 2], [0, 1, 2, 3, 0]], [[0, 0, 1, 1, 1], [0, 0, 0, 0, -1]])
    """
    width = max((sum(row) for row in lengths), default=0)
    positions = np.zeros((len(lengths), width), np.int64)
    slots = np.full((len(lengths), width), -1, np.int64)
    for r, row in enumerate(lengths):
        start = 0
        for k, n in enumerate(row):
            positions[r, start:start + n] = np.arange(n)
            slots[r, start:start + n] = k
            start += n
    return positions, slots


def encode(model, texts: Sequence[str], budget: int = BUDGET, rows: int = ROWS, float32: bool = False) -> np.ndarray:
    """L2-normalised vectors of ``texts`` as ``model.encode(texts, normalize_embeddings=True)``
    gives them, for a model that :func:`supports` packing; the forward pass in the build's
    precision (cartqa.index.precision), or in float32 with ``float32``."""
    import torch

    ids = model.tokenizer(list(texts), truncation="longest_first", max_length=model.max_seq_length)["input_ids"]
    packed = pack([len(x) for x in ids], budget)
    bert = model[0].auto_model
    out = np.zeros((len(texts), bert.config.hidden_size), np.float32)  # mean pooling keeps the width
    for start in range(0, len(packed), rows):
        group = packed[start:start + rows]
        positions, slots = layout([[len(ids[i]) for i in row] for row in group])
        tokens = np.zeros(slots.shape, np.int64)
        for r, row in enumerate(group):
            flat = [t for i in row for t in ids[i]]
            tokens[r, :len(flat)] = flat
        slot = torch.from_numpy(slots)
        # Padding attends to itself only, so no row of the mask is empty (an empty one gives NaN).
        allowed = (slot[:, :, None] == slot[:, None, :]) | torch.eye(slot.shape[1], dtype=torch.bool)
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)[:, None]
        with torch.inference_mode():
            with contextlib.nullcontext() if float32 else precision.forward():  # the pooling stays float32
                hidden = bert(input_ids=torch.from_numpy(tokens), attention_mask=mask,
                              position_ids=torch.from_numpy(positions),
                              token_type_ids=torch.zeros_like(slot)).last_hidden_state.float()
            most = max(len(row) for row in group)
            member = (slot[:, None, :] == torch.arange(most)[None, :, None]).float()  # (rows, texts, tokens)
            means = torch.bmm(member / member.sum(-1, keepdim=True).clamp(min=1), hidden)
            vectors = torch.nn.functional.normalize(means, dim=-1).numpy()
        for r, row in enumerate(group):
            out[row] = vectors[r, :len(row)]
    return out


def supports(model) -> bool:
    """Does :func:`encode` reproduce ``model`` (a SentenceTransformer)? It needs what late chunking
    needs (mean pooling over a Hugging Face transformer), a model that reads position ids, and
    the same vectors as ``model.encode`` on a few probe words (within 1e-4); asked once per model."""
    if id(model) not in _checked:
        from cartqa.index import late

        ok = False
        if late.supports(model):
            try:
                got = encode(model, _PROBE, float32=True)  # the packing is checked, not the precision
                want = model.encode(_PROBE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
                ok = bool(np.abs(got - want).max() < 1e-4)
            except (TypeError, ValueError, RuntimeError):  # a model whose forward takes no 4-D mask or positions
                ok = False
        _checked[id(model)] = ok
    return _checked[id(model)]
