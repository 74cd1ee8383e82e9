"""Choose the short answer span inside a supporting sentence, by the form of the question.

Pure: works on a :class:`~cartqa.reading.question.Question`, a sentence and the
:class:`~cartqa.reading.grounding.CorpusView` (for antecedents and noun phrases).

The rules follow the question's grammar, in this order (the later ones live in
:mod:`~cartqa.reading.lists`, :mod:`~cartqa.reading.focus` and :mod:`~cartqa.reading.positional`; their shared
token helpers in :mod:`~cartqa.reading.sentence_spans`):

- a choice the question offers ("autologous or allogeneic?"), or as many things as it asks for;

- a date, a length of time, a count, a manner, a reason or a purpose clause when the question asks for one;
- "what does ACR stand for": the long form written next to the acronym;
- who does what the text says as an expertise ("doctors *expert in the treatment of* ...");
- an enumeration the question points into ("which institute in Pavia"), one item
  when the question asks for one ("name one of");
- the noun phrase headed by the wh-phrase's noun ("what kind of cell *banks*":
  its modifiers; "which *tumours*": the whole phrase);
- a fronted or stranded preposition ("*In* what ...", "... come *from*?"): the
  object of that preposition in the sentence;
- names for who/where questions, following a referring sentence back to its
  antecedent ("The Institute has ..." -> the National Cancer Institute);
- otherwise what the question leaves out of the sentence: the words between
  (or after, or before) the words it shares with it.

>>> from cartqa.reading.grounding import CorpusView
>>> from cartqa.reading.question import analyse
>>> from cartqa.records import Chunk
>>> text = "INT is the Italian coordinator of numerous clinical trials."
>>> view = CorpusView([Chunk("d", text, 0, len(text))])
>>> s = view.sentences["d"][0]
>>> _, a, b = pick(analyse("What role does INT play in numerous clinical trials?"), s, view, frozenset())
>>> text[a:b]
'Italian coordinator'
"""


from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from cartqa.corpus.enumerations import list_items
from cartqa.corpus.normalize import fold
from cartqa.corpus.text import ENGLISH_PARTICIPLE, NUMBER_WORDS, STOPWORDS, stem, word_forms, words
from cartqa.corpus.wordstats import LONG_THEN_SHORT
from cartqa.reading.agents import asks_skill_object, expert_agent, skill_object
from cartqa.reading.counting import count_span
from cartqa.reading.focus import focus_phrase, preposition_object
from cartqa.reading.grounding import CorpusView, Sentence, covers
from cartqa.reading.lists import coordinations, exact_count, excludes_the_list, list_pick
from cartqa.reading.positional import SCOPE_ADVERBS, SCOPE_WORDS, positional_answer
from cartqa.reading.question import Question
from cartqa.reading.semantic import Related
from cartqa.reading.sentence_spans import (
    DETERMINERS,
    NAMED_KIND_STEMS,
    VAGUE,
    Span,
    all_asked,
    anchor_position,
    entity_grounded,
    has_name,
    is_new,
    nearest_span,
    new_words,
    phrase_at,
    phrase_tokens,
    token_run,
    tokenize,
)
from cartqa.reading.spans import clause_after, duration_spans, reason_spans, year_spans


def pick(q: Question, s: Sentence, view: CorpusView, context: frozenset[str],
         related: Related | None = None, positional: bool = True) -> Span | None:
    """The answer span for ``q`` in ``s`` (possibly in its antecedent), or None if there is none.

    ``context`` holds the folded words the sentence is about (its own and its antecedent's);
    ``related`` (word, candidates) -> cosine lets a list item be chosen by meaning.
    ``positional=False`` allows only spans matched to what the question asks for
    (its noun, list or preposition), not the subject, a name or left-out words.
    """
    found = pick_named(q, s, view, context, related, positional)
    return found[1] if found else None


