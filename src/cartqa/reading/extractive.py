"""The default answerer: pick the supporting sentence, then a short verbatim span of it.

Pure: it takes retrieved hits, a :class:`~cartqa.reading.grounding.CorpusView` and an
optional sentence-similarity function, and never loads a model itself.

Refusal is decided here: the question's named entities must be grounded in the
sentence (or in what it refers back to), its key terms must be covered, and the
sentence must hold something of the expected answer type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from cartqa.corpus.enumerations import list_readings
from cartqa.corpus.text import NUMBER_WORDS, STOPWORDS, stem, word_forms, words
from cartqa.reading import scorer
from cartqa.reading.agents import expert_agent
from cartqa.reading.candidates import available as candidates_available
from cartqa.reading.choosing import Choice, Ranked, SpanReader, choose
from cartqa.reading.grounding import CorpusView, Sentence, covers, refers_back
from cartqa.reading.picking import ASKED_NOUN_MEANING, pick_named
from cartqa.reading.question import Question, analyse, with_parse
from cartqa.reading.semantic import Related
from cartqa.reading.sentence_spans import DEMONYM, NAMED_KIND_STEMS, entity_grounded
from cartqa.reading.spanmodel import SpanModel
from cartqa.reading.verbs import says_event, says_main_verb
from cartqa.records import Hit

Similarity = Callable[[str, Sequence[str]], Sequence[float]]

# Set by hand while reading `cartqa eval --failures` on eval/seed/questions.jsonl (English).
MIN_CONFIDENCE = 0.50
MIN_COVERAGE = 0.34
# A question word absent from the sentence still counts in part when a sentence word
# means nearly the same: no credit at cosine SOFT_FLOOR, full credit at SOFT_FULL.
# Words of the sentence a referring one points back to ("its", "17 of them") count
# half: they say who it is about, but what the earlier sentence said is not restated.
CARRIED_CREDIT = 0.5
SOFT_FLOOR = 0.35
SOFT_FULL = 0.60
SENTENCES_FROM_HITS = 4
NEVER = 2.0  # a threshold no probability reaches: that outcome is off


@dataclass(frozen=True)
class Extraction:
    """The chosen span (absolute offsets in ``sentence.doc``) or a refusal.

    ``outcome``: "answer" (a short answer, ``found``), "passage" (no span is sure, but ``sentence``
    answers; ``start``/``end`` mark its likeliest span) or "refusal". ``rows`` holds every scored
    candidate when asked for (training).
    """

    found: bool
    text: str = ""
    sentence: Sentence | None = None
    start: int = 0
    end: int = 0
    confidence: float = 0.0
    outcome: str = ""
    rows: tuple = ()
    rule: str = ""  # the hand-written rule that found the span (see picking.pick_named), when one did

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", "answer" if self.found else "refusal")


@dataclass(frozen=True)
class _Scored:
    sentence: Sentence
    coverage: float
    similarity: float | None  # None when no sentence-similarity function was given
    entities_ok: bool
    context: frozenset[str]

    @property
    def confidence(self) -> float:
        if self.similarity is None:
            return self.coverage
        return 0.6 * self.coverage + 0.4 * max(self.similarity, 0.0)


def extract(question: str, hits: Sequence[Hit], view: CorpusView, similarity: Similarity | None = None,
            related: Related | None = None, translated: bool = False, *, learned: bool = False,
            model: scorer.Model | None = None, keep: bool = False, spans: SpanReader | None = None) -> Extraction:
    """Answer ``question`` from ``hits`` with a short span, or refuse.

    ``similarity`` scores the question against whole sentences; ``related``
    lets a paraphrased question word count as covered by a word of like meaning.
    ``translated=True`` for a question translated from Italian: its verbs are a dictionary's guesses
    ("è nato" -> "started"), so a date's event is not checked against the sentence; and a wh-noun it
    kept untranslated ("Quali *paesi*") says no kind, so no answer is taken by its place alone.
    ``learned=True``: the rules' pick is one vote among the candidates the learned scorer weighs
    (``model``, by default the committed weights, when they and spaCy are installed), and it decides
    among the three outcomes. ``learned=False`` (the default): the rules give the short answers, and
    when they refuse, the scorer's best sentence is shown as a passage (never a short answer).
    ``keep=True`` returns every scored candidate in ``rows``. ``spans`` reads the question against the
    best sentences for the scorer (:mod:`cartqa.reading.spanmodel`); with the committed weights (no
    ``model`` given) it is the committed span model when they were trained with its features.
    """
    q = _typed_in_lower_case(with_parse(analyse(question), view.parse_question(question)), view)
    sentences = _candidate_sentences(hits, view)
    if not sentences or _names_unknown_entity(q, view, translated):
        return Extraction(False)
    # "Quali *paesi* ...": what is asked for stayed Italian, so its kind is not known and no answer is
    # found by its place alone (a list item the question names still is: "Quale struttura *di Bergamo*")
    # (an English word the documents do not use, the dictionary's translation, still says a kind of name or
    # place, which an answer is checked against: "ente" -> body, "paesi" -> nations)
    focus_word = next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
    unknown_focus = translated and bool(focus_word) and focus_word not in view.vocabulary and not (
        q.answer_type in ("NAME", "PLACE") and _english(focus_word))
    sims = _similarities(question, sentences, similarity) if similarity else [None] * len(sentences)
    scored = sorted((_score(q, s, sim, view, related) for s, sim in zip(sentences, sims)),
                    key=lambda x: x.confidence, reverse=True)
    rule = _by_rules(q, scored, view, related, unknown_focus, translated)
    if model is None:
        model, spans = committed_reader(spans)
    if model is None or not candidates_available():
        return rule
    override = model.rules_override_threshold if model.rules_override_threshold is not None else NEVER
    doubt = model.rules_doubt_threshold or 0.0
    if rule.found and not learned and override >= 1.0 and doubt <= 0.0:
        return rule
    ranked = [Ranked(c.sentence, c.coverage, c.similarity or 0.0, c.entities_ok) for c in scored]
    span = (rule.sentence, rule.start - rule.sentence.start, rule.end - rule.sentence.start) if rule.found else None
    if learned:
        return _chosen(choose(q, ranked, span, model, keep=keep, rule_name=rule.rule, translated=translated,
                              spans=spans))
    # Reading by the rules, the scorer steps in as the trainer chose its thresholds on out-of-fold
    # questions: where the rules refused, a short answer when it is sure enough, else the sentence
    # that may answer, its likeliest span marked (a window of it when long); where they answered,
    # another candidate only when it is surer than rules_override_threshold, and the sentence with
    # the span marked instead of a short answer when the scorer doubts the span (under
    # rules_doubt_threshold).
    if rule.found:
        choice = choose(q, ranked, span, replace(model, answer_threshold=override), keep=keep, rule_name=rule.rule,
                        translated=translated, spans=spans)
        overruled = choice.outcome == "answer" and (choice.sentence, choice.start, choice.end) != span
        sure = choice.probability if overruled else choice.rule_probability
        if sure is not None and sure < doubt:
            if overruled:
                return _chosen(replace(choice, outcome="passage"))
            return replace(rule, found=False, outcome="passage", confidence=sure, rows=choice.rows)
        if not overruled:
            return replace(rule, rows=choice.rows)
        return _chosen(choice)
    answer_t = model.rules_answer_threshold if model.rules_answer_threshold is not None else NEVER
    passage_t = model.rules_passage_threshold if model.rules_passage_threshold is not None else model.passage_threshold
    choice = choose(q, ranked, None, replace(model, answer_threshold=answer_t, passage_threshold=passage_t), keep=keep,
                    translated=translated, spans=spans)
    if choice.outcome == "answer":
        return _chosen(choice)
    if choice.sentence is None or choice.outcome == "refusal":
        return Extraction(False, outcome="refusal", rows=choice.rows)
    # No span is sure: the sentence is shown as the passage that may answer, the scorer's likeliest
    # span marked, though the rules rejected it. On the development sets that span was right in 171
    # of 297 such passages (in 171 of the 215 whose sentence held the answer); the rules' own pick,
    # marked where the scorer doubts it, in 71 of 236. The span also says where a long sentence's
    # window is cut (cartqa.reading.window).
    return _chosen(choice)


def _chosen(choice: Choice) -> Extraction:
    """The learned scorer's decision as an extraction (a short answer, a passage or a refusal)."""
    if choice.sentence is None:
        return Extraction(False, outcome="refusal", rows=choice.rows)
    s = choice.sentence
    return Extraction(choice.outcome == "answer", s.text[choice.start:choice.end], s, s.start + choice.start,
                      s.start + choice.end, choice.probability, choice.outcome, choice.rows)


