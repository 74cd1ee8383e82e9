"""Stage 4, reading: a question and its retrieved chunks in, a short verbatim span or a refusal out.

The extractive reader, in the order a question meets it:

- question analysis: ``question`` (wh-word, asked noun, kind of answer), ``mending``
  (chatty or ordered questions rewritten as plain ones), ``followup`` (a follow-up
  read with the history);
- the corpus seen as sentences: ``grounding`` (``CorpusView``, and whether a sentence
  grounds the question: names, figures and key terms covered), ``syntax`` (spaCy's
  parse), ``semantic`` (meaning similarity of words and phrases), ``wordnet`` and
  ``verbs`` (WordNet classes of nouns and verbs);
- candidate spans by the question's form: ``picking`` dispatches to ``spans``,
  ``sentence_spans``, ``lists``, ``focus``, ``positional``, ``counting`` and ``agents``;
- the learned reader: ``candidates`` (every span that could be the answer), ``spanmodel``
  (MiniLM fine-tuned to mark an answer's start and end: a neural vote), ``scorer`` (features and
  the committed trees), ``choosing`` (the three outcomes);
- ``extractive`` ties them together: scores candidate sentences, picks the span,
  refuses when nothing grounds the question.

``italian/`` turns an Italian question into an English pseudo-question first.
docs/reading.md describes the rules in detail.

May import: ``cartqa.search``, ``cartqa.index``, ``cartqa.corpus`` and the shared modules.
"""
