"""Stage 1, the corpus: documents in, normalised text, sentences and chunks out.

Takes files from the corpus folder (``loaders``; each file type read by ``formats``
into text located by page, heading or line), repairs their text without
touching the source (``normalize``), splits sentences (``sentences``) and cuts
sentence-aware chunks sized in embedder tokens (``chunking``); ``text`` holds the
word-level helpers (tokens, stems, stopwords) every later stage shares, ``enumerations`` the
items of a list inside a sentence.

May import: ``cartqa.records``, ``cartqa.errors``, ``cartqa.config``. Nothing above.
"""