def _by_rules(q: Question, scored: list[_Scored], view: CorpusView, related: Related | None,
              unknown_focus: bool, translated: bool) -> Extraction:
    """The first span the hand-written rules pick from the sentences, best first, or a refusal."""
    # The words of the names asked about are theirs: the *Foundation* in "Who founded the Tettamanti
    # Foundation?" does not say who founded it.
    named = frozenset(w for e in q.entities for w in e)
    for cand in scored:
        if not cand.entities_ok or cand.coverage < MIN_COVERAGE or cand.confidence < MIN_CONFIDENCE:
            continue
        if _about_set_aside(q, cand.sentence, view):
            continue
        # about the right thing, but not what is asked of it ("who *leads* the WCC"); said in the sentence
        # itself, since "The Institute has programs" does not say who *founded* it because INT was established
        # (or by the noun of an expertise: "doctors expert in the *treatment* of" say who treats)
        if q.predicate and not _says(q.predicate, frozenset(word_forms(cand.sentence.text)) - named, related,
                                     spelling=False) and not expert_agent(q, cand.sentence, view, related):
            continue
        # "When was the project *completed*?" is not answered by the year it started: a date is of an event
        if (q.answer_type == "DATE" and q.event and not translated and view.thesaurus
                and not says_event(q, cand.context - named, view)):
            continue
        # "Which institution *coordinates* EURE-CART?" is not answered by the subject of a sentence
        # saying who *participates*: an answer found only by its place in the sentence needs the verb.
        # Nor is "What is the *source* of the cells?" answered by words that stand beside no source.
        positional = (not unknown_focus
                      and (not q.subject_verb or _says(q.subject_verb, cand.context - named, related, spelling=False))
                      and (not q.asked_noun or _says(q.asked_noun, cand.context, related, ASKED_NOUN_MEANING)))
        found = pick_named(q, cand.sentence, view, cand.context, related, positional=positional)
        if not found:
            continue
        name, (sentence, a, b) = found
        if _names_set_aside(q, sentence.text[a:b]):
            continue  # "which hospital besides Humanitas ...": not "Research Hospital Humanitas"
        # a span cut before "(in particular ...)" keeps no space at its edge
        text = sentence.text[a:b]
        a, b = a + len(text) - len(text.lstrip()), b - len(text) + len(text.rstrip())
        return Extraction(True, sentence.text[a:b], sentence, sentence.start + a, sentence.start + b,
                          cand.confidence, rule=name)
    return Extraction(False)