def pick_named(q: Question, s: Sentence, view: CorpusView, context: frozenset[str],
               related: Related | None = None, positional: bool = True) -> tuple[str, Span] | None:
    """:func:`pick`'s span with the name of the rule that found it: the learned scorer weighs each
    rule's vote by how often that rule is right ("positional" less than "date").

    >>> from cartqa.reading.grounding import CorpusView
    >>> from cartqa.reading.question import analyse
    >>> from cartqa.records import Chunk
    >>> text = "The institute was founded in 1928 in Milan."
    >>> view = CorpusView([Chunk("d", text, 0, len(text))])
    >>> s = view.sentences["d"][0]
    >>> name, (_, a, b) = pick_named(analyse("When was the institute founded?"), s, view, frozenset())
    >>> name, text[a:b]
    ('date', '1928')
    """
    for name, rule in _rules(q, s, view, context, related, positional):
        span = rule()
        if span:
            return name, span
    return None


def _rules(q: Question, s: Sentence, view: CorpusView, context: frozenset[str], related: Related | None,
           positional: bool) -> Iterator[tuple[str, Callable[[], Span | None]]]:
    """The rules that apply to ``q``, in the order they are tried, each named (see :func:`pick_named`).
    Where the question's form says what its answer is, no later rule is tried ("in 1945 or in 1953?"
    is answered by a choice or by nothing): the rules end there."""
    text = s.text
    asked = frozenset(q.terms)
    anchor = anchor_position(text, asked)
    if q.alternatives:
        yield "alternative", lambda: _alternative(q, s)
        yield "scope", lambda: _scope(q, s, view, anchor)
        return
    if excludes_the_list(q, s):
        return
    if q.answer_type == "DATE":
        yield "date", lambda: nearest_span(s, year_spans(text), anchor)
        return
    if q.answer_type == "DURATION":
        yield "duration", lambda: nearest_span(s, duration_spans(text), anchor)
        return
    if q.answer_type == "NUMBER":
        # "X is one of how many centres?" -> "6 institutes of excellence" of "one of the 6 institutes ..."
        if _ONE_OF_HOW_MANY.search(q.text):
            yield "one_of", lambda: (lambda m: (s, m.start(1), m.end()) if m else None)(_ONE_OF_NUMBER.search(text))
        yield "count", lambda: (lambda found: (s, *found) if found else None)(
            count_span(text, q, anchor, context, related))
        return
    if q.answer_type == "MANNER":
        yield "manner", lambda: _manner(s, view, asked, anchor)
        return
    if q.answer_type == "REASON":  # "Why is it recognized as IRCCS?" -> "for its *research in ...*"
        yield "reason", lambda: nearest_span(s, reason_spans(text), anchor)
        return
    if q.answer_type == "CLAUSE":
        yield "clause", lambda: (lambda span: (s, *span) if span else None)(clause_after(text, 0))
        return
    if q.items:  # "which three areas": a list the question points into, or that many things said together
        yield "counted_list", lambda: _counted(q, list_pick(q, s, asked, related))
        yield "coordination", lambda: nearest_span(s, coordinations(s, view, q, asked, related), anchor)
        return
    if q.expansion or q.definition:
        yield "expansion", lambda: _expansion(q, s, asked)
        if q.definition:
            yield "appositive", lambda: _appositive(q, s, view, asked)
        return
    if asks_skill_object(q):  # "what are the doctors experts in dealing with": what they are expert in, or nothing
        yield "skill_object", lambda: skill_object(q, s, view, related)
        return
    # "What characterises the service?": "a service characterized *by* a high level of ..."
    yield "passive_agent", lambda: _passive_agent(q, s, view)
    # "who takes care of the side effects": "a team of doctors expert in the treatment of ..."
    yield "expert_agent", lambda: expert_agent(q, s, view, related)
    yield "list", lambda: _place_or_name_listed(q, list_pick(q, s, asked, related))
    # "which other institutes", "besides San Raffaele, name the other institutes": only a list holds other
    # named things than the one a sentence names (but "besides national ones, what other trials" may be a
    # modifier said beside it: "national and *international* clinical trials")
    if q.others or (q.excluding and q.focus in NAMED_KIND_STEMS and re.search(r"\bothers?\b", q.text, re.I)):
        return
    if q.example:  # "cited as an example": what "such as" introduces, or nothing in this sentence
        yield "example", lambda: _example(s, view)
        return
    if q.focus in _ROLE_NOUNS:
        yield "predicate_nominal", lambda: _predicate_nominal(s, view, asked)
    if q.answer_type == "PLACE":
        yield "based_in", lambda: _based_in(q, s)
    yield "relative_antecedent", lambda: _relative_antecedent(q, s, view)
    if _governed_here(q, s):
        yield "governed_object", lambda: preposition_object(q, s, view, asked, related)
    yield "focus_phrase", lambda: _whole_object(focus_phrase(q, s, view, asked, related), q, s, view, asked, related)
    yield "asked_noun_phrase", lambda: _asked_noun_phrase(q, s, view, asked)
    yield "preposition_object", lambda: preposition_object(q, s, view, asked, related)
    yield "copula_predicate", lambda: _copula_predicate(q, s, view, related)
    if positional:
        yield "positional", lambda: _named_if_asked(q, _says_asked_noun(
            q, positional_answer(q, s, view, asked, anchor), related))


