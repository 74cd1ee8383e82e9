"""Questions as people type them, mended into the forms the question rules read.

A misspelt wh-word ("wich hospital"), an order ("Tell me the source of X"), a relative clause
on the asked noun ("What are the fields *in which* INT has programs"): each is rewritten to the
plain question it stands for, before analysis. Pure string functions.

>>> mend_relative(mend_request("Tell me the research fields in which INT has programs"))
'In which research fields INT has programs'

A long name the documents never write, whose initials spell an acronym they do write, is that
acronym: institutes are abbreviated from their own language's name, whose word order differs
("European Institute of Oncology", Istituto Europeo di Oncologia, IEO).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from cartqa.corpus.text import STOPWORDS

_WH_WORDS = ("what", "which", "when", "where", "who", "whom", "whose", "why", "how")


def mend_wh_word(question: str) -> str:
    """A misspelt opening wh-word, one edit from exactly one wh-word, spelt right.

    >>> mend_wh_word("wich hospital has 464 beds?"), mend_wh_word("Were is INT?")
    ('which hospital has 464 beds?', 'Were is INT?')
    """
    from rapidfuzz.distance import DamerauLevenshtein

    m = re.match(r"\s*([A-Za-z]{3,6})\b", question)
    word = m.group(1).lower() if m else ""
    if not word or word in _WH_WORDS or word in STOPWORDS:
        return question  # "Were" is a word of its own, not "Where"
    close = [w for w in _WH_WORDS if DamerauLevenshtein.distance(word, w) == 1]
    if len(close) != 1:
        return question
    fixed = close[0].capitalize() if m.group(1)[0].isupper() else close[0]
    return question[:m.start(1)] + fixed + question[m.end(1):]


# "what's", "who're": the verb is spelt out so the question rules see a wh-word and its verb; an "'s"
# after a noun is a possessive and stays, and one before a participle is "has" ("who's led the IEO").
_CONTRACTED = re.compile(rf"\b({'|'.join(_WH_WORDS)})['’](s|re)\b(?!\s+[a-z]+(?:ed|en)\b)", re.I)


def mend_contraction(question: str) -> str:
    """A wh-word contracted with "is" or "are", written out.

    >>> mend_contraction("what's the source of the cells in Lombardy's bank?"), mend_contraction("Who’re they?")
    ("what is the source of the cells in Lombardy's bank?", 'Who are they?')
    """
    return _CONTRACTED.sub(lambda m: f"{m.group(1)} {'is' if m.group(2).lower() == 's' else 'are'}", question)


_REQUEST = re.compile(r"^\s*(?:(?:please|so|and|ok(?:ay)?),?\s+)?(?:(?:can|could|would) you\s+)?"
                      r"(?:tell|give|show) me\s+(?:please\s+)?", re.I)


def mend_request(question: str) -> str:
    """A request put as an order, as a question: "Tell me the source of X" -> "What is the source of X".

    >>> mend_request("Tell me the source of the cells."), mend_request("Can you tell me when INT was founded?")
    ('What is the source of the cells.', 'when INT was founded?')
    >>> mend_request("Give me a list of the cell factories")
    'List the cell factories'
    >>> mend_request("Tell me about INT")
    'Tell me about INT'
    """
    m = _REQUEST.match(question)
    if not m:
        return question
    rest = question[m.end():]
    if re.match(r"(?:what|which|who|whom|whose|when|where|why|how)\b", rest, re.I):
        return rest
    listed = re.match(r"(?:an?|the)\s+(?:(?:full|complete)\s+)?list\s+of\s+", rest, re.I)
    if listed:  # "Give me a list of the factories" -> "List the factories"
        return "List " + rest[listed.end():]
    if re.match(r"(?:the|its|their|his|her)\s", rest, re.I):
        return "What is " + rest
    return question


# Who is asking, not what: "As a patient, ...", "I'm a nurse.", "Sono una paziente:", "Hi, ..."
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|ciao|salve|buongiorno|buonasera)\b[,!.]?\s*",
                       re.I)
_AS_A = re.compile(r"^\s*(?:(?:as an?|come|in quanto)\s+[\w' -]{2,40}?,|[\w' -]{2,30}?\s+here\s*[:,.!-]"
                   r"|according to (?:the )?(?:text|document|documents|article|briefing|report),)\s*", re.I)
_SPEAKER = re.compile(r"^\s*(?:i'?m|i am|we'?re|we are|sono|siamo)\s+(?:an?|one|una?|uno|un')\b[^.?!:;]*[.:;!]?\s*$", re.I)
# "I'd like to know where ...": a question embedded in a wish to know it (never "... whether ...", a yes/no)
_WISH_TO_KNOW = re.compile(
    r"^\s*(?:(?:i(?:'d| would)|we(?:'d| would)) (?:like|love|want) to (?:know|understand|find out|learn)"
    r"|i (?:want|need|wish) to (?:know|understand|find out)|i(?:'m| am| was) (?:wondering|curious)|i wonder"
    r"|do you know|vorrei (?:sapere|capire)|volevo sapere|mi (?:piacerebbe|interessa) sapere|mi chiedo)"
    r"\s+(?=(?:what|which|when|where|who|whom|whose|why|how|quale|quali|quando|dove|chi|come|quant[aeio]|che|cosa|perch)\b)",
    re.I)
_WH_START = re.compile(rf"^\s*(?:{'|'.join(_WH_WORDS)})\b", re.I)
# a third-person pronoun that refers back to what an earlier sentence was about
_BACK = re.compile(r"\b(?:(?P<possessive>its|their) (?P<noun>[\w-]+)(?P<end>\s*[?.!,]|\s*$|\s+(?=(?:in|at|on|for|from|with|by"
                   r"|is|are|was|were|do|does|did|have|has|had|come|comes|came)\b))?|(?P<pronoun>it|they|them)\b)", re.I)


def mend_preamble(question: str, topic: Callable[[str], str] = lambda sentence: "") -> str:
    """The question without who asks and how they ask; a pronoun that refers to an earlier sentence, named.

    ``topic`` says what a statement is about (a parser's subject; see CorpusView.topic).

    >>> mend_preamble("As a patient, I'd like to know where the cells come from.")
    'where the cells come from.'
    >>> mend_preamble("I'm a nurse. What is the source of the cells?")
    'What is the source of the cells?'
    >>> mend_preamble("I'd like to know where the banked cells come from. What is their source?",
    ...               topic=lambda s: "the banked cells")
    'What is the source of the banked cells?'
    >>> mend_preamble("I wonder whether INT has beds."), mend_preamble("Which hospital has a unit? How big is it?")
    ('I wonder whether INT has beds.', 'Which hospital has a unit? How big is it?')
    """
    sentences = [_without_asker(s) for s in re.split(r"(?:(?<=[^\W_]{2}[.!?])|(?<=[^\W_][:;]))\s+(?=\S)", question.strip())]
    sentences = [s for s in sentences if s]
    if not sentences:
        return question
    last = sentences[-1]
    if len(sentences) > 1 and (last.endswith("?") or _WH_START.match(last)):
        if _BACK.search(last):
            about = topic(sentences[-2])  # parsed only when the question refers back
            if about and not _WH_START.match(about):
                return _BACK.sub(lambda m: _named(m, about), last, count=1)
        elif _self_contained(last) and all(s.endswith((".", "!")) for s in sentences[:-1]):
            # "I've read that INT focuses on oncology. The centre is devoted to what?" (but a fragment before a
            # colon is the question's own: "Humanitas or San Raffaele: which one was selected?")
            return last
    return " ".join(sentences)


# a wh-word, or "how many/much" without the noun it counts ("How many does San Raffaele have?")
_ELLIPTIC = re.compile(r"\bhow (?:many|much)\s+(?:is|are|was|were|do|does|did|has|have|had|can|could)\b", re.I)
_QUESTION_WORD = re.compile(r"\b(?:what|which|when|where|who|whom|whose|why|how|quale|quali|quando|dove|chi|come"
                            r"|quant[aeio]|cosa|perch[eé])\b", re.I)


def _self_contained(question: str) -> bool:
    """A question that says what it asks of what, with no word left for the sentences before it."""
    content = [w for w in re.findall(r"[\w'-]+", question.lower()) if w not in STOPWORDS]
    return bool(_QUESTION_WORD.search(question)) and not _ELLIPTIC.search(question) and len(content) >= 3


def _without_asker(sentence: str) -> str:
    """One sentence without a greeting, the asker's role, or the asker's wish to know."""
    if _SPEAKER.match(sentence):
        return ""
    sentence = _AS_A.sub("", _GREETING.sub("", sentence), count=1)
    return _WISH_TO_KNOW.sub("", sentence, count=1)


def _named(m: re.Match, about: str) -> str:
    about = re.sub(r"^(?:The|These|Those|This|That|Its|Their)\b", lambda d: d.group().lower(), about)
    if m.group("pronoun"):
        return about
    if m.group("end") is not None:  # "what is their source?" -> "what is the source of X?"
        return f"the {m.group('noun')} of {about}{m.group('end')}"
    return f"{about}'s {m.group('noun')}"


# "What are the research fields *in which* INT has programs": the wh-word of a relative clause on the
# asked noun. Its noun phrase holds no "of" ("the name of the hospital in which ..." asks for a name).
_RELATIVE = re.compile(r"^\s*(?:(?:what|which) (?:is|are|was|were) (?:the )?|(?:list|name|give|mention|enumerate) "
                       r"(?:all )?the )(?P<noun>(?:[\w-]+ ){0,3}[\w-]+?) "
                       r"(?P<prep>in|at|for|from|with|on|by|to|into) (?:which|whom)\s+(?P<rest>.+)$", re.I)
# "the *name* of the city in which ...": the noun asked for is the frame's, not the relative clause's
_RELATIVE_FRAMES = frozenset("name names number kind kinds type types sort list".split())


def mend_relative(question: str) -> str:
    """A relative clause on the asked noun, as the wh-phrase it stands for.

    >>> mend_relative("What are the research fields in which INT has programs?")
    'In which research fields INT has programs?'
    >>> mend_relative("What is the name of the city in which INT lies?")
    'What is the name of the city in which INT lies?'
    >>> mend_relative("List the fields of research in which the Institute has programs.")
    'In which fields of research the Institute has programs.'
    """
    m = _RELATIVE.match(question)
    noun = m.group("noun").lower().split() if m else []
    if not m or {"the", "a", "an"} & set(noun) or ("of" in noun and noun[0] in _RELATIVE_FRAMES):
        return question
    return f"{m.group('prep').capitalize()} which {m.group('noun')} {m.group('rest')}"


# Words a long name joins its capitalised words with ("Institute *of* Oncology", "Istituto *dei* Tumori").
_NAME_JOINERS = r"(?:of|for|and|the|di|del|dei|della|delle|degli|per|e)"
# Capitalised words, not acronyms: "INT" is a name already, so "Which INT department" names no long name.
_NAME_WORD = r"[A-Z](?![A-Z\d]*\b)[\w'-]+"
_LONG_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:{_NAME_JOINERS}\s+)*{_NAME_WORD})+")


@functools.lru_cache(maxsize=4)
def _by_letters(acronyms: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The corpus's acronyms by their letters, sorted: worked out once per corpus, not per question
    (sorting them all was most of this module's ~7 ms a question at 1,000 documents, and they grow
    with the corpus)."""
    by_letters: dict[str, list[str]] = {}
    for a in sorted(acronyms):
        if len(a) >= 2 and a.isalpha():
            by_letters.setdefault("".join(sorted(a)), []).append(a)
    return {letters: tuple(names) for letters, names in by_letters.items()}


def mend_long_name(question: str, acronyms: frozenset[str], says: Callable[[str], bool]) -> str:
    """A long name the text never writes, as the acronym of ``acronyms`` its initials spell, in any order.

    ``says(name)``: do the documents write ``name`` (in any case and spacing)? A long name they
    write stays as it is. Asked only when an acronym is found.

    >>> never = lambda name: False
    >>> mend_long_name("How many beds has the European Institute of Oncology?", frozenset({"IEO"}), never)
    'How many beds has the IEO?'
    >>> mend_long_name("Quanti letti ha l'Istituto Nazionale dei Tumori?", frozenset({"INT"}), never)
    "Quanti letti ha l'INT?"
    >>> mend_long_name("What is the consortium's goal for the European Union?", frozenset({"EU"}), never)
    "What is the consortium's goal for the EU?"
    >>> mend_long_name("What does the Women Cancer Center do?", frozenset({"WCC"}), lambda name: name == "Women Cancer Center")
    'What does the Women Cancer Center do?'
    >>> [mend_long_name("Where is the National Institute of Biology?", frozenset(a), never) for a in ({"INB", "NIB"}, {"INB", "BNI"})]
    ['Where is the NIB?', 'Where is the National Institute of Biology?']
    >>> mend_long_name("Which INT department deals with blood?", frozenset({"WI"}), never)  # an acronym is no long name's word
    'Which INT department deals with blood?'
    >>> mend_long_name("Where is the hospital?", frozenset({"IEO"}), lambda name: 1 / 0)  # no acronym: not asked
    'Where is the hospital?'
    """
    def mend(m: re.Match) -> str:
        name = m.group()
        initials = [w[0].upper() for w in name.split() if not re.fullmatch(_NAME_JOINERS, w)]
        spelled = _by_letters(acronyms).get("".join(sorted(initials)), ())
        # Two acronyms of the same letters ("INB", "NBI"): the one in the initials' order, else
        # neither (a guess would depend on nothing the question says).
        in_order = "".join(initials)
        acronym = in_order if in_order in spelled else spelled[0] if len(spelled) == 1 else None
        if acronym is None or says(name):
            return name
        return acronym

    return _LONG_NAME.sub(mend, question)
