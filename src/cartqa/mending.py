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

import re

from .text import STOPWORDS

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


_REQUEST = re.compile(r"^\s*(?:(?:please|so|and|ok(?:ay)?),?\s+)?(?:(?:can|could|would) you\s+)?"
                      r"(?:tell|give|show) me\s+(?:please\s+)?", re.I)


def mend_request(question: str) -> str:
    """A request put as an order, as a question: "Tell me the source of X" -> "What is the source of X".

    >>> mend_request("Tell me the source of the cells."), mend_request("Can you tell me when INT was founded?")
    ('What is the source of the cells.', 'when INT was founded?')
    >>> mend_request("Tell me about INT")
    'Tell me about INT'
    """
    m = _REQUEST.match(question)
    if not m:
        return question
    rest = question[m.end():]
    if re.match(r"(?:what|which|who|whom|whose|when|where|why|how)\b", rest, re.I):
        return rest
    if re.match(r"(?:the|its|their|his|her)\s", rest, re.I):
        return "What is " + rest
    return question


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
_LONG_NAME = re.compile(rf"\b[A-Z][\w'-]+(?:\s+(?:{_NAME_JOINERS}\s+)*[A-Z][\w'-]+)+")


def mend_long_name(question: str, acronyms: frozenset[str], written: str) -> str:
    """A long name the text never writes, as the acronym of ``acronyms`` its initials spell, in any order.

    ``written`` is the documents' text, lower-cased: a long name it writes stays as it is.

    >>> mend_long_name("How many beds has the European Institute of Oncology?", frozenset({"IEO"}), "")
    'How many beds has the IEO?'
    >>> mend_long_name("Quanti letti ha l'Istituto Nazionale dei Tumori?", frozenset({"INT"}), "")
    "Quanti letti ha l'INT?"
    >>> mend_long_name("What does the Women Cancer Center do?", frozenset({"WCC"}), "its women cancer center (wcc)")
    'What does the Women Cancer Center do?'
    """
    by_letters = {"".join(sorted(a)): a for a in acronyms if len(a) >= 3 and a.isalpha()}

    def mend(m: re.Match) -> str:
        name = m.group()
        initials = [w[0].upper() for w in name.split() if not re.fullmatch(_NAME_JOINERS, w)]
        acronym = by_letters.get("".join(sorted(initials)))
        if acronym is None or " ".join(name.lower().split()) in written:
            return name
        return acronym

    return _LONG_NAME.sub(mend, question)