def _place_or_name_listed(q: Question, listed: Span | None) -> Span | None:
    """A list item, unless the question asks for a name or place and the item names none
    ("which region": "medical oncology" is a list item, but no place)."""
    if listed and q.answer_type in ("NAME", "PLACE") and not has_name(listed):
        return None
    return listed


_ONE_OF_HOW_MANY = re.compile(r"\bone of how many\b", re.I)
# (a few words may come between: "one of the of the 6 institutes", as a document may repeat itself)
_ONE_OF_NUMBER = re.compile(rf"\bone\s+of\s+(?:[a-z]+\s+){{0,3}}?(\d[\d,]*|{'|'.join(sorted(NUMBER_WORDS - {'one'}))})"
                            r"\s+[a-z][\w-]*(?:\s+of\s+[a-z][\w-]*)?")


def _named_if_asked(q: Question, span: Span | None) -> Span | None:
    """"Who led the IEO?" is not answered by what the IEO "has led to": an answer found by its place alone
    holds a name when the question asks for a name or a place (a capital on "The" is no name; a place may
    be a scope: "both nationally and internationally")."""
    text = span[0].text[span[1]:span[2]] if span else ""
    if span and q.answer_type in ("NAME", "PLACE") and not SCOPE_ADVERBS.fullmatch(text.strip()) and not any(
            w[:1].isupper() and w.lower() not in DETERMINERS for w in re.findall(r"[\w'-]+", text)):
        return None
    return span


def _passive_agent(q: Question, s: Sentence, view: CorpusView) -> Span | None:
    """"What characterises the public service of INT?" -> "a high level of ..." of "a public service
    characterized *by* a high level of ...": what does the question's verb to its object, in the active,
    is the by-phrase of the same verb's passive in the sentence, right after a word of that object."""
    folded = fold(q.text).lower()
    # ("which hospital *was founded* by X": a passive question names the agent itself)
    if (not q.wh_subject or not q.subject_verb or q.answer_type not in ("ANY", "NAME")
            or re.search(rf"\b(?:is|are|was|were|be|been|being)\s+(?:[\w-]+\s+)?{re.escape(q.subject_verb)}\b", folded)):
        return None
    root = stem(words(q.subject_verb)[0])
    named = {stem(w) for e in q.entities for w in e}
    objects = [t for t in q.terms if t != root and t not in named]
    for m in re.finditer(r"\b([a-z]+ed)\s+by\s+", s.text):
        before = frozenset(stem(w) for w in words(s.text[:m.start()])[-4:])
        span = (stem(m.group(1)) == root and any(covers(t, before) for t in objects)
                and phrase_at(s, view, m.end()))
        if span and new_words(s.text[span[0]:span[1]], frozenset(q.terms)):
            return _named_if_asked(q, (s, *span))
    return None


