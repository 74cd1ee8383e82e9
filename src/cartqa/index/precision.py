"""The number format of a build's transformer passes: bfloat16 where the CPU computes it natively.

A build spends most of its time in MiniLM's forward passes (the chunks, then the corpus words).
On a CPU with AVX512-BF16 or AMX, running their matrix products in bfloat16 (torch's autocast)
took 4.6-5.0 s instead of 8.5-9.4 s for 344 chunks of the 1,000-document bench, and the vectors
kept a cosine of 0.99999 with float32's (min 0.99995). Without native support bfloat16 is
emulated and slower, so ``auto`` keeps float32 there. Only the forward pass runs in it: the
pooling, the mean of a text's tokens, stays in float32. Questions are embedded in float32
whatever the build used: by numpy's twin (cartqa.index.minilm), or, in a process that built and
kept torch's model, by torch on one thread (cartqa.index.embedders.FEW_CHARS).

>>> import os; os.environ["CARTQA_PRECISION"] = "float32"
>>> chosen()
'float32'
>>> del os.environ["CARTQA_PRECISION"]
"""

from __future__ import annotations

import contextlib
import functools

from cartqa import config
from cartqa.errors import InputError

CHOICES = ("auto", "float32", "bfloat16")


@functools.lru_cache(maxsize=1)
def native_bfloat16() -> bool:
    """Does this CPU compute bfloat16 products in hardware (AVX512-BF16 or AMX)?"""
    import torch

    cpu = torch.cpu
    try:
        return bool(cpu._is_avx512_bf16_supported() or cpu._is_amx_tile_supported())
    except AttributeError:  # a torch without these probes: assume not
        return False


def checked(value: str | None = None) -> str:
    """The setting (:func:`cartqa.config.precision`), refused when it is none of :data:`CHOICES`;
    ``auto`` left as it is, so nothing imports torch (a build asks before it reads any file).

    >>> checked("BFloat16")
    'bfloat16'
    """
    want = config.precision(value)
    if want not in CHOICES:
        raise InputError(f"Unknown precision {want!r} (CARTQA_PRECISION): use 'auto', 'float32' or 'bfloat16'.")
    return want


def chosen(value: str | None = None, native: bool | None = None) -> str:
    """``float32`` or ``bfloat16``: the setting (:func:`cartqa.config.precision`), ``auto``
    resolved by ``native`` (default: :func:`native_bfloat16`).

    >>> chosen("auto", native=False), chosen("auto", native=True), chosen("float32", native=True)
    ('float32', 'bfloat16', 'float32')
    >>> chosen("half")
    Traceback (most recent call last):
    cartqa.errors.InputError: Unknown precision 'half' (CARTQA_PRECISION): use 'auto', 'float32' or 'bfloat16'.
    """
    want = checked(value)
    if want == "auto":
        return "bfloat16" if (native_bfloat16() if native is None else native) else "float32"
    return want


def forward():
    """A context for one transformer forward pass in the chosen format (torch's CPU autocast for
    bfloat16); its outputs are cast back to float32 by the caller."""
    if chosen() == "float32":
        return contextlib.nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)