def _similarities(question: str, sentences: Sequence[Sentence], similarity: Similarity) -> list[float]:
    """How near in meaning each sentence is to the question; a list, by its nearest member read with what
    announces it ("... are 5 academic cell factories: "G. Lanzani" of ASST Papa Giovanni XXIII in Bergamo"),
    since a question about one member is far from the whole long list."""
    readings = [list_readings(s.text) for s in sentences]
    flat = [s.text for s in sentences] + [r for rs in readings for r in rs]
    scores = list(similarity(question, flat))
    out, k = [], len(sentences)
    for i, rs in enumerate(readings):
        out.append(max([scores[i], *scores[k:k + len(rs)]]))
        k += len(rs)
    return out


def _english(word: str) -> bool:
    from cartqa.reading.italian.alignment import is_english  # the English vocabulary ships with the embedder; read once

    return is_english(word)


def _candidate_sentences(hits: Sequence[Hit], view: CorpusView) -> list[Sentence]:
    """The sentences of the best hits, and those referring back to one of them.

    "How many beds does the Milan partner hospital have?" finds "Partner of the Project is the
    Milano-based Hospital San Raffaele"; the beds are in the next sentence, "The Hospital has ...
    1,340 beds", which may sit in a chunk retrieval ranked lower.
    """
    seen: dict[tuple[str, int], Sentence] = {}
    for hit in hits[:SENTENCES_FROM_HITS]:
        for s in view.sentences.get(hit.chunk.doc, []):
            if s.start < hit.chunk.end and s.end > hit.chunk.start:
                seen.setdefault((s.doc, s.index), s)
    for doc in {d for d, _ in seen}:
        for s in view.sentences[doc]:
            prev = view.antecedent(s)
            if prev is not None and (prev.doc, prev.index) in seen:
                seen.setdefault((s.doc, s.index), s)
    return list(seen.values())


_NATIONAL = frozenset({"national", "nationally", "nationwide", "domestic", "domestically"})


