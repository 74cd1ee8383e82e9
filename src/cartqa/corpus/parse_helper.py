"""The second process of :func:`cartqa.corpus.parsing.parse_corpus`: reads a JSON list of sentences
a line, writes their parses (:meth:`Parsed.to_json`) as a JSON line, until its input closes.
With ``--idle`` it runs at idle priority (:class:`cartqa.corpus.parsing.SharedParse`).

    printf '["INT has 464 beds."]\\n' | python -m cartqa.corpus.parse_helper
    [[[[0, 3], [8, 16]], [0, 3]]]
"""

from __future__ import annotations

import json
import os
import sys

from cartqa.corpus.parsing import parse_sentences


def lower_priority() -> str:
    """Run on the core time other processes leave: ``SCHED_IDLE`` where there is one (Linux),
    else nice 19. Returns which, for the tests."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "idle"
    except (AttributeError, OSError):
        try:
            os.nice(19)
            return "nice"
        except (AttributeError, OSError):
            return "unchanged"


def main() -> None:
    if "--idle" in sys.argv[1:]:
        lower_priority()
    for line in sys.stdin.buffer:
        parses = [p.to_json() for p in parse_sentences(json.loads(line))]
        sys.stdout.buffer.write(json.dumps(parses).encode() + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