def _based_in(q: Question, s: Sentence) -> Span | None:
    """"In which city is Hospital San Raffaele based?" -> "Milano", of "the *Milano*-based Hospital San Raffaele":
    the place a name of the question is said to be based in, by a compound right before it."""
    for m in re.finditer(r"\b([A-Z][\w']+)-based\s+((?:[\w'-]+\s+){0,3}[\w'-]+)", s.text):
        following = set(words(m.group(2)))
        if any(set(e) <= following for e in q.entities) and not any(m.group(1).lower() in e for e in q.entities):
            return s, *m.span(1)
    return None


# "What has IEO produced *that became standard practice*?": a relative clause on the wh-phrase
_QUESTION_RELATIVE = re.compile(r"^(?:[^,?]*,\s*)?(?:what|which)\b.*?\b(?:that|which|who)\s+(?P<clause>[^,;]+?)\W*$")
_SENTENCE_RELATIVE = re.compile(r"\b(?:which|that|who)\s+(?P<clause>[^,;.()]+)", re.I)


def _relative_antecedent(q: Question, s: Sentence, view: CorpusView) -> Span | None:
    """"What has IEO produced that became standard practice?" -> "new protocols and treatment regimens",
    the noun phrase (with its conjuncts) a relative clause of the sentence says the same of ("which have
    become standard practice"): at least two of the question clause's content words, and a third of them."""
    m = _QUESTION_RELATIVE.match(fold(q.text))
    if not m:
        return None
    wanted = {stem(w) for w in words(m.group("clause")) if w not in STOPWORDS}
    if len(wanted) < 2:
        return None
    for r in _SENTENCE_RELATIVE.finditer(s.text):
        said = {stem(w) for w in words(r.group("clause")) if w not in STOPWORDS}
        shared = sum(covers(w, said) for w in wanted)
        if shared < 2 or 3 * shared < len(wanted):
            continue
        end = len(s.text[:r.start()].rstrip())
        phrases = view.phrases(s)
        last = next(((a, b) for a, b in phrases if b == end), None)
        if last is None:
            continue
        start = last[0]
        while True:  # "new protocols *and* treatment regimens which ...": the conjuncts share the clause
            before = re.search(r"(?:,|\s+(?:and|or))\s+$", s.text[:start])
            prior = before and next(((a, b) for a, b in phrases if b == before.start()), None)
            if not prior:
                break
            start = prior[0]
        if new_words(s.text[start:end], frozenset(q.terms)):
            return s, start, end
    return None


def _whole_object(found: Span | None, q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                  related: Related | None) -> Span | None:
    """"In what area are they experts?": a phrase near the wh-noun in meaning ("stem cell") that ends inside
    the object of the question's preposition ("expert in stem cell transplant") is cut short of its head;
    the object is whole."""
    if not found or not q.preposition:
        return found
    whole = preposition_object(q, s, view, asked, related)
    if whole and whole[0] is found[0] and whole[1] <= found[1] and found[2] < whole[2]:
        return whole
    return found


def _governed_here(q: Question, s: Sentence) -> bool:
    """"For *research in* what area ...": the sentence says the word that governs the wh-phrase's
    preposition right before it ("its *research in* molecular medicine"), but not the wh-noun, so that
    preposition's object answers before any phrase merely near the wh-noun in meaning ("multi-specialty
    *center*")."""
    if not q.preposition or (q.focus and covers(q.focus, frozenset(stem(w) for w in words(s.text)))):
        return False  # "experts from which *programs*": the sentence's programs say which
    m = re.search(rf"\b([\w-]+) {q.preposition} (?:what|which)\b", fold(q.text))
    governor = stem(m.group(1)) if m and m.group(1) not in STOPWORDS else ""
    return bool(governor) and any(stem(a.lower()) == governor for a in
                                  re.findall(rf"\b([\w-]+) {q.preposition}\b", s.text, re.I))


