"""The optional transformers QA reader, on a tiny randomly initialised model made here."""

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_qa_model(tmp_path_factory):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForQuestionAnswering, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("tiny-qa")
    words = "[PAD] [UNK] [CLS] [SEP] [MASK] when was int established in 1928 the has 464 beds ? .".split()
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(root)
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=128)
    BertForQuestionAnswering(config).save_pretrained(root)
    return str(root)


def test_best_span_lies_inside_the_context(tiny_qa_model):
    from cartqa.generation.hub_reader import best_span

    context = "INT was established in 1928 . INT has 464 beds ."
    start, end, p = best_span(tiny_qa_model, "When was INT established ?", context)
    assert 0 <= start < end <= len(context) and 0 < p <= 1
    assert context[start:end].strip()


def test_hub_reader_spans_are_verbatim_and_grounded(tiny_qa_model, tiny_corpus, tmp_path, monkeypatch):
    from cartqa import answer
    from cartqa.generation import hub_reader

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    monkeypatch.setattr(hub_reader, "MIN_SCORE", 0.0)  # a random model is never confident
    a = answer("When was INT established?", tiny_corpus, tmp_path / "i", qa_model=tiny_qa_model)
    # A random model proposes arbitrary spans: whatever it returns must be a verbatim,
    # grounded span of a source, or a refusal.
    if a.found:
        lead = a.sources[0]
        assert lead.text[lead.span[0]:lead.span[1]].strip() == a.text
    else:
        assert "don't say" in a.text
    refused = answer("How many beds does the Mayo Clinic have?", tiny_corpus, tmp_path / "i", qa_model=tiny_qa_model)
    assert not refused.found
