"""The generative mode: a model's reply is kept only when the passages back it.

Unit tests script the model's replies (a fake generator) on the hash embedder;
the slow ones run a tiny random model made here and, once, the real SmolLM2.
"""

import os
import time

import pytest

from cartqa.errors import InputError
from cartqa.generation import llm
from cartqa.generation.generative import says_unknown, unsupported
from cartqa.pipeline.qa import EVAL_MODES, MODES, answer

INT_FOUNDED = "When was the National Cancer Institute of Milan established?"


@pytest.fixture
def scripted(monkeypatch):
    """Make the model reply with ``scripted.reply``; the messages it saw land in ``scripted.seen``."""

    class Script:
        reply = ""
        seen: list = []

        def __call__(self, messages):
            self.seen.append(messages)
            return self.reply

    script = Script()
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    monkeypatch.setattr(llm, "get_generator", lambda name=None: script)
    return script


def ask(script, reply, corpus, index, question=INT_FOUNDED, mode="generative"):
    script.reply = reply
    return answer(question, corpus, index, mode=mode)


@pytest.mark.parametrize("reply", ["I don't know.", "I do not know", "The passages do not say.",
                                   "This is not mentioned in the passages.", "There is no information about it.",
                                   "The documents don’t say"])
def test_replies_that_do_not_know(reply):
    assert says_unknown(reply)


@pytest.mark.parametrize("reply", ["1928", "INT has 464 inpatient beds.", "Not far from Milan, in 1928."])
def test_replies_that_answer(reply):
    assert not says_unknown(reply)


@pytest.mark.parametrize("reply, missing", [
    ("INT was established in 1930.", ["1930"]),
    ("Humanitas has 464 beds.", ["Humanitas"]),
    ("INT has 464 inpatient beds.", []),
    ("The Institute in Milano has 1,200 researchers.", []),  # Milan / Milano; 1,200 / 1200
    ("It treats children with lymphoma.", ["children", "lymphoma"]),
])
def test_unsupported_names_the_invented_facts(reply, missing):
    passages = ["The National Cancer Institute of Milan (INT), established in 1928, has 464 inpatient beds.",
                "The Institute employs 1200 researchers and treats patients."]
    assert unsupported(reply, passages) == missing


def test_modes_offered_to_users_leave_free_to_measuring():
    assert MODES == ("extractive", "generative") and EVAL_MODES == (*MODES, "free")


def test_a_supported_reply_becomes_a_verbatim_span(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "The National Cancer Institute of Milan was established in 1928.", tiny_corpus, tmp_path / "i")
    assert (a.found, a.text, a.via) == (True, "1928", "generative")
    lead = a.sources[0]
    assert lead.doc == "int.txt" and lead.text[lead.span[0]:lead.span[1]] == "1928"
    doc = (tiny_corpus / "int.txt").read_text(encoding="utf-8")
    assert doc[lead.start + lead.span[0]:lead.start + lead.span[1]] == "1928"
    assert "1928" in a.sentence and a.to_json()["via"] == "generative"


def test_the_prompt_numbers_the_passages_and_asks_the_question(scripted, tiny_corpus, tmp_path):
    ask(scripted, "1928", tiny_corpus, tmp_path / "i")
    system, user = scripted.seen[-1]
    assert system["role"] == "system" and "I don't know" in system["content"]
    assert user["content"].startswith("Passages:\n[1] ") and user["content"].endswith("Question: " + INT_FOUNDED)


@pytest.mark.parametrize("reply, question, text", [
    ("INT has 464 beds.", "How many beds does INT have?", "464"),
    ("The answer is: Women Cancer Center", "What did the IEO open in 2008?", "Women Cancer Center"),
])
def test_the_answer_is_what_the_reply_adds_to_the_question(scripted, tiny_corpus, tmp_path, reply, question, text):
    a = ask(scripted, reply, tiny_corpus, tmp_path / "i", question=question)
    assert (a.text, a.via) == (text, "generative")


@pytest.fixture
def int_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "int.txt").write_text(
        "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence for research. "
        "INT has 464 inpatient beds and provides 400,000 outpatient visits per year. "
        "Its cells are stored according to an off the shelf approach. "
        "IEO is one of the most important Centres of Excellence for the treatment of breast cancer.", encoding="utf-8")
    return corpus


