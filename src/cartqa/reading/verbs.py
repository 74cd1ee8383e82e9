"""Is the question's verb said in a sentence? By its stem, or by a verb WordNet relates to it.

"When did the project *kick off*?" is said by "started" (kick off is a way of starting); "When
was INT *created*?" by "established" (what is established is created); "When was the project
*completed*?" is not said by "started", though a sentence embedder puts them near (0.48).

Pure: works on a :class:`~cartqa.reading.question.Question` and the
:class:`~cartqa.reading.grounding.CorpusView`'s thesaurus.

>>> from cartqa.reading.question import analyse
>>> _phrasal(analyse("When did the project kick off?"), "kick")
'kick off'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cartqa.corpus.normalize import fold
from cartqa.corpus.text import STOPWORDS, stem
from cartqa.reading.grounding import CorpusView
from cartqa.reading.question import Question


def says_event(q: Question, context: frozenset[str], view: CorpusView) -> bool:
    """Is the question's main verb said: by its stem, or by a verb WordNet gives one of its senses, as the
    more general action, or as a way of doing it ("kick off" / "started", "created" / "established";
    not "funded" / "started")? Meaning alone cannot tell: "approved" / "established" is 0.52, "created" 0.53."""
    if " " not in q.event and stem(q.event) in {stem(c) for c in context}:
        return True
    verb = _phrasal(q, q.event)  # "kick off the project": a particle the parser took for a preposition
    return any(view.same_action(verb, c, every_sense=True) for c in context if len(c) > 3 and c not in STOPWORDS)


_PARTICLE = re.compile(r"\b([a-z]+) (off|up|out|down|over|on|back|away)\b")


def says_main_verb(q: Question, i: int, content: Sequence[str], view: CorpusView) -> bool:
    """Does a sentence word say the question's main verb, in a sense WordNet gives them both or as the
    more general action ("When did the project *kick off*?" / "started"; "set up" / "creating")?
    Only the main verb: any other word looked up as a verb finds spurious senses ("considered")."""
    word = q.term_words[i]
    if view.thesaurus is None or not q.event or fold(q.event.split()[0]) != word:
        return False
    verb = _phrasal(q, word)
    return any(view.same_action(verb, c) for c in content if len(c) > 3)


def _phrasal(q: Question, verb: str) -> str:
    """``verb`` with the particle that follows it in the question ("kick" -> "kick off"), looked up whole."""
    if " " in verb:
        return verb
    particles = dict(_PARTICLE.findall(fold(q.text)))
    return f"{verb} {particles[verb]}" if verb in particles else verb