def _place_adjective(word: str, view: CorpusView) -> bool:
    """"italian", "german": the adjective of a place, as the corpus uses it or as it is formed (the
    corpus says "of Milan", so "milan" is a place, not an adjective)."""
    return word in view.place_adjectives or (word not in view.vocabulary and bool(DEMONYM.fullmatch(word.capitalize())))


def committed_reader(spans: SpanReader | None = None) -> tuple[scorer.Model | None, SpanReader | None]:
    """The committed weights, and the committed span model's read when they use its features and
    ``spans`` gives none (weights trained without them would only pay for its pass)."""
    model = scorer.load()
    if spans is None and model is not None and model.reads("nn_exact"):
        neural = SpanModel.load()
        spans = neural.read if neural is not None else None
    return model, spans


def _typed_in_lower_case(q: Question, view: CorpusView) -> Question:
    """"How many beds does the besta neurological institute have": a question typed without capitals
    (but perhaps its first letter) still names what the corpus only ever writes as a name (Besta,
    Neurological), so those words must be found as written, like any name; "institute" and
    "hospital" stay common nouns."""
    if any(c.isupper() for c in q.text[1:]) or q.entities:
        return q
    runs: list[list[str]] = []
    previous = ""
    for w in words(q.text):
        if w in view.names_only and stem(w) not in NAMED_KIND_STEMS and w not in STOPWORDS:
            if runs and previous in runs[-1]:
                runs[-1].append(w)
            else:
                runs.append([w])
        previous = w
    return replace(q, entities=tuple(tuple(r) for r in runs)) if runs else q


def _names_unknown_entity(q: Question, view: CorpusView, translated: bool = False) -> bool:
    """An English question about a name the corpus never mentions cannot be answered from it.

    A name is known by the words that say which one it is: "Mayo Clinic" is not mentioned by a
    corpus that says "clinical" (or "clinic") but never "Mayo". Its words that say what kind of
    thing it names (a clinic is an organization) count only when it has no other word. A question
    read from Italian may keep the Italian name ("Security Council of *ONU*" for the UN's): any of
    its words known will do.
    """
    if q.language != "en":
        return False
    return any(not any(covers(w, view.vocabulary) for w in (entity if translated else _which(entity, view)))
               for entity in q.entities)


def _which(entity: tuple[str, ...], view: CorpusView) -> list[str]:
    """The words of a name that say which one it is, not what kind ("Mayo" of "Mayo Clinic")."""
    which = [w for w in entity if w not in STOPWORDS and stem(w) not in NAMED_KIND_STEMS
             and not view.is_a(w, "organization")]
    return which or list(entity)


