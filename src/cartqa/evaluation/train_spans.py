"""Fine-tune MiniLM into the span reader of :mod:`cartqa.reading.spanmodel`.

Every answerable English development question whose evidence sentence holds an accepted answer
teaches where that answer starts and ends. Three kinds of pair teach "no answer here" (the [CLS]
token, as SQuAD 2.0 models learn it): the same document's sentence that holds no answer but shares
the most words with the question; that sentence for each unanswerable question (the near-misses a
user asks); and the question with one of its names swapped for another name of its document, read
against its own evidence ("When was IEO founded?" against "INT was founded in 1928": the words fit,
the subject does not). Low-rank updates (LoRA) of every linear layer and a two-logit head are fitted
with torch, the base weights frozen, so the result is a few MB of plain arrays::

    python -m cartqa.evaluation.train_spans --pair corpus eval/seed/questions.jsonl \\
        --pair ../shared/corpora/dev eval/dev/wiki-dev.jsonl --out src/cartqa/reading/spans.npz

``--halves DIR`` also writes two adapters, each fitted on the documents of one half of
:func:`cartqa.evaluation.train.fold_of`'s folds: ``make train`` reads each question with the
adapter that never saw its document, so the scorer learns how far to trust the vote on new text.
About 70-120 ms an example an epoch on 2 cores (measured here).
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cartqa.evaluation.metrics import GoldQuestion, load_gold

log = logging.getLogger(__name__)

RANK, ALPHA = 16, 16.0  # the updates' rank, and their scale alpha / rank
EPOCHS, LR, BATCH, MAX_LENGTH, SEED = 3, 1e-3, 16, 192, 0
# A name: a run of capitalised words or of words with a digit ("San Raffaele", "IEO", "COVID-19").
_NAME = re.compile(r"\b(?:[A-Z][\w&'-]*|\w*\d\w*)(?:\s+(?:[A-Z][\w&'-]*|\w*\d\w*))*")


@dataclass(frozen=True)
class Example:
    """A question, a sentence, and where the answer lies in it (``start == end == -1``: nowhere)."""

    question: str
    sentence: str
    start: int
    end: int
    group: str  # the document, as train.py groups its folds


def examples(corpus: str, files: list[str]) -> list[Example]:
    """The training pairs of ``files``' questions over the documents of ``corpus``."""
    from cartqa.corpus.loaders import load_corpus
    from cartqa.corpus.sentences import sentence_spans

    docs = {d.doc: [d.text[a:b] for a, b in sentence_spans(d.text)] for d in load_corpus(corpus)}
    every = [s for sentences in docs.values() for s in sentences]
    out = []
    rng = random.Random(SEED)
    for path in files:
        for g in load_gold(path):
            if g.lang != "en":
                continue
            group = g.doc or path
            sentences = docs.get(g.doc or "", every)
            where = _answer_in(g)
            if where is not None:
                out.append(Example(g.question, g.evidence, *where, group))
                swapped = _swapped(g.question, g.evidence, sentences, rng)
                if swapped:
                    out.append(Example(swapped, g.evidence, -1, -1, group))
            if where is not None or not g.answerable:
                negative = _hard_negative(g, sentences)
                if negative:
                    out.append(Example(g.question, negative, -1, -1, group))
    return out


def _answer_in(g: GoldQuestion) -> tuple[int, int] | None:
    if not (g.answerable and g.lang == "en" and g.evidence):
        return None
    low = g.evidence.lower()
    for a in g.answers:
        i = low.find(a.lower())
        if i >= 0:
            return i, i + len(a)
    return None


def _hard_negative(g: GoldQuestion, sentences: list[str]) -> str | None:
    """The sentence sharing the most of the question's words that holds no accepted answer."""
    question = _content(g.question)
    answers = [a.lower() for a in g.answers]
    best, most = None, 0
    for s in sentences:
        low = s.lower()
        if any(a in low for a in answers) or s.strip() in g.evidence:
            continue
        shared = len(question & _content(s))
        if shared > most:
            best, most = s.strip(), shared
    return best


def _content(text: str) -> set[str]:
    from cartqa.corpus.text import words

    return {w for w in words(text) if len(w) >= 4}


def _swapped(question: str, evidence: str, sentences: list[str], rng: random.Random) -> str | None:
    """``question`` with a name it shares with ``evidence`` replaced by another name of the document
    that ``evidence`` does not hold, of the same shape (an acronym for an acronym); None if it has none.

    >>> _swapped("When was IEO founded?", "IEO was founded in 1994.", ["It is near INT."], random.Random(0))
    'When was INT founded?'
    """
    names = [n for n in map(_unstarted, _NAME.finditer(question)) if _proper(n) and _holds(evidence, n)]
    if not names:
        return None
    name = rng.choice(names)
    others = {_unstarted(m) for s in sentences for m in _NAME.finditer(s)} - {""}
    others = sorted(o for o in others if _proper(o) and o.isupper() == name.isupper()
                    and not _holds(evidence, o) and not _holds(question, o))
    if not others:
        return None
    return _whole(name).sub(lambda _: rng.choice(others), question, count=1)


def _unstarted(m: re.Match) -> str:
    """The name matched, without its first word if it starts the text (there "The" is capitalised too)."""
    return m.group() if m.start() > 0 else m.group().partition(" ")[2].lstrip()


def _proper(name: str) -> bool:
    """A name worth swapping: it begins with a letter and is longer than "I"."""
    return len(name) > 1 and name[0].isalpha()


def _holds(text: str, name: str) -> bool:
    return _whole(name).search(text) is not None


