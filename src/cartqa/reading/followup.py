"""Follow-up questions: resolve "it", "they", "there" from the conversation so far.

>>> resolve("When was it established?", ["Tell me about the National Cancer Institute of Milan"])
'When was the National Cancer Institute of Milan established?'
>>> resolve("How many beds does INT have?", ["anything"])
'How many beds does INT have?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cartqa.reading.question import analyse

_PRONOUN = re.compile(r"\b(it|its|they|them|their|there|esso|essa|lì)\b", re.I)
_NAMED = re.compile(r"(?:the\s+)?(?:[A-Z][\w'-]*|[A-Z]{2,}[\w-]*)(?:\s+(?:of\s+|di\s+)?[A-Z][\w'-]*)*")


def resolve(question: str, history: Sequence[str | dict] | None) -> str:
    """Replace the first pronoun with the most recent name the user asked about.

    ``history`` holds earlier turns, oldest first: strings (the user's
    questions) or Gradio messages ``{"role": ..., "content": ...}``.
    """
    if not history or analyse(question).entities or not _PRONOUN.search(question):
        return question
    for turn in reversed(list(_user_turns(history))):
        name = _last_name(turn)
        if name:
            def sub(m: re.Match) -> str:
                possessive = m.group(1).lower() in ("its", "their")
                return name + ("'s" if possessive else "") if m.group(1).lower() != "there" else "at " + name

            return _PRONOUN.sub(sub, question, count=1)
    return question


def _user_turns(history: Sequence[str | dict]):
    for turn in history:
        if isinstance(turn, str):
            yield turn
        elif isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
            if isinstance(content, list):  # Gradio 6 may send [{"type": "text", "text": ...}]
                content = " ".join(c.get("text", "") for c in content if isinstance(c, dict))
            if isinstance(content, str):
                yield content


def _last_name(text: str) -> str:
    names = [m.group() for m in _NAMED.finditer(text) if m.start() > 0 or " " in m.group() or m.group().isupper()]
    return names[-1] if names else ""