def _score(q: Question, s: Sentence, sim: float | None, view: CorpusView, related: Related | None = None) -> _Scored:
    own = frozenset(word_forms(s.text)) | view.carried_names(s) | view.referent(s)
    context = own | view.carried(s)
    # "*Italy's* main contributors": "contributors at the *national* level"
    home = {w for e in q.entities for w in e if view.home_country(w)} if own & _NATIONAL else set()
    own, context = own | home, context | home
    own_stems = frozenset(stem(w) for w in own)
    context_stems = frozenset(stem(w) for w in context)
    named = {w for e in q.entities for w in e}
    # A sentence word another question word names exactly is spoken for: "Who *founded* the
    # Tettamanti *Foundation*?" is not covered by the Foundation's name, however close the spelling
    # (spelling variants are one word written two ways; meaning may still relate the two, below).
    spoken_for = frozenset(t for t in q.terms if t in context_stems)
    credits: list[float] = []
    for t in q.terms:
        if t in own_stems or covers(t, own_stems - spoken_for):
            credits.append(1.0)
        elif t in context_stems or covers(t, context_stems - spoken_for):
            credits.append(CARRIED_CREDIT)
        else:
            credits.append(0.0)
    if related:
        content = [c for c in context if c not in STOPWORDS and c not in NUMBER_WORDS and not c.isdigit()]
        # names and numbers are matched by spelling, never by meaning ("five" is not "multi-specialty")
        missing = [i for i, w in enumerate(q.term_words) if credits[i] == 0.0 and w not in named
                   and w not in NUMBER_WORDS and not w.isdigit()]
        for i in missing:
            credits[i] = _soft(related(q.term_words[i], content))
            if credits[i] < 1.0 and says_main_verb(q, i, content, view):
                credits[i] = 1.0
        # Phrases are matched in the sentence itself: what an earlier sentence said is not restated.
        own_content = [c for c in own if c not in STOPWORDS and c not in NUMBER_WORDS and not c.isdigit()]
        _phrase_credits(q, missing, credits, own_content, related)
    # "Which *Italian* region ...", "which region *of Italy*": a place's adjective in the wh-phrase, or the
    # place a place is asked within, describes the answer, which need not restate it (Lombardy is
    # Italian); the corpus must still mention it (no "German institute"). Any other name there is a
    # condition on the answer: "which *Bergamo* hospital" is not San Raffaele.
    modifiers = set(q.focus_words[:-1])
    describing = {e for e in q.entities
                  if all(w in q.within or (stem(w) in modifiers and _place_adjective(w, view)) for w in e)}
    described_terms = {stem(w) for e in describing for w in e}
    # What a fronted "besides the five cell factories" sets aside is not asked about: a sentence
    # without its words is not the worse for it, though one with them ("Besides A and B, which other
    # area ...": "...: A, B, C and D") is the better.
    set_aside = set(q.excluded)
    weights = [0.0 if t in described_terms or (t in set_aside and not c) else view.idf(t)
               for t, c in zip(q.terms, credits)]
    coverage = sum(c * w for c, w in zip(credits, weights)) / (sum(weights) or 1.0)
    # Figures in the question are facts like names: "beds in *2015*" is not answered by a sentence without 2015.
    figures_ok = all(t in context for t in q.terms if any(c.isdigit() for c in t))
    about = [e for e in q.entities if e not in describing]
    # a name may be asked by what an apposition calls it: "the European consortium" is EURE-CART
    described = context | view.alias_words(set(own), descriptions=True)
    entities_ok = figures_ok and all(entity_grounded(e, described, view.idf) for e in about)
    # "The city of Milano alone hosts 17 of them" is about Milano: a name the question asks about
    # that only the sentence before gives (Lombardy) does not make it about that name.
    if entities_ok and about and _about_another_name(about, s, view, q.term_words):
        said = frozenset(word_forms(s.text)) | home
        entities_ok = all(entity_grounded(e, said, view.idf) for e in about)
    return _Scored(s, coverage, sim, entities_ok, context)


def _names_set_aside(q: Question, answer: str) -> bool:
    """Does ``answer`` name what the question sets aside by name ("besides *San Raffaele*")?"""
    if not _set_aside_name(q):
        return False
    said = frozenset(stem(w) for w in word_forms(answer))
    return all(covers(t, said) for t in q.excluded)


def _set_aside_name(q: Question) -> bool:
    """Is what the question sets aside a name ("besides *San Raffaele*"), not things ("besides surgery")?"""
    return bool(q.excluded) and any(set(q.excluded) <= {stem(w) for w in e} for e in q.entities)


def _about_set_aside(q: Question, s: Sentence, view: CorpusView) -> bool:
    """"Which other institutes besides *San Raffaele* ...": a sentence whose subject is San Raffaele ("The
    Hospital is recognized as IRCCS (*Scientific Institute* ...)") says nothing of the others."""
    span = view.subject(s)
    if span is None or not _set_aside_name(q):
        return False
    subject = s.text[span[0]:span[1]]
    prev = view.antecedent(s) if refers_back(subject) else None
    said = frozenset(stem(w) for w in word_forms(prev.text if prev else subject))
    return all(covers(t, said) for t in q.excluded)


def _about_another_name(entities: list[tuple[str, ...]], s: Sentence, view: CorpusView,
                        mentioned: Sequence[str] = ()) -> bool:
    """Does the sentence's subject name something the question does not (nor an alias of it)?

    ``mentioned`` are the question's other words: "*Milan* alone accounts for how many of Lombardy's
    hospitals" names Milano though its first word is no sign of a name."""
    span = view.subject(s)
    if span is None:
        return False
    # the parser's tokens split a hyphenated name ("EURE-CART"): the subject ends where the word does
    subject = s.text[span[0]:span[1] + len(re.match(r"[\w'-]*", s.text[span[1]:]).group())]
    if re.match(r"(?:Its|Their|His|Her)\b", subject):
        return False  # "*Its* Women Cancer Center": the earlier sentence's own
    if refers_back(subject):
        named = re.search(r"\bof\s+(.+)", subject)  # "The city *of Milano*"
        if not named:
            # "The Hospital is recognized as IRCCS ..." after "Partner of the Plagencell Project is also the
            # Milano-based Hospital San Raffaele, one of the institutes ... in EURE-CART": about what the two
            # sentences name (San Raffaele, EURE-CART, IRCCS), each name all but a quarter of its words; not
            # about the National Cancer Institute of Milan, of which they have only "Milano" and "institutes"
            prev = view.antecedent(s)
            if prev is None:
                return False
            forms = word_forms(prev.text) | word_forms(s.text)
            said = frozenset(stem(w) for w in forms | view.alias_words(forms))
            return not all(sum(covers(stem(w), said) for w in e) * 4 >= 3 * len(e) for e in entities)
        subject = named.group(1)
    names = {w.lower() for w in re.findall(r"[\w'-]+", subject) if w[:1].isupper()} - STOPWORDS
    if not names:
        return False
    asked = {w for e in entities for w in e} | set(mentioned)
    asked |= view.alias_words(asked, descriptions=True)
    names |= view.alias_words(names, descriptions=True)  # "INT" is the National Cancer Institute
    return not any(covers(stem(n), frozenset(stem(a) for a in asked)) for n in names)