def _whole(name: str) -> re.Pattern:
    """``name`` as a whole word or words (not "INT" inside "INTERNATIONAL")."""
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def fit(train: list[Example], base: str, epochs: int = EPOCHS, lr: float = LR) -> dict[str, np.ndarray]:
    """The adapter's arrays: ``<linear>.A`` (rank, in) and ``.B`` (out, rank) for every linear layer of
    the encoder, ``scale``, and the head's ``head.weight`` (2, dim) and ``head.bias``."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    tokenizer = AutoTokenizer.from_pretrained(base)
    bert = AutoModel.from_pretrained(base)
    for p in bert.parameters():
        p.requires_grad = False
    adapted = {}
    for name, module in bert.named_modules():
        if isinstance(module, torch.nn.Linear) and name.startswith("encoder."):
            adapted[name] = _lora(module, torch)
    head = torch.nn.Linear(bert.config.hidden_size, 2)
    params = [p for pair in adapted.values() for p in pair] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = max(1, epochs * math.ceil(len(train) / BATCH))
    warm = 0.1 * steps
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))
    bert.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in _batches(train, rng):
            enc, starts, ends, allowed = _batch(batch, tokenizer, torch)
            logits = head(bert(**enc).last_hidden_state).masked_fill(~allowed[..., None], -1e4)
            loss = (torch.nn.functional.cross_entropy(logits[..., 0], starts)
                    + torch.nn.functional.cross_entropy(logits[..., 1], ends)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(starts)
        log.info("epoch %d: loss %.3f", epoch + 1, total / len(train))
    arrays = {"scale": np.array(ALPHA / RANK, np.float32), "head.weight": head.weight.detach().numpy(),
              "head.bias": head.bias.detach().numpy()}
    for name, (a, b) in adapted.items():
        arrays[name + ".weight.A"] = a.detach().numpy()
        arrays[name + ".weight.B"] = b.detach().numpy()
    return arrays


def _batches(examples: list[Example], rng: random.Random, pool: int = 50) -> list[list[Example]]:
    """Shuffled batches of examples of like length: each run of ``pool`` batches is sorted by length
    before it is cut, so a batch pads to little more than its own longest pair (on the development
    pairs, a third fewer tokens than shuffled batches pad to), and the batches' order is shuffled."""
    order = list(examples)
    rng.shuffle(order)
    batches = []
    for i in range(0, len(order), BATCH * pool):
        run = sorted(order[i:i + BATCH * pool], key=lambda e: len(e.question) + len(e.sentence))
        batches += [run[j:j + BATCH] for j in range(0, len(run), BATCH)]
    rng.shuffle(batches)
    return batches


def _lora(linear, torch):
    """Add a trainable low-rank update to ``linear`` (its own weights stay frozen); returns (A, B)."""
    a = torch.nn.Parameter(torch.randn(RANK, linear.in_features) * 0.01)
    b = torch.nn.Parameter(torch.zeros(linear.out_features, RANK))
    plain = linear.forward
    linear.forward = lambda x: plain(x) + (x @ a.T) @ b.T * (ALPHA / RANK)
    return a, b


def _batch(batch: list[Example], tokenizer, torch):
    """Tokens of (question, sentence) pairs, the answer's first and last token (0, [CLS], for none),
    and which tokens may be chosen ([CLS] and the sentence's)."""
    enc = tokenizer([e.question for e in batch], [e.sentence for e in batch], truncation="only_second",
                    max_length=MAX_LENGTH, padding=True, return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").tolist()
    starts, ends, allowed = [], [], []
    for j, e in enumerate(batch):
        seq = enc.sequence_ids(j)
        allowed.append([k == 0 or s == 1 for k, s in enumerate(seq)])
        inside = [k for k, s in enumerate(seq) if s == 1 and offsets[j][k][1] > e.start and offsets[j][k][0] < e.end]
        starts.append(inside[0] if e.start >= 0 and inside else 0)
        ends.append(inside[-1] if e.start >= 0 and inside else 0)
    return enc, torch.tensor(starts), torch.tensor(ends), torch.tensor(allowed)


def save(arrays: dict[str, np.ndarray], path: str | Path) -> None:
    """Write the adapter as plain float16 arrays (``np.load(..., allow_pickle=False)`` reads it)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, **{k: v.astype(np.float16) if v.ndim else v for k, v in arrays.items()})
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    from cartqa.evaluation.train import fold_of
    from cartqa.index.embedders import minilm_path

    ap = argparse.ArgumentParser(prog="python -m cartqa.evaluation.train_spans", description=__doc__.split("\n")[0])
    ap.add_argument("--pair", nargs="+", action="append", required=True, metavar="CORPUS FILE",
                    help="a corpus folder and the development sets written from it")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "reading" / "spans.npz"))
    ap.add_argument("--halves", help="a folder for the two adapters each fitted on half the documents")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--lr", type=float, default=LR)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if any("blind" in f for pair in args.pair for f in pair[1:]):
        ap.error("blind sets are measured, never trained on")
    data = [e for pair in args.pair for e in examples(pair[0], pair[1:])]
    groups = [g.doc or path for pair in args.pair for path in pair[1:] for g in load_gold(path)]
    log.info("%d examples (%d with an answer) from %d documents", len(data),
             sum(e.start >= 0 for e in data), len({e.group for e in data}))
    base = minilm_path()
    if args.halves:
        fold = fold_of(groups)
        Path(args.halves).mkdir(parents=True, exist_ok=True)
        for half in (0, 1):
            train = [e for e in data if fold[e.group] % 2 != half]
            save(fit(train, base, args.epochs, args.lr), Path(args.halves) / f"spans-half{half}.npz")
    save(fit(data, base, args.epochs, args.lr), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
