"""Question analysis: what kind of answer is wanted, and what the question is about.

>>> q = analyse("How many beds does Humanitas have?")
>>> q.answer_type, q.focus, q.entities
('NUMBER', 'bed', (('humanitas',),))
>>> analyse("Quando è stato fondato l'INT?").answer_type
'DATE'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from cartqa.corpus.normalize import fold
from cartqa.corpus.text import LIGHT_VERBS, STOPWORDS, stem, words

# How many things a question asks for together ("which *three* areas"), from two.
_COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Nouns that name a kind of named thing: "which *hospital*", "what *consortium*" (English, then Italian).
NAMED_KINDS = ("hospital", "institute", "institution", "centre", "center", "consortium", "organisation",
               "organization", "foundation", "university", "company", "project", "region", "person",
               "body", "bodies", "entity", "entities", "agency", "agencies", "authority", "authorities",
               "ospedale", "istituto", "consorzio", "progetto", "ente", "enti")
_NAMED_KINDS = "(?:" + "|".join(NAMED_KINDS) + ")"
# "What is the IEO centre *called*": what the sentence calls the thing between (its wh-phrase).
_CALLED = r"^what (?:is|are|was|were) (?:the |its |their )?((?:[\w-]+ ){0,3}[\w-]+) called\b"
_NO_WH = r"(?!.*\b(?:how|what|which|who|whom|whose|where|when|why)\b)"
_NOT_RELATIVE = "".join(rf"(?<![a-z] {p} )" for p in "in at on of to by for from with".split())
# (pattern on the folded question, answer type). First match wins; English then Italian.
_TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(what|which|in what|in which) (year|decade|date)\b|^when\b|\bsince when\b"
     r"|^(?:name|give|tell me|state)(?: the)? (?:year|date)\b"
     # a query without a wh-word: "pagencell project start year"
     rf"|^{_NO_WH}[^?]*(?<!\bper )\b(?:year|date)\W*$", "DATE"),
    (r"\b(in che|in quale|che) anno\b|^quando\b|\bda quando\b", "DATE"),
    (r"^(?:for )?how long\b|\b(?:for|over|in) how (?:many|much) (?:years|months|weeks|days|time)\b|\bper quanto tempo\b"
     r"|\bquanto (?:tempo|dura)\b|\b(?:what|which) (?:is|was) the (?:[\w-]+ )?(?:duration|length)\b", "DURATION"),
    (r"\bhow (many|much)\b|^(what|which) (is|was|are|were) the (total )?number of\b"
     r"|^(?:what|which) (?:is|was|are|were) the (?:[\w-]+ ){0,2}(?:capacity|size|count|headcount)\b"
     r"|\bwhat (number|percentage|share)\b|^[^?]*\b(?:count|number|total|tally)\W*$"
     rf"|^{_NO_WH}.*\bnumber of\b", "NUMBER"),  # "humanitas car-t unit number of nursing teams"
    (r"\bquant[ieoa]\b|\bnumero di\b", "NUMBER"),
    # "How are the cells kept?": the manner ("with an off the shelf approach"); "how is X described" is no manner.
    (r"^how (?:is|are|was|were|does|do|did|can|could|will|would|should|has|have|had)\b(?!.* (?:described|"
     r"characteri[sz]ed|defined|called)\b)", "MANNER"),
    # "which (Italian) region", but not "which city hospital"
    (rf"^where\b|\b(what|which)(?: [\w-]+){{0,2}}? (city|cities|towns?|regions?|country|countries|nations?|places?"
     r"|parts? of (?!(?:the|a|an|its|their|this|that|these|those) ))\b"  # "which part of Italy", a place
     rf"(?! {_NAMED_KINDS})"
     r"|\bdove\b|\b(quale|che) (citta|regione|paese)\b", "PLACE"),
    (r"^who\b|^(?:to |with |by |for |from )?whom\b|^whose\b|^chi\b|^(?:what|which) (?:is|was|are|were) the names? of\b",
     "NAME"),
    (r"^why\b|^perche\b|\bfor what reason\b|\bper quale motivo\b", "REASON"),
    # "What is the project *for*?": a purpose, unless for follows what is said of it ("known for")
    (r"^what (?:is|are|was|were) (?:the |a |an )?(?:[\w-]+ ){0,3}(?!(?:known|famous|noted|renowned|responsible)\b)"
     r"[\w-]+(?<!ed) (?:used )?for\W*$", "CLAUSE"),
    (r"\b(goal|aim|purpose|objective|mission|scopo|obiettivo)\b"
     r"|\b(?:trying|tries|try|aiming|aims|hoping|hopes|hope|seeking|seeks|intends?|meant|wants?) to "
     r"(?:achieve|accomplish|attain|reach|do)\b", "CLAUSE"),
    # "which hospital", "what consortium": the focus noun names a kind of named thing.
    # (not a relative "which" after a noun's preposition: "name one area of research *in which the Institute* runs")
    (rf"{_NOT_RELATIVE}\b(which|what|name|quale|quali)\b(\s+\w+){{0,2}}\s+{_NAMED_KINDS}s?\b", "NAME"),
)
_WH = frozenset("what which who whom whose when where why how quale quali quando dove chi perche cosa quanto quanti quante quanta".split())
# Words that frame a question rather than say what it is about ("what *kind* of", "*stand* for").
_FRAME = frozenset("kind kinds type types sort form acronym abbreviation stand stands example examples cited "
                   "called mean means meaning term terms name names full complete english besides apart aside "
                   "except".split())
# "How long was X *supposed* to *run*": for a length of time, these say only that it is one.
_DURATION_FRAME = frozenset("last lasts lasted lasting run runs ran running take takes took taken go goes went "
                            "continue continues continued supposed expected planned scheduled meant dura durata "
                            "durare duration length period timeframe timespan".split())
_ITALIAN_MARKERS = frozenset(
    "il lo gli della delle dei degli nel nella quale quali quando dove chi quanti quante quanto perche cosa "
    "sono stato stata fondato fondata anno citta ha hanno di del dell dello le la una per con come viene vengono "
    "si cui quale elenca elencami tutti tutte indica indicami nomina dimmi sul sulla nei negli alle ai".split()
)
# Capitalised runs ("San Raffaele", "National Cancer Institute of Milan") and acronyms.
_ENTITY = re.compile(r"\b(?:[A-Z][\w'-]*|[A-Z]{2,}[\w-]*)(?:\s+(?:of|di|del|della|dei|for|and\s+)?\s*[A-Z][\w'-]*)*")


@dataclass(frozen=True)
class Question:
    """The parts of a question that answer extraction relies on."""

    text: str
    answer_type: str  # DATE, DURATION, NUMBER, MANNER, PLACE, NAME, REASON, CLAUSE or ANY
    focus: str  # stem of the noun asked for ("bed" in "how many beds"), or ""
    terms: tuple[str, ...]  # stemmed content words
    entities: tuple[tuple[str, ...], ...]  # folded words of each named entity
    language: str  # "en" or "it"
    term_words: tuple[str, ...] = ()  # the folded words behind ``terms``, same order
    focus_words: tuple[str, ...] = ()  # stems of the whole wh-phrase, head last ("cell", "bank")
    kind: bool = False  # "what kind of X", "how is X described": asks for X's modifiers
    preposition: str = ""  # "In what ...", "... come from?": the answer is that preposition's object
    single: bool = False  # "name one of", "an example of": one item of a list, not all
    excluding: bool = False  # "Besides A and B, which other ...": not the items the question names
    excluded: tuple[str, ...] = ()  # stems of the words naming what is excluded ("cell", "factori")
    expansion: bool = False  # "what does ACR stand for"
    definition: bool = False  # "What is EURE-CART?": its long form or what it is called
    example: bool = False  # "which treatment is cited as an example": what "such as" introduces
    wh_subject: bool = False  # the wh-phrase is the subject ("Which institute has ..."); set from a parse
    predicate: str = ""  # the word(s) saying what is asked of the subject: "who *leads*", "who *takes part*"
    subject_verb: str = ""  # "Which institution *coordinates* X?": what the wh-subject does; set from a parse
    asked_noun: str = ""  # "What is the biological *source* of X?": what the answer must be
    object_of: str = ""  # "What does INT *provide*?": the verb the answer is the object of; set from a parse
    alternatives: tuple[str, ...] = ()  # "Are the banks *autologous or allogeneic*?": the answer is one of these
    items: int = 0  # "In which *three* areas ...": the answer coordinates that many
    others: bool = False  # "Which *other* institutes ...?" naming none: not the one(s) the text names
    within: tuple[str, ...] = ()  # "Which region *of Italy*": the place the asked place lies in
    event: str = ""  # the main verb, by the parser: "kick off" in "When did the project kick off?"


# "(To) which / what (kind of) N ...": a wh-phrase naming what it asks for (not "what is", "which goal").
_NOUN_ASKED = re.compile(r"(?:to |in |for |from |with )?(?:what|which)(?: (?:kind|type|sort)s? of)? "
                         r"(?!(?:is|are|was|were|do|does|did|has|have|had|can|will|would|should|could|goal|aim|"
                         r"purpose|objective|mission)\b)[a-z-]{3,}s?\b")


def analyse(question: str) -> Question:
    """Classify ``question``; pure and cheap (no model)."""
    # "At Humanitas, who deals with ...": a fronted adverbial before the wh-word frames the question;
    # its words stay key terms, but the question's form starts at the wh-word.
    folded = _FRONTED_ADVERBIAL.sub("", fold(question).strip())
    answer_type = next((t for pattern, t in _TYPE_RULES if re.search(pattern, folded)), "ANY")
    if answer_type in ("NAME", "PLACE") and _KIND.search(folded):
        answer_type = "ANY"  # "what kind of center" asks for a category, not a name
    if answer_type == "CLAUSE" and _NOUN_ASKED.match(folded):
        answer_type = "ANY"  # "To what kind of *tumours* does it aim to extend ...": the noun, not the aim
    focus_words = _focus_words(folded, frozenset(fold(w) for w in question.split()[1:] if w[:1].isupper()))
    counted = _counted_noun(folded) if answer_type == "NUMBER" else ""
    if counted:  # "what is the *bed* count", "the number of inpatient *beds*": what is counted is asked
        focus_words = (counted,)
    field = _FIELD_OF.search(folded)
    if field:  # "what is the area of *expertise* of X", "in which field of *research*": the complement says
        focus_words = (stem(field.group(1) or field.group(2)),)
    # "... a partner *without being one of its cell factories*": what is denied is no key term.
    affirmed = _NEGATED.sub(" ", question)
    # on the whole question: "Besides A, which ..." is a fronted adverbial the form above skips
    excluding = bool(_EXCLUDING.search(fold(question).strip()))
    alternatives = _alternatives(fold(question).strip(), question)
    offered = {w for a in alternatives for w in words(a)}
    items = _ITEMS.search(folded)
    if items:  # "which three areas": how many things are asked, not a word the text must say
        offered.add(items.group(1))
    # Of "autologous or allogeneic" the documents say one: neither is a term the sentence must hold.
    content = [w for w in words(affirmed) if w not in STOPWORDS and w not in _WH and w not in _FRAME
               and not (answer_type == "DURATION" and w in _DURATION_FRAME) and w not in offered]
    return Question(
        text=question,
        answer_type=answer_type,
        focus=focus_words[-1] if focus_words else "",
        focus_words=focus_words,
        terms=tuple(stem(w) for w in content),
        term_words=tuple(content),
        entities=tuple(e for e in _entities(affirmed) if not set(e) <= offered),  # "Milan or Rome": choices
        language=detect_language(question),
        kind=bool(_KIND.search(folded) or _DESCRIBED.search(folded) or field),
        preposition=_preposition(folded),
        single=bool(_SINGLE.search(folded)),
        excluding=excluding,
        excluded=_excluded(question),
        others=bool(_OTHERS.search(folded)) and not excluding,
        within=_within(question) if answer_type == "PLACE" else (),
        expansion=bool(_EXPANSION.search(folded) or _ACRONYM_MEANING.search(question)),
        definition=bool(_DEFINITION.match(question.strip())),
        example=bool(re.search(r"\b(?:an? )?examples?\b|\besempio\b", folded)),
        predicate=_predicate(folded, focus_words, question),
        asked_noun=_asked_noun_of(folded, answer_type),
        object_of=_stranded_verb(folded),
        alternatives=alternatives,
        items=_COUNTS.index(items.group(1)) + 2 if items else 0,
    )


def with_parse(q: Question, parsed) -> Question:
    """``q`` refined by a parser's reading of its wh-phrase (see :meth:`cartqa.reading.syntax.Parser.question`).

    The parser knows "participate" is the verb in "how many cell factories
    participate", which the word patterns above cannot.
    """
    if parsed is None:
        return q
    focus_words = q.focus_words
    # not "T", a piece of "CAR-T" the parser split off; not "field" of "which field of research"
    # nor another noun than the one after "what kind of", which no parse can misread: "What kind of tumors
    # IEO centres of excellence" (a translated question) asks for tumours, though a parser takes "centres"
    kind_noun = bool(_KIND.search(fold(q.text))) and q.focus_words
    if len(parsed.focus) > 2 and not (_FIELD_OF.search(fold(q.text).lower()) and parsed.focus.lower() in _FIELD_NOUNS) \
            and not (q.answer_type == "NUMBER" and re.fullmatch(_COUNT_NOUNS, parsed.focus.lower())) \
            and not (kind_noun and stem(fold(parsed.focus)) not in q.focus_words):
        focus = stem(fold(parsed.focus).lower())
        focus_words = focus_words[:focus_words.index(focus) + 1] if focus in focus_words else (focus,)
    verb = fold(parsed.verb).lower()
    folded = fold(q.text).lower()
    finite = _WH_THEN_VERB.match(folded) if not verb else None
    if finite:  # "What *characterises* the service?": a verb, though the parser did not know the word for one
        focus_words, verb, parsed = (), finite.group(1), replace(parsed, subject=True)
    # "which region *ranks among* / *counts as one of* the main contributors": a copula, no deed; right
    # after the wh-phrase, whose subject it is, whatever a parser makes of "region counts"
    classed = _CLASSED_AMONG.search(folded)
    classed_subject = bool(classed) and bool(re.match(r"(?:which|what)(?: [\w-]+){1,3}$", folded[:classed.start()].strip()))
    if not q.alternatives and parsed.choices:
        q = _offering(q, tuple(fold(c).lower() for c in parsed.choices))
    return replace(q, focus=focus_words[-1] if focus_words else "", focus_words=focus_words,
                   wh_subject=(parsed.subject or classed_subject) and not _OBJECT_OF_INFINITIVE.search(folded),
                   subject_verb="" if verb in _FRAME or classed_subject else verb,
                   # "what do the doctors specialize in *treating*": a verb stranded at the end has the object,
                   # whatever the parser attaches "what" to
                   object_of=q.object_of or ("" if classed_subject else fold(parsed.object_of).lower()),
                   event=fold(parsed.event))


def _offering(q: Question, alternatives: tuple[str, ...]) -> Question:
    """``q`` as a closed question offering ``alternatives``: the words that tell them apart are not
    terms a sentence must say (it says one choice), as :func:`analyse` leaves them out."""
    chosen = [set(words(a)) - STOPWORDS for a in alternatives]
    offered = set.union(*chosen) - set.intersection(*chosen)
    kept = [(t, w) for t, w in zip(q.terms, q.term_words) if w not in offered]
    return replace(q, alternatives=alternatives, terms=tuple(t for t, _ in kept), term_words=tuple(w for _, w in kept),
                   entities=tuple(e for e in q.entities if not set(e) <= offered))


# A word in -s between the wh-word and a determiner is a verb whose subject the wh-word is: no noun stands
# between "what" and "the".
_WH_THEN_VERB = re.compile(r"^(?:what|who) (?!does )([a-z]{3,}s) (?:the|a|an|its|their|this|these|those)\b")

# "which region *is named as* one of ...": a reporting passive before "as" classes the subject as the
# copula does; the document says "X is one of ...", not who named it.
_CLASSED_AMONG = re.compile(r"\b(?:(?:rank|count|figure|number|stand)(?:s|ed)? among"
                            r"|(?:rank|count|stand)(?:s|ed)? as|qualif(?:y|ies|ied) as"
                            r"|(?:is|are|was|were|been|being) (?:named|listed|cited|described|identified|mentioned"
                            r"|regarded|considered|recognized|recognised|singled out|referred to) as)\b")

# "Which diseases are *the cells* intended *to treat*?": after the auxiliary a subject of its own, and
# an infinitive left without its object at the end; the wh-phrase is that object, whatever a parser says.
_OBJECT_OF_INFINITIVE = re.compile(r"^(?:which|what)(?: [\w-]+){1,2} (?:is|are|was|were) (?:the|its|their|these|those)"
                                   r" .*\b[a-z]+(?:ed|en) to [a-z]+\W*$")

def detect_language(text: str) -> str:
    """``"it"`` when Italian function words dominate, else ``"en"``."""
    tokens = words(text)
    italian = sum(t in _ITALIAN_MARKERS for t in tokens)
    english = sum(t in {"the", "of", "is", "was", "are", "does", "did", "how", "what", "which", "who", "when", "where"}
                  for t in tokens)
    return "it" if italian > english else "en"


# "Besides A and B, which other ...", "Along with A, ...": the items the question names are not the answer.
_SET_ASIDE = (r"(?:besides|apart from|other than|except(?: for)?|aside from|along with|together with"
              r"|in addition to|as well as)")
_EXCLUDING = re.compile(rf"^(?:{_SET_ASIDE}|oltre a|insieme a)\b|\bother than\b"
                        r"|\b(?:besides|apart from|except(?: for)?|aside from)\s+\S"
                        r"|\b(?:and|or|but) (?:which|what) other\b|\b(?:and|or) what else\b"  # "A, B and which other area?"
                        r"|\b(?:rather than|instead of)\s+\S")
# The words naming what is excluded: "Besides *the five cell factories*, ..."
_EXCLUDED = re.compile(rf"^{_SET_ASIDE}\s+([^,?]+)")
# "which other institutes", "what are the other institutes" (plural: "the other partner" is one known one)
_OTHERS = re.compile(r"\b(?:which|what) other\b|\bthe other (?:[\w-]+ ){0,2}[\w-]+s\b|\baltr[ie]\b")
_FRONTED_ADVERBIAL = re.compile(r"^[^,:?]{1,60}[,:]\s*(?=(?:what|which|who|whom|whose|when|where|why|how|in what|in which"
                                 r"|quale|quali|quando|dove|chi|perche|cosa|quant[ieoa])\b)")
_FRONTED_PREPOSITION = re.compile(r"(?:At|In|For|From|Within|Among|Inside|Outside) ")
_NEGATED = re.compile(r"\b(?:without|rather than|instead of)\b[^,;:?.!]*", re.IGNORECASE)
_KIND = re.compile(r"\b(?:what|which|che|quale)\s+(?:kind|type|sort|form)s?\s+of\b|\btipo di\b")
_DESCRIBED = re.compile(r"^how (?:is|are|was|were) .+ (?:described|characteri[sz]ed|defined|called)\b")
_SINGLE = re.compile(r"\b(?:name|give|list|mention|cite) (?:(?:at least|just|only) )?(?:one|an?|another)\b"
                     r"(?! (?:list|few|couple|number)\b)"
                     # "give me one", "tell us another" (not "give me an overview", "tell me a little")
                     r"|\b(?:name|give|tell)(?: me| us) (?:(?:at least|just|only) )?(?:one|another)\b"
                     r"|^(?:what|which)\b.* (?:is|was) one of\b|\b(?:one|an?) (?:example|instance)\b"
                     r"|\b(?:indica|nomina|cita) (?:uno|una|un)\b")
# "What is EURE-CART?", "What are CARCIK cells?", "What is the WCC at IEO?": a name, and nothing asked about it.
_DEFINITION = re.compile(r"(?i:what|who) (?i:is|are|was|were) (?:(?i:an?|the) )?[A-Z][\w'-]*(?: [A-Z][\w'-]*)*(?: [a-z][\w-]*)?"
                         r"(?: (?:at|of|in) [A-Z][\w'-]*)?\W*$")
# "What does WCC mean?": what an acronym means is what it stands for
_ACRONYM_MEANING = re.compile(r"^\s*(?i:what (?:does|do|did) (?:the )?)[A-Z]{2,}[\w-]* (?i:mean|refer to)\b")
_EXPANSION = re.compile(r"\bstands? for\b|\bshort for\b|\bacronym\b|\babbreviation\b|\bsignifica\b|\bsigla\b"
                        r"|\b(?:full|long|complete|other|short) (?:name|form)\b|\banother name\b|\bnome completo\b"
                        r"|\balso (?:called|known as)\b")
_PREPOSITIONS = "in|to|at|for|from|with|on|into|about|by|of"
_FRONTED = re.compile(rf"^(?:according )?({_PREPOSITIONS}) (?:what|which|whom)\b"
                      rf"|^(?!(?:what|which|who|whom|whose|when|where|why|how)\b).*?\b({_PREPOSITIONS}) (?:what|which|whom)\b")
_STRANDED = re.compile(rf"\b({_PREPOSITIONS})\s*\??$"
                       # "what does the IEO pair them *with* in pursuit of excellence": a preposition right
                       # before another one, which opens an adjunct, lost its object to the wh-word
                       r"|^(?:what|which|who|whom)\b.*?\b(with|to|for|from|on|at|by|about) (?:in|during|since|within)\b")
_VERBISH = re.compile(r"(?:ed|ing)$")


_WITHIN = re.compile(r"\b(?:region|city|town|province|area|place)s? (?:of|in) ([A-Z][\w'-]*)"
                     r"|\bthan any other(?: [\w-]+)? in ([A-Z][\w'-]*)")


def _within(question: str) -> tuple[str, ...]:
    """"Which region *of Italy*", "... than any other *in Italy*": the larger place a place is asked
    within. It says where to look, not what the answer's sentence must restate.

    >>> _within("Which region of Italy has the most hospitals?"), _within("Which hospital in Milano is a partner?")
    (('italy',), ())
    """
    return tuple(fold(m.group(1) or m.group(2)).lower() for m in _WITHIN.finditer(question))


# Skill said by a noun or adjective, not a participle: "the team (is) *expert* in treating"
_PREDICATE_SKILL = re.compile(r"\b(?:experts?|specialists?|good|competent|experienced|skilled) (?:at|in|on|with) "
                              r"[a-z]{3,}ing\W*$")
_SKILLED = (r"(?:experts?|skilled|speciali[sz](?:e|es|ed|ing)|specialists?|trained|experienced|good|involved|engaged"
            r"|competent|focus(?:es|ed|ing)?)")


def _excluded(question: str) -> tuple[str, ...]:
    """"Besides the five cell factories, which ...?" -> ("cell", "factori"): what a fronted exclusion names.

    >>> _excluded("Besides the five cell factories, which hospital is a partner?")
    ('cell', 'factori')
    >>> _excluded("Which other institutes besides San Raffaele were selected?")
    ('san', 'raffael')
    >>> _excluded("In which fields does INT have programs, besides preclinical and clinical?")
    ('preclin', 'clinic')
    >>> _excluded("Which hospital is a partner rather than one of the cell factories?")
    ('cell', 'factori')
    """
    m = _EXCLUDED.match(fold(question).strip())
    # "Which other institutes *besides San Raffaele* were selected?": a name set aside mid-question ends
    # where its capitals do
    m = m or re.search(rf"\b{_SET_ASIDE}\s+((?:[A-Z][\w'-]*(?:\s+|$))+)", question)
    # "..., besides preclinical and clinical?": set aside at the question's end
    m = m or re.search(rf"\b{_SET_ASIDE}\s+([^,?]+?)\W*$", fold(question))
    # "... as a partner *rather than as one of the cell factories*": a contrast closing the question
    m = m or re.search(r"\b(?:rather than|instead of)\s+(?:as\s+)?([^,?]+)", fold(question))
    return tuple(stem(w) for w in words(m.group(1)) if w not in STOPWORDS and w not in _COUNTS and w != "one") if m else ()


def _stranded_verb(folded: str) -> str:
    """"What are the doctors experts at *treating*?": a what-question ending on a verb in -ing asks
    for that verb's object.

    >>> _stranded_verb("what are the doctors experts at treating?"), _stranded_verb("what is he doing in milan?")
    ('treating', '')
    """
    # only after a word of skill ("experts at", "specialised in"), where -ing is a verb
    m = re.match(rf"(?:what|which)\b.*\b{_SKILLED} (?:at|in|on|for|with)\s+([a-z]{{3,}}ing)\W*$", folded)
    return m.group(1) if m else ""


_ITEMS = re.compile(r"\b(?:which|what|name|list|give|mention|cite) (" + "|".join(_COUNTS) + r")(?![\w-])"
                    r"(?! (?:of|out of)\b)")
_CLOSED = re.compile(r"^(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|e|sono|era)\b")


def _alternatives(folded: str, question: str = "") -> tuple[str, ...]:
    """"Are the banks autologous or allogeneic?" -> ("autologous", "allogeneic"): a closed question
    offering choices, which the documents answer by saying one of them. Each choice has as many
    words as the last, unless the choices are modifiers sharing the last one's head.

    >>> _alternatives("are the cells from bone marrow or umbilical cords?")
    ('bone marrow', 'umbilical cords')
    >>> _alternatives("is the project three-year, five-year or ten-year?")
    ('three-year', 'five-year', 'ten-year')
    >>> _alternatives("does san raffaele have 1,340 or 1,500 beds?")
    ('1,340 beds', '1,500 beds')
    >>> _alternatives("is int a public or private hospital?"), _alternatives("who leads the wcc or the ieo?")
    (('public hospital', 'private hospital'), ())
    >>> _alternatives("is it standard only in italy, or abroad too?")
    ('italy', 'abroad')
    >>> _alternatives("does it treat most patients in italy, in europe or worldwide?")
    ('italy', 'europe', 'worldwide')
    """
    # "..., or abroad *too*?": a closing focus adverb is not part of the last choice
    text = re.sub(r"(?:\s+(?:too|also|as well|either|instead))?[?!.\s]*$", "", folded)
    framed = _framed_choice(text)
    if framed:
        return framed
    splits = list(re.finditer(r",?\s+or\s+", text)) if _CLOSED.match(text) else []
    if not splits:
        return ()
    return _final_choice(text, splits[-1]) or _inner_choice(text) or _named_choice(question)


# "Humanitas or San Raffaele: which one ...", "Which one ..., INT or IEO": the choices set apart from
# the wh-clause. Trailing choices need a wh-phrase that asks to choose ("which one", "which of", "who"):
# "which institutes are in Milano, Pavia or Bergamo" asks for all of them.
_LEADING_CHOICE = re.compile(r"^(?P<c>[^:;,?]+(?:,\s*[^:;,?]+)*,?\s+or\s+[^:;,?]+?)\s*[:;,–—]\s*"
                             r"(?:which|who|what|where)\b")
_TRAILING_CHOICE = re.compile(r"^(?:which one|which of|who|whom)\b[^:;,]*[:;,]\s*"
                              r"(?P<c>[^:;,]+(?:,\s*[^:;,]+)*,?\s+or\s+[^:;,]+)$")


def _framed_choice(text: str) -> tuple[str, ...]:
    """Choices set apart from the wh-clause by a colon or comma.

    >>> _framed_choice("humanitas or san raffaele: which one was selected")
    ('humanitas', 'san raffaele')
    >>> _framed_choice("which one has more beds, int or san raffaele"), _framed_choice("which are in milano, pavia or bergamo")
    (('int', 'san raffaele'), ())
    """
    m = _LEADING_CHOICE.match(text) or _TRAILING_CHOICE.match(text)
    if not m:
        return ()
    items = tuple(re.sub(r"^(?:the|a|an)\s+", "", c.strip()) for c in re.split(r",?\s+or\s+|,\s*", m.group("c")))
    return items if len(items) >= 2 and all(1 <= len(c.split()) <= 5 for c in items) else ()


def _named_choice(question: str) -> tuple[str, ...]:
    """"Was *Humanitas or San Raffaele* selected ...": two names offered mid-question.

    >>> _named_choice("Was Humanitas or San Raffaele selected for EURE-CART?"), _named_choice("Is it big or small?")
    (('humanitas', 'san raffaele'), ())
    """
    rest = question.split(None, 1)[1] if len(question.split()) > 1 else ""
    names = list(_ENTITY.finditer(rest))
    for a, b in pairwise(names):
        if re.fullmatch(r",?\s+or\s+(?:the\s+)?", rest[a.end():b.start()]):
            return fold(a.group()), fold(b.group())
    return ()


_PLACE_PREPOSITION = r"(?:in|at|on|from|to|across|within|throughout)"


def _final_choice(text: str, split: re.Match) -> tuple[str, ...]:
    left, right = text[:split.start()], text[split.end():]
    last = right.split()
    if not 1 <= len(last) <= 3 or last[-1] in STOPWORDS:
        return ()
    items = [p.strip() for p in re.split(r",(?!\d)", left) if p.strip()]
    if not items:
        return ()
    head = " ".join(last[1:])
    if head and _MODIFIER.search(items[-1].split()[-1]) and _MODIFIER.search(last[0]):
        # "three or five years", "public or private hospital": modifiers of one head
        lead = [p.split()[-1] for p in items] if all(len(p.split()) == 1 for p in items[1:]) else items[-1].split()[-1:]
        return (*(f"{w} {head}" for w in lead), right)
    if len(items) > 1 and all(len(p.split()) == len(last) for p in items[1:]):
        # "three-year, five-year or ten-year": a list of choices
        first = " ".join(items[0].split()[-len(last):])
        return (first, *items[1:], right)
    bare = [re.sub(rf"^{_PLACE_PREPOSITION} ", "", p) for p in items[1:]]
    if len(items) > 1 and all(len(p.split()) == len(last) for p in bare):
        # "in Italy, in Europe or worldwide": the same choices, each with its own preposition
        return (" ".join(items[0].split()[-len(last):]), *bare, right)
    return (" ".join(items[-1].split()[-len(last):]), right)


def _inner_choice(text: str) -> tuple[str, ...]:
    """"Is INT *partly or totally* dedicated to ...": two modifiers of one kind offered mid-question
    (adverbs in -ly, or adjectives), when the question goes on after them.

    >>> _inner_choice("is int partly or totally dedicated to curing cancer"), _inner_choice("is it big or small")
    (('partly', 'totally'), ())
    """
    for m in re.finditer(r"\b([\w-]+),?\s+or\s+([\w-]+)\b(?=\s+\w)", text):
        a, b = m.groups()
        if a in STOPWORDS or b in STOPWORDS:
            continue
        if (a.endswith("ly") and b.endswith("ly")) or (_MODIFIER.search(a) and _MODIFIER.search(b)
                                                        and not a[0].isdigit() and not b[0].isdigit()):
            return a, b
    return ()


# Words that modify a head noun: a figure, a number word, an adjective by its ending.
_MODIFIER = re.compile(r"^\d[\d,.]*$|^(?:one|" + "|".join(_COUNTS) + r")$"
                       r"|(?:ic|al|ous|ive|ate|ible|able|ar|ary|ful|less|ed)$")


def _predicate(folded: str, focus_words: tuple[str, ...], question: str) -> str:
    """What a who- or how-much question asks about, when no noun after the wh-word says it.

    "Who is the *director* of INT", "Who *coordinates* EURE-CART", "How much did it *cost*".
    """
    named = {w for e in _entities(question) for w in e}
    m = re.match(r"who (?:is|are|was|were) (.+)", folded)
    if m:  # the head of the noun phrase: "who is the scientific *director* of INT"
        phrase = []
        for w in words(m.group(1)):
            if w in named or (w in STOPWORDS and phrase):
                break
            if w not in STOPWORDS:
                phrase.append(w)
        return phrase[-1] if phrase else ""
    if folded.startswith("who "):  # "who *takes care* of ...": a light verb says it with the next word
        content = [w for w in words(folded)[1:] if w not in STOPWORDS and w not in named]
        return " ".join(content[:2]) if content[:1] and content[0] in LIGHT_VERBS else "".join(content[:1])
    m = re.match(r"how much (?:did|does|do|is|was|were|will|would) .*?([\w-]+)\W*$", folded)
    if m and not focus_words:
        return m.group(1)
    return ""


_FIELD_NOUNS = frozenset("area areas field fields domain domains line lines".split())
# "what is the (hematologists') area of *expertise*": the possessor may come first
_FIELD_OF = re.compile(r"^(?:what|which) (?:is|are|was|were) (?:the )?(?:[\w-]+(?:'s|') )?(?:area|field|domain|line)s? of ([\w-]+)"
                       r"|\b(?:what|which) (?:area|field|domain|line)s? of ([\w-]+)")
# (or the noun ends the question after its modifiers: "what is the pagencell cell storage *approach*?")
_ASKED_NOUN = re.compile(r"^(?:what|which) (?:is|are|was|were) the (?:((?:[\w-]+ ){0,2}?)([\w-]+) "
                         r"(?:of|for|in|at|behind|from|that|which|[\w-]+ed (?:by|to|for|in))\b"
                         r"|((?:[\w-]+ ){1,3})([\w-]+)\W*$)")


# a query without a wh-word, an auxiliary or an order first, or a word in -ed or -ing (which may be its verb):
# "pagencell cell storage approach"
_KEYWORDS = re.compile(rf"^{_NO_WH}(?!(?:name|list|give|tell|show|spell|state|describe|explain|define|enumerate"
                       r"|mention|summari[sz]e|is|are|am|was|were|do|does|did|has|have|had|can|could|will|would"
                       r"|shall|should|may|might|must|please)\b)(?:[\w'-]+(?<!ed)(?<!ing) ){1,5}"
                       r"([a-z][a-z-]{2,}(?<!ed)(?<!ing))\W*$")


def _singular_noun(word: str) -> bool:
    """Can a question's last word name what is asked? Only a singular noun: a plural names things to count or
    list ("INT beds" asks how many), and -ed, -ing, -able, -ible end verbs and adjectives ("the cells pagencell
    *stores*", "the best treatment *available*").

    >>> _singular_noun("approach"), _singular_noun("apheresis"), _singular_noun("beds"), _singular_noun("available")
    (True, True, False, False)
    """
    return not re.search(r"(?:(?<![sui])s|ed|ing|able|ible)$", word)


def _asked_noun_of(folded: str, answer_type: str) -> str:
    """The asked noun, unless the question asks for something else:

    "what are the doctors experts at *treating*", "what is the team *expert* in treating": the object
    of a verb, not an instance of "experts" nor a team (a predicate noun or adjective, after the copula);
    but "what is the *address* of the hospital specialised in nursing" (a participle on the hospital)
    still asks for an address. "What is the planned *duration*": a length of time, which the answer
    type already says.
    """
    noun = _asked_noun(folded)
    if _stranded_verb(folded) and (re.fullmatch(_SKILLED, noun) or _PREDICATE_SKILL.search(folded)):
        return ""
    return "" if answer_type == "DURATION" and noun in _DURATION_FRAME else noun


def _asked_noun(folded: str) -> str:
    """"What is the biological *source* of the cells": the noun the answer is an instance of.

    A query of nouns alone names it last: "pagencell cell storage *approach*".
    """
    keywords = _KEYWORDS.match(folded)
    if keywords and keywords.group(1) not in STOPWORDS and keywords.group(1) not in _FRAME and _singular_noun(
            keywords.group(1)):
        return keywords.group(1)
    m = _ASKED_NOUN.match(folded)
    noun = m and (m.group(2) or (m.group(4) if _singular_noun(m.group(4)) else ""))
    if not noun or noun in _FRAME or noun in STOPWORDS or "name" in noun or _FIELD_OF.search(folded):
        return ""
    return noun


def _preposition(folded: str) -> str:
    if _EXPANSION.search(folded):
        return ""
    m = _FRONTED.search(folded) or _STRANDED.search(folded)
    if m:  # "In which ...", "... its studies *in* which field?", "... come *from*?"
        return next(g for g in m.groups() if g)
    # "What is the source of the cells?" asks where they come *from*.
    return "from" if _SOURCE.search(folded) else ""


_SOURCE = re.compile(r"^(?:what|which) (?:is|are|was|were) the (?:[\w-]+ )?(?:source|origin|provenance)s?\b")


_COUNT_NOUNS = r"(?:count|number|total|capacity|headcount|tally)"


def _counted_noun(folded: str) -> str:
    """Stem of what "what is the N count" / "the number of (the) ... N" counts, or "".

    >>> _counted_noun("what is the bed count at san raffaele?"), _counted_noun("what is the number of inpatient beds at int")
    ('bed', 'bed')
    """
    m = re.search(rf"^(?:what|which) (?:is|was|are|were) (?:the|its|their) (?:total )?([\w-]+) {_COUNT_NOUNS}\b", folded)
    if m and m.group(1) not in STOPWORDS and m.group(1) != "total":
        return stem(m.group(1))
    m = re.search(rf"\b(?:the|its|their) (?:total )?{_COUNT_NOUNS} of (?:the )?((?:[\w-]+ ){{0,3}}[\w-]+)", folded)
    if not m:
        return ""
    phrase = []
    for word in m.group(1).split():
        if word in STOPWORDS or word in _WH:
            break
        phrase.append(word)
    return stem(phrase[-1]) if phrase else ""


def _focus_words(folded: str, capitalised: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Stems of the wh-phrase, head last: "how many inpatient *beds*", "what kind of cell *banks*".

    ``capitalised`` holds the folded words written with a capital after the first.

    The phrase runs from the wh-word to the first function word or verb-like
    word. "How is X described" asks about X.
    """
    described = _DESCRIBED.search(folded)
    m = described and re.search(r"^how \w+ (.+) \w+$", folded[:described.end()])
    m = m or re.search(r"^(?:what|which) (?:is|was|are|were) the names? of\s+((?:[\w-]+\s+){0,4}[\w-]+)", folded)
    m = m or re.search(_CALLED, folded)
    m = m or re.search(r"\b(?:how many|how much|what|which(?: (?:is|are|was|were) the)?|quant[ieoa]|quale|quali|che"
                       r"|(?:name|give|list|mention|cite|enumerate)(?: (?:one|an?|some|all|the|all the|every|each|" + "|".join(_COUNTS)
                       + r")(?: (?:of|among) the)?)?)\s+"
                       r"(?:(?:kind|type|sort|form)s? of\s+)?((?:[\w'’-]+\s+){0,4}[\w-]+)", folded)
    if not m:
        return ()
    phrase: list[str] = []
    previous = ""
    tokens = m.group(1).split()
    rest = folded[m.end(1):].split()
    for i, word in enumerate(tokens):
        following = (tokens[i + 1:] + rest)[:1]
        if phrase and following == ["as"]:
            break  # "which region *counts as* ...", "which institute *acts as*": a verb of being, not a noun
        if not phrase and word in _LEADING:
            continue
        if phrase and word in capitalised and previous not in capitalised:
            break  # "the consortium *San Raffaele* participates in": a name opens the next clause
        previous = word
        if not phrase and len(word) > 5 and word.endswith("ed"):
            break  # "what *happened* to ...": a verb, and no noun is asked for
        if word.endswith(("'s", "’s")):  # "how many of Lombardy's hospitals": the possessor is no head
            phrase = []
            continue
        if word in STOPWORDS or word in _WH or (phrase and _VERBISH.search(word)):
            if described and word in _LEADING:
                continue
            break
        phrase.append(stem(word))
    return tuple(phrase)


_LEADING = frozenset("the other a an of and".split())


def _entities(question: str) -> list[tuple[str, ...]]:
    out = []
    for m in _ENTITY.finditer(question):
        # "Milan-area", "Milano-based": the name is the capitalised part
        name = re.sub(r"(?<=\w)-[a-z][\w'-]*", "", m.group())
        # (not "T" of "T-cell": one letter names nothing)
        tokens = [w for w in words(name) if w not in STOPWORDS and w not in _WH and w not in _FRAME and len(w) > 1]
        # The sentence-initial capital alone ("Lombardy has ...") is no sign of a name; but the capital
        # after a wh-word is ("Which *German* institute"), and "At Humanitas" holds one.
        initial = words(name)[:1]
        if (m.start() == 0 and len(tokens) <= 1 and tokens[:1] == initial and not m.group().isupper()
                and not _FRONTED_PREPOSITION.match(m.group())):
            continue
        if tokens:
            out.append(tuple(tokens))
    return out
