"""The second process of :func:`cartqa.corpus.parsing.parse_corpus`: reads a JSON list of sentences
a line, writes their parses (:meth:`Parsed.to_json`) as a JSON line, until its input closes.

    printf '["INT has 464 beds."]\\n' | python -m cartqa.corpus.parse_helper
    [[[[0, 3], [8, 16]], [0, 3]]]
"""

from __future__ import annotations

import json
import sys

from cartqa.corpus.parsing import parse_sentences


def main() -> None:
    for line in sys.stdin.buffer:
        parses = [p.to_json() for p in parse_sentences(json.loads(line))]
        sys.stdout.buffer.write(json.dumps(parses).encode() + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
