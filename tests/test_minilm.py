"""MiniLM run by numpy gives sentence-transformers' vectors, and answering needs no torch model stack."""

import subprocess
import sys

import numpy as np
import pytest

from cartqa.index.minilm import is_minilm_folder

TEXTS = ["When was the National Cancer Institute of Milan established?", "beds", "inpatient beds", "",
         "The Institutes participating in the Plagencell Project are 5 academic cell factories: \"G. Lanzani\" "
         "of ASST Papa Giovanni XXIII in Bergamo", "Città di Milano, è già", "word " * 400]


def test_a_folder_missing_the_weights_or_the_pooling_is_not_runnable(tmp_path):
    assert not is_minilm_folder(tmp_path)
    (tmp_path / "modules.json").write_text("not json")
    assert not is_minilm_folder(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("batch", [1, 3, len(TEXTS)])  # alone, and padded beside longer texts
def test_the_numpy_pass_gives_sentence_transformers_vectors(batch):
    from cartqa.index.embedders import _load_sentence_transformer, minilm_path
    from cartqa.index.minilm import NumpyMiniLM

    assert is_minilm_folder(minilm_path())
    twin, model = NumpyMiniLM(minilm_path()), _load_sentence_transformer(minilm_path())
    for i in range(0, len(TEXTS), batch):
        texts = TEXTS[i:i + batch]
        expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        assert np.abs(twin.encode(texts) - expected).max() < 1e-5


@pytest.mark.slow
def test_embedding_a_question_imports_no_sentence_transformers():
    code = ("import sys; from cartqa.index.embedders import get_embedder; e = get_embedder('minilm'); "
            "v = e.embed_query('When was INT established?'); e.embed_passages(['beds', 'inpatient beds']); "
            "print(v.shape, sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(384,) []"


@pytest.mark.slow
def test_the_parser_loads_without_torch_and_torch_still_imports_after():
    code = ("import sys; from cartqa.corpus.parsing import nlp; nlp()('INT has 464 beds.'); "
            "print('torch' in sys.modules); import torch, thinc.compat; print(torch.ones(1).item(), thinc.compat.has_torch)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "1.0", "False"]


@pytest.mark.slow
def test_the_numpy_twin_counts_tokens_as_the_models_tokenizer_and_cuts_nothing():
    from cartqa.index.embedders import _load_sentence_transformer, minilm_path
    from cartqa.index.minilm import NumpyMiniLM

    texts = [*TEXTS, "Plagencell\u00a0project", "caf\u00e9 na\u00efve \u4e2d\u6587", "a" * 3000]
    tokenizer = _load_sentence_transformer(minilm_path()).tokenizer
    expected = [len(ids) for ids in tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]]
    assert NumpyMiniLM(minilm_path()).count_tokens_many(texts) == expected and max(expected) > 256


@pytest.mark.slow
def test_indexing_a_small_change_imports_no_sentence_transformers(tmp_path):
    # chunking counts tokens and a few texts are embedded: the numpy twin does both
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "int.txt").write_text("INT was established in 1928. It has 464 beds.", encoding="utf-8")
    code = ("import sys; from cartqa import build_index; "
            f"r = build_index({str(corpus)!r}, {str(tmp_path / 'index')!r}, progress=False); "
            "print(r.added, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "False"]


def test_without_onnxruntime_or_with_it_turned_off_numpy_runs(monkeypatch):
    from cartqa.index import onnxpass

    monkeypatch.setenv("CARTQA_ONNX", "0")
    assert onnxpass.session({}, 6, 12, 1e-12) is None
    monkeypatch.setenv("CARTQA_ONNX", "1")
    assert onnxpass.session({}, 6, 12, 1e-12) is None  # weights the graph needs are missing: numpy's pass


@pytest.mark.slow
def test_the_committed_graph_is_what_the_code_builds():
    from importlib import resources

    from cartqa.index import onnxpass
    from cartqa.index.embedders import minilm_path

    built = onnxpass.build(onnxpass.shapes_of(minilm_path()))
    assert (resources.files("cartqa.index") / onnxpass.GRAPH).read_bytes() == built


@pytest.mark.slow
def test_onnxruntime_gives_the_numpy_pass_outputs_and_an_adapted_copy_runs_its_own_weights(monkeypatch):
    from cartqa.index.embedders import minilm_path
    from cartqa.index.minilm import NumpyMiniLM
    from cartqa.index.onnxpass import OnnxPass

    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 20000, (3, 40))
    mask = np.ones((3, 40), np.float32)
    mask[1, 25:] = 0  # padding, as a shorter pair beside longer ones
    types = np.zeros((3, 40), np.int64)
    types[:, 15:] = 1
    name = "encoder.layer.2.intermediate.dense.weight"  # stored (in, out); deltas come (out, in)
    model = NumpyMiniLM(minilm_path())
    deltas = {name: rng.normal(0, 0.05, model.w[name].shape[::-1]).astype(np.float32)}
    twin = model.adapted(deltas)
    reference = NumpyMiniLM(minilm_path())  # numpy's pass, the same weights
    reference_twin = reference.adapted(deltas)
    fast, fast_twin = model._pass(), twin._pass()
    assert isinstance(fast, OnnxPass) and isinstance(fast_twin, OnnxPass) and fast_twin is not fast
    assert not model.w and not twin.w  # handed to onnxruntime, not kept twice
    with pytest.raises(RuntimeError, match="adapt it before"):
        model.adapted(deltas)
    out = fast(ids, mask, types)
    assert np.abs(out - reference._forward(ids, mask, types)).max() < 1e-5
    assert np.abs(fast_twin(ids, mask, types) - reference_twin._forward(ids, mask, types)).max() < 1e-5
    assert np.abs(fast_twin(ids, mask, types) - out).max() > 1e-2
    monkeypatch.setenv("CARTQA_ONNX", "0")
    assert NumpyMiniLM(minilm_path())._pass().__name__ == "_forward"  # numpy's, its weights kept


@pytest.mark.slow
def test_pairs_run_in_passes_of_like_length_come_back_in_the_order_asked():
    from cartqa.index.embedders import minilm_path
    from cartqa.index.minilm import NumpyMiniLM, batches

    model = NumpyMiniLM(minilm_path())
    question = "When was the National Cancer Institute of Milan established?"
    sentences = ["It has 464 inpatient beds.", TEXTS[4] * 2, "The National Cancer Institute of Milan (INT), "
                 "established in 1928, is a public hospital.", "beds"]
    lengths = [len(e.ids) for e in model.tokenizer.encode_batch([(question, s) for s in sentences])]
    assert len(batches(lengths, model._overhead())) > 1  # not all padded to the longest
    together = model.pair_states(question, sentences)
    for sentence, (states, offsets, seq) in zip(sentences, together):
        alone, alone_offsets, alone_seq = model.pair_states(question, [sentence])[0]
        assert offsets == alone_offsets and seq == alone_seq
        assert states.shape == alone.shape and np.abs(states - alone).max() < 1e-5