def _asked_noun_phrase(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What is the storage *approach* of the project?" -> "off the shelf approach": the sentence's phrase
    headed by the noun the answer is an instance of, with what it adds; only the noun itself, not one
    of like meaning (an "address" is not any place-like phrase)."""
    # only "the N *of* X" (or "the X N?") names an N to find ("What are the hematologists at ... *in*?" asks
    # the preposition's object)
    if q.focus_words or not q.asked_noun or q.preposition or not re.search(
            rf"\b{re.escape(q.asked_noun)}(?: of\b|\W*$)", fold(q.text)):
        return None
    noun = stem(q.asked_noun)
    return focus_phrase(replace(q, focus_words=(noun,), focus=noun, kind=True), s, view, asked)


def _counted(q: Question, span: Span | None) -> Span | None:
    """``span`` if it holds as many items as the question asks for (at least as many, for "name N")."""
    if span is None:
        return None
    s, a, b = span
    n = len([p for p in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\n", s.text[a:b]) if p.strip()])
    return span if n == q.items or (n > q.items and not exact_count(q)) else None


def _alternative(q: Question, s: Sentence) -> Span | None:
    """"Are the banks autologous or allogeneic?" -> "allogeneic": the one choice the sentence says.

    A choice is said when the words that tell it from the others are there, followed within a few
    words by the head all choices share ("*464* inpatient *beds*" for "464 or 500 beds"). When the
    sentence says none, or several ("national and international trials"), no answer.
    """
    toks = [(a, b, stem(t.lower().strip("'-"))) for a, b, t in tokenize(s.text) if t[0].isalnum()]
    # "Is the Besta Institute in Milano or Pavia?" over "...: A in Pavia, ... and Besta Institute in Milano":
    # the choice is said in the list item the question names
    items = list_items(s.text) if ":" in s.text or "\n" in s.text else []
    named = [(a, b) for a, b in items if any(entity_grounded(e, frozenset(word_forms(s.text[a:b]))) for e in q.entities)]
    if len(items) >= 3 and len(named) == 1:
        toks = [t for t in toks if named[0][0] <= t[0] and t[1] <= named[0][1]]
    choices = [[stem(t.lower()) for _, _, t in tokenize(c) if t[0].isalnum() and t.lower() not in STOPWORDS]
               for c in q.alternatives]  # figures stay whole ("1,340")
    shared = set.intersection(*(set(c) for c in choices)) if choices else set()
    said = []
    for choice in choices:
        own = [w for w in choice if w not in shared]
        for i, (start, _, word) in enumerate(toks):
            window = toks[i:i + len(own) + 1]
            if word not in own or not set(own) <= {t[2] for t in window}:
                continue
            last = max(j for j in range(i, min(i + len(own) + 1, len(toks))) if toks[j][2] in own)
            heads = [j for j in range(last + 1, min(last + 6, len(toks))) if toks[j][2] in shared]
            if shared and not heads:
                continue
            end = toks[heads[-1] if shared else last][1]
            said.append((start, start + len(s.text[start:end].rstrip("'-"))))
            break
    return (s, *said[0]) if len(said) == 1 else None


def _scope(q: Question, s: Sentence, view: CorpusView, anchor: int) -> Span | None:
    """"Only in Italy, or abroad too?" -> "both nationally and internationally": choices of where
    something holds, the documents' own country among them, are answered by the scope the sentence says."""
    if not all(c in SCOPE_WORDS or view.home_country(c) for c in q.alternatives):
        return None
    return nearest_span(s, [m.span() for m in SCOPE_ADVERBS.finditer(s.text)], anchor)


# A noun the answer is asked to be ("the *role* of INT") may be said in other words ("coordinator", 0.51).
ASKED_NOUN_MEANING = 0.45


def _says_asked_noun(q: Question, span: Span | None, related: Related | None) -> Span | None:
    """"What is the *address* of INT?": words found by their place are an answer only if their
    head says an address, not "Italian coordinator of numerous ... trials" because one word there
    is near "address" ("international", 0.46)."""
    # "Name two *departments*": what is named must be one too, not any words the question leaves out
    noun = q.asked_noun or (next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
                            if q.items or q.single else "")
    if span is None or not noun:
        return span
    if q.answer_type in ("NAME", "PLACE") and has_name(span):
        return span  # "which *region* is one of ...": "Lombardy" names one
    s, a, b = span
    # its head: the last word before any "of ..." complement ("Italian *coordinator* of numerous ... trials")
    head = [w for w in words(re.split(r"\bof\b", s.text[a:b])[0]) if w not in STOPWORDS][-1:]
    if not head:
        return None
    # ... or modifies it, with its conjuncts: "*gynecology* and senology programs"
    after = re.match(r"(?:\s*(?:,|\band\b|\bor\b)\s*[\w'-]+)*\s*([\w'-]*)", s.text[b:]).group(1).lower()
    if covers(stem(noun), frozenset(stem(w) for w in [*head, after] if w)):
        return span
    return span if related and related(noun, head) >= ASKED_NOUN_MEANING else None


_ROLE_NOUNS = frozenset(stem(w) for w in "role function position capacity status".split())


# ("is *recognized as* IRCCS": a status is what something is recognised, designated or known as)
_COPULA = re.compile(r"\s+(?:(?:is|are|was|were)(?:\s+(?:recogni[sz]ed|designated|known|classified|accredited)\s+as)?"
                     r"|acts as|serves as|stands as)\s+(?:(?:also )?one of\s+)?")


def _predicate_nominal(s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What role does INT play?" -> "INT is *the Italian coordinator* of ...": a role is what the
    subject is said to be."""
    subject = view.subject(s)
    m = subject and _COPULA.match(s.text, subject[1])
    # "the Italian coordinator", not "... of numerous clinical trials": those say of what, not what role
    span = m and phrase_at(s, view, m.end(), complements=False)
    if span and new_words(s.text[span[0]:span[1]], asked):
        return s, *span
    # "What status have the protocols attained?" -> "protocols ... which have *become* standard practice":
    # what the question's words are said to become
    for m in re.finditer(r"\b(?:become|becomes|became)\s+", s.text):
        span = phrase_at(s, view, m.end(), complements=False)
        if span and new_words(s.text[span[0]:span[1]], asked) and any(
                covers(t, frozenset(stem(w) for w in words(s.text[:m.start()])[-8:])) for t in asked):
            return s, *span
    return None


# A word of the sentence's subject may say a question word in other words: "ambition" / "goal" 0.56
PARAPHRASE_MEANING = 0.5
_WHAT_IS = re.compile(r"^(?:what|which) (?:is|are|was|were) (?!the (?:name|number)\b)\S")


def _copula_predicate(q: Question, s: Sentence, view: CorpusView, related: Related | None) -> Span | None:
    """"What is EURE-CART's ultimate ambition?" -> "bring EU at the forefront ..." of "The ultimate goal of
    EURE-CART is to bring EU ...": when each word of the sentence's subject is one of the question's, or
    says one in other words, the question asks for what the subject is, the copula's complement."""
    m = _COPULA.search(s.text)
    if (q.focus_words or q.answer_type != "ANY" or related is None or not m
            or not _WHAT_IS.match(fold(q.text).lower())):
        return None
    subject = [w for w in words(s.text[:m.start()]) if w not in STOPWORDS]
    if len(subject) < 2 or not all(covers(stem(w), frozenset(q.terms)) or related(w, list(q.term_words))
                                   >= PARAPHRASE_MEANING for w in subject):
        return None
    purpose = re.match(r"to\s+", s.text[m.end():])
    clause = purpose and clause_after(s.text, m.start())
    if clause and clause[0] == m.end() + purpose.end():  # "is to bring EU at the forefront ...": the purpose clause
        return s, *clause
    span = phrase_at(s, view, m.end())
    return (s, *span) if span and new_words(s.text[span[0]:span[1]], frozenset(q.terms)) else None


_MANNER_PREPOSITIONS = frozenset("with by through via using".split())


def _manner(s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    """"How are the cells stored?" -> "stored *with an off the shelf approach*": what a manner
    preposition introduces after a participle; "How are they obtained?" -> "obtained *from* ...":
    any preposition after the participle the question asks about. Without one, no answer."""
    toks = tokenize(s.text)
    asked_verb, manner = [], []
    for i, (_, end, word) in enumerate(toks):
        # "stored *with*" says how; "nurses *with* competences" says which nurses.
        before = toks[i - 1][2] if i else ""
        if not ENGLISH_PARTICIPLE.search(before) or word.lower() not in _MANNER_PREPOSITIONS | {"from", "in", "at"}:
            continue
        span = phrase_at(s, view, end) or token_run(toks, i + 1, 1, set())
        if not span or not new_words(s.text[span[0]:span[1]], asked):
            continue
        if covers(stem(before.lower()), asked):
            asked_verb.append(span)
        elif word.lower() in _MANNER_PREPOSITIONS:
            manner.append(span)
    return nearest_span(s, asked_verb or manner, anchor)


_SHORT_FORM = re.compile(r"\b(?:acronym|abbreviation|abbreviated|initials|short (?:name|form)|sigla)\b", re.I)


def _expansion(q: Question, s: Sentence, asked: frozenset[str]) -> Span | None:
    """The long form written beside an acronym of the question: "Women Cancer Center (WCC)",
    or the acronym of a long form the question names."""
    acronyms = {w for e in q.entities for w in e}
    short_asked = bool(_SHORT_FORM.search(q.text))
    for m in LONG_THEN_SHORT.finditer(s.text):
        # "What is the acronym of the National Cancer Institute?" -> INT; "What abbreviation is used for
        # the IEO's *centre* that brings together ...": a long form the question names by its head noun
        if m.group(2).lower() not in acronyms and (all_asked(m.group(1), asked) or (
                short_asked and all_asked(words(m.group(1))[-1], asked))):
            return s, *m.span(2)
        if m.group(2).lower() in acronyms:
            a, b = m.span(1)
            lead = re.match(r"(?:(?:Its|Their|The|Our|His|Her|This)\s+)+", s.text[a:b])
            return s, a + (lead.end() if lead else 0), len(s.text[:b].rstrip())
    for m in re.finditer(r"\b([A-Z]{2,}[\w-]*)\s+\(([^()]{5,80})\)", s.text):
        if m.group(1).lower() in acronyms:
            return s, *m.span(2)
    return None


def _appositive(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What is EURE-CART?" -> the words beside the name in its noun phrase: "European consortium"."""
    named = {w for e in q.entities for w in e}
    for a, b in view.phrases(s):
        tokens = phrase_tokens(s, a, b)
        if not any(t[2].lower() in named for t in tokens):
            continue
        new = [t for t in tokens if is_new(t[2], asked) and t[2].lower() not in DETERMINERS | VAGUE]
        if new:
            return s, new[0][0], new[-1][1]
    return None


_EXAMPLE = re.compile(r"\b(?:such as|for example|for instance|e\.g\.|including|like)\s+", re.I)


def _example(s: Sentence, view: CorpusView) -> Span | None:
    """"Which treatment is cited as an example?" -> what follows "such as" in the sentence."""
    m = _EXAMPLE.search(s.text)
    if not m:
        return None
    span = phrase_at(s, view, m.end() - 1)
    if span is None:
        end = re.search(r"[,;:.()]|\s+and\s+", s.text[m.end():])
        span = (m.end(), m.end() + (end.start() if end else len(s.text) - m.end()))
    return s, *span