def _soft(cos: float) -> float:
    return min(max((cos - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR), 0.0), 1.0)


def _phrase_credits(q: Question, missing: list[int], credits: list[float], candidates: list[str],
                    related: Related) -> None:
    """Adjacent question words not found one by one may be found together: "takes part" ~ "participate".

    Every run of two or three of the ``missing`` words, next to each other in the
    question, is compared as a phrase with the sentence's words; each word gets the best credit
    of a phrase it is in, when that is higher than its own. (Comparing with the sentence's word
    pairs too changed two of the 1,642 development answers, one for the better, and none of the
    seed's 425, and embedding the corpus's pairs was a quarter of a build: they are not compared.)
    """
    follows = _follows(q)
    runs: list[list[int]] = []
    for i in missing:
        previous = runs[-1][-1] if runs else -1
        if previous == i - 1 and follows[i]:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        for size in (2, 3):
            for k in range(len(run) - size + 1):
                phrase = run[k:k + size]
                credit = _soft(related(" ".join(q.term_words[i] for i in phrase), candidates))
                for i in phrase:
                    credits[i] = max(credits[i], credit)


def _follows(q: Question) -> list[bool]:
    """For each of the question's term words, does it come right after the one before in the question?"""
    position = {w: i for i, w in reversed(list(enumerate(words(q.text))))}
    return [i > 0 and position.get(w, -9) == position.get(q.term_words[i - 1], -9) + 1
            for i, w in enumerate(q.term_words)]


def question_phrases(question: str) -> list[str]:
    """The question's words, and its runs of two and three of them next to each other, that :func:`extract`
    may compare by meaning: embedding them in one batch beforehand saves a model call per look-up.

    Only runs :func:`_phrase_credits` can compare: all pairs and triples of the words, adjacent or not,
    were 58% of a question's phrases and 78% of them were never looked up (the seed's questions, 1,000
    documents), while embedding the batch was a fifth of a warm English answer's profile.

    >>> question_phrases("Who takes care of side effects?")
    ['takes', 'care', 'side', 'effects', 'takes care', 'side effects']
    """
    q = analyse(question)
    content, follows = list(q.term_words), _follows(q)
    return content + [" ".join(content[i:i + n]) for n in (2, 3) for i in range(len(content) - n + 1)
                      if all(follows[i + 1:i + n])]


def _says(word: str, context: frozenset[str], related: Related | None, threshold: float = SOFT_FULL,
          spelling: bool = True) -> bool:
    """Is ``word`` in the context, or a word meaning nearly the same (cosine ``threshold``)?

    ``spelling=False`` for a verb: a spelling close to a context word does not count, since a verb
    and a noun derived from it are spelt alike ("founded" / "Foundation") but say different things.
    """
    said = frozenset(stem(w) for w in context)
    if stem(word) in said or (spelling and covers(stem(word), said)):
        return True
    return bool(related) and related(word, [c for c in context if c not in STOPWORDS]) >= threshold


def grounded(question: str, sentence: Sentence, view: CorpusView, translated: bool = False) -> bool:
    """Does ``sentence`` ground ``question`` (entities and key terms covered)?

    The checks :func:`extract` applies before its confidence threshold; used on
    spans proposed by other readers (e.g. a Hub QA model), which bring their own score.
    ``translated``: the question was read from Italian, as for :func:`extract`.
    """
    q = analyse(question)
    if _names_unknown_entity(q, view, translated):
        return False
    cand = _score(q, sentence, 0.0, view)
    return cand.entities_ok and cand.coverage >= MIN_COVERAGE