@pytest.mark.parametrize("question, reply, text", [
    ("According to what approach are the cells stored?", "The answer is: off the shelf approach", "off the shelf approach"),
    ("For which type of cancer is IEO a Centre of Excellence?", "IEO is a centre of excellence for breast cancer.",
     "breast cancer"),
])
def test_spans_follow_what_the_reply_copied(scripted, int_corpus, tmp_path, question, reply, text):
    a = ask(scripted, reply, int_corpus, tmp_path / "i", question=question)
    assert (a.text, a.via) == (text, "generative")


@pytest.mark.parametrize("question, reply", [
    ("How many outpatient visits does INT provide per year?", "464"),  # a true number, counting beds
    ("How many beds does INT have?", "INT has inpatient beds."),  # no number for "how many"
    ("What is INT?", "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence "
                     "for research."),  # a whole sentence is no short answer
])
def test_replies_that_do_not_fit_the_question_fall_back(scripted, int_corpus, tmp_path, question, reply):
    a = ask(scripted, reply, int_corpus, tmp_path / "i", question=question)
    assert a.via == "fallback"
    assert a.text == answer(question, int_corpus, tmp_path / "i", mode="extractive").text


def test_an_invented_number_falls_back_to_the_extractive_answer(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "It was established in 1930.", tiny_corpus, tmp_path / "i")
    assert (a.found, a.text, a.via) == (True, "1928", "fallback")
    extractive = answer(INT_FOUNDED, tiny_corpus, tmp_path / "i", mode="extractive")
    assert (a.text, a.sources) == (extractive.text, extractive.sources) and extractive.via == "extractive"


def test_an_invented_name_falls_back_to_the_extractive_refusal(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "Humanitas has 464 inpatient beds.", tiny_corpus, tmp_path / "i",
            question="How many beds does Humanitas have?")
    assert (a.found, a.via) == (False, "fallback") and "don't say" in a.text


def test_a_true_fact_about_something_else_is_not_the_answer(scripted, tiny_corpus, tmp_path):
    # "464 inpatient beds" is in the passages, but its sentence is about INT, not Humanitas.
    a = ask(scripted, "464 inpatient beds", tiny_corpus, tmp_path / "i", question="How many beds does Humanitas have?")
    assert not a.found and a.via == "fallback"


def test_a_reply_that_only_restates_the_question_falls_back(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "The National Cancer Institute of Milan was established.", tiny_corpus, tmp_path / "i")
    assert (a.text, a.via) == ("1928", "fallback")


def test_i_dont_know_is_a_refusal(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "I don't know.", tiny_corpus, tmp_path / "i")
    assert (a.found, a.via) == (False, "model-refusal") and "don't say" in a.text and a.sources


def test_free_mode_returns_the_reply_unchecked(scripted, tiny_corpus, tmp_path):
    a = ask(scripted, "It was established in 1930.", tiny_corpus, tmp_path / "i", mode="free")
    assert (a.found, a.text, a.via) == (True, "It was established in 1930.", "free")
    assert all(s.span is None for s in a.sources)
    assert not ask(scripted, "I don't know.", tiny_corpus, tmp_path / "i", mode="free").found


def test_the_mode_comes_from_the_environment(scripted, tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_MODE", "generative")
    scripted.reply = "1928"
    assert answer(INT_FOUNDED, tiny_corpus, tmp_path / "i").via == "generative"


def test_an_unknown_mode_names_the_choices(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    with pytest.raises(InputError, match="extractive, generative, free. Currently, it is 'poetic'"):
        answer(INT_FOUNDED, tiny_corpus, tmp_path / "i", mode="poetic")


def test_cli_ask_and_eval_take_a_mode(scripted, tiny_corpus, tmp_path, capsys):
    from cartqa.app.cli import main

    scripted.reply = "1928"
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "--mode", "generative"]
    assert main(["ask", INT_FOUNDED, "--json", *args]) == 0
    assert '"via": "generative"' in capsys.readouterr().out
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "q1", "question": "%s", "answerable": true, "answers": ["1928"]}\n' % INT_FOUNDED)
    assert main(["eval", str(gold), *args]) == 0
    out = capsys.readouterr().out
    assert "short_answer_acc=100.0" in out and "via: generative=1" in out


# The conversion cache, with the (slow) dequantising step replaced by a stub.

@pytest.fixture
def stub_convert(monkeypatch):
    calls = []

    def convert(gguf, out):
        calls.append(out)
        (out / "model.safetensors").write_text("weights")
        (out / "config.json").write_text("{}")  # written last, like save_pretrained's companion files

    monkeypatch.setattr(llm, "_convert", convert)
    return calls


def test_conversion_happens_once_per_file_version(tmp_path, stub_convert):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    first = llm.converted(gguf, tmp_path / "cache")
    assert llm.converted(gguf, tmp_path / "cache") == first and len(stub_convert) == 1
    os.utime(gguf, ns=(time.time_ns(), time.time_ns() + 10**9))
    second = llm.converted(gguf, tmp_path / "cache")
    assert second != first and len(stub_convert) == 2
    assert not first.exists() and second.exists()  # the old version's copy is removed
    assert not [p for p in (tmp_path / "cache" / "llm").iterdir() if p.name.startswith(".")]


def test_a_half_written_cache_is_converted_again(tmp_path, stub_convert):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    target = llm.converted(gguf, tmp_path / "cache")
    (target / "config.json").unlink()  # as if written by something that died half-way
    stale = target.parent / ".m-killed.tmp"
    stale.mkdir()
    os.utime(stale, (0, 0))
    assert llm.converted(gguf, tmp_path / "cache") == target and (target / "config.json").is_file()
    assert len(stub_convert) == 2 and not stale.exists()


def test_a_failed_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(gguf, out):
        (out / "model.safetensors").write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(llm, "_convert", broken)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(OSError, match="disk full"):
        llm.converted(gguf, tmp_path / "cache")
    assert list((tmp_path / "cache" / "llm").iterdir()) == []


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    from cartqa import config

    monkeypatch.setenv("CARTQA_CACHE", str(tmp_path / "c"))
    assert config.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CARTQA_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert config.cache_dir() == tmp_path / "x" / "cartqa"


# Real models.

@pytest.fixture(scope="module")
def tiny_llm(tmp_path_factory):
    """A randomly initialised two-layer Llama with a word-level tokenizer, saved to a folder."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("tiny-llm")
    vocab = "<unk> <s> </s> when was int established in 1928 the national cancer institute of milan has 464 beds".split()
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(vocab)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>",
                            pad_token="</s>").save_pretrained(root)
    cfg = LlamaConfig(vocab_size=len(vocab), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=1024,
                      bos_token_id=1, eos_token_id=2, pad_token_id=2)
    LlamaForCausalLM(cfg).save_pretrained(root)
    return str(root)


@pytest.mark.slow
def test_a_user_named_model_loads_and_its_reply_is_checked(tiny_llm, tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    reply = llm.get_generator(tiny_llm)([{"role": "user", "content": "When was INT established?"}])
    assert isinstance(reply, str)
    for mode in ("generative", "free"):
        a = answer(INT_FOUNDED, tiny_corpus, tmp_path / "i", mode=mode, llm=tiny_llm)
        assert a.via in {"generative", "fallback", "model-refusal", "free"}
    a = answer(INT_FOUNDED, tiny_corpus, tmp_path / "i", mode="generative", llm=tiny_llm)
    if a.found:  # a random model says random words: whatever it gives must be verbatim, or the fallback's
        lead = a.sources[0]
        assert lead.text[lead.span[0]:lead.span[1]] == a.text


@pytest.mark.slow
def test_smollm2_answers_a_real_question_grounded(real_dirs):
    corpus, index = real_dirs
    a = answer(INT_FOUNDED, corpus, index, mode="generative")
    assert a.found and a.via in {"generative", "fallback"}
    lead = a.sources[0]
    assert lead.span is not None and lead.text[lead.span[0]:lead.span[1]] == a.text
    assert "1928" in a.text
